/* Hypervolume (minimization), hypervolume subset selection and the
 * non-dominated box decomposition, against inclusion-exclusion, seeded Monte
 * Carlo, brute force over all subsets, plain greedy and point classification. */
#include <stdlib.h>
#include <string.h>

#include "../common.h"
#include "numeric/box_decomposition.h"
#include "numeric/hssp.h"
#include "numeric/hypervolume.h"

static uint64_t rng_state;

static double unif(void) /* splitmix64: portable and seeded */
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

/* n points on the concave front sum x_k^2 = 1 (x in [0, 1]), some pushed
 * back (dominated) and some beyond the reference 1.1. */
static void front_points(double *p, size_t n, size_t m, int with_noise)
{
    for (size_t i = 0; i < n; i++) {
        double norm = 0;
        for (size_t k = 0; k < m; k++) {
            p[i * m + k] = unif() + 1e-3;
            norm += p[i * m + k] * p[i * m + k];
        }
        double scale = 1.0 / sqrt(norm);
        if (with_noise && i % 5 == 1)
            scale *= 1.05;
        for (size_t k = 0; k < m; k++)
            p[i * m + k] *= scale;
        if (with_noise && i % 7 == 3)
            p[i * m + (i % m)] = 1.3;
    }
}

static double hv(const double *p, size_t n, size_t m, const double *ref)
{
    double v;
    assert_ok(otto_hypervolume(p, n, m, ref, &v));
    return v;
}

/* Inclusion-exclusion over all non-empty subsets: exact, for n <= 12. */
static double hv_inclusion_exclusion(const double *p, size_t n, size_t m, const double *ref)
{
    double total = 0;
    double corner[8];
    for (unsigned s = 1; s < (1u << n); s++) {
        int bits = 0;
        for (size_t k = 0; k < m; k++)
            corner[k] = -INFINITY;
        for (size_t i = 0; i < n; i++)
            if (s >> i & 1) {
                bits++;
                for (size_t k = 0; k < m; k++)
                    corner[k] = fmax(corner[k], p[i * m + k]);
            }
        total += (bits % 2 ? 1 : -1) * otto__hypervolume_box(corner, m, ref);
    }
    return total;
}

static void exact_against_inclusion_exclusion(void **state)
{
    (void)state;
    double p[10 * 5], ref[5] = {1.1, 1.1, 1.1, 1.1, 1.1};
    for (size_t m = 2; m <= 5; m++)
        for (uint64_t seed = 1; seed <= 20; seed++) {
            rng_state = seed * 1000 + m;
            size_t n = 1 + seed % 10;
            front_points(p, n, m, 1);
            double want = hv_inclusion_exclusion(p, n, m, ref);
            assert_close(hv(p, n, m, ref), want, 1e-12 * want + 1e-15);
        }
}

static void monte_carlo_agrees(void **state)
{
    (void)state;
    enum { N = 60, SAMPLES = 200000 };
    double p[N * 5], ref[5] = {1.1, 1.1, 1.1, 1.1, 1.1}, y[5];
    for (size_t m = 2; m <= 5; m++) {
        rng_state = 77 + m;
        front_points(p, N, m, 1);
        size_t hits = 0;
        for (int s = 0; s < SAMPLES; s++) {
            for (size_t k = 0; k < m; k++)
                y[k] = unif() * ref[k];
            for (size_t i = 0; i < N; i++) {
                size_t k = 0;
                while (k < m && p[i * m + k] <= y[k])
                    k++;
                if (k == m) {
                    hits++;
                    break;
                }
            }
        }
        double box = pow(1.1, (double)m), frac = (double)hits / SAMPLES;
        double se = box * sqrt(frac * (1 - frac) / SAMPLES);
        assert_close(hv(p, N, m, ref), box * frac, 4 * se);
    }
}

/* A set in 3-D lifted to 4-D at a constant last coordinate: the WFG path
 * must give the 3-D sweep's volume times the thickness, at a size
 * inclusion-exclusion cannot reach. */
static void wfg_matches_sweep_when_lifted(void **state)
{
    (void)state;
    enum { N = 300 };
    static double p3[N * 3], p4[N * 4];
    double r3[3] = {1.1, 1.1, 1.1}, r4[4] = {1.1, 1.1, 1.1, 2.0};
    rng_state = 5;
    front_points(p3, N, 3, 1);
    for (size_t i = 0; i < N; i++) {
        memcpy(p4 + i * 4, p3 + i * 3, 3 * sizeof(double));
        p4[i * 4 + 3] = 0.5;
    }
    double v3 = hv(p3, N, 3, r3);
    assert_close(hv(p4, N, 4, r4), 1.5 * v3, 1e-12 * v3);
    /* and the 2-D sweep against the 3-D one the same way */
    static double p2[N * 2];
    for (size_t i = 0; i < N; i++) {
        memcpy(p2 + i * 2, p3 + i * 3, 2 * sizeof(double));
        p3[i * 3 + 2] = 0.25;
    }
    double v2 = hv(p2, N, 2, r3);
    assert_close(hv(p3, N, 3, r3), 0.85 * v2, 1e-12 * v2);
}

static void edge_cases(void **state)
{
    (void)state;
    double ref[3] = {1, 1, 1};
    double outside[6] = {1, 0, 0, 0.5, 2, 0.5}; /* on or beyond the reference */
    assert_true(hv(outside, 2, 3, ref) == 0.0);
    assert_true(hv(NULL, 0, 3, ref) == 0.0);
    double twice[6] = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
    assert_close(hv(twice, 2, 3, ref), 0.125, 1e-16);
    double minus_inf[3] = {-INFINITY, 0.5, 0.5};
    assert_true(isinf(hv(minus_inf, 1, 3, ref)));
    double plus_inf[6] = {INFINITY, 0.5, 0.5, 0.5, 0.5, 0.5};
    assert_close(hv(plus_inf, 2, 3, ref), 0.125, 1e-16);
    double one_d[3] = {0.25, 0.5, 3};
    assert_close(hv(one_d, 3, 1, ref), 0.75, 1e-16);
}

static void bad_input_is_einval(void **state)
{
    (void)state;
    double p[2] = {0.5, 0.5}, ref[2] = {1, 1}, out = -1;
    double nan_p[2] = {NAN, 0.5}, inf_ref[2] = {1, INFINITY};
    assert_int_equal(otto_hypervolume(p, 1, 0, ref, &out), OTTO_EINVAL);
    assert_non_null(strstr(otto_last_error_message(), "m "));
    assert_int_equal(otto_hypervolume(nan_p, 1, 2, ref, &out), OTTO_EINVAL);
    assert_non_null(strstr(otto_last_error_message(), "NaN"));
    assert_int_equal(otto_hypervolume(p, 1, 2, inf_ref, &out), OTTO_EINVAL);
    assert_int_equal(otto_hypervolume(NULL, 1, 2, ref, &out), OTTO_EINVAL);
    assert_int_equal(otto_hypervolume(p, 1, 2, NULL, &out), OTTO_EINVAL);
    assert_int_equal(otto_hypervolume(p, 1, 2, ref, NULL), OTTO_EINVAL);
    otto_allocator half = {0};
    assert_int_equal(otto_hypervolume_with(p, 1, 2, ref, &half, &out), OTTO_EINVAL);
}

/* Allocation failures anywhere in the work come back as OTTO_ENOMEM. */
static int budget;
static void *fail_malloc(void *u, size_t n) { (void)u; return budget-- > 0 ? malloc(n) : NULL; }
static void *fail_realloc(void *u, void *p, size_t n)
{
    (void)u;
    return budget-- > 0 ? realloc(p, n) : NULL;
}
static void fail_free(void *u, void *p) { (void)u; free(p); }

static void out_of_memory_is_reported(void **state)
{
    (void)state;
    enum { N = 40 };
    double p[N * 4], ref[4] = {1.1, 1.1, 1.1, 1.1}, out;
    rng_state = 9;
    front_points(p, N, 4, 1);
    otto_allocator a = {fail_malloc, fail_realloc, fail_free, NULL};
    double want = hv(p, N, 4, ref);
    int failures = 0;
    for (int b = 0; b < 200; b++) {
        budget = b;
        int rc = otto_hypervolume_with(p, N, 4, ref, &a, &out);
        if (rc == OTTO_OK)
            assert_close(out, want, 1e-12 * want);
        else
            assert_int_equal(rc, OTTO_ENOMEM), failures++;
    }
    assert_true(failures > 0);
}

/* ---- HSSP ------------------------------------------------------------------------ */

static double subset_hv(const double *p, const size_t *idx, size_t k, size_t m,
                        const double *ref)
{
    double sub[16 * 5];
    for (size_t i = 0; i < k; i++)
        memcpy(sub + i * m, p + idx[i] * m, m * sizeof(double));
    return hv(sub, k, m, ref);
}

static void hssp_2d_is_optimal(void **state)
{
    (void)state;
    enum { N = 12 };
    double p[N * 2], ref[2] = {1.1, 1.1};
    size_t sel[N], idx[N];
    otto_allocator a;
    otto__alloc_default(&a);
    for (uint64_t seed = 1; seed <= 10; seed++) {
        rng_state = 300 + seed;
        size_t n = 4 + seed % 9;
        front_points(p, n, 2, 1);
        for (size_t k = 1; k <= n; k++) {
            assert_ok(otto__hssp_select(&a, p, n, 2, ref, k, sel));
            unsigned seen = 0;
            for (size_t i = 0; i < k; i++) {
                assert_true(sel[i] < n && !(seen >> sel[i] & 1));
                seen |= 1u << sel[i];
            }
            double best = 0;
            for (unsigned s = 0; s < (1u << n); s++) {
                size_t c = 0;
                for (size_t i = 0; i < n; i++)
                    if (s >> i & 1)
                        idx[c++] = i;
                if (c == k)
                    best = fmax(best, subset_hv(p, idx, k, 2, ref));
            }
            assert_close(subset_hv(p, sel, k, 2, ref), best, 1e-12);
        }
    }
}

static void lazy_greedy_equals_plain_greedy(void **state)
{
    (void)state;
    enum { N = 40, K = 12 };
    double p[N * 4], ref[4] = {1.1, 1.1, 1.1, 1.1};
    size_t lazy[K], plain[K];
    otto_allocator a;
    otto__alloc_default(&a);
    for (size_t m = 2; m <= 4; m++)
        for (uint64_t seed = 1; seed <= 5; seed++) {
            rng_state = 900 + seed * 10 + m;
            front_points(p, N, m, 1);
            assert_ok(otto__hssp_greedy(&a, p, N, m, ref, K, 1, lazy));
            assert_ok(otto__hssp_greedy(&a, p, N, m, ref, K, 0, plain));
            assert_memory_equal(lazy, plain, sizeof lazy);
            assert_ok(otto__hssp_select(&a, p, N, m, ref, K, lazy));
            /* the 2-D optimum is at least as good as greedy */
            assert_true(subset_hv(p, lazy, K, m, ref) >= subset_hv(p, plain, K, m, ref) - 1e-12);
        }
}

static void contributions_are_exclusive_volumes(void **state)
{
    (void)state;
    enum { N = 9 };
    double p[N * 3], ref[3] = {1.1, 1.1, 1.1}, c[N], rest[N * 3];
    otto_allocator a;
    otto__alloc_default(&a);
    rng_state = 4242;
    front_points(p, N, 3, 1);
    assert_ok(otto__hypervolume_contributions(&a, p, N, 3, ref, c));
    double all = hv_inclusion_exclusion(p, N, 3, ref);
    for (size_t i = 0; i < N; i++) {
        size_t r = 0;
        for (size_t j = 0; j < N; j++)
            if (j != i)
                memcpy(rest + 3 * r++, p + 3 * j, 3 * sizeof(double));
        assert_close(c[i], all - hv_inclusion_exclusion(rest, N - 1, 3, ref), 1e-12);
    }
}

/* ---- box decomposition ------------------------------------------------------------- */

static void boxes_cover_the_non_dominated_region(void **state)
{
    (void)state;
    enum { N = 25, SAMPLES = 20000 };
    double p[N * 4], ref[4] = {1.1, 1.1, 1.1, 1.1}, y[4];
    const double floor_at = -0.5; /* every point is above it: clips the -inf bounds */
    otto_allocator a;
    otto__alloc_default(&a);
    for (size_t m = 2; m <= 4; m++)
        for (uint64_t seed = 1; seed <= 3; seed++) {
            rng_state = 555 + seed * 7 + m;
            size_t n = seed == 1 ? 0 : N;
            front_points(p, n, m, 1);
            otto__boxes b;
            assert_ok(otto__box_decomposition(&a, p, n, m, ref, &b));
            double boxes = 0, whole = 1;
            for (size_t i = 0; i < b.n; i++) {
                double v = 1;
                for (size_t k = 0; k < m; k++) {
                    double lo = fmax(b.lower[i * m + k], floor_at), hi = b.upper[i * m + k];
                    assert_true(b.lower[i * m + k] < hi && hi <= ref[k]);
                    v *= hi - lo;
                }
                boxes += v;
            }
            for (size_t k = 0; k < m; k++)
                whole *= ref[k] - floor_at;
            assert_close(boxes + hv(p, n, m, ref), whole, 1e-12 * whole);
            if (m == 2 && n) { /* the staircase: one box per front point, plus one */
                size_t front = 0;
                for (size_t i = 0; i < n; i++) {
                    int dominated = p[i * 2] >= ref[0] || p[i * 2 + 1] >= ref[1];
                    for (size_t j = 0; j < n && !dominated; j++)
                        dominated = j != i && p[j * 2] <= p[i * 2] &&
                                    p[j * 2 + 1] <= p[i * 2 + 1];
                    front += !dominated;
                }
                assert_int_equal(b.n, front + 1);
            }
            for (int s = 0; s < SAMPLES; s++) {
                for (size_t k = 0; k < m; k++)
                    y[k] = floor_at + unif() * (ref[k] - floor_at);
                int dominated = 0;
                for (size_t i = 0; i < n && !dominated; i++) {
                    size_t k = 0;
                    while (k < m && p[i * m + k] <= y[k])
                        k++;
                    dominated = k == m;
                }
                size_t inside = 0;
                for (size_t i = 0; i < b.n; i++) {
                    size_t k = 0;
                    while (k < m && b.lower[i * m + k] <= y[k] && y[k] < b.upper[i * m + k])
                        k++;
                    inside += k == m;
                }
                assert_int_equal(inside, dominated ? 0 : 1);
            }
            otto__boxes_free(&a, &b);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_against_inclusion_exclusion),
        cmocka_unit_test(monte_carlo_agrees),
        cmocka_unit_test(wfg_matches_sweep_when_lifted),
        cmocka_unit_test(edge_cases),
        cmocka_unit_test(bad_input_is_einval),
        cmocka_unit_test(out_of_memory_is_reported),
        cmocka_unit_test(hssp_2d_is_optimal),
        cmocka_unit_test(lazy_greedy_equals_plain_greedy),
        cmocka_unit_test(contributions_are_exclusive_volumes),
        cmocka_unit_test(boxes_cover_the_non_dominated_region),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
