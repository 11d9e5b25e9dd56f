/* otto/limits.h: the bounds otto's arguments must keep. They are the same
 * for a study in memory and a study in a storage, so a program that works
 * in memory keeps working when it gains a journal or a database. */
#ifndef OTTO_LIMITS_H
#define OTTO_LIMITS_H

/* Bytes of one name, attribute key or value, or categorical label. Every
 * such string must also be valid UTF-8 (the bindings and storages read it
 * as text); anything else is OTTO_EINVAL. */
#define OTTO_TEXT_MAX 1048576u

/* Bytes of all labels of one categorical distribution together, counting 4
 * more per label (what a storage record spends on its length). */
#define OTTO_CHOICES_TEXT_MAX 8388608u

/* The largest `size` an options struct may claim. A caller compiled against
 * a newer otto may pass a larger struct than this library knows, if the
 * fields it does not know are zero; a size beyond this bound is refused
 * without reading past the part this library knows. */
#define OTTO_OPTIONS_SIZE_MAX 1024u

/* Float ranges: high - low must be finite (a range as wide as
 * [-DBL_MAX, DBL_MAX] is not), and a step must leave at most 2^53 grid
 * cells. Int bounds: see OTTO_INT_LIMIT in space.h. */

#endif /* OTTO_LIMITS_H */
