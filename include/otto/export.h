/* otto/export.h: the OTTO_API export macro, OTTO_PRINTF and the extern "C"
 * guards shared by every public header. Only symbols marked OTTO_API leave
 * the shared library.
 *
 * Windows: OTTO_API is __declspec(dllimport) for programs that use
 * libotto's DLL (the default), nothing for programs that link the static
 * library (define OTTO_STATIC before including otto's headers, e.g.
 * -DOTTO_STATIC), and __declspec(dllexport) while the DLL itself is built
 * (OTTO_BUILDING_SHARED, set by otto's build). Elsewhere OTTO_API makes the
 * symbol visible from a library built with -fvisibility=hidden, and
 * OTTO_STATIC changes nothing. */
#ifndef OTTO_EXPORT_H
#define OTTO_EXPORT_H

#if defined(_WIN32) || defined(__CYGWIN__)
#if defined(OTTO_BUILDING_SHARED)
#define OTTO_API __declspec(dllexport)
#elif defined(OTTO_STATIC)
#define OTTO_API
#else
#define OTTO_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#define OTTO_API __attribute__((visibility("default")))
#else
#define OTTO_API
#endif

/* Format checking for otto's printf-style functions, which format with a C99
 * printf (%zu, %lld): on mingw-w64, whose plain printf attribute means
 * msvcrt's dialect, that is gnu_printf. */
#if defined(__MINGW32__)
#define OTTO_PRINTF(fmt, first) __attribute__((format(gnu_printf, fmt, first)))
#elif defined(__GNUC__)
#define OTTO_PRINTF(fmt, first) __attribute__((format(printf, fmt, first)))
#else
#define OTTO_PRINTF(fmt, first)
#endif

#ifdef __cplusplus
#define OTTO_BEGIN_DECLS extern "C" {
#define OTTO_END_DECLS }
#else
#define OTTO_BEGIN_DECLS
#define OTTO_END_DECLS
#endif

#endif /* OTTO_EXPORT_H */
