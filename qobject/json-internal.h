/*
 * json-internal.h: UTF-8 helpers shared by the JSON parser and writer.
 * Not for use outside qobject/.
 */
#ifndef QOBJECT_JSON_INTERNAL_H
#define QOBJECT_JSON_INTERNAL_H

/*
 * json_utf8_decode: decode the character at @s (@n bytes available).
 * Sets *@used to the bytes it covers (at least 1) and returns its code
 * point, or -1 if it is not valid: stray continuation byte, truncated,
 * overlong, a surrogate, above U+10FFFF, or a noncharacter. The one
 * overlong form accepted is C0 80, which stands for U+0000 (see qstring.h).
 */
int json_utf8_decode(const char *s, size_t n, size_t *used);

/* json_utf8_encode: write @cp to @buf (room for 4 bytes); returns length.
 * U+0000 is written as C0 80. */
size_t json_utf8_encode(char *buf, unsigned cp);

/* json_is_noncharacter: U+FDD0..U+FDEF and U+xxFFFE/U+xxFFFF. */
static inline bool json_is_noncharacter(unsigned cp)
{
    return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

#endif
