/*
 * hmp-expr.c: the expression language of HMP arguments (`p`, `x`'s
 * address, `memsave`'s numbers): C-style numbers, $registers and the
 * operators in QEMU's precedence, where & | ^ bind tighter than + and -.
 * << and >> are Keel's addition, at the level of & | ^.
 */
#include "qemu/osdep.h"
#include "monitor/hmp.h"

typedef struct HMPExpr {
    const char *p;
    HMPRegLookup *reg;
    void *opaque;
    Error **errp;
    int depth;
} HMPExpr;

#define HMP_EXPR_MAX_DEPTH 64

static bool hmp_expr_sum(HMPExpr *e, int64_t *val);

static void hmp_expr_skip(HMPExpr *e)
{
    while (*e->p == ' ' || *e->p == '\t') {
        e->p++;
    }
}

static bool hmp_expr_number(HMPExpr *e, int64_t *val)
{
    char *end;
    uint64_t n;

    errno = 0;
    n = g_ascii_strtoull(e->p, &end, 0);
    if (errno == ERANGE) {
        error_setg(e->errp, "number too large");
        return false;
    }
    if (end == e->p) {
        error_setg(e->errp, "invalid number");
        return false;
    }
    e->p = end;
    *val = n;
    return true;
}

static bool hmp_expr_register(HMPExpr *e, int64_t *val)
{
    const char *start = ++e->p;
    g_autofree char *name = NULL;

    while (g_ascii_isalnum(*e->p) || *e->p == '_' || *e->p == '.') {
        e->p++;
    }
    name = g_strndup(start, e->p - start);
    if (!e->reg || !e->reg(e->opaque, name, val)) {
        error_setg(e->errp, "unknown register");
        return false;
    }
    return true;
}

static bool hmp_expr_unary(HMPExpr *e, int64_t *val)
{
    bool ok;

    hmp_expr_skip(e);
    if (++e->depth > HMP_EXPR_MAX_DEPTH) {
        error_setg(e->errp, "expression too deeply nested");
        return false;
    }
    switch (*e->p) {
    case '+':
        e->p++;
        ok = hmp_expr_unary(e, val);
        break;
    case '-':
        e->p++;
        ok = hmp_expr_unary(e, val);
        *val = -(uint64_t)*val;
        break;
    case '~':
        e->p++;
        ok = hmp_expr_unary(e, val);
        *val = ~*val;
        break;
    case '(':
        e->p++;
        ok = hmp_expr_sum(e, val);
        if (ok) {
            hmp_expr_skip(e);
            if (*e->p != ')') {
                error_setg(e->errp, "')' expected");
                ok = false;
            } else {
                e->p++;
            }
        }
        break;
    case '$':
        ok = hmp_expr_register(e, val);
        break;
    case '\0':
        error_setg(e->errp, "unexpected end of expression");
        ok = false;
        break;
    default:
        if (g_ascii_isdigit(*e->p)) {
            ok = hmp_expr_number(e, val);
        } else {
            error_setg(e->errp, "invalid char '%c' in expression", *e->p);
            ok = false;
        }
        break;
    }
    e->depth--;
    hmp_expr_skip(e);
    return ok;
}

static bool hmp_expr_prod(HMPExpr *e, int64_t *val)
{
    if (!hmp_expr_unary(e, val)) {
        return false;
    }
    for (;;) {
        char op = *e->p;
        int64_t rhs;

        if (op != '*' && op != '/' && op != '%') {
            return true;
        }
        e->p++;
        if (!hmp_expr_unary(e, &rhs)) {
            return false;
        }
        if (op == '*') {
            *val = (uint64_t)*val * (uint64_t)rhs;
            continue;
        }
        if (rhs == 0) {
            error_setg(e->errp, "division by zero");
            return false;
        }
        if (rhs == -1) {
            /* INT64_MIN / -1 would trap; the result wraps instead. */
            *val = op == '/' ? -(uint64_t)*val : 0;
        } else {
            *val = op == '/' ? *val / rhs : *val % rhs;
        }
    }
}

static bool hmp_expr_logic(HMPExpr *e, int64_t *val)
{
    if (!hmp_expr_prod(e, val)) {
        return false;
    }
    for (;;) {
        char op = *e->p;
        bool shift = (op == '<' || op == '>') && e->p[1] == op;
        int64_t rhs;

        if (op != '&' && op != '|' && op != '^' && !shift) {
            return true;
        }
        e->p += shift ? 2 : 1;
        if (!hmp_expr_prod(e, &rhs)) {
            return false;
        }
        switch (op) {
        case '&':
            *val &= rhs;
            break;
        case '|':
            *val |= rhs;
            break;
        case '^':
            *val ^= rhs;
            break;
        case '<':
            *val = (uint64_t)rhs >= 64 ? 0 : (uint64_t)*val << rhs;
            break;
        case '>':
            *val = (uint64_t)rhs >= 64 ? 0 : (uint64_t)*val >> rhs;
            break;
        }
    }
}

static bool hmp_expr_sum(HMPExpr *e, int64_t *val)
{
    if (!hmp_expr_logic(e, val)) {
        return false;
    }
    for (;;) {
        char op = *e->p;
        int64_t rhs;

        if (op != '+' && op != '-') {
            return true;
        }
        e->p++;
        if (!hmp_expr_logic(e, &rhs)) {
            return false;
        }
        *val = op == '+' ? (uint64_t)*val + (uint64_t)rhs
                         : (uint64_t)*val - (uint64_t)rhs;
    }
}

bool hmp_expr_parse(const char **pp, HMPRegLookup *reg, void *opaque,
                    int64_t *val, Error **errp)
{
    HMPExpr e = { .p = *pp, .reg = reg, .opaque = opaque, .errp = errp };

    if (!hmp_expr_sum(&e, val)) {
        return false;
    }
    *pp = e.p;
    return true;
}
