/*
 * hmp.h: the human monitor's insides, shared by monitor/hmp*.c: the
 * Monitor (a chardev session or a string sink for human-monitor-command),
 * the command tables and their argument specs, the expression parser and
 * the vCPU access that `info registers`, `x` and `p` need.
 */
#ifndef MONITOR_HMP_H
#define MONITOR_HMP_H

#include "monitor/monitor.h"
#include "monitor/hmp-readline.h"
#include "qobject/qdict.h"
#include "qom/object.h"

struct Monitor {
    CharBackend be;
    GString *sink;          /* non-NULL: output goes here, no chardev */
    ReadLineState *rs;      /* NULL without readline */
    bool reset_seen;        /* the banner went out */
    bool mux_out;           /* a mux gave the input focus to someone else */
    bool quitting;          /* "quit" ran: no more prompts or commands */
    GString *line;          /* without readline: the line being read */
    bool last_was_cr;
    /* x, xp, p remember the last format, size and the next address. */
    char last_format;
    int last_size;
    uint64_t last_addr;
    int cpu_index;          /* the current CPU ("cpu N") */
};

/*
 * A command. args_type lists the arguments as "name:T" separated by
 * commas, T one of:
 *   s  a word (or "quoted string")   S  the rest of the line
 *   F  a file name                   i  32-bit expression, l  64-bit one
 *   /  a format (/fmt: count, format letter, size letter)
 *   -x a flag "-x" (name is set to true when given)
 * followed by '?' when optional. params and help are what `help` shows.
 */
typedef struct HMPCommand {
    const char *name;       /* "quit|q": aliases after '|' */
    const char *args_type;
    const char *params;
    const char *help;
    void (*cmd)(Monitor *mon, const QDict *qdict);
    const struct HMPCommand *sub_table;     /* "info" */
} HMPCommand;

extern const HMPCommand hmp_cmds[];
extern const HMPCommand hmp_info_cmds[];

/* Run one command line on mon (hmp.c). */
void hmp_handle_command(Monitor *mon, const char *cmdline);
/* Candidates for the last word of line (Tab). */
void hmp_complete(Monitor *mon, const char *line, GPtrArray *out);

/* mon's command history, oldest first (g_free'd strings). */
GPtrArray *hmp_history(Monitor *mon);

/* The first object of type under the QOM root (depth first), or NULL. */
Object *hmp_find_object_by_type(const char *type);

/* The class names of QEMU's `info pci` ("Host bridge"), or NULL. */
const char *hmp_pci_class_name(uint32_t class);

/* sendkey completion: key names for word after its first keep bytes. */
void hmp_complete_keys(const char *word, size_t keep, GPtrArray *out);

/* Print an Error in HMP's way ("Error: ..." is QEMU's prefix). */
void hmp_handle_error(Monitor *mon, Error *err);

/* ---- hmp-expr.c ---- */

/* Value of register $name, or false if there is none. */
typedef bool HMPRegLookup(void *opaque, const char *name, int64_t *val);

/*
 * hmp_expr_parse: - one expression at *pp (QEMU's HMP syntax: numbers
 * in C notation, $reg, ( ), unary + - ~, then * / %, then & | ^ << >>,
 * then + - as the loosest); *pp is left after it. Errors with QEMU's
 * texts ("invalid char 'f' in expression", "')' expected", ...).
 */
bool hmp_expr_parse(const char **pp, HMPRegLookup *reg, void *opaque,
                    int64_t *val, Error **errp);

/* ---- hmp-target.c: the x86 vCPUs ---- */

struct CPUX86State;
/* The vCPU count (0 without vCPUs) and the nth vCPU's index. */
unsigned hmp_cpu_count(void);
/*
 * A snapshot of vCPU index's registers with EFLAGS complete (the lazy
 * flags folded in); the vCPUs are stopped for the copy when they run.
 */
bool hmp_cpu_get_state(unsigned index, struct CPUX86State *env);
/* The monitor's current vCPU (cpu N), synced; false without vCPUs. */
bool hmp_cur_cpu_state(Monitor *mon, struct CPUX86State *env);
/* $name for the current vCPU (eax, rip, pc, cs, cr3, ...). */
bool hmp_cpu_register(void *opaque, const char *name, int64_t *val);
/* Virtual to physical through env's page tables; false: not mapped. */
bool hmp_virt_to_phys(const struct CPUX86State *env, uint64_t vaddr,
                      uint64_t *paddr);
/* `nmi` / inject-nmi: an NMI to every vCPU. */
bool hmp_cpu_nmi_all(Error **errp);
/* 16, 32 or 64: the code size of env's CS. */
int hmp_cpu_code_bits(const struct CPUX86State *env);
/* info tlb / info mem for env. */
void hmp_dump_tlb(Monitor *mon, const struct CPUX86State *env);
void hmp_dump_mem(Monitor *mon, const struct CPUX86State *env);

/* ---- hmp-cmds*.c, hmp-info*.c: the handlers ---- */

void hmp_help(Monitor *mon, const QDict *qdict);
void hmp_info_help(Monitor *mon, const QDict *qdict);
void hmp_quit(Monitor *mon, const QDict *qdict);
void hmp_stop(Monitor *mon, const QDict *qdict);
void hmp_cont(Monitor *mon, const QDict *qdict);
void hmp_system_reset(Monitor *mon, const QDict *qdict);
void hmp_system_powerdown(Monitor *mon, const QDict *qdict);
void hmp_cpu(Monitor *mon, const QDict *qdict);
void hmp_memory_dump(Monitor *mon, const QDict *qdict);
void hmp_physical_memory_dump(Monitor *mon, const QDict *qdict);
void hmp_print(Monitor *mon, const QDict *qdict);
void hmp_ioport_read(Monitor *mon, const QDict *qdict);
void hmp_ioport_write(Monitor *mon, const QDict *qdict);
void hmp_memsave(Monitor *mon, const QDict *qdict);
void hmp_pmemsave(Monitor *mon, const QDict *qdict);
void hmp_nmi(Monitor *mon, const QDict *qdict);
void hmp_sendkey(Monitor *mon, const QDict *qdict);
void hmp_log(Monitor *mon, const QDict *qdict);
void hmp_logfile(Monitor *mon, const QDict *qdict);
void hmp_chardev_add(Monitor *mon, const QDict *qdict);
void hmp_chardev_remove(Monitor *mon, const QDict *qdict);
void hmp_qom_list(Monitor *mon, const QDict *qdict);
void hmp_qom_get(Monitor *mon, const QDict *qdict);
void hmp_qom_set(Monitor *mon, const QDict *qdict);

void hmp_info_version(Monitor *mon, const QDict *qdict);
void hmp_info_status(Monitor *mon, const QDict *qdict);
void hmp_info_name(Monitor *mon, const QDict *qdict);
void hmp_info_uuid(Monitor *mon, const QDict *qdict);
void hmp_info_kvm(Monitor *mon, const QDict *qdict);
void hmp_info_cpus(Monitor *mon, const QDict *qdict);
void hmp_info_registers(Monitor *mon, const QDict *qdict);
void hmp_info_mtree(Monitor *mon, const QDict *qdict);
void hmp_info_qtree(Monitor *mon, const QDict *qdict);
void hmp_info_qom_tree(Monitor *mon, const QDict *qdict);
void hmp_info_chardev(Monitor *mon, const QDict *qdict);
void hmp_info_block(Monitor *mon, const QDict *qdict);
void hmp_info_network(Monitor *mon, const QDict *qdict);
void hmp_info_pci(Monitor *mon, const QDict *qdict);
void hmp_info_irq(Monitor *mon, const QDict *qdict);
void hmp_info_pic(Monitor *mon, const QDict *qdict);
void hmp_info_lapic(Monitor *mon, const QDict *qdict);
void hmp_info_mem(Monitor *mon, const QDict *qdict);
void hmp_info_tlb(Monitor *mon, const QDict *qdict);
void hmp_info_roms(Monitor *mon, const QDict *qdict);
void hmp_info_history(Monitor *mon, const QDict *qdict);
void hmp_info_mice(Monitor *mon, const QDict *qdict);

#endif
