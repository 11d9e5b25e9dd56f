/* testos.h on POSIX (posix_spawn, fork, nftw-free recursive removal) and on
 * Windows (CreateProcessW, TerminateProcess, the Win32 file API). Test code,
 * so it may name the OS; the library never does outside lib/platform. */
#if !defined(_WIN32) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#include "testos.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(_WIN32)
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#else
#include <dirent.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
extern char **environ;
#endif

static char self[4096];
static char tmp[1024];
static unsigned counter;

void testos_init(int argc, char **argv)
{
    (void)argc;
#if defined(_WIN32)
    GetModuleFileNameA(NULL, self, sizeof self);
    DWORD n = GetTempPathA(sizeof tmp, tmp);
    if (n == 0 || n >= sizeof tmp)
        snprintf(tmp, sizeof tmp, ".");
    else if (n > 1 && (tmp[n - 1] == '\\' || tmp[n - 1] == '/'))
        tmp[n - 1] = 0;
#else
    const char *t = getenv("TMPDIR");
    snprintf(tmp, sizeof tmp, "%s", t && t[0] ? t : "/tmp");
    if (!argv || !argv[0] || !strchr(argv[0], '/') || !realpath(argv[0], self))
        snprintf(self, sizeof self, "/proc/self/exe");
#endif
}

const char *testos_tmp(void)
{
    if (!tmp[0])
        testos_init(0, NULL);
    return tmp;
}

int testos_mkdtemp(char *buf, size_t cap, const char *prefix)
{
    for (int attempt = 0; attempt < 1000; attempt++) {
        unsigned long salt = (unsigned long)time(NULL) ^ (unsigned long)clock();
        snprintf(buf, cap, "%s/%s-%lu-%u-%lx", testos_tmp(), prefix, testos_pid(), ++counter,
                 salt & 0xffff);
        if (testos_mkdir(buf) == 0)
            return 0;
        if (errno != EEXIST)
            return -1;
    }
    return -1;
}

#if defined(_WIN32)

int testos_mkdir(const char *path)
{
    if (CreateDirectoryA(path, NULL))
        return 0;
    errno = GetLastError() == ERROR_ALREADY_EXISTS ? EEXIST : EIO;
    return -1;
}

int testos_exists(const char *path) { return GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES; }

int testos_rmtree(const char *path)
{
    DWORD attr = GetFileAttributesA(path);
    if (attr == INVALID_FILE_ATTRIBUTES)
        return -1;
    if (!(attr & FILE_ATTRIBUTE_DIRECTORY))
        return DeleteFileA(path) ? 0 : -1;
    char pattern[MAX_PATH + 4];
    snprintf(pattern, sizeof pattern, "%s\\*", path);
    WIN32_FIND_DATAA fd;
    HANDLE h = FindFirstFileA(pattern, &fd);
    int rc = 0;
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if (!strcmp(fd.cFileName, ".") || !strcmp(fd.cFileName, ".."))
                continue;
            char sub[MAX_PATH + 1];
            snprintf(sub, sizeof sub, "%s\\%s", path, fd.cFileName);
            rc |= testos_rmtree(sub);
        } while (FindNextFileA(h, &fd));
        FindClose(h);
    }
    return RemoveDirectoryA(path) && !rc ? 0 : -1;
}

void testos_sleep(double s)
{
    if (s > 0)
        Sleep((DWORD)(s * 1000 + 0.5));
}

unsigned long testos_pid(void) { return GetCurrentProcessId(); }

/* Append arg to a command line as CommandLineToArgvW reads it back. */
static void quote(char *cmd, size_t cap, const char *arg)
{
    size_t n = strlen(cmd);
    if (n + 1 < cap && n)
        cmd[n++] = ' ';
    if (n + 1 < cap)
        cmd[n++] = '"';
    for (const char *p = arg;; p++) {
        size_t slashes = 0;
        while (*p == '\\') {
            p++;
            slashes++;
        }
        /* backslashes double before a quote (ours at the end or one in arg) */
        size_t reps = !*p || *p == '"' ? 2 * slashes : slashes;
        for (size_t k = 0; k < reps && n + 1 < cap; k++)
            cmd[n++] = '\\';
        if (!*p)
            break;
        if (*p == '"' && n + 1 < cap)
            cmd[n++] = '\\';
        if (n + 1 < cap)
            cmd[n++] = *p;
    }
    if (n + 1 < cap)
        cmd[n++] = '"';
    cmd[n] = 0;
}

int testos_spawn_self(testos_child *c, const char *const *args)
{
    c->handle = 0;
    c->killed = 0;
    char cmd[8192] = "";
    quote(cmd, sizeof cmd, self);
    for (size_t i = 0; args[i]; i++)
        quote(cmd, sizeof cmd, args[i]);
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    if (!CreateProcessA(self, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
        return -1;
    CloseHandle(pi.hThread);
    c->handle = (intptr_t)pi.hProcess;
    return 0;
}

int testos_wait(testos_child *c)
{
    HANDLE h = (HANDLE)c->handle;
    DWORD code = 0;
    if (WaitForSingleObject(h, INFINITE) != WAIT_OBJECT_0 || !GetExitCodeProcess(h, &code))
        return -1;
    CloseHandle(h);
    c->handle = 0;
    return c->killed ? TESTOS_KILLED : (int)code;
}

int testos_try_wait(testos_child *c)
{
    if (WaitForSingleObject((HANDLE)c->handle, 0) == WAIT_TIMEOUT)
        return TESTOS_RUNNING;
    return testos_wait(c);
}

int testos_kill(testos_child *c)
{
    c->killed = 1;
    return TerminateProcess((HANDLE)c->handle, 137) ? 0 : -1;
}

int testos_replace(const char *from, const char *to)
{
    return MoveFileExA(from, to, MOVEFILE_REPLACE_EXISTING) ? 0 : -1;
}

int testos_have_fork(void) { return 0; }

long testos_fork(void)
{
    errno = ENOSYS;
    return -1;
}

int testos_wait_forked(long pid)
{
    (void)pid;
    return -1;
}

#else /* POSIX */

int testos_mkdir(const char *path) { return mkdir(path, 0700); }

int testos_exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

int testos_rmtree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return -1;
    if (!S_ISDIR(sb.st_mode))
        return unlink(path);
    DIR *d = opendir(path);
    int rc = 0;
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char sub[4096];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            rc |= testos_rmtree(sub);
        }
        closedir(d);
    }
    return rmdir(path) == 0 && !rc ? 0 : -1;
}

void testos_sleep(double s)
{
    if (!(s > 0))
        return;
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

unsigned long testos_pid(void) { return (unsigned long)getpid(); }

int testos_spawn_self(testos_child *c, const char *const *args)
{
    c->handle = 0;
    c->killed = 0;
    size_t n = 0;
    while (args[n])
        n++;
    char **argv = calloc(n + 2, sizeof *argv);
    if (!argv)
        return -1;
    argv[0] = self;
    for (size_t i = 0; i < n; i++)
        argv[i + 1] = (char *)args[i];
    pid_t pid;
    int rc = posix_spawn(&pid, self, NULL, NULL, argv, environ);
    free(argv);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    c->handle = pid;
    return 0;
}

int testos_wait_forked(long pid)
{
    int status;
    pid_t r;
    do
        r = waitpid((pid_t)pid, &status, 0);
    while (r < 0 && errno == EINTR);
    if (r != (pid_t)pid)
        return -1;
    if (WIFSIGNALED(status))
        return TESTOS_KILLED;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int testos_wait(testos_child *c)
{
    int rc = testos_wait_forked((long)c->handle);
    c->handle = 0;
    return rc;
}

int testos_try_wait(testos_child *c)
{
    int status;
    pid_t r;
    do
        r = waitpid((pid_t)c->handle, &status, WNOHANG);
    while (r < 0 && errno == EINTR);
    if (r == 0)
        return TESTOS_RUNNING;
    c->handle = 0;
    if (r < 0)
        return -1;
    if (WIFSIGNALED(status))
        return TESTOS_KILLED;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int testos_kill(testos_child *c)
{
    c->killed = 1;
    return kill((pid_t)c->handle, SIGKILL);
}

int testos_replace(const char *from, const char *to) { return rename(from, to); }

int testos_have_fork(void) { return 1; }

long testos_fork(void) { return (long)fork(); }

#endif
