/* TPE's Parzen estimator against naive references computed with libm: the
 * log density of continuous, discrete and categorical mixtures, Optuna's
 * bandwidth rules on a worked example, the stable normal tails, and the
 * branch-free exp/erfc used in the kernel loops. */
#include <stdlib.h>

#include "../common.h"
#include "samplers/fastmath.h"
#include "samplers/parzen.h"
#include "samplers/truncnorm.h"

static double phi_cdf(double z) { return 0.5 * erfc(-z / M_SQRT2); }

/* log of the weighted mixture density at x, one dim, straight from the
 * definition: kernels N(mu, sigma) truncated to [0,1] (or integrated over
 * the cell [x - q/2, x + q/2] for discrete dims). */
static double reference_log_pdf(const otto__parzen *pz, size_t d, double x, double q)
{
    double total = 0;
    for (size_t k = 0; k < pz->n_kernels; k++) {
        double mu = pz->mu[d * pz->n_kernels + k], sg = pz->sigma[d * pz->n_kernels + k];
        double z = phi_cdf((1 - mu) / sg) - phi_cdf(-mu / sg);
        double dens;
        if (q > 0) {
            double lo = fmax(x - q / 2, 0), hi = fmin(x + q / 2, 1);
            dens = (phi_cdf((hi - mu) / sg) - phi_cdf((lo - mu) / sg)) / z;
        } else {
            double t = (x - mu) / sg;
            dens = exp(-0.5 * t * t) / (sg * sqrt(2 * M_PI) * z);
        }
        total += exp(pz->log_w[k]) * dens;
    }
    return log(total);
}

static void continuous_and_discrete_match_the_reference(void **state)
{
    (void)state;
    otto_allocator a;
    otto__alloc_default(&a);
    double obs[7] = {0.1, 0.15, 0.5, 0.52, 0.9, 0.95, 0.3}, w[7] = {1, 1, 2, 1, 1, 0.5, 1};
    for (int kind = 0; kind < 2; kind++) {
        for (int mv = 0; mv < 2; mv++) {
            otto__pz_dim dim = {kind ? OTTO__PZ_DISCRETE : OTTO__PZ_CONTINUOUS, kind ? 0.1 : 0, 0};
            otto__pz_params p = {1, 1.0, 1, 0, mv, 0};
            otto__parzen pz;
            assert_ok(otto__parzen_build(&pz, &a, &dim, 1, obs, NULL, 7, w, &p));
            for (double x = kind ? 0.05 : 0.0; x <= 1.0; x += kind ? 0.1 : 0.01) {
                double got;
                otto__parzen_log_pdf(&pz, 1, &x, &got);
                assert_close(got, reference_log_pdf(&pz, 0, x, dim.q), 1e-6);
            }
            otto__parzen_free(&pz);
        }
    }
}

static void optuna_bandwidths_on_a_worked_example(void **state)
{
    (void)state;
    otto_allocator a;
    otto__alloc_default(&a);
    double obs[7] = {0.1, 0.15, 0.5, 0.52, 0.9, 0.95, 0.3}, w[7] = {1, 1, 1, 1, 1, 1, 1};
    otto__pz_dim dim = {OTTO__PZ_CONTINUOUS, 0, 0};
    /* univariate: larger gap to the sorted neighbours (prior at 0.5 included,
     * ends not counted), clipped below at 1 / min(100, n + 2) = 1/9 */
    otto__pz_params uni = {1, 1.0, 1, 0, 0, 0};
    otto__parzen pz;
    assert_ok(otto__parzen_build(&pz, &a, &dim, 1, obs, NULL, 7, w, &uni));
    double expect[8] = {1.0 / 9, 0.15, 0.2, 0.38, 0.38, 1.0 / 9, 0.2, 1.0};
    for (int k = 0; k < 8; k++)
        assert_close(pz.sigma[k], expect[k], 1e-12);
    assert_close(pz.mu[7], 0.5, 0);
    otto__parzen_free(&pz);
    /* multivariate: Scott's rule 0.2 n^(-1/(d+4)) for every observation */
    otto__pz_params mv = {1, 1.0, 1, 0, 1, 0};
    assert_ok(otto__parzen_build(&pz, &a, &dim, 1, obs, NULL, 7, w, &mv));
    for (int k = 0; k < 7; k++)
        assert_close(pz.sigma[k], 0.2 * pow(7.0, -1.0 / 5), 1e-12);
    assert_close(pz.sigma[7], 1.0, 0);
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
    otto__pz_dim dims[2] = {{OTTO__PZ_CONTINUOUS, 0, 0}, {OTTO__PZ_CATEGORICAL, 0, 3}};
    otto__pz_params p = {1, 1.0, 1, 0, 1, 0};
    otto__parzen pz;
    assert_ok(otto__parzen_build(&pz, &a, dims, 2, obs, rows, 2, w, &p));
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
        want += exp(pz.log_w[k]) * exp(-0.5 * t * t) / (sg * sqrt(2 * M_PI) * z) *
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

static void normal_tails_and_fast_math(void **state)
{
    (void)state;
    /* log Phi far in the tail against the asymptotic series' leading terms */
    assert_close(otto__log_ndtr(0), log(0.5), 1e-15);
    assert_close(otto__log_ndtr(-5), log(phi_cdf(-5)), 1e-12);
    assert_close(otto__log_ndtr(-40), -800 - log(40) - 0.5 * log(2 * M_PI) - 1.0 / 1600, 1e-5);
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
        cmocka_unit_test(categorical_kernel_and_rows),
        cmocka_unit_test(normal_tails_and_fast_math),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
