/* The Wilcoxon pruner (Optuna's WilcoxonPruner): a trial reports one score
 * per problem instance (step = instance id); it is pruned once a one-sided
 * signed-rank test on the instances it shares with the best COMPLETE trial
 * finds it worse with p < p_threshold, unless its average is still at least
 * as good as the best trial's (Optuna's safety rule). Non-finite scores on
 * either side: never pruned, with a warning. */
#include <math.h>
#include <string.h>

#include "common/options.h"
#include "signed_rank.h"

/* The best COMPLETE trial of the view (single objective; the lowest number
 * among equal values), or NULL. */
static const otto_trial *best_trial(const otto_view *v, int maximize)
{
    const otto_trial *best = NULL;
    double best_value = 0;
    for (size_t i = 0; i < otto_view_count(v); i++) {
        const otto_trial *t = otto_view_trial(v, i);
        double x;
        if (otto_trial_get_state(t) != OTTO_TRIAL_COMPLETE || otto_trial_value(t, &x) ||
            isnan(x))
            continue;
        int better = !best || (maximize ? x > best_value : x < best_value) ||
                     (x == best_value && otto_trial_number(t) < otto_trial_number(best));
        if (better) {
            best = t;
            best_value = x;
        }
    }
    return best;
}

static int all_finite(const otto_report *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(r[i].value))
            return 0;
    return 1;
}

static double mean(const otto_report *r, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += r[i].value;
    return s / (double)n;
}

typedef struct wilcoxon {
    otto_wilcoxon_options o;
    otto_allocator own;  /* from create: this struct */
} wilcoxon;

static int wilcoxon_prune(void *state, const otto_view *v, const otto_trial *t, int *out)
{
    const otto_wilcoxon_options *o = &((const wilcoxon *)state)->o;
    *out = 0;
    size_t n, nb;
    const otto_report *r = otto_trial_reports(t, &n);
    if (n == 0)
        return OTTO_OK;
    if (!all_finite(r, n)) {
        otto_view_log(v, OTTO_LEVEL_WARNING,
                      "wilcoxon pruner: trial %lld has infinite or NaN intermediate values; "
                      "it is not pruned",
                      (long long)otto_trial_number(t));
        return OTTO_OK;
    }
    int maximize = otto_view_maximize(v, 0);
    const otto_trial *best = best_trial(v, maximize);
    if (!best)
        return OTTO_OK;
    const otto_report *b = otto_trial_reports(best, &nb);
    if (nb == 0 || !all_finite(b, nb)) {
        otto_view_log(v, OTTO_LEVEL_WARNING,
                      "wilcoxon pruner: the best trial (%lld) has %s intermediate values; "
                      "nothing is pruned",
                      (long long)otto_trial_number(best), nb ? "infinite or NaN" : "no");
        return OTTO_OK;
    }
    const otto_allocator *a = otto_view_allocator(v); /* per-call: the study's */
    double *d = otto__malloc(a, 3 * n * sizeof *d); /* differences, then the test's work space */
    if (!d)
        return OTTO_ENOMEM;
    size_t m = 0;
    for (size_t i = 0, j = 0; i < n && j < nb;) { /* both sorted by step */
        if (r[i].step < b[j].step) {
            i++;
        } else if (r[i].step > b[j].step) {
            j++;
        } else {
            d[m++] = r[i++].value - b[j++].value;
        }
    }
    if (m < n)
        otto_view_log(v, OTTO_LEVEL_WARNING,
                      "wilcoxon pruner: trial %lld reported steps the best trial (%lld) did "
                      "not; they are ignored",
                      (long long)otto_trial_number(t), (long long)otto_trial_number(best));
    size_t need = o->n_startup_steps > 2 ? (size_t)o->n_startup_steps : 2;
    if (m >= need) {
        /* the trial is worse when its scores lean above (minimize) or below the best's */
        double p = otto__signed_rank_p(d, m, !maximize, d + n);
        double mt = mean(r, n), mb = mean(b, nb);
        int average_is_best = maximize ? mb <= mt : mb >= mt;
        *out = p < o->p_threshold && !average_is_best;
    }
    otto__free(a, d);
    return OTTO_OK;
}

static void wilcoxon_destroy(void *state)
{
    wilcoxon *w = state;
    otto_allocator own = w->own;
    otto__free(&own, w);
}

static const otto_pruner_vtable wilcoxon_vtable = {
    .size = sizeof(otto_pruner_vtable),
    .name = "wilcoxon",
    .prune = wilcoxon_prune,
    .destroy = wilcoxon_destroy,
};

void otto_wilcoxon_options_init_sized(otto_wilcoxon_options *o, size_t size)
{
    otto_wilcoxon_options def;
    memset(&def, 0, sizeof def);
    def.p_threshold = 0.1;
    def.n_startup_steps = 2;
    OTTO__OPTIONS_INIT(o, size, def);
}

int otto_pruner_wilcoxon_create(const otto_wilcoxon_options *opts, otto_pruner **out)
{
    if (out)
        *out = NULL;
    if (!out)
        return otto__error(OTTO_EINVAL, "pruner_wilcoxon_create: out is NULL");
    otto_wilcoxon_options ob, *o = &ob;
    otto_wilcoxon_options_init(o);
    int rc = opts ? otto__options_copy(o, sizeof *o, opts, "wilcoxon_options") : OTTO_OK;
    if (!rc && !(o->p_threshold >= 0 && o->p_threshold <= 1))
        rc = otto__error(OTTO_EINVAL, "wilcoxon: p_threshold must be in [0, 1], got %g",
                         o->p_threshold);
    if (!rc && o->n_startup_steps < 0)
        rc = otto__error(OTTO_EINVAL, "wilcoxon: n_startup_steps must be >= 0, got %lld",
                         (long long)o->n_startup_steps);
    otto_allocator own;
    if (!rc)
        rc = otto__alloc_pick(&own, o->allocator, "wilcoxon_options");
    if (rc)
        return rc;
    wilcoxon *w = otto__malloc(&own, sizeof *w);
    if (!w)
        return OTTO_ENOMEM;
    w->o = *o;
    w->o.allocator = NULL; /* the caller's pointer: w->own holds the copy */
    w->own = own;
    return otto_pruner_create_with(&wilcoxon_vtable, w, &own, out);
}
