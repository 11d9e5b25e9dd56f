/* The platform interface (platform.h) on Windows 7 and later, for mingw-w64
 * and MSVC: UTF-8 paths, handles shared like POSIX descriptors, LockFileEx
 * locks. Compiles to nothing elsewhere. */
#if defined(_WIN32)

#if !defined(WIN32_LEAN_AND_MEAN)
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <ntsecapi.h> /* RtlGenRandom (advapi32, which every program links) */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

#if defined(_MSC_VER)
#pragma comment(lib, "advapi32.lib")
#endif

static _Thread_local char reason[256];

const char *otto__os_reason(void) { return reason; }

static int fail_text(int code, const char *what, const char *text)
{
    snprintf(reason, sizeof reason, "%s%s%s", what ? what : "", what ? ": " : "", text);
    return code;
}

/* The system's text for err, on one line, with its number. */
static int fail(int code, const char *what, DWORD err)
{
    char msg[200];
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS |
                                 FORMAT_MESSAGE_MAX_WIDTH_MASK,
                             NULL, err, 0, msg, sizeof msg, NULL);
    while (n && (msg[n - 1] == ' ' || msg[n - 1] == '.' || msg[n - 1] == '\r' ||
                 msg[n - 1] == '\n'))
        n--;
    msg[n] = 0;
    char text[240];
    snprintf(text, sizeof text, "%s (Windows error %lu)", n ? msg : "unknown error",
             (unsigned long)err);
    return fail_text(code, what, text);
}

/* A UTF-8 path as Windows takes it: UTF-16 on the stack, or on the heap
 * when longer than MAX_PATH. */
typedef struct wpath {
    wchar_t small[MAX_PATH + 1];
    wchar_t *p;
} wpath;

static int wide(const char *path, wpath *w)
{
    w->p = NULL;
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, NULL, 0);
    if (n <= 0)
        return fail(OTTO_EIO, "the path is not UTF-8", GetLastError());
    w->p = n <= MAX_PATH + 1 ? w->small : malloc((size_t)n * sizeof(wchar_t));
    if (!w->p)
        return fail_text(OTTO_EIO, NULL, "out of memory for the path");
    MultiByteToWideChar(CP_UTF8, 0, path, -1, w->p, n);
    return OTTO_OK;
}

static void wide_free(wpath *w)
{
    if (w->p != w->small)
        free(w->p);
}

/* ---- entropy -------------------------------------------------------------------------------- */

int otto__os_entropy(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n) {
        ULONG want = n < 65536 ? (ULONG)n : 65536;
        if (!RtlGenRandom(p, want))
            return fail(OTTO_EIO, "RtlGenRandom", GetLastError());
        p += want;
        n -= want;
    }
    return OTTO_OK;
}

/* ---- time ----------------------------------------------------------------------------------- */

double otto__wall_time(void)
{
    FILETIME ft; /* 100 ns since 1601 */
    GetSystemTimePreciseAsFileTime(&ft);
    uint64_t t = ((uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime) - 116444736000000000ULL;
    return (double)(t / 10000000u) + (double)(t % 10000000u) * 1e-7;
}

double otto__monotonic_time(void)
{
    LARGE_INTEGER f, c;
    QueryPerformanceFrequency(&f); /* fixed at boot; never fails since Windows XP */
    QueryPerformanceCounter(&c);
    return (double)(c.QuadPart / f.QuadPart) + (double)(c.QuadPart % f.QuadPart) / (double)f.QuadPart;
}

void otto__os_sleep(double s)
{
    if (!(s > 0))
        return;
    double ms = s * 1000;
    DWORD d = ms >= 4e9 ? 4000000000u : (DWORD)ms + ((double)(DWORD)ms < ms);
    Sleep(d);
}

/* ---- the machine and the process -------------------------------------------------------- */

int otto__os_cpu_count(void)
{
    DWORD n = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
    return n ? (int)n : 1;
}

uint64_t otto__os_pid(void) { return GetCurrentProcessId(); }

/* ---- files ---------------------------------------------------------------------------------- */

static HANDLE h_of(otto__file f) { return (HANDLE)f.os; }

/* The lock byte: far past any data, so that Windows' mandatory byte-range
 * locks behave as advisory whole-file ones and never block reading or
 * writing the data (SQLite's lock bytes work the same way). */
#define LOCK_AT 0x4000000000000000ULL

static OVERLAPPED at(uint64_t off)
{
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.Offset = (DWORD)off;
    ov.OffsetHigh = (DWORD)(off >> 32);
    return ov;
}

static int open_handle(const char *path, unsigned flags, HANDLE *out)
{
    wpath w;
    int rc = wide(path, &w);
    if (rc)
        return rc;
    DWORD access = GENERIC_READ | (flags & OTTO__FILE_WRITE ? GENERIC_WRITE : 0);
    DWORD how = (flags & OTTO__FILE_CREATE) && (flags & OTTO__FILE_WRITE) ? OPEN_ALWAYS
                                                                          : OPEN_EXISTING;
    /* not inheritable (no SECURITY_ATTRIBUTES): the close-on-exec of Windows */
    HANDLE h = CreateFileW(w.p, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, how, FILE_ATTRIBUTE_NORMAL, NULL);
    DWORD e = GetLastError();
    wide_free(&w);
    if (h == INVALID_HANDLE_VALUE)
        return fail(OTTO_EIO, NULL, e);
    if (GetFileType(h) != FILE_TYPE_DISK) {
        CloseHandle(h);
        return fail_text(OTTO_EIO, NULL, "not a regular file");
    }
    *out = h;
    return OTTO_OK;
}

int otto__file_open(const char *path, unsigned flags, otto__file *out)
{
    out->os = OTTO__FILE_NONE;
    HANDLE h;
    int rc = open_handle(path, flags, &h);
    if (!rc)
        out->os = (intptr_t)h;
    return rc;
}

void otto__file_close(otto__file *f)
{
    if (f->os != OTTO__FILE_NONE)
        CloseHandle(h_of(*f));
    f->os = OTTO__FILE_NONE;
}

int otto__file_reopen(otto__file *f, const char *path, unsigned flags)
{
    otto__file_id was = {0, 0}, now = {0, 0};
    int rc = otto__file_id_of(*f, &was, NULL);
    if (rc)
        return rc;
    HANDLE h;
    rc = open_handle(path, flags, &h);
    if (rc)
        return rc;
    otto__file nf = {(intptr_t)h};
    rc = otto__file_id_of(nf, &now, NULL);
    if (!rc && !otto__file_id_equal(was, now))
        rc = fail_text(OTTO_EIO, NULL, "the file was replaced since it was opened");
    if (rc) {
        CloseHandle(h);
        return rc;
    }
    CloseHandle(h_of(*f));
    f->os = (intptr_t)h;
    return OTTO_OK;
}

int otto__file_lock(otto__file f, int exclusive)
{
    OVERLAPPED ov = at(LOCK_AT);
    if (!LockFileEx(h_of(f), exclusive ? LOCKFILE_EXCLUSIVE_LOCK : 0, 0, 1, 0, &ov))
        return fail(OTTO_EIO, NULL, GetLastError());
    return OTTO_OK;
}

int otto__file_unlock(otto__file f)
{
    OVERLAPPED ov = at(LOCK_AT);
    if (!UnlockFileEx(h_of(f), 0, 1, 0, &ov))
        return fail(OTTO_EIO, NULL, GetLastError());
    return OTTO_OK;
}

int otto__file_sync(otto__file f)
{
    return FlushFileBuffers(h_of(f)) ? OTTO_OK : fail(OTTO_EIO, NULL, GetLastError());
}

int otto__file_sync_data(otto__file f) { return otto__file_sync(f); }

int otto__file_size(otto__file f, uint64_t *size)
{
    LARGE_INTEGER n;
    if (!GetFileSizeEx(h_of(f), &n))
        return fail(OTTO_EIO, NULL, GetLastError());
    *size = (uint64_t)n.QuadPart;
    return OTTO_OK;
}

int otto__file_truncate(otto__file f, uint64_t size)
{
    FILE_END_OF_FILE_INFO eof;
    eof.EndOfFile.QuadPart = (LONGLONG)size;
    if (size > (uint64_t)INT64_MAX ||
        !SetFileInformationByHandle(h_of(f), FileEndOfFileInfo, &eof, sizeof eof))
        return fail(OTTO_EIO, NULL, size > (uint64_t)INT64_MAX ? ERROR_INVALID_PARAMETER
                                                                : GetLastError());
    return OTTO_OK;
}

int otto__file_read_at(otto__file f, void *buf, size_t n, uint64_t off, size_t *got)
{
    *got = 0;
    OVERLAPPED ov = at(off);
    DWORD want = n < 0x40000000 ? (DWORD)n : 0x40000000, r = 0;
    if (!ReadFile(h_of(f), buf, want, &r, &ov)) {
        DWORD e = GetLastError();
        return e == ERROR_HANDLE_EOF ? OTTO_OK : fail(OTTO_EIO, NULL, e);
    }
    *got = r;
    return OTTO_OK;
}

int otto__file_write_at(otto__file f, const void *buf, size_t n, uint64_t off)
{
    const unsigned char *p = buf;
    while (n) {
        OVERLAPPED ov = at(off);
        DWORD want = n < 0x40000000 ? (DWORD)n : 0x40000000, w = 0;
        if (!WriteFile(h_of(f), p, want, &w, &ov))
            return fail(OTTO_EIO, NULL, GetLastError());
        if (w == 0)
            return fail_text(OTTO_EIO, NULL, "no progress");
        p += w;
        n -= w;
        off += w;
    }
    return OTTO_OK;
}

/* ---- which file ----------------------------------------------------------------------------- */

int otto__file_id_of(otto__file f, otto__file_id *id, int *linked)
{
    if (id) { /* (asks for the volume's serial: the slow part, under wine above all) */
        BY_HANDLE_FILE_INFORMATION bi;
        if (!GetFileInformationByHandle(h_of(f), &bi))
            return fail(OTTO_EIO, NULL, GetLastError());
        id->device = bi.dwVolumeSerialNumber;
        id->inode = (uint64_t)bi.nFileIndexHigh << 32 | bi.nFileIndexLow;
    }
    if (linked) { /* a removed file keeps its name until closed, marked delete-pending */
        FILE_STANDARD_INFO si;
        if (!GetFileInformationByHandleEx(h_of(f), FileStandardInfo, &si, sizeof si))
            return fail(OTTO_EIO, NULL, GetLastError());
        *linked = !si.DeletePending && si.NumberOfLinks > 0;
    }
    return OTTO_OK;
}

int otto__path_id(const char *path, otto__file_id *id)
{
    wpath w;
    int rc = wide(path, &w);
    if (rc)
        return rc;
    /* no access asked: only the attributes; directories need BACKUP_SEMANTICS */
    HANDLE h = CreateFileW(w.p, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    DWORD e = GetLastError();
    wide_free(&w);
    if (h == INVALID_HANDLE_VALUE)
        return fail(e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND ? OTTO_ENOTFOUND
                                                                            : OTTO_EIO,
                    NULL, e);
    otto__file f = {(intptr_t)h};
    rc = otto__file_id_of(f, id, NULL);
    CloseHandle(h);
    return rc;
}

int otto__path_absolute(const char *path, char *buf, size_t cap)
{
    wpath w;
    int rc = wide(path, &w);
    if (rc)
        return rc;
    otto__file_id id; /* as realpath: the file must exist */
    rc = otto__path_id(path, &id) ? OTTO_EIO : OTTO_OK;
    DWORD n = rc ? 0 : GetFullPathNameW(w.p, 0, NULL, NULL);
    wchar_t *full = n ? malloc((size_t)n * sizeof(wchar_t)) : NULL;
    if (!rc && !n)
        rc = fail(OTTO_EIO, NULL, GetLastError());
    else if (!rc && !full)
        rc = fail_text(OTTO_EIO, NULL, "out of memory for the path");
    if (!rc && GetFullPathNameW(w.p, n, full, NULL) == 0)
        rc = fail(OTTO_EIO, NULL, GetLastError());
    if (!rc && cap > INT_MAX)
        cap = INT_MAX;
    if (!rc && WideCharToMultiByte(CP_UTF8, 0, full, -1, buf, (int)cap, NULL, NULL) == 0)
        rc = fail(OTTO_EIO, NULL, GetLastError());
    free(full);
    wide_free(&w);
    return rc;
}

#else
typedef int otto__win32_unused; /* ISO C wants a declaration in every file */
#endif
