/* The few operating-system services otto's tests and examples need beyond
 * C (temporary directories, sleeping, child processes), the same on POSIX
 * and Windows. Child processes are this program started again with other
 * arguments (posix_spawn, CreateProcess): where there is no fork(), that is
 * how a test runs workers in processes of their own. */
#ifndef OTTO_TESTOS_H
#define OTTO_TESTOS_H

#include <stddef.h>
#include <stdint.h>

/* Call first in main: remembers how this program was started. */
void testos_init(int argc, char **argv);

/* The directory for temporary files (TMPDIR or /tmp; Windows' temp dir). */
const char *testos_tmp(void);
/* A fresh, empty directory named prefix-XXXX under testos_tmp(), its path
 * in buf; 0 or -1. */
int testos_mkdtemp(char *buf, size_t cap, const char *prefix);
int testos_mkdir(const char *path);   /* 0 or -1 */
int testos_rmtree(const char *path);  /* a file or a directory with all in it; 0 or -1 */
int testos_exists(const char *path);
/* rename(from, to), replacing an existing to on Windows too; 0 or -1. */
int testos_replace(const char *from, const char *to);
void testos_sleep(double s);
unsigned long testos_pid(void);

/* ---- child processes ------------------------------------------------------------------- */
typedef struct testos_child {
    intptr_t handle; /* a pid or a process HANDLE */
    int killed;      /* by testos_kill */
} testos_child;

#define TESTOS_KILLED (-2)  /* testos_wait: ended by testos_kill or a signal */
#define TESTOS_RUNNING (-3) /* testos_try_wait: not ended yet */

/* This program again with args (NULL-terminated, argv[1] on); 0 or -1. */
int testos_spawn_self(testos_child *c, const char *const *args);
/* Wait for it to end: its exit status, TESTOS_KILLED, or -1 on error. */
int testos_wait(testos_child *c);
/* testos_wait without waiting: TESTOS_RUNNING while it runs. */
int testos_try_wait(testos_child *c);
/* End it at once, as SIGKILL does (TerminateProcess on Windows). */
int testos_kill(testos_child *c);

/* fork() where the system has it: whether, and then the child's id (0 in
 * the child) or -1; testos_wait_forked gives its status as testos_wait. */
int testos_have_fork(void);
long testos_fork(void);
int testos_wait_forked(long pid);

#endif /* OTTO_TESTOS_H */
