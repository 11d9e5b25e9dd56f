/* Helpers for size-versioned options structs (see options.c). */
#ifndef OTTO_OPTIONS_H
#define OTTO_OPTIONS_H

#include "common.h"

/* dst was filled with defaults; overlay what src->size covers. */
int otto__options_copy(void *dst, size_t dst_size, const void *src, const char *what);
/* How much of a caller's struct an *_options_init_sized may write. */
size_t otto__options_init_size(size_t caller_size, size_t our_size);

/* Fill the caller's struct (of caller_size bytes) from our defaults `def`. */
#define OTTO__OPTIONS_INIT(o, caller_size, def)                                      \
    do {                                                                            \
        if (!(o))                                                                   \
            break;                                                                  \
        size_t n_ = otto__options_init_size((caller_size), sizeof(def));             \
        memset((o), 0, (caller_size) > OTTO_OPTIONS_SIZE_MAX ? n_ : (caller_size)); \
        (def).size = n_;                                                            \
        memcpy((o), &(def), n_);                                                    \
    } while (0)

#endif /* OTTO_OPTIONS_H */
