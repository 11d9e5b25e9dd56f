/* One param value as a GP coordinate (see gp_encode.h). */
#include <math.h>

#include "gp_encode.h"

int otto__gp_small_int(const otto_distribution *d)
{
    return d->kind == OTTO_DIST_INT && !(d->flags & OTTO_LOG) && d->step > 0 &&
           (d->high - d->low) / d->step + 1 <= (double)OTTO__GP_SMALL_INT_VALUES;
}

int otto__gp_as_category(const otto_distribution *d, int small_ints)
{
    return d->kind == OTTO_DIST_CATEGORICAL || (small_ints && otto__gp_small_int(d));
}

int otto__gp_encode(const otto_distribution *d, int as_category, double internal,
                    double *coord)
{
    if (as_category) {
        if (!otto_distribution_contains(d, internal))
            return 0;
        *coord = d->kind == OTTO_DIST_CATEGORICAL ? internal
                                                  : floor((internal - d->low) / d->step + 0.5);
        return 1;
    }
    return otto_distribution_unit_inside(d, internal, coord);
}

double otto__gp_category_value(const otto_distribution *d, double k)
{
    return d->kind == OTTO_DIST_CATEGORICAL ? k : d->low + k * d->step;
}
