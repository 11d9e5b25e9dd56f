/* bench/frame_loop: prefetched asks in an engine-style frame loop. Each trial
 * lasts 10 frames of frame_ms (16) of real time, slept at a fixed rate as a
 * frame-capped engine would, so the study's worker thread has the time a real
 * game would give it. The main thread asks (ask_with over a 10-D space) at the
 * start of a trial's first frame and tells at the end of its last; the table
 * gives the ask's cost on the main thread (the first ask of the study, which
 * has no proposal yet; p50 and p99 of the others; the slowest fallback among
 * them) over a window of
 * trials after 100, 300 and 1,000 finished ones, with the auto sampler and
 * prefetch 0, 1 and 2, plus the GP alone at 300 (and at 1,000 with prefetch 1,
 * where its fits take far longer than a trial). The history is one recorded
 * auto-sampler run on the 10-D sphere, replayed by add_trial, so that every
 * row starts from the same trials.
 *   usage: frame_loop [window=40] [frame_ms=16]      (about 100 s)
 *          frame_loop regret [n_trials=100] [seeds=10]
 * The regret mode runs ask/tell without frames, in otto_study_work mode with
 * the work done before each ask (every ask takes a ready proposal, which is
 * what the frame loop gives while the worker keeps up): the final regret of
 * prefetch 0, 1 and 2 on three test functions over the seeds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <otto/otto.h>

#include "bench_util.h"

#define DIM 10
#define FRAMES 10
#define HISTORY 1000

static const char *names[DIM] = {"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9"};

static double sphere(const double *x, int d)
{
    double f = 0;
    for (int i = 0; i < d; i++)
        f += (x[i] - 1.3) * (x[i] - 1.3);
    return f;
}

/* Styblinski-Tang in [-5, 5]^d, shifted so that the minimum is 0. */
static double styblinski(const double *x, int d)
{
    double f = 0;
    for (int i = 0; i < d; i++)
        f += 0.5 * (pow(x[i], 4) - 16 * x[i] * x[i] + 5 * x[i]);
    return f + 39.16616570377142 * d;
}

/* Rastrigin in [-5, 5]^d, minimum 0 at the origin (shifted off the centre). */
static double rastrigin(const double *x, int d)
{
    double f = 10.0 * d;
    for (int i = 0; i < d; i++) {
        double z = x[i] - 0.7;
        f += z * z - 10 * cos(2 * 3.141592653589793 * z);
    }
    return f;
}

static otto_space *make_space(int d)
{
    otto_space *sp;
    if (otto_space_create(&sp))
        return NULL;
    for (int i = 0; i < d; i++)
        if (otto_space_add_float(sp, names[i], -5, 5, 0, 0))
            return NULL;
    return sp;
}

static otto_study *make_study(uint64_t seed, size_t prefetch, int thread, size_t gp_trials)
{
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = seed;
    so.prefetch = prefetch;
    so.prefetch_thread = thread;
    otto_auto_options ao;
    otto_auto_options_init(&ao);
    ao.gp_trials = gp_trials;
    otto_study *s = NULL;
    if (otto_sampler_auto_create(&ao, &so.sampler) || otto_study_create(&so, &s)) {
        fprintf(stderr, "create: %s\n", otto_last_error_message());
        exit(1);
    }
    return s;
}

static int ask(otto_study *s, const otto_space *sp, double *x, otto_trial **out)
{
    if (otto_study_ask_with(s, sp, out))
        return -1;
    for (int i = 0; i < DIM; i++)
        if (otto_trial_param_float(*out, names[i], &x[i]))
            return -1;
    return 0;
}

static void sleep_until(struct timespec *deadline, double ms)
{
    deadline->tv_nsec += (long)(ms * 1e6);
    while (deadline->tv_nsec >= 1000000000L) {
        deadline->tv_nsec -= 1000000000L;
        deadline->tv_sec++;
    }
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, deadline, NULL);
}

/* The calling thread's CPU time: an ask's own work, without the time the
 * scheduler gave other threads (this benchmark runs on shared machines). */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double pct(const double *sorted, int n, double p)
{
    int k = (int)ceil(p * n) - 1;
    return sorted[k < 0 ? 0 : k >= n ? n - 1 : k];
}

/* ---- the frame loop ---------------------------------------------------------------------- */

static void frame_loop(int window, double frame_ms)
{
    static double hist_x[HISTORY][DIM], hist_f[HISTORY];
    otto_space *sp = make_space(DIM);
    double t0 = bench_now();
    otto_study *s = make_study(1, 0, 1, 0);
    for (int k = 0; k < HISTORY; k++) { /* the recorded run */
        otto_trial *t;
        if (ask(s, sp, hist_x[k], &t))
            exit(1);
        hist_f[k] = sphere(hist_x[k], DIM);
        otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &hist_f[k], 1);
    }
    otto_study_destroy(s);
    printf("history: %d trials of the auto sampler on the 10-D sphere (%.1f s)\n", HISTORY,
           bench_now() - t0);
    printf("frame loop: %d frames of %g ms per trial; ask_with cost on the main thread over "
           "%d trials\n\n",
           FRAMES, frame_ms, window);
    printf("%7s %-14s %8s %6s %9s %9s %9s %9s %9s %9s\n", "history", "sampler", "prefetch",
           "ready", "first_ms", "p50_ms", "p99_ms", "cpu_p99", "fb_max", "tell_p99");
    /* history, GP alone (else auto), prefetch from, to; the last row: the GP
     * at 1,000 (about 1 s a fit) falls far behind 160 ms trials, which shows
     * what asks cost when they fall back */
    static const int rows[][4] = {
        {100, 0, 0, 2}, {300, 0, 0, 2}, {1000, 0, 0, 2}, {300, 1, 0, 2}, {1000, 1, 1, 1}};
    double *cost = calloc((size_t)window, sizeof *cost);
    double *tcost = calloc((size_t)window, sizeof *tcost);
    double *ccost = calloc((size_t)window, sizeof *ccost);
    for (size_t m = 0; m < sizeof rows / sizeof rows[0]; m++) {
        int gp_only = rows[m][1];
        for (size_t n = (size_t)rows[m][2]; n <= (size_t)rows[m][3]; n++) {
            s = make_study(1, n, 1, gp_only ? 100000 : 0);
            for (int k = 0; k < rows[m][0]; k++)
                otto_study_add_trial(s, sp, hist_x[k], OTTO_TRIAL_COMPLETE, &hist_f[k], 1,
                                     NULL);
            int ready = 0;
            double first = 0, fb_max = 0;
            const char *used = "?";
            struct timespec deadline;
            clock_gettime(CLOCK_MONOTONIC, &deadline);
            for (int i = 0; i < window; i++) {
                double x[DIM];
                otto_trial *t;
                double c = cpu_now(), a = bench_now();
                if (ask(s, sp, x, &t))
                    exit(1);
                cost[i] = (bench_now() - a) * 1e3;
                ccost[i] = (cpu_now() - c) * 1e3;
                const char *pf = "";
                otto_trial_system_attr(t, "otto:prefetch", &pf);
                ready += !strcmp(pf, "ready");
                if (strcmp(pf, "ready") && i > 0)
                    fb_max = cost[i] > fb_max ? cost[i] : fb_max;
                if (i == 0)
                    first = cost[0];
                const char *u;
                if (!otto_trial_system_attr(t, "auto:sampler", &u))
                    used = u; /* fallback trials have none */
                for (int f = 0; f < FRAMES; f++) /* the frames: the engine's own work */
                    sleep_until(&deadline, frame_ms);
                double v = sphere(x, DIM);
                a = bench_now();
                otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1);
                tcost[i] = (bench_now() - a) * 1e3;
            }
            /* the first ask of a study never has a proposal: shown apart */
            int m1 = window > 1 ? window - 1 : 1;
            double *rest = window > 1 ? cost + 1 : cost;
            qsort(rest, (size_t)m1, sizeof *rest, bench_cmp_double);
            double *crest = window > 1 ? ccost + 1 : ccost;
            qsort(crest, (size_t)m1, sizeof *crest, bench_cmp_double);
            qsort(tcost, (size_t)window, sizeof *tcost, bench_cmp_double);
            char label[32];
            snprintf(label, sizeof label, "%s%s", gp_only ? "GP " : "auto ",
                     strncmp(used, "Cma", 3) == 0 ? "(CMA-ES)" : "(GP)");
            char fb[16] = "-"; /* no fallback after the first ask */
            if (fb_max > 0)
                snprintf(fb, sizeof fb, "%.3f", fb_max);
            printf("%7d %-14s %8zu %3d/%-2d %9.3f %9.3f %9.3f %9.3f %9s %9.3f\n", rows[m][0],
                   label, n, ready, window, first, pct(rest, m1, 0.5), pct(rest, m1, 0.99),
                   pct(crest, m1, 0.99), fb, pct(tcost, window, 0.99));
            fflush(stdout);
            otto_study_destroy(s);
        }
    }
    free(cost);
    free(tcost);
    free(ccost);
    otto_space_destroy(sp);
}

/* ---- regret ---------------------------------------------------------------------------------- */

typedef struct problem {
    const char *name;
    double (*f)(const double *, int);
    int d;
} problem;

static double run_regret(const problem *p, uint64_t seed, size_t n, int n_trials)
{
    otto_space *sp = make_space(p->d);
    otto_study *s = make_study(seed, n, 0, 0);
    double best = INFINITY;
    for (int i = 0; i < n_trials; i++) {
        int did = 1;
        while (n && did)
            otto_study_work(s, &did);
        otto_trial *t;
        double x[DIM];
        if (otto_study_ask_with(s, sp, &t))
            exit(1);
        for (int k = 0; k < p->d; k++)
            otto_trial_param_float(t, names[k], &x[k]);
        double v = p->f(x, p->d);
        best = v < best ? v : best;
        otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1);
    }
    otto_study_destroy(s);
    otto_space_destroy(sp);
    return best;
}

static void regret(int n_trials, int seeds)
{
    static const problem problems[] = {
        {"sphere-6", sphere, 6}, {"styblinski-4", styblinski, 4}, {"rastrigin-3", rastrigin, 3}};
    printf("final regret after %d trials, auto sampler, %d seeds; prefetch in "
           "otto_study_work mode,\nevery ask ready (the proposal for trial k made at the ask "
           "of trial k-N)\n\n",
           n_trials, seeds);
    printf("%-14s %8s %10s %10s %10s %12s\n", "problem", "prefetch", "median", "mean", "worst",
           "wins_vs_off");
    double *r = calloc((size_t)seeds * 3, sizeof *r);
    for (size_t q = 0; q < sizeof problems / sizeof problems[0]; q++) {
        for (size_t n = 0; n <= 2; n++)
            for (int k = 0; k < seeds; k++)
                r[n * (size_t)seeds + (size_t)k] =
                    run_regret(&problems[q], (uint64_t)k + 1, n, n_trials);
        for (size_t n = 0; n <= 2; n++) {
            double *v = r + n * (size_t)seeds, mean = 0, sorted[64];
            int wins = 0, m = seeds < 64 ? seeds : 64;
            for (int k = 0; k < m; k++) {
                mean += v[k] / m;
                sorted[k] = v[k];
                wins += v[k] < r[k];
            }
            qsort(sorted, (size_t)m, sizeof *sorted, bench_cmp_double);
            double med = m % 2 ? sorted[m / 2] : 0.5 * (sorted[m / 2 - 1] + sorted[m / 2]);
            printf("%-14s %8zu %10.4g %10.4g %10.4g %9d/%-2d\n", problems[q].name, n, med, mean,
                   sorted[m - 1], wins, m);
        }
        fflush(stdout);
    }
    free(r);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "regret")) {
        regret(argc > 2 ? atoi(argv[2]) : 100, argc > 3 ? atoi(argv[3]) : 10);
        return 0;
    }
    int window = argc > 1 ? atoi(argv[1]) : 40;
    double frame_ms = argc > 2 ? atof(argv[2]) : 16;
    if (window < 1 || !(frame_ms > 0)) {
        fprintf(stderr, "usage: frame_loop [window] [frame_ms] | frame_loop regret [n] [seeds]\n");
        return 2;
    }
    frame_loop(window, frame_ms);
    return 0;
}
