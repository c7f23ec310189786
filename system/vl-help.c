/*
 * vl-help.c: the text of "-h", "-version" and the small "help" listings
 * (-accel help, -cpu help, -display help). The syntax lines follow QEMU's
 * so that people and scripts find what they expect; the option table that
 * decides the order is in vl-options.c.
 */
#include "qemu/osdep.h"
#include "system/vl.h"

#define IND "                "  /* the column where descriptions start */

static const char *const vl_group_titles[VL_GROUP__MAX] = {
    [VL_GROUP_STANDARD] = "Standard options:",
    [VL_GROUP_BLOCK] = "Block device options:",
    [VL_GROUP_USB] = "USB convenience options:",
    [VL_GROUP_DISPLAY] = "Display options:",
    [VL_GROUP_I386] = "i386 target only:",
    [VL_GROUP_NETWORK] = "Network options:",
    [VL_GROUP_CHARDEV] = "Character device options:",
    [VL_GROUP_TPM] = "TPM device options:",
    [VL_GROUP_BOOT] = "Boot Image or Kernel specific:",
    [VL_GROUP_DEBUG] = "Debug/Expert options:",
    [VL_GROUP_OBJECT] = "Generic object creation:",
};

static const char *const vl_help_texts[QEMU_OPTION__MAX] = {
    [QEMU_OPTION_h] =
        "-h or -help     display this help and exit\n",
    [QEMU_OPTION_version] =
        "-version        display version information and exit\n",
    [QEMU_OPTION_machine] =
        "-machine [type=]name[,prop[=value][,...]]\n"
        IND "select the emulated machine ('-machine help' for list)\n"
        IND "property accel=accel1[:accel2[:...]] selects the accelerator\n"
        IND "kernel-irqchip=on|off|split controls the in-kernel irqchip\n"
        IND "memory-backend='backend-id' backs main RAM with that object\n"
        IND "usb=on|off enables the on-board USB host controller\n"
        "-M name         shorthand for -machine\n",
    [QEMU_OPTION_cpu] =
        "-cpu cpu        select CPU ('-cpu help' for list)\n",
    [QEMU_OPTION_accel] =
        "-accel [accel=]accelerator[,prop[=value][,...]]\n"
        IND "select accelerator (kvm, tcg or qtest; use 'help' for a list)\n"
        IND "kernel-irqchip=on|off|split controls accelerated irqchip\n"
        IND "tb-size=n (TCG translation block cache size)\n"
        IND "thread=single|multi (enable multi-threaded TCG)\n",
    [QEMU_OPTION_smp] =
        "-smp [[cpus=]n][,maxcpus=maxcpus][,sockets=sockets][,dies=dies]"
        "[,clusters=clusters][,cores=cores][,threads=threads]\n"
        IND "set the number of initial CPUs to 'n' [default=1]\n"
        IND "maxcpus= maximum number of CPUs, including hotpluggable ones\n"
        IND "sockets= number of sockets on the machine board\n"
        IND "dies= number of dies in one socket\n"
        IND "clusters= number of clusters in one die\n"
        IND "cores= number of cores in one cluster\n"
        IND "threads= number of threads in one core\n",
    [QEMU_OPTION_numa] =
        "-numa node[,mem=size][,cpus=firstcpu[-lastcpu]][,nodeid=node]"
        "[,initiator=node]\n"
        "-numa node[,memdev=id][,cpus=firstcpu[-lastcpu]][,nodeid=node]"
        "[,initiator=node]\n"
        "-numa dist,src=source,dst=destination,val=distance\n"
        "-numa cpu,node-id=node[,socket-id=x][,core-id=y][,thread-id=z]\n",
    [QEMU_OPTION_add_fd] =
        "-add-fd fd=fd,set=set[,opaque=opaque]\n"
        IND "add 'fd' to fd 'set'\n",
    [QEMU_OPTION_set] =
        "-set group.id.arg=value\n"
        IND "set <arg> parameter for item <id> of type <group>\n"
        IND "i.e. -set drive.$id.file=/path/to/image\n",
    [QEMU_OPTION_global] =
        "-global driver.property=value\n"
        "-global driver=driver,property=property,value=value\n"
        IND "set a global default for a driver property\n",
    [QEMU_OPTION_boot] =
        "-boot [order=drives][,once=drives][,menu=on|off]\n"
        "      [,splash=sp_name][,splash-time=sp_time]"
        "[,reboot-timeout=rb_time][,strict=on|off]\n"
        IND "'drives': floppy (a), hard disk (c), CD-ROM (d), network (n)\n"
        IND "'sp_time': how long the splash picture shows (ms)\n"
        IND "'rb_time': delay before a guest reboot when boot failed (ms)\n",
    [QEMU_OPTION_m] =
        "-m [size=]megs[,slots=n,maxmem=size]\n"
        IND "configure guest RAM\n"
        IND "size: initial amount of guest memory\n"
        IND "slots: number of hotplug slots (default: none)\n"
        IND "maxmem: maximum amount of guest memory (default: none)\n",
    [QEMU_OPTION_mem_path] =
        "-mem-path FILE  provide backing storage for guest RAM\n",
    [QEMU_OPTION_mem_prealloc] =
        "-mem-prealloc   preallocate guest memory (use with -mem-path)\n",
    [QEMU_OPTION_k] =
        "-k language     use keyboard layout (for example 'fr' for French)\n",
    [QEMU_OPTION_audio] =
        "-audio [driver=]driver,model=value[,prop[=value][,...]]\n"
        IND "specifies the audio backend and device to use\n",
    [QEMU_OPTION_audiodev] =
        "-audiodev [driver=]driver,id=id[,prop[=value][,...]]\n"
        IND "specifies the audio backend to use\n"
        "-audiodev none,id=id,[,prop[=value][,...]]\n"
        IND "dummy driver that discards all output\n",
    [QEMU_OPTION_device] =
        "-device driver[,prop[=value][,...]]\n"
        IND "add device (based on driver)\n"
        IND "prop=value,... sets driver properties\n"
        IND "use '-device help' to print all possible drivers\n"
        IND "use '-device driver,help' to print all possible properties\n",
    [QEMU_OPTION_name] =
        "-name string1[,process=string2][,debug-threads=on|off]\n"
        IND "set the name of the guest\n"
        IND "string1 sets the window title and string2 the process name\n"
        IND "debug-threads=on gives each thread its own name\n",
    [QEMU_OPTION_uuid] =
        "-uuid %08x-%04x-%04x-%04x-%012x\n"
        IND "specify machine UUID\n",

    [QEMU_OPTION_fda] =
        "-fda/-fdb file  use 'file' as floppy disk 0/1 image\n",
    [QEMU_OPTION_hda] =
        "-hda/-hdb file  use 'file' as hard disk 0/1 image\n",
    [QEMU_OPTION_hdc] =
        "-hdc/-hdd file  use 'file' as hard disk 2/3 image\n",
    [QEMU_OPTION_cdrom] =
        "-cdrom file     use 'file' as CD-ROM image\n",
    [QEMU_OPTION_blockdev] =
        "-blockdev [driver=]driver[,node-name=N][,discard=ignore|unmap]\n"
        "          [,cache.direct=on|off][,cache.no-flush=on|off]\n"
        "          [,read-only=on|off][,auto-read-only=on|off]\n"
        "          [,force-share=on|off][,detect-zeroes=on|off|unmap]\n"
        "          [,driver specific parameters...]\n"
        IND "configure a block backend\n",
    [QEMU_OPTION_drive] =
        "-drive [file=file][,if=type][,bus=n][,unit=m][,media=d][,index=i]\n"
        "       [,cache=writethrough|writeback|none|directsync|unsafe]"
        "[,format=f]\n"
        "       [,snapshot=on|off][,rerror=ignore|stop|report]\n"
        "       [,werror=ignore|stop|report|enospc][,id=name]\n"
        "       [,aio=threads|native|io_uring]\n"
        "       [,readonly=on|off][,copy-on-read=on|off]\n"
        "       [,discard=ignore|unmap][,detect-zeroes=on|off|unmap]\n"
        IND "use 'file' as a drive image\n",
    [QEMU_OPTION_snapshot] =
        "-snapshot       write to temporary files instead of disk image "
        "files\n",
    [QEMU_OPTION_fsdev] =
        "-fsdev local,id=id,path=path,security_model=mapped-xattr|"
        "mapped-file|passthrough|none\n"
        " [,writeout=immediate][,readonly=on][,fmode=fmode][,dmode=dmode]\n",
    [QEMU_OPTION_virtfs] =
        "-virtfs local,path=path,mount_tag=tag,security_model=mapped-xattr|"
        "mapped-file|passthrough|none\n"
        "        [,id=id][,writeout=immediate][,readonly=on]"
        "[,fmode=fmode][,dmode=dmode]\n",

    [QEMU_OPTION_usb] =
        "-usb            enable on-board USB host controller "
        "(if not enabled by default)\n",
    [QEMU_OPTION_usbdevice] =
        "-usbdevice name add the host or guest USB device 'name'\n",

    [QEMU_OPTION_display] =
        "-display none\n"
        IND "select display backend type\n"
        IND "Keel has no graphical display: the default is \"-display none\"\n",
    [QEMU_OPTION_nographic] =
        "-nographic      disable graphical output and redirect serial I/Os "
        "to console\n",
    [QEMU_OPTION_spice] =
        "-spice [port=port][,tls-port=secured-port][,addr=addr]"
        "[,disable-ticketing=on|off]\n"
        "   enable spice\n",
    [QEMU_OPTION_vga] =
        "-vga [std|cirrus|vmware|qxl|virtio|none]\n"
        IND "select video card type\n",
    [QEMU_OPTION_full_screen] =
        "-full-screen    start in full screen\n",
    [QEMU_OPTION_vnc] =
        "-vnc <display>  shorthand for -display vnc=<display>\n",

    [QEMU_OPTION_no_fd_bootchk] =
        "-no-fd-bootchk  disable boot signature checking for floppy disks\n",
    [QEMU_OPTION_acpitable] =
        "-acpitable [sig=str][,rev=n][,oem_id=str][,oem_table_id=str]"
        "[,oem_rev=n][,asl_compiler_id=str][,asl_compiler_rev=n]"
        "[,{data|file}=file1[:file2]...]\n"
        IND "ACPI table description\n",
    [QEMU_OPTION_smbios] =
        "-smbios file=binary\n"
        IND "load SMBIOS entry from binary file\n"
        "-smbios type=N[,field=str][,...]\n"
        IND "specify SMBIOS fields of structure type N (0, 1, 2, 3, 4, "
        "11, 17)\n",

    [QEMU_OPTION_netdev] =
        "-netdev user,id=str[,ipv4=on|off][,net=addr[/mask]][,host=addr]\n"
        "         [,hostfwd=rule][,guestfwd=rule][,...]\n"
        IND "configure a user mode network backend with ID 'str'\n"
        "-netdev tap,id=str[,fd=h][,ifname=name][,script=file]"
        "[,downscript=dfile][,vhost=on|off][,queues=n]\n"
        IND "configure a host TAP network backend with ID 'str'\n"
        "-netdev hubport,id=str,hubid=n[,netdev=nd]\n"
        IND "configure a hub port on the hub with ID 'n'\n",
    [QEMU_OPTION_nic] =
        "-nic [tap|bridge|user|l2tpv3|vde|vhost-user|socket][,option][,...]"
        "[mac=macaddr]\n"
        IND "initialize an on-board / default host NIC (using MAC address\n"
        IND "macaddr) and connect it to the given host network backend\n"
        "-nic none       use it alone to have zero network devices\n",
    [QEMU_OPTION_net] =
        "-net nic[,macaddr=mac][,model=type][,name=str][,addr=str]"
        "[,vectors=v]\n"
        IND "configure or create an on-board (or machine default) NIC and\n"
        IND "connect it to hub 0 (please use -nic unless you need a hub)\n"
        "-net [user|tap|bridge|vde|socket][,option][,option][,...]\n"
        IND "old way to initialize a host network interface\n",

    [QEMU_OPTION_chardev] =
        "-chardev help\n"
        "-chardev null,id=id[,mux=on|off][,logfile=PATH][,logappend=on|off]\n"
        "-chardev socket,id=id[,host=host],port=port[,to=to][,ipv4=on|off]"
        "[,ipv6=on|off][,nodelay=on|off]\n"
        "         [,server=on|off][,wait=on|off][,telnet=on|off]"
        "[,reconnect=seconds][,mux=on|off]\n"
        "         [,logfile=PATH][,logappend=on|off] (tcp)\n"
        "-chardev socket,id=id,path=path[,server=on|off][,wait=on|off]"
        "[,telnet=on|off][,reconnect=seconds]\n"
        "         [,mux=on|off][,logfile=PATH][,logappend=on|off] (unix)\n"
        "-chardev file,id=id,path=path[,mux=on|off][,logfile=PATH]"
        "[,logappend=on|off]\n"
        "-chardev pipe,id=id,path=path[,mux=on|off][,logfile=PATH]"
        "[,logappend=on|off]\n"
        "-chardev pty,id=id[,mux=on|off][,logfile=PATH][,logappend=on|off]\n"
        "-chardev stdio,id=id[,mux=on|off][,signal=on|off][,logfile=PATH]"
        "[,logappend=on|off]\n",

    [QEMU_OPTION_tpmdev] =
        "-tpmdev passthrough,id=id[,path=path][,cancel-path=path]\n"
        "-tpmdev emulator,id=id,chardev=dev\n"
        IND "configure a TPM backend\n",

    [QEMU_OPTION_bios] =
        "-bios file      set the filename for the BIOS\n",
    [QEMU_OPTION_pflash] =
        "-pflash file    use 'file' as a parallel flash image\n",
    [QEMU_OPTION_kernel] =
        "-kernel bzImage use 'bzImage' as kernel image\n",
    [QEMU_OPTION_append] =
        "-append cmdline use 'cmdline' as kernel command line\n",
    [QEMU_OPTION_initrd] =
        "-initrd file    use 'file' as initial ram disk\n",
    [QEMU_OPTION_dtb] =
        "-dtb    file    use 'file' as device tree image\n",

    [QEMU_OPTION_compat] =
        "-compat [deprecated-input=accept|reject|crash]"
        "[,deprecated-output=accept|hide]\n"
        IND "Policy for handling deprecated management interfaces\n",
    [QEMU_OPTION_fw_cfg] =
        "-fw_cfg [name=]<name>,file=<file>\n"
        IND "add named fw_cfg entry with contents from file\n"
        "-fw_cfg [name=]<name>,string=<str>\n"
        IND "add named fw_cfg entry with contents from string\n",
    [QEMU_OPTION_serial] =
        "-serial dev     redirect the serial port to char device 'dev'\n",
    [QEMU_OPTION_parallel] =
        "-parallel dev   redirect the parallel port to char device 'dev'\n",
    [QEMU_OPTION_monitor] =
        "-monitor dev    redirect the monitor to char device 'dev'\n",
    [QEMU_OPTION_qmp] =
        "-qmp dev        like -monitor but opens in 'control' mode\n",
    [QEMU_OPTION_qmp_pretty] =
        "-qmp-pretty dev like -qmp but uses pretty JSON formatting\n",
    [QEMU_OPTION_mon] =
        "-mon [chardev=]name[,mode=readline|control][,pretty[=on|off]]\n",
    [QEMU_OPTION_debugcon] =
        "-debugcon dev   redirect the debug console to char device 'dev'\n",
    [QEMU_OPTION_pidfile] =
        "-pidfile file   write PID to 'file'\n",
    [QEMU_OPTION_preconfig] =
        "--preconfig     pause QEMU before machine is initialized "
        "(experimental)\n",
    [QEMU_OPTION_S] =
        "-S              freeze CPU at startup (use 'c' to start execution)\n",
    [QEMU_OPTION_overcommit] =
        "-overcommit [mem-lock=on|off][cpu-pm=on|off]\n"
        IND "run qemu with overcommit hints\n"
        IND "mem-lock=on|off controls memory lock support (default: off)\n"
        IND "cpu-pm=on|off controls cpu power management (default: off)\n",
    [QEMU_OPTION_gdb] =
        "-gdb dev        accept gdb connection on 'dev'\n",
    [QEMU_OPTION_s] =
        "-s              shorthand for -gdb tcp::1234\n",
    [QEMU_OPTION_d] =
        "-d item1,...    enable logging of specified items "
        "(use '-d help' for a list of log items)\n",
    [QEMU_OPTION_D] =
        "-D logfile      output log to logfile (default stderr)\n",
    [QEMU_OPTION_perfmap] =
        "-perfmap        generate a /tmp/perf-${pid}.map file for perf\n",
    [QEMU_OPTION_seed] =
        "-seed number       seed the pseudo-random number generator\n",
    [QEMU_OPTION_L] =
        "-L path         set the directory for the BIOS, VGA BIOS and "
        "keymaps\n",
    [QEMU_OPTION_enable_kvm] =
        "-enable-kvm     enable KVM full virtualization support\n",
    [QEMU_OPTION_no_reboot] =
        "-no-reboot      exit instead of rebooting\n",
    [QEMU_OPTION_no_shutdown] =
        "-no-shutdown    stop before shutdown\n",
    [QEMU_OPTION_action] =
        "-action reboot=reset|shutdown\n"
        "                   action when guest reboots [default=reset]\n"
        "-action shutdown=poweroff|pause\n"
        "                   action when guest shuts down "
        "[default=poweroff]\n"
        "-action panic=pause|shutdown|exit-failure|none\n"
        "                   action when guest panics [default=shutdown]\n"
        "-action watchdog=reset|shutdown|poweroff|inject-nmi|pause|debug"
        "|none\n"
        "                   action when watchdog fires [default=reset]\n",
    [QEMU_OPTION_loadvm] =
        "-loadvm [tag|id]\n"
        IND "start right away with a saved state (loadvm in monitor)\n",
    [QEMU_OPTION_daemonize] =
        "-daemonize      daemonize QEMU after initializing\n",
    [QEMU_OPTION_option_rom] =
        "-option-rom rom load a file, rom, into the option ROM space\n",
    [QEMU_OPTION_rtc] =
        "-rtc [base=utc|localtime|<datetime>][,clock=host|rt|vm]"
        "[,driftfix=none|slew]\n"
        IND "set the RTC base and clock, enable drift fix for clock ticks "
        "(x86 only)\n",
    [QEMU_OPTION_icount] =
        "-icount [shift=N|auto][,align=on|off][,sleep=on|off]"
        "[,rr=record|replay,rrfile=<filename>[,rrsnapshot=<snapshot>]]\n"
        IND "enable virtual instruction counter with 2^N clock ticks per\n"
        IND "instruction\n",
    [QEMU_OPTION_watchdog_action] =
        "-watchdog-action reset|shutdown|poweroff|inject-nmi|pause|debug"
        "|none\n"
        IND "action when watchdog fires [default=reset]\n",
    [QEMU_OPTION_echr] =
        "-echr chr       set terminal escape character instead of ctrl-a\n",
    [QEMU_OPTION_incoming] =
        "-incoming tcp:[host]:port[,to=maxport][,ipv4=on|off][,ipv6=on|off]\n"
        "-incoming unix:socketpath\n"
        IND "prepare for incoming migration, listen on\n"
        IND "specified protocol and socket address\n"
        "-incoming fd:fd\n"
        "-incoming exec:cmdline\n"
        IND "accept incoming migration on given file descriptor\n"
        IND "or from given external command\n"
        "-incoming defer\n"
        IND "wait for the URI to be specified via migrate_incoming\n",
    [QEMU_OPTION_only_migratable] =
        "-only-migratable     allow only migratable devices\n",
    [QEMU_OPTION_nodefaults] =
        "-nodefaults     don't create default devices\n",
    [QEMU_OPTION_chroot] =
        "-chroot dir     chroot to dir just before starting the VM "
        "(deprecated)\n",
    [QEMU_OPTION_runas] =
        "-runas user     change to user id user just before starting the VM\n"
        IND "user can be numeric uid:gid instead\n",
    [QEMU_OPTION_run_with] =
        "-run-with [async-teardown=on|off][,chroot=dir]\n"
        IND "Set miscellaneous QEMU process lifecycle options:\n"
        IND "chroot=dir chroot to dir just before starting the VM\n",
    [QEMU_OPTION_sandbox] =
        "-sandbox on[,obsolete=allow|deny][,elevateprivileges=allow|deny"
        "|children]\n"
        "          [,spawn=allow|deny][,resourcecontrol=allow|deny]\n"
        IND "Enable seccomp mode 2 system call filter (default 'off').\n",
    [QEMU_OPTION_readconfig] =
        "-readconfig <file>\n"
        IND "read config file\n",
    [QEMU_OPTION_no_user_config] =
        "-no-user-config\n"
        IND "do not load default user-provided config files at startup\n",
    [QEMU_OPTION_trace] =
        "-trace [[enable=]<pattern>][,events=<file>][,file=<file>]\n"
        IND "specify tracing options\n",
    [QEMU_OPTION_plugin] =
        "-plugin [file=]<file>[,<argname>=<argvalue>]\n"
        IND "load a plugin\n",
    [QEMU_OPTION_async_teardown] =
        "-async-teardown enable asynchronous teardown\n",
    [QEMU_OPTION_msg] =
        "-msg [timestamp[=on|off]][,guest-name=[on|off]]\n"
        IND "control error message format\n"
        IND "timestamp=on enables timestamps (default: off)\n"
        IND "guest-name=on enables guest name prefix but only if\n"
        IND "              -name guest option is set (default: off)\n",

    [QEMU_OPTION_object] =
        "-object TYPENAME[,PROP1=VALUE1,...]\n"
        IND "create a new object of type TYPENAME setting properties\n"
        IND "in the order they are specified.  Note that the 'id'\n"
        IND "property must be set.  These objects are placed in the\n"
        IND "'/objects' path.\n",
};

const char *vl_help_text(VlOptionIndex index)
{
    if (index < 0 || index >= QEMU_OPTION__MAX) {
        return NULL;
    }
    return vl_help_texts[index];
}

const char *vl_group_title(VlOptionGroup group)
{
    return group < VL_GROUP__MAX ? vl_group_titles[group] : NULL;
}

void vl_print_version(FILE *f)
{
    /* Tools parse the first line ("QEMU emulator version X.Y.Z"). */
    fprintf(f, "QEMU emulator version " QEMU_VERSION " (Keel " KEEL_VERSION
            ")\n"
            "Copyright (c) 2003-2023 Fabrice Bellard and the QEMU Project "
            "developers\n");
}

void vl_print_help(FILE *f)
{
    int group = -1;

    vl_print_version(f);
    fprintf(f, "usage: %s [options] [disk_image]\n\n"
            "'disk_image' is a raw hard disk image for IDE hard disk 0\n",
            error_progname);
    for (const VlOption *o = vl_options; o->name; o++) {
        const char *text = vl_help_texts[o->index];

        if (!text) {
            continue;
        }
        if ((int)o->group != group) {
            group = o->group;
            fprintf(f, "\n%s\n", vl_group_titles[group]);
        }
        fputs(text, f);
    }
    fprintf(f, "\n"
            "When using -nographic, press 'ctrl-a h' to get some help.\n\n"
            "Keel is a QEMU-compatible emulator; options it does not have "
            "yet are\nrefused with a message rather than ignored.\n");
}

void vl_print_display_help(FILE *f)
{
    fprintf(f, "Available display backend types:\nnone\n");
}
