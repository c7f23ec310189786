# Backend: commands. qapi-commands.h declares the handler of every command
# (qmp_query_status() ...) and its marshaller; qapi-commands.c has the
# marshallers (strict argument visit, handler call, result to QObject) and
# qmp_init_marshal() registering them all.

from .gen import CFile, guard_name, wrap_if
from .schema import c_name, ArrayType, BuiltinType
from .types import decl, has_name


def handler_name(cmd):
    return 'qmp_' + c_name(cmd.name)


def handler_params(cmd):
    params = []
    if cmd.arg_type is not None:
        if cmd.boxed:
            params.append(decl(cmd.arg_type.c_type(), 'arg'))
        else:
            for m in cmd.arg_type.all_members():
                if m.optional:
                    params.append('bool %s' % has_name(m))
                params.append(decl(m.type.c_param_type(), m.c_name()))
    params.append('Error **errp')
    return ', '.join(params)


def handler_args(cmd):
    args = []
    if cmd.arg_type is not None:
        if cmd.boxed:
            args.append('&arg')
        else:
            for m in cmd.arg_type.all_members():
                if m.optional:
                    args.append('arg.%s' % has_name(m))
                args.append('arg.%s' % m.c_name())
    args.append('&err')
    return ', '.join(args)


def ret_ctype(cmd):
    return cmd.ret_type.c_type() if cmd.ret_type is not None else 'void '


def gen_handler_decl(cmd):
    rt = ret_ctype(cmd)
    return '%s(%s);\n' % (decl(rt, handler_name(cmd)), handler_params(cmd))


def gen_output_fn(t):
    name = t.c_name()
    ctype = t.c_type()
    return ('static void qmp_marshal_output_%s(%s, QObject **ret_out, Error **errp)\n{\n'
            '    Visitor *v;\n\n'
            '    v = qobject_output_visitor_new(ret_out);\n'
            '    if (visit_type_%s(v, "unused", &ret_in, errp)) {\n'
            '        visit_complete(v, ret_out);\n    }\n'
            '    visit_free(v);\n'
            '    v = qapi_dealloc_visitor_new();\n'
            '    visit_type_%s(v, "unused", &ret_in, NULL);\n'
            '    visit_free(v);\n}\n\n' % (name, decl(ctype, 'ret_in'), name, name))


def gen_marshal(cmd):
    cname = c_name(cmd.name)
    out = 'void qmp_marshal_%s(QDict *args, QObject **ret, Error **errp)\n{\n' % cname
    out += '    Error *err = NULL;\n    bool ok = false;\n    Visitor *v;\n'
    at = cmd.arg_type
    if cmd.ret_type is not None:
        out += '    %s;\n' % decl(cmd.ret_type.c_type(), 'retval')
    if at is not None:
        out += '    %s arg = {0};\n' % at.c_name()
    out += '    QDict *empty = NULL;\n\n'
    out += ('    if (!args) {\n        empty = qdict_new();\n        args = empty;\n    }\n'
            '    v = qobject_input_visitor_new(QOBJECT(args));\n'
            '    if (!visit_start_struct(v, NULL, NULL, 0, errp)) {\n        goto out;\n    }\n')
    if at is not None:
        out += ('    if (visit_type_%s_members(v, &arg, errp)) {\n'
                '        ok = visit_check_struct(v, errp);\n    }\n' % at.c_name())
    else:
        out += '    ok = visit_check_struct(v, errp);\n'
    out += ('    visit_end_struct(v, NULL);\n'
            '    if (!ok) {\n        goto out;\n    }\n\n')
    call = '%s(%s)' % (handler_name(cmd), handler_args(cmd))
    if cmd.ret_type is not None:
        out += '    retval = %s;\n' % call
    else:
        out += '    %s;\n' % call
    out += ('    if (err) {\n        error_propagate(errp, err);\n        goto out;\n    }\n')
    if cmd.ret_type is not None:
        out += '    qmp_marshal_output_%s(retval, ret, errp);\n' % cmd.ret_type.c_name()
    else:
        out += '    *ret = QOBJECT(qdict_new());\n'
    out += '\nout:\n    visit_free(v);\n'
    if at is not None and at.all_members():
        out += ('    v = qapi_dealloc_visitor_new();\n'
                '    visit_start_struct(v, NULL, NULL, 0, NULL);\n'
                '    visit_type_%s_members(v, &arg, NULL);\n'
                '    visit_end_struct(v, NULL);\n'
                '    visit_free(v);\n' % at.c_name())
    out += '    qobject_unref(empty);\n}\n\n'
    return out


def gen_commands(schema, outdir, prefix):
    fname = prefix + 'qapi-commands.h'
    h = CFile(outdir, fname, 'command handlers and marshallers', guard_name(fname))
    h.add('#include "qapi/qmp-registry.h"\n#include "qobject/qdict.h"\n'
          '#include "%sqapi-types.h"\n\n' % prefix)
    c = CFile(outdir, prefix + 'qapi-commands.c', 'command marshallers')
    c.add('#include "qemu/osdep.h"\n#include "qemu/error.h"\n'
          '#include "qapi/qobject-input-visitor.h"\n#include "qapi/qobject-output-visitor.h"\n'
          '#include "qapi/dealloc-visitor.h"\n#include "%sqapi-visit.h"\n'
          '#include "%sqapi-commands.h"\n\n' % (prefix, prefix))
    outputs = {}
    reg = ''
    for cmd in schema.commands():
        h.add(wrap_if(cmd.ifcond, gen_handler_decl(cmd) +
                      ('void qmp_marshal_%s(QDict *args, QObject **ret, Error **errp);\n'
                       % c_name(cmd.name) if cmd.gen else '')))
        if not cmd.gen:
            continue
        rt = cmd.ret_type
        if rt is not None and rt.name not in outputs:
            outputs[rt.name] = True
            c.add(wrap_if(cmd.ifcond, gen_output_fn(rt)))
        c.add(wrap_if(cmd.ifcond, gen_marshal(cmd)))
        opts = []
        if not cmd.success_response:
            opts.append('QCO_NO_SUCCESS_RESP')
        if cmd.allow_oob:
            opts.append('QCO_ALLOW_OOB')
        if cmd.allow_preconfig:
            opts.append('QCO_ALLOW_PRECONFIG')
        reg += wrap_if(cmd.ifcond, '    qmp_register_command(cmds, "%s", qmp_marshal_%s, %s);\n'
                       % (cmd.name, c_name(cmd.name), ' | '.join(opts) or 'QCO_NO_OPTIONS'))
    h.add('\n/* Register every generated marshaller in CMDS. */\n'
          'void %sqmp_init_marshal(QmpCommandList *cmds);\n' % c_name(prefix))
    c.add('void %sqmp_init_marshal(QmpCommandList *cmds)\n{\n%s}\n' % (c_name(prefix), reg))
    h.write()
    c.write()
