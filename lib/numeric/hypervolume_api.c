/* otto_hypervolume(3): argument checks in front of the exact hypervolume of
 * lib/numeric/hypervolume.c. */
#include <math.h>

#include "numeric/hypervolume.h"

int otto_hypervolume_with(const double *points, size_t n, size_t m, const double *reference,
                          const otto_allocator *allocator, double *out)
{
    if (!out)
        return otto__error(OTTO_EINVAL, "otto_hypervolume: out is NULL");
    *out = 0.0;
    if (!reference || (!points && n))
        return otto__error(OTTO_EINVAL, "otto_hypervolume: %s is NULL",
                           reference ? "points" : "reference");
    if (m == 0)
        return otto__error(OTTO_EINVAL, "otto_hypervolume: m (the number of objectives) is 0");
    if (n && m > (size_t)-1 / sizeof(double) / n)
        return otto__error(OTTO_EINVAL, "otto_hypervolume: n x m overflows");
    for (size_t k = 0; k < m; k++)
        if (!isfinite(reference[k]))
            return otto__error(OTTO_EINVAL,
                               "otto_hypervolume: reference[%zu] is not finite", k);
    for (size_t i = 0; i < n * m; i++)
        if (isnan(points[i]))
            return otto__error(OTTO_EINVAL, "otto_hypervolume: point %zu, objective %zu is NaN",
                               i / m, i % m);
    otto_allocator a;
    int rc = otto__alloc_pick(&a, allocator, "otto_hypervolume");
    return rc ? rc : otto__hypervolume(&a, points, n, m, reference, out);
}

int otto_hypervolume(const double *points, size_t n, size_t m, const double *reference,
                     double *out)
{
    return otto_hypervolume_with(points, n, m, reference, NULL, out);
}
