/* Regression trees for fANOVA: CART on squared error over a bootstrap sample,
 * as a random forest regressor grows them (every feature considered at every
 * node, in a random order that breaks ties). Columns are sorted once per
 * forest; a node's rows stay sorted per column by stable partitioning, so a
 * tree costs O(rows x columns x depth). */
#include <string.h>

#include "importance/forest.h"

/* Stable merge sort of idx[0..n) by key[idx[i]], with tmp of n entries. */
static void sort_by_key(uint32_t *idx, uint32_t *tmp, size_t n, const double *key)
{
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, k = lo;
            while (a < mid && b < hi)
                tmp[k++] = key[idx[b]] < key[idx[a]] ? idx[b++] : idx[a++];
            while (a < mid)
                tmp[k++] = idx[a++];
            while (b < hi)
                tmp[k++] = idx[b++];
        }
        memcpy(idx, tmp, n * sizeof *idx);
    }
}

int otto__forest_data_init(otto__forest_data *fd, const otto_allocator *a, const double *x,
                           const double *y, size_t n, size_t d)
{
    memset(fd, 0, sizeof *fd);
    fd->a = a;
    fd->n = n;
    fd->d = d;
    fd->x = x;
    fd->y = y;
    if (n == 0 || d == 0)
        return OTTO_OK;
    if (n > UINT32_MAX || n > SIZE_MAX / sizeof(uint32_t) / d)
        return otto__error(OTTO_ENOMEM, "fanova: %zu rows x %zu columns are too many", n, d);
    fd->sorted = otto__malloc(a, sizeof(uint32_t) * d * n);
    uint32_t *tmp = otto__malloc(a, sizeof(uint32_t) * n);
    double *key = otto__malloc(a, sizeof(double) * n);
    if (!fd->sorted || !tmp || !key) {
        otto__free(a, tmp);
        otto__free(a, key);
        otto__forest_data_free(fd);
        return OTTO_ENOMEM;
    }
    for (size_t j = 0; j < d; j++) {
        uint32_t *o = fd->sorted + j * n;
        for (size_t i = 0; i < n; i++) {
            o[i] = (uint32_t)i;
            key[i] = x[i * d + j];
        }
        sort_by_key(o, tmp, n, key);
    }
    otto__free(a, tmp);
    otto__free(a, key);
    return OTTO_OK;
}

void otto__forest_data_free(otto__forest_data *fd)
{
    if (fd->a)
        otto__free(fd->a, fd->sorted);
    fd->sorted = NULL;
}

void otto__tree_free(otto__tree *tree)
{
    if (tree->a)
        otto__free(tree->a, tree->nodes);
    memset(tree, 0, sizeof *tree);
}

/* The state of growing one tree. order holds, per column j, the m sampled
 * rows at order[j * m ...], each node's rows a contiguous segment sorted by
 * that column. */
typedef struct grower {
    const otto__forest_data *fd;
    const uint32_t *count; /* bootstrap multiplicity of each row */
    uint32_t *order;
    size_t m;
    uint32_t *tmp;
    unsigned char *goes_left;
    size_t *perm;
    otto_rng *rng;
    otto__tree *tree;
    size_t max_depth;
} grower;

static int new_node(otto__tree *t, uint32_t *index)
{
    if (t->n_nodes == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        otto__tree_node *p = otto__reallocarray(t->a, t->nodes, cap, sizeof *p);
        if (!p)
            return OTTO_ENOMEM;
        t->nodes = p;
        t->cap = cap;
    }
    *index = (uint32_t)t->n_nodes++;
    t->nodes[*index] = (otto__tree_node){.feature = -1};
    return OTTO_OK;
}

/* The best split of segment [begin, end): its column (-1 if none improves
 * on the node's own squared error) and threshold. */
static int best_split(grower *g, size_t begin, size_t end, double W, double S, double *thr)
{
    const otto__forest_data *fd = g->fd;
    size_t d = fd->d;
    /* A split improves when sl^2/wl + sr^2/wr exceeds S^2/W (the squared
     * error falls by the difference); demand a relative margin so that
     * rounding never makes a split of a constant node. */
    double base = S * S / W, best = base + 1e-12 * (base > 0 ? base : -base) + 1e-300;
    int best_col = -1;
    for (size_t j = 0; j < d; j++) { /* Fisher-Yates: a random column order */
        size_t k = j + (size_t)otto_rng_below(g->rng, d - j);
        size_t t = g->perm[j];
        g->perm[j] = g->perm[k];
        g->perm[k] = t;
    }
    for (size_t jj = 0; jj < d; jj++) {
        size_t j = g->perm[jj];
        const uint32_t *o = g->order + j * g->m;
        double wl = 0, sl = 0;
        for (size_t k = begin; k + 1 < end; k++) {
            uint32_t r = o[k];
            double w = g->count[r];
            wl += w;
            sl += w * fd->y[r];
            double xv = fd->x[(size_t)r * d + j], xn = fd->x[(size_t)o[k + 1] * d + j];
            if (!(xn > xv))
                continue;
            double wr = W - wl, sr = S - sl;
            double proxy = sl * sl / wl + sr * sr / wr;
            if (proxy > best) {
                best = proxy;
                best_col = (int)j;
                double mid = 0.5 * (xv + xn);
                *thr = mid < xn ? mid : xv;
            }
        }
    }
    return best_col;
}

static int grow(grower *g, size_t begin, size_t end, size_t depth, uint32_t node)
{
    const otto__forest_data *fd = g->fd;
    const uint32_t *seg = g->order + begin; /* column 0's order: any order will do */
    double W = 0, S = 0;
    int constant = 1;
    double y0 = fd->y[seg[0]];
    for (size_t k = 0; k < end - begin; k++) {
        double w = g->count[seg[k]], y = fd->y[seg[k]];
        W += w;
        S += w * y;
        constant &= y == y0;
    }
    g->tree->nodes[node].value = S / W;
    if (end - begin < 2 || depth >= g->max_depth || constant)
        return OTTO_OK;
    double thr = 0;
    int col = best_split(g, begin, end, W, S, &thr);
    if (col < 0)
        return OTTO_OK;

    size_t d = fd->d, n_left = 0;
    for (size_t k = begin; k < end; k++) {
        uint32_t r = seg[k - begin];
        g->goes_left[r] = fd->x[(size_t)r * d + (size_t)col] <= thr;
        n_left += g->goes_left[r];
    }
    for (size_t j = 0; j < d; j++) { /* stable partition keeps each column sorted */
        uint32_t *o = g->order + j * g->m;
        size_t a = begin, b = 0;
        for (size_t k = begin; k < end; k++) {
            if (g->goes_left[o[k]])
                o[a++] = o[k];
            else
                g->tmp[b++] = o[k];
        }
        memcpy(o + a, g->tmp, b * sizeof *o);
    }
    uint32_t left, right;
    if (new_node(g->tree, &left) || new_node(g->tree, &right))
        return OTTO_ENOMEM;
    otto__tree_node *nd = &g->tree->nodes[node];
    nd->feature = col;
    nd->threshold = thr;
    nd->left = left;
    nd->right = right;
    int rc = grow(g, begin, begin + n_left, depth + 1, left);
    return rc ? rc : grow(g, begin + n_left, end, depth + 1, right);
}

int otto__tree_fit(const otto__forest_data *fd, size_t max_depth, otto_rng *rng,
                   otto__tree *tree)
{
    size_t n = fd->n, d = fd->d;
    const otto_allocator *a = fd->a;
    memset(tree, 0, sizeof *tree);
    tree->a = a;
    uint32_t *count = otto__calloc(a, n ? n : 1, sizeof *count);
    unsigned char *goes_left = otto__malloc(a, n ? n : 1);
    uint32_t *tmp = otto__malloc(a, sizeof(uint32_t) * (n ? n : 1));
    size_t *perm = otto__malloc(a, sizeof(size_t) * (d ? d : 1));
    uint32_t *order = NULL;
    int rc = OTTO_ENOMEM;
    if (!count || !goes_left || !tmp || !perm)
        goto done;
    for (size_t i = 0; i < n; i++)
        count[otto_rng_below(rng, n)]++;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += count[i] > 0;
    order = otto__malloc(a, sizeof(uint32_t) * (m > 0 && d > 0 ? m * d : 1));
    if (!order)
        goto done;
    for (size_t j = 0; j < d; j++) {
        const uint32_t *src = fd->sorted + j * n;
        uint32_t *dst = order + j * m;
        for (size_t i = 0, k = 0; i < n; i++)
            if (count[src[i]])
                dst[k++] = src[i];
    }
    for (size_t j = 0; j < d; j++)
        perm[j] = j;
    grower g = {fd, count, order, m, tmp, goes_left, perm, rng, tree, max_depth};
    uint32_t root;
    rc = new_node(tree, &root);
    if (!rc && m > 0 && d > 0)
        rc = grow(&g, 0, m, 0, root);
done:
    otto__free(a, count);
    otto__free(a, goes_left);
    otto__free(a, tmp);
    otto__free(a, perm);
    otto__free(a, order);
    if (rc)
        otto__tree_free(tree);
    return rc;
}
