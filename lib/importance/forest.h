/* Regression trees for fANOVA (forest.c): CART splits on squared error,
 * grown to pure leaves or max_depth on a bootstrap sample. Internal. */
#ifndef OTTO_IMPORTANCE_FOREST_H
#define OTTO_IMPORTANCE_FOREST_H

#include "common/common.h"

/* A node: an internal node sends x[feature] <= threshold left, the rest
 * right; a leaf (feature < 0) predicts value. Node 0 is the root. */
typedef struct otto__tree_node {
    int32_t feature;
    uint32_t left, right;
    double threshold;
    double value;
} otto__tree_node;

typedef struct otto__tree {
    otto__tree_node *nodes;
    size_t n_nodes, cap;
    const otto_allocator *a; /* the forest data's */
} otto__tree;

/* Data shared by the trees of one forest: x row-major n x d, y[n], and each
 * column's rows in ascending order of value (built once by
 * otto__forest_data_init). Everything of the forest comes from a (the
 * study's allocator). */
typedef struct otto__forest_data {
    size_t n, d;
    const double *x, *y;
    uint32_t *sorted; /* d x n: column j's row indices, ascending x */
    const otto_allocator *a;
} otto__forest_data;

int otto__forest_data_init(otto__forest_data *fd, const otto_allocator *a, const double *x,
                           const double *y, size_t n, size_t d);
void otto__forest_data_free(otto__forest_data *fd);

/* Grow one tree on a bootstrap sample drawn from rng. The tree's nodes come
 * from the forest data's allocator (free with otto__tree_free). OTTO_ENOMEM
 * only. */
int otto__tree_fit(const otto__forest_data *fd, size_t max_depth, otto_rng *rng,
                   otto__tree *tree);
void otto__tree_free(otto__tree *tree);

#endif /* OTTO_IMPORTANCE_FOREST_H */
