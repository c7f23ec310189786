/*
 * qnull.c: the JSON null singleton. Its count starts at one, a reference
 * nobody drops, so it is never freed.
 */
#include "qemu/osdep.h"
#include "qobject/qnull.h"

QNull qnull_ = {
    .base = {
        .type = QTYPE_QNULL,
        .refcnt = 1,
    },
};
