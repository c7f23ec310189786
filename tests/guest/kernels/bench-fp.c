/*
 * bench-fp: bench.c's floating-point workloads, the one bench object built
 * with SSE2 code generation (tests/guest/meson.build): "sse", a vectorisable
 * float/integer SIMD loop, and "fp", scalar double math with divisions and
 * a dependency chain.  Each returns a checksum of the result bits.
 */
#include <stdint.h>

uint64_t bench_work_sse(void);
uint64_t bench_work_fp(void);

static float fa[4096], fb[4096];
static int32_t ia[4096];

uint64_t bench_work_sse(void)
{
    uint64_t sum = 0;

    for (int i = 0; i < 4096; i++) {
        fa[i] = (float)i * 0.25f;
        fb[i] = 1.0f / (float)(i + 1);
        ia[i] = i * 2654435761u;
    }
    for (int round = 0; round < 6000; round++) {
        float k = 1.0f + (float)(round & 15) * 0.001f;
        for (int i = 0; i < 4096; i++) {        /* mulps/addps/cmpps */
            float v = fa[i] * k + fb[i];
            fa[i] = v < 1000.0f ? v : v - 1000.0f;
        }
        for (int i = 0; i < 4096; i++) {        /* paddd/pmuludq/psrld */
            ia[i] = (ia[i] + round) * 3 ^ ((uint32_t)ia[i] >> 7);
        }
        sum += (uint32_t)ia[round & 4095];
    }
    union { float f; uint32_t u; } x = { .f = fa[123] };
    return sum ^ x.u;
}

uint64_t bench_work_fp(void)
{
    double x = 0.5, y = 1.0, acc = 0;

    for (int i = 1; i <= 12000000; i++) {
        x = x * 3.7 * (1.0 - x);                /* logistic map, stays in (0, 1) */
        y = y + x / (double)i;
        acc += y * 1e-3 - x;
    }
    union { double d; uint64_t u; } a = { .d = acc }, b = { .d = y };
    return a.u ^ b.u;
}
