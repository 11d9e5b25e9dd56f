/* NSGA's generation bookkeeping: the generation attr of each trial, the
 * trial-number maps over the view, and the cached parent populations. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generation.h"
#include "selection.h"

static void population_free(otto__population *p, const otto_allocator *a)
{
    otto__free(a, p->numbers);
    otto__free(a, p->f);
    otto__free(a, p->penalty);
    memset(p, 0, sizeof *p);
}

void otto__generations_free(otto__generations *g)
{
    for (size_t k = 0; k < g->n_parents; k++)
        population_free(&g->parents[k], g->a);
    otto__free(g->a, g->parents);
    otto__free(g->a, g->gen_of);
    otto__free(g->a, g->view_index);
    otto__free(g->a, g->adopted);
    otto__free(g->a, g->ref_made);
    g->parents = NULL;
    g->n_parents = 0;
    g->gen_of = NULL;
    g->view_index = NULL;
    g->adopted = NULL;
    g->ref_made = NULL;
    g->cap = g->seen = 0;
}

static int parse_generation(const char *s, int64_t *gen)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end || v < 0)
        return 0;
    *gen = v;
    return 1;
}

static int grow_maps(otto__generations *g, size_t need)
{
    if (need <= g->cap)
        return OTTO_OK;
    size_t cap = g->cap ? g->cap : 64;
    while (cap < need)
        cap *= 2;
    int64_t *gen_of = otto__reallocarray(g->a, g->gen_of, cap, sizeof *gen_of);
    if (gen_of)
        g->gen_of = gen_of;
    size_t *vi = otto__reallocarray(g->a, g->view_index, cap, sizeof *vi);
    if (vi)
        g->view_index = vi;
    unsigned char *adopted = otto__reallocarray(g->a, g->adopted, cap, sizeof *adopted);
    if (adopted)
        g->adopted = adopted;
    if (!gen_of || !vi || !adopted)
        return otto__error(OTTO_ENOMEM, "nsga: out of memory");
    for (size_t i = g->cap; i < cap; i++) {
        g->gen_of[i] = -1;
        g->view_index[i] = SIZE_MAX;
        g->adopted[i] = 0;
    }
    g->cap = cap;
    return OTTO_OK;
}

/* The generation a COMPLETE trial belongs to: TAGGED, its attr's; ADOPTED,
 * 0 for a trial without one (another sampler's, or add_trial's: the auto
 * sampler's GP phase seeds the first population this way); NONE when the
 * attr is not a generation. */
enum { GEN_NONE = 0, GEN_TAGGED = 1, GEN_ADOPTED = 2 };

static int trial_generation(const otto__generations *g, const otto_trial *t, int64_t *gen)
{
    const char *value = otto_trial_system_attr_find(t, g->key);
    if (value)
        return parse_generation(value, gen) ? GEN_TAGGED : GEN_NONE;
    *gen = 0;
    return GEN_ADOPTED;
}

int otto__generations_scan(otto__generations *g, const otto_view *v)
{
    size_t n = otto_view_count(v);
    if (g->seen > n ||
        (g->seen && otto_trial_number(otto_view_trial(v, g->seen - 1)) != g->last_number)) {
        /* not the view we scanned before (filtered, or another study's) */
        for (size_t i = 0; i < g->cap; i++) {
            g->gen_of[i] = -1;
            g->view_index[i] = SIZE_MAX;
            g->adopted[i] = 0;
        }
        g->seen = 0;
        g->max_gen = 0;
        g->max_count = 0;
    }
    for (size_t i = g->seen; i < n; i++) {
        const otto_trial *t = otto_view_trial(v, i);
        int64_t number = otto_trial_number(t), gen = -1;
        if (number < 0)
            continue;
        int rc = grow_maps(g, (size_t)number + 1);
        if (rc)
            return rc;
        int how = otto_trial_get_state(t) == OTTO_TRIAL_COMPLETE ? trial_generation(g, t, &gen)
                                                                 : GEN_NONE;
        if (how != GEN_NONE) {
            if (gen > g->max_gen) {
                g->max_gen = gen;
                g->max_count = 1;
            } else if (gen == g->max_gen) {
                g->max_count++;
            }
        }
        g->gen_of[number] = gen;
        g->adopted[number] = how == GEN_ADOPTED;
        g->view_index[number] = i;
        g->seen = i + 1;
        g->last_number = number;
    }
    return OTTO_OK;
}

int otto__generations_of_trial(otto__generations *g, const otto_view *v, otto_trial *t,
                               int64_t *gen)
{
    (void)v;
    const char *attr = otto_trial_system_attr_find(t, g->key);
    if (attr && parse_generation(attr, gen))
        return OTTO_OK;
    *gen = g->max_count < g->population_size ? g->max_gen : g->max_gen + 1;
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRId64, *gen);
    return otto_trial_set_system_attr(t, g->key, buf);
}

const otto_trial *otto__generations_trial(const otto__generations *g, const otto_view *v,
                                          int64_t number)
{
    if (number < 0 || (size_t)number >= g->cap || g->view_index[number] == SIZE_MAX)
        return NULL;
    const otto_trial *t = otto_view_trial(v, g->view_index[number]);
    return otto_trial_number(t) == number ? t : NULL;
}

/* Objective values (minimized) and constraint violation of a trial. */
static void trial_point(const otto_view *v, const otto_trial *t, size_t m, double *f,
                        double *penalty, int *constrained)
{
    for (size_t k = 0; k < m; k++) {
        double y = otto_trial_objective(t, k);
        f[k] = otto_view_maximize(v, k) ? -y : y;
    }
    size_t nc = otto_trial_constraint_count(t);
    double p = 0;
    for (size_t i = 0; i < nc; i++) {
        double c = otto_trial_constraint(t, i);
        if (c > 0)
            p += c;
    }
    *penalty = p;
    *constrained |= nc > 0;
}

static const double *reference_points(otto__generations *g, size_t m, size_t *n_ref)
{
    if (g->ref_given) {
        *n_ref = g->n_ref_given;
        return g->ref_dim_given == m ? g->ref_given : NULL;
    }
    if (!g->ref_made || g->m_made != m) {
        otto__free(g->a, g->ref_made);
        g->ref_made = NULL;
        if (otto__das_dennis(m, g->dividing_parameter, g->a, &g->ref_made, &g->n_ref_made))
            return NULL;
        g->m_made = m;
    }
    *n_ref = g->n_ref_made;
    return g->ref_made;
}

/* parents(k) from the population of generation k - 1 and parents(k - 1). */
static int select_parents(otto__generations *g, const otto_view *v, size_t k)
{
    const otto__population *prev = &g->parents[k - 1];
    /* generation k - 1's population: its population_size lowest-numbered
     * members, and for generation 0 every adopted trial besides (a long
     * history from another sampler: the selection keeps its best) */
    size_t adopted = 0;
    for (size_t num = 0; k == 1 && num < g->cap; num++)
        adopted += g->gen_of[num] == 0 && g->adopted[num];
    size_t m = g->m, cap = g->population_size + adopted + prev->n, n = 0, tagged = 0;
    int64_t *numbers = otto__calloc(g->a, cap, sizeof *numbers);
    double *f = otto__calloc(g->a, cap * m, sizeof *f);
    double *penalty = otto__calloc(g->a, cap, sizeof *penalty);
    size_t *keep = otto__calloc(g->a, cap, sizeof *keep);
    int constrained = prev->constrained, rc = OTTO_OK;
    if (!numbers || !f || !penalty || !keep)
        rc = otto__error(OTTO_ENOMEM, "nsga: out of memory");
    for (size_t num = 0; !rc && num < g->cap; num++) {
        const otto_trial *t;
        if (g->gen_of[num] != (int64_t)k - 1 || !(t = otto__generations_trial(g, v, (int64_t)num)))
            continue;
        if (!g->adopted[num] && tagged++ >= g->population_size)
            continue;
        numbers[n] = (int64_t)num;
        trial_point(v, t, m, f + n * m, &penalty[n], &constrained);
        n++;
    }
    for (size_t i = 0; !rc && i < prev->n; i++, n++) {
        numbers[n] = prev->numbers[i];
        memcpy(f + n * m, prev->f + i * m, m * sizeof *f);
        penalty[n] = prev->penalty[i];
    }
    size_t n_keep = n < g->population_size ? n : g->population_size;
    if (!rc && g->nsga3) {
        size_t n_ref = 0;
        const double *ref = reference_points(g, m, &n_ref);
        if (!ref)
            rc = g->ref_given ? otto__error(OTTO_EINVAL,
                                            "nsga3: reference points have %zu values, the study "
                                            "has %zu objectives",
                                            g->ref_dim_given, m)
                              : OTTO_ENOMEM;
        /* the niching's ties are broken by a stream every worker derives
         * from the same pool, so that all agree on the parents */
        otto_rng r;
        otto__rng_init(&r, 0x4e5347413363ull + k, otto__hash_bytes(numbers, n * sizeof *numbers));
        if (!rc)
            rc = otto__select_nsga3(f, n, m, constrained ? penalty : NULL, ref, n_ref, &r, n_keep,
                                    g->a, keep);
    } else if (!rc) {
        rc = otto__select_nsga2(f, n, m, constrained ? penalty : NULL, n_keep, g->a, keep);
    }
    otto__population *p = &g->parents[k];
    if (!rc) {
        p->numbers = otto__calloc(g->a, n_keep ? n_keep : 1, sizeof *p->numbers);
        p->f = otto__calloc(g->a, (n_keep ? n_keep : 1) * m, sizeof *p->f);
        p->penalty = otto__calloc(g->a, n_keep ? n_keep : 1, sizeof *p->penalty);
        if (!p->numbers || !p->f || !p->penalty) {
            population_free(p, g->a);
            rc = otto__error(OTTO_ENOMEM, "nsga: out of memory");
        }
    }
    for (size_t i = 0; !rc && i < n_keep; i++) {
        p->numbers[i] = numbers[keep[i]];
        memcpy(p->f + i * m, f + keep[i] * m, m * sizeof *f);
        p->penalty[i] = penalty[keep[i]];
    }
    if (!rc) {
        p->n = n_keep;
        p->constrained = constrained;
        p->ready = 1;
    }
    otto__free(g->a, numbers);
    otto__free(g->a, f);
    otto__free(g->a, penalty);
    otto__free(g->a, keep);
    return rc;
}

int otto__generations_parents(otto__generations *g, const otto_view *v, int64_t gen,
                              const otto__population **out)
{
    *out = NULL;
    size_t m = otto_view_n_objectives(v);
    if (m != g->m) { /* populations of another study shape are of no use */
        for (size_t k = 0; k < g->n_parents; k++)
            population_free(&g->parents[k], g->a);
        g->m = m;
    }
    if (gen < 0 || (uint64_t)gen >= SIZE_MAX / 2)
        return otto__error(OTTO_EINVAL, "nsga: generation %" PRId64 " out of range", gen);
    size_t want = (size_t)gen;
    if (want >= g->n_parents) {
        otto__population *p = otto__reallocarray(g->a, g->parents, want + 1, sizeof *p);
        if (!p)
            return otto__error(OTTO_ENOMEM, "nsga: out of memory");
        memset(p + g->n_parents, 0, (want + 1 - g->n_parents) * sizeof *p);
        g->parents = p;
        g->n_parents = want + 1;
    }
    g->parents[0].ready = 1; /* generation 0 has no parents */
    for (size_t k = 1; k <= want; k++) {
        if (g->parents[k].ready)
            continue;
        int rc = select_parents(g, v, k);
        if (rc)
            return rc;
    }
    *out = &g->parents[want];
    return OTTO_OK;
}
