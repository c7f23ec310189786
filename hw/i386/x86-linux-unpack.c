/*
 * x86-linux-unpack.c: host-side decompression of a bzImage's payload (XZ
 * with liblzma, gzip with zlib) into the ELF vmlinux it carries, so that the
 * guest need not run the kernel's own decompressor, which costs seconds
 * under TCG. The payload is hostile input: its offsets are checked by the
 * parser, the output size is bounded and must match what the kernel's
 * build recorded. Not the boot itself: x86-linux-boot.c plans that.
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "qemu/bswap.h"
#include "hw/i386/x86-linux-boot.h"
#if CONFIG_LZMA
#include <lzma.h>
#endif
#if CONFIG_ZLIB
#include <zlib.h>
#endif

/*
 * The kernel's XZ streams use a 32 MiB dictionary (scripts/xz_wrap.sh);
 * a decoder needing much more than that was not made by a kernel build.
 */
#define X86_UNPACK_XZ_MEMLIMIT  (128 * MiB)

X86LinuxPacking x86_linux_packing(const uint8_t *d, size_t size)
{
    /* the magic numbers the kernel's own decompressors look for */
    static const struct {
        X86LinuxPacking packing;
        uint8_t len;
        uint8_t magic[6];
    } magics[] = {
        { X86_PACK_NONE, 4, { 0x7f, 'E', 'L', 'F' } },
        { X86_PACK_GZIP, 2, { 0x1f, 0x8b } },
        { X86_PACK_XZ, 6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 } },
        { X86_PACK_BZIP2, 3, { 'B', 'Z', 'h' } },
        { X86_PACK_LZMA, 3, { 0x5d, 0x00, 0x00 } },
        { X86_PACK_LZO, 4, { 0x89, 'L', 'Z', 'O' } },
        { X86_PACK_LZ4, 4, { 0x02, 0x21, 0x4c, 0x18 } },
        { X86_PACK_ZSTD, 4, { 0x28, 0xb5, 0x2f, 0xfd } },
    };

    for (unsigned i = 0; i < ARRAY_SIZE(magics); i++) {
        if (size >= magics[i].len && !memcmp(d, magics[i].magic, magics[i].len)) {
            return magics[i].packing;
        }
    }
    return X86_PACK_UNKNOWN;
}

const char *x86_linux_packing_name(X86LinuxPacking p)
{
    static const char *const names[] = {
        [X86_PACK_UNKNOWN] = "unknown", [X86_PACK_NONE] = "none",
        [X86_PACK_GZIP] = "gzip", [X86_PACK_XZ] = "xz", [X86_PACK_BZIP2] = "bzip2",
        [X86_PACK_LZMA] = "lzma", [X86_PACK_LZO] = "lzo", [X86_PACK_LZ4] = "lz4",
        [X86_PACK_ZSTD] = "zstd",
    };

    return p < ARRAY_SIZE(names) ? names[p] : "unknown";
}

bool x86_linux_can_unpack(X86LinuxPacking p)
{
    switch (p) {
    case X86_PACK_XZ:
        return CONFIG_LZMA;
    case X86_PACK_GZIP:
        return CONFIG_ZLIB;
    default:
        return false;
    }
}

#if CONFIG_LZMA
static bool x86_unxz(const uint8_t *in, size_t in_size, uint8_t *out,
                     size_t out_size, Error **errp)
{
    lzma_stream s = LZMA_STREAM_INIT;
    lzma_ret ret;

    /* one stream, no concatenation: what follows it is the size trailer */
    ret = lzma_stream_decoder(&s, X86_UNPACK_XZ_MEMLIMIT, 0);
    if (ret != LZMA_OK) {
        error_setg(errp, "xz decoder failed to start (%d)", ret);
        return false;
    }
    s.next_in = in;
    s.avail_in = in_size;
    s.next_out = out;
    s.avail_out = out_size;
    ret = lzma_code(&s, LZMA_FINISH);
    lzma_end(&s);
    if (ret == LZMA_MEMLIMIT_ERROR) {
        error_setg(errp, "xz payload needs more than %" PRId64 " MiB to decode",
                   X86_UNPACK_XZ_MEMLIMIT / MiB);
        return false;
    }
    if (ret == LZMA_OK || ret == LZMA_BUF_ERROR) {
        error_setg(errp, "xz payload is %s than its recorded size %zu",
                   s.avail_out ? "truncated or smaller" : "larger", out_size);
        return false;
    }
    if (ret != LZMA_STREAM_END) {
        error_setg(errp, "xz payload is corrupt (%s)",
                   ret == LZMA_FORMAT_ERROR ? "not an xz stream" :
                   ret == LZMA_OPTIONS_ERROR ? "unsupported options" :
                   ret == LZMA_DATA_ERROR ? "bad compressed data" :
                   ret == LZMA_MEM_ERROR ? "out of memory" : "decoder error");
        return false;
    }
    if (s.avail_out) {
        error_setg(errp, "xz payload is %zu bytes smaller than its recorded "
                   "size %zu", (size_t)s.avail_out, out_size);
        return false;
    }
    return true;
}
#endif

#if CONFIG_ZLIB
static bool x86_gunzip(const uint8_t *in, size_t in_size, uint8_t *out,
                       size_t out_size, Error **errp)
{
    z_stream z = { 0 };
    size_t in_done = 0, out_done = 0;
    int ret;

    /* 16 + MAX_WBITS: a gzip wrapper (header, CRC-32 and length checked) */
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        error_setg(errp, "zlib failed to start");
        return false;
    }
    /* zlib counts in uInt: feed sizes beyond 4 GiB in pieces */
    do {
        z.next_in = (Bytef *)in + in_done;
        z.avail_in = MIN(in_size - in_done, (size_t)UINT32_MAX);
        z.next_out = out + out_done;
        z.avail_out = MIN(out_size - out_done, (size_t)UINT32_MAX);
        ret = inflate(&z, Z_FINISH);
        in_done = (const uint8_t *)z.next_in - in;
        out_done = z.next_out - out;
    } while (ret == Z_BUF_ERROR && z.avail_out == 0 && out_done < out_size &&
             in_done < in_size);
    inflateEnd(&z);
    if (ret == Z_BUF_ERROR || ret == Z_OK) {
        error_setg(errp, "gzip payload is %s than its recorded size %zu",
                   out_done < out_size ? "truncated or smaller" : "larger",
                   out_size);
        return false;
    }
    if (ret != Z_STREAM_END) {
        error_setg(errp, "gzip payload is corrupt (%s)",
                   z.msg ? z.msg : "zlib error");
        return false;
    }
    if (out_done != out_size) {
        error_setg(errp, "gzip payload is %zu bytes smaller than its recorded "
                   "size %zu", out_size - out_done, out_size);
        return false;
    }
    return true;
}
#endif

uint8_t *x86_linux_unpack_payload(const uint8_t *data, size_t size,
                                  size_t *out_size, Error **errp)
{
    X86LinuxPacking packing = x86_linux_packing(data, size);
    g_autofree uint8_t *out = NULL;
    uint32_t olen;
    bool ok = false;

    if (!x86_linux_can_unpack(packing)) {
        error_setg(errp, "this build cannot decompress a %s payload",
                   x86_linux_packing_name(packing));
        return NULL;
    }
    if (size < 8) {
        error_setg(errp, "%s payload is too short", x86_linux_packing_name(packing));
        return NULL;
    }
    /* the kernel's build appends the decompressed size (size_append) */
    olen = ldl_le_p(data + size - 4);
    if (olen < 64 || olen > X86_LINUX_UNPACK_MAX) {
        error_setg(errp, "%s payload records a size of %" PRIu32 " bytes "
                   "(64 to %" PRId64 " expected)", x86_linux_packing_name(packing),
                   olen, X86_LINUX_UNPACK_MAX);
        return NULL;
    }
    out = g_try_malloc(olen);
    if (!out) {
        error_setg(errp, "no memory for a %" PRIu32 "-byte kernel", olen);
        return NULL;
    }
    switch (packing) {
#if CONFIG_LZMA
    case X86_PACK_XZ:
        ok = x86_unxz(data, size - 4, out, olen, errp);
        break;
#endif
#if CONFIG_ZLIB
    case X86_PACK_GZIP:
        ok = x86_gunzip(data, size - 4, out, olen, errp);
        break;
#endif
    default:
        g_assert_not_reached();
    }
    if (!ok) {
        return NULL;
    }
    *out_size = olen;
    return g_steal_pointer(&out);
}

bool x86_linux_unpack(X86LinuxKernel *k, Error **errp)
{
    X86LinuxPacking packing;
    Error *local_err = NULL;
    uint8_t *elf;
    size_t size = 0;

    if (k->kind != X86_LINUX_BZIMAGE || k->vmlinux || !k->packed_size ||
        !(k->xloadflags & LINUX_XLF_KERNEL_64)) {
        return false;
    }
    packing = x86_linux_packing(k->file + k->packed_offset, k->packed_size);
    if (!x86_linux_can_unpack(packing)) {
        return false;
    }
    elf = x86_linux_unpack_payload(k->file + k->packed_offset, k->packed_size,
                                   &size, errp);
    if (!elf) {
        return false;
    }
    if (x86_linux_packing(elf, size) != X86_PACK_NONE) {
        error_setg(&local_err, "not an ELF file");
    } else if (x86_linux_parse_elf(elf, size, k, &local_err) && !k->elf_entry) {
        error_setg(&local_err, "no entry point outside the PVH note");
    }
    if (local_err) {
        error_propagate_prepend(errp, local_err,
                                "the unpacked %s payload is not a vmlinux: ",
                                x86_linux_packing_name(packing));
        k->nr_segments = 0;
        k->has_pvh_entry = false;
        g_free(elf);
        return false;
    }
    k->vmlinux = elf;
    k->vmlinux_size = size;
    return true;
}

void x86_linux_kernel_clear(X86LinuxKernel *k)
{
    g_free(k->vmlinux);
    k->vmlinux = NULL;
    k->vmlinux_size = 0;
}
