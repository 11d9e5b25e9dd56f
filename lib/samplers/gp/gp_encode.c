/* One param value as a GP coordinate (see gp_encode.h). */
#include "gp_encode.h"

int otto__gp_encode(const otto_distribution *d, double internal, double *coord)
{
    if (d->kind == OTTO_DIST_CATEGORICAL) {
        if (!otto_distribution_contains(d, internal))
            return 0;
        *coord = internal;
        return 1;
    }
    return otto_distribution_unit_inside(d, internal, coord);
}
