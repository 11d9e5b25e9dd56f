/* Bounded quasi-Newton minimization: projected L-BFGS over a box (see
 * linalg.h). Variables held at a bound by the gradient are fixed for the
 * iteration; the L-BFGS two-loop recursion acts on the others. Used to fit GP
 * kernel parameters and to refine acquisition maxima. */
#include <math.h>
#include <string.h>

#include "linalg.h"

void otto__la_bfgs_options_default(otto__la_bfgs_options *o)
{
    o->memory = 10;
    o->max_evals = 200;
    o->pgtol = 1e-5;
    o->ftol = 1e-10;
}

typedef struct bfgs_ws {
    double *s, *y, *rho, *alpha; /* memory pairs: s, y are memory x n */
    double *g, *xn, *gn, *d, *pg;
    unsigned char *active;
} bfgs_ws;

static double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

static void project(size_t n, double *x, const double *lo, const double *hi)
{
    for (size_t i = 0; i < n; i++)
        x[i] = clampd(x[i], lo[i], hi[i]);
}

/* Projected gradient and the set of variables pinned at a bound. */
static double projected_gradient(size_t n, const double *x, const double *g, const double *lo,
                                 const double *hi, double *pg, unsigned char *active)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++) {
        int pinned = (x[i] <= lo[i] && g[i] > 0) || (x[i] >= hi[i] && g[i] < 0);
        active[i] = (unsigned char)pinned;
        pg[i] = pinned ? 0.0 : g[i];
        m = fmax(m, fabs(pg[i]));
    }
    return m;
}

static double dot_free(size_t n, const double *a, const double *b, const unsigned char *active)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        if (!active[i])
            s += a[i] * b[i];
    return s;
}

/* d = -H g on the free variables (two-loop recursion over the kept pairs,
 * newest first), 0 on the pinned ones. */
static void direction(size_t n, size_t mem, size_t n_pairs, size_t newest, bfgs_ws *w)
{
    for (size_t i = 0; i < n; i++)
        w->d[i] = w->active[i] ? 0.0 : -w->g[i];
    double gamma = 1.0;
    for (size_t k = 0; k < n_pairs; k++) {
        size_t p = (newest + mem - k) % mem;
        const double *s = w->s + p * n, *y = w->y + p * n;
        double sy = dot_free(n, s, y, w->active);
        w->alpha[p] = sy > 0 ? dot_free(n, s, w->d, w->active) / sy : 0.0;
        w->rho[p] = sy;
        for (size_t i = 0; i < n; i++)
            if (!w->active[i])
                w->d[i] -= w->alpha[p] * y[i];
        if (k == 0) {
            double yy = dot_free(n, y, y, w->active);
            gamma = sy > 0 && yy > 0 ? sy / yy : 1.0;
        }
    }
    for (size_t i = 0; i < n; i++)
        w->d[i] *= gamma;
    for (size_t k = n_pairs; k-- > 0;) {
        size_t p = (newest + mem - k) % mem;
        const double *s = w->s + p * n, *y = w->y + p * n;
        if (!(w->rho[p] > 0))
            continue;
        double beta = dot_free(n, y, w->d, w->active) / w->rho[p];
        for (size_t i = 0; i < n; i++)
            if (!w->active[i])
                w->d[i] += (w->alpha[p] - beta) * s[i];
    }
}

int otto__la_bfgs_minimize(const otto_allocator *alloc, otto__la_objective fn, void *ctx,
                           size_t n, double *x, const double *lo, const double *hi,
                           const otto__la_bfgs_options *opts, otto__la_bfgs_result *res)
{
    otto__la_bfgs_options o;
    otto__la_bfgs_options_default(&o);
    if (opts)
        o = *opts;
    if (o.memory == 0)
        o.memory = 1;
    memset(res, 0, sizeof *res);
    res->f = INFINITY;
    if (n == 0)
        return OTTO_OK;
    for (size_t i = 0; i < n; i++)
        if (!(lo[i] <= hi[i]))
            return otto__error(OTTO_EINVAL, "linalg: bfgs bound %zu has low > high", i);
    size_t mem = o.memory;
    bfgs_ws w;
    double *block = otto__calloc(alloc, 2 * mem * n + 2 * mem + 5 * n, sizeof(double));
    w.active = otto__calloc(alloc, n, 1);
    if (!block || !w.active) {
        otto__free(alloc, block);
        otto__free(alloc, w.active);
        return otto__error(OTTO_ENOMEM, "linalg: out of memory in bfgs");
    }
    w.s = block;
    w.y = w.s + mem * n;
    w.rho = w.y + mem * n;
    w.alpha = w.rho + mem;
    w.g = w.alpha + mem;
    w.xn = w.g + n;
    w.gn = w.xn + n;
    w.d = w.gn + n;
    w.pg = w.d + n;

    project(n, x, lo, hi);
    double f;
    int rc = fn(ctx, x, &f, w.g);
    res->n_evals = 1;
    if (!rc && !(isfinite(f) && otto__la_all_finite(w.g, n)))
        rc = otto__error(OTTO_ENUMERIC, "linalg: bfgs objective not finite at the start");
    size_t n_pairs = 0, newest = mem - 1;
    while (!rc && res->n_evals < o.max_evals) {
        double pgmax = projected_gradient(n, x, w.g, lo, hi, w.pg, w.active);
        if (pgmax <= o.pgtol) {
            res->converged = 1;
            break;
        }
        direction(n, mem, n_pairs, newest, &w);
        double gd = dot_free(n, w.g, w.d, w.active);
        if (!(gd < 0)) { /* not a descent direction: forget the curvature */
            n_pairs = 0;
            for (size_t i = 0; i < n; i++)
                w.d[i] = -w.pg[i];
            gd = -dot_free(n, w.pg, w.pg, w.active);
        }
        double t = n_pairs ? 1.0 : fmin(1.0, 1.0 / pgmax);
        double fn_new = INFINITY;
        int accepted = 0;
        for (int bt = 0; bt < 40 && res->n_evals < o.max_evals; bt++, t *= 0.5) {
            for (size_t i = 0; i < n; i++)
                w.xn[i] = clampd(x[i] + t * w.d[i], lo[i], hi[i]);
            double decrease = 0.0; /* g . (xn - x), negative for descent */
            for (size_t i = 0; i < n; i++)
                decrease += w.g[i] * (w.xn[i] - x[i]);
            if (!(decrease < 0))
                break;
            rc = fn(ctx, w.xn, &fn_new, w.gn);
            res->n_evals++;
            if (rc)
                break;
            if (isfinite(fn_new) && otto__la_all_finite(w.gn, n) &&
                fn_new <= f + 1e-4 * decrease) {
                accepted = 1;
                break;
            }
        }
        if (rc)
            break;
        if (!accepted) {
            if (n_pairs == 0)
                break; /* steepest descent made no progress: at the solution's precision */
            n_pairs = 0;
            continue;
        }
        res->n_iters++;
        double sy = 0.0; /* s = xn - x into pg, y = gn - g into d (both free now) */
        for (size_t i = 0; i < n; i++) {
            w.pg[i] = w.xn[i] - x[i];
            w.d[i] = w.gn[i] - w.g[i];
            sy += w.pg[i] * w.d[i];
        }
        if (sy > 1e-12 * fmax(fabs(f), 1e-300)) { /* keep only positive curvature */
            newest = (newest + 1) % mem;
            memcpy(w.s + newest * n, w.pg, n * sizeof *x);
            memcpy(w.y + newest * n, w.d, n * sizeof *x);
            if (n_pairs < mem)
                n_pairs++;
        }
        double f_old = f;
        f = fn_new;
        memcpy(x, w.xn, n * sizeof *x);
        memcpy(w.g, w.gn, n * sizeof *x);
        if (f_old - f <= o.ftol * fmax(fmax(fabs(f_old), fabs(f)), 1.0)) {
            res->converged = 1;
            break;
        }
    }
    res->f = f;
    otto__free(alloc, block);
    otto__free(alloc, w.active);
    return rc;
}
