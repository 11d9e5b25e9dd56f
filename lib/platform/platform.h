/* The operating system behind one small private interface (lib/platform):
 * entropy, clocks, sleeping, CPU count, and files with whole-file locks and
 * durable writes. posix.c and win32.c implement it; nothing else in otto
 * knows which OS it runs on. Depends on nothing but libc and the status codes.
 *
 * Threads: otto uses POSIX threads directly (mutexes, condition variables,
 * pthread_once, create/join) on every platform: glibc and musl, emscripten
 * (where, built without -pthread, mutexes work and thread creation fails
 * cleanly), and mingw-w64's winpthreads on Windows. Condition-variable
 * deadlines are absolute otto__wall_time() seconds (see otto__timespec_at).
 *
 * Errors: a function that can fail returns OTTO_OK or OTTO_EIO (OTTO_ENOTFOUND
 * where said) and keeps the OS's reason (strerror, FormatMessage) for the
 * calling thread, to be read with otto__os_reason() right after the call.
 * Nothing here falls back silently to something weaker, prints or aborts. */
#ifndef OTTO_PLATFORM_H
#define OTTO_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "otto/status.h"

/* The reason the calling thread's last failed platform call failed (one
 * line, never NULL; "" before any failure). */
const char *otto__os_reason(void);

/* ---- entropy ---------------------------------------------------------------------------- */
/* n bytes from the OS's cryptographic generator (getrandom, getentropy or
 * /dev/urandom; RtlGenRandom on Windows). OTTO_EIO when it cannot give them. */
int otto__os_entropy(void *buf, size_t n);

/* ---- time ------------------------------------------------------------------------------- */
double otto__wall_time(void);      /* seconds since the Unix epoch */
double otto__monotonic_time(void); /* seconds, arbitrary origin, never jumps back */
/* An absolute wall time (otto__wall_time seconds, >= 0) as
 * pthread_cond_timedwait takes it. */
static inline struct timespec otto__timespec_at(double wall_seconds)
{
    struct timespec ts;
    ts.tv_sec = (time_t)wall_seconds;
    ts.tv_nsec = (long)((wall_seconds - (double)ts.tv_sec) * 1e9);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}
/* Sleep about s seconds (s <= 0: return at once). */
void otto__os_sleep(double s);

/* ---- the machine and the process ----------------------------------------------------- */
int otto__os_cpu_count(void); /* processors online, at least 1 */
/* This process's id: a child made by fork() sees a different one, which is
 * how storage notices it runs in a child. */
uint64_t otto__os_pid(void);

/* ---- files ------------------------------------------------------------------------------ */
/* An open file: a descriptor (POSIX) or a HANDLE (Windows). Never inherited
 * by programs the process starts (O_CLOEXEC; a non-inheritable handle). */
typedef struct otto__file {
    intptr_t os; /* OTTO__FILE_NONE when closed */
} otto__file;
#define OTTO__FILE_NONE ((intptr_t)-1)

enum {
    OTTO__FILE_WRITE = 1u,  /* open for reading and writing (else read only) */
    OTTO__FILE_CREATE = 2u, /* create it (mode 0644 less the umask) if absent; with WRITE */
};

/* Open path (UTF-8) for I/O at explicit offsets. Paths to anything but a
 * regular file are refused. Other processes may open, rename and remove the
 * file while it is open, as on POSIX. */
int otto__file_open(const char *path, unsigned flags, otto__file *out);
/* Close and set f->os to OTTO__FILE_NONE; a closed file is left alone. */
void otto__file_close(otto__file *f);
/* Open path again with flags and put the new open file in f's place (the
 * same descriptor number on POSIX), failing when path no longer leads to
 * the file f is. For a process made by fork(), which shares its parent's
 * open file and with it the parent's lock. */
int otto__file_reopen(otto__file *f, const char *path, unsigned flags);

/* Whole-file advisory locks between processes: several shared holders or one
 * exclusive. A lock belongs to the open file (flock(2) on POSIX, LockFileEx
 * on one byte far past any data on Windows, so reads and writes of the data
 * are never blocked by it), so two opens in one process exclude each other
 * too; a process that ends, however, drops its locks. lock blocks until the
 * lock is granted. */
int otto__file_lock(otto__file f, int exclusive);
int otto__file_unlock(otto__file f);

/* Durable writes: what was written reaches the disk before return
 * (fsync / FlushFileBuffers); sync_data may leave out metadata that does not
 * matter for reading the data back (fdatasync). */
int otto__file_sync(otto__file f);
int otto__file_sync_data(otto__file f);

int otto__file_size(otto__file f, uint64_t *size);
int otto__file_truncate(otto__file f, uint64_t size);
/* Read up to n bytes at off (one call to the OS, retried when interrupted;
 * *got = 0 at the end of the file). */
int otto__file_read_at(otto__file f, void *buf, size_t n, uint64_t off, size_t *got);
/* Write all n bytes at off (extending the file as needed). */
int otto__file_write_at(otto__file f, const void *buf, size_t n, uint64_t off);

/* ---- which file: device and inode (volume serial and file index) -------------------- */
typedef struct otto__file_id {
    uint64_t device, inode;
} otto__file_id;

/* The identity of an open file; *linked (may be NULL) is 0 once the file
 * has no name left (removed while open). id may be NULL when only linked is
 * wanted, which spares Windows a query of the volume. */
int otto__file_id_of(otto__file f, otto__file_id *id, int *linked);
/* The identity of the file at path (symbolic links followed): OTTO_ENOTFOUND
 * when there is none, OTTO_EIO when it cannot be told. */
int otto__path_id(const char *path, otto__file_id *id);
static inline int otto__file_id_equal(otto__file_id a, otto__file_id b)
{
    return a.device == b.device && a.inode == b.inode;
}

/* path made absolute (POSIX: every link and . or .. resolved), in buf of cap
 * bytes; the file must exist. OTTO_EIO when it cannot be, or does not fit. */
#define OTTO__PATH_MAX 4096
int otto__path_absolute(const char *path, char *buf, size_t cap);

#endif /* OTTO_PLATFORM_H */
