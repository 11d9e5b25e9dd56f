/* bench/gp_ask_cost: the GP sampler's ask cost after n finished trials in
 * 10-D, for comparing the linear-algebra backends (OpenBLAS/LAPACKE against
 * the built-in kernels, -Dblas=builtin). For each n, a study with the GP
 * sampler gets n trials at uniform random points of [-5, 5]^10 with their
 * sphere values (otto_study_add_trial: finished trials, as if a random
 * sampler had run and told them); then `asks` trials go through
 * ask_with + suggest + tell, and only the ask is timed. The first ask fits
 * the kernel from the defaults (cold); the others are warm-started from the
 * previous fit, as in a running study: their median and 90th percentile are
 * the figures to compare. Times are the process's CPU time (one thread: the
 * ask runs on the calling thread, and OpenBLAS is held to one), which a busy
 * shared machine disturbs far less than the wall clock; the wall-clock
 * median is printed beside it.
 * With --ints K the first K coordinates are ints of 5 values (0..4, the
 * point's coordinate rounded into range), and --categories turns on the GP
 * option small_ints_as_categories, to price reading them as categories;
 * --local-steps turns on local_steps (one ask in three is then a local step,
 * whose model holds 30 trials), --output-warping turns on output_warping
 * (each ask then fits the model to plain and to warped values, and refits
 * the one it keeps).
 *   usage: gp_ask_cost [--asks K] [--ints K] [--categories] [--local-steps]
 *                      [--output-warping] [n ...]
 *          (default asks 11, no ints, n 100 300 1000)
 * Run with OPENBLAS_NUM_THREADS=1 for the single-thread OpenBLAS figures. */
#ifdef OTTO_USE_CBLAS
#include <cblas.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <otto/otto.h>

#include "../lib/linalg/backend.h"
#include "bench_util.h"

#define DIM 10

static const char *names[DIM] = {"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9"};

static double sphere(const double *x)
{
    double f = 0;
    for (int d = 0; d < DIM; d++)
        f += (x[d] - 1.0) * (x[d] - 1.0);
    return f;
}

static void die(const char *what)
{
    fprintf(stderr, "%s: %s\n", what, otto_last_error_message());
    exit(1);
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* splitmix64: the same random history on every run and backend. */
static double uniform01(unsigned long long *state)
{
    unsigned long long z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

/* The q-quantile (0..1) of sorted v[0..n), nearest rank. */
static double quantile(const double *v, size_t n, double q)
{
    size_t k = (size_t)(q * (double)n + 0.999999);
    return v[k ? (k > n ? n : k) - 1 : 0];
}

int main(int argc, char **argv)
{
    long ns[16] = {100, 300, 1000};
    int nn = 0, asks = 11, n_ints = 0, categories = 0, local_steps = 0, warping = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--asks") && i + 1 < argc)
            asks = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--ints") && i + 1 < argc)
            n_ints = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--categories"))
            categories = 1;
        else if (!strcmp(argv[i], "--local-steps"))
            local_steps = 1;
        else if (!strcmp(argv[i], "--output-warping"))
            warping = 1;
        else if (nn < 16)
            ns[nn++] = atol(argv[i]);
    }
    if (nn == 0)
        nn = 3;
    if (asks < 2 || n_ints < 0 || n_ints > DIM) {
        fprintf(stderr, "usage: gp_ask_cost [--asks K >= 2] [--ints 0..10] [--categories] "
                        "[--local-steps] [--output-warping] [n ...]\n");
        return 2;
    }
    printf("linear algebra: %s", otto__lab_name);
#if defined(OTTO_USE_CBLAS) && defined(OPENBLAS_VERSION)
    printf(" (%s, core %s, %d thread(s))", openblas_get_config(), openblas_get_corename(),
           openblas_get_num_threads());
#endif
    printf("\n%d of %d params ints of 5 values%s%s%s", n_ints, DIM,
           categories ? ", read as categories" : "", local_steps ? "; local steps" : "",
           warping ? "; output warping" : "");
    printf("\n%6s %12s %16s %14s %18s %10s\n", "n", "cold ask ms", "warm median ms",
           "warm p90 ms", "(wall median ms)", "warm asks");
    double *t = malloc(sizeof *t * (size_t)asks), *wall = malloc(sizeof *wall * (size_t)asks);
    if (!t || !wall)
        return 1;
    for (int k = 0; k < nn; k++) {
        long n = ns[k];
        otto_study_options so;
        otto_study_options_init(&so);
        so.seed = 1;
        otto_gp_options go;
        otto_gp_options_init(&go);
        go.small_ints_as_categories = categories;
        go.local_steps = local_steps;
        go.output_warping = warping;
        otto_space *sp;
        otto_study *s;
        if (otto_sampler_gp_create(&go, &so.sampler) || otto_study_create(&so, &s) ||
            otto_space_create(&sp))
            die("create");
        for (int d = 0; d < DIM; d++)
            if (d < n_ints ? otto_space_add_int(sp, names[d], 0, 4, 1, 0)
                           : otto_space_add_float(sp, names[d], -5, 5, 0, 0))
                die("space");
        unsigned long long rs = 7;
        for (long i = 0; i < n; i++) {
            double x[DIM];
            for (int d = 0; d < DIM; d++)
                x[d] = -5 + 10 * uniform01(&rs);
            for (int d = 0; d < n_ints; d++)
                x[d] = x[d] < 0 ? 0 : x[d] > 4 ? 4 : (double)(long)(x[d] + 0.5);
            double f = sphere(x);
            if (otto_study_add_trial(s, sp, x, OTTO_TRIAL_COMPLETE, &f, 1, NULL))
                die("add_trial");
        }
        for (int a = 0; a < asks; a++) {
            otto_trial *tr;
            double w0 = bench_now(), t0 = cpu_now();
            if (otto_study_ask_with(s, sp, &tr))
                die("ask");
            t[a] = cpu_now() - t0;
            wall[a] = bench_now() - w0;
            double x[DIM];
            for (int d = 0; d < DIM; d++) {
                int64_t v;
                if (d >= n_ints)
                    otto_trial_suggest_float(tr, names[d], -5, 5, 0, 0, &x[d]);
                else if (!otto_trial_suggest_int(tr, names[d], 0, 4, 1, 0, &v))
                    x[d] = (double)v;
            }
            double f = sphere(x);
            if (otto_study_tell(s, tr, OTTO_TRIAL_COMPLETE, &f, 1))
                die("tell");
        }
        qsort(t + 1, (size_t)asks - 1, sizeof *t, bench_cmp_double);
        qsort(wall + 1, (size_t)asks - 1, sizeof *wall, bench_cmp_double);
        printf("%6ld %12.2f %16.2f %14.2f %18.2f %10d\n", n, t[0] * 1e3,
               quantile(t + 1, (size_t)asks - 1, 0.5) * 1e3,
               quantile(t + 1, (size_t)asks - 1, 0.9) * 1e3,
               quantile(wall + 1, (size_t)asks - 1, 0.5) * 1e3, asks - 1);
        fflush(stdout);
        otto_study_destroy(s);
        otto_space_destroy(sp);
    }
    free(t);
    free(wall);
    return 0;
}
