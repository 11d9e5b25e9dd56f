/* The rules every string crossing otto's API obeys (see <otto/limits.h>):
 * valid UTF-8, no longer than OTTO_TEXT_MAX bytes, and for names not empty.
 * Storages and bindings read these strings as text, so they are checked on
 * the way in, the same with and without a storage. */
#include <string.h>

#include "common.h"

/* Length of the valid UTF-8 prefix of s[0..n): n when all of it is valid.
 * Overlong forms, surrogates and code points above U+10FFFF are invalid. */
size_t otto__utf8_valid_prefix(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned lo = 0x80, hi = 0xbf; /* range of the second byte */
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            if (c == 0xe0)
                lo = 0xa0; /* overlong */
            else if (c == 0xed)
                hi = 0x9f; /* surrogates */
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            if (c == 0xf0)
                lo = 0x90; /* overlong */
            else if (c == 0xf4)
                hi = 0x8f; /* above U+10FFFF */
        } else {
            return i;
        }
        if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k < len; k++)
            if ((s[i + k] & 0xc0) != 0x80)
                return i;
        i += len;
    }
    return n;
}

int otto__text_check(const char *s, int may_be_empty, const char *fn, const char *what)
{
    if (!s)
        return otto__error(OTTO_EINVAL, "%s: %s is NULL", fn, what);
    size_t n = strnlen(s, (size_t)OTTO_TEXT_MAX + 1);
    if (!n && !may_be_empty)
        return otto__error(OTTO_EINVAL, "%s: %s must be a non-empty string", fn, what);
    if (n > OTTO_TEXT_MAX)
        return otto__error(OTTO_EINVAL, "%s: %s is longer than OTTO_TEXT_MAX (%u bytes)", fn, what,
                           OTTO_TEXT_MAX);
    size_t ok = otto__utf8_valid_prefix(s, n);
    if (ok != n)
        return otto__error(OTTO_EINVAL, "%s: %s is not valid UTF-8 (at byte %zu)", fn, what, ok);
    return OTTO_OK;
}
