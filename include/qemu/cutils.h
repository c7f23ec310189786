/*
 * cutils.h: string and number helpers with QEMU's semantics (strto*
 * wrappers that report errors as -errno, size suffixes, UUIDs).
 * Containers and general string handling come from glib, not from here.
 */
#ifndef QEMU_CUTILS_H
#define QEMU_CUTILS_H

/*
 * Integer parsing, all with the same contract:
 * - Leading whitespace is skipped; base as for strtol (0: 0x hex, 0 octal).
 * - Returns 0 on success, -EINVAL when there is no number (or nptr is
 *   NULL, or base is invalid) and -ERANGE on overflow, where *result is
 *   clamped to the type's limit.
 * - With endptr, *endptr points after the number and trailing text is
 *   allowed; without it, trailing text is -EINVAL.
 * - On -EINVAL *result is 0.
 * - The unsigned variants accept a leading '-': the magnitude is checked
 *   against the type's maximum and then negated in the unsigned type, so
 *   "-1" is UINT_MAX (as QEMU does).
 */
int qemu_strtoi(const char *nptr, const char **endptr, int base,
                int *result);
int qemu_strtoui(const char *nptr, const char **endptr, int base,
                 unsigned int *result);
int qemu_strtol(const char *nptr, const char **endptr, int base,
                long *result);
int qemu_strtoul(const char *nptr, const char **endptr, int base,
                 unsigned long *result);
int qemu_strtoi64(const char *nptr, const char **endptr, int base,
                  int64_t *result);
int qemu_strtou64(const char *nptr, const char **endptr, int base,
                  uint64_t *result);

/*
 * Sizes: a decimal number with an optional fraction and an optional suffix
 * B, K, M, G, T, P or E (either case, powers of 1024), which may itself be
 * followed by 'B' ("1KB", "1.5G", "4k"). Hex ("0x1000") is accepted
 * without fraction or suffix. A fraction needs a suffix that scales it
 * (no "1.5" bytes). Negative numbers and exponents are -EINVAL; values
 * that do not fit in 64 bits are -ERANGE. endptr as for qemu_strtoi.
 * On any error *result is left unchanged.
 */
int qemu_strtosz(const char *nptr, const char **end, uint64_t *result);
/* Same, but a number without suffix is in MiB (for -m). */
int qemu_strtosz_MiB(const char *nptr, const char **end, uint64_t *result);
/* Same, with the unit of a suffix-less number given as a suffix letter
 * ('B', 'K', 'M' ...). An invalid default_suffix is -EINVAL. */
int qemu_strtosz_full(const char *nptr, const char **end,
                      char default_suffix, uint64_t *result);

/* "512 MiB", "1.5 GiB", "999 B": three significant digits. Caller frees. */
char *size_to_str(uint64_t val);

/*
 * If str starts with prefix, return true and, when ptr is non-NULL, set
 * *ptr to the text after the prefix. stristart ignores ASCII case.
 */
bool strstart(const char *str, const char *prefix, const char **ptr);
bool stristart(const char *str, const char *prefix, const char **ptr);

/* QEMU's identifier rule (for id=): a letter, then letters, digits, '-',
 * '.' and '_'. */
bool id_wellformed(const char *id);

/* UUIDs for -uuid and SMBIOS: 16 bytes in RFC 4122 (big-endian) order. */
typedef struct QemuUUID {
    unsigned char data[16];
} QemuUUID;

#define UUID_FMT_LEN 36
#define UUID_STR_LEN (UUID_FMT_LEN + 1)

/* Parse "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (hex digits in either case,
 * nothing before or after). Returns 0, or -1 on a malformed string; the
 * caller reports it (QEMU: "failed to parse UUID string: wrong format"). */
int qemu_uuid_parse(const char *str, QemuUUID *uuid);
/* Write the lowercase form into out (UUID_STR_LEN bytes). */
void qemu_uuid_unparse(const QemuUUID *uuid, char *out);
/* Same, newly allocated. */
char *qemu_uuid_unparse_strdup(const QemuUUID *uuid);
bool qemu_uuid_is_null(const QemuUUID *uuid);
/* A random (version 4) UUID. */
void qemu_uuid_generate(QemuUUID *uuid);

#endif
