/* Error reporting: status names, the calling thread's last error message, and
 * the per-study log sink (formatted into a fixed buffer, never allocating). */
#include <stdio.h>
#include <string.h>

#include "common.h"

#define OTTO__MSG_MAX 512

static _Thread_local char last_message[OTTO__MSG_MAX];

const char *otto_strerror(int code)
{
    switch (code) {
#define OTTO_STATUS_TEXT_(name, value, text) \
    case value:                              \
        return text;
        OTTO_STATUS_MAP(OTTO_STATUS_TEXT_)
#undef OTTO_STATUS_TEXT_
    default:
        return "unknown status";
    }
}

const char *otto_status_name(int code)
{
    switch (code) {
#define OTTO_STATUS_NAME_(name, value, text) \
    case value:                              \
        return #name;
        OTTO_STATUS_MAP(OTTO_STATUS_NAME_)
#undef OTTO_STATUS_NAME_
    default:
        return "OTTO_UNKNOWN";
    }
}

const char *otto_last_error_message(void) { return last_message; }

int otto__verror(int code, const char *fmt, va_list ap)
{
    int n = vsnprintf(last_message, sizeof last_message, fmt, ap);
    if (n >= (int)sizeof last_message) { /* cut: end on a whole UTF-8 character, marked */
        size_t end = sizeof last_message - 4;
        while (end && ((unsigned char)last_message[end] & 0xc0) == 0x80)
            end--;
        memcpy(last_message + end, "...", 4);
    }
    return code;
}

int otto__error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    otto__verror(code, fmt, ap);
    va_end(ap);
    return code;
}

int otto__error_wrap(int code, const char *fmt, ...)
{
    char cause[OTTO__MSG_MAX]; /* copied first: the message below overwrites it */
    memcpy(cause, last_message, sizeof cause);
    char prefix[OTTO__MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    return otto__error(code, "%s: %s", prefix, cause[0] ? cause : otto_strerror(code));
}

int otto_set_error_message(int code, const char *fmt, ...)
{
    if (!fmt)
        return otto__error(code, "%s", otto_strerror(code));
    va_list ap;
    va_start(ap, fmt);
    otto__verror(code, fmt, ap);
    va_end(ap);
    return code;
}

void otto__log(const otto__logger *lg, otto_log_level level, const char *fmt, ...)
{
    if (!lg || !lg->fn || level < lg->level)
        return;
    char buf[OTTO__MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    lg->fn(level, buf, lg->user_data);
}
