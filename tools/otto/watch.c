/* otto watch: follow a running study, one line per finished trial, as
 * other processes write it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "cli.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void pause_for(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
    nanosleep(&ts, NULL);
}

/* Text for a terminal (see cli_terminal_text). */
static void put_safe(const char *s)
{
    char *safe = cli_terminal_text(s);
    fputs(safe ? safe : "?", stdout);
    free(safe);
}

static void print_trial(const cli_study *cs, const otto_trial *t, double *best,
                        long long *best_no)
{
    otto_trial_state st = otto_trial_get_state(t);
    long long no = (long long)otto_trial_number(t);
    char buf[512];
    printf("#%-5lld %-8s", no, otto_trial_state_name(st));
    if (st == OTTO_TRIAL_COMPLETE) {
        for (size_t k = 0; k < cs->n_objectives; k++) {
            cli_number_text(cli_trial_value(t, k), buf, sizeof buf);
            printf(k ? ",%s" : "  value=%s", buf);
        }
        double v = cli_trial_value(t, 0);
        int maximize = otto_study_direction(cs->study, 0) == OTTO_MAXIMIZE;
        if (cs->n_objectives == 1 && isfinite(v) &&
            (*best_no < 0 || (maximize ? v > *best : v < *best))) {
            *best = v;
            *best_no = no;
        }
    }
    if (cs->n_objectives == 1 && *best_no >= 0) {
        cli_number_text(*best, buf, sizeof buf);
        printf("  best=%s (#%lld)", buf, *best_no);
    }
    double t0, t1;
    if (otto_trial_datetime_start(t, &t0) == OTTO_OK &&
        otto_trial_datetime_complete(t, &t1) == OTTO_OK)
        printf("  %.2fs", t1 - t0);
    size_t np = otto_trial_param_count(t);
    for (size_t j = 0; j < np; j++) {
        const char *name;
        otto_trial_param_at(t, j, &name, NULL, NULL);
        for (size_t p = 0; p < cs->n_params; p++)
            if (strcmp(cs->params[p].name, name) == 0) {
                cli_param_text(t, &cs->params[p], buf, sizeof buf);
                fputs("  ", stdout);
                put_safe(name);
                putchar('=');
                put_safe(buf);
            }
    }
    putchar('\n');
    fflush(stdout);
}

int cli_watch(int argc, char **argv)
{
    cli_args a;
    cli_study cs;
    int rc = cli_parse_and_load(argc, argv, ARG_STUDY | ARG_WATCH, &a, &cs);
    if (rc)
        return rc;
    printf("watching study '");
    put_safe(cs.name);
    printf("' (%zu trials so far)%s\n", cs.n_trials,
           a.until || a.timeout > 0 ? "" : "; Ctrl-C to stop");
    fflush(stdout);
    unsigned char *shown = NULL;
    size_t n_shown_cap = 0;
    long finished = 0;
    double best = 0, start = now();
    long long best_no = -1;
    int status = 0;
    for (;;) {
        if (cs.n_trials > n_shown_cap) {
            unsigned char *p = realloc(shown, cs.n_trials);
            if (!p) {
                cli_error("out of memory");
                status = 1;
                break;
            }
            memset(p + n_shown_cap, 0, cs.n_trials - n_shown_cap);
            shown = p;
            n_shown_cap = cs.n_trials;
        }
        for (size_t i = 0; i < cs.n_trials; i++) {
            otto_trial_state st = otto_trial_get_state(cs.trials[i]);
            if (shown[i] || st == OTTO_TRIAL_RUNNING || st == OTTO_TRIAL_WAITING)
                continue;
            shown[i] = 1;
            finished++;
            print_trial(&cs, cs.trials[i], &best, &best_no);
        }
        if ((a.until && finished >= a.until) || (a.timeout > 0 && now() - start >= a.timeout))
            break;
        pause_for(a.interval);
        if (cli_refresh(&cs)) {
            status = 1;
            break;
        }
    }
    free(shown);
    cli_free(&cs);
    return status;
}
