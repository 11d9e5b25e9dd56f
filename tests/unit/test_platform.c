/* lib/platform on the machine it runs on: entropy, clocks, CPU count, and
 * files (positioned I/O, size and truncation, durable writes, identity,
 * whole-file locks between two opens, which must exclude each other and
 * never block reading the data). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "../common.h"
#include "../testos.h"
#include "common/common.h"
#include "platform/platform.h"

static char base[512];
static int n_paths;

/* A fresh file name in the temporary directory (nothing there yet). */
static void fresh_path(char *out, size_t cap)
{
    snprintf(out, cap, "%s/otto-platform-%llu-%d", base, (unsigned long long)otto__os_pid(),
             ++n_paths);
    remove(out);
}

static void entropy(void **state)
{
    (void)state;
    unsigned char a[300], b[300];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    assert_ok(otto__os_entropy(a, sizeof a)); /* over getentropy's 256-byte limit */
    assert_ok(otto__os_entropy(b, sizeof b));
    assert_memory_not_equal(a, b, sizeof a);
    int zero_tail = 1;
    for (size_t i = 256; i < sizeof a; i++)
        zero_tail &= a[i] == 0;
    assert_false(zero_tail);
    uint64_t x = 0, y = 0;
    assert_ok(otto__entropy64(&x));
    assert_ok(otto__entropy64(&y));
    assert_int_not_equal(x, y);
}

static void clocks_and_machine(void **state)
{
    (void)state;
    assert_true(otto__wall_time() > 1.6e9); /* after 2020 */
    double t0 = otto__monotonic_time();
    otto__os_sleep(0.05);
    double t1 = otto__monotonic_time();
    assert_true(t1 - t0 >= 0.04);
    assert_true(t1 - t0 < 5);
    otto__os_sleep(0);
    otto__os_sleep(-1);
    struct timespec ts = otto__timespec_at(12.75);
    assert_int_equal(ts.tv_sec, 12);
    assert_int_equal(ts.tv_nsec, 750000000L);
    assert_true(otto__os_cpu_count() >= 1);
    assert_true(otto__os_pid() != 0);
    assert_true(otto__os_pid() == otto__os_pid());
}

static void file_io(void **state)
{
    (void)state;
    char path[600];
    fresh_path(path, sizeof path);
    otto__file f;
    assert_status(otto__file_open(path, 0, &f), OTTO_EIO); /* read only: not created */
    assert_true(otto__os_reason()[0] != 0);
    assert_true(f.os == OTTO__FILE_NONE);
    otto__file_id id, id2;
    assert_status(otto__path_id(path, &id), OTTO_ENOTFOUND);
    assert_ok(otto__file_open(path, OTTO__FILE_WRITE | OTTO__FILE_CREATE, &f));
    uint64_t size = 1;
    assert_ok(otto__file_size(f, &size));
    assert_int_equal(size, 0);
    assert_ok(otto__file_write_at(f, "hello", 5, 0));
    assert_ok(otto__file_write_at(f, "world", 5, 100)); /* past the end: a hole of zeros */
    assert_ok(otto__file_size(f, &size));
    assert_int_equal(size, 105);
    char buf[200];
    size_t got = 0;
    assert_ok(otto__file_read_at(f, buf, sizeof buf, 0, &got));
    assert_int_equal(got, 105);
    assert_memory_equal(buf, "hello\0\0", 7);
    assert_memory_equal(buf + 100, "world", 5);
    assert_ok(otto__file_read_at(f, buf, 10, 105, &got));
    assert_int_equal(got, 0); /* the end */
    assert_ok(otto__file_sync(f));
    assert_ok(otto__file_sync_data(f));
    assert_ok(otto__file_truncate(f, 3));
    assert_ok(otto__file_size(f, &size));
    assert_int_equal(size, 3);
    assert_ok(otto__file_read_at(f, buf, 10, 0, &got));
    assert_int_equal(got, 3);
    assert_memory_equal(buf, "hel", 3);

    /* identity: the open file and its path agree, also through the absolute path */
    int linked = 0;
    assert_ok(otto__file_id_of(f, &id, &linked));
    assert_true(linked);
    assert_ok(otto__path_id(path, &id2));
    assert_true(otto__file_id_equal(id, id2));
    char abs[OTTO__PATH_MAX];
    assert_ok(otto__path_absolute(path, abs, sizeof abs));
    assert_ok(otto__path_id(abs, &id2));
    assert_true(otto__file_id_equal(id, id2));
    assert_status(otto__path_absolute(path, abs, 4), OTTO_EIO); /* does not fit */

    /* reopened in place: the same file, still readable */
    assert_ok(otto__file_reopen(&f, path, OTTO__FILE_WRITE));
    assert_ok(otto__file_id_of(f, &id2, NULL));
    assert_true(otto__file_id_equal(id, id2));
    assert_ok(otto__file_read_at(f, buf, 10, 0, &got));
    assert_int_equal(got, 3);

    /* a read-only open reads, and a second file is another identity */
    otto__file r;
    assert_ok(otto__file_open(path, 0, &r));
    assert_ok(otto__file_read_at(r, buf, 10, 1, &got));
    assert_int_equal(got, 2);
    otto__file_close(&r);
    assert_true(r.os == OTTO__FILE_NONE);
    otto__file_close(&r); /* closing twice is harmless */
    char other[600];
    fresh_path(other, sizeof other);
    assert_ok(otto__file_open(other, OTTO__FILE_WRITE | OTTO__FILE_CREATE, &r));
    assert_ok(otto__file_id_of(r, &id2, NULL));
    assert_false(otto__file_id_equal(id, id2));
    otto__file_close(&r);
    remove(other);

    /* a directory is not a file to open */
    assert_status(otto__file_open(base, OTTO__FILE_WRITE, &r), OTTO_EIO);
    otto__file_close(&f);
    assert_int_equal(remove(path), 0);
    assert_true(otto__path_id(path, &id2) != OTTO_OK);
}

typedef struct locker {
    otto__file f;
    int exclusive;
    _Atomic int got;
} locker;

static void *lock_main(void *p)
{
    locker *l = p;
    if (otto__file_lock(l->f, l->exclusive) == OTTO_OK) {
        atomic_store(&l->got, 1);
        otto__file_unlock(l->f);
    } else {
        atomic_store(&l->got, -1);
    }
    return NULL;
}

/* Whether the lock taken by another thread on l's file is granted within
 * about s seconds. */
static int granted_within(locker *l, double s)
{
    for (double t = 0; t < s && !atomic_load(&l->got); t += 0.005)
        otto__os_sleep(0.005);
    return atomic_load(&l->got);
}

static void locks(void **state)
{
    (void)state;
#if defined(__EMSCRIPTEN__)
    /* emscripten's flock grants every lock (one process, no other to
     * exclude); the journal's in-process mutex still orders its threads */
    print_message("locks: skipped: WebAssembly has no file locks between processes\n");
    skip();
#endif
    char path[600];
    fresh_path(path, sizeof path);
    otto__file a, b;
    assert_ok(otto__file_open(path, OTTO__FILE_WRITE | OTTO__FILE_CREATE, &a));
    assert_ok(otto__file_open(path, OTTO__FILE_WRITE, &b));
    assert_ok(otto__file_write_at(a, "data", 4, 0));

    /* exclusive excludes exclusive, until unlocked */
    locker l = {b, 1, 0};
    assert_ok(otto__file_lock(a, 1));
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, lock_main, &l), 0);
    assert_int_equal(granted_within(&l, 0.2), 0);
    /* the lock is advisory: the other open still reads and writes the data */
    char buf[8];
    size_t got = 0;
    assert_ok(otto__file_read_at(b, buf, 4, 0, &got));
    assert_int_equal(got, 4);
    assert_ok(otto__file_write_at(a, "DATA", 4, 0));
    assert_ok(otto__file_unlock(a));
    pthread_join(th, NULL);
    assert_int_equal(atomic_load(&l.got), 1);

    /* shared with shared: both granted at once */
    locker s = {b, 0, 0};
    assert_ok(otto__file_lock(a, 0));
    assert_int_equal(pthread_create(&th, NULL, lock_main, &s), 0);
    assert_int_equal(granted_within(&s, 10), 1);
    pthread_join(th, NULL);
    /* shared excludes exclusive */
    locker x = {b, 1, 0};
    assert_int_equal(pthread_create(&th, NULL, lock_main, &x), 0);
    assert_int_equal(granted_within(&x, 0.2), 0);
    assert_ok(otto__file_unlock(a));
    pthread_join(th, NULL);
    assert_int_equal(atomic_load(&x.got), 1);

    /* a closed open drops its lock */
    assert_ok(otto__file_lock(a, 1));
    otto__file_close(&a);
    assert_ok(otto__file_lock(b, 1));
    assert_ok(otto__file_unlock(b));
    otto__file_close(&b);
    remove(path);
}

int main(int argc, char **argv)
{
    testos_init(argc, argv);
    snprintf(base, sizeof base, "%s", testos_tmp());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(entropy),
        cmocka_unit_test(clocks_and_machine),
        cmocka_unit_test(file_io),
        cmocka_unit_test(locks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
