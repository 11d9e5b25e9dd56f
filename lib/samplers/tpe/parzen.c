/* TPE's Parzen estimator (see parzen.h). Bandwidths follow current Optuna:
 * in every dim, each observation's kernel gets the larger gap to its sorted
 * neighbours among the observations (the interval ends as neighbours of the
 * outermost ones), clipped to [1/min(100, n+1+prior), 1] by the "magic clip";
 * the prior kernel sits at 0.5 with bandwidth 1 (the range). Optuna 2.2-4.x's
 * multivariate rule (Scott's 0.2 n^(-1/(d+4)), shared) is an option. Everything
 * is in the [0,1] working space, where every range is 1. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "numeric/fastmath.h"
#include "parzen.h"
#include "numeric/truncnorm.h"

#define SIGMA0_MAGNITUDE 0.2
/* The magic clip's floor on a kernel's width is 1 / min(MAGIC_CLIP_CAP, K + 1)
 * of the range (Optuna's is 1 / min(100, K + 1)). */
#define MAGIC_CLIP_CAP 100.0
/* log_pdf evaluates candidates in blocks of this many: each kernel's centre
 * and inverse bandwidth are loaded once for all of them */
#define CAND_BLOCK 4
/* ... and kernels in blocks of this many: 4 accumulators of 256 doubles and
 * a dim's constants stay in L1 */
#define KERNEL_BLOCK 256
/* log_sum_exp: lanes of partial maxima and sums, and how far below the
 * largest term a whole block of them is left out */
#define LSE_LANES 8
#define PRUNE_LOG 40.0
/* erfc(7.2 / sqrt 2) < 1e-12: see the kernel normalizers in the build */
#define TAIL_CUT 7.2

/* The kernel loops are the whole cost of TPE: give x86-64 CPUs with AVX2 and
 * FMA a clone of them, chosen once at load time (GNU ifunc). (An AVX-512
 * clone measured no faster on Zen 4.) Results may then
 * differ in the last bits between such CPUs and others, within the promise of
 * reproducibility on the same CPU. (Not with clang 14, which leaves the
 * clones without their dispatching symbol in static archives.) */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__) && defined(__linux__)
#define HOT_LOOPS __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define HOT_LOOPS
#endif
/* helpers of the hot loops: inlined, so they get the clone's instruction set */
#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

void otto__parzen_free(otto__parzen *pz)
{
    const otto_allocator *a = pz->alloc;
    if (!a)
        return;
    otto__free(a, pz->cum_w);
    otto__free(a, pz->mu);
    otto__free(a, pz->sigma);
    otto__free(a, pz->inv_sigma);
    otto__free(a, pz->half_inv);
    otto__free(a, pz->half_y);
    otto__free(a, pz->log_z);
    otto__free(a, pz->base);
    otto__free(a, pz->cat_logp);
    otto__free(a, pz->cat_off);
    otto__free(a, pz->scratch);
    otto__free(a, pz->cum_prod);
    otto__free(a, pz->near);
    otto__free(a, pz->y);
    otto__free(a, pz->y_norm);
    memset(pz, 0, sizeof *pz);
}

typedef struct keyed {
    double key;
    size_t index;
} keyed;

static int keyed_less(const keyed *a, const keyed *b)
{
    return a->key < b->key || (a->key == b->key && a->index < b->index);
}

static void keyed_swap(keyed *a, keyed *b)
{
    keyed t = *a;
    *a = *b;
    *b = t;
}

/* Quicksort with inline comparisons (qsort's callback dominated univariate
 * TPE): median-of-three pivots, insertion sort for short runs, recursion on
 * the smaller part only, so the depth stays logarithmic. */
static void sort_keyed(keyed *a, size_t n)
{
    while (n > 16) {
        keyed *lo = a, *mid = a + n / 2, *hi = a + n - 1;
        if (keyed_less(mid, lo))
            keyed_swap(mid, lo);
        if (keyed_less(hi, mid)) {
            keyed_swap(hi, mid);
            if (keyed_less(mid, lo))
                keyed_swap(mid, lo);
        }
        keyed pivot = *mid;
        size_t i = 0, j = n - 1;
        for (;;) {
            while (keyed_less(&a[i], &pivot))
                i++;
            while (keyed_less(&pivot, &a[j]))
                j--;
            if (i >= j)
                break;
            keyed_swap(&a[i], &a[j]);
            i++;
            j--;
        }
        size_t left = j + 1; /* a[0..j] <= pivot <= a[j+1..n) */
        if (left < n - left) {
            sort_keyed(a, left);
            a += left;
            n -= left;
        } else {
            sort_keyed(a + left, n - left);
            n = left;
        }
    }
    for (size_t i = 1; i < n; i++) {
        keyed x = a[i];
        size_t j = i;
        while (j > 0 && keyed_less(&x, &a[j - 1])) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = x;
    }
}

/* Neighbour-gap bandwidths of m observation kernels: for each centre the
 * larger distance to its sorted neighbours, with the interval ends as
 * neighbours of the outermost ones (the prior kernel takes no part, as in
 * Optuna since c1267c3f). */
static int neighbour_sigmas(const otto_allocator *a, const double *mus, size_t m,
                            int consider_endpoints, double *sigma)
{
    keyed *s = otto__calloc(a, m, sizeof *s);
    if (!s)
        return OTTO_ENOMEM;
    for (size_t i = 0; i < m; i++) {
        s[i].key = mus[i];
        s[i].index = i;
    }
    sort_keyed(s, m);
    for (size_t i = 0; i < m; i++) {
        double left = i == 0 ? 0.0 : s[i - 1].key;
        double right = i + 1 == m ? 1.0 : s[i + 1].key;
        double gap_l = s[i].key - left, gap_r = right - s[i].key;
        sigma[s[i].index] = gap_l > gap_r ? gap_l : gap_r;
    }
    if (!consider_endpoints && m >= 2) {
        sigma[s[0].index] = s[1].key - s[0].key;
        sigma[s[m - 1].index] = s[m - 1].key - s[m - 2].key;
    }
    otto__free(a, s);
    return OTTO_OK;
}

HOT_LOOPS int otto__parzen_build(otto__parzen *pz, const otto_allocator *a,
                                 const otto__pz_dim *dims, size_t n_dims, const double *obs,
                                 const size_t *rows, size_t n_obs, const double *weights,
                                 const double *gaps, size_t gap_stride,
                                 const otto__pz_params *p)
{
    memset(pz, 0, sizeof *pz);
    int prior = p->consider_prior || n_obs == 0;
    size_t K = n_obs + (size_t)prior;
    size_t n_cat = 0, n_discrete = 0;
    for (size_t d = 0; d < n_dims; d++) {
        if (dims[d].kind == OTTO__PZ_CATEGORICAL)
            n_cat += dims[d].n_choices;
        n_discrete += dims[d].kind == OTTO__PZ_DISCRETE;
    }
    pz->alloc = a;
    pz->n_dims = n_dims;
    pz->n_kernels = K;
    pz->n_obs = n_obs;
    pz->dims = dims;
    pz->cum_w = otto__calloc(a, K, sizeof(double));
    pz->mu = otto__malloc(a, (n_dims * K + 1) * sizeof(double));
    pz->sigma = otto__malloc(a, (n_dims * K + 1) * sizeof(double));
    pz->inv_sigma = otto__malloc(a, (n_dims * K + 1) * sizeof(double));
    pz->half_inv = otto__malloc(a, (n_dims * K + 1) * sizeof(double));
    pz->half_y = otto__malloc(a, (n_dims * K + 1) * sizeof(double));
    /* only discrete dims read log_z; index it by dim all the same */
    pz->log_z = otto__malloc(a, (n_discrete ? n_dims * K : 0) * sizeof(double) + 1);
    pz->base = otto__calloc(a, K, sizeof(double));
    pz->scratch = otto__calloc(a, CAND_BLOCK * K, sizeof(double));
    pz->cum_prod = otto__calloc(a, K, sizeof(double));
    pz->near = otto__malloc(a, (K + 1) * sizeof *pz->near);
    pz->cat_logp = otto__calloc(a, n_cat * K + 1, sizeof(double));
    pz->cat_off = otto__calloc(a, n_dims + 1, sizeof(size_t));
    if (!pz->cum_w || !pz->mu || !pz->sigma || !pz->inv_sigma || !pz->half_inv ||
        !pz->half_y || !pz->log_z ||
        !pz->base || !pz->scratch || !pz->cum_prod || !pz->near || !pz->cat_logp ||
        !pz->cat_off) {
        otto__parzen_free(pz);
        return OTTO_ENOMEM;
    }

    /* mixture weights */
    double total = 0;
    for (size_t k = 0; k < K; k++) {
        double w = k < n_obs ? weights[k] : p->prior_weight;
        pz->cum_w[k] = (total += w);
    }
    /* cum_prod starts with each kernel's share: its log joins the
     * normalizers' in one log per kernel (base starts at 0) */
    for (size_t k = 0; k < K; k++)
        pz->cum_prod[k] = total / (k < n_obs ? weights[k] : p->prior_weight);

    size_t n_prod = 0, n_cont = 0;
    for (size_t d = 0; d < n_dims; d++)
        n_cont += dims[d].kind == OTTO__PZ_CONTINUOUS;
    double min_sigma =
        p->consider_magic_clip ? 1.0 / fmin(MAGIC_CLIP_CAP, 1.0 + (double)K) : 1e-12;
    double scott = SIGMA0_MAGNITUDE * pow(fmax((double)n_obs, 1.0), -1.0 / ((double)n_dims + 4));
    size_t cat_at = 0;
    for (size_t d = 0; d < n_dims; d++) {
        double *mu = pz->mu + d * K, *sg = pz->sigma + d * K;
        if (dims[d].kind == OTTO__PZ_CATEGORICAL) {
            size_t nc = dims[d].n_choices;
            double *lp = pz->cat_logp + cat_at;
            pz->cat_off[d] = cat_at;
            cat_at += nc * K;
            double fill = p->prior_weight / (double)K;
            for (size_t k = 0; k < K; k++) {
                size_t hit = k < n_obs ? (size_t)obs[(rows ? rows[k] : k) * n_dims + d] : nc;
                double norm = fill * (double)nc + (hit < nc ? 1.0 : 0.0);
                for (size_t c = 0; c < nc; c++)
                    lp[c * K + k] = log((fill + (c == hit ? 1.0 : 0.0)) / norm);
            }
            continue;
        }
        for (size_t k = 0; k < n_obs; k++)
            mu[k] = obs[(rows ? rows[k] : k) * n_dims + d];
        if (prior)
            mu[n_obs] = 0.5;
        if (p->scott_bandwidth) {
            for (size_t k = 0; k < n_obs; k++)
                sg[k] = scott;
        } else if (gaps) {
            memcpy(sg, gaps + d * gap_stride, n_obs * sizeof *sg);
        } else if (n_obs && neighbour_sigmas(a, mu, n_obs, p->consider_endpoints, sg)) {
            otto__parzen_free(pz);
            return OTTO_ENOMEM;
        }
        for (size_t k = 0; k < n_obs; k++)
            sg[k] = sg[k] < min_sigma ? min_sigma : sg[k] > 1.0 ? 1.0 : sg[k];
        if (prior)
            sg[n_obs] = 1.0;
        double *inv = pz->inv_sigma + d * K;
        for (size_t k = 0; k < K; k++)
            inv[k] = 1.0 / sg[k];
        if (dims[d].kind == OTTO__PZ_CONTINUOUS) {
            double *restrict hi = pz->half_inv + d * K, *restrict hy = pz->half_y + d * K;
            for (size_t k = 0; k < K; k++) {
                hi[k] = inv[k] * OTTO_SQRT1_2;
                hy[k] = mu[k] * hi[k];
            }
        }
        if (dims[d].kind == OTTO__PZ_DISCRETE) {
            double *lz = pz->log_z + d * K;
            /* cell masses far in the tails need the exact log mass */
            for (size_t k = 0; k < K; k++)
                lz[k] = otto__log_gauss_mass(-mu[k] * inv[k], (1.0 - mu[k]) * inv[k]);
            continue;
        }
        /* Continuous: the normalizer sigma * sqrt(2 pi) * Z of each kernel,
         * Z = 1 - Phi(-mu/sigma) - Phi(-(1-mu)/sigma) >= 1/3 since mu is in
         * [0,1]. Products over dims go into `prod` (logged every 16 dims so
         * they cannot underflow): one log per kernel, not per kernel and dim. */
        const double *restrict mu_r = mu, *restrict inv_r = inv, *restrict sg_r = sg;
        double *restrict prod = pz->cum_prod;
        int with_sigma = !p->unnormalized;
        /* A kernel more than TAIL_CUT bandwidths from both ends loses under
         * 1e-12 of its mass to the truncation, below erfc_pos's own error:
         * its Z is 1, and only the others (near an end, or wide) pay for
         * the erfc. With many observations most kernels are narrow. */
        size_t n_near = 0;
        uint32_t *restrict near = pz->near;
        for (size_t k = 0; k < K; k++) {
            prod[k] *= with_sigma ? sg_r[k] : 1.0;
            near[n_near] = (uint32_t)k;
            n_near += (mu_r[k] * inv_r[k] < TAIL_CUT) | ((1.0 - mu_r[k]) * inv_r[k] < TAIL_CUT);
        }
        for (size_t i = 0; i < n_near; i++) {
            size_t k = near[i];
            prod[k] *= 1.0 - 0.5 * otto__erfc_pos(mu_r[k] * inv_r[k] * OTTO_SQRT1_2) -
                       0.5 * otto__erfc_pos((1.0 - mu_r[k]) * inv_r[k] * OTTO_SQRT1_2);
        }
        if (++n_prod == 16) {
            for (size_t k = 0; k < K; k++) {
                pz->base[k] -= log(pz->cum_prod[k]);
                pz->cum_prod[k] = 1.0;
            }
            n_prod = 0;
        }
    }
    for (size_t k = 0; k < K; k++)
        pz->base[k] -= log(pz->cum_prod[k]) + (double)n_cont * OTTO_LOG_SQRT_2PI;

    if (p->scott_bandwidth && n_obs > 0 && n_cont > 0) {
        pz->y = otto__calloc(a, n_dims * K, sizeof(double));
        pz->y_norm = otto__calloc(a, K, sizeof(double));
        if (!pz->y || !pz->y_norm) {
            otto__parzen_free(pz);
            return OTTO_ENOMEM;
        }
        for (size_t d = 0; d < n_dims; d++) {
            if (dims[d].kind != OTTO__PZ_CONTINUOUS)
                continue;
            const double *mu = pz->mu + d * K, *inv = pz->inv_sigma + d * K;
            double *y = pz->y + d * K;
            for (size_t k = 0; k < n_obs; k++) {
                y[k] = mu[k] * inv[k];
                pz->y_norm[k] -= 0.5 * y[k] * y[k];
            }
        }
        pz->shared = 1;
    }
    return OTTO_OK;
}

void otto__parzen_sample(const otto__parzen *pz, otto_rng *r, size_t n, double *out)
{
    size_t K = pz->n_kernels;
    double total = pz->cum_w[K - 1];
    for (size_t i = 0; i < n; i++) {
        double u = otto_rng_uniform(r) * total;
        size_t lo = 0, hi = K - 1; /* first k with cum_w[k] > u */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (pz->cum_w[mid] > u)
                hi = mid;
            else
                lo = mid + 1;
        }
        size_t k = lo;
        for (size_t d = 0; d < pz->n_dims; d++) {
            double *o = &out[i * pz->n_dims + d];
            if (pz->dims[d].kind == OTTO__PZ_CATEGORICAL) {
                size_t nc = pz->dims[d].n_choices;
                const double *lp = pz->cat_logp + pz->cat_off[d];
                double v = otto_rng_uniform(r), acc = 0;
                size_t c = 0;
                for (; c + 1 < nc; c++) {
                    acc += exp(lp[c * K + k]);
                    if (v < acc)
                        break;
                }
                *o = (double)c;
            } else {
                *o = otto__truncnorm_sample(r, pz->mu[d * K + k], pz->sigma[d * K + k], 0.0, 1.0);
            }
        }
    }
}

/* The grid cell of a discrete dim's unit coordinate u, clipped to [0,1]. */
static void cell_of(const otto__pz_dim *dm, double u, double *lo, double *hi)
{
    if (dm->log_span > 0) {
        double v = exp(dm->log_lo + u * dm->log_span);
        *lo = (log(v - dm->half_step) - dm->log_lo) / dm->log_span;
        *hi = (log(v + dm->half_step) - dm->log_lo) / dm->log_span;
    } else {
        *lo = u - 0.5 * dm->q;
        *hi = u + 0.5 * dm->q;
    }
    *lo = *lo < 0.0 ? 0.0 : *lo;
    *hi = *hi > 1.0 ? 1.0 : *hi;
}

/* Add dim d's log kernel terms of kernels [k0, k1) at nb candidates (rows
 * of x) to their accumulators. */
static ALWAYS_INLINE void add_dim_terms(const otto__parzen *pz, size_t d, const double *x, size_t nb,
                                 double *const *acc, size_t k0, size_t k1)
{
    size_t K = pz->n_kernels, D = pz->n_dims;
    const double *restrict mu = pz->mu + d * K, *restrict inv = pz->inv_sigma + d * K;
    switch (pz->dims[d].kind) {
    case OTTO__PZ_CONTINUOUS:
        if (pz->shared) {
            /* the observations' bandwidth, shared: inv[0] */
            const double *restrict y = pz->y + d * K;
            for (size_t b = 0; b < nb; b++) {
                double xt = x[b * D + d] * inv[0];
                double *restrict a = acc[b];
                for (size_t k = k0; k < k1; k++)
                    a[k] += xt * y[k];
            }
        } else if (nb == CAND_BLOCK) {
            /* t = (x - mu) / (sigma sqrt 2) = x * hi - hy: two fused
             * multiply-adds per kernel and candidate */
            const double *restrict hi = pz->half_inv + d * K, *restrict hy = pz->half_y + d * K;
            double x0 = x[0 * D + d], x1 = x[1 * D + d], x2 = x[2 * D + d], x3 = x[3 * D + d];
            double *restrict a0 = acc[0], *restrict a1 = acc[1];
            double *restrict a2 = acc[2], *restrict a3 = acc[3];
            for (size_t k = k0; k < k1; k++) {
                double t0 = x0 * hi[k] - hy[k], t1 = x1 * hi[k] - hy[k];
                double t2 = x2 * hi[k] - hy[k], t3 = x3 * hi[k] - hy[k];
                a0[k] -= t0 * t0;
                a1[k] -= t1 * t1;
                a2[k] -= t2 * t2;
                a3[k] -= t3 * t3;
            }
        } else {
            const double *restrict hi = pz->half_inv + d * K, *restrict hy = pz->half_y + d * K;
            for (size_t b = 0; b < nb; b++) {
                double xd = x[b * D + d];
                double *restrict a = acc[b];
                for (size_t k = k0; k < k1; k++) {
                    double t = xd * hi[k] - hy[k];
                    a[k] -= t * t;
                }
            }
        }
        break;
    case OTTO__PZ_DISCRETE: {
        const double *lz = pz->log_z + d * K;
        for (size_t b = 0; b < nb; b++) {
            double lo, hi;
            cell_of(&pz->dims[d], x[b * D + d], &lo, &hi);
            for (size_t k = k0; k < k1; k++)
                acc[b][k] += otto__log_gauss_mass((lo - mu[k]) * inv[k], (hi - mu[k]) * inv[k]) -
                             lz[k];
        }
        break;
    }
    case OTTO__PZ_CATEGORICAL:
        for (size_t b = 0; b < nb; b++) {
            const double *lp = pz->cat_logp + pz->cat_off[d] + (size_t)x[b * D + d] * K;
            for (size_t k = k0; k < k1; k++)
                acc[b][k] += lp[k];
        }
        break;
    }
}

/* log sum exp of a[0..K). Partial maxima per lane keep the maximum
 * vectorizable (a single running maximum is one long dependency chain).
 * Terms more than PRUNE_LOG below the largest add under e^-PRUNE_LOG of it
 * each, so blocks of LSE_LANES terms that are all that far down skip their
 * exponentials: the relative error of the sum is below K e^-PRUNE_LOG (4e-12
 * at a million kernels). Blocks are whole when kernels come in coordinate
 * order (one dim) or when most kernels are far (many narrow ones). */
static ALWAYS_INLINE double log_sum_exp(const double *restrict a, size_t K)
{
    double mx[LSE_LANES], acc[LSE_LANES];
    for (size_t j = 0; j < LSE_LANES; j++) {
        mx[j] = -INFINITY;
        acc[j] = 0.0;
    }
    size_t K8 = K - K % LSE_LANES;
    for (size_t k = 0; k < K8; k += LSE_LANES)
        for (size_t j = 0; j < LSE_LANES; j++)
            mx[j] = a[k + j] > mx[j] ? a[k + j] : mx[j];
    double m = -INFINITY;
    for (size_t j = 0; j < LSE_LANES; j++)
        m = mx[j] > m ? mx[j] : m;
    for (size_t k = K8; k < K; k++)
        m = a[k] > m ? a[k] : m;
    if (!isfinite(m))
        return m;
    double floor_ = m - PRUNE_LOG;
    for (size_t k = 0; k < K8; k += LSE_LANES) {
        int any = 0;
        for (size_t j = 0; j < LSE_LANES; j++)
            any |= a[k + j] >= floor_;
        if (any)
            for (size_t j = 0; j < LSE_LANES; j++)
                acc[j] += otto__exp(a[k + j] - m);
    }
    double sum = 0;
    for (size_t j = 0; j < LSE_LANES; j++)
        sum += acc[j];
    for (size_t k = K8; k < K; k++)
        sum += otto__exp(a[k] - m);
    return m + log(sum);
}

HOT_LOOPS void otto__parzen_log_pdf(const otto__parzen *pz, size_t n, const double *x,
                                    double *out)
{
    size_t K = pz->n_kernels, D = pz->n_dims;
    for (size_t i0 = 0; i0 < n; i0 += CAND_BLOCK) {
        size_t nb = n - i0 < CAND_BLOCK ? n - i0 : CAND_BLOCK;
        double *acc[CAND_BLOCK];
        for (size_t b = 0; b < CAND_BLOCK; b++)
            acc[b] = pz->scratch + (b < nb ? b : 0) * K;
        /* kernels in blocks of KERNEL_BLOCK, so the candidates' accumulators
         * stay in L1 while every dim adds its term */
        for (size_t k0 = 0; k0 < K; k0 += KERNEL_BLOCK) {
            size_t k1 = K - k0 < KERNEL_BLOCK ? K : k0 + KERNEL_BLOCK;
            for (size_t b = 0; b < nb; b++)
                memcpy(acc[b] + k0, pz->base + k0, (k1 - k0) * sizeof(double));
            for (size_t d = 0; d < D; d++)
                add_dim_terms(pz, d, x + i0 * D, nb, acc, k0, k1);
        }
        if (pz->shared) {
            /* finish the expanded quadratic forms; the prior kernel (the last
             * one, bandwidth 1) gets its own directly */
            size_t prior = pz->n_obs; /* == K when there is no prior kernel */
            for (size_t b = 0; b < nb; b++) {
                double xx = 0, pq = 0;
                for (size_t d = 0; d < D; d++) {
                    if (pz->dims[d].kind != OTTO__PZ_CONTINUOUS)
                        continue;
                    double xd = x[(i0 + b) * D + d];
                    double xt = xd * pz->inv_sigma[d * K];
                    xx += xt * xt;
                    if (prior < K) {
                        double t = (xd - pz->mu[d * K + prior]) * pz->inv_sigma[d * K + prior];
                        pq += t * t;
                    }
                }
                double *restrict a = acc[b];
                for (size_t k = 0; k < K; k++)
                    a[k] += pz->y_norm[k] - 0.5 * xx;
                if (prior < K)
                    a[prior] += 0.5 * xx - 0.5 * pq; /* replace its term */
            }
        }
        for (size_t b = 0; b < nb; b++)
            out[i0 + b] = log_sum_exp(acc[b], K);
    }
}
