/*
 * cpu-topology.c: APIC IDs from the -smp topology, as QEMU's
 * include/hw/i386/topology.h lays them out: thread, core, die and
 * package fields from bit 0 up, each as wide as its count needs.
 */
#include "qemu/osdep.h"
#include "cpu.h"

/* Bits needed for count values 0..count-1 (0 for a count of 1). */
static unsigned apicid_bitwidth_for_count(unsigned count)
{
    unsigned w = 0;

    while (w < 32 && (1u << w) < count) {
        w++;
    }
    return w;
}

void x86_topo_from_smp(X86TopoInfo *ti, const CpuTopology *topo)
{
    ti->dies_per_pkg = topo && topo->dies ? topo->dies : 1;
    ti->cores_per_die = topo && topo->cores ? topo->cores : 1;
    ti->threads_per_core = topo && topo->threads ? topo->threads : 1;
}

unsigned x86_apicid_core_offset(const X86TopoInfo *ti)
{
    return apicid_bitwidth_for_count(ti->threads_per_core);
}

unsigned x86_apicid_die_offset(const X86TopoInfo *ti)
{
    return x86_apicid_core_offset(ti) +
           apicid_bitwidth_for_count(ti->cores_per_die);
}

unsigned x86_apicid_pkg_offset(const X86TopoInfo *ti)
{
    return x86_apicid_die_offset(ti) +
           apicid_bitwidth_for_count(ti->dies_per_pkg);
}

uint32_t x86_apicid_from_cpu_index(const X86TopoInfo *ti, unsigned index)
{
    unsigned threads = ti->threads_per_core;
    unsigned cores = ti->cores_per_die;
    unsigned dies = ti->dies_per_pkg;
    unsigned smt_id = index % threads;
    unsigned core_id = index / threads % cores;
    unsigned die_id = index / (threads * cores) % dies;
    unsigned pkg_id = index / (threads * cores * dies);

    return (pkg_id << x86_apicid_pkg_offset(ti)) |
           (die_id << x86_apicid_die_offset(ti)) |
           (core_id << x86_apicid_core_offset(ti)) |
           smt_id;
}

uint32_t x86_cpu_apic_id(const CpuTopology *topo, unsigned index)
{
    X86TopoInfo ti;

    x86_topo_from_smp(&ti, topo);
    return x86_apicid_from_cpu_index(&ti, index);
}

unsigned x86_core_id_from_apicid(const X86TopoInfo *ti, uint32_t apic_id)
{
    unsigned width = x86_apicid_die_offset(ti) - x86_apicid_core_offset(ti);

    return (apic_id >> x86_apicid_core_offset(ti)) & ((1u << width) - 1);
}
