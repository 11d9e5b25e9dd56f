/* bench/prefetch_regret: does prefetching cost the auto sampler regret? 20
 * synthetic problems x seeds x a budget of trials, prefetch off against
 * prefetch 1, one TSV row per run (bench/prefetch_regret.py summarizes).
 *   usage: prefetch_regret off|work|thread [n_trials=100] [seeds=10] [trial_ms=16]
 * off:    no prefetch (the baseline; deterministic for a seed).
 * work:   prefetch 1 driven by the host: otto_study_work until no work is
 *         left before each ask, so every ask after the first takes a ready
 *         proposal, made at the ask of the previous trial (deterministic).
 * thread: prefetch 1 on the study's own thread, each trial lasting trial_ms
 *         of real time (4 frames, slept as a frame-capped loop): asks take a
 *         proposal when the worker kept up and a Sobol fallback when not,
 *         the mix a frame loop gets on this machine (timing-dependent).
 * Columns: problem, setting, seed, regret (best value - optimum), ready
 * asks (with "otto:prefetch" = "ready"), seconds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <otto/otto.h>

#include "bench_util.h"

#define MAX_DIM 10
#define PI 3.141592653589793

static const char *names[MAX_DIM] = {"x0", "x1", "x2", "x3", "x4",
                                     "x5", "x6", "x7", "x8", "x9"};

typedef enum kind { SPHERE, ELLIPSOID, ROSENBROCK, RASTRIGIN, ACKLEY, STYBLINSKI, BRANIN,
                    HARTMANN6 } kind;

typedef struct problem {
    char name[24];
    kind k;
    int d;
    double low[MAX_DIM], high[MAX_DIM], shift[MAX_DIM];
    double f_star;
} problem;

/* A fixed shift per problem and coordinate, so no optimum sits at the
 * centre of the box (as a centred Sobol point would). */
static void set_shift(problem *p, double scale)
{
    for (int i = 0; i < p->d; i++)
        p->shift[i] = scale * sin(1.7 * (i + 1) + 0.3 * p->d + (double)p->k);
}

static const double h6_a[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                  {0.05, 10, 17, 0.1, 8, 14},
                                  {3, 3.5, 1.7, 10, 17, 8},
                                  {17, 8, 0.05, 10, 0.1, 14}};
static const double h6_p[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                  {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                  {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                  {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
static const double h6_alpha[4] = {1.0, 1.2, 3.0, 3.2};

static double evaluate(const problem *p, const double *x)
{
    double z[MAX_DIM], f = 0;
    int d = p->d;
    for (int i = 0; i < d; i++)
        z[i] = x[i] - p->shift[i];
    switch (p->k) {
    case SPHERE:
        for (int i = 0; i < d; i++)
            f += z[i] * z[i];
        return f;
    case ELLIPSOID: /* axis-aligned, condition 1e4 */
        for (int i = 0; i < d; i++)
            f += pow(1e4, (double)i / (d - 1)) * z[i] * z[i];
        return f;
    case ROSENBROCK:
        for (int i = 0; i + 1 < d; i++) {
            double a = z[i] + 1, b = z[i + 1] + 1;
            f += 100 * (b - a * a) * (b - a * a) + (1 - a) * (1 - a);
        }
        return f;
    case RASTRIGIN:
        f = 10.0 * d;
        for (int i = 0; i < d; i++)
            f += z[i] * z[i] - 10 * cos(2 * PI * z[i]);
        return f;
    case ACKLEY: {
        double sq = 0, cs = 0;
        for (int i = 0; i < d; i++) {
            sq += z[i] * z[i];
            cs += cos(2 * PI * z[i]);
        }
        return -20 * exp(-0.2 * sqrt(sq / d)) - exp(cs / d) + 20 + exp(1.0);
    }
    case STYBLINSKI:
        for (int i = 0; i < d; i++)
            f += 0.5 * (pow(z[i], 4) - 16 * z[i] * z[i] + 5 * z[i]);
        return f;
    case BRANIN: {
        double b = 5.1 / (4 * PI * PI), c = 5 / PI;
        double t = x[1] - b * x[0] * x[0] + c * x[0] - 6;
        return t * t + 10 * (1 - 1 / (8 * PI)) * cos(x[0]) + 10;
    }
    case HARTMANN6:
        for (int r = 0; r < 4; r++) {
            double e = 0;
            for (int i = 0; i < 6; i++)
                e += h6_a[r][i] * (x[i] - h6_p[r][i]) * (x[i] - h6_p[r][i]);
            f -= h6_alpha[r] * exp(-e);
        }
        return f;
    }
    return NAN;
}

/* Six test functions in 2, 5 and 10 dimensions on [-5, 5]^d, Branin and
 * Hartmann-6: 20 problems. */
static int make_problems(problem *out)
{
    static const char *kinds[] = {"sphere", "ellipsoid", "rosenbrock",
                                  "rastrigin", "ackley", "styblinski"};
    static const int dims[] = {2, 5, 10};
    int n = 0;
    for (int k = 0; k < 6; k++)
        for (int j = 0; j < 3; j++) {
            problem *p = &out[n++];
            memset(p, 0, sizeof *p);
            p->k = (kind)k;
            p->d = dims[j];
            snprintf(p->name, sizeof p->name, "%s-%dd", kinds[k], dims[j]);
            for (int i = 0; i < p->d; i++) {
                p->low[i] = -5;
                p->high[i] = 5;
            }
            set_shift(p, k == ROSENBROCK || k == STYBLINSKI ? 1.0 : 2.0);
            /* Styblinski-Tang's minimum, at z = -2.9035 per coordinate, stays
             * inside the box with shifts in [-1, 1]. */
            p->f_star = k == STYBLINSKI ? -39.16616570377142 * p->d : 0.0;
        }
    problem *b = &out[n++];
    memset(b, 0, sizeof *b);
    snprintf(b->name, sizeof b->name, "branin");
    b->k = BRANIN;
    b->d = 2;
    b->low[0] = -5, b->high[0] = 10, b->low[1] = 0, b->high[1] = 15;
    b->f_star = 0.39788735772973816;
    problem *h = &out[n++];
    memset(h, 0, sizeof *h);
    snprintf(h->name, sizeof h->name, "hartmann6");
    h->k = HARTMANN6;
    h->d = 6;
    for (int i = 0; i < 6; i++)
        h->high[i] = 1;
    h->f_star = -3.3223680114155147;
    return n;
}

typedef enum setting { OFF, WORK, THREAD } setting;

static void sleep_ms(double ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(fmod(ms, 1000) * 1e6)};
    nanosleep(&ts, NULL);
}

static void die(const char *what)
{
    fprintf(stderr, "%s: %s\n", what, otto_last_error_message());
    exit(1);
}

static void run(const problem *p, setting st, uint64_t seed, int n_trials, double trial_ms)
{
    otto_space *sp;
    if (otto_space_create(&sp))
        die("space");
    for (int i = 0; i < p->d; i++)
        if (otto_space_add_float(sp, names[i], p->low[i], p->high[i], 0, 0))
            die("space");
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = seed;
    so.prefetch = st == OFF ? 0 : 1;
    so.prefetch_thread = st == THREAD;
    otto_study *s;
    if (otto_study_create(&so, &s)) /* the auto sampler, the default */
        die("create");
    double best = INFINITY, t0 = bench_now();
    int ready = 0;
    for (int n = 0; n < n_trials; n++) {
        int did = 1;
        while (st == WORK && did)
            if (otto_study_work(s, &did))
                die("work");
        otto_trial *t;
        double x[MAX_DIM];
        if (otto_study_ask_with(s, sp, &t))
            die("ask");
        const char *how;
        if (otto_trial_system_attr(t, "otto:prefetch", &how) == OTTO_OK)
            ready += strcmp(how, "ready") == 0;
        for (int i = 0; i < p->d; i++)
            if (otto_trial_param_float(t, names[i], &x[i]))
                die("param");
        if (st == THREAD)
            for (int f = 0; f < 4; f++) /* the trial's frames */
                sleep_ms(trial_ms / 4);
        double v = evaluate(p, x);
        best = v < best ? v : best;
        if (otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1))
            die("tell");
    }
    otto_study_destroy(s);
    otto_space_destroy(sp);
    static const char *setting_names[] = {"off", "work", "thread"};
    printf("%s\t%s\t%llu\t%.10g\t%d\t%.2f\n", p->name, setting_names[st],
           (unsigned long long)seed, best - p->f_star, ready, bench_now() - t0);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    setting st = argc > 1 && !strcmp(argv[1], "work")     ? WORK
                 : argc > 1 && !strcmp(argv[1], "thread") ? THREAD
                 : argc > 1 && !strcmp(argv[1], "off")    ? OFF
                                                          : (setting)-1;
    int n_trials = argc > 2 ? atoi(argv[2]) : 100, seeds = argc > 3 ? atoi(argv[3]) : 10;
    double trial_ms = argc > 4 ? atof(argv[4]) : 16;
    if ((int)st < 0 || n_trials < 1 || seeds < 1 || !(trial_ms >= 0)) {
        fprintf(stderr, "usage: prefetch_regret off|work|thread [n_trials] [seeds] [trial_ms]\n");
        return 2;
    }
    problem problems[20];
    int n = make_problems(problems);
    printf("problem\tsetting\tseed\tregret\tready\tseconds\n");
    for (int q = 0; q < n; q++)
        for (int k = 1; k <= seeds; k++)
            run(&problems[q], st, (uint64_t)k, n_trials, trial_ms);
    return 0;
}
