/*
 * bench: CPU-bound workloads for bench/tcg.sh, picked by the command line
 * ("-append int|memcpy|interp|sse|fp"): an integer mixing loop, memory
 * copies through 4 KiB pages, a small bytecode interpreter (branchy
 * dispatch), and bench-fp.c's SIMD loop and scalar double math.
 * Each prints its checksum (the emulators must agree) and exits PASS (33).
 * Sized for ~1-3 s under QEMU 7.2's TCG; not a test (no expected file).
 */
#include "user.h"

static uint64_t work_int(void)
{
    uint64_t a = 1, b = 0x9e3779b97f4a7c15ull, c = 7;

    for (uint32_t i = 0; i < 250000000; i++) {
        a = a * 6364136223846793005ull + b;
        b ^= a >> 17;
        c += (a & 0xff) ^ (b << 3);
        c = (c << 5) | (c >> 59);
    }
    return a ^ b ^ c;
}

#define BUF 0x1000000ul          /* 16 MiB, remapped with 4 KiB pages */
#define BUF_SIZE (1ul << 20)

static uint64_t work_memcpy(void)
{
    uint8_t *src = (uint8_t *)BUF, *dst = (uint8_t *)(BUF + BUF_SIZE);
    uint64_t sum = 0;

    for (uint64_t p = BUF; p < BUF + 2 * BUF_SIZE; p += 4096) {
        user_pte(p);
    }
    for (uint64_t i = 0; i < BUF_SIZE; i++) {
        src[i] = (uint8_t)(i * 31 + (i >> 9));
    }
    for (int round = 0; round < 300; round++) {
        /* alternate a byte loop and REP MOVSQ so both paths are timed */
        if (round & 1) {
            uint64_t n = BUF_SIZE / 8;
            __asm__ volatile("rep movsq" : "+S"(src), "+D"(dst), "+c"(n) : : "memory");
            src -= BUF_SIZE;
            dst -= BUF_SIZE;
        } else {
            for (uint64_t i = 0; i < BUF_SIZE; i += 8) {
                *(uint64_t *)(dst + i) = *(uint64_t *)(src + i) + (uint64_t)round;
            }
        }
        sum += dst[round * 4099 % BUF_SIZE];
    }
    return sum;
}

/* A tiny stack VM: push, add, sub, mul, dup, swap, jnz, dec, xor, halt. */
enum { V_PUSH, V_ADD, V_SUB, V_MUL, V_DUP, V_SWAP, V_JNZ, V_DEC, V_XOR, V_HALT, V_OVER, V_DROP };

static uint64_t work_interp(void)
{
    /* counter loop: acc = acc * 3 + counter ^ 0x55, 6M iterations */
    static const int32_t prog[] = {
        V_PUSH, 0,              /* acc */
        V_PUSH, 6000000,        /* counter */
        /* loop (pc 4): stack: acc counter */
        V_SWAP,                 /* counter acc */
        V_PUSH, 3, V_MUL,       /* counter acc*3 */
        V_OVER, V_ADD,          /* counter acc*3+counter */
        V_PUSH, 0x55, V_XOR,    /* counter acc' */
        V_SWAP,                 /* acc' counter */
        V_DEC,                  /* acc' counter-1 */
        V_DUP, V_JNZ, 4,
        V_DROP, V_HALT,
    };
    uint64_t stack[16];
    int sp = 0, pc = 0;

    for (;;) {
        switch (prog[pc++]) {
        case V_PUSH: stack[sp++] = (uint64_t)(int64_t)prog[pc++]; break;
        case V_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case V_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case V_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case V_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case V_DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case V_OVER: stack[sp] = stack[sp - 2]; sp++; break;
        case V_DROP: sp--; break;
        case V_SWAP: {
            uint64_t t = stack[sp - 1];
            stack[sp - 1] = stack[sp - 2];
            stack[sp - 2] = t;
            break;
        }
        case V_DEC: stack[sp - 1]--; break;
        case V_JNZ: sp--; if (stack[sp]) { pc = prog[pc]; } else { pc++; } break;
        case V_HALT: return stack[sp - 1];
        default: return 0;
        }
    }
}

/*
 * Whether w is one of the space-separated words of s.  Whole words only:
 * the multiboot command line starts with the kernel's path, which may
 * contain a workload's name (build-sse/tests/guest/bench.elf).
 */
static int has_word(const char *s, const char *w)
{
    while (*s) {
        unsigned i = 0;

        while (*s == ' ') {
            s++;
        }
        while (w[i] && s[i] == w[i]) {
            i++;
        }
        if (!w[i] && (s[i] == ' ' || s[i] == 0)) {
            return 1;
        }
        while (*s && *s != ' ') {
            s++;
        }
    }
    return 0;
}

/* bench-fp.c (built with SSE) */
uint64_t bench_work_sse(void);
uint64_t bench_work_fp(void);

int kmain(uint32_t magic, struct mb_info *mbi)
{
    const char *cmd = (mbi->flags & MB_INFO_CMDLINE) ? (const char *)(uint64_t)mbi->cmdline : "";
    uint64_t r;

    if (has_word(cmd, "memcpy")) {
        r = work_memcpy();
        printf("bench memcpy: %lx\n", r);
    } else if (has_word(cmd, "sse")) {
        sse_enable();
        r = bench_work_sse();
        printf("bench sse: %lx\n", r);
    } else if (has_word(cmd, "fp")) {
        sse_enable();
        r = bench_work_fp();
        printf("bench fp: %lx\n", r);
    } else if (has_word(cmd, "interp")) {
        r = work_interp();
        printf("bench interp: %lx\n", r);
    } else {
        r = work_int();
        printf("bench int: %lx\n", r);
    }
    return EXIT_PASS;
}
