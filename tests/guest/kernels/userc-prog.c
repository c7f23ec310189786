/*
 * userc-prog: a small freestanding C program compiled with -O2 -msse4.2
 * (only this object), run at CPL 3 by userc.c: float and double math whose
 * results are printed in hex, SSE-intrinsic memcpy and strlen (PCMPISTRI),
 * CRC32 and multiplicative integer hashing over a buffer; prints checksums.
 * No libm: square roots are Newton iterations, so every operation is an
 * IEEE basic operation with one defined result.
 */
#include <stddef.h>
#include <stdint.h>
#include <immintrin.h>

void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void userc_main(void *arg);

static uint64_t d2u(double d)
{
    union { double d; uint64_t u; } x = { .d = d };
    return x.u;
}

static uint32_t f2u(float f)
{
    union { float f; uint32_t u; } x = { .f = f };
    return x.u;
}

static double newton_sqrt(double x)
{
    double r = x > 1 ? x / 2 : 1;

    for (int i = 0; i < 30; i++) {
        r = 0.5 * (r + x / r);
    }
    return r;
}

static void fp_math(void)
{
    static double a[8][8], b[8][8], c[8][8];
    static float v[256];
    double acc = 0;
    float facc = 0, fprod = 1;

    for (int i = 0; i < 8; i++) {
        for (int j = 0; j < 8; j++) {
            a[i][j] = (double)(i * 8 + j) / 7.0 - 3.25;
            b[i][j] = 1.0 / (double)(i + j + 1);
        }
    }
    for (int i = 0; i < 8; i++) {
        for (int j = 0; j < 8; j++) {
            double s = 0;
            for (int k = 0; k < 8; k++) {
                s += a[i][k] * b[k][j];
            }
            c[i][j] = s;
            acc += s * (double)(j + 1);
        }
    }
    printf("matmul: c00=%lx c77=%lx acc=%lx\n", d2u(c[0][0]), d2u(c[7][7]), d2u(acc));

    for (int i = 0; i < 256; i++) {
        v[i] = (float)i * 0.37f - 40.0f;
    }
    for (int i = 0; i < 256; i++) {     /* vectorised at -O2 -msse4.2 */
        v[i] = v[i] * v[i] / (1.0f + (float)(i & 7)) - 0.125f;
    }
    for (int i = 0; i < 256; i++) {
        facc += v[i];
        fprod *= 1.0f + v[i] / 65536.0f;
    }
    printf("floats: v0=%x v255=%x sum=%x prod=%x\n", f2u(v[0]), f2u(v[255]), f2u(facc),
           f2u(fprod));

    double s2 = newton_sqrt(2.0), s1e10 = newton_sqrt(1e10), h = 0;
    for (int i = 1; i <= 200; i++) {
        h += 1.0 / (double)i;           /* harmonic sum, 200 divisions */
    }
    printf("sqrt2=%lx sqrt1e10=%lx h200=%lx\n", d2u(s2), d2u(s1e10), d2u(h));
    printf("conv: %ld %d %lx %x\n", (long)(h * 1e6), (int)(-s2 * 1000.5f),
           d2u((double)(int64_t)-123456789012345ll), f2u((float)(uint32_t)0xfffffff1u));
}

static void sse_memcpy(void *d, const void *s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;

    for (; n >= 16; n -= 16, dp += 16, sp += 16) {
        _mm_storeu_si128((__m128i *)dp, _mm_loadu_si128((const __m128i *)sp));
    }
    while (n--) {
        *dp++ = *sp++;
    }
}

/* strlen with PCMPISTRI; reads 16-byte blocks (the buffer is padded). */
static size_t sse_strlen(const char *s)
{
    const __m128i zero = _mm_setzero_si128();
    size_t n = 0;

    for (;;) {
        __m128i blk = _mm_loadu_si128((const __m128i *)(s + n));
        int i = _mm_cmpistri(zero, blk, _SIDD_UBYTE_OPS | _SIDD_CMP_EQUAL_EACH);
        if (_mm_cmpistrz(zero, blk, _SIDD_UBYTE_OPS | _SIDD_CMP_EQUAL_EACH)) {
            (void)i;
            break;
        }
        n += 16;
    }
    /* the block at n holds the terminator: find it bytewise */
    while (s[n]) {
        n++;
    }
    return n;
}

static uint8_t src[4096 + 64], dst[4096 + 64];
static char text[1024 + 32];

void userc_main(void *arg)
{
    uint32_t crc = 0xffffffff;
    uint64_t h = 0x9e3779b97f4a7c15ull, sum = 0;

    fp_math();
    for (int i = 0; i < 4096 + 64; i++) {
        src[i] = (uint8_t)(i * 131 + (i >> 7));
    }
    for (int off = 0; off < 16; off++) {
        sse_memcpy(dst + off, src + 3 * off, 4000 - off);
        for (int i = 0; i < 4000 - off; i += 97) {
            sum += dst[off + i] * (uint64_t)(i + 1);
        }
    }
    printf("memcpy: sum %lx\n", sum);
    for (int len = 0; len < 1000; len += 37) {
        for (int i = 0; i < len; i++) {
            text[i] = (char)('a' + (i * 7) % 26);
        }
        text[len] = 0;
        sum = sum * 31 + sse_strlen(text);
    }
    printf("strlen: %lx\n", sum);
    for (int i = 0; i < 4096; i += 8) {
        uint64_t q;
        sse_memcpy(&q, src + i, 8);
        crc = (uint32_t)_mm_crc32_u64(crc, q);
        h = (h ^ q) * 0x100000001b3ull;
        h ^= h >> 29;
    }
    crc = _mm_crc32_u8(crc, 0x5a);
    printf("crc32c %08x hash %lx popcnt %d\n", ~crc, h, __builtin_popcountll(h));
}
