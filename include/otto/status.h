/* otto/status.h: status codes, their names, the per-thread error message and
 * the log levels. Every fallible otto function returns one of these codes. */
#ifndef OTTO_STATUS_H
#define OTTO_STATUS_H

#include "export.h"

OTTO_BEGIN_DECLS

/* X-macro list: name, value, description. Values are explicit and never reused. */
#define OTTO_STATUS_MAP(X)                                                     \
    X(OTTO_OK, 0, "success")                                                   \
    X(OTTO_EINVAL, -1, "invalid argument")                                     \
    X(OTTO_ENOMEM, -2, "out of memory")                                        \
    X(OTTO_ESTATE, -3, "operation not allowed in the current state")           \
    X(OTTO_EDIST, -4, "incompatible distribution for this parameter name")    \
    X(OTTO_ENOTFOUND, -5, "not found")                                         \
    X(OTTO_EIO, -6, "input/output error")                                      \
    X(OTTO_ECORRUPT, -7, "corrupt data")                                       \
    X(OTTO_ENUMERIC, -8, "numerical failure")                                  \
    X(OTTO_ECALLBACK, -9, "a user callback, sampler or pruner reported an error") \
    X(OTTO_ESYSTEM, -10, "operating system error")                             \
    X(OTTO_ERANGE, -11, "value out of range or buffer too small")               \
    X(OTTO_EEXIST, -12, "already exists")                                      \
    X(OTTO_ENOTSUP, -13, "not supported by this build")

typedef enum otto_status {
#define OTTO_STATUS_ENUM_(name, value, text) name = value,
    OTTO_STATUS_MAP(OTTO_STATUS_ENUM_)
#undef OTTO_STATUS_ENUM_
    OTTO_STATUS_LAST_ = -13
} otto_status;

/* Short description of a status code; never NULL ("unknown status" for codes
 * that are not in the list). Thread-safe. */
OTTO_API const char *otto_strerror(int code);

/* Symbolic name of a status code ("OTTO_EINVAL"); never NULL. Thread-safe. */
OTTO_API const char *otto_status_name(int code);

/* What exactly went wrong in the most recent otto call of the calling thread
 * that failed (for example "suggest_float 'lr': low 1 > high 0"). The message
 * is per thread, like errno, because a study is used from many threads at once
 * and a failed create has no handle to hold it. Successful calls leave it
 * unchanged. Never NULL; "" before the first failure. Valid until the thread's
 * next failing otto call. */
OTTO_API const char *otto_last_error_message(void);

/* Severity of a log message. */
typedef enum otto_log_level {
    OTTO_LEVEL_DEBUG = 0,
    OTTO_LEVEL_INFO = 1,
    OTTO_LEVEL_WARNING = 2,
    OTTO_LEVEL_ERROR = 3
} otto_log_level;

/* Log sink. Called without any otto lock held, possibly from several threads
 * at once; msg is a NUL-terminated line without a newline, valid only during
 * the call. otto never prints: without a log function, messages are dropped. */
typedef void (*otto_log_fn)(otto_log_level level, const char *msg, void *user_data);

OTTO_END_DECLS

#endif /* OTTO_STATUS_H */
