/* Distributions: argument validation shared by suggest_* and space_add_*, and
 * the one [0,1] working-space transform every sampler goes through. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

int otto__name_valid(const char *name) { return name && name[0]; }

#define INT_LIMIT ((int64_t)1 << 53) /* OTTO_INT_LIMIT as an integer */

/* Relative tolerance for "step divides the range" and grid membership. */
#define GRID_EPS 1e-9

static int grid_count(double range, double step, double *n_steps)
{
    double r = range / step;
    double n = nearbyint(r);
    if (fabs(r - n) <= GRID_EPS * fmax(1.0, fabs(r))) {
        *n_steps = n;
        return 0;
    }
    *n_steps = floor(r);
    return 1;
}

int otto__dist_make_float(otto_distribution *d, const char *name, double low, double high,
                          double step, unsigned flags, int *adjusted)
{
    *adjusted = 0;
    int rc = otto__text_check(name, 0, "suggest_float", "name");
    if (rc)
        return rc;
    if (flags & ~OTTO_LOG)
        return otto__error(OTTO_EINVAL, "suggest_float '%s': unknown flags 0x%x", name, flags);
    if (!isfinite(low) || !isfinite(high))
        return otto__error(OTTO_EINVAL, "suggest_float '%s': bounds must be finite (low %g, high %g)",
                           name, low, high);
    if (low > high)
        return otto__error(OTTO_EINVAL, "suggest_float '%s': low %g > high %g", name, low, high);
    if (!isfinite(high - low))
        return otto__error(OTTO_EINVAL,
                           "suggest_float '%s': the range high - low must be finite (at most "
                           "DBL_MAX; low %g, high %g)",
                           name, low, high);
    if (!isfinite(step) || step < 0)
        return otto__error(OTTO_EINVAL, "suggest_float '%s': step %g must be finite and >= 0", name,
                           step);
    if (step > 0 && !((high - low) / step <= OTTO_INT_LIMIT))
        return otto__error(OTTO_EINVAL,
                           "suggest_float '%s': step %g leaves more than 2^53 grid cells in "
                           "[%g, %g]",
                           name, step, low, high);
    if ((flags & OTTO_LOG) && step > 0)
        return otto__error(OTTO_EINVAL, "suggest_float '%s': step and log cannot be combined", name);
    if ((flags & OTTO_LOG) && low <= 0)
        return otto__error(OTTO_EINVAL, "suggest_float '%s': log scale needs low > 0 (low %g)", name,
                           low);
    if (step > 0) {
        double n;
        if (grid_count(high - low, step, &n)) {
            *adjusted = 1;
            high = low + n * step;
        }
    }
    memset(d, 0, sizeof *d);
    d->kind = OTTO_DIST_FLOAT;
    d->flags = flags;
    d->low = low;
    d->high = high;
    d->step = step;
    return OTTO_OK;
}

int otto__dist_make_int(otto_distribution *d, const char *name, int64_t low, int64_t high,
                        int64_t step, unsigned flags, int *adjusted)
{
    *adjusted = 0;
    int rc = otto__text_check(name, 0, "suggest_int", "name");
    if (rc)
        return rc;
    if (flags & ~OTTO_LOG)
        return otto__error(OTTO_EINVAL, "suggest_int '%s': unknown flags 0x%x", name, flags);
    if (low > high)
        return otto__error(OTTO_EINVAL, "suggest_int '%s': low %lld > high %lld", name,
                           (long long)low, (long long)high);
    if (low < -INT_LIMIT || high > INT_LIMIT)
        return otto__error(OTTO_EINVAL,
                           "suggest_int '%s': bounds must lie within +-2^53 (OTTO_INT_LIMIT; low "
                           "%lld, high %lld)",
                           name, (long long)low, (long long)high);
    if (step < 0 || step > INT_LIMIT)
        return otto__error(OTTO_EINVAL, "suggest_int '%s': step %lld must be in 1..2^53", name,
                           (long long)step);
    if (step == 0)
        step = 1;
    if ((flags & OTTO_LOG) && step != 1)
        return otto__error(OTTO_EINVAL, "suggest_int '%s': step and log cannot be combined", name);
    if ((flags & OTTO_LOG) && low < 1)
        return otto__error(OTTO_EINVAL, "suggest_int '%s': log scale needs low >= 1 (low %lld)",
                           name, (long long)low);
    /* high - low fits: both within 2^53 */
    int64_t rem = (high - low) % step;
    if (rem) {
        *adjusted = 1;
        high -= rem;
    }
    memset(d, 0, sizeof *d);
    d->kind = OTTO_DIST_INT;
    d->flags = flags;
    d->low = (double)low;
    d->high = (double)high;
    d->step = (double)step;
    return OTTO_OK;
}

int otto__dist_make_categorical(otto_distribution *d, const char *name,
                                const char *const *choices, size_t n_choices)
{
    int rc = otto__text_check(name, 0, "suggest_categorical", "name");
    if (rc)
        return rc;
    if (n_choices == 0 || !choices)
        return otto__error(OTTO_EINVAL, "suggest_categorical '%s': needs at least one choice", name);
    size_t total = 0;
    for (size_t i = 0; i < n_choices; i++) {
        char what[48];
        snprintf(what, sizeof what, "choice %zu", i);
        rc = otto__text_check(choices[i], 1, "suggest_categorical", what);
        if (rc)
            return rc;
        total += strlen(choices[i]) + 4;
        if (total > OTTO_CHOICES_TEXT_MAX)
            return otto__error(OTTO_EINVAL,
                               "suggest_categorical '%.64s': the labels take more than "
                               "OTTO_CHOICES_TEXT_MAX (%u bytes, counting 4 per label)",
                               name, OTTO_CHOICES_TEXT_MAX);
    }
    memset(d, 0, sizeof *d);
    d->kind = OTTO_DIST_CATEGORICAL;
    d->low = 0;
    d->high = (double)(n_choices - 1);
    d->step = 1;
    d->n_choices = n_choices;
    d->choices = choices;
    return OTTO_OK;
}

static int same_choices(const otto_distribution *a, const otto_distribution *b)
{
    if (a->n_choices != b->n_choices)
        return 0;
    for (size_t i = 0; i < a->n_choices; i++)
        if (strcmp(a->choices[i], b->choices[i]) != 0)
            return 0;
    return 1;
}

int otto__dist_compatible(const otto_distribution *a, const otto_distribution *b)
{
    if (a->kind != b->kind)
        return 0;
    if (a->kind == OTTO_DIST_CATEGORICAL)
        return same_choices(a, b);
    return (a->flags & OTTO_LOG) == (b->flags & OTTO_LOG);
}

int otto__dist_equal(const otto_distribution *a, const otto_distribution *b)
{
    if (!otto__dist_compatible(a, b))
        return 0;
    if (a->kind == OTTO_DIST_CATEGORICAL)
        return 1;
    return a->low == b->low && a->high == b->high && a->step == b->step;
}

/* The working-space interval [lo, hi] (in log space for log params) whose
 * image is [0,1]: grid params own a cell of one step around each grid point. */
static void unit_bounds(const otto_distribution *d, double *lo, double *hi)
{
    int log_scale = (d->flags & OTTO_LOG) != 0;
    double half = (d->kind == OTTO_DIST_INT || d->step > 0) ? 0.5 * d->step : 0.0;
    double l = d->low - half, h = d->high + half;
    if (log_scale) {
        l = log(l);
        h = log(h);
    }
    *lo = l;
    *hi = h;
}

double otto_distribution_grid_size(const otto_distribution *d)
{
    if (!d)
        return 0.0;
    if (d->kind == OTTO_DIST_CATEGORICAL)
        return (double)d->n_choices;
    if (d->kind == OTTO_DIST_INT || d->step > 0)
        return floor((d->high - d->low) / d->step + 0.5) + 1.0;
    return 0.0;
}

int otto_distribution_unit_inside(const otto_distribution *d, double value, double *u)
{
    double x = otto_distribution_to_unit(d, value);
    if (!u || !(x >= -1e-9 && x <= 1.0 + 1e-9))
        return 0;
    *u = x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
    return 1;
}

double otto_distribution_to_unit(const otto_distribution *d, double internal)
{
    if (!d)
        return NAN;
    if (d->kind == OTTO_DIST_CATEGORICAL)
        return d->n_choices ? (internal + 0.5) / (double)d->n_choices : NAN;
    double lo, hi;
    unit_bounds(d, &lo, &hi);
    if (!(hi > lo))
        return 0.5;
    double x = (d->flags & OTTO_LOG) ? log(internal) : internal;
    return (x - lo) / (hi - lo);
}

/* clamp without libm calls: this runs for every sampled value */
static double clamp(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

static double snap(const otto_distribution *d, double x)
{
    if (d->kind == OTTO_DIST_INT || d->step > 0) {
        double k = nearbyint((x - d->low) / d->step);
        double n = nearbyint((d->high - d->low) / d->step);
        x = d->low + clamp(k, 0.0, n) * d->step;
    }
    return clamp(x, d->low, d->high);
}

double otto_distribution_from_unit(const otto_distribution *d, double u)
{
    if (!d || isnan(u))
        return NAN;
    u = clamp(u, 0.0, 1.0);
    if (d->kind == OTTO_DIST_CATEGORICAL) {
        if (!d->n_choices)
            return NAN;
        double idx = floor(u * (double)d->n_choices);
        return fmin(idx, (double)(d->n_choices - 1));
    }
    double lo, hi;
    unit_bounds(d, &lo, &hi);
    double x = lo + u * (hi - lo);
    if (d->flags & OTTO_LOG)
        x = exp(x);
    return snap(d, x);
}

int otto_distribution_contains(const otto_distribution *d, double v)
{
    if (!d || !isfinite(v))
        return 0;
    if (d->kind != OTTO_DIST_FLOAT && d->kind != OTTO_DIST_INT &&
        d->kind != OTTO_DIST_CATEGORICAL)
        return 0;
    if (d->kind == OTTO_DIST_CATEGORICAL)
        return v >= 0 && v < (double)d->n_choices && v == floor(v);
    if (v < d->low || v > d->high)
        return 0;
    if (d->kind == OTTO_DIST_INT)
        return v == floor(v) && fmod(v - d->low, d->step) == 0;
    if (d->step > 0) {
        double r = (v - d->low) / d->step;
        return fabs(r - nearbyint(r)) <= GRID_EPS * fmax(1.0, fabs(r));
    }
    return 1;
}
