# Backend: events. qapi-emit-events.h has enum QAPIEvent and the
# qapi_event_emit() hook (defined by the QMP server); qapi-events.h/.c the
# senders qapi_event_send_NAME(...), which build the event dictionary
# {"timestamp", "event", "data"} and hand it to qapi_event_emit().

from .gen import CFile, guard_name, wrap_if
from .schema import c_name, camel_to_upper
from .types import decl, has_name


def event_const(ev, prefix):
    return camel_to_upper(c_name(prefix)) + 'QAPI_EVENT_' + c_name(ev.name).upper()


def sender_params(ev):
    params = []
    if ev.arg_type is not None:
        if ev.boxed:
            params.append(decl(ev.arg_type.c_type(), 'arg'))
        else:
            for m in ev.arg_type.all_members():
                if m.optional:
                    params.append('bool %s' % has_name(m))
                params.append(decl(m.type.c_param_type(), m.c_name()))
    return ', '.join(params) or 'void'


def gen_sender(ev, prefix):
    name = 'qapi_event_send_' + c_name(ev.name.lower())
    out = 'void %s(%s)\n{\n    QDict *qmp;\n' % (name, sender_params(ev))
    at = ev.arg_type
    has_data = at is not None and (ev.boxed or at.all_members())
    if has_data:
        out += '    QObject *obj = NULL;\n    Visitor *v;\n'
        if not ev.boxed:
            out += '    %s param = {0};\n' % at.c_name()
    out += '\n    qmp = qmp_event_build_dict("%s");\n' % ev.name
    if has_data:
        if ev.boxed:
            visit = '    visit_type_%s_members(v, arg, &error_abort);\n' % at.c_name()
        else:
            for m in at.all_members():
                s = ''
                if m.optional:
                    s += '    param.%s = %s;\n' % (has_name(m), has_name(m))
                cast = '(char *)' if m.type.c_param_type() == 'const char *' else ''
                s += '    param.%s = %s%s;\n' % (m.c_name(), cast, m.c_name())
                out += wrap_if(m.ifcond, s)
            visit = '    visit_type_%s_members(v, &param, &error_abort);\n' % at.c_name()
        out += ('    v = qobject_output_visitor_new(&obj);\n'
                '    visit_start_struct(v, "%s", NULL, 0, &error_abort);\n%s'
                '    visit_check_struct(v, &error_abort);\n'
                '    visit_end_struct(v, NULL);\n'
                '    visit_complete(v, &obj);\n'
                '    qdict_put_obj(qmp, "data", obj);\n'
                '    visit_free(v);\n' % (ev.name, visit))
    out += '    %sqapi_event_emit(%s, qmp);\n' % (c_name(prefix), event_const(ev, prefix))
    out += '    qobject_unref(qmp);\n}\n\n'
    return out, name


def gen_events(schema, outdir, prefix):
    cp = c_name(prefix)
    fname = prefix + 'qapi-emit-events.h'
    e = CFile(outdir, fname, 'the event enumeration and the emit hook', guard_name(fname))
    e.add('#include "qapi/util.h"\n#include "qobject/qdict.h"\n\n')
    events = schema.events()
    body = ''
    lookup = ''
    for ev in events:
        body += wrap_if(ev.ifcond, '    %s,\n' % event_const(ev, prefix))
        lookup += wrap_if(ev.ifcond, '        [%s] = "%s",\n' % (event_const(ev, prefix),
                                                               ev.name))
    enum = cp + 'QAPIEvent'
    maxc = camel_to_upper(cp) + 'QAPI_EVENT__MAX'
    e.add('typedef enum %s {\n%s    %s,\n} %s;\n\n' % (enum, body, maxc, enum))
    e.add('extern const QEnumLookup %s_lookup;\n'
          '#define %s_str(val) qapi_enum_lookup(&%s_lookup, (val))\n\n' % (enum, enum, enum))
    e.add('/*\n * Send an event to every QMP session that negotiated capabilities; the\n'
          ' * caller keeps its reference to QDICT. Defined by the QMP server.\n */\n'
          'void %sqapi_event_emit(%s event, QDict *qdict);\n' % (cp, enum))
    e.write()
    fname = prefix + 'qapi-events.h'
    h = CFile(outdir, fname, 'event senders', guard_name(fname))
    h.add('#include "%sqapi-emit-events.h"\n#include "%sqapi-types.h"\n\n' % (prefix, prefix))
    c = CFile(outdir, prefix + 'qapi-events.c', 'event senders')
    c.add('#include "qemu/osdep.h"\n#include "qemu/error.h"\n'
          '#include "qapi/qmp-event.h"\n#include "qapi/qobject-output-visitor.h"\n'
          '#include "%sqapi-visit.h"\n#include "%sqapi-events.h"\n\n' % (prefix, prefix))
    c.add('const QEnumLookup %s_lookup = {\n    .array = (const char *const[]) {\n%s'
          '    },\n    .size = %s,\n};\n\n' % (enum, lookup, maxc))
    for ev in events:
        text, name = gen_sender(ev, prefix)
        h.add(wrap_if(ev.ifcond, 'void %s(%s);\n' % (name, sender_params(ev))))
        c.add(wrap_if(ev.ifcond, text))
    h.write()
    c.write()
