/* Distributions: argument validation shared by suggest_* and space_add_*, and
 * the one [0,1] working-space transform every sampler goes through. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

int otto__name_valid(const char *name) { return name && name[0]; }

#define INT_LIMIT ((int64_t)1 << 53) /* OTTO_INT_LIMIT as an integer */

/* Grid points of a stepped float are low + k*step, always computed by
 * grid_point so that a point otto made compares equal when it is checked.
 * A value given from outside (enqueued, stored) is on the grid within a
 * relative GRID_EPS of a step (decimal steps are not exact in binary) plus
 * the rounding of low + k*step, about an ulp of the bounds' magnitude (with
 * 1.7e9 and step 0.01, 2.6e-5 steps). */
#define GRID_EPS 1e-9
#define GRID_ROUNDING_ULPS 2.0

static double grid_point(double low, double k, double step) { return low + k * step; }

static int on_grid(double v, double low, double high, double step)
{
    double r = (v - low) / step, k = nearbyint(r);
    if (v == grid_point(low, k, step))
        return 1;
    double rounding = GRID_ROUNDING_ULPS * DBL_EPSILON * fmax(fabs(low), fabs(high)) / step;
    return fabs(r - k) <= GRID_EPS * fmax(1.0, fabs(r)) + rounding;
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
    if (step > 0 && !on_grid(high, low, high, step)) {
        /* lowered onto the grid */
        *adjusted = 1;
        high = grid_point(low, floor((high - low) / step), step);
        if (!(high >= low) || !on_grid(high, low, high, step))
            return otto__error(OTTO_EINVAL,
                               "suggest_float '%s': no grid point of step %g fits [%g, %g]",
                               name, step, low, high);
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

int otto__dist_from_fields(otto_distribution *d, const char *name, unsigned kind,
                           unsigned flags, double low, double high, double step,
                           const char *const *choices, size_t n_choices)
{
    int adjusted = 0, rc;
    switch (kind) {
    case OTTO_DIST_FLOAT:
        rc = otto__dist_make_float(d, name, low, high, step, flags, &adjusted);
        break;
    case OTTO_DIST_INT:
        /* range-check before converting: a double beyond int64_t is undefined */
        if (!(fabs(low) <= OTTO_INT_LIMIT && fabs(high) <= OTTO_INT_LIMIT && step >= 0 &&
              step <= OTTO_INT_LIMIT) ||
            low != floor(low) || high != floor(high) || step != floor(step))
            return otto__error(OTTO_EINVAL,
                               "int parameter '%s': bounds [%g, %g] and step %g must be whole "
                               "numbers within +-2^53",
                               name, low, high, step);
        rc = otto__dist_make_int(d, name, (int64_t)low, (int64_t)high, (int64_t)step, flags,
                                 &adjusted);
        break;
    case OTTO_DIST_CATEGORICAL:
        rc = otto__dist_make_categorical(d, name, choices, n_choices);
        break;
    default:
        return otto__error(OTTO_EINVAL, "parameter '%s': unknown distribution kind %u", name,
                           kind);
    }
    if (rc)
        return rc;
    if (adjusted || d->low != low || d->high != high || d->step != step)
        return otto__error(OTTO_EINVAL,
                           "parameter '%s': [%g, %g] step %g is not a normalized distribution "
                           "(suggest would store [%g, %g] step %g)",
                           name, low, high, step, d->low, d->high, d->step);
    return OTTO_OK;
}

int otto__choices_duplicate(const otto_allocator *a, const char *const *choices, size_t n,
                            size_t *dup)
{
    *dup = n;
    if (n < 2)
        return OTTO_OK;
    size_t cap = 4;
    while (cap < 2 * n)
        cap *= 2;
    size_t *slot = otto__calloc(a, cap, sizeof *slot); /* index + 1; 0 is empty */
    if (!slot)
        return OTTO_ENOMEM;
    for (size_t i = 0; i < n && *dup == n; i++) {
        size_t j = (size_t)otto__hash_bytes(choices[i], strlen(choices[i])) & (cap - 1);
        for (; slot[j]; j = (j + 1) & (cap - 1))
            if (strcmp(choices[slot[j] - 1], choices[i]) == 0) {
                *dup = i;
                break;
            }
        slot[j] = i + 1;
    }
    otto__free(a, slot);
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
        x = grid_point(d->low, clamp(k, 0.0, n), d->step);
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

int otto_distribution_equal(const otto_distribution *a, const otto_distribution *b)
{
    return a && b && otto__dist_equal(a, b);
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
    if (d->step > 0)
        return on_grid(v, d->low, d->high, d->step);
    return 1;
}
