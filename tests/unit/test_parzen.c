/* TPE's Parzen estimator against naive references computed with libm: the
 * log density of continuous, discrete and categorical mixtures, Optuna's
 * bandwidth rules on a worked example, the stable normal tails, and the
 * branch-free exp/erfc used in the kernel loops. */
#include <stdlib.h>

#include "../common.h"
#include "numeric/fastmath.h"
#include "samplers/tpe/parzen.h"
#include "samplers/tpe/tpe_cache.h"
#include "numeric/truncnorm.h"

static double phi_cdf(double z) { return 0.5 * erfc(-z / OTTO_SQRT2); }

/* kernel k's share of the mixture, from the cumulative weights */
static double share(const otto__parzen *pz, size_t k)
{
    return (pz->cum_w[k] - (k ? pz->cum_w[k - 1] : 0.0)) / pz->cum_w[pz->n_kernels - 1];
}

/* log of the weighted mixture density at x, one dim, straight from the
 * definition: kernels N(mu, sigma) truncated to [0,1], or for discrete dims
 * integrated over x's cell [lo, hi]. */
static double reference_log_pdf(const otto__parzen *pz, size_t d, double x, int discrete,
                                double lo, double hi)
{
    double total = 0;
    for (size_t k = 0; k < pz->n_kernels; k++) {
        double mu = pz->mu[d * pz->n_kernels + k], sg = pz->sigma[d * pz->n_kernels + k];
        double z = phi_cdf((1 - mu) / sg) - phi_cdf(-mu / sg);
        double dens;
        if (discrete) {
            dens = (phi_cdf((hi - mu) / sg) - phi_cdf((lo - mu) / sg)) / z;
        } else {
            double t = (x - mu) / sg;
            dens = exp(-0.5 * t * t) / (sg * sqrt(2 * OTTO_PI) * z);
        }
        total += share(pz, k) * dens;
    }
    return log(total);
}

static void continuous_and_discrete_match_the_reference(void **state)
{
    (void)state;
    otto_allocator a;
    otto__alloc_default(&a);
    double obs[7] = {0.1, 0.15, 0.5, 0.52, 0.9, 0.95, 0.3}, w[7] = {1, 1, 2, 1, 1, 0.5, 1};
    /* the int range 1..8 on a log scale: unit u is exp(L + u S) with cells
     * of +-0.5 around each integer */
    double L = log(0.5), S = log(8.5) - log(0.5);
    for (int kind = 0; kind < 3; kind++) {
        for (int scott = 0; scott < 2; scott++) {
            otto__pz_dim dim = {kind ? OTTO__PZ_DISCRETE : OTTO__PZ_CONTINUOUS, 0, 0, 0, 0, 0};
            if (kind == 1)
                dim.q = 0.1;
            if (kind == 2) {
                dim.log_lo = L;
                dim.log_span = S;
                dim.half_step = 0.5;
            }
            otto__pz_params p = {1, 1.0, 1, 0, scott, 0};
            otto__parzen pz;
            assert_ok(otto__parzen_build(&pz, &a, &dim, 1, obs, NULL, 7, w, NULL, 0, &p));
            for (int i = 0; i <= 100; i++) {
                double x = 0.01 * i, lo = 0, hi = 0;
                if (kind == 1) {
                    if (i % 10 != 5)
                        continue;
                    lo = x - 0.05;
                    hi = x + 0.05;
                } else if (kind == 2) {
                    if (i > 7)
                        break;
                    double v = 1 + i;
                    x = (log(v) - L) / S;
                    lo = (log(v - 0.5) - L) / S;
                    hi = (log(v + 0.5) - L) / S;
                }
                double got;
                otto__parzen_log_pdf(&pz, 1, &x, &got);
                assert_close(got, reference_log_pdf(&pz, 0, x, kind > 0, lo, hi), 1e-6);
            }
            otto__parzen_free(&pz);
        }
    }
}

/* Many kernels (blocked evaluation, kernels near the ends with their exact
 * truncation, narrow ones without): the full mixture to 1e-6 (the
 * normalizers' own accuracy), in a 4-D space with a discrete and a
 * categorical dim, at candidates near and far from the data. */
static void many_kernels_match_the_full_sum(void **state)
{
    (void)state;
    otto_allocator a;
    otto__alloc_default(&a);
    enum { N = 3000, D = 4 };
    otto_rng r;
    otto__rng_init(&r, 9, 9);
    double *obs = malloc(N * D * sizeof *obs), w[N];
    for (int i = 0; i < N; i++) {
        /* clustered around (0.3, 0.7) in the continuous dims */
        obs[i * D + 0] = fmin(1, fmax(0, 0.3 + 0.1 * (otto_rng_uniform(&r) - 0.5)));
        obs[i * D + 1] = i % 2 ? otto_rng_uniform(&r) : 0.7;
        obs[i * D + 2] = (floor(otto_rng_uniform(&r) * 10) + 0.5) / 10; /* grid of 10 */
        obs[i * D + 3] = floor(otto_rng_uniform(&r) * 3);
        w[i] = 1 + (i % 7);
    }
    otto__pz_dim dims[D] = {{OTTO__PZ_CONTINUOUS, 0, 0, 0, 0, 0},
                            {OTTO__PZ_CONTINUOUS, 0, 0, 0, 0, 0},
                            {OTTO__PZ_DISCRETE, 0.1, 0, 0, 0, 0},
                            {OTTO__PZ_CATEGORICAL, 0, 3, 0, 0, 0}};
    otto__pz_params p = {1, 1.0, 1, 0, 0, 0};
    otto__parzen pz;
    assert_ok(otto__parzen_build(&pz, &a, dims, D, obs, NULL, N, w, NULL, 0, &p));
    for (int c = 0; c < 30; c++) {
        double x[D] = {otto_rng_uniform(&r), c < 15 ? 0.7 : otto_rng_uniform(&r),
                       (floor(otto_rng_uniform(&r) * 10) + 0.5) / 10, (double)(c % 3)};
        if (c < 5)
            x[0] = 0.3;
        double got, total = 0;
        otto__parzen_log_pdf(&pz, 1, x, &got);
        size_t K = pz.n_kernels;
        for (size_t k = 0; k < K; k++) {
            double term = share(&pz, k);
            for (int d = 0; d < 3; d++) {
                double mu = pz.mu[d * K + k], sg = pz.sigma[d * K + k];
                double z = phi_cdf((1 - mu) / sg) - phi_cdf(-mu / sg);
                if (d < 2) {
                    double t = (x[d] - mu) / sg;
                    term *= exp(-0.5 * t * t) / (sg * sqrt(2 * OTTO_PI) * z);
                } else {
                    double lo = fmax(x[d] - 0.05, 0), hi = fmin(x[d] + 0.05, 1);
                    term *= (phi_cdf((hi - mu) / sg) - phi_cdf((lo - mu) / sg)) / z;
                }
            }
            term *= exp(pz.cat_logp[pz.cat_off[3] + (size_t)x[3] * K + k]);
            total += term;
        }
        assert_close(got, log(total), 1e-6);
    }
    otto__parzen_free(&pz);
    free(obs);
}

static void optuna_bandwidths_on_a_worked_example(void **state)
{
    (void)state;
    otto_allocator a;
    otto__alloc_default(&a);
    /* two dims, six observations of equal weight; the expected figures are
     * Optuna 5.0.0.dev's _ParzenEstimator (multivariate, its defaults) on
     * the same data */
    double obs[6 * 2] = {0.1, 0.5, 0.15, 0.2, 0.62, 0.25, 0.9, 0.8, 0.95, 0.1, 0.3, 0.7};
    double w[6] = {1, 1, 1, 1, 1, 1};
    otto__pz_dim dims[2] = {{OTTO__PZ_CONTINUOUS, 0, 0, 0, 0, 0},
                            {OTTO__PZ_CONTINUOUS, 0, 0, 0, 0, 0}};
    /* per observation and dim, the larger gap to its sorted neighbours
     * (the prior at 0.5 not among them, the ends counted only for the inner
     * kernels), clipped below at 1 / min(100, n + 2) = 1/8 */
    otto__pz_params p = {1, 1.0, 1, 0, 0, 0};
    otto__parzen pz;
    assert_ok(otto__parzen_build(&pz, &a, dims, 2, obs, NULL, 6, w, NULL, 0, &p));
    double expect[2][7] = {{0.125, 0.15, 0.32, 0.28, 0.125, 0.32, 1.0},
                           {0.25, 0.125, 0.25, 0.125, 0.125, 0.2, 1.0}};
    for (int d = 0; d < 2; d++)
        for (int k = 0; k < 7; k++)
            assert_close(pz.sigma[d * 7 + k], expect[d][k], 1e-12);
    assert_close(pz.mu[6], 0.5, 0);
    assert_close(pz.mu[13], 0.5, 0);
    double x[3 * 2] = {0.33, 0.21, 0.0, 0.5, 0.97, 1.0}, got[3];
    double want[3] = {0.23048068117007992, 0.10570708247251581, -0.839630251366634};
    otto__parzen_log_pdf(&pz, 3, x, got);
    for (int i = 0; i < 3; i++)
        assert_close(got[i], want[i], 1e-6);
    otto__parzen_free(&pz);
    /* Optuna 2.2-4.x multivariate: Scott's rule 0.2 n^(-1/(d+4)), shared */
    otto__pz_params scott = {1, 1.0, 1, 0, 1, 0};
    assert_ok(otto__parzen_build(&pz, &a, dims, 2, obs, NULL, 6, w, NULL, 0, &scott));
    for (int d = 0; d < 2; d++) {
        for (int k = 0; k < 6; k++)
            assert_close(pz.sigma[d * 7 + k], 0.2 * pow(6.0, -1.0 / 6), 1e-12);
        assert_close(pz.sigma[d * 7 + 6], 1.0, 0);
    }
    otto__parzen_free(&pz);
}

static void categorical_kernel_and_rows(void **state)
{
    (void)state;
    otto_allocator a;
    otto__alloc_default(&a);
    /* two dims: continuous and a 3-way categorical; rows picked by index */
    double obs[3 * 2] = {0.2, 2, 0.7, 0, 0.4, 2};
    size_t rows[2] = {2, 0};
    double w[2] = {1, 1};
    otto__pz_dim dims[2] = {{OTTO__PZ_CONTINUOUS, 0, 0, 0, 0, 0},
                            {OTTO__PZ_CATEGORICAL, 0, 3, 0, 0, 0}};
    otto__pz_params p = {1, 1.0, 1, 0, 1, 0};
    otto__parzen pz;
    assert_ok(otto__parzen_build(&pz, &a, dims, 2, obs, rows, 2, w, NULL, 0, &p));
    assert_close(pz.mu[0], 0.4, 0); /* row 2 first */
    assert_close(pz.mu[1], 0.2, 0);
    /* Optuna's kernel: prior_weight / (n + 1) on every choice, +1 on the
     * observed one, normalized; the prior kernel is uniform */
    double fill = 1.0 / 3, norm = 3 * fill + 1;
    size_t K = pz.n_kernels, off = pz.cat_off[1];
    assert_close(exp(pz.cat_logp[off + 2 * K + 0]), (fill + 1) / norm, 1e-12);
    assert_close(exp(pz.cat_logp[off + 0 * K + 0]), fill / norm, 1e-12);
    assert_close(exp(pz.cat_logp[off + 1 * K + 2]), 1.0 / 3, 1e-12);
    /* the joint log density is the log of the weighted product of kernels */
    double x[2] = {0.35, 2}, got, want = 0;
    otto__parzen_log_pdf(&pz, 1, x, &got);
    for (size_t k = 0; k < K; k++) {
        double mu = pz.mu[k], sg = pz.sigma[k], t = (x[0] - mu) / sg;
        double z = phi_cdf((1 - mu) / sg) - phi_cdf(-mu / sg);
        want += share(&pz, k) * exp(-0.5 * t * t) / (sg * sqrt(2 * OTTO_PI) * z) *
                exp(pz.cat_logp[off + 2 * K + k]);
    }
    assert_close(got, log(want), 1e-6);
    /* samples stay in [0,1] and on valid choices */
    otto_rng r;
    otto__rng_init(&r, 1, 1);
    double s[2 * 200];
    otto__parzen_sample(&pz, &r, 200, s);
    for (int i = 0; i < 200; i++) {
        assert_true(s[2 * i] >= 0 && s[2 * i] <= 1);
        assert_true(s[2 * i + 1] == 0 || s[2 * i + 1] == 1 || s[2 * i + 1] == 2);
    }
    otto__parzen_free(&pz);
}

static int by_u_then_number(const void *x, const void *y)
{
    const otto__tpe_entry *a = x, *b = y;
    if (a->u != b->u)
        return a->u < b->u ? -1 : 1;
    return (a->number > b->number) - (a->number < b->number);
}

/* TPE's cached walk (sorted coordinates of finished trials, running trials
 * merged in, two sides at once) gives every kernel the bandwidth the plain
 * per-side sort does, ties included, with either endpoint rule. */
static void cached_gaps_match_the_sort(void **state)
{
    (void)state;
    otto_allocator a;
    otto__alloc_default(&a);
    enum { NV = 300, NL = 7 };
    otto_rng r;
    otto__rng_init(&r, 5, 5);
    for (int rep = 0; rep < 40; rep++) {
        /* finished trials in view order, numbers shuffled, coordinates on a
         * coarse grid in half the reps so that ties are common */
        otto__tpe_entry sorted[NV], loose[NL];
        int64_t numbers[NV + NL];
        for (int i = 0; i < NV + NL; i++)
            numbers[i] = i;
        for (int i = NV - 1; i > 0; i--) {
            int j = (int)(otto_rng_uniform(&r) * (i + 1));
            int64_t t = numbers[i];
            numbers[i] = numbers[j];
            numbers[j] = t;
        }
        double u_of[NV];
        for (int i = 0; i < NV; i++) {
            double u = otto_rng_uniform(&r);
            u_of[i] = rep % 2 ? pow(floor(u * 20) / 20, 2) : u; /* uneven gaps */
            sorted[i] = (otto__tpe_entry){u_of[i], numbers[i], (size_t)i};
        }
        qsort(sorted, NV, sizeof sorted[0], by_u_then_number);
        otto__tpe_column col = {0};
        col.sorted = sorted;
        col.n_sorted = NV;
        /* a window from view_start, some trials without the params (no slot),
         * 20 good ones; slots on each side in number order, as after a split */
        size_t view_start = (size_t)rep, n_below = rep % 3 == 0 ? 1 : 20;
        int side_of[NV + NL];
        int64_t key[NV + NL];
        size_t members = 0, idx[NV + NL];
        for (int i = (int)view_start; i < NV + NL; i++) {
            if (i < NV && otto_rng_uniform(&r) < 0.2)
                continue;
            key[members] = numbers[i];
            idx[members++] = (size_t)i;
        }
        /* the first n_below members (random ones) form the good side */
        for (size_t i = 0; i < members; i++)
            side_of[i] = i < n_below ? 0 : 1;
        for (size_t i = members - 1; i > 0; i--) {
            size_t j = (size_t)(otto_rng_uniform(&r) * (double)(i + 1));
            int t = side_of[i];
            side_of[i] = side_of[j];
            side_of[j] = t;
        }
        /* slot order: side, then number */
        size_t order[NV + NL];
        for (size_t i = 0; i < members; i++)
            order[i] = i;
        for (size_t i = 1; i < members; i++)
            for (size_t j = i; j > 0; j--) {
                size_t p = order[j - 1], q = order[j];
                if (side_of[p] < side_of[q] || (side_of[p] == side_of[q] && key[p] < key[q]))
                    break;
                order[j - 1] = q;
                order[j] = p;
            }
        int32_t slot_of[NV];
        for (int i = 0; i < NV; i++)
            slot_of[i] = -1; /* also the trials before the window */
        double mu[NV + NL];
        size_t n_loose = 0;
        for (size_t sl = 0; sl < members; sl++) {
            size_t m = order[sl], i = idx[m];
            double u = i < NV ? u_of[i] : otto_rng_uniform(&r);
            mu[sl] = u;
            if (i < NV)
                slot_of[i] = (int32_t)sl;
            else
                loose[n_loose++] = (otto__tpe_entry){u, numbers[i], sl};
        }
        for (int ends = 0; ends < 2; ends++) {
            double gap[NV + NL];
            otto__tpe_entry lc[NL];
            memcpy(lc, loose, sizeof lc);
            double work_u[NV + NL];
            uint32_t work_slot[NV + NL];
            otto__tpe_gaps(&col, slot_of, lc, n_loose, n_below, ends, work_u, work_slot,
                           gap);
            otto__pz_dim dim = {OTTO__PZ_CONTINUOUS, 0, 0, 0, 0, 0};
            otto__pz_params p = {1, 1.0, 0, ends, 0, 0};
            double w[NV + NL];
            for (size_t i = 0; i < members; i++)
                w[i] = 1;
            for (int sd = 0; sd < 2; sd++) {
                size_t lo = sd ? n_below : 0, n = sd ? members - n_below : n_below;
                otto__parzen plain, fast;
                assert_ok(otto__parzen_build(&plain, &a, &dim, 1, mu + lo, NULL, n, w, NULL, 0,
                                             &p));
                assert_ok(otto__parzen_build(&fast, &a, &dim, 1, mu + lo, NULL, n, w, gap + lo,
                                             0, &p));
                for (size_t k = 0; k < n; k++)
                    assert_close(fast.sigma[k], plain.sigma[k], 0);
                otto__parzen_free(&plain);
                otto__parzen_free(&fast);
            }
        }
    }
}

static void normal_tails_and_fast_math(void **state)
{
    (void)state;
    /* log Phi far in the tail against the asymptotic series' leading terms */
    assert_close(otto__log_ndtr(0), log(0.5), 1e-15);
    assert_close(otto__log_ndtr(-5), log(phi_cdf(-5)), 1e-12);
    assert_close(otto__log_ndtr(-40), -800 - log(40) - 0.5 * log(2 * OTTO_PI) - 1.0 / 1600, 1e-5);
    assert_true(isfinite(otto__log_ndtr(-1e5)));
    /* log mass of a cell 100 sigmas out is finite and right */
    double lm = otto__log_gauss_mass(100, 100.5);
    assert_close(lm, otto__log_ndtr(-100), 1e-9);
    assert_close(otto__log_gauss_mass(-1, 2), log(phi_cdf(2) - phi_cdf(-1)), 1e-14);
    assert_true(isinf(otto__log_gauss_mass(1, 1)));
    double worst_exp = 0, worst_erfc = 0;
    for (double x = -700; x < 700; x += 0.731)
        worst_exp = fmax(worst_exp, fabs(otto__exp(x) / exp(x) - 1));
    for (double z = 0; z < 20; z += 0.013)
        worst_erfc = fmax(worst_erfc, fabs(otto__erfc_pos(z) / erfc(z) - 1));
    assert_true(worst_exp < 1e-15);
    assert_true(worst_erfc < 1.3e-7);
    assert_true(otto__exp(-1e9) >= 0 && otto__exp(-1e9) < 1e-300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(continuous_and_discrete_match_the_reference),
        cmocka_unit_test(optuna_bandwidths_on_a_worked_example),
        cmocka_unit_test(many_kernels_match_the_full_sum),
        cmocka_unit_test(categorical_kernel_and_rows),
        cmocka_unit_test(cached_gaps_match_the_sort),
        cmocka_unit_test(normal_tails_and_fast_math),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
