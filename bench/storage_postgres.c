/* PostgreSQL storage throughput: W worker processes (each its own
 * connection) run trials (ask with 10 params + tell) on one study, for W =
 * 1, 4 and 8; prints trials per second of the whole group.
 *   build/bench/storage_postgres CONNINFO [trials_per_worker=300]
 * (.ci/postgres starts a throwaway server on loopback.) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <otto/otto.h>

#include "bench_util.h"

static int worker(const char *conninfo, const char *name, int n, int seed)
{
    otto_storage *st;
    if (otto_storage_postgres_open(conninfo, NULL, &st))
        return 2;
    otto_sampler *sm;
    otto_sampler_random_create(NULL, &sm);
    otto_study_options so;
    otto_study_options_init(&so);
    so.name = name;
    so.storage = st;
    so.open_mode = OTTO_OPEN_LOAD_IF_EXISTS;
    so.sampler = sm;
    so.seed = (uint64_t)seed;
    otto_study *s;
    if (otto_study_create(&so, &s))
        return 3;
    otto_storage_close(st);
    otto_space *sp;
    otto_space_create(&sp);
    for (int k = 0; k < 10; k++) {
        char pn[16];
        snprintf(pn, sizeof pn, "x%d", k);
        otto_space_add_float(sp, pn, -5, 5, 0, 0);
    }
    for (int i = 0; i < n; i++) {
        otto_trial *t;
        if (otto_study_ask_with(s, sp, &t))
            return 4;
        double v = i;
        if (otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1))
            return 5;
    }
    otto_space_destroy(sp);
    otto_study_destroy(s);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CONNINFO [trials_per_worker]\n", argv[0]);
        return 2;
    }
    int n = argc > 2 ? atoi(argv[2]) : 300;
    static const int workers[] = {1, 4, 8};
    printf("%8s %8s %10s %12s\n", "workers", "trials", "seconds", "trials/s");
    for (size_t w = 0; w < sizeof workers / sizeof workers[0]; w++) {
        char name[64];
        snprintf(name, sizeof name, "bench-%ld-%ld-%d", (long)time(NULL), (long)getpid(),
                 workers[w]);
        /* create it first, so the timing is of trials only */
        otto_storage *st;
        if (otto_storage_postgres_open(argv[1], NULL, &st)) {
            fprintf(stderr, "%s\n", otto_last_error_message());
            return 1;
        }
        otto_study_options so;
        otto_study_options_init(&so);
        so.name = name;
        so.storage = st;
        otto_study *s;
        if (otto_study_create(&so, &s)) {
            fprintf(stderr, "%s\n", otto_last_error_message());
            return 1;
        }
        otto_study_destroy(s);
        otto_storage_close(st);
        double t0 = bench_now();
        for (int k = 0; k < workers[w]; k++)
            if (fork() == 0)
                _exit(worker(argv[1], name, n, k));
        int ok = 1;
        for (int k = 0; k < workers[w]; k++) {
            int status;
            wait(&status);
            ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
        }
        double dt = bench_now() - t0;
        if (!ok) {
            fprintf(stderr, "a worker failed\n");
            return 1;
        }
        printf("%8d %8d %10.2f %12.0f\n", workers[w], workers[w] * n, dt, workers[w] * n / dt);
    }
    return 0;
}
