/*
 * tcg-ir-bench.c: how fast each TCG backend runs the same IR. One TB
 * loops N times over a block of ~20 ALU ops on env globals and temps, a
 * load and a store to env and a conditional branch; it is compiled once
 * per backend (x86-64 and the TCI interpreter) and timed. Prints the
 * IR ops executed per second of each backend and their ratio. Not a
 * test: bench/tcg-ir.sh builds and runs it.
 */
#include "qemu/osdep.h"
#include "../tests/unit/tcg-test-common.h"

static TCGv_i64 g_a, g_b, g_c, g_n;

static void create_globals(void)
{
    g_a = tcg_global_mem_new_i64(tcg_env, TT_ENV_OFS(r64[0]), "a");
    g_b = tcg_global_mem_new_i64(tcg_env, TT_ENV_OFS(r64[1]), "b");
    g_c = tcg_global_mem_new_i64(tcg_env, TT_ENV_OFS(r64[2]), "c");
    g_n = tcg_global_mem_new_i64(tcg_env, TT_ENV_OFS(r64[3]), "n");
}

/*
 * The loop; returns the number of IR ops one iteration executes (the
 * skipped op counted as half, as the branch goes both ways).
 */
static double build_loop(void)
{
    TCGv_i64 i = tcg_temp_new_i64();
    TCGv_i64 t1 = tcg_temp_new_i64(), t2 = tcg_temp_new_i64();
    TCGv_i64 t3 = tcg_temp_new_i64(), t4 = tcg_temp_new_i64();
    TCGv_i64 u1 = tcg_temp_new_i64(), u2 = tcg_temp_new_i64();
    TCGv_i32 w = tcg_temp_new_i32();
    TCGLabel *loop = gen_new_label(), *skip = gen_new_label();
    int ops = 0;

    tcg_gen_movi_i64(i, 0);
    gen_set_label(loop);
    /*
     * Two interleaved dependency chains, as in translated code where a
     * result and its flags or an address are computed side by side.
     */
    tcg_gen_add_i64(t1, g_a, g_b); ops++;
    tcg_gen_sub_i64(u1, g_b, g_c); ops++;
    tcg_gen_xor_i64(t2, t1, g_c); ops++;
    tcg_gen_shri_i64(u2, u1, 9); ops++;
    tcg_gen_shli_i64(t3, t2, 3); ops++;
    tcg_gen_extrl_i64_i32(w, u2); ops++;
    tcg_gen_sub_i64(t4, t3, t1); ops++;
    tcg_gen_addi_i32(w, w, 0x1234); ops++;
    tcg_gen_muli_i64(t4, t4, 0x9e3779b1); ops++;
    tcg_gen_shri_i32(w, w, 5); ops++;
    tcg_gen_rotri_i64(t1, t4, 17); ops++;
    tcg_gen_extu_i32_i64(u1, w); ops++;
    tcg_gen_and_i64(t2, t1, g_b); ops++;
    tcg_gen_or_i64(u2, u1, t3); ops++;
    tcg_gen_ld_i64(t3, tcg_env, TT_ENV_OFS(scratch[0])); ops++;
    tcg_gen_add_i64(t3, t3, t2); ops++;
    tcg_gen_st_i64(t3, tcg_env, TT_ENV_OFS(scratch[0])); ops++;
    tcg_gen_sar_i64(t1, t4, g_c); ops++;      /* c stays < 64 */
    tcg_gen_not_i64(u1, u2); ops++;
    tcg_gen_setcond_i64(TCG_COND_LTU, t2, u1, t3); ops++;
    tcg_gen_add_i64(g_a, g_a, t2); ops++;
    tcg_gen_xor_i64(g_b, g_b, t1); ops++;
    tcg_gen_andi_i64(t1, t3, 1); ops++;
    tcg_gen_brcondi_i64(TCG_COND_EQ, t1, 0, skip); ops++;
    tcg_gen_addi_i64(g_a, g_a, 3);
    gen_set_label(skip);
    tcg_gen_addi_i64(i, i, 1); ops++;
    tcg_gen_brcond_i64(TCG_COND_LTU, i, g_n, loop); ops++;
    tcg_gen_exit_tb(NULL, 0);
    return ops + 0.5;
}

static double run_timed(TTBackend *b, TranslationBlock *tb, TestCPU *cpu, uint64_t n)
{
    int64_t t0;

    memset(&cpu->env, 0, sizeof(cpu->env));
    cpu->env.r64[1] = 0x0123456789abcdefull;
    cpu->env.r64[2] = 7;
    cpu->env.r64[3] = n;
    t0 = g_get_monotonic_time();
    tt_run(b, tb, cpu);
    return (g_get_monotonic_time() - t0) / 1e6;
}

int main(int argc, char **argv)
{
    double target = argc > 1 ? g_ascii_strtod(argv[1], NULL) : 1.0;
    TestCPU *cpu;
    double rate[TT_MAX_BACKENDS] = { 0 };
    uint64_t check[TT_MAX_BACKENDS] = { 0 };

    if (target <= 0) {
        fprintf(stderr, "usage: %s [seconds per backend]\n", argv[0]);
        return 1;
    }
    tt_init(create_globals);
    cpu = tt_cpu_new();

    for (int bi = 0; bi < tt_nb_backends(); bi++) {
        TTBackend *b = tt_backend(bi);
        TranslationBlock *tb;
        double ops, secs;
        uint64_t n = 1000;

        tt_begin(b, true);
        ops = build_loop();
        tb = tt_compile(b);
        if (getenv("TCG_BENCH_DUMP")) {
            tt_dump(b, tb, stderr);
        }
        /* Grow n until one run takes a tenth of the target, then scale. */
        while ((secs = run_timed(b, tb, cpu, n)) < target / 10 && n < (1ull << 40)) {
            n *= 4;
        }
        n = (uint64_t)(n * (target / MAX(secs, 1e-6)));
        n = MAX(n, 1000);
        secs = run_timed(b, tb, cpu, n);
        rate[bi] = n * ops / secs;
        /* Both backends must compute the same thing for the same n. */
        run_timed(b, tb, cpu, 100000);
        check[bi] = cpu->env.r64[0] ^ cpu->env.r64[1] ^ cpu->env.scratch[0];
        printf("%s: %.3g ops/s  ", b->name, rate[bi]);
        fflush(stdout);
        tt_tb_free(tb);
    }
    if (tt_nb_backends() == 2) {
        printf("ratio %.1fx", rate[0] / rate[1]);
        if (check[0] != check[1]) {
            printf("\nresults differ between backends: 0x%" PRIx64 " vs 0x%" PRIx64,
                   check[0], check[1]);
        }
    }
    printf("\n");
    g_free(cpu);
    return tt_nb_backends() == 2 && check[0] != check[1];
}
