/*
 * hmp-cmds.c: the HMP commands that act (stop, cont, quit, resets, nmi,
 * sendkey, log, chardevs) and those that read guest memory (x, xp, p,
 * memsave, pmemsave), with QEMU's output layouts: x/xp lines of 8 bytes
 * or 16, fields as wide as the largest value of their size, and capstone
 * disassembly for /i in the vCPU's mode.
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "config-host.h"
#include "monitor/hmp.h"
#include "exec/memory.h"
#include "hw/input/i8042.h"
#include "qemu/log.h"
#include "qemu/opts.h"
#include "qapi/qapi-commands.h"
#include "qom/object.h"
#include "target/i386/cpu-state.h"
#ifdef CONFIG_CAPSTONE
#include <capstone/capstone.h>
#endif

/* Bytes shown on the first line of an instruction (QEMU's split). */
#define HMP_DISAS_SPLIT 8
/* An upper bound for x/xp counts: QEMU takes any, we keep output finite. */
#define HMP_DUMP_MAX (1024 * 1024)

/* The run-state commands are QMP's own handlers (monitor/qmp-cmds-runstate.c). */
void hmp_quit(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    mon->quitting = true;
    qmp_quit(&err);
    hmp_handle_error(mon, err);
}

void hmp_stop(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_stop(&err);
    hmp_handle_error(mon, err);
}

void hmp_cont(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_cont(&err);
    hmp_handle_error(mon, err);
}

void hmp_system_reset(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_system_reset(&err);
    hmp_handle_error(mon, err);
}

void hmp_system_powerdown(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_system_powerdown(&err);
    hmp_handle_error(mon, err);
}

void hmp_cpu(Monitor *mon, const QDict *qdict)
{
    int64_t index = qdict_get_int(qdict, "index");

    if (index < 0 || index >= hmp_cpu_count()) {
        monitor_printf(mon, "invalid CPU index\n");
        return;
    }
    mon->cpu_index = index;
}

void hmp_nmi(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_inject_nmi(&err);
    hmp_handle_error(mon, err);
}

/* --- guest memory -------------------------------------------------------- */

/*
 * Read len bytes at addr, virtual through env's page tables unless
 * physical. Returns how many bytes from the start were readable.
 */
static size_t hmp_read_guest(const CPUX86State *env, uint64_t addr,
                             uint8_t *buf, size_t len, bool physical)
{
    size_t done = 0;

    while (done < len) {
        uint64_t a = addr + done, pa;
        size_t n = MIN(len - done, 4096 - (a & 4095));

        if (physical) {
            pa = a;
        } else if (!env || !hmp_virt_to_phys(env, a, &pa)) {
            break;
        }
        if (address_space_read(&address_space_memory, pa,
                               MEMTXATTRS_UNSPECIFIED, buf + done, n)
            != MEMTX_OK) {
            break;
        }
        done += n;
    }
    return done;
}

static void hmp_print_char(Monitor *mon, uint8_t c)
{
    switch (c) {
    case '\'':
        monitor_printf(mon, "'\\''");
        break;
    case '\\':
        monitor_printf(mon, "'\\\\'");
        break;
    case '\n':
        monitor_printf(mon, "'\\n'");
        break;
    case '\r':
        monitor_printf(mon, "'\\r'");
        break;
    default:
        if (c >= 32 && c <= 126) {
            monitor_printf(mon, "'%c'", c);
        } else {
            monitor_printf(mon, "'\\x%02x'", c);
        }
        break;
    }
}

static void hmp_disas(Monitor *mon, const CPUX86State *env, uint64_t addr,
                      int64_t count, int size, bool physical)
{
    int bits = size == 2 ? 16 : size == 4 ? 32 : size == 8 ? 64
             : env ? hmp_cpu_code_bits(env) : 32;
#ifdef CONFIG_CAPSTONE
    cs_mode mode = bits == 16 ? CS_MODE_16 : bits == 32 ? CS_MODE_32
                                                        : CS_MODE_64;
    cs_insn *insn;
    csh h;

    if (cs_open(CS_ARCH_X86, mode, &h) != CS_ERR_OK) {
        monitor_printf(mon, "Cannot disassemble: capstone failed\n");
        return;
    }
    cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
    insn = cs_malloc(h);
    for (int64_t i = 0; i < count; i++) {
        uint8_t buf[16];
        const uint8_t *p = buf;
        size_t got = hmp_read_guest(env, addr, buf, sizeof(buf), physical);
        uint64_t pc = addr;
        unsigned j;

        if (!got) {
            monitor_printf(mon, "0x%08" PRIx64 ": unable to read memory\n",
                           addr);
            break;
        }
        if (!cs_disasm_iter(h, &p, &got, &pc, insn)) {
            monitor_printf(mon, "0x%08" PRIx64 ":  %02x %*s .byte    0x%02x\n",
                           addr, buf[0], 3 * (HMP_DISAS_SPLIT - 1), "",
                           buf[0]);
            addr++;
            continue;
        }
        monitor_printf(mon, "0x%08" PRIx64 ":  ", addr);
        for (j = 0; j < MIN(insn->size, HMP_DISAS_SPLIT); j++) {
            monitor_printf(mon, "%02x ", insn->bytes[j]);
        }
        monitor_printf(mon, "%*s %-8s %s\n", 3 * (HMP_DISAS_SPLIT - j), "",
                       insn->mnemonic, insn->op_str);
        for (j = HMP_DISAS_SPLIT; j < insn->size; j += HMP_DISAS_SPLIT) {
            monitor_printf(mon, "0x%08" PRIx64 ":  ", addr + j);
            for (unsigned k = j; k < MIN(insn->size, j + HMP_DISAS_SPLIT);
                 k++) {
                monitor_printf(mon, k > j ? " %02x" : "%02x", insn->bytes[k]);
            }
            monitor_printf(mon, "\n");
        }
        addr += insn->size;
    }
    cs_free(insn, 1);
    cs_close(&h);
#else
    monitor_printf(mon, "Cannot disassemble: built without capstone\n");
#endif
}

static void hmp_memory_dump_common(Monitor *mon, const QDict *qdict,
                                   bool physical)
{
    int64_t count = qdict_get_int(qdict, "count");
    int format = qdict_get_int(qdict, "format");
    int wsize = qdict_get_int(qdict, "size");
    uint64_t addr = qdict_get_int(qdict, "addr");
    g_autofree CPUX86State *env = g_new0(CPUX86State, 1);
    bool have_env = hmp_cur_cpu_state(mon, env);
    int64_t len;
    int line_size, digits = 0;

    if (!physical && !have_env) {
        monitor_printf(mon, "No CPU available\n");
        return;
    }
    count = MIN(count, HMP_DUMP_MAX);
    if (format == 'i') {
        hmp_disas(mon, have_env ? env : NULL, addr, count, wsize, physical);
        return;
    }
    len = wsize * count;
    line_size = wsize == 1 ? 8 : 16;
    switch (format) {
    case 'o':
        digits = (wsize * 8 + 2) / 3;
        break;
    case 'x':
        digits = wsize * 2;
        break;
    case 'u':
    case 'd':
        digits = (wsize * 8 * 10 + 32) / 33;
        break;
    case 'c':
        wsize = 1;
        break;
    }
    while (len > 0) {
        uint8_t buf[16];
        int l = MIN(len, line_size);

        monitor_printf(mon, "%016" PRIx64 ":", addr);
        if (hmp_read_guest(env, addr, buf, l, physical) < (size_t)l) {
            monitor_printf(mon, " Cannot access memory\n");
            break;
        }
        for (int i = 0; i < l; i += wsize) {
            uint64_t v;

            switch (wsize) {
            case 1:
                v = buf[i];
                break;
            case 2:
                v = lduw_le_p(buf + i);
                break;
            case 4:
                v = ldl_le_p(buf + i);
                break;
            default:
                v = ldq_le_p(buf + i);
                break;
            }
            monitor_printf(mon, " ");
            switch (format) {
            case 'o':
                monitor_printf(mon, "%#*" PRIo64, digits, v);
                break;
            case 'x':
                monitor_printf(mon, "0x%0*" PRIx64, digits, v);
                break;
            case 'u':
                monitor_printf(mon, "%*" PRIu64, digits, v);
                break;
            case 'd':
                /* QEMU reads the unit unsigned, so "d" shows no sign. */
                monitor_printf(mon, "%*" PRId64, digits, (int64_t)v);
                break;
            case 'c':
                hmp_print_char(mon, v);
                break;
            }
        }
        monitor_printf(mon, "\n");
        addr += l;
        len -= l;
    }
}

void hmp_memory_dump(Monitor *mon, const QDict *qdict)
{
    hmp_memory_dump_common(mon, qdict, false);
}

void hmp_physical_memory_dump(Monitor *mon, const QDict *qdict)
{
    hmp_memory_dump_common(mon, qdict, true);
}

void hmp_print(Monitor *mon, const QDict *qdict)
{
    int format = qdict_get_int(qdict, "format");
    int64_t val = qdict_get_int(qdict, "val");

    switch (format) {
    case 'o':
        monitor_printf(mon, "%#" PRIo64, (uint64_t)val);
        break;
    case 'x':
        monitor_printf(mon, "%#" PRIx64, (uint64_t)val);
        break;
    case 'u':
        monitor_printf(mon, "%" PRIu64, (uint64_t)val);
        break;
    case 'c':
        hmp_print_char(mon, val);
        break;
    default:
        monitor_printf(mon, "%" PRId64, val);
        break;
    }
    monitor_printf(mon, "\n");
}

/* i / o: a port access through the I/O address space, as a vCPU makes it. */
static char hmp_port_suffix(int size)
{
    return size == 1 ? 'b' : size == 2 ? 'w' : 'l';
}

void hmp_ioport_read(Monitor *mon, const QDict *qdict)
{
    int size = qdict_get_int(qdict, "size");
    uint32_t addr = qdict_get_int(qdict, "addr") & 0xffff;
    uint8_t buf[4] = { 0 };
    uint32_t val;

    /* QEMU's port accesses are 1, 2 or 4 bytes; /g reads 4. */
    if (size != 1 && size != 2) {
        size = 4;
    }
    address_space_read(&address_space_io, addr, MEMTXATTRS_UNSPECIFIED, buf,
                       size);
    val = size == 1 ? buf[0] : size == 2 ? lduw_le_p(buf) : ldl_le_p(buf);
    monitor_printf(mon, "port%c[0x%04x] = 0x%0*x\n", hmp_port_suffix(size),
                   addr, size * 2, val);
}

void hmp_ioport_write(Monitor *mon, const QDict *qdict)
{
    int size = qdict_get_int(qdict, "size");
    uint32_t addr = qdict_get_int(qdict, "addr") & 0xffff;
    uint32_t val = qdict_get_int(qdict, "val");
    uint8_t buf[4];

    if (size != 1 && size != 2) {
        size = 4;
    }
    buf[0] = val;
    buf[1] = val >> 8;
    buf[2] = val >> 16;
    buf[3] = val >> 24;
    address_space_write(&address_space_io, addr, MEMTXATTRS_UNSPECIFIED, buf,
                        size);
}

/* memsave / pmemsave: the guest bytes to a new file, in 1 KiB pieces. */
static bool hmp_save_memory(Monitor *mon, uint64_t addr, int64_t size,
                            const char *filename, bool physical,
                            Error **errp)
{
    g_autofree CPUX86State *env = g_new0(CPUX86State, 1);
    bool have_env = hmp_cur_cpu_state(mon, env);
    FILE *f;
    bool ok = true;

    if (!physical && !have_env) {
        error_setg(errp, "No CPU available");
        return false;
    }
    if (size < 0) {
        error_setg(errp, "Invalid addr 0x%" PRIx64 "/size %" PRId64
                   " specified", addr, size);
        return false;
    }
    f = fopen(filename, "wb");
    if (!f) {
        error_setg(errp, "Could not open '%s': %s", filename,
                   g_strerror(errno));
        return false;
    }
    while (size > 0) {
        uint8_t buf[1024];
        size_t l = MIN((uint64_t)size, sizeof(buf));

        if (hmp_read_guest(env, addr, buf, l, physical) < l) {
            error_setg(errp, "Invalid addr 0x%" PRIx64 " specified", addr);
            ok = false;
            break;
        }
        if (fwrite(buf, 1, l, f) != l) {
            error_setg(errp, "writing memory to '%s' failed", filename);
            ok = false;
            break;
        }
        addr += l;
        size -= l;
    }
    if (fclose(f) != 0 && ok) {
        error_setg(errp, "writing memory to '%s' failed", filename);
        ok = false;
    }
    return ok;
}

void hmp_memsave(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    hmp_save_memory(mon, qdict_get_int(qdict, "val"),
                    qdict_get_int(qdict, "size"),
                    qdict_get_str(qdict, "filename"), false, &err);
    hmp_handle_error(mon, err);
}

void hmp_pmemsave(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    hmp_save_memory(mon, qdict_get_int(qdict, "val"),
                    qdict_get_int(qdict, "size"),
                    qdict_get_str(qdict, "filename"), true, &err);
    hmp_handle_error(mon, err);
}

/* --- logging -------------------------------------------------------------- */

static void hmp_print_log_usage(Monitor *mon)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    if (!f) {
        return;
    }
    qemu_print_log_usage(f);
    fclose(f);
    monitor_printf(mon, "%s", text);
    free(text);
}

void hmp_log(Monitor *mon, const QDict *qdict)
{
    const char *items = qdict_get_str(qdict, "items");
    Error *err = NULL;
    int mask;

    if (!strcmp(items, "none")) {
        qemu_set_log(0);
        return;
    }
    mask = qemu_str_to_log_mask(items, &err);
    if (!mask) {
        error_free(err);
        hmp_print_log_usage(mon);
        return;
    }
    error_free(err);
    qemu_set_log(mask);
}

void hmp_logfile(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qemu_set_log_filename(qdict_get_str(qdict, "filename"), &err);
    hmp_handle_error(mon, err);
}

/* --- chardevs ------------------------------------------------------------- */

void hmp_chardev_add(Monitor *mon, const QDict *qdict)
{
    const char *args = qdict_get_str(qdict, "args");
    Error *err = NULL;
    QemuOpts *opts;

    opts = qemu_opts_parse(&qemu_chardev_opts, args, true, &err);
    if (!opts) {
        error_free(err);
        err = NULL;
        error_setg(&err, "Parsing chardev args failed");
    } else {
        qemu_chr_new_from_opts(opts, &err);
        /* The chardev keeps what it needs; the options were a vehicle. */
        qemu_opts_del(opts);
    }
    hmp_handle_error(mon, err);
}

void hmp_chardev_remove(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_chardev_remove(qdict_get_str(qdict, "id"), &err);
    hmp_handle_error(mon, err);
}

/* --- sendkey --------------------------------------------------------------- */

typedef struct HMPKey {
    const char *name;
    uint16_t code;      /* PC/XT set 1; 0xe0xx for the extended keys */
} HMPKey;

static const HMPKey hmp_keys[] = {
    { "esc", 0x01 }, { "1", 0x02 }, { "2", 0x03 }, { "3", 0x04 },
    { "4", 0x05 }, { "5", 0x06 }, { "6", 0x07 }, { "7", 0x08 },
    { "8", 0x09 }, { "9", 0x0a }, { "0", 0x0b }, { "minus", 0x0c },
    { "equal", 0x0d }, { "backspace", 0x0e }, { "tab", 0x0f },
    { "q", 0x10 }, { "w", 0x11 }, { "e", 0x12 }, { "r", 0x13 },
    { "t", 0x14 }, { "y", 0x15 }, { "u", 0x16 }, { "i", 0x17 },
    { "o", 0x18 }, { "p", 0x19 }, { "bracket_left", 0x1a },
    { "bracket_right", 0x1b }, { "ret", 0x1c }, { "ctrl", 0x1d },
    { "a", 0x1e }, { "s", 0x1f }, { "d", 0x20 }, { "f", 0x21 },
    { "g", 0x22 }, { "h", 0x23 }, { "j", 0x24 }, { "k", 0x25 },
    { "l", 0x26 }, { "semicolon", 0x27 }, { "apostrophe", 0x28 },
    { "grave_accent", 0x29 }, { "shift", 0x2a }, { "backslash", 0x2b },
    { "z", 0x2c }, { "x", 0x2d }, { "c", 0x2e }, { "v", 0x2f },
    { "b", 0x30 }, { "n", 0x31 }, { "m", 0x32 }, { "comma", 0x33 },
    { "dot", 0x34 }, { "slash", 0x35 }, { "shift_r", 0x36 },
    { "asterisk", 0x37 }, { "kp_multiply", 0x37 }, { "alt", 0x38 },
    { "spc", 0x39 }, { "caps_lock", 0x3a }, { "f1", 0x3b }, { "f2", 0x3c },
    { "f3", 0x3d }, { "f4", 0x3e }, { "f5", 0x3f }, { "f6", 0x40 },
    { "f7", 0x41 }, { "f8", 0x42 }, { "f9", 0x43 }, { "f10", 0x44 },
    { "num_lock", 0x45 }, { "scroll_lock", 0x46 }, { "kp_7", 0x47 },
    { "kp_8", 0x48 }, { "kp_9", 0x49 }, { "kp_subtract", 0x4a },
    { "kp_4", 0x4b }, { "kp_5", 0x4c }, { "kp_6", 0x4d }, { "kp_add", 0x4e },
    { "kp_1", 0x4f }, { "kp_2", 0x50 }, { "kp_3", 0x51 }, { "kp_0", 0x52 },
    { "kp_decimal", 0x53 }, { "less", 0x56 }, { "f11", 0x57 },
    { "f12", 0x58 }, { "sysrq", 0x54 },
    { "kp_enter", 0xe01c }, { "ctrl_r", 0xe01d }, { "kp_divide", 0xe035 },
    { "print", 0xe037 }, { "alt_r", 0xe038 }, { "home", 0xe047 },
    { "up", 0xe048 }, { "pgup", 0xe049 }, { "left", 0xe04b },
    { "right", 0xe04d }, { "end", 0xe04f }, { "down", 0xe050 },
    { "pgdn", 0xe051 }, { "insert", 0xe052 }, { "delete", 0xe053 },
    { "meta_l", 0xe05b }, { "meta_r", 0xe05c }, { "menu", 0xe05d },
    { NULL }
};

/* A key name or a number ("0x1e"); -1 if neither. */
static int hmp_key_code(const char *name)
{
    char *end;
    unsigned long v;

    for (const HMPKey *k = hmp_keys; k->name; k++) {
        if (!strcmp(k->name, name)) {
            return k->code;
        }
    }
    errno = 0;
    v = strtoul(name, &end, 0);
    if (*name && !*end && !errno && v && v <= 0xe0ff) {
        return v;
    }
    return -1;
}

void hmp_complete_keys(const char *word, size_t keep, GPtrArray *out)
{
    for (const HMPKey *k = hmp_keys; k->name; k++) {
        if (g_str_has_prefix(k->name, word + keep)) {
            g_ptr_array_add(out, g_strdup_printf("%.*s%s", (int)keep, word,
                                                 k->name));
        }
    }
}

static void hmp_put_key(I8042State *kbd, int code, bool release)
{
    if (code > 0xff) {
        i8042_put_keycode(kbd, 0xe0);
    }
    i8042_put_keycode(kbd, (code & 0x7f) | (release ? 0x80 : 0));
}

/*
 * The keys go down in order and come up in reverse, straight away: the
 * keyboard's queue keeps them for the guest, so no hold timer is needed.
 */
void hmp_sendkey(Monitor *mon, const QDict *qdict)
{
    g_auto(GStrv) names = g_strsplit(qdict_get_str(qdict, "keys"), "-", 0);
    int codes[16];
    unsigned n = 0;
    Object *kbd;

    for (char **k = names; *k; k++) {
        int code = hmp_key_code(*k);

        if (code < 0 || n == G_N_ELEMENTS(codes)) {
            monitor_printf(mon, "invalid parameter: %s\n", *k);
            return;
        }
        codes[n++] = code;
    }
    kbd = hmp_find_object_by_type(TYPE_I8042);
    if (!kbd) {
        monitor_printf(mon, "Error: No keyboard to send the keys to\n");
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        hmp_put_key(I8042(kbd), codes[i], false);
    }
    for (unsigned i = n; i-- > 0;) {
        hmp_put_key(I8042(kbd), codes[i], true);
    }
}
