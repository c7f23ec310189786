/*
 * x86-linux-boot.h: direct kernel boot for the PC, as pure functions. The
 * parsers validate a kernel file held in memory; the setup functions build
 * a boot plan: the buffers to copy into guest RAM, where, and the CPU state
 * to start in. Nothing here touches guest memory or a vCPU: the machine
 * carries the plan out (x86_boot_plan_* below, multiboot.h uses it too).
 */
#ifndef HW_I386_X86_LINUX_BOOT_H
#define HW_I386_X86_LINUX_BOOT_H

#include "qemu/error.h"
#include "hw/i386/e820.h"

/* ---- The boot plan shared by every loader ---- */

typedef struct X86LinuxKernel X86LinuxKernel;

typedef enum X86BootCpuMode {
    X86_BOOT_REAL16,    /* real mode: CS:IP and the segments below */
    X86_BOOT_PROT32,    /* flat 32-bit protected mode, paging off */
    X86_BOOT_LONG64,    /* 64-bit mode, paging on with plan's page tables */
} X86BootCpuMode;

/* A segment register as the vCPU's hidden cache holds it (KVM's layout). */
typedef struct X86BootSegment {
    uint16_t selector;
    uint64_t base;
    uint32_t limit;     /* in bytes, already scaled by g */
    uint8_t type;       /* descriptor type field (e.g. 0xb code, 0x3 data) */
    uint8_t s;          /* 1 code/data, 0 system */
    uint8_t dpl, present, db, l, g;
} X86BootSegment;

typedef struct X86BootCpuState {
    X86BootCpuMode mode;
    uint64_t rip, rsp, rax, rbx, rsi, rflags;
    uint64_t cr0, cr3, cr4, efer;
    X86BootSegment cs, ds, es, fs, gs, ss, tr;
    uint64_t gdt_base;
    uint16_t gdt_limit;
} X86BootCpuState;

/*
 * One thing to copy into guest RAM: size bytes of data at addr, then
 * zero_size bytes of zeroes (an ELF bss). data points either into the
 * kernel file the caller parsed (which must outlive the plan) or into a
 * buffer the plan owns.
 */
typedef struct X86BootBlob {
    const char *what;
    uint64_t addr;
    const uint8_t *data;
    size_t size;
    uint64_t zero_size;
    bool owned;
    /* data lies at vmlinux_offset in the plan's unpacked vmlinux */
    bool in_vmlinux;
    size_t vmlinux_offset;
} X86BootBlob;

#define X86_BOOT_MAX_BLOBS 64

typedef struct X86BootPlan {
    X86BootBlob blobs[X86_BOOT_MAX_BLOBS];
    unsigned nr_blobs;
    /* Where the caller copies the initrd (multiboot: unused; see modules). */
    uint64_t initrd_addr;
    size_t initrd_size;
    /* The command line is longer than the kernel reads; it will cut it. */
    bool cmdline_truncated;
    X86BootCpuState cpu;
    /*
     * A bzImage unpacked on the host: the vmlinux the in_vmlinux blobs
     * point into, owned by the plan once x86_boot_plan_adopt_vmlinux()
     * gave it over (NULL after x86_boot_plan_drop_vmlinux()), and the
     * compressed payload (in the caller's kernel file) to unpack it again.
     */
    uint8_t *vmlinux;
    size_t vmlinux_size;
    const uint8_t *packed;
    size_t packed_size;
} X86BootPlan;

void x86_boot_plan_init(X86BootPlan *plan);
/* Frees the buffers the plan owns and resets it. */
void x86_boot_plan_clear(X86BootPlan *plan);
/* The blob whose what is name, or NULL (for tests and debugging). */
const X86BootBlob *x86_boot_plan_find(const X86BootPlan *plan, const char *name);

/*
 * x86_boot_plan_adopt_vmlinux: - the plan takes k->vmlinux (set to NULL
 * in k), which its blobs point into, and remembers k's packed payload.
 */
void x86_boot_plan_adopt_vmlinux(X86BootPlan *plan, X86LinuxKernel *k);
/*
 * x86_boot_plan_drop_vmlinux: - free the unpacked vmlinux once guest RAM
 * holds it (it is the plan's largest buffer); the blobs in it are then
 * unusable until x86_boot_plan_reload_vmlinux().
 */
void x86_boot_plan_drop_vmlinux(X86BootPlan *plan);
/*
 * x86_boot_plan_reload_vmlinux: - unpack the payload again if it was
 * dropped (true at once if it was not); fails only if it no longer
 * unpacks to the same size.
 */
bool x86_boot_plan_reload_vmlinux(X86BootPlan *plan, Error **errp);

/*
 * Fixed low-memory addresses the plans use. All lie in conventional RAM
 * below the EBDA, away from the real-mode IVT and BDA (0-0x500).
 */
#define X86_BOOT_GDT_ADDR       0x500
#define X86_BOOT_ZERO_PAGE_ADDR 0x7000      /* boot_params / hvm_start_info */
#define X86_BOOT_PGTABLE_ADDR   0x9000      /* PML4, PDPT, 4 PDs: 24 KiB */
#define X86_BOOT_REAL_ADDR      0x10000     /* 16-bit setup code */
#define X86_BOOT_CMDLINE_ADDR   0x20000
#define X86_BOOT_CMDLINE_MAX    0x70000     /* up to 0x90000 */
#define X86_BOOT_KERNEL_ADDR    0x100000    /* 1 MiB */
/* Reserved for the machine's firmware tables at the top of low RAM (as
 * QEMU's pc: 128 KiB of ACPI tables plus 32 KiB); keep initrds below. */
#define X86_BOOT_ACPI_DATA_SIZE 0x28000

/* QEMU's boot loader id in the Linux boot protocol (type_of_loader). */
#define X86_LINUX_LOADER_ID     0xb0

/* What a guest-loading setup function is told about the machine. */
typedef struct X86BootLayout {
    uint64_t below_4g_mem_size;
    uint64_t above_4g_mem_size;
    const E820Table *e820;
    /*
     * First byte above the kernel's area that something else uses (ACPI
     * tables...): initrds and modules end below it. 0 means
     * below_4g_mem_size - X86_BOOT_ACPI_DATA_SIZE, QEMU pc's choice.
     */
    uint64_t initrd_ceiling;
    /* Where the ACPI RSDP is, for the zero page and PVH's hvm_start_info
     * (0: the guest searches the BIOS area as on a real PC). */
    uint64_t rsdp_addr;
    /* Enter through the 16-bit setup code even if 64-bit entry exists. */
    bool force_16bit_entry;
} X86BootLayout;

/* ---- Linux ---- */

typedef enum X86LinuxKind {
    X86_LINUX_BZIMAGE,  /* setup code + protected-mode payload ("HdrS") */
    X86_LINUX_ELF,      /* uncompressed vmlinux, ELF64 x86-64 */
} X86LinuxKind;

typedef struct X86ElfSegment {
    uint64_t paddr;
    uint64_t vaddr;     /* as linked; only used to translate the entry */
    uint64_t offset;    /* in the file */
    uint64_t filesz;
    uint64_t memsz;
} X86ElfSegment;

#define X86_ELF_MAX_SEGMENTS 16

/*
 * x86_elf_entry_paddr: - the physical address of an ELF entry point.
 * Loaders jump to physical addresses; a kernel linked with virtual
 * addresses gives a virtual entry, translated through the segment that
 * contains it (as QEMU does). Returns false when no segment contains it.
 */
bool x86_elf_entry_paddr(const X86ElfSegment *segs, unsigned n,
                         uint64_t entry, uint64_t *paddr);

/* x86_elf_add_segment: - append seg; fails past X86_ELF_MAX_SEGMENTS. */
bool x86_elf_add_segment(X86ElfSegment *segs, unsigned *n,
                         const X86ElfSegment *seg, Error **errp);

struct X86LinuxKernel {
    X86LinuxKind kind;
    const uint8_t *file;        /* the caller's buffer, not copied */
    size_t file_size;

    /* bzImage */
    uint16_t protocol;          /* 0x020f for 2.15 */
    unsigned setup_sects;       /* 0 in the file means 4 */
    size_t setup_size;          /* (setup_sects + 1) * 512 */
    size_t header_end;          /* end of the setup header in the file */
    uint8_t loadflags;
    uint16_t xloadflags;        /* 0 before 2.12 */
    bool relocatable;
    uint32_t kernel_alignment;
    uint64_t pref_address;
    uint32_t init_size;         /* memory the kernel needs from its load address */
    uint32_t cmdline_size;      /* longest command line it reads, without NUL */
    uint32_t initrd_addr_max;   /* highest address an initrd byte may have */
    uint32_t code32_start;
    size_t payload_offset;      /* protected-mode kernel in the file */
    size_t payload_size;
    /*
     * The compressed vmlinux inside the protected-mode kernel (boot
     * protocol 2.08+: payload_offset/payload_length of the header), as an
     * offset into the file; packed_size is 0 when the header has none or
     * it does not lie inside the protected-mode kernel.
     */
    size_t packed_offset;
    size_t packed_size;
    /*
     * Set by x86_linux_unpack(): the ELF vmlinux decompressed on the host,
     * owned here (x86_linux_kernel_clear() frees it). The ELF fields
     * below then describe it, and x86_linux_setup() boots it directly.
     */
    uint8_t *vmlinux;
    size_t vmlinux_size;

    /* ELF */
    X86ElfSegment segments[X86_ELF_MAX_SEGMENTS];
    unsigned nr_segments;
    uint64_t elf_entry;         /* physical */
    bool has_pvh_entry;
    uint32_t pvh_entry;         /* XEN_ELFNOTE_PHYS32_ENTRY */
};

/* boot_params ("zero page") offsets, Documentation/arch/x86/boot.rst. */
#define BP_ACPI_RSDP        0x070
#define BP_E820_ENTRIES     0x1e8
#define BP_HDR              0x1f1
#define BP_E820_TABLE       0x2d0
#define BP_E820_MAX         128
#define BP_SIZE             4096

#define LINUX_XLF_KERNEL_64     (1 << 0)
#define LINUX_LOADED_HIGH       0x01
#define LINUX_CAN_USE_HEAP      0x80

/**
 * x86_linux_parse: - recognise a Linux kernel: a bzImage (boot protocol
 * 2.02 or later, loaded high) or an ELF64 vmlinux, with its PVH entry if
 * it has the Xen note. Every field used later is validated against size
 * here. file must outlive out and any plan built from it. Messages do not
 * name the file: the caller reports them under its "-kernel FILE" location.
 */
bool x86_linux_parse(const uint8_t *file, size_t size, X86LinuxKernel *out,
                     Error **errp);

/*
 * x86_linux_parse_elf: - parse an ELF vmlinux at elf into the ELF fields
 * of k (segments, entry, PVH note), leaving the rest of k alone.
 */
bool x86_linux_parse_elf(const uint8_t *elf, size_t size, X86LinuxKernel *k,
                         Error **errp);

/**
 * x86_linux_setup: - plan the boot of a parsed kernel with cmdline and an
 * initrd of initrd_size bytes (0: none). bzImage: 64-bit entry when the
 * kernel offers it (boot protocol 2.12+ with XLF_KERNEL_64), else the
 * 16-bit setup code; a bzImage unpacked by x86_linux_unpack() is entered
 * at its vmlinux's 64-bit entry with the zero page the bzImage would get
 * (unless force_16bit_entry), and the plan points into k->vmlinux (see
 * x86_boot_plan_adopt_vmlinux()). ELF with a PVH note: 32-bit PVH entry
 * with an hvm_start_info; ELF without: 64-bit entry with a synthesized
 * zero page.
 * Fills plan (x86_boot_plan_clear() it afterwards, also on failure).
 */
bool x86_linux_setup(const X86LinuxKernel *k, const X86BootLayout *layout,
                     const char *cmdline, size_t initrd_size, X86BootPlan *plan,
                     Error **errp);

/* ---- Host-side unpacking of a bzImage payload (x86-linux-unpack.c) ---- */

typedef enum X86LinuxPacking {
    X86_PACK_UNKNOWN,
    X86_PACK_NONE,      /* an ELF as it is */
    X86_PACK_GZIP,
    X86_PACK_XZ,
    X86_PACK_BZIP2,
    X86_PACK_LZMA,
    X86_PACK_LZO,
    X86_PACK_LZ4,
    X86_PACK_ZSTD,
} X86LinuxPacking;

/* Largest vmlinux the host unpacks (far above any real kernel). */
#define X86_LINUX_UNPACK_MAX    (512 * MiB)

/* x86_linux_packing: - the compression of a payload, from its magic bytes. */
X86LinuxPacking x86_linux_packing(const uint8_t *data, size_t size);
/* x86_linux_packing_name: - "xz", "gzip"... for messages. */
const char *x86_linux_packing_name(X86LinuxPacking p);
/* x86_linux_can_unpack: - whether this build decompresses p on the host. */
bool x86_linux_can_unpack(X86LinuxPacking p);

/**
 * x86_linux_unpack_payload: - decompress data (a bzImage payload: the
 * compressed stream followed by its decompressed size as 4 bytes little
 * endian, as the kernel's build appends it) into a new buffer of exactly
 * that size, at most X86_LINUX_UNPACK_MAX. Returns NULL with errp set when
 * the packing is not one this build undoes, the size is out of bounds or
 * the stream is damaged or of another size than announced.
 */
uint8_t *x86_linux_unpack_payload(const uint8_t *data, size_t size,
                                  size_t *out_size, Error **errp);

/**
 * x86_linux_unpack: - for a parsed bzImage whose payload is XZ or gzip
 * (as this build allows), decompress it on the host, check that it is an
 * ELF vmlinux and fill k->vmlinux and the ELF fields of k, so that
 * x86_linux_setup() enters the kernel proper and the guest skips its
 * decompressor. Returns true if it did. Returns false, with errp set only
 * when unpacking was tried and failed (a damaged payload), otherwise
 * without: the kernel then boots as it is, decompressing itself.
 */
bool x86_linux_unpack(X86LinuxKernel *k, Error **errp);

/* x86_linux_kernel_clear: - free what k owns (the unpacked vmlinux). */
void x86_linux_kernel_clear(X86LinuxKernel *k);

/*
 * Helpers the multiboot loader shares: little-endian stores, the flat GDT
 * and segment state, and the initrd/module ceiling.
 */
void x86_boot_put_flat_gdt(X86BootPlan *plan, bool long_mode);
uint64_t x86_boot_initrd_ceiling(const X86BootLayout *layout);
/*
 * Puts the ELF segments of file in the plan. Each must lie between 1 MiB
 * and ceiling; the error names a segment "<what> at 0x...".
 */
bool x86_boot_put_elf_segments(X86BootPlan *plan, const uint8_t *file,
                               const X86ElfSegment *segs, unsigned n,
                               uint64_t ceiling, const char *what, Error **errp);
/* Adds a blob; fails only when the plan is full. owned data is freed by
 * x86_boot_plan_clear(), on failure too. */
bool x86_boot_plan_add(X86BootPlan *plan, const char *what, uint64_t addr,
                       const uint8_t *data, size_t size, uint64_t zero_size,
                       bool owned, Error **errp);

#endif
