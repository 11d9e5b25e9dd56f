/* fANOVA (Hutter, Hoos and Leyton-Brown 2014) over a random forest: each
 * tree partitions the search space into boxes with constant predictions, so
 * the variance of its prediction and of each param's main effect (the
 * prediction averaged over every other param) are exact sums over leaves.
 * Measure: uniform on [0,1] for each numeric column (the working space, so
 * log params are uniform in log space); uniform over the k choices of a
 * categorical param (its one-hot vertices, not the cube between them). */
#include <stdlib.h>
#include <string.h>

#include "importance/evaluators.h"
#include "importance/forest.h"

/* One tree's leaves: their boxes (n_leaves x d lo and hi), predictions, and
 * each leaf's share of each param's domain (n_leaves x n_params). */
typedef struct leaves {
    size_t n, cap, d;
    double *lo, *hi, *value;
} leaves;

static void collect(const otto__tree *t, uint32_t node, double *lo, double *hi, leaves *lv)
{
    const otto__tree_node *nd = &t->nodes[node];
    if (nd->feature < 0) {
        memcpy(lv->lo + lv->n * lv->d, lo, lv->d * sizeof *lo);
        memcpy(lv->hi + lv->n * lv->d, hi, lv->d * sizeof *hi);
        lv->value[lv->n++] = nd->value;
        return;
    }
    size_t c = (size_t)nd->feature;
    double save = hi[c];
    hi[c] = nd->threshold < hi[c] ? nd->threshold : hi[c];
    collect(t, nd->left, lo, hi, lv);
    hi[c] = save;
    save = lo[c];
    lo[c] = nd->threshold > lo[c] ? nd->threshold : lo[c];
    collect(t, nd->right, lo, hi, lv);
    lo[c] = save;
}

/* The choices of a one-hot param (columns [c0, c0 + k)) inside a leaf's box:
 * a column forced to 1 (lo above 0) pins the choice; forced to 0 (hi below
 * 1) rules it out. Writes the consistent choices to out; returns how many. */
static size_t onehot_choices(const double *lo, const double *hi, size_t c0, size_t k,
                             size_t *out)
{
    size_t pinned = k, n_pinned = 0;
    for (size_t j = 0; j < k; j++)
        if (lo[c0 + j] > 0) {
            pinned = j;
            n_pinned++;
        }
    if (n_pinned > 1)
        return 0;
    if (n_pinned == 1) {
        if (hi[c0 + pinned] < 1)
            return 0;
        out[0] = pinned;
        return 1;
    }
    size_t n = 0;
    for (size_t j = 0; j < k; j++)
        if (!(hi[c0 + j] < 1))
            out[n++] = j;
    return n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static size_t find_edge(const double *e, size_t n, double v)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (e[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Variance of one param's main effect in one tree. share is n_leaves x P
 * (each leaf's share of each param's domain); rest[i] is the product of leaf
 * i's shares of every other param. cell_* are scratch of >= 2 n_leaves + 2
 * entries (and k for categoricals). */
static double main_effect_variance(const otto__fanova_input *in, const leaves *lv, size_t g,
                                   const double *value_rest, const double *rest, double *edges,
                                   double *num, double *den, size_t *choice)
{
    size_t c0 = in->col_start[g], k = in->n_cols_of[g], n_cells;
    if (in->is_onehot[g]) {
        n_cells = k;
        memset(num, 0, k * sizeof *num);
        memset(den, 0, k * sizeof *den);
        for (size_t i = 0; i < lv->n; i++) {
            size_t nc = onehot_choices(lv->lo + i * lv->d, lv->hi + i * lv->d, c0, k, choice);
            for (size_t q = 0; q < nc; q++) {
                num[choice[q]] += value_rest[i];
                den[choice[q]] += rest[i];
            }
        }
        for (size_t c = 0; c < k; c++)
            edges[c] = 1.0 / (double)k; /* each choice's measure */
    } else {
        size_t ne = 0;
        edges[ne++] = 0;
        edges[ne++] = 1;
        for (size_t i = 0; i < lv->n; i++) {
            edges[ne++] = lv->lo[i * lv->d + c0];
            edges[ne++] = lv->hi[i * lv->d + c0];
        }
        qsort(edges, ne, sizeof *edges, cmp_double);
        size_t u = 1;
        for (size_t i = 1; i < ne; i++)
            if (edges[i] != edges[u - 1])
                edges[u++] = edges[i];
        ne = u;
        n_cells = ne - 1;
        memset(num, 0, ne * sizeof *num);
        memset(den, 0, ne * sizeof *den);
        for (size_t i = 0; i < lv->n; i++) { /* difference arrays over the cells */
            size_t a = find_edge(edges, ne, lv->lo[i * lv->d + c0]);
            size_t b = find_edge(edges, ne, lv->hi[i * lv->d + c0]);
            num[a] += value_rest[i];
            num[b] -= value_rest[i];
            den[a] += rest[i];
            den[b] -= rest[i];
        }
        for (size_t c = 1; c < n_cells; c++) {
            num[c] += num[c - 1];
            den[c] += den[c - 1];
        }
        for (size_t c = 0; c < n_cells; c++)
            edges[c] = edges[c + 1] - edges[c]; /* each cell's measure */
    }
    double sw = 0, sm = 0;
    for (size_t c = 0; c < n_cells; c++)
        if (den[c] > 0) {
            double w = edges[c] * den[c];
            sw += w;
            sm += w * (num[c] / den[c]);
        }
    if (!(sw > 0))
        return 0;
    double mean = sm / sw, var = 0;
    for (size_t c = 0; c < n_cells; c++)
        if (den[c] > 0) {
            double dev = num[c] / den[c] - mean;
            var += edges[c] * den[c] * dev * dev;
        }
    return var / sw;
}

/* Add each param's share of this tree's variance to acc; 0 if the tree has
 * no variance, 1 if it counted, negative on allocation failure. */
static int tree_shares(const otto__fanova_input *in, const otto_allocator *a, const otto__tree *t,
                       double *acc)
{
    size_t d = in->n_cols, P = in->n_params, n_leaves = t->n_nodes / 2 + 1;
    leaves lv = {.d = d};
    lv.lo = otto__malloc(a, sizeof(double) * n_leaves * d);
    lv.hi = otto__malloc(a, sizeof(double) * n_leaves * d);
    lv.value = otto__malloc(a, sizeof(double) * n_leaves);
    double *box = otto__malloc(a, sizeof(double) * 2 * d);
    double *share = otto__malloc(a, sizeof(double) * n_leaves * P);
    double *rest = otto__malloc(a, sizeof(double) * n_leaves);
    double *value_rest = otto__malloc(a, sizeof(double) * n_leaves);
    size_t scratch = 2 * n_leaves + 2 + d;
    double *edges = otto__malloc(a, sizeof(double) * scratch);
    double *num = otto__malloc(a, sizeof(double) * scratch);
    double *den = otto__malloc(a, sizeof(double) * scratch);
    size_t *choice = otto__malloc(a, sizeof(size_t) * (d + 1));
    int rc = -1;
    if (!lv.lo || !lv.hi || !lv.value || !box || !share || !rest || !value_rest || !edges ||
        !num || !den || !choice)
        goto done;
    for (size_t c = 0; c < d; c++) {
        box[c] = 0;
        box[d + c] = 1;
    }
    collect(t, 0, box, box + d, &lv);

    double mu = 0;
    for (size_t i = 0; i < lv.n; i++) {
        double vol = 1;
        for (size_t g = 0; g < P; g++) {
            const double *lo = lv.lo + i * d, *hi = lv.hi + i * d;
            size_t c0 = in->col_start[g], k = in->n_cols_of[g];
            double s = in->is_onehot[g]
                           ? (double)onehot_choices(lo, hi, c0, k, choice) / (double)k
                           : hi[c0] - lo[c0];
            share[i * P + g] = s;
            vol *= s;
        }
        rest[i] = vol;
        mu += vol * lv.value[i];
    }
    double var = 0;
    for (size_t i = 0; i < lv.n; i++) {
        double dev = lv.value[i] - mu;
        var += rest[i] * dev * dev;
    }
    rc = 0;
    if (!(var > 0))
        goto done;
    for (size_t g = 0; g < P; g++) {
        for (size_t i = 0; i < lv.n; i++) {
            double r = 1;
            for (size_t h = 0; h < P; h++)
                if (h != g)
                    r *= share[i * P + h];
            rest[i] = r;
            value_rest[i] = r * lv.value[i];
        }
        double v = main_effect_variance(in, &lv, g, value_rest, rest, edges, num, den, choice);
        acc[g] += v / var;
    }
    rc = 1;
done:
    otto__free(a, lv.lo);
    otto__free(a, lv.hi);
    otto__free(a, lv.value);
    otto__free(a, box);
    otto__free(a, share);
    otto__free(a, rest);
    otto__free(a, value_rest);
    otto__free(a, edges);
    otto__free(a, num);
    otto__free(a, den);
    otto__free(a, choice);
    return rc;
}

int otto__fanova(const otto__fanova_input *in, const otto_allocator *a, size_t n_trees,
                 size_t max_depth, uint64_t seed, double *importance)
{
    memset(importance, 0, in->n_params * sizeof *importance);
    otto__forest_data fd;
    int rc = otto__forest_data_init(&fd, a, in->x, in->y, in->n, in->n_cols);
    if (rc)
        return rc;
    size_t counted = 0;
    for (size_t k = 0; k < n_trees && !rc; k++) {
        otto_rng rng;
        otto__rng_init(&rng, seed, k);
        otto__tree tree;
        rc = otto__tree_fit(&fd, max_depth, &rng, &tree);
        if (rc)
            break;
        int got = tree_shares(in, a, &tree, importance);
        otto__tree_free(&tree);
        if (got < 0)
            rc = OTTO_ENOMEM;
        else
            counted += (size_t)got;
    }
    otto__forest_data_free(&fd);
    for (size_t g = 0; g < in->n_params; g++) {
        double v = counted ? importance[g] / (double)counted : 0;
        importance[g] = v > 0 ? v : 0;
    }
    return rc;
}
