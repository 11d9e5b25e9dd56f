/* Box decomposition of the non-dominated region below a reference point:
 * disjoint axis-aligned boxes whose union is every vector below the
 * reference that no given point weakly dominates (the basis of EHVI). */
#ifndef OTTO_NUMERIC_BOX_DECOMPOSITION_H
#define OTTO_NUMERIC_BOX_DECOMPOSITION_H

#include "common/common.h"

/* Conventions as in numeric/hypervolume.h: minimization, n rows of m
 * doubles, no NaN, finite reference. The region is
 *   { y : y < reference, and no point p has p <= y }.
 * Box b is the half-open [lower[b*m + k], upper[b*m + k]) in every k; the
 * boxes are disjoint and non-empty, lower bounds may be -inf, upper bounds are
 * finite (at most the reference). m == 2 gives the exact staircase, one box
 * per front point plus one; beyond, slicing along the last objective
 * (While et al.'s HSO) with the (m-1)-D decomposition of the points below
 * each slice: O(n^(m-1)) boxes in the worst case. *lower and *upper come
 * from a (free them with otto__boxes_free); with no point below the
 * reference the one box is the whole region. */
typedef struct otto__boxes {
    double *lower, *upper;
    size_t n, m, cap;
} otto__boxes;

int otto__box_decomposition(const otto_allocator *a, const double *points, size_t n, size_t m,
                            const double *reference, otto__boxes *out);
void otto__boxes_free(const otto_allocator *a, otto__boxes *b);

#endif /* OTTO_NUMERIC_BOX_DECOMPOSITION_H */
