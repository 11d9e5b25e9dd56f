/* Mathematical constants as otto's own names: OTTO_PI and friends come from
 * POSIX, not C, so strict C11 compilers (mingw-w64, MSVC) lack them. */
#ifndef OTTO_MATHCONST_H
#define OTTO_MATHCONST_H

#define OTTO_PI 3.14159265358979323846
#define OTTO_SQRT2 1.41421356237309504880           /* sqrt(2) */
#define OTTO_SQRT1_2 0.70710678118654752440         /* 1 / sqrt(2) */
#define OTTO_LN2 0.69314718055994530942             /* log(2) */
#define OTTO_LOG_SQRT_2PI 0.91893853320467274178    /* log(sqrt(2 pi)) */
#define OTTO_SQRT_PI_OVER_2 1.25331413731550025121  /* sqrt(pi / 2) */

#endif /* OTTO_MATHCONST_H */
