/* The hypervolume history of a multi-objective study (Optuna's
 * plot_hypervolume_history): after each COMPLETE trial in number order, the
 * hypervolume that the feasible trials so far dominate, and the default
 * reference point that otto(1) uses when none is given. */
#include <math.h>
#include <string.h>

#include "numeric/dominance.h"
#include "numeric/hypervolume.h"
#include "otto/insight.h"
#include "common/common.h"

/* Objective values of t turned to minimization (maximized ones negated);
 * 0 when t is not a COMPLETE trial with m finite values. */
static int loss_of(const otto_study *s, const otto_trial *t, size_t m, double *out)
{
    size_t n = 0;
    if (otto_trial_get_state(t) != OTTO_TRIAL_COMPLETE ||
        otto_trial_values(t, out, m, &n) != OTTO_OK || n != m)
        return 0;
    for (size_t k = 0; k < m; k++) {
        if (!isfinite(out[k]))
            return 0;
        if (otto_study_direction(s, k) == OTTO_MAXIMIZE)
            out[k] = -out[k];
    }
    return 1;
}

#define CONSTRAINT_WINDOW 64

/* 1 when t set constraints and one is violated (> 0 or NaN), -1 when the
 * memory to read them fails; buf holds cap doubles (enough for most). */
static int infeasible(const otto_allocator *a, const otto_trial *t, double *buf, size_t cap)
{
    size_t n = 0;
    if (otto_trial_constraints(t, buf, cap, &n) != OTTO_OK || n == 0)
        return 0;
    double *c = buf;
    if (n > cap) {
        if (!(c = otto__calloc(a, n, sizeof *c)))
            return -1;
        otto_trial_constraints(t, c, n, &n);
    }
    int bad = 0;
    for (size_t i = 0; i < n && !bad; i++)
        bad = !(c[i] <= 0.0);
    if (c != buf)
        otto__free(a, c);
    return bad;
}

int otto_study_default_reference(const otto_study *s, double *reference, size_t n_reference)
{
    if (!s || !reference)
        return otto__error(OTTO_EINVAL, "otto_study_default_reference: NULL argument");
    size_t m = otto_study_n_objectives(s);
    if (n_reference != m)
        return otto__error(OTTO_EINVAL, "otto_study_default_reference: %zu values for %zu "
                           "objectives", n_reference, m);
    const otto_allocator *a = otto_study_allocator(s);
    double *buf = otto__calloc(a, 3 * m + CONSTRAINT_WINDOW, sizeof *buf);
    if (!buf)
        return otto__error(OTTO_ENOMEM, "otto_study_default_reference: out of memory");
    double *y = buf, *lo = buf + m, *hi = buf + 2 * m, *cbuf = buf + 3 * m;
    for (size_t k = 0; k < m; k++) {
        lo[k] = INFINITY;
        hi[k] = -INFINITY;
    }
    size_t count = otto_study_trial_count(s), used = 0;
    for (size_t i = 0; i < count; i++) {
        const otto_trial *t = NULL;
        if (otto_study_trial(s, (int64_t)i, &t) != OTTO_OK || !loss_of(s, t, m, y))
            continue;
        int bad = infeasible(a, t, cbuf, CONSTRAINT_WINDOW);
        if (bad < 0) {
            otto__free(a, buf);
            return otto__error(OTTO_ENOMEM, "otto_study_default_reference: out of memory");
        }
        if (bad)
            continue;
        used++;
        for (size_t k = 0; k < m; k++) {
            lo[k] = fmin(lo[k], y[k]);
            hi[k] = fmax(hi[k], y[k]);
        }
    }
    int rc = OTTO_OK;
    if (!used)
        rc = otto__error(OTTO_ENOTFOUND, "otto_study_default_reference: no feasible COMPLETE "
                         "trial with finite values");
    for (size_t k = 0; k < m && rc == OTTO_OK; k++) {
        double span = hi[k] - lo[k];
        double pad = span > 0.0 ? 0.1 * span : fmax(0.1 * fabs(hi[k]), 1.0);
        double r = hi[k] + pad; /* in the minimized orientation */
        reference[k] = otto_study_direction(s, k) == OTTO_MAXIMIZE ? -r : r;
    }
    otto__free(a, buf);
    return rc;
}

int otto_study_hypervolume_history(const otto_study *s, const double *reference,
                                   size_t n_reference, int64_t *numbers, double *volumes,
                                   size_t cap, size_t *n_out)
{
    static const char fn[] = "otto_study_hypervolume_history";
    if (!s || !reference || (cap && (!numbers || !volumes)))
        return otto__error(OTTO_EINVAL, "%s: NULL argument", fn);
    size_t m = otto_study_n_objectives(s);
    if (m < 2)
        return otto__error(OTTO_ESTATE, "%s: the study has one objective (the history of the "
                           "best value is its counterpart)", fn);
    if (n_reference != m)
        return otto__error(OTTO_EINVAL, "%s: a reference point of %zu values for %zu "
                           "objectives", fn, n_reference, m);
    for (size_t k = 0; k < m; k++)
        if (!isfinite(reference[k]))
            return otto__error(OTTO_EINVAL, "%s: reference value %zu is not finite", fn, k);
    const otto_allocator *a = otto_study_allocator(s);
    size_t count = otto_study_trial_count(s);
    /* front: up to count rows of m (minimized); ref and y: m each */
    double *front = otto__calloc(a, (count + 2) * m + CONSTRAINT_WINDOW, sizeof *front);
    if (!front)
        return otto__error(OTTO_ENOMEM, "%s: out of memory for %zu trials", fn, count);
    double *ref = front + count * m, *y = ref + m, *cbuf = y + m;
    for (size_t k = 0; k < m; k++)
        ref[k] = otto_study_direction(s, k) == OTTO_MAXIMIZE ? -reference[k] : reference[k];
    size_t n_front = 0, n = 0;
    double volume = 0.0;
    int rc = OTTO_OK;
    for (size_t i = 0; i < count && rc == OTTO_OK; i++) {
        const otto_trial *t = NULL;
        if (otto_study_trial(s, (int64_t)i, &t) != OTTO_OK ||
            otto_trial_get_state(t) != OTTO_TRIAL_COMPLETE)
            continue;
        int bad = loss_of(s, t, m, y) ? infeasible(a, t, cbuf, CONSTRAINT_WINDOW) : 1;
        if (bad < 0)
            rc = otto__error(OTTO_ENOMEM, "%s: out of memory", fn);
        else if (!bad) {
            int dominated = 0;
            for (size_t j = 0; j < n_front && !dominated; j++)
                dominated = otto__weakly_dominates_min(front + j * m, y, m);
            if (!dominated) {
                size_t keep = 0; /* drop the points y dominates, then add y */
                for (size_t j = 0; j < n_front; j++)
                    if (!otto__weakly_dominates_min(y, front + j * m, m))
                        memmove(front + keep++ * m, front + j * m, m * sizeof *front);
                memcpy(front + keep * m, y, m * sizeof *front);
                n_front = keep + 1;
                rc = otto_hypervolume_with(front, n_front, m, ref, a, &volume);
            }
        }
        if (rc == OTTO_OK && n < cap) {
            numbers[n] = (int64_t)i;
            volumes[n] = volume;
        }
        n++;
    }
    otto__free(a, front);
    if (n_out)
        *n_out = n;
    return rc;
}
