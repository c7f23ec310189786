/*
 * fw_cfg.h: the QEMU firmware configuration device (docs/specs/fw_cfg.rst):
 * numbered items and named files that the machine fills before the guest
 * runs (RAM size, CPU count, kernel, ACPI tables, e820...) and that the
 * firmware reads through a selector/data port pair or by DMA.
 */
#ifndef HW_NVRAM_FW_CFG_H
#define HW_NVRAM_FW_CFG_H

#include "hw/isa/isa.h"
#include "exec/memory.h"

/* Well-known item keys (the guest ABI). */
#define FW_CFG_SIGNATURE        0x00
#define FW_CFG_ID               0x01
#define FW_CFG_UUID             0x02
#define FW_CFG_RAM_SIZE         0x03
#define FW_CFG_NOGRAPHIC        0x04
#define FW_CFG_NB_CPUS          0x05
#define FW_CFG_MACHINE_ID       0x06
#define FW_CFG_KERNEL_ADDR      0x07
#define FW_CFG_KERNEL_SIZE      0x08
#define FW_CFG_KERNEL_CMDLINE   0x09
#define FW_CFG_INITRD_ADDR      0x0a
#define FW_CFG_INITRD_SIZE      0x0b
#define FW_CFG_BOOT_DEVICE      0x0c
#define FW_CFG_NUMA             0x0d
#define FW_CFG_BOOT_MENU        0x0e
#define FW_CFG_MAX_CPUS         0x0f
#define FW_CFG_KERNEL_ENTRY     0x10
#define FW_CFG_KERNEL_DATA      0x11
#define FW_CFG_INITRD_DATA      0x12
#define FW_CFG_CMDLINE_ADDR     0x13
#define FW_CFG_CMDLINE_SIZE     0x14
#define FW_CFG_CMDLINE_DATA     0x15
#define FW_CFG_SETUP_ADDR       0x16
#define FW_CFG_SETUP_SIZE       0x17
#define FW_CFG_SETUP_DATA       0x18
#define FW_CFG_FILE_DIR         0x19

#define FW_CFG_FILE_FIRST       0x20
/* Files the directory can hold unless x-file-slots says otherwise. */
#define FW_CFG_FILE_SLOTS_DFLT  0x20

#define FW_CFG_WRITE_CHANNEL    0x4000
#define FW_CFG_ARCH_LOCAL       0x8000
#define FW_CFG_ENTRY_MASK       (~(FW_CFG_WRITE_CHANNEL | FW_CFG_ARCH_LOCAL))
#define FW_CFG_INVALID          0xffff

/* x86 arch-local items (FW_CFG_ARCH_LOCAL + n), as QEMU's PC uses them. */
#define FW_CFG_ACPI_TABLES      (FW_CFG_ARCH_LOCAL + 0)
#define FW_CFG_SMBIOS_ENTRIES   (FW_CFG_ARCH_LOCAL + 1)
#define FW_CFG_IRQ0_OVERRIDE    (FW_CFG_ARCH_LOCAL + 2)
#define FW_CFG_E820_TABLE       (FW_CFG_ARCH_LOCAL + 3)
#define FW_CFG_HPET             (FW_CFG_ARCH_LOCAL + 4)

/* FW_CFG_ID feature bits. */
#define FW_CFG_VERSION          0x01
#define FW_CFG_VERSION_DMA      0x02

/* FWCfgDmaAccess.control bits; the selector sits in the upper 16 bits. */
#define FW_CFG_DMA_CTL_ERROR    0x01
#define FW_CFG_DMA_CTL_READ     0x02
#define FW_CFG_DMA_CTL_SKIP     0x04
#define FW_CFG_DMA_CTL_SELECT   0x08
#define FW_CFG_DMA_CTL_WRITE    0x10

/* What a read of the DMA address register returns: "QEMU CFG". */
#define FW_CFG_DMA_SIGNATURE    0x51454d5520434647ULL

#define FW_CFG_MAX_FILE_PATH    56

/* The guest's DMA request in its memory; every field is big-endian. */
typedef struct __attribute__((packed)) FWCfgDmaAccess {
    uint32_t control;
    uint32_t length;
    uint64_t address;
} FWCfgDmaAccess;

/* One directory entry at FW_CFG_FILE_DIR (after a be32 count). */
typedef struct __attribute__((packed)) FWCfgFile {
    uint32_t size;      /* big-endian */
    uint16_t select;    /* big-endian */
    uint16_t reserved;
    char name[FW_CFG_MAX_FILE_PATH];
} FWCfgFile;

#define TYPE_FW_CFG     "fw_cfg"
#define TYPE_FW_CFG_IO  "fw_cfg_io"

typedef struct FWCfgState FWCfgState;
#define FW_CFG(obj) OBJECT_CHECK(FWCfgState, (obj), TYPE_FW_CFG)

/* Called when the guest selects the item (to refresh it lazily). */
typedef void (*FWCfgCallback)(void *opaque);
/* Called after a guest DMA write changed len bytes at offset. */
typedef void (*FWCfgWriteCallback)(void *opaque, uint64_t offset,
                                   uint64_t len);

/*
 * fw_cfg_init_io_dma: - create and realize the device with its selector
 * and data ports at iobase (0x510 on the PC) and, when dma_iobase is
 * non-zero, the DMA address register there (0x514); DMA transfers go to
 * dma_as. The device is /machine/fw_cfg. Aborts on failure (board code).
 */
FWCfgState *fw_cfg_init_io_dma(uint32_t iobase, uint32_t dma_iobase,
                               AddressSpace *dma_as);
/* The machine's fw_cfg device, or NULL. */
FWCfgState *fw_cfg_find(void);
/* Does the device offer the DMA interface? */
bool fw_cfg_dma_enabled(FWCfgState *s);

/*
 * Items. The data is copied: the caller keeps its buffer and may free it
 * as soon as the call returns. Adding a key that already has data replaces
 * it (as fw_cfg_modify_bytes). A key beyond the device's items, or one of
 * the file keys or the directory, is a board bug: reported with
 * error_report(), and the call returns false. The integer helpers store
 * little-endian values, as QEMU does.
 */
bool fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data,
                      size_t len);
bool fw_cfg_add_bytes_callback(FWCfgState *s, uint16_t key,
                               FWCfgCallback select_cb, void *opaque,
                               const void *data, size_t len);
/* A NUL-terminated string, the NUL included. */
bool fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *value);
bool fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value);
bool fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value);
bool fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value);
bool fw_cfg_modify_bytes(FWCfgState *s, uint16_t key, const void *data,
                         size_t len);
bool fw_cfg_modify_string(FWCfgState *s, uint16_t key, const char *value);
bool fw_cfg_modify_i16(FWCfgState *s, uint16_t key, uint16_t value);
bool fw_cfg_modify_i32(FWCfgState *s, uint16_t key, uint32_t value);
bool fw_cfg_modify_i64(FWCfgState *s, uint16_t key, uint64_t value);

/*
 * Files: a named item listed in the directory, which is sorted by name;
 * the file at directory position i has key FW_CFG_FILE_FIRST + i (adding a
 * file may renumber those after it, so add them all before the guest
 * runs). Data is copied as for items. Errors (errp): a name that is empty
 * or too long, a name already present, or no free file slot.
 */
bool fw_cfg_add_file(FWCfgState *s, const char *name, const void *data,
                     size_t len, Error **errp);
/*
 * The general form: select_cb runs when the guest selects the file;
 * unless read_only, the guest may overwrite the file's bytes by DMA and
 * write_cb (may be NULL) is told afterwards.
 */
bool fw_cfg_add_file_callback(FWCfgState *s, const char *name,
                              FWCfgCallback select_cb,
                              FWCfgWriteCallback write_cb, void *opaque,
                              const void *data, size_t len, bool read_only,
                              Error **errp);
/* Replace a file's contents, adding the file if it is not there. */
bool fw_cfg_modify_file(FWCfgState *s, const char *name, const void *data,
                        size_t len, Error **errp);
/* The current contents of a file (the device's copy), or NULL. */
const void *fw_cfg_get_file(FWCfgState *s, const char *name, size_t *len);

#endif
