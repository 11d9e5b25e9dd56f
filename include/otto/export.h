/* otto/export.h: the OTTO_API export macro and the extern "C" guards shared by
 * every public header. Only symbols marked OTTO_API leave the shared library. */
#ifndef OTTO_EXPORT_H
#define OTTO_EXPORT_H

#if defined(_WIN32) && defined(OTTO_BUILDING_SHARED)
#define OTTO_API __declspec(dllexport)
#elif defined(_WIN32) && !defined(OTTO_STATIC)
#define OTTO_API __declspec(dllimport)
#elif defined(__GNUC__) && __GNUC__ >= 4
#define OTTO_API __attribute__((visibility("default")))
#else
#define OTTO_API
#endif

#ifdef __cplusplus
#define OTTO_BEGIN_DECLS extern "C" {
#define OTTO_END_DECLS }
#else
#define OTTO_BEGIN_DECLS
#define OTTO_END_DECLS
#endif

#endif /* OTTO_EXPORT_H */
