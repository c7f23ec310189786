/*
 * cutils.c: number and string helpers with QEMU's semantics: strto*
 * wrappers returning -errno, size parsing shared by QemuOpts and -m,
 * identifiers and UUIDs. Not a string library: glib is that.
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"

/* --- integers ------------------------------------------------------------ */

static bool cutils_base_ok(int base)
{
    return base == 0 || (base >= 2 && base <= 36);
}

/* Common tail: where parsing stopped decides between success and
 * "trailing garbage" when the caller did not ask for endptr. */
static int cutils_finish(const char *ep, const char **endptr, int ret)
{
    if (endptr) {
        *endptr = ep;
        return ret;
    }
    return *ep ? -EINVAL : ret;
}

static int cutils_parse_signed(const char *nptr, const char **endptr,
                               int base, int64_t min, int64_t max,
                               int64_t *result)
{
    char *ep;
    long long v;
    int ret = 0;

    *result = 0;
    if (!nptr || !cutils_base_ok(base)) {
        if (endptr) {
            *endptr = nptr;
        }
        return -EINVAL;
    }
    errno = 0;
    v = strtoll(nptr, &ep, base);
    if (ep == nptr) {
        return cutils_finish(nptr, endptr, -EINVAL);
    }
    if (errno == ERANGE || v > max || v < min) {
        ret = -ERANGE;
        v = v < 0 ? min : max;
    }
    ret = cutils_finish(ep, endptr, ret);
    if (ret != -EINVAL) {
        *result = v;
    }
    return ret;
}

static int cutils_parse_unsigned(const char *nptr, const char **endptr,
                                 int base, uint64_t max, uint64_t *result)
{
    char *ep;
    unsigned long long v;
    const char *s;
    int ret = 0;

    *result = 0;
    if (!nptr || !cutils_base_ok(base)) {
        if (endptr) {
            *endptr = nptr;
        }
        return -EINVAL;
    }
    errno = 0;
    v = strtoull(nptr, &ep, base);
    if (ep == nptr) {
        return cutils_finish(nptr, endptr, -EINVAL);
    }
    for (s = nptr; g_ascii_isspace(*s); s++) {
        /* strtoull skipped these too */
    }
    if (errno == ERANGE) {
        ret = -ERANGE;
        v = max;
    } else if (*s == '-') {
        /* strtoull already negated: undo it to range-check the magnitude */
        uint64_t mag = -(uint64_t)v;

        if (mag > max) {
            ret = -ERANGE;
            v = max;
        } else {
            v = -mag & max;
        }
    } else if (v > max) {
        ret = -ERANGE;
        v = max;
    }
    ret = cutils_finish(ep, endptr, ret);
    if (ret != -EINVAL) {
        *result = v;
    }
    return ret;
}

int qemu_strtoi(const char *nptr, const char **endptr, int base, int *result)
{
    int64_t v;
    int ret = cutils_parse_signed(nptr, endptr, base, INT_MIN, INT_MAX, &v);

    *result = v;
    return ret;
}

int qemu_strtoui(const char *nptr, const char **endptr, int base,
                 unsigned int *result)
{
    uint64_t v;
    int ret = cutils_parse_unsigned(nptr, endptr, base, UINT_MAX, &v);

    *result = v;
    return ret;
}

int qemu_strtol(const char *nptr, const char **endptr, int base, long *result)
{
    int64_t v;
    int ret = cutils_parse_signed(nptr, endptr, base, LONG_MIN, LONG_MAX, &v);

    *result = v;
    return ret;
}

int qemu_strtoul(const char *nptr, const char **endptr, int base,
                 unsigned long *result)
{
    uint64_t v;
    int ret = cutils_parse_unsigned(nptr, endptr, base, ULONG_MAX, &v);

    *result = v;
    return ret;
}

int qemu_strtoi64(const char *nptr, const char **endptr, int base,
                  int64_t *result)
{
    return cutils_parse_signed(nptr, endptr, base, INT64_MIN, INT64_MAX,
                               result);
}

int qemu_strtou64(const char *nptr, const char **endptr, int base,
                  uint64_t *result)
{
    return cutils_parse_unsigned(nptr, endptr, base, UINT64_MAX, result);
}

/* --- sizes --------------------------------------------------------------- */

static uint64_t cutils_suffix_mul(char c)
{
    switch (g_ascii_toupper(c)) {
    case 'B': return 1;
    case 'K': return UINT64_C(1) << 10;
    case 'M': return UINT64_C(1) << 20;
    case 'G': return UINT64_C(1) << 30;
    case 'T': return UINT64_C(1) << 40;
    case 'P': return UINT64_C(1) << 50;
    case 'E': return UINT64_C(1) << 60;
    default: return 0;
    }
}

/* Digits in base 10 or 16 with overflow detection; *p is advanced. */
static bool cutils_digits(const char **p, int base, uint64_t *val)
{
    uint64_t v = 0;
    bool overflow = false;
    int d;

    while ((d = g_ascii_xdigit_value(**p)) >= 0 && d < base) {
        if (v > (UINT64_MAX - d) / base) {
            overflow = true;
        }
        v = v * base + d;
        (*p)++;
    }
    *val = v;
    return !overflow;
}

int qemu_strtosz_full(const char *nptr, const char **end,
                      char default_suffix, uint64_t *result)
{
    const char *p = nptr;
    uint64_t ival, mul, def_mul = cutils_suffix_mul(default_suffix);
    uint64_t frac_num = 0, frac_den = 1;
    unsigned __int128 total;
    bool is_hex = false, overflow;

    if (!nptr || !def_mul) {
        goto invalid;
    }
    while (g_ascii_isspace(*p)) {
        p++;
    }
    if (*p == '+') {
        p++;
    }
    if (!g_ascii_isdigit(*p)) {
        goto invalid;
    }
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        g_ascii_isxdigit(p[2])) {
        p += 2;
        is_hex = true;
    }
    overflow = !cutils_digits(&p, is_hex ? 16 : 10, &ival);
    if (is_hex) {
        /* Hex digits swallow 'B' and 'E', so a suffix would be ambiguous. */
        if (*p == '.' || cutils_suffix_mul(*p)) {
            goto invalid;
        }
    } else if (*p == '.') {
        int ndigits = 0;

        for (p++; g_ascii_isdigit(*p); p++) {
            if (ndigits < 18) {
                frac_num = frac_num * 10 + (*p - '0');
                frac_den *= 10;
                ndigits++;
            }
        }
        /* "1.5e3" is a float exponent, "1.5E" is exbibytes. */
        if ((*p == 'e' || *p == 'E') &&
            (g_ascii_isdigit(p[1]) ||
             ((p[1] == '+' || p[1] == '-') && g_ascii_isdigit(p[2])))) {
            goto invalid;
        }
    }
    mul = cutils_suffix_mul(*p);
    if (mul) {
        p++;
        if (mul > 1 && (*p == 'B' || *p == 'b')) {
            p++;
        }
    } else {
        mul = def_mul;
    }
    if (mul == 1 && frac_num != 0) {
        goto invalid;
    }
    if (end) {
        *end = p;
    } else if (*p) {
        goto invalid;
    }
    total = (unsigned __int128)ival * mul +
            ((unsigned __int128)frac_num * mul + frac_den / 2) / frac_den;
    if (overflow || total > UINT64_MAX) {
        return -ERANGE;
    }
    *result = (uint64_t)total;
    return 0;

invalid:
    if (end) {
        *end = nptr;
    }
    return -EINVAL;
}

int qemu_strtosz(const char *nptr, const char **end, uint64_t *result)
{
    return qemu_strtosz_full(nptr, end, 'B', result);
}

int qemu_strtosz_MiB(const char *nptr, const char **end, uint64_t *result)
{
    return qemu_strtosz_full(nptr, end, 'M', result);
}

char *size_to_str(uint64_t val)
{
    static const char *const units[] = {
        "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
    };
    unsigned i = 0;
    double v = val;

    /* Move up a unit once the number would need four digits, so that
     * three significant digits never print as "1e+03". */
    while (i + 1 < ARRAY_SIZE(units) && v >= 999.5) {
        v /= 1024;
        i++;
    }
    return g_strdup_printf("%0.3g %s", v, units[i]);
}

/* --- strings ------------------------------------------------------------- */

bool strstart(const char *str, const char *prefix, const char **ptr)
{
    size_t len = strlen(prefix);

    if (strncmp(str, prefix, len) != 0) {
        return false;
    }
    if (ptr) {
        *ptr = str + len;
    }
    return true;
}

bool stristart(const char *str, const char *prefix, const char **ptr)
{
    size_t len = strlen(prefix);

    if (g_ascii_strncasecmp(str, prefix, len) != 0) {
        return false;
    }
    if (ptr) {
        *ptr = str + len;
    }
    return true;
}

bool id_wellformed(const char *id)
{
    if (!id || !g_ascii_isalpha(*id)) {
        return false;
    }
    for (id++; *id; id++) {
        if (!g_ascii_isalnum(*id) && !strchr("-._", *id)) {
            return false;
        }
    }
    return true;
}

/* --- UUIDs --------------------------------------------------------------- */

int qemu_uuid_parse(const char *str, QemuUUID *uuid)
{
    int i, n = 0;

    if (!str || strlen(str) != UUID_FMT_LEN) {
        return -1;
    }
    for (i = 0; i < UUID_FMT_LEN; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (str[i] != '-') {
                return -1;
            }
        } else if (!g_ascii_isxdigit(str[i]) || !g_ascii_isxdigit(str[i + 1])) {
            return -1;
        } else {
            uuid->data[n++] = g_ascii_xdigit_value(str[i]) << 4 |
                              g_ascii_xdigit_value(str[i + 1]);
            i++;
        }
    }
    return 0;
}

void qemu_uuid_unparse(const QemuUUID *uuid, char *out)
{
    const unsigned char *d = uuid->data;

    snprintf(out, UUID_STR_LEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7],
             d[8], d[9], d[10], d[11], d[12], d[13], d[14], d[15]);
}

char *qemu_uuid_unparse_strdup(const QemuUUID *uuid)
{
    char *out = g_malloc(UUID_STR_LEN);

    qemu_uuid_unparse(uuid, out);
    return out;
}

bool qemu_uuid_is_null(const QemuUUID *uuid)
{
    static const QemuUUID null_uuid;

    return memcmp(uuid, &null_uuid, sizeof(null_uuid)) == 0;
}

void qemu_uuid_generate(QemuUUID *uuid)
{
    for (size_t i = 0; i < sizeof(uuid->data); i++) {
        uuid->data[i] = g_random_int_range(0, 256);
    }
    /* RFC 4122: version 4 (random), variant 10xx. */
    uuid->data[6] = (uuid->data[6] & 0x0f) | 0x40;
    uuid->data[8] = (uuid->data[8] & 0x3f) | 0x80;
}
