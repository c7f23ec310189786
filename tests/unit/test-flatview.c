/*
 * test-flatview.c: unit tests of flattening region trees (priorities,
 * aliases, disabled regions, nested containers, merging) and of what
 * memory listeners are told when the view changes or on registration.
 */
#include "qemu/osdep.h"
#include "exec/memory.h"

/* Regions of one scenario; destroyed in reverse order afterwards. */
typedef struct Scene {
    MemoryRegion root;
    MemoryRegion r[8];
    unsigned n;
    uint8_t *backing;
    AddressSpace as;
} Scene;

static void scene_init(Scene *s)
{
    memset(s, 0, sizeof(*s));
    s->backing = g_malloc0(1 * MiB);
    memory_region_init(&s->root, NULL, "root", UINT64_MAX);
    address_space_init(&s->as, &s->root, "test");
}

static MemoryRegion *ram(Scene *s, const char *name, uint64_t size)
{
    MemoryRegion *mr = &s->r[s->n++];

    memory_region_init_ram_ptr(mr, NULL, name, size, s->backing);
    return mr;
}

static MemoryRegion *io(Scene *s, const char *name, uint64_t size)
{
    static const MemoryRegionOps no_ops;
    MemoryRegion *mr = &s->r[s->n++];

    memory_region_init_io(mr, NULL, &no_ops, NULL, name, size);
    return mr;
}

static MemoryRegion *box(Scene *s, const char *name, uint64_t size)
{
    MemoryRegion *mr = &s->r[s->n++];

    memory_region_init(mr, NULL, name, size);
    return mr;
}

static MemoryRegion *alias(Scene *s, const char *name, MemoryRegion *orig,
                           hwaddr offset, uint64_t size)
{
    MemoryRegion *mr = &s->r[s->n++];

    memory_region_init_alias(mr, NULL, name, orig, offset, size);
    return mr;
}

static void scene_cleanup(Scene *s)
{
    address_space_destroy(&s->as);
    /* Leaves first: a region must be out of its container to go. */
    for (unsigned i = s->n; i-- > 0;) {
        if (s->r[i].container) {
            memory_region_del_subregion(s->r[i].container, &s->r[i]);
        }
    }
    for (unsigned i = s->n; i-- > 0;) {
        memory_region_destroy(&s->r[i]);
    }
    memory_region_destroy(&s->root);
    g_free(s->backing);
}

/* "start-end name@offset[ ro]" per range, joined by "; ". */
static char *flat_string(AddressSpace *as)
{
    FlatView *fv = address_space_get_flatview(as);
    GString *out = g_string_new("");

    for (unsigned i = 0; i < flatview_nr_ranges(fv); i++) {
        MemoryRegionSection sec = flatview_range(fv, i);

        g_string_append_printf(out, "%s%" PRIx64 "-%" PRIx64 " %s@%" PRIx64
                               "%s", i ? "; " : "",
                               sec.offset_within_address_space,
                               sec.offset_within_address_space +
                                   int128_get64(sec.size - 1),
                               memory_region_name(sec.mr),
                               sec.offset_within_region,
                               sec.readonly ? " ro" : "");
    }
    flatview_unref(fv);
    return g_string_free(out, false);
}

/* ---- the scenario table ---- */

static void sc_disjoint(Scene *s)
{
    memory_region_add_subregion(&s->root, 0x1000, ram(s, "a", 0x1000));
    memory_region_add_subregion(&s->root, 0x3000, io(s, "b", 0x100));
}

static void sc_priority(Scene *s)
{
    memory_region_add_subregion_overlap(&s->root, 0, ram(s, "low", 0x1000), 0);
    memory_region_add_subregion_overlap(&s->root, 0x800, io(s, "high", 0x100),
                                        1);
}

static void sc_priority_added_first(Scene *s)
{
    /* The order of adding does not beat priority. */
    memory_region_add_subregion_overlap(&s->root, 0x800, io(s, "high", 0x100),
                                        1);
    memory_region_add_subregion_overlap(&s->root, 0, ram(s, "low", 0x1000), 0);
}

static void sc_equal_later_wins(Scene *s)
{
    memory_region_add_subregion_overlap(&s->root, 0, io(s, "first", 0x200), 0);
    memory_region_add_subregion_overlap(&s->root, 0x100, io(s, "second", 0x200),
                                        0);
}

static void sc_negative_priority(Scene *s)
{
    memory_region_add_subregion_overlap(&s->root, 0, io(s, "bg", 0x10000), -1);
    memory_region_add_subregion(&s->root, 0x2000, ram(s, "fg", 0x1000));
}

static void sc_container_falls_through(Scene *s)
{
    MemoryRegion *c = box(s, "pci", 0x1000);

    memory_region_add_subregion_overlap(&s->root, 0, ram(s, "ram", 0x1000), 0);
    memory_region_add_subregion(c, 0x100, io(s, "bar", 0x100));
    memory_region_add_subregion_overlap(&s->root, 0, c, 1);
}

static void sc_alias(Scene *s)
{
    MemoryRegion *big = ram(s, "big", 0x10000);

    memory_region_add_subregion(&s->root, 0x5000,
                                alias(s, "win", big, 0x2000, 0x1000));
}

static void sc_alias_clipped(Scene *s)
{
    /* A window larger than its target shows only the target. */
    MemoryRegion *small = io(s, "small", 0x100);

    memory_region_add_subregion(&s->root, 0x1000,
                                alias(s, "wide", small, 0x80, 0x1000));
}

static void sc_alias_of_alias(Scene *s)
{
    MemoryRegion *big = ram(s, "big", 0x10000);
    MemoryRegion *a1 = alias(s, "a1", big, 0x1000, 0x4000);

    memory_region_add_subregion(&s->root, 0x0, alias(s, "a2", a1, 0x800, 0x800));
}

static void sc_disabled(Scene *s)
{
    MemoryRegion *hi = io(s, "hi", 0x100);

    memory_region_add_subregion_overlap(&s->root, 0, ram(s, "ram", 0x1000), 0);
    memory_region_add_subregion_overlap(&s->root, 0x100, hi, 5);
    memory_region_set_enabled(hi, false);
}

static void sc_nested(Scene *s)
{
    MemoryRegion *outer = box(s, "outer", 0x10000);
    MemoryRegion *inner = box(s, "inner", 0x1000);

    memory_region_add_subregion(&s->root, 0x100000, outer);
    memory_region_add_subregion(outer, 0x2000, inner);
    memory_region_add_subregion(inner, 0x10, io(s, "dev", 0x10));
    /* Sticks out of inner: clipped to it. */
    memory_region_add_subregion(inner, 0xff0, io(s, "edge", 0x100));
}

static void sc_merge_aliases(Scene *s)
{
    /* Two windows continuing one RAM region become one range (one slot). */
    MemoryRegion *big = ram(s, "big", 0x10000);

    memory_region_add_subregion(&s->root, 0x0, alias(s, "lo", big, 0, 0x1000));
    memory_region_add_subregion(&s->root, 0x1000,
                                alias(s, "hi", big, 0x1000, 0x1000));
}

static void sc_readonly(Scene *s)
{
    MemoryRegion *r = ram(s, "bios", 0x1000);

    memory_region_set_readonly(r, true);
    memory_region_add_subregion(&s->root, 0xf000, r);
}

static void sc_top_of_space(Scene *s)
{
    memory_region_add_subregion(&s->root, 0xfffffffffffff000ULL,
                                ram(s, "top", 0x1000));
}

static void sc_moved(Scene *s)
{
    MemoryRegion *r = ram(s, "r", 0x1000);

    memory_region_add_subregion(&s->root, 0x1000, r);
    memory_region_set_address(r, 0x8000);
    memory_region_set_size(r, 0x800);
}

typedef struct Scenario {
    const char *name;
    void (*build)(Scene *s);
    const char *expect;
} Scenario;

static const Scenario scenarios[] = {
    { "disjoint", sc_disjoint, "1000-1fff a@0; 3000-30ff b@0" },
    { "priority", sc_priority,
      "0-7ff low@0; 800-8ff high@0; 900-fff low@900" },
    { "priority-added-first", sc_priority_added_first,
      "0-7ff low@0; 800-8ff high@0; 900-fff low@900" },
    { "equal-later-wins", sc_equal_later_wins,
      "0-ff first@0; 100-2ff second@0" },
    { "negative-priority", sc_negative_priority,
      "0-1fff bg@0; 2000-2fff fg@0; 3000-ffff bg@3000" },
    { "container-falls-through", sc_container_falls_through,
      "0-ff ram@0; 100-1ff bar@0; 200-fff ram@200" },
    { "alias", sc_alias, "5000-5fff big@2000" },
    { "alias-clipped", sc_alias_clipped, "1000-107f small@80" },
    { "alias-of-alias", sc_alias_of_alias, "0-7ff big@1800" },
    { "disabled", sc_disabled, "0-fff ram@0" },
    { "nested", sc_nested,
      "102010-10201f dev@0; 102ff0-102fff edge@0" },
    { "merge-aliases", sc_merge_aliases, "0-1fff big@0" },
    { "readonly", sc_readonly, "f000-ffff bios@0 ro" },
    { "top-of-space", sc_top_of_space,
      "fffffffffffff000-ffffffffffffffff top@0" },
    { "moved-and-resized", sc_moved, "8000-87ff r@0" },
};

static void test_scenario(gconstpointer data)
{
    const Scenario *sc = data;
    g_autofree char *got = NULL;
    Scene s;

    scene_init(&s);
    sc->build(&s);
    got = flat_string(&s.as);
    g_assert_cmpstr(got, ==, sc->expect);
    scene_cleanup(&s);
}

static void test_lookup(void)
{
    Scene s;
    FlatView *fv;
    MemoryRegionSection sec;

    scene_init(&s);
    sc_priority(&s);
    fv = address_space_get_flatview(&s.as);
    sec = memory_region_find_flat(fv, 0x950);
    g_assert_cmpstr(memory_region_name(sec.mr), ==, "low");
    g_assert_cmphex(sec.offset_within_region, ==, 0x950);
    g_assert_cmphex(int128_get64(sec.size), ==, 0x1000 - 0x950);
    sec = memory_region_find_flat(fv, 0x8ff);
    g_assert_cmpstr(memory_region_name(sec.mr), ==, "high");
    g_assert_cmphex(int128_get64(sec.size), ==, 1);
    sec = memory_region_find_flat(fv, 0x1000);
    g_assert_null(sec.mr);
    g_assert_cmphex(int128_get64(sec.size), ==, 0ULL - 0x1000);
    flatview_unref(fv);
    scene_cleanup(&s);
}

/* ---- listeners ---- */

typedef struct Recorder {
    MemoryListener listener;
    GString *log;
    const char *tag;
} Recorder;

static void rec_event(MemoryListener *l, const char *what,
                      MemoryRegionSection *sec)
{
    Recorder *r = container_of(l, Recorder, listener);

    g_string_append_printf(r->log, "%s%s %" PRIx64 "-%" PRIx64 " %s@%"
                           PRIx64 ";", r->tag, what,
                           sec->offset_within_address_space,
                           sec->offset_within_address_space +
                               int128_get64(sec->size - 1),
                           memory_region_name(sec->mr),
                           sec->offset_within_region);
}

static void rec_add(MemoryListener *l, MemoryRegionSection *sec)
{
    rec_event(l, "add", sec);
}

static void rec_del(MemoryListener *l, MemoryRegionSection *sec)
{
    rec_event(l, "del", sec);
}

static void rec_log_start(MemoryListener *l, MemoryRegionSection *sec,
                          int old, int new)
{
    rec_event(l, "log_start", sec);
}

static void rec_log_stop(MemoryListener *l, MemoryRegionSection *sec,
                         int old, int new)
{
    rec_event(l, "log_stop", sec);
}

static void rec_begin(MemoryListener *l)
{
    Recorder *r = container_of(l, Recorder, listener);

    g_string_append_printf(r->log, "%sbegin;", r->tag);
}

static void rec_commit(MemoryListener *l)
{
    Recorder *r = container_of(l, Recorder, listener);

    g_string_append_printf(r->log, "%scommit;", r->tag);
}

static void recorder_init(Recorder *r, GString *log, const char *tag,
                          unsigned priority)
{
    *r = (Recorder) {
        .listener = {
            .begin = rec_begin, .commit = rec_commit,
            .region_add = rec_add, .region_del = rec_del,
            .log_start = rec_log_start, .log_stop = rec_log_stop,
            .name = tag, .priority = priority,
        },
        .log = log, .tag = tag,
    };
}

static void expect_log(GString *log, const char *expect)
{
    g_assert_cmpstr(log->str, ==, expect);
    g_string_truncate(log, 0);
}

static void test_listener_sequences(void)
{
    g_autoptr(GString) log = g_string_new("");
    Recorder rec;
    Scene s;
    MemoryRegion *r, *hole;

    scene_init(&s);
    r = ram(&s, "ram", 0x2000);
    memory_region_add_subregion(&s.root, 0x10000, r);

    /* Registration replays what is there. */
    recorder_init(&rec, log, "", 0);
    memory_listener_register(&rec.listener, &s.as);
    expect_log(log, "begin;add 10000-11fff ram@0;commit;");

    /* A move is the old range deleted, then the new one added. */
    memory_region_set_address(r, 0x40000);
    expect_log(log, "begin;del 10000-11fff ram@0;add 40000-41fff ram@0;"
               "commit;");

    /* Something on top splits the range: one del, three adds. */
    hole = io(&s, "mmio", 0x1000);
    memory_region_add_subregion_overlap(&s.root, 0x40800, hole, 1);
    expect_log(log, "begin;del 40000-41fff ram@0;add 40000-407ff ram@0;"
               "add 40800-417ff mmio@0;add 41800-41fff ram@1800;commit;");

    /* Disabling it joins the range again. */
    memory_region_set_enabled(hole, false);
    expect_log(log, "begin;del 40000-407ff ram@0;del 40800-417ff mmio@0;"
               "del 41800-41fff ram@1800;add 40000-41fff ram@0;commit;");

    /* Dirty logging is a change of the same range. */
    memory_region_set_log(r, true, DIRTY_MEMORY_MIGRATION);
    expect_log(log, "begin;log_start 40000-41fff ram@0;commit;");
    memory_region_set_log(r, false, DIRTY_MEMORY_MIGRATION);
    expect_log(log, "begin;log_stop 40000-41fff ram@0;commit;");

    /* A transaction publishes several changes as one difference. */
    memory_region_transaction_begin();
    memory_region_set_address(r, 0x80000);
    memory_region_set_address(r, 0x40000);
    memory_region_transaction_commit();
    expect_log(log, "begin;commit;");

    /* Unregistering takes everything away. */
    memory_listener_unregister(&rec.listener);
    expect_log(log, "begin;del 40000-41fff ram@0;commit;");
    memory_region_set_address(r, 0);
    expect_log(log, "");
    scene_cleanup(&s);
}

static void test_listener_priority(void)
{
    g_autoptr(GString) log = g_string_new("");
    Recorder a, b, c;
    Scene s;
    MemoryRegion *r;

    scene_init(&s);
    r = ram(&s, "ram", 0x1000);
    recorder_init(&b, log, "B", 20);
    recorder_init(&a, log, "A", 10);
    recorder_init(&c, log, "C", 20);
    memory_listener_register(&b.listener, &s.as);
    memory_listener_register(&a.listener, &s.as);
    memory_listener_register(&c.listener, &s.as);
    expect_log(log, "Bbegin;Bcommit;Abegin;Acommit;Cbegin;Ccommit;");

    memory_region_add_subregion(&s.root, 0, r);
    expect_log(log, "Abegin;Bbegin;Cbegin;Aadd 0-fff ram@0;Badd 0-fff ram@0;"
               "Cadd 0-fff ram@0;Acommit;Bcommit;Ccommit;");
    memory_region_del_subregion(&s.root, r);
    expect_log(log, "Abegin;Bbegin;Cbegin;Cdel 0-fff ram@0;Bdel 0-fff ram@0;"
               "Adel 0-fff ram@0;Acommit;Bcommit;Ccommit;");
    scene_cleanup(&s);
    /* Destroying the space unregisters what is left. */
    g_assert_null(a.listener.address_space);
    g_assert_null(c.listener.address_space);
}

/* An owner is kept alive while its region is mapped. */
static void test_owner_refcount(void)
{
    Object *owner = object_new(TYPE_CONTAINER);
    MemoryRegion mr;
    Scene s;

    scene_init(&s);
    memory_region_init_io(&mr, owner, NULL, NULL, "owned", 0x100);
    g_assert_cmpint(owner->ref, ==, 1);
    memory_region_add_subregion(&s.root, 0, &mr);
    /* One for the container, one for the current view. */
    g_assert_cmpint(owner->ref, ==, 3);
    memory_region_del_subregion(&s.root, &mr);
    g_assert_cmpint(owner->ref, ==, 1);
    memory_region_destroy(&mr);
    object_unref(owner);
    scene_cleanup(&s);
}

static void test_system_spaces(void)
{
    uint32_t v;
    MemTxResult r;

    g_assert_cmpstr(memory_region_name(get_system_memory()), ==, "system");
    g_assert_cmpuint(memory_region_size(get_system_memory()), ==, UINT64_MAX);
    g_assert_cmpstr(address_space_io.name, ==, "I/O");
    /* A port with nothing behind it floats high. */
    v = address_space_ldl_le(&address_space_io, 0x80, MEMTXATTRS_UNSPECIFIED,
                             &r);
    g_assert_cmphex(v, ==, 0xffffffff);
    g_assert_cmpuint(r, ==, MEMTX_OK);
    /* Unassigned memory reads as zero, with a decode error. */
    v = address_space_ldl_le(&address_space_memory, 0x1000,
                             MEMTXATTRS_UNSPECIFIED, &r);
    g_assert_cmphex(v, ==, 0);
    g_assert_cmpuint(r, ==, MEMTX_DECODE_ERROR);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (unsigned i = 0; i < ARRAY_SIZE(scenarios); i++) {
        g_autofree char *path = g_strdup_printf("/flatview/scenario/%s",
                                                scenarios[i].name);

        g_test_add_data_func(path, &scenarios[i], test_scenario);
    }
    g_test_add_func("/flatview/lookup", test_lookup);
    g_test_add_func("/flatview/listener/sequences", test_listener_sequences);
    g_test_add_func("/flatview/listener/priority", test_listener_priority);
    g_test_add_func("/flatview/owner-refcount", test_owner_refcount);
    g_test_add_func("/flatview/system-spaces", test_system_spaces);
    return g_test_run();
}
