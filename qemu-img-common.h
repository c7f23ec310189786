/*
 * qemu-img-common.h: what the qemu-img subcommand files share: option
 * parsing helpers with QEMU's error wording, opening images, output
 * formats, progress and the subcommand entry points. Internal to the
 * qemu-img executable (qemu-img*.c); not a library interface.
 */
#ifndef QEMU_IMG_COMMON_H
#define QEMU_IMG_COMMON_H

#include "qemu/error.h"
#include "qemu/opts.h"
#include "qobject/qobject.h"
#include "qobject/qdict.h"
#include "block/block.h"
#include "block/block_int.h"
#include "block/block-backend.h"

typedef enum ImgOutputFormat {
    IMG_OFORMAT_HUMAN,
    IMG_OFORMAT_JSON,
} ImgOutputFormat;

/* Long-option codes shared by the subcommands (above any short option). */
enum {
    IMG_OPT_OUTPUT = 256,
    IMG_OPT_BACKING_CHAIN,
    IMG_OPT_OBJECT,
    IMG_OPT_IMAGE_OPTS,
    IMG_OPT_TARGET_IMAGE_OPTS,
    IMG_OPT_SIZE,
    IMG_OPT_PREALLOCATION,
    IMG_OPT_SHRINK,
    IMG_OPT_SALVAGE,
    IMG_OPT_TARGET_IS_ZERO,
    IMG_OPT_BITMAPS,
    IMG_OPT_FORCE,
    IMG_OPT_PATTERN,
    IMG_OPT_FLUSH_INTERVAL,
    IMG_OPT_NO_DRAIN,
    IMG_OPT_START_OFFSET,
    IMG_OPT_MAX_LENGTH,
};

/* "qemu-img: msg" + the --help hint, exit 1 (command-line mistakes). */
void QEMU_NORETURN img_error_exit(const char *fmt, ...) QEMU_PRINTF(1, 2);
/* getopt's '?' and ':' results, worded as QEMU's. */
void QEMU_NORETURN img_unrecognized_option(const char *option);
void QEMU_NORETURN img_missing_argument(const char *option);
/* Options of QEMU's qemu-img that Keel's refuses (secret objects and the
 * --image-opts syntax): the long name for getopt result c, else NULL. */
const char *img_unsupported_option(int c);
/* The getopt result c for an unknown, incomplete or refused option: exits
 * with QEMU's message (or "--object is not supported by Keel's qemu-img"). */
void QEMU_NORETURN img_bad_option(int c, char **argv);
/* After the options, exactly one argument: the image's name (else exits
 * with QEMU's "Expecting one image file name"). */
const char *img_one_filename(int argc, char **argv);

/* The --help text; exits 0. */
void QEMU_NORETURN img_help(void);

/* printf unless quiet. */
void img_qprintf(bool quiet, const char *fmt, ...) QEMU_PRINTF(2, 3);

/* --output=human|json; -1 after reporting QEMU's error. */
int img_parse_output(const char *arg);
/* Print obj as indented JSON followed by a newline. */
void img_print_json(QObject *obj);

/* A size argument with QEMU's suffixes; false after reporting
 * "Invalid <what> specified..." the QEMU way for sizes (see callers). */
bool img_parse_size(const char *str, uint64_t *result);
/* A number for an option (bench, map): -1 after reporting
 * "Invalid <name> specified..." as QEMU does. */
int64_t img_cvtnum(const char *name, const char *value);

/* -t / -T: cache mode words -> BDRV_O_* flags; false after reporting. */
bool img_parse_cache(const char *mode, int *flags, bool *writethrough,
                     bool source);

/*
 * Open filename (format fmt, probed when NULL) under a BlockBackend.
 * Errors are reported as "Could not open 'x': <why>"; NULL then.
 */
BlockBackend *img_open(const char *filename, const char *fmt, int flags,
                       bool writethrough, bool quiet, bool force_share);

/* Merge repeated -o arguments into one "a=1,b=2" string (QEMU joins them). */
char *img_add_options(char *old, const char *add);
/* True when -o holds "help" or "?" as an element. */
bool img_has_help_option(const char *options);
/* "Supported <fmt> options:" list of create options; returns exit status. */
int img_print_create_options(const char *fmt, const char *filename);

/* Progress ("    (12.34/100%)\r") for -p. */
void img_progress_init(bool enabled);
void img_progress_print(double done, double total);
void img_progress_end(void);

/* Human dump of a QDict the way QEMU prints "Format specific information". */
void img_dump_qdict(int indentation, QDict *dict);

/* Snapshot table (info and snapshot -l). */
void img_dump_snapshot_header(void);
void img_dump_snapshot(const QEMUSnapshotInfo *sn);
QDict *img_snapshot_to_qdict(const QEMUSnapshotInfo *sn);

/* Subcommands: argv[0] is the subcommand name. Return the exit status. */
int img_create(int argc, char **argv);
int img_info(int argc, char **argv);
int img_check(int argc, char **argv);
int img_snapshot(int argc, char **argv);
int img_resize(int argc, char **argv);
int img_amend(int argc, char **argv);
int img_convert(int argc, char **argv);
int img_dd(int argc, char **argv);
int img_compare(int argc, char **argv);
int img_map(int argc, char **argv);
int img_measure(int argc, char **argv);
int img_commit(int argc, char **argv);
int img_rebase(int argc, char **argv);
int img_bench(int argc, char **argv);

#endif
