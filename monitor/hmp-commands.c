/*
 * hmp-commands.c: the tables of HMP commands and `info` subcommands,
 * sorted by name as `help` lists them, with QEMU's parameter synopses
 * and help texts. The argument specs are explained in monitor/hmp.h.
 */
#include "qemu/osdep.h"
#include "monitor/hmp.h"

const HMPCommand hmp_info_cmds[] = {
    { "block", "-n,-v,device:s?", "[-n] [-v] [device]",
      "show info of one block device or all block devices "
      "(-n: show named nodes; -v: show details)", hmp_info_block },
    { "chardev", "", "", "show the character devices", hmp_info_chardev },
    { "cpus", "", "", "show infos for each CPU", hmp_info_cpus },
    { "history", "", "", "show the command line history",
      hmp_info_history },
    { "irq", "", "", "show the interrupts statistics (if available)",
      hmp_info_irq },
    { "kvm", "", "", "show KVM information", hmp_info_kvm },
    { "lapic", "apic-id:i?", "[apic-id]",
      "show local apic state (apic-id: local apic to read, default is "
      "which of current CPU)", hmp_info_lapic },
    { "mem", "", "", "show the active virtual memory mappings",
      hmp_info_mem },
    { "mice", "", "", "show which guest mouse is receiving events",
      hmp_info_mice },
    { "mtree", "-f", "[-f][-d][-o][-D]",
      "show memory tree (-f: dump flat view for address spaces;-d: dump "
      "dispatch tree, valid with -f only);-o: dump region owners/parents;"
      "-D: dump disabled regions", hmp_info_mtree },
    { "name", "", "", "show the current VM name", hmp_info_name },
    { "network", "", "", "show the network state", hmp_info_network },
    { "pci", "", "", "show PCI info", hmp_info_pci },
    { "pic", "", "", "show PIC state", hmp_info_pic },
    { "qom-tree", "path:s?", "[path]", "show QOM composition tree",
      hmp_info_qom_tree },
    { "qtree", "", "", "show device tree", hmp_info_qtree },
    { "registers", "-a,vcpu:i?", "[-a|vcpu]",
      "show the cpu registers (-a: show register info for all cpus; "
      "vcpu: specific vCPU to query; show the current CPU's registers if "
      "no argument is specified)", hmp_info_registers },
    { "roms", "", "", "show roms", hmp_info_roms },
    { "status", "", "", "show the current VM status (running|paused)",
      hmp_info_status },
    { "tlb", "", "", "show virtual to physical memory mappings",
      hmp_info_tlb },
    { "uuid", "", "", "show the current VM UUID", hmp_info_uuid },
    { "version", "", "", "show the version of QEMU", hmp_info_version },
    { NULL }
};

const HMPCommand hmp_cmds[] = {
    { "chardev-add", "args:S", "args", "add chardev", hmp_chardev_add },
    { "chardev-remove", "id:s", "id", "remove chardev", hmp_chardev_remove },
    { "cont|c", "", "", "resume emulation", hmp_cont },
    { "cpu", "index:i", "index", "set the default CPU", hmp_cpu },
    { "help|?", "name:S?", "[cmd]", "show the help", hmp_help },
    { "i", "fmt:/,addr:i", "/fmt addr", "I/O port read", hmp_ioport_read },
    { "info", "", "[subcommand]",
      "show various information about the system state", hmp_info_help,
      hmp_info_cmds },
    { "log", "items:s", "item1[,...]",
      "activate logging of the specified items", hmp_log },
    { "logfile", "filename:F", "filename", "output logs to 'filename'",
      hmp_logfile },
    { "memsave", "val:l,size:i,filename:s", "addr size file",
      "save to disk virtual memory dump starting at 'addr' of size 'size'",
      hmp_memsave },
    { "nmi", "", "", "inject an NMI", hmp_nmi },
    { "o", "fmt:/,addr:i,val:i", "/fmt addr value", "I/O port write",
      hmp_ioport_write },
    { "pmemsave", "val:l,size:i,filename:s", "addr size file",
      "save to disk physical memory dump starting at 'addr' of size 'size'",
      hmp_pmemsave },
    { "print|p", "fmt:/,val:l", "/fmt expr",
      "print expression value (use $reg for CPU register access)",
      hmp_print },
    { "qom-get", "path:s,property:s", "path property",
      "print QOM property", hmp_qom_get },
    { "qom-list", "path:s?", "path", "list QOM properties", hmp_qom_list },
    { "qom-set", "path:s,property:s,value:S", "path property value",
      "set QOM property.", hmp_qom_set },
    { "quit|q", "", "", "quit the emulator", hmp_quit },
    { "sendkey", "keys:s,hold-time:i?", "keys [hold_ms]",
      "send keys to the VM (e.g. 'sendkey ctrl-alt-f1', default hold "
      "time=100 ms)", hmp_sendkey },
    { "stop|s", "", "", "stop emulation", hmp_stop },
    { "system_powerdown", "", "", "send system power down event",
      hmp_system_powerdown },
    { "system_reset", "", "", "reset the system", hmp_system_reset },
    { "x", "fmt:/,addr:l", "/fmt addr",
      "virtual memory dump starting at 'addr'", hmp_memory_dump },
    { "xp", "fmt:/,addr:l", "/fmt addr",
      "physical memory dump starting at 'addr'", hmp_physical_memory_dump },
    { NULL }
};
