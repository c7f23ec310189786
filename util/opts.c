/*
 * opts.c: QemuOpts, the "key=value,key=value" option lists behind -drive,
 * -chardev, -m and friends. Parsing, typed validation, id rules, merged
 * lists and help output. It knows nothing about what the options mean;
 * the consumers (vl.c, chardev, block) read the values back.
 */
#include "qemu/osdep.h"
#include "qemu/opts.h"
#include "qemu/cutils.h"

struct QemuOpt {
    char *name;
    char *str;
    const QemuOptDesc *desc;    /* NULL in lists that accept any key */
    union {
        bool boolean;
        uint64_t uint;
    } value;
};

struct QemuOpts {
    char *id;
    QemuOptsList *list;
    GPtrArray *opts;            /* of QemuOpt, in the order given */
};

#define OPTS_ID_HINT \
    "Identifiers consist of letters, digits, '-', '.', '_', " \
    "starting with a letter.\n"

/* --- typed values -------------------------------------------------------- */

bool qemu_parse_bool(const char *name, const char *value, bool *ret,
                     Error **errp)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };

    for (size_t i = 0; value && i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(value, yes[i])) {
            *ret = true;
            return true;
        }
        if (!strcmp(value, no[i])) {
            *ret = false;
            return true;
        }
    }
    error_setg(errp, "Parameter '%s' expects 'on' or 'off'", name);
    return false;
}

bool qemu_parse_number(const char *name, const char *value, uint64_t *ret,
                       Error **errp)
{
    const char *s = value ? value : "";
    uint64_t v;
    int err;

    while (g_ascii_isspace(*s)) {
        s++;
    }
    /* strtoull would wrap "-1" to 2^64-1; a negative count is a mistake. */
    err = *s == '-' ? -EINVAL : qemu_strtou64(s, NULL, 0, &v);
    if (err == -ERANGE) {
        error_setg(errp, "Value '%s' is too large for parameter '%s'",
                   value, name);
        return false;
    }
    if (err) {
        error_setg(errp, "Parameter '%s' expects a number", name);
        return false;
    }
    *ret = v;
    return true;
}

bool qemu_parse_size(const char *name, const char *value, uint64_t *ret,
                     Error **errp)
{
    uint64_t v;
    int err = qemu_strtosz(value ? value : "", NULL, &v);

    if (err == -ERANGE) {
        error_setg(errp, "Value '%s' is out of range for parameter '%s'",
                   value, name);
        return false;
    }
    if (err) {
        error_setg(errp, "Parameter '%s' expects a non-negative number "
                   "below 2^64", name);
        error_append_hint(errp, "Optional suffix k, M, G, T, P or E means "
                          "kilo-, mega-, giga-, tera-, peta-\n"
                          "and exabytes, respectively.\n");
        return false;
    }
    *ret = v;
    return true;
}

int qemu_strtosz_suffix(const char *nptr, char default_suffix,
                        uint64_t *result)
{
    return qemu_strtosz_full(nptr, NULL, default_suffix, result);
}

/* --- single options ------------------------------------------------------ */

static bool opts_accepts_any(const QemuOptsList *list)
{
    return list->desc[0].name == NULL;
}

static const QemuOptDesc *opts_find_desc(const QemuOptsList *list,
                                         const char *name)
{
    for (const QemuOptDesc *d = list->desc; d->name; d++) {
        if (!strcmp(d->name, name)) {
            return d;
        }
    }
    return NULL;
}

static void opt_free(QemuOpt *opt)
{
    g_free(opt->name);
    g_free(opt->str);
    g_free(opt);
}

/* Check name and value against the list and build the option. */
static QemuOpt *opt_new(const QemuOptsList *list, const char *name,
                        const char *value, Error **errp)
{
    const QemuOptDesc *desc = NULL;
    QemuOpt *opt;
    bool ok = true;

    value = value ? value : "";
    /* An empty key (",x" or "a,,b" outside a value) names nothing. */
    if (!*name || !opts_accepts_any(list)) {
        desc = opts_find_desc(list, name);
        if (!desc) {
            error_setg(errp, "Invalid parameter '%s'", name);
            return NULL;
        }
    }
    opt = g_new0(QemuOpt, 1);
    opt->desc = desc;
    if (desc) {
        switch (desc->type) {
        case QEMU_OPT_STRING:
            break;
        case QEMU_OPT_BOOL:
            ok = qemu_parse_bool(name, value, &opt->value.boolean, errp);
            break;
        case QEMU_OPT_NUMBER:
            ok = qemu_parse_number(name, value, &opt->value.uint, errp);
            break;
        case QEMU_OPT_SIZE:
            ok = qemu_parse_size(name, value, &opt->value.uint, errp);
            break;
        }
    }
    if (!ok) {
        g_free(opt);
        return NULL;
    }
    opt->name = g_strdup(name);
    opt->str = g_strdup(value);
    return opt;
}

static QemuOpt *opts_find_last(QemuOpts *opts, const char *name)
{
    if (!opts) {
        return NULL;
    }
    for (guint i = opts->opts->len; i > 0; i--) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i - 1);

        if (!strcmp(opt->name, name)) {
            return opt;
        }
    }
    return NULL;
}

/* Remove every occurrence of name; returns how many there were. */
static guint opts_remove_all(QemuOpts *opts, const char *name)
{
    guint removed = 0;

    for (guint i = 0; i < opts->opts->len;) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i);

        if (!strcmp(opt->name, name)) {
            g_ptr_array_remove_index(opts->opts, i);
            removed++;
        } else {
            i++;
        }
    }
    return removed;
}

bool qemu_opt_set(QemuOpts *opts, const char *name, const char *value,
                  Error **errp)
{
    QemuOpt *opt = opt_new(opts->list, name, value, errp);

    if (!opt) {
        return false;
    }
    opts_remove_all(opts, name);
    g_ptr_array_add(opts->opts, opt);
    return true;
}

bool qemu_opt_set_bool(QemuOpts *opts, const char *name, bool val,
                       Error **errp)
{
    return qemu_opt_set(opts, name, val ? "on" : "off", errp);
}

bool qemu_opt_set_number(QemuOpts *opts, const char *name, int64_t val,
                         Error **errp)
{
    g_autofree char *str = g_strdup_printf("%" PRId64, val);

    return qemu_opt_set(opts, name, str, errp);
}

const char *qemu_opt_get(QemuOpts *opts, const char *name)
{
    QemuOpt *opt = opts_find_last(opts, name);

    return opt ? opt->str : NULL;
}

bool qemu_opt_has(QemuOpts *opts, const char *name)
{
    return opts_find_last(opts, name) != NULL;
}

bool qemu_opt_get_bool(QemuOpts *opts, const char *name, bool defval)
{
    QemuOpt *opt = opts_find_last(opts, name);
    bool val;

    if (!opt) {
        return defval;
    }
    if (opt->desc && opt->desc->type == QEMU_OPT_BOOL) {
        return opt->value.boolean;
    }
    return qemu_parse_bool(name, opt->str, &val, NULL) ? val : defval;
}

static uint64_t opt_get_uint(QemuOpts *opts, const char *name,
                             uint64_t defval, bool size)
{
    QemuOpt *opt = opts_find_last(opts, name);
    uint64_t val;
    bool ok;

    if (!opt) {
        return defval;
    }
    if (opt->desc && (opt->desc->type == QEMU_OPT_NUMBER ||
                      opt->desc->type == QEMU_OPT_SIZE)) {
        return opt->value.uint;
    }
    ok = size ? qemu_parse_size(name, opt->str, &val, NULL)
              : qemu_parse_number(name, opt->str, &val, NULL);
    return ok ? val : defval;
}

uint64_t qemu_opt_get_number(QemuOpts *opts, const char *name,
                             uint64_t defval)
{
    return opt_get_uint(opts, name, defval, false);
}

uint64_t qemu_opt_get_size(QemuOpts *opts, const char *name,
                           uint64_t defval)
{
    return opt_get_uint(opts, name, defval, true);
}

char *qemu_opt_get_del(QemuOpts *opts, const char *name)
{
    QemuOpt *opt = opts_find_last(opts, name);
    char *val;

    if (!opt) {
        return NULL;
    }
    val = g_strdup(opt->str);
    opts_remove_all(opts, name);
    return val;
}

bool qemu_opt_unset(QemuOpts *opts, const char *name)
{
    return opts_remove_all(opts, name) > 0;
}

int qemu_opt_foreach(QemuOpts *opts, qemu_opt_loopfunc func, void *opaque,
                     Error **errp)
{
    for (guint i = 0; i < opts->opts->len; i++) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i);
        int rc = func(opaque, opt->name, opt->str, errp);

        if (rc) {
            return rc;
        }
    }
    return 0;
}

bool qemu_opt_has_help_opt(QemuOpts *opts)
{
    return qemu_opt_has(opts, "help") || qemu_opt_has(opts, "?");
}

/* --- option sets --------------------------------------------------------- */

static GQueue *opts_head(QemuOptsList *list)
{
    if (!list->head) {
        list->head = g_queue_new();
    }
    return list->head;
}

static QemuOpts *opts_alloc(QemuOptsList *list, const char *id)
{
    QemuOpts *opts = g_new0(QemuOpts, 1);

    opts->id = g_strdup(id);
    opts->list = list;
    opts->opts = g_ptr_array_new_with_free_func((GDestroyNotify)opt_free);
    return opts;
}

static void opts_free(QemuOpts *opts)
{
    g_ptr_array_free(opts->opts, true);
    g_free(opts->id);
    g_free(opts);
}

QemuOpts *qemu_opts_find(QemuOptsList *list, const char *id)
{
    if (!list->head) {
        return NULL;
    }
    for (GList *l = list->head->head; l; l = l->next) {
        QemuOpts *opts = l->data;

        if (g_strcmp0(opts->id, id) == 0) {
            return opts;
        }
    }
    return NULL;
}

/*
 * What qemu_opts_create() would do, without creating: returns the existing
 * QemuOpts to reuse, or NULL with *ok telling whether a new one may be made.
 */
static QemuOpts *opts_check_create(QemuOptsList *list, const char *id,
                                   bool fail_if_exists, bool *ok,
                                   Error **errp)
{
    QemuOpts *opts;

    *ok = false;
    if (list->merge_lists) {
        if (id) {
            error_setg(errp, "Invalid parameter 'id'");
            return NULL;
        }
        opts = qemu_opts_find(list, NULL);
        *ok = !opts;
        return opts;
    }
    if (id) {
        if (!id_wellformed(id)) {
            error_setg(errp, "Parameter 'id' expects an identifier");
            error_append_hint(errp, OPTS_ID_HINT);
            return NULL;
        }
        opts = qemu_opts_find(list, id);
        if (opts) {
            if (fail_if_exists) {
                error_setg(errp, "Duplicate ID '%s' for %s", id, list->name);
                return NULL;
            }
            return opts;
        }
    }
    *ok = true;
    return NULL;
}

QemuOpts *qemu_opts_create(QemuOptsList *list, const char *id,
                           bool fail_if_exists, Error **errp)
{
    bool ok;
    QemuOpts *opts = opts_check_create(list, id, fail_if_exists, &ok, errp);

    if (opts || !ok) {
        return opts;
    }
    opts = opts_alloc(list, id);
    g_queue_push_tail(opts_head(list), opts);
    return opts;
}

void qemu_opts_del(QemuOpts *opts)
{
    if (!opts) {
        return;
    }
    if (opts->list->head) {
        g_queue_remove(opts->list->head, opts);
    }
    opts_free(opts);
}

void qemu_opts_reset(QemuOptsList *list)
{
    if (list->head) {
        g_queue_free_full(list->head, (GDestroyNotify)opts_free);
        list->head = NULL;
    }
}

const char *qemu_opts_id(QemuOpts *opts)
{
    return opts->id;
}

QemuOptsList *qemu_opts_list(QemuOpts *opts)
{
    return opts->list;
}

QemuOpts *qemu_opts_first(QemuOptsList *list)
{
    return list->head ? g_queue_peek_tail(list->head) : NULL;
}

int qemu_opts_count(QemuOptsList *list)
{
    return list->head ? (int)g_queue_get_length(list->head) : 0;
}

int qemu_opts_foreach(QemuOptsList *list, qemu_opts_loopfunc func,
                      void *opaque, Error **errp)
{
    GList *l, *next;

    if (!list->head) {
        return 0;
    }
    /* next is taken first so that func may delete the QemuOpts it got */
    for (l = list->head->head; l; l = next) {
        int rc;

        next = l->next;
        rc = func(opaque, l->data, errp);
        if (rc) {
            return rc;
        }
    }
    return 0;
}

/* --- rendering ----------------------------------------------------------- */

static void opts_append_escaped(GString *s, const char *text)
{
    for (; *text; text++) {
        if (*text == ',') {
            g_string_append_c(s, ',');
        }
        g_string_append_c(s, *text);
    }
}

char *qemu_opts_to_string(QemuOpts *opts)
{
    GString *s = g_string_new(NULL);

    if (opts->id) {
        g_string_append(s, "id=");
        opts_append_escaped(s, opts->id);
    }
    for (guint i = 0; i < opts->opts->len; i++) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i);

        if (s->len) {
            g_string_append_c(s, ',');
        }
        opts_append_escaped(s, opt->name);
        g_string_append_c(s, '=');
        opts_append_escaped(s, opt->str);
    }
    return g_string_free(s, false);
}

static const char *opt_type_name(QemuOptType type)
{
    switch (type) {
    case QEMU_OPT_BOOL:
        return "bool (on/off)";
    case QEMU_OPT_NUMBER:
        return "num";
    case QEMU_OPT_SIZE:
        return "size";
    case QEMU_OPT_STRING:
    default:
        return "str";
    }
}

static gint opts_strcmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void qemu_opts_print_help(QemuOptsList *list, bool print_caption)
{
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);

    for (const QemuOptDesc *d = list->desc; d->name; d++) {
        GString *line = g_string_new(NULL);

        g_string_append_printf(line, "  %s=<%s>", d->name,
                               opt_type_name(d->type));
        if (d->help) {
            /* Help texts start in one column, as in QEMU's listings. */
            while (line->len < 24) {
                g_string_append_c(line, ' ');
            }
            g_string_append_printf(line, " - %s", d->help);
        }
        g_ptr_array_add(lines, g_string_free(line, false));
    }
    g_ptr_array_sort(lines, opts_strcmp);

    if (lines->len == 0) {
        if (list->name) {
            printf("There are no options for %s.\n", list->name);
        } else {
            printf("No options.\n");
        }
    } else if (print_caption) {
        if (list->name) {
            printf("%s options:\n", list->name);
        } else {
            printf("Options:\n");
        }
    }
    for (guint i = 0; i < lines->len; i++) {
        printf("%s\n", (char *)g_ptr_array_index(lines, i));
    }
}

/* --- parsing ------------------------------------------------------------- */

/* One comma-separated element: "name=value", or a bare word. */
typedef struct OptsToken {
    char *name;
    char *value;
    char *bare;     /* as typed, when the element had no '=' */
} OptsToken;

static void opts_token_clear(gpointer p)
{
    OptsToken *t = p;

    g_free(t->name);
    g_free(t->value);
    g_free(t->bare);
}

static bool opts_is_help(const char *s)
{
    return !strcmp(s, "help") || !strcmp(s, "?");
}

/* Copy a value up to a single ',' (",," is a literal comma), or a key up
 * to the first ',' or '='. Keys take no escapes, as in QEMU: otherwise
 * "a,,,b" could be read two ways and could not be written back. */
static const char *opts_scan(const char *p, bool is_key, GString *out)
{
    while (*p) {
        if (*p == ',') {
            if (is_key || p[1] != ',') {
                break;
            }
            p++;
        } else if (is_key && *p == '=') {
            break;
        }
        g_string_append_c(out, *p++);
    }
    return p;
}

static GArray *opts_tokenize(const char *params, const char *implied)
{
    GArray *toks = g_array_new(false, true, sizeof(OptsToken));
    const char *p = params;
    bool first = true;

    g_array_set_clear_func(toks, opts_token_clear);
    while (*p) {
        OptsToken t = { 0 };
        GString *buf = g_string_new(NULL);

        /* QEMU decides "implied value" on the first of '=' and ',', so a
         * leading "a,,b" is the value "a,b", not a key. */
        if (first && implied && p[strcspn(p, "=,")] != '=') {
            p = opts_scan(p, false, buf);
            t.name = g_strdup(implied);
            t.value = g_string_free(buf, false);
        } else {
            p = opts_scan(p, true, buf);
            if (*p == '=') {
                GString *val = g_string_new(NULL);

                p = opts_scan(p + 1, false, val);
                t.name = g_string_free(buf, false);
                t.value = g_string_free(val, false);
            } else {
                t.bare = g_string_free(buf, false);
            }
        }
        if (*p == ',') {
            p++;
        }
        first = false;
        g_array_append_val(toks, t);
    }
    return toks;
}

/*
 * A bare word is a short-form bool: "key" is key=on and "nokey" is
 * key=off. A bool key whose own name starts with "no" wins over the
 * prefix rule.
 */
static void opts_resolve_bare(const QemuOptsList *list, OptsToken *t)
{
    const QemuOptDesc *d = opts_find_desc(list, t->bare);

    if (!opts_is_help(t->bare) && !(d && d->type == QEMU_OPT_BOOL) &&
        g_str_has_prefix(t->bare, "no")) {
        t->name = g_strdup(t->bare + 2);
        t->value = g_strdup("off");
    } else {
        t->name = g_strdup(t->bare);
        t->value = g_strdup("on");
    }
}

static void opts_warn_bare(const OptsToken *t)
{
    warn_report("short-form boolean option '%s' deprecated", t->bare);
    if (!strcmp(t->name, "delay")) {
        /* "delay" is spelt "nodelay" nowadays, with the opposite sense */
        error_printf("Please use nodelay=%s instead\n",
                     !strcmp(t->value, "on") ? "off" : "on");
    } else {
        error_printf("Please use %s=%s instead\n", t->name, t->value);
    }
}

static QemuOpts *opts_parse(QemuOptsList *list, const char *params,
                            bool permit_abbrev, bool noisy,
                            bool *help_wanted, Error **errp)
{
    const char *implied = permit_abbrev ? list->implied_opt_name : NULL;
    g_autoptr(GArray) toks = opts_tokenize(params ? params : "", implied);
    g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func(
        (GDestroyNotify)opt_free);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    bool any = opts_accepts_any(list);
    const char *id = NULL;
    QemuOpts *opts;
    bool can_create;
    guint i;

    for (i = 0; i < toks->len; i++) {
        OptsToken *t = &g_array_index(toks, OptsToken, i);

        if (t->bare) {
            opts_resolve_bare(list, t);
        }
        if (!strcmp(t->name, "id")) {
            if (id) {
                error_setg(errp, "Duplicate parameter 'id'");
                return NULL;
            }
            id = t->value;
        }
    }

    /* The id is checked before anything else, as QEMU does. */
    opts = opts_check_create(list, id, true, &can_create, errp);
    if (!opts && !can_create) {
        return NULL;
    }

    for (i = 0; i < toks->len; i++) {
        OptsToken *t = &g_array_index(toks, OptsToken, i);
        QemuOpt *opt;

        if (t->bare && opts_is_help(t->bare)) {
            if (help_wanted && !any) {
                *help_wanted = true;
                return NULL;
            }
        } else if (t->bare && noisy) {
            opts_warn_bare(t);
        }
        if (!strcmp(t->name, "id")) {
            continue;
        }
        /* Lists without descriptors may repeat keys (hostfwd=...). */
        if (!any) {
            if (g_hash_table_contains(seen, t->name)) {
                error_setg(errp, "Duplicate parameter '%s'", t->name);
                return NULL;
            }
            g_hash_table_add(seen, t->name);
        }
        opt = opt_new(list, t->name, t->value, errp);
        if (!opt) {
            return NULL;
        }
        g_ptr_array_add(fresh, opt);
    }

    /* Only now touch the list, so that a failed parse leaves no trace. */
    if (!opts) {
        opts = opts_alloc(list, id);
        g_queue_push_tail(opts_head(list), opts);
    } else {
        for (i = 0; i < fresh->len; i++) {
            QemuOpt *opt = g_ptr_array_index(fresh, i);

            opts_remove_all(opts, opt->name);
        }
    }
    g_ptr_array_set_free_func(fresh, NULL);
    for (i = 0; i < fresh->len; i++) {
        g_ptr_array_add(opts->opts, g_ptr_array_index(fresh, i));
    }
    return opts;
}

QemuOpts *qemu_opts_parse(QemuOptsList *list, const char *params,
                          bool permit_abbrev, Error **errp)
{
    return opts_parse(list, params, permit_abbrev, false, NULL, errp);
}

QemuOpts *qemu_opts_parse_noisily(QemuOptsList *list, const char *params,
                                  bool permit_abbrev)
{
    Error *err = NULL;
    bool help_wanted = false;
    QemuOpts *opts = opts_parse(list, params, permit_abbrev, true,
                                &help_wanted, &err);

    if (!opts) {
        if (help_wanted) {
            qemu_opts_print_help(list, true);
        } else {
            error_report_err(err);
        }
    }
    return opts;
}
