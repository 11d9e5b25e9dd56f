/* Size-versioned options structs: copy the part of the caller's struct that
 * its `size` field covers over our defaults, so older callers keep working
 * and newer callers are accepted when the fields we do not know are zero. */
#include <string.h>

#include "options.h"

int otto__options_copy(void *dst, size_t dst_size, const void *src, const char *what)
{
    size_t src_size;
    memcpy(&src_size, src, sizeof src_size);
    if (src_size < sizeof(size_t))
        return otto__error(OTTO_EINVAL, "%s: size field %zu is not set (call *_options_init)",
                           what, src_size);
    if (src_size > OTTO_OPTIONS_SIZE_MAX && src_size > dst_size)
        return otto__error(OTTO_EINVAL,
                           "%s: size field %zu is larger than any options struct (at most "
                           "OTTO_OPTIONS_SIZE_MAX, %u bytes; call *_options_init)",
                           what, src_size, OTTO_OPTIONS_SIZE_MAX);
    if (src_size > dst_size) {
        const unsigned char *extra = (const unsigned char *)src + dst_size;
        for (size_t i = 0; i < src_size - dst_size; i++)
            if (extra[i])
                return otto__error(OTTO_EINVAL,
                                   "%s: options from a newer otto set fields this library does "
                                   "not know",
                                   what);
        src_size = dst_size;
    }
    memcpy((unsigned char *)dst + sizeof(size_t), (const unsigned char *)src + sizeof(size_t),
           src_size - sizeof(size_t));
    return OTTO_OK;
}

size_t otto__options_init_size(size_t caller_size, size_t our_size)
{
    return caller_size < our_size ? caller_size : our_size;
}
