/* Example: a study kept in a journal file, run by several worker processes
 * at once and then resumed. Each worker opens the same file and study name;
 * otto numbers their trials uniquely and each ask sees the others' results.
 * The workers are this program started again with --worker (testos.h
 * starts it with posix_spawn, or CreateProcess on Windows).
 *   shared_journal [path]     (default: a fresh file in the temp directory) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <otto/otto.h>

#include "../testos.h"

static otto_trial_state objective(otto_trial *t, void *user_data, double *values, size_t n)
{
    (void)user_data;
    (void)n;
    double x, y;
    if (otto_trial_suggest_float(t, "x", -10, 10, 0, 0, &x) ||
        otto_trial_suggest_float(t, "y", -10, 10, 0, 0, &y))
        return OTTO_TRIAL_FAIL;
    values[0] = (x - 3) * (x - 3) + (y + 1) * (y + 1);
    return OTTO_TRIAL_COMPLETE;
}

/* Open (or create) the study "demo" in the journal and run n trials. */
static int work(const char *path, int n_trials)
{
    otto_storage *st;
    if (otto_storage_journal_open(path, NULL, &st) != OTTO_OK)
        return 1;
    otto_study_options so;
    otto_study_options_init(&so);
    so.name = "demo";
    so.storage = st;
    so.open_mode = OTTO_OPEN_LOAD_IF_EXISTS; /* the first worker creates it */
    so.seed = 42;                            /* streams per trial number */
    otto_study *study;
    int rc = otto_study_create(&so, &study);
    otto_storage_close(st); /* the study keeps its own reference */
    if (rc != OTTO_OK)
        return 1;
    otto_optimize_options oo;
    otto_optimize_options_init(&oo);
    oo.n_trials = n_trials;
    rc = otto_study_optimize(study, objective, NULL, &oo);
    otto_study_destroy(study);
    return rc != OTTO_OK;
}

int main(int argc, char **argv)
{
    testos_init(argc, argv);
    if (argc == 3 && strcmp(argv[1], "--worker") == 0)
        return work(argv[2], 30);
    char path[1100];
    if (argc > 1)
        snprintf(path, sizeof path, "%s", argv[1]);
    else
        snprintf(path, sizeof path, "%s/otto-example-%lu.journal", testos_tmp(), testos_pid());

    /* three worker processes, 30 trials each, on one study */
    testos_child workers[3];
    const char *args[] = {"--worker", path, NULL};
    for (int w = 0; w < 3; w++)
        if (testos_spawn_self(&workers[w], args) != 0) {
            fprintf(stderr, "cannot start a worker process\n");
            return 1;
        }
    int failed = 0;
    for (int w = 0; w < 3; w++)
        failed |= testos_wait(&workers[w]) != 0;
    if (failed) {
        fprintf(stderr, "a worker failed\n");
        return 1;
    }

    /* later: resume the study and run 30 more trials */
    if (work(path, 30) != 0) {
        fprintf(stderr, "resuming failed: %s\n", otto_last_error_message());
        return 1;
    }

    /* read it back */
    otto_storage *st;
    otto_storage_journal_open(path, NULL, &st);
    otto_study_options so;
    otto_study_options_init(&so);
    so.name = "demo";
    so.storage = st;
    so.open_mode = OTTO_OPEN_LOAD;
    otto_study *study;
    if (otto_study_create(&so, &study) != OTTO_OK) {
        fprintf(stderr, "load failed: %s\n", otto_last_error_message());
        return 1;
    }
    otto_storage_close(st);
    const otto_trial *best;
    double value, x, y;
    otto_study_best_trial(study, &best);
    otto_trial_value(best, &value);
    otto_trial_param_float(best, "x", &x);
    otto_trial_param_float(best, "y", &y);
    size_t n = otto_study_trial_count(study);
    printf("%zu trials in %s; best #%lld: %.4f at x=%.3f y=%.3f\n", n, path,
           (long long)otto_trial_number(best), value, x, y);
    otto_study_destroy(study);
    if (argc <= 1)
        remove(path);
    return n == 120 && value < 1 ? 0 : 1;
}
