/*
 * json-utf8.c: strict UTF-8 decoding and encoding for the JSON parser and
 * writer. Malformed sequences are grouped the way QEMU does (a lead byte
 * and the continuation bytes that follow it count as one bad character),
 * so that the writer replaces them with as many U+FFFD as QEMU would.
 */
#include "qemu/osdep.h"
#include "json-internal.h"

int json_utf8_decode(const char *s, size_t n, size_t *used)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned c = p[0], cp, min;
    size_t len, i;

    *used = 1;
    if (c < 0x80) {
        return c;
    }
    if (c < 0xC0 || c >= 0xFE) {
        return -1;
    }
    /* Lead bytes of the obsolete 5- and 6-byte forms still say how many
     * continuation bytes belong to the (invalid) character. */
    if (c < 0xE0) {
        len = 2, cp = c & 0x1F, min = 0x80;
    } else if (c < 0xF0) {
        len = 3, cp = c & 0x0F, min = 0x800;
    } else if (c < 0xF8) {
        len = 4, cp = c & 0x07, min = 0x10000;
    } else if (c < 0xFC) {
        len = 5, cp = c & 0x03, min = 0x200000;
    } else {
        len = 6, cp = c & 0x01, min = 0x4000000;
    }
    for (i = 1; i < len && i < n && (p[i] & 0xC0) == 0x80; i++) {
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    *used = i;
    if (i < len) {
        return -1;
    }
    if (cp < min) {
        return (len == 2 && cp == 0) ? 0 : -1;
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
        json_is_noncharacter(cp)) {
        return -1;
    }
    return (int)cp;
}

size_t json_utf8_encode(char *buf, unsigned cp)
{
    unsigned char *p = (unsigned char *)buf;

    if (cp == 0) {
        p[0] = 0xC0;
        p[1] = 0x80;
        return 2;
    }
    if (cp < 0x80) {
        p[0] = cp;
        return 1;
    }
    if (cp < 0x800) {
        p[0] = 0xC0 | (cp >> 6);
        p[1] = 0x80 | (cp & 0x3F);
        return 2;
    }
    if (cp < 0x10000) {
        p[0] = 0xE0 | (cp >> 12);
        p[1] = 0x80 | ((cp >> 6) & 0x3F);
        p[2] = 0x80 | (cp & 0x3F);
        return 3;
    }
    p[0] = 0xF0 | (cp >> 18);
    p[1] = 0x80 | ((cp >> 12) & 0x3F);
    p[2] = 0x80 | ((cp >> 6) & 0x3F);
    p[3] = 0x80 | (cp & 0x3F);
    return 4;
}
