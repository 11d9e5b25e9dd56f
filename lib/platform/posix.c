/* The platform interface (platform.h) on POSIX systems: Linux, the BSDs and
 * macOS, and emscripten's POSIX layer. Compiles to nothing on Windows. */
#if !defined(_WIN32)

#if !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* flock, fdatasync, dup3, getentropy under -std=c11 */
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/random.h> /* getrandom (glibc 2.25, musl 1.1.20) */
#define OTTO__GETRANDOM 1
#elif defined(__APPLE__)
#include <sys/random.h> /* getentropy */
#endif

#include "platform.h"

static _Thread_local char reason[256];

const char *otto__os_reason(void) { return reason; }

static int fail_text(int code, const char *what, const char *text)
{
    snprintf(reason, sizeof reason, "%s%s%s", what ? what : "", what ? ": " : "", text);
    return code;
}

static int fail(int code, const char *what, int err) { return fail_text(code, what, strerror(err)); }

/* ---- entropy -------------------------------------------------------------------------------- */

/* Where getrandom is missing (an old kernel) or forbidden (a seccomp
 * filter), the same generator through its device. */
static int urandom(unsigned char *p, size_t n)
{
    int fd;
    do
        fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return fail(OTTO_EIO, "/dev/urandom", errno);
    while (n) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            int e = r < 0 ? errno : EIO;
            close(fd);
            return fail(OTTO_EIO, "/dev/urandom", e);
        }
        p += r;
        n -= (size_t)r;
    }
    close(fd);
    return OTTO_OK;
}

int otto__os_entropy(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n) {
        size_t want = n < 256 ? n : 256; /* getentropy's limit; getrandom's unblocked one */
#if defined(OTTO__GETRANDOM)
        ssize_t r = getrandom(p, want, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == ENOSYS || errno == EPERM))
            return urandom(p, n);
        if (r <= 0)
            return fail(OTTO_EIO, "getrandom", r < 0 ? errno : EIO);
        want = (size_t)r;
#else
        if (getentropy(p, want) != 0)
            return fail(OTTO_EIO, "getentropy", errno);
#endif
        p += want;
        n -= want;
    }
    return OTTO_OK;
}

/* ---- time ----------------------------------------------------------------------------------- */

double otto__wall_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

double otto__monotonic_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void otto__os_sleep(double s)
{
    if (!(s > 0))
        return;
    time_t whole = (time_t)s;
    struct timespec ts = {whole, (long)((s - (double)whole) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- the machine and the process -------------------------------------------------------- */

int otto__os_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (n < 65536 ? (int)n : 65536) : 1;
}

uint64_t otto__os_pid(void) { return (uint64_t)getpid(); }

/* ---- files ---------------------------------------------------------------------------------- */

static int fd_of(otto__file f) { return (int)f.os; }

/* The descriptor of a fresh open of path, checked to be a regular file.
 * O_NONBLOCK keeps a read-only open of a FIFO from waiting for a writer. */
static int open_fd(const char *path, unsigned flags, int *out)
{
    int oflags = O_CLOEXEC | O_NONBLOCK;
    oflags |= flags & OTTO__FILE_WRITE ? O_RDWR : O_RDONLY;
    if ((flags & OTTO__FILE_CREATE) && (flags & OTTO__FILE_WRITE))
        oflags |= O_CREAT;
    int fd;
    do
        fd = open(path, oflags, 0644);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return fail(OTTO_EIO, NULL, errno);
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return fail(OTTO_EIO, "fstat", e);
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return fail_text(OTTO_EIO, NULL, "not a regular file");
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
        int e = errno;
        close(fd);
        return fail(OTTO_EIO, "fcntl", e);
    }
    *out = fd;
    return OTTO_OK;
}

int otto__file_open(const char *path, unsigned flags, otto__file *out)
{
    out->os = OTTO__FILE_NONE;
    int fd, rc = open_fd(path, flags, &fd);
    if (!rc)
        out->os = fd;
    return rc;
}

void otto__file_close(otto__file *f)
{
    if (f->os != OTTO__FILE_NONE)
        close(fd_of(*f)); /* not retried on EINTR: the descriptor is gone either way */
    f->os = OTTO__FILE_NONE;
}

int otto__file_reopen(otto__file *f, const char *path, unsigned flags)
{
    otto__file_id was = {0, 0}, now = {0, 0};
    int rc = otto__file_id_of(*f, &was, NULL);
    if (rc)
        return rc;
    int fd;
    rc = open_fd(path, flags, &fd);
    if (rc)
        return rc;
    otto__file nf = {fd};
    rc = otto__file_id_of(nf, &now, NULL);
    if (!rc && !otto__file_id_equal(was, now))
        rc = fail_text(OTTO_EIO, NULL, "the file was replaced since it was opened");
#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__)
    if (!rc && dup3(fd, fd_of(*f), O_CLOEXEC) < 0)
        rc = fail(OTTO_EIO, "dup3", errno);
#else
    if (!rc && (dup2(fd, fd_of(*f)) < 0 || fcntl(fd_of(*f), F_SETFD, FD_CLOEXEC) != 0))
        rc = fail(OTTO_EIO, "dup2", errno);
#endif
    close(fd);
    return rc;
}

int otto__file_lock(otto__file f, int exclusive)
{
    while (flock(fd_of(f), exclusive ? LOCK_EX : LOCK_SH) != 0)
        if (errno != EINTR)
            return fail(OTTO_EIO, NULL, errno);
    return OTTO_OK;
}

int otto__file_unlock(otto__file f)
{
    while (flock(fd_of(f), LOCK_UN) != 0)
        if (errno != EINTR)
            return fail(OTTO_EIO, NULL, errno);
    return OTTO_OK;
}

int otto__file_sync(otto__file f)
{
    return fsync(fd_of(f)) == 0 ? OTTO_OK : fail(OTTO_EIO, NULL, errno);
}

int otto__file_sync_data(otto__file f)
{
#if defined(__APPLE__) /* no fdatasync */
    return otto__file_sync(f);
#else
    return fdatasync(fd_of(f)) == 0 ? OTTO_OK : fail(OTTO_EIO, NULL, errno);
#endif
}

int otto__file_size(otto__file f, uint64_t *size)
{
    struct stat sb;
    if (fstat(fd_of(f), &sb) != 0)
        return fail(OTTO_EIO, NULL, errno);
    *size = (uint64_t)sb.st_size;
    return OTTO_OK;
}

int otto__file_truncate(otto__file f, uint64_t size)
{
    if (size > (uint64_t)INT64_MAX)
        return fail(OTTO_EIO, NULL, EFBIG);
    while (ftruncate(fd_of(f), (off_t)size) != 0)
        if (errno != EINTR)
            return fail(OTTO_EIO, NULL, errno);
    return OTTO_OK;
}

int otto__file_read_at(otto__file f, void *buf, size_t n, uint64_t off, size_t *got)
{
    *got = 0;
    if (off > (uint64_t)INT64_MAX)
        return fail(OTTO_EIO, NULL, EINVAL);
    ssize_t r;
    do
        r = pread(fd_of(f), buf, n, (off_t)off);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return fail(OTTO_EIO, NULL, errno);
    *got = (size_t)r;
    return OTTO_OK;
}

int otto__file_write_at(otto__file f, const void *buf, size_t n, uint64_t off)
{
    const unsigned char *p = buf;
    while (n) {
        if (off > (uint64_t)INT64_MAX)
            return fail(OTTO_EIO, NULL, EFBIG);
        ssize_t w = pwrite(fd_of(f), p, n, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return fail(OTTO_EIO, NULL, errno);
        if (w == 0)
            return fail_text(OTTO_EIO, NULL, "no progress");
        p += w;
        n -= (size_t)w;
        off += (uint64_t)w;
    }
    return OTTO_OK;
}

/* ---- which file ----------------------------------------------------------------------------- */

int otto__file_id_of(otto__file f, otto__file_id *id, int *linked)
{
    struct stat sb;
    if (fstat(fd_of(f), &sb) != 0)
        return fail(OTTO_EIO, NULL, errno);
    if (id) {
        id->device = (uint64_t)sb.st_dev;
        id->inode = (uint64_t)sb.st_ino;
    }
    if (linked)
        *linked = sb.st_nlink > 0;
    return OTTO_OK;
}

int otto__path_id(const char *path, otto__file_id *id)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return fail(errno == ENOENT || errno == ENOTDIR ? OTTO_ENOTFOUND : OTTO_EIO, NULL, errno);
    id->device = (uint64_t)sb.st_dev;
    id->inode = (uint64_t)sb.st_ino;
    return OTTO_OK;
}

int otto__path_absolute(const char *path, char *buf, size_t cap)
{
    char *r = realpath(path, NULL); /* libc's malloc: copied, then freed */
    if (!r)
        return fail(OTTO_EIO, NULL, errno);
    size_t len = strlen(r);
    int rc = len < cap ? OTTO_OK : fail(OTTO_EIO, NULL, ENAMETOOLONG);
    if (!rc)
        memcpy(buf, r, len + 1);
    free(r);
    return rc;
}

#else
typedef int otto__posix_unused; /* ISO C wants a declaration in every file */
#endif
