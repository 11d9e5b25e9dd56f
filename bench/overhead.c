/* bench/overhead: the core's cost per trial with the random sampler in 10-D:
 * ask + 10 suggests + tell, at history sizes 100 .. 100k, and memory per
 * finished trial (heap bytes through a counting allocator, and RSS
 * growth). Not a test: timings on shared machines are noisy.
 *   usage: overhead [max_history]   (default 100000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <otto/otto.h>

#include "bench_util.h"

static const char *names[10] = {"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"};

typedef struct counter {
    long long bytes;
} counter;

/* Counts live bytes with a small header holding each block's size. */
static void *c_malloc(void *ud, size_t n)
{
    size_t *p = malloc(n + 16);
    if (!p)
        return NULL;
    *p = n;
    ((counter *)ud)->bytes += (long long)n;
    return (char *)p + 16;
}
static void c_free(void *ud, void *q)
{
    if (!q)
        return;
    size_t *p = (size_t *)((char *)q - 16);
    ((counter *)ud)->bytes -= (long long)*p;
    free(p);
}
static void *c_realloc(void *ud, void *q, size_t n)
{
    if (!q)
        return c_malloc(ud, n);
    size_t *p = (size_t *)((char *)q - 16);
    size_t old = *p;
    size_t *r = realloc(p, n + 16);
    if (!r)
        return NULL;
    *r = n;
    ((counter *)ud)->bytes += (long long)n - (long long)old;
    return (char *)r + 16;
}

static int one_trial(otto_study *s)
{
    otto_trial *t;
    if (otto_study_ask(s, &t))
        return 1;
    double sum = 0;
    for (int k = 0; k < 10; k++) {
        double x;
        if (otto_trial_suggest_float(t, names[k], -5, 5, 0, 0, &x))
            return 1;
        sum += x * x;
    }
    return otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &sum, 1);
}

static otto_study *new_study(const otto_allocator *a)
{
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = 1;
    so.allocator = a;
    if (otto_sampler_random_create(NULL, &so.sampler))
        return NULL;
    otto_study *s;
    return otto_study_create(&so, &s) ? NULL : s;
}

/* Current resident set size in bytes (Linux /proc), or -1. */
static long long rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long long size, resident;
    int ok = f && fscanf(f, "%lld %lld", &size, &resident) == 2;
    if (f)
        fclose(f);
    return ok ? resident * sysconf(_SC_PAGESIZE) : -1;
}

int main(int argc, char **argv)
{
    long max_history = argc > 1 ? atol(argv[1]) : 100000;
    printf("otto %s: random sampler, 10 float params, ask + 10 suggest + tell\n",
           otto_version_string());
    counter c = {0};
    otto_allocator a = {c_malloc, c_realloc, c_free, &c};
    long long rss0 = rss_bytes();
    otto_study *counted = new_study(&a);
    long long heap0 = c.bytes;
    for (long i = 0; i < max_history; i++)
        if (one_trial(counted))
            return 1;
    long long rss1 = rss_bytes();
    printf("memory per finished 10-param trial over %ld trials: %.0f B heap (otto's own "
           "allocations), %.0f B RSS growth\n",
           max_history, (double)(c.bytes - heap0) / (double)max_history,
           (double)(rss1 - rss0) / (double)max_history);
    otto_study_destroy(counted);
    printf("%10s %14s %14s\n", "history", "us/trial(med)", "us/trial(min)");
    for (long n = 100; n <= max_history; n *= 10) {
        /* fill to n trials, then time 9 batches of 1000 further trials (so
         * the history grows by 9,000 while measured; compare rows to see
         * that the cost does not depend on the history size) */
        otto_study *s = new_study(NULL);
        for (long i = 0; i < n; i++)
            if (one_trial(s))
                return 1;
        enum { BATCHES = 9, BATCH = 1000 };
        double per[BATCHES];
        for (int b = 0; b < BATCHES; b++) {
            double t0 = bench_now();
            for (int i = 0; i < BATCH; i++)
                if (one_trial(s))
                    return 1;
            per[b] = (bench_now() - t0) / BATCH * 1e6;
        }
        qsort(per, BATCHES, sizeof per[0], bench_cmp_double);
        printf("%10ld %14.3f %14.3f\n", n, per[BATCHES / 2], per[0]);
        otto_study_destroy(s);
    }

    return 0;
}
