/*
 * -perfmap: tell perf(1) which guest code each translated block is.
 *
 * perf resolves samples in anonymous executable memory through
 * /tmp/perf-PID.map ("START SIZE NAME" per line, hex). Each TB gets a line
 * naming its guest pc, so `perf report` shows "guest-0x401000" instead of
 * a bare address in the code buffer. Blocks are written as they are
 * translated; after a code-buffer flush a later line for the same range
 * describes the new block (perf takes the last one), which is as good as
 * a sampling profile needs. The file is written under the TB lock, so
 * lines from different vCPU threads never interleave.
 */
#include "qemu/osdep.h"
#include "exec/perf-map.h"

static FILE *perf_map_file;

bool perf_map_enable(Error **errp)
{
    g_autofree char *path = g_strdup_printf("/tmp/perf-%d.map", (int)getpid());

    if (perf_map_file) {
        return true;
    }
    perf_map_file = fopen(path, "w");
    if (!perf_map_file) {
        error_setg_errno(errp, errno, "-perfmap: could not create '%s'", path);
        return false;
    }
    return true;
}

void perf_map_add(const void *code, size_t size, uint64_t guest_pc)
{
    if (!perf_map_file || !size) {
        return;
    }
    fprintf(perf_map_file, "%" PRIxPTR " %zx guest-0x%" PRIx64 "\n",
            (uintptr_t)code, size, guest_pc);
    /* perf reads the file after the process exits, or mid-run for `perf top`. */
    fflush(perf_map_file);
}
