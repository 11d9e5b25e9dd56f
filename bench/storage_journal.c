/* Journal storage costs: open-and-replay time of a large journal, file size
 * per trial, and the latency of a trial (ask with 10 params + tell) under
 * each sync policy next to an in-memory study.
 *   build/bench/storage_journal [n_trials=100000] [dir=/tmp]
 * Run with OPENBLAS_NUM_THREADS=1 on a quiet machine; timings are medians. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <otto/otto.h>

#include "bench_util.h"

#define N_PARAMS 10

static void die(const char *what, int rc)
{
    fprintf(stderr, "%s: %s: %s\n", what, otto_status_name(rc), otto_last_error_message());
    exit(1);
}

static otto_space *make_space(void)
{
    otto_space *sp;
    otto_space_create(&sp);
    for (int i = 0; i < N_PARAMS; i++) {
        char name[16];
        snprintf(name, sizeof name, "x%d", i);
        otto_space_add_float(sp, name, -5, 5, 0, 0);
    }
    return sp;
}

static otto_study *open_study(const char *path, otto_sync_policy sync, otto_open_mode mode)
{
    otto_storage *st = NULL;
    int rc;
    if (path) {
        otto_storage_options o;
        otto_storage_options_init(&o);
        o.sync = sync;
        if ((rc = otto_storage_journal_open(path, &o, &st)))
            die("journal_open", rc);
    }
    otto_sampler *sm;
    otto_sampler_random_create(NULL, &sm);
    otto_study_options so;
    otto_study_options_init(&so);
    so.name = "bench";
    so.seed = 1;
    so.sampler = sm;
    so.storage = st;
    so.open_mode = st ? mode : OTTO_OPEN_CREATE;
    otto_study *s;
    if ((rc = otto_study_create(&so, &s)))
        die("study_create", rc);
    otto_storage_close(st);
    return s;
}

/* n trials of ask_with + tell; per-trial and per-tell times into arrays. */
static void run(otto_study *s, const otto_space *sp, int n, double *trial_t, double *tell_t)
{
    for (int i = 0; i < n; i++) {
        double t0 = bench_now();
        otto_trial *t;
        int rc = otto_study_ask_with(s, sp, &t);
        if (rc)
            die("ask_with", rc);
        double v = 0, x;
        for (int k = 0; k < N_PARAMS; k++) {
            char name[16];
            snprintf(name, sizeof name, "x%d", k);
            otto_trial_param_float(t, name, &x);
            v += x * x;
        }
        double t1 = bench_now();
        if ((rc = otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1)))
            die("tell", rc);
        double t2 = bench_now();
        if (trial_t)
            trial_t[i] = t2 - t0;
        if (tell_t)
            tell_t[i] = t2 - t1;
    }
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    return v[n / 2];
}

static double pct(double *v, int n, double p) /* v sorted */
{
    return v[(int)(p * (n - 1))];
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 100000;
    const char *dir = argc > 2 ? argv[2] : "/tmp";
    char path[512];
    snprintf(path, sizeof path, "%s/otto-bench-%ld.journal", dir, (long)getpid());
    otto_space *sp = make_space();

    /* a journal of n trials */
    unlink(path);
    double t0 = bench_now();
    otto_study *s = open_study(path, OTTO_SYNC_NONE, OTTO_OPEN_CREATE);
    run(s, sp, n, NULL, NULL);
    otto_study_destroy(s);
    double t_write = bench_now() - t0;
    struct stat sb;
    stat(path, &sb);
    printf("journal: %d trials x %d float params, written in %.2f s (%.1f us/trial, sync none)\n",
           n, N_PARAMS, t_write, 1e6 * t_write / n);
    printf("file size: %.1f MB, %.0f bytes/trial\n", sb.st_size / 1e6, (double)sb.st_size / n);

    /* open and replay (page cache warm after the first) */
    double reps[5];
    for (int r = 0; r < 5; r++) {
        t0 = bench_now();
        s = open_study(path, OTTO_SYNC_EVERY_TELL, OTTO_OPEN_LOAD);
        reps[r] = bench_now() - t0;
        if (otto_study_trial_count(s) != (size_t)n) {
            fprintf(stderr, "replayed %zu trials, expected %d\n", otto_study_trial_count(s), n);
            return 1;
        }
        otto_study_destroy(s);
    }
    printf("open + replay: median %.3f s over 5 runs (min %.3f); %.2f us/trial\n",
           median(reps, 5), reps[0], 1e6 * median(reps, 5) / n);
    unlink(path);

    /* latency per trial under each policy */
    const int m = 2000;
    double *tt = malloc(sizeof *tt * m), *tl = malloc(sizeof *tl * m);
    static const struct { const char *name; int storage; otto_sync_policy sync; } cases[] = {
        {"memory (no storage)", 0, OTTO_SYNC_NONE},
        {"journal, sync none", 1, OTTO_SYNC_NONE},
        {"journal, sync batch (1 s)", 1, OTTO_SYNC_BATCH},
        {"journal, fsync every tell", 1, OTTO_SYNC_EVERY_TELL},
    };
    printf("\n%-28s %14s %14s %14s\n", "2000 trials, 10 params", "trial median", "tell median",
           "tell p99");
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        unlink(path);
        s = open_study(cases[c].storage ? path : NULL, cases[c].sync, OTTO_OPEN_CREATE);
        run(s, sp, m, tt, tl);
        otto_study_destroy(s);
        double mt = median(tt, m), ml = median(tl, m);
        printf("%-28s %11.1f us %11.1f us %11.1f us\n", cases[c].name, 1e6 * mt, 1e6 * ml,
               1e6 * pct(tl, m, 0.99));
    }
    unlink(path);

    /* several processes on one journal */
    printf("\n%-28s %10s %12s\n", "processes x 2000 trials", "seconds", "trials/s");
    static const otto_sync_policy pols[] = {OTTO_SYNC_NONE, OTTO_SYNC_EVERY_TELL};
    for (int pi = 0; pi < 2; pi++)
        for (int w = 1; w <= 4; w *= 2) {
            unlink(path);
            s = open_study(path, pols[pi], OTTO_OPEN_CREATE);
            otto_study_destroy(s);
            t0 = bench_now();
            for (int k = 0; k < w; k++)
                if (fork() == 0) {
                    otto_study *ws = open_study(path, pols[pi], OTTO_OPEN_LOAD);
                    run(ws, sp, m, NULL, NULL);
                    otto_study_destroy(ws);
                    _exit(0);
                }
            for (int k = 0; k < w; k++)
                wait(NULL);
            double dt = bench_now() - t0;
            printf("%d, %-25s %10.2f %12.0f\n", w,
                   pols[pi] == OTTO_SYNC_NONE ? "sync none" : "fsync every tell", dt,
                   w * m / dt);
        }
    unlink(path);
    free(tt);
    free(tl);
    otto_space_destroy(sp);
    return 0;
}
