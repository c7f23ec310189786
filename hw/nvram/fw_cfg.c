/*
 * fw_cfg.c: the QEMU firmware configuration device on I/O ports
 * (fw_cfg_io): a 16-bit selector and an 8-bit data port at 0x510/0x511
 * and the DMA address register at 0x514, serving the items and the file
 * directory that the machine sets up (docs/specs/fw_cfg.rst).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/qdev-properties.h"

#define FW_CFG_DMA_CHUNK 4096

typedef struct FWCfgEntry {
    uint8_t *data;              /* owned by the device */
    uint32_t len;
    bool allow_write;           /* by DMA; the data port never writes */
    FWCfgCallback select_cb;
    FWCfgWriteCallback write_cb;
    void *opaque;
} FWCfgEntry;

struct FWCfgState {
    ISADevice parent_obj;

    /* properties */
    uint32_t iobase;
    uint32_t dma_iobase;
    bool dma_enabled;
    uint16_t file_slots;

    AddressSpace *dma_as;
    MemoryRegion ctl_io;        /* selector (+0) and data (+1) */
    MemoryRegion dma_io;
    bool ctl_mapped, dma_mapped;

    /* FW_CFG_FILE_FIRST + file_slots entries each: [0] generic,
     * [1] arch-local (FW_CFG_ARCH_LOCAL keys). */
    unsigned max_entry;
    FWCfgEntry *entries[2];
    char **file_names;          /* sorted; file i has key FILE_FIRST + i */
    unsigned nr_files;

    uint16_t cur_entry;
    uint32_t cur_offset;
    uint64_t dma_addr;
    bool dma_busy;
};

/* The entry for key, or NULL when the key is out of range. */
static FWCfgEntry *fw_cfg_entry(FWCfgState *s, uint16_t key)
{
    unsigned idx = key & FW_CFG_ENTRY_MASK;

    if (key == FW_CFG_INVALID || !s->entries[0] || idx >= s->max_entry) {
        return NULL;
    }
    return &s->entries[!!(key & FW_CFG_ARCH_LOCAL)][idx];
}

static void fw_cfg_select(FWCfgState *s, uint16_t key)
{
    FWCfgEntry *e = fw_cfg_entry(s, key);

    s->cur_offset = 0;
    if (!e) {
        /* Not a guest error: firmware probes keys, and they read as 0. */
        s->cur_entry = FW_CFG_INVALID;
        return;
    }
    s->cur_entry = key;
    if (e->select_cb) {
        e->select_cb(e->opaque);
    }
}

/* The next byte of the selected item; past its end (or none): 0. */
static uint8_t fw_cfg_read_byte(FWCfgState *s)
{
    FWCfgEntry *e = fw_cfg_entry(s, s->cur_entry);

    if (!e || !e->data || s->cur_offset >= e->len) {
        return 0;
    }
    return e->data[s->cur_offset++];
}

/* ---- selector and data ports ---- */

static uint64_t fw_cfg_ctl_read(void *opaque, hwaddr addr, unsigned size)
{
    /* Either byte of the pair reads data, as QEMU's combined region does. */
    return fw_cfg_read_byte(opaque);
}

static void fw_cfg_ctl_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    FWCfgState *s = opaque;

    if (size == 2 && addr == 0) {
        fw_cfg_select(s, val);
        return;
    }
    /* Data-port writes have been no-ops since QEMU 2.4. */
    qemu_log_mask(LOG_GUEST_ERROR,
                  "fw_cfg: ignored %u-byte write at port offset %u\n",
                  size, (unsigned)addr);
}

static bool fw_cfg_ctl_accepts(void *opaque, hwaddr addr, unsigned size,
                               bool is_write, MemTxAttrs attrs)
{
    return size == 1 || (is_write && size == 2 && addr == 0);
}

static const MemoryRegionOps fw_cfg_ctl_ops = {
    .read = fw_cfg_ctl_read,
    .write = fw_cfg_ctl_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 2,
               .accepts = fw_cfg_ctl_accepts },
    .impl = { .min_access_size = 1, .max_access_size = 2 },
};

/* ---- DMA ---- */

/* Zero guest memory in pieces, stopping at the first failure, so that a
 * huge length over a hole ends at once. */
static bool fw_cfg_dma_zero(FWCfgState *s, uint64_t addr, uint64_t len)
{
    static const uint8_t zeros[FW_CFG_DMA_CHUNK];

    if (addr + len < addr) {
        return false;
    }
    while (len > 0) {
        uint64_t l = MIN(len, (uint64_t)sizeof(zeros));

        if (dma_memory_write(s->dma_as, addr, zeros, l,
                             MEMTXATTRS_UNSPECIFIED) != MEMTX_OK) {
            return false;
        }
        addr += l;
        len -= l;
    }
    return true;
}

/* One request's data phase; returns false when the error bit is due. */
static bool fw_cfg_dma_run(FWCfgState *s, uint32_t control, uint64_t addr,
                           uint32_t length)
{
    bool read = control & FW_CFG_DMA_CTL_READ;
    bool write = !read && (control & FW_CFG_DMA_CTL_WRITE);
    bool skip = !read && !write && (control & FW_CFG_DMA_CTL_SKIP);

    if (!read && !write && !skip) {
        return true;
    }
    while (length > 0) {
        FWCfgEntry *e = fw_cfg_entry(s, s->cur_entry);
        uint64_t chunk;

        if (!e || !e->data || s->cur_offset >= e->len) {
            /* Nothing left: reads see zeros, skips are free. */
            if (write) {
                return false;
            }
            return !read || fw_cfg_dma_zero(s, addr, length);
        }
        chunk = MIN(length, e->len - s->cur_offset);
        if (read) {
            if (dma_memory_write(s->dma_as, addr, e->data + s->cur_offset,
                                 chunk, MEMTXATTRS_UNSPECIFIED) != MEMTX_OK) {
                return false;
            }
        } else if (write) {
            g_autofree uint8_t *buf = NULL;

            /* The whole write must land inside a writable item. */
            if (!e->allow_write || chunk != length) {
                qemu_log_mask(LOG_GUEST_ERROR,
                              "fw_cfg: DMA write to key 0x%x refused\n",
                              s->cur_entry);
                return false;
            }
            /* Read the guest's bytes aside first: a failed read must not
             * leave the item half written. */
            buf = g_malloc(chunk);
            if (dma_memory_read(s->dma_as, addr, buf, chunk,
                                MEMTXATTRS_UNSPECIFIED) != MEMTX_OK) {
                return false;
            }
            memcpy(e->data + s->cur_offset, buf, chunk);
            if (e->write_cb) {
                e->write_cb(e->opaque, s->cur_offset, chunk);
            }
        }
        s->cur_offset += chunk;
        addr += chunk;
        length -= chunk;
    }
    return true;
}

static void fw_cfg_dma_transfer(FWCfgState *s)
{
    uint64_t desc = s->dma_addr;
    FWCfgDmaAccess dma;
    uint32_t control, done;

    s->dma_addr = 0;
    if (s->dma_busy) {
        /* A DMA that reaches our own register: refuse, don't recurse. */
        qemu_log_mask(LOG_GUEST_ERROR, "fw_cfg: re-entrant DMA ignored\n");
        return;
    }
    s->dma_busy = true;
    if (dma_memory_read(s->dma_as, desc, &dma, sizeof(dma),
                        MEMTXATTRS_UNSPECIFIED) != MEMTX_OK) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "fw_cfg: cannot read DMA request at 0x%" PRIx64 "\n",
                      desc);
        done = FW_CFG_DMA_CTL_ERROR;
    } else {
        control = GUINT32_FROM_BE(dma.control);
        if (control & FW_CFG_DMA_CTL_SELECT) {
            fw_cfg_select(s, control >> 16);
        }
        done = fw_cfg_dma_run(s, control, GUINT64_FROM_BE(dma.address),
                              GUINT32_FROM_BE(dma.length))
               ? 0 : FW_CFG_DMA_CTL_ERROR;
    }
    /* Completion is control going to 0 (or to the error bit). */
    done = GUINT32_TO_BE(done);
    if (dma_memory_write(s->dma_as, desc, &done, sizeof(done),
                         MEMTXATTRS_UNSPECIFIED) != MEMTX_OK) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "fw_cfg: cannot complete DMA request at 0x%" PRIx64
                      "\n", desc);
    }
    s->dma_busy = false;
}

static uint64_t fw_cfg_dma_read(void *opaque, hwaddr addr, unsigned size)
{
    /* The register reads as "QEMU CFG" so that firmware can probe it. */
    if (addr + size > 8) {
        return 0;
    }
    return (FW_CFG_DMA_SIGNATURE >> (8 * (8 - addr - size))) &
           (size == 8 ? UINT64_MAX : (UINT64_C(1) << (8 * size)) - 1);
}

static void fw_cfg_dma_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    FWCfgState *s = opaque;

    if (size == 8 && addr == 0) {
        s->dma_addr = val;
        fw_cfg_dma_transfer(s);
    } else if (size == 4 && addr == 0) {
        s->dma_addr = val << 32;
    } else if (size == 4 && addr == 4) {
        /* Writing the low half starts the transfer. */
        s->dma_addr |= (uint32_t)val;
        fw_cfg_dma_transfer(s);
    } else {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "fw_cfg: bad %u-byte DMA register write at %u\n", size,
                      (unsigned)addr);
    }
}

static bool fw_cfg_dma_accepts(void *opaque, hwaddr addr, unsigned size,
                               bool is_write, MemTxAttrs attrs)
{
    return size == 4 || size == 8;
}

static const MemoryRegionOps fw_cfg_dma_ops = {
    .read = fw_cfg_dma_read,
    .write = fw_cfg_dma_write,
    .endianness = DEVICE_BIG_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8,
               .accepts = fw_cfg_dma_accepts },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

/* ---- items ---- */

static bool fw_cfg_check_key(FWCfgState *s, uint16_t key, const char *what)
{
    unsigned idx = key & FW_CFG_ENTRY_MASK;

    if (!s->entries[0]) {
        error_report("fw_cfg: %s of key 0x%x before the device is realized",
                     what, key);
        return false;
    }
    if (idx >= s->max_entry ||
        (!(key & FW_CFG_ARCH_LOCAL) && idx >= FW_CFG_FILE_DIR)) {
        error_report("fw_cfg: %s: key 0x%x is not a numbered item", what,
                     key);
        return false;
    }
    return true;
}

/* Replace e's data with a copy of data (len checked by the caller). */
static void fw_cfg_entry_set(FWCfgEntry *e, const void *data, size_t len)
{
    uint8_t *copy = len ? g_malloc(len) : NULL;

    if (len) {
        memcpy(copy, data, len);
    }
    /* data may point into the old copy (a caller re-adding what it read). */
    g_free(e->data);
    e->data = copy;
    e->len = len;
}

static bool fw_cfg_check_len(size_t len, const char *what)
{
    if (len > UINT32_MAX) {
        error_report("fw_cfg: %s: %zu bytes is too large", what, len);
        return false;
    }
    return true;
}

bool fw_cfg_add_bytes_callback(FWCfgState *s, uint16_t key,
                               FWCfgCallback select_cb, void *opaque,
                               const void *data, size_t len)
{
    FWCfgEntry *e;

    if (!fw_cfg_check_key(s, key, "add") || !fw_cfg_check_len(len, "add")) {
        return false;
    }
    e = fw_cfg_entry(s, key);
    fw_cfg_entry_set(e, data, len);
    e->select_cb = select_cb;
    e->write_cb = NULL;
    e->opaque = opaque;
    e->allow_write = false;
    return true;
}

bool fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data,
                      size_t len)
{
    return fw_cfg_add_bytes_callback(s, key, NULL, NULL, data, len);
}

bool fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *value)
{
    return fw_cfg_add_bytes(s, key, value, strlen(value) + 1);
}

bool fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value)
{
    uint16_t le = GUINT16_TO_LE(value);

    return fw_cfg_add_bytes(s, key, &le, sizeof(le));
}

bool fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value)
{
    uint32_t le = GUINT32_TO_LE(value);

    return fw_cfg_add_bytes(s, key, &le, sizeof(le));
}

bool fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value)
{
    uint64_t le = GUINT64_TO_LE(value);

    return fw_cfg_add_bytes(s, key, &le, sizeof(le));
}

/* Modify keeps the callbacks the item was added with. */
bool fw_cfg_modify_bytes(FWCfgState *s, uint16_t key, const void *data,
                         size_t len)
{
    if (!fw_cfg_check_key(s, key, "modify") ||
        !fw_cfg_check_len(len, "modify")) {
        return false;
    }
    fw_cfg_entry_set(fw_cfg_entry(s, key), data, len);
    return true;
}

bool fw_cfg_modify_string(FWCfgState *s, uint16_t key, const char *value)
{
    return fw_cfg_modify_bytes(s, key, value, strlen(value) + 1);
}

bool fw_cfg_modify_i16(FWCfgState *s, uint16_t key, uint16_t value)
{
    uint16_t le = GUINT16_TO_LE(value);

    return fw_cfg_modify_bytes(s, key, &le, sizeof(le));
}

bool fw_cfg_modify_i32(FWCfgState *s, uint16_t key, uint32_t value)
{
    uint32_t le = GUINT32_TO_LE(value);

    return fw_cfg_modify_bytes(s, key, &le, sizeof(le));
}

bool fw_cfg_modify_i64(FWCfgState *s, uint16_t key, uint64_t value)
{
    uint64_t le = GUINT64_TO_LE(value);

    return fw_cfg_modify_bytes(s, key, &le, sizeof(le));
}

/* ---- files ---- */

/* Rebuild the FW_CFG_FILE_DIR item from the file entries. */
static void fw_cfg_update_dir(FWCfgState *s)
{
    size_t len = sizeof(uint32_t) + s->nr_files * sizeof(FWCfgFile);
    uint8_t *dir = g_malloc0(len);
    uint32_t count = GUINT32_TO_BE(s->nr_files);
    FWCfgFile *f = (FWCfgFile *)(dir + sizeof(uint32_t));
    FWCfgEntry *e = &s->entries[0][FW_CFG_FILE_DIR];

    memcpy(dir, &count, sizeof(count));
    for (unsigned i = 0; i < s->nr_files; i++) {
        f[i].size = GUINT32_TO_BE(s->entries[0][FW_CFG_FILE_FIRST + i].len);
        f[i].select = GUINT16_TO_BE(FW_CFG_FILE_FIRST + i);
        g_strlcpy(f[i].name, s->file_names[i], sizeof(f[i].name));
    }
    g_free(e->data);
    e->data = dir;
    e->len = len;
}

/* The position of name in the sorted list, or where it would go. */
static unsigned fw_cfg_file_pos(FWCfgState *s, const char *name, bool *found)
{
    unsigned lo = 0, hi = s->nr_files;

    *found = false;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        int c = strcmp(s->file_names[mid], name);

        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

bool fw_cfg_add_file_callback(FWCfgState *s, const char *name,
                              FWCfgCallback select_cb,
                              FWCfgWriteCallback write_cb, void *opaque,
                              const void *data, size_t len, bool read_only,
                              Error **errp)
{
    FWCfgEntry *files;
    unsigned pos;
    bool found;

    if (!s->entries[0]) {
        error_setg(errp, "fw_cfg: file '%s' added before realize", name);
        return false;
    }
    if (!name[0] || strlen(name) >= FW_CFG_MAX_FILE_PATH) {
        error_setg(errp, "fw_cfg: invalid file name '%s'", name);
        return false;
    }
    if (len > UINT32_MAX) {
        error_setg(errp, "fw_cfg: file '%s' is too large", name);
        return false;
    }
    pos = fw_cfg_file_pos(s, name, &found);
    if (found) {
        error_setg(errp, "fw_cfg: duplicate fw_cfg file name: %s", name);
        return false;
    }
    if (s->nr_files >= s->file_slots) {
        error_setg(errp, "fw_cfg: no more file slots for '%s' (%u in use)",
                   name, s->nr_files);
        return false;
    }
    /* Keep keys in name order: shift the later files up one key. */
    files = &s->entries[0][FW_CFG_FILE_FIRST];
    memmove(&files[pos + 1], &files[pos],
            (s->nr_files - pos) * sizeof(*files));
    memmove(&s->file_names[pos + 1], &s->file_names[pos],
            (s->nr_files - pos) * sizeof(*s->file_names));
    memset(&files[pos], 0, sizeof(*files));
    fw_cfg_entry_set(&files[pos], data, len);
    files[pos].select_cb = select_cb;
    files[pos].write_cb = write_cb;
    files[pos].opaque = opaque;
    files[pos].allow_write = !read_only;
    s->file_names[pos] = g_strdup(name);
    s->nr_files++;
    fw_cfg_update_dir(s);
    return true;
}

bool fw_cfg_add_file(FWCfgState *s, const char *name, const void *data,
                     size_t len, Error **errp)
{
    return fw_cfg_add_file_callback(s, name, NULL, NULL, NULL, data, len,
                                    true, errp);
}

bool fw_cfg_modify_file(FWCfgState *s, const char *name, const void *data,
                        size_t len, Error **errp)
{
    unsigned pos;
    bool found;

    if (!s->entries[0]) {
        error_setg(errp, "fw_cfg: file '%s' modified before realize", name);
        return false;
    }
    pos = fw_cfg_file_pos(s, name, &found);
    if (!found) {
        return fw_cfg_add_file(s, name, data, len, errp);
    }
    if (len > UINT32_MAX) {
        error_setg(errp, "fw_cfg: file '%s' is too large", name);
        return false;
    }
    fw_cfg_entry_set(&s->entries[0][FW_CFG_FILE_FIRST + pos], data, len);
    fw_cfg_update_dir(s);
    return true;
}

const void *fw_cfg_get_file(FWCfgState *s, const char *name, size_t *len)
{
    FWCfgEntry *e;
    unsigned pos;
    bool found;

    if (!s->entries[0]) {
        return NULL;
    }
    pos = fw_cfg_file_pos(s, name, &found);
    if (!found) {
        return NULL;
    }
    e = &s->entries[0][FW_CFG_FILE_FIRST + pos];
    if (len) {
        *len = e->len;
    }
    return e->data;
}

/* ---- the device ---- */

bool fw_cfg_dma_enabled(FWCfgState *s)
{
    return s->dma_enabled;
}

static void fw_cfg_realize(DeviceState *dev, Error **errp)
{
    FWCfgState *s = FW_CFG(dev);
    static const uint8_t uuid[16];
    uint32_t id = FW_CFG_VERSION;

    if (s->iobase > 0xfffe) {
        error_setg(errp, "fw_cfg: iobase 0x%x is beyond the I/O space",
                   s->iobase);
        return;
    }
    if (s->dma_enabled && s->dma_iobase > 0xfff8) {
        error_setg(errp, "fw_cfg: dma_iobase 0x%x is beyond the I/O space",
                   s->dma_iobase);
        return;
    }
    /* Keys must stay below the write-channel bit. */
    if (s->file_slots < 0x10 ||
        s->file_slots > FW_CFG_WRITE_CHANNEL - FW_CFG_FILE_FIRST) {
        error_setg(errp, "fw_cfg: x-file-slots must be between 16 and %u",
                   FW_CFG_WRITE_CHANNEL - FW_CFG_FILE_FIRST);
        return;
    }
    if (!s->dma_as) {
        s->dma_as = &address_space_memory;
    }
    s->max_entry = FW_CFG_FILE_FIRST + s->file_slots;
    s->entries[0] = g_new0(FWCfgEntry, s->max_entry);
    s->entries[1] = g_new0(FWCfgEntry, s->max_entry);
    s->file_names = g_new0(char *, s->file_slots);

    memory_region_init_io(&s->ctl_io, OBJECT(s), &fw_cfg_ctl_ops, s,
                          "fwcfg", 2);
    isa_register_ioport(&s->parent_obj, &s->ctl_io, s->iobase);
    s->ctl_mapped = true;
    if (s->dma_enabled) {
        memory_region_init_io(&s->dma_io, OBJECT(s), &fw_cfg_dma_ops, s,
                              "fwcfg.dma", 8);
        isa_register_ioport(&s->parent_obj, &s->dma_io, s->dma_iobase);
        s->dma_mapped = true;
        id |= FW_CFG_VERSION_DMA;
    }

    fw_cfg_add_bytes(s, FW_CFG_SIGNATURE, "QEMU", 4);
    fw_cfg_add_i32(s, FW_CFG_ID, id);
    fw_cfg_add_bytes(s, FW_CFG_UUID, uuid, sizeof(uuid));
    fw_cfg_add_i16(s, FW_CFG_NOGRAPHIC, 0);
    fw_cfg_add_i16(s, FW_CFG_BOOT_MENU, 0);
    fw_cfg_update_dir(s);
    fw_cfg_select(s, FW_CFG_SIGNATURE);
}

static void fw_cfg_unrealize(DeviceState *dev)
{
    FWCfgState *s = FW_CFG(dev);

    if (s->ctl_mapped) {
        isa_unregister_ioport(&s->parent_obj, &s->ctl_io);
        s->ctl_mapped = false;
    }
    if (s->dma_mapped) {
        isa_unregister_ioport(&s->parent_obj, &s->dma_io);
        s->dma_mapped = false;
    }
}

static void fw_cfg_reset(DeviceState *dev)
{
    FWCfgState *s = FW_CFG(dev);

    s->dma_addr = 0;
    fw_cfg_select(s, FW_CFG_SIGNATURE);
}

static void fw_cfg_finalize(Object *obj)
{
    FWCfgState *s = FW_CFG(obj);

    for (unsigned arch = 0; arch < 2; arch++) {
        for (unsigned i = 0; s->entries[arch] && i < s->max_entry; i++) {
            g_free(s->entries[arch][i].data);
        }
        g_free(s->entries[arch]);
    }
    for (unsigned i = 0; i < s->nr_files; i++) {
        g_free(s->file_names[i]);
    }
    g_free(s->file_names);
    if (s->ctl_io.initialized) {
        memory_region_destroy(&s->ctl_io);
    }
    if (s->dma_io.initialized) {
        memory_region_destroy(&s->dma_io);
    }
}

static Property fw_cfg_io_properties[] = {
    DEFINE_PROP_UINT32("iobase", FWCfgState, iobase, 0x510),
    DEFINE_PROP_UINT32("dma_iobase", FWCfgState, dma_iobase, 0x514),
    DEFINE_PROP_BOOL("dma_enabled", FWCfgState, dma_enabled, true),
    DEFINE_PROP_UINT16("x-file-slots", FWCfgState, file_slots,
                       FW_CFG_FILE_SLOTS_DFLT),
    DEFINE_PROP_END_OF_LIST(),
};

static void fw_cfg_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = fw_cfg_realize;
    dc->unrealize = fw_cfg_unrealize;
    dc->reset = fw_cfg_reset;
    /* Board-only: the machine creates it and fills it. */
    dc->user_creatable = false;
    device_class_set_category(dc, DEVICE_CATEGORY_MISC);
}

static void fw_cfg_io_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "QEMU firmware configuration device (I/O ports)";
    device_class_set_props(dc, fw_cfg_io_properties);
}

static const TypeInfo fw_cfg_types[] = {
    {
        .name = TYPE_FW_CFG,
        .parent = TYPE_ISA_DEVICE,
        .instance_size = sizeof(FWCfgState),
        .instance_finalize = fw_cfg_finalize,
        .abstract = true,
        .class_init = fw_cfg_class_init,
    },
    {
        .name = TYPE_FW_CFG_IO,
        .parent = TYPE_FW_CFG,
        .class_init = fw_cfg_io_class_init,
    },
};

DEFINE_TYPES(fw_cfg_types)

FWCfgState *fw_cfg_find(void)
{
    Object *o = object_resolve_path_component(qdev_get_machine(), "fw_cfg");

    return o ? (FWCfgState *)object_dynamic_cast(o, TYPE_FW_CFG) : NULL;
}

FWCfgState *fw_cfg_init_io_dma(uint32_t iobase, uint32_t dma_iobase,
                               AddressSpace *dma_as)
{
    DeviceState *dev = qdev_new(TYPE_FW_CFG_IO);
    FWCfgState *s = FW_CFG(dev);
    Object *machine = qdev_get_machine();

    qdev_prop_set_uint32(dev, "iobase", iobase);
    qdev_prop_set_uint32(dev, "dma_iobase", dma_iobase);
    qdev_prop_set_bit(dev, "dma_enabled", dma_iobase != 0 && dma_as);
    s->dma_as = dma_as;
    /* /machine/fw_cfg, where QEMU puts it (and fw_cfg_find looks). */
    if (!object_resolve_path_component(machine, "fw_cfg")) {
        object_property_add_child(machine, "fw_cfg", OBJECT(dev),
                                  &error_abort);
    }
    qdev_realize_and_unref(dev, NULL, &error_abort);
    return s;
}
