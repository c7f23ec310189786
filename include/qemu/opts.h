/*
 * opts.h: QemuOpts-style option lists, "key=value,key=value" parsing.
 *
 * Each command-line option that takes suboptions (-drive, -chardev, -m ...)
 * has a QemuOptsList; each occurrence becomes a QemuOpts in that list.
 * Values are checked against the list's descriptors: an unknown key is
 * refused ("Invalid parameter 'foo'"), as is a key given twice, a bad
 * number, size or bool. A list with no descriptors accepts any key and
 * leaves validation to its consumer (-device, -object: the QOM properties).
 */
#ifndef QEMU_OPTS_H
#define QEMU_OPTS_H

#include "qemu/error.h"

typedef enum QemuOptType {
    QEMU_OPT_STRING = 0, /* no parsing (use string as-is) */
    QEMU_OPT_BOOL,       /* on/off, yes/no, true/false */
    QEMU_OPT_NUMBER,     /* unsigned 64-bit, decimal, hex (0x) or octal (0) */
    QEMU_OPT_SIZE,       /* number with optional K/M/G/T/P/E suffix (B opt.) */
} QemuOptType;

typedef struct QemuOptDesc {
    const char *name;
    QemuOptType type;
    const char *help;
    const char *def_value_str; /* default shown by help; not auto-applied */
} QemuOptDesc;

typedef struct QemuOpt QemuOpt;
typedef struct QemuOpts QemuOpts;

typedef struct QemuOptsList {
    const char *name;              /* "drive", "chardev" ... */
    const char *implied_opt_name;  /* key of a leading value without '=' */
    bool merge_lists;              /* one QemuOpts for all occurrences */
    GQueue *head;                  /* of QemuOpts, created on first use */
    QemuOptDesc desc[];            /* terminated by { NULL } */
} QemuOptsList;

/*
 * Parse "params" into a new QemuOpts appended to "list".
 * "id=" sets the QemuOpts id (a second QemuOpts with the same id is an
 * error: "Duplicate ID 'x' for chardev"). ",," stands for a literal comma.
 * With permit_abbrev, a first element without '=' is the value of
 * list->implied_opt_name ("-m 512M" is size=512M).
 * Any other element without '=' is a short-form bool, kept for QEMU
 * compatibility: "key" means key=on, "nokey" means key=off (the _noisily
 * variant warns that this is deprecated, as QEMU does).
 * A key given twice in one string is refused ("Duplicate parameter 'x'"),
 * except in lists without descriptors, which keep every occurrence for
 * their consumer (-netdev user,hostfwd=...,hostfwd=...).
 * In a merge_lists list every parse adds to the one QemuOpts; a key given
 * again replaces the earlier value. A failed parse changes nothing.
 * Errors do not name the option; the caller's location (loc_set_cmdline)
 * adds "-drive foo=bar: " when reported.
 */
QemuOpts *qemu_opts_parse(QemuOptsList *list, const char *params,
                          bool permit_abbrev, Error **errp);
/* Like qemu_opts_parse, but reports the error and returns NULL. A bare
 * "help" or "?" in a list with descriptors prints qemu_opts_print_help()
 * to stdout instead, and also returns NULL. */
QemuOpts *qemu_opts_parse_noisily(QemuOptsList *list, const char *params,
                                  bool permit_abbrev);

/* Create an empty QemuOpts with "id" (may be NULL). fail_if_exists: an
 * existing id is an error; otherwise the existing one is returned. */
QemuOpts *qemu_opts_create(QemuOptsList *list, const char *id,
                           bool fail_if_exists, Error **errp);
QemuOpts *qemu_opts_find(QemuOptsList *list, const char *id);
void qemu_opts_del(QemuOpts *opts);
void qemu_opts_reset(QemuOptsList *list);
const char *qemu_opts_id(QemuOpts *opts);
QemuOptsList *qemu_opts_list(QemuOpts *opts);
/* The QemuOpts of a merge_lists list (or the last one), or NULL. */
QemuOpts *qemu_opts_first(QemuOptsList *list);
int qemu_opts_count(QemuOptsList *list);

typedef int (*qemu_opts_loopfunc)(void *opaque, QemuOpts *opts, Error **errp);
/* Calls func for each QemuOpts in order; stops at the first non-zero
 * return and returns it. */
int qemu_opts_foreach(QemuOptsList *list, qemu_opts_loopfunc func,
                      void *opaque, Error **errp);

/* Set / get. qemu_opt_set replaces any earlier value of the key; the
 * value is checked as when parsed. Getters return the last value, or the
 * default when the key is absent (def_value_str is never applied); a
 * value that does not parse as the type asked for also gives the default. */
bool qemu_opt_set(QemuOpts *opts, const char *name, const char *value,
                  Error **errp);
bool qemu_opt_set_bool(QemuOpts *opts, const char *name, bool val,
                       Error **errp);
bool qemu_opt_set_number(QemuOpts *opts, const char *name, int64_t val,
                         Error **errp);
const char *qemu_opt_get(QemuOpts *opts, const char *name);
bool qemu_opt_has(QemuOpts *opts, const char *name);
bool qemu_opt_get_bool(QemuOpts *opts, const char *name, bool defval);
uint64_t qemu_opt_get_number(QemuOpts *opts, const char *name,
                             uint64_t defval);
uint64_t qemu_opt_get_size(QemuOpts *opts, const char *name,
                           uint64_t defval);
/* Remove a key and return its value (caller frees), or NULL. */
char *qemu_opt_get_del(QemuOpts *opts, const char *name);
bool qemu_opt_unset(QemuOpts *opts, const char *name);

typedef int (*qemu_opt_loopfunc)(void *opaque, const char *name,
                                 const char *value, Error **errp);
int qemu_opt_foreach(QemuOpts *opts, qemu_opt_loopfunc func, void *opaque,
                     Error **errp);
/* True when the options hold a bare "help" or "?" (lists without
 * descriptors keep it as help=on for their consumer to act on). */
bool qemu_opt_has_help_opt(QemuOpts *opts);

/* Render back to "id=x,key=value,..." (commas doubled), caller frees. */
char *qemu_opts_to_string(QemuOpts *opts);
/* Print the descriptors of a list (for "-chardev help"-style output). */
void qemu_opts_print_help(QemuOptsList *list, bool print_caption);

/* The typed value parsers used by QemuOpts, exported for other parsers. */
bool qemu_parse_bool(const char *name, const char *value, bool *ret,
                     Error **errp);
bool qemu_parse_number(const char *name, const char *value, uint64_t *ret,
                       Error **errp);
/* Size with suffix K/M/G/T/P/E (optional trailing B, case-insensitive
 * suffix); a plain number is bytes. Fractions like "1.5G" are accepted. */
bool qemu_parse_size(const char *name, const char *value, uint64_t *ret,
                     Error **errp);
/* Same, but a plain number is in units of default_suffix ('M' for -m). */
int qemu_strtosz_suffix(const char *nptr, char default_suffix,
                        uint64_t *result);

#endif
