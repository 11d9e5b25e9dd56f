/* Fault-injection worker for .ci/faults: runs trials on a PostgreSQL study
 * while the script restarts or stops the server, and logs every tell the
 * library acknowledged; `verify` then checks each acknowledged result is in
 * the study exactly as told, under a number no other worker was given.
 *   pg_worker run CONNINFO STUDY SECONDS TIMEOUT_S ACKFILE
 *   pg_worker verify CONNINFO STUDY ACKFILE...
 * run prints "trials N calls C eio E longest_s L" (L: the slowest call). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <otto/otto.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int open_study(const char *conninfo, const char *name, double timeout_s,
                      otto_open_mode mode, otto_study **s)
{
    otto_storage_options o;
    otto_storage_options_init(&o);
    o.timeout_s = timeout_s;
    otto_storage *st;
    int rc = otto_storage_postgres_open(conninfo, &o, &st);
    if (rc)
        return rc;
    otto_sampler *sm;
    otto_random_options ro;
    otto_random_options_init(&ro);
    ro.seed = (uint64_t)getpid();
    if ((rc = otto_sampler_random_create(&ro, &sm)) != OTTO_OK) {
        otto_storage_close(st);
        return rc;
    }
    otto_study_options so;
    otto_study_options_init(&so);
    so.name = name;
    so.storage = st;
    so.open_mode = mode;
    so.sampler = sm;
    rc = otto_study_create(&so, s);
    otto_storage_close(st);
    return rc;
}

typedef struct stats {
    long calls, eio;
    double longest;
} stats;

/* rc = one library call, timed; OTTO_EIO is retried (the user's part of
 * not losing a result) up to 100 times. */
#define CALL(stats, rc, expr)                                                    \
    do {                                                                         \
        for (int try_ = 0;; try_++) {                                            \
            double t0_ = now();                                                  \
            (rc) = (expr);                                                       \
            double dt_ = now() - t0_;                                            \
            (stats)->calls++;                                                    \
            if (dt_ > (stats)->longest)                                          \
                (stats)->longest = dt_;                                          \
            if ((rc) != OTTO_EIO || try_ == 100)                                 \
                break;                                                           \
            (stats)->eio++;                                                      \
            usleep(200000);                                                      \
        }                                                                        \
    } while (0)

static int run(const char *conninfo, const char *name, double seconds, double timeout_s,
               const char *acks)
{
    FILE *f = fopen(acks, "w");
    if (!f)
        return 2;
    stats sx = {0, 0, 0};
    otto_study *s;
    int rc;
    CALL(&sx, rc, open_study(conninfo, name, timeout_s, OTTO_OPEN_LOAD_IF_EXISTS, &s));
    if (rc) {
        fprintf(stderr, "pg_worker: open: %s\n", otto_last_error_message());
        return 1;
    }
    long n = 0;
    for (double end = now() + seconds; now() < end; n++) {
        otto_trial *t;
        double x;
        CALL(&sx, rc, otto_study_ask(s, &t));
        if (!rc)
            CALL(&sx, rc, otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &x));
        usleep(5000); /* the objective */
        if (!rc)
            CALL(&sx, rc, otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &x, 1));
        if (rc) {
            fprintf(stderr, "pg_worker: trial %ld: %s\n", n, otto_last_error_message());
            return 1;
        }
        fprintf(f, "%lld %.17g\n", (long long)otto_trial_number(t), x);
        fflush(f); /* the acknowledgement is on record before the next call */
    }
    fclose(f);
    otto_study_destroy(s);
    printf("trials %ld calls %ld eio %ld longest_s %.2f\n", n, sx.calls, sx.eio, sx.longest);
    return 0;
}

static int verify(const char *conninfo, const char *name, int n_files, char **files)
{
    otto_study *s;
    if (open_study(conninfo, name, 60, OTTO_OPEN_LOAD, &s)) {
        fprintf(stderr, "pg_worker: verify: %s\n", otto_last_error_message());
        return 1;
    }
    size_t count = otto_study_trial_count(s);
    unsigned char *seen = calloc(count ? count : 1, 1);
    long acked = 0, bad = 0;
    for (int k = 0; k < n_files; k++) {
        FILE *f = fopen(files[k], "r");
        long long number;
        double v;
        while (f && fscanf(f, "%lld %lg", &number, &v) == 2) {
            acked++;
            const otto_trial *t;
            double got;
            if (number < 0 || (size_t)number >= count || otto_study_trial(s, number, &t) ||
                otto_trial_get_state(t) != OTTO_TRIAL_COMPLETE || otto_trial_value(t, &got) ||
                got != v) {
                fprintf(stderr, "pg_worker: acknowledged trial %lld (%.17g) is missing or differs\n",
                        number, v);
                bad++;
            } else if (seen[number]++) {
                fprintf(stderr, "pg_worker: trial number %lld was given to two workers\n", number);
                bad++;
            }
        }
        if (f)
            fclose(f);
    }
    size_t complete = 0, running = 0;
    for (size_t i = 0; i < count; i++) {
        const otto_trial *t;
        otto_study_trial(s, (int64_t)i, &t);
        complete += otto_trial_get_state(t) == OTTO_TRIAL_COMPLETE;
        running += otto_trial_get_state(t) == OTTO_TRIAL_RUNNING;
    }
    printf("acknowledged %ld, in the study %zu trials (%zu COMPLETE, %zu RUNNING), %ld problems\n",
           acked, count, complete, running, bad);
    free(seen);
    otto_study_destroy(s);
    return bad || (long)complete != acked;
}

int main(int argc, char **argv)
{
    if (argc == 7 && strcmp(argv[1], "run") == 0)
        return run(argv[2], argv[3], atof(argv[4]), atof(argv[5]), argv[6]);
    if (argc >= 5 && strcmp(argv[1], "verify") == 0)
        return verify(argv[2], argv[3], argc - 4, argv + 4);
    fprintf(stderr, "usage: pg_worker run CONNINFO STUDY SECONDS TIMEOUT_S ACKFILE | verify CONNINFO "
                    "STUDY ACKFILE...\n");
    return 2;
}
