/* Warm starts: add_trial records an already-evaluated trial (params,
 * values, reports, attrs, constraints) without asking the sampler. */
#include <math.h>
#include <string.h>

#include "store.h"
#include "common/options.h"

void otto_trial_extras_init_sized(otto_trial_extras *e, size_t size)
{
    otto_trial_extras def;
    memset(&def, 0, sizeof def);
    OTTO__OPTIONS_INIT(e, size, def);
}

/* Check extras before anything is built. */
int otto__trial_extras_check(const otto_trial_extras *e)
{
    const char *fn = "add_trial";
    if ((e->n_reports && (!e->steps || !e->report_values)) ||
        (e->n_user_attrs && (!e->user_keys || !e->user_values)) ||
        (e->n_system_attrs && (!e->system_keys || !e->system_values)) ||
        (e->n_constraints && !e->constraints))
        return otto__error(OTTO_EINVAL, "add_trial: NULL extras array");
    for (size_t i = 0; i < e->n_reports; i++) {
        if (e->steps[i] < 0)
            return otto__error(OTTO_EINVAL, "add_trial: step %lld is negative",
                               (long long)e->steps[i]);
        for (size_t j = 0; j < i; j++)
            if (e->steps[j] == e->steps[i])
                return otto__error(OTTO_EINVAL, "add_trial: step %lld is given twice",
                                   (long long)e->steps[i]);
    }
    int rc = OTTO_OK;
    for (size_t i = 0; !rc && i < e->n_user_attrs; i++)
        if (!(rc = otto__text_check(e->user_keys[i], 0, fn, "user attr key")))
            rc = otto__text_check(e->user_values[i], 1, fn, "user attr value");
    for (size_t i = 0; !rc && i < e->n_system_attrs; i++)
        if (!(rc = otto__text_check(e->system_keys[i], 0, fn, "system attr key")))
            rc = otto__text_check(e->system_values[i], 1, fn, "system attr value");
    for (size_t i = 0; !rc && i < e->n_constraints; i++)
        if (!isfinite(e->constraints[i])) /* as the setters: a storage keeps finite ones */
            rc = otto__error(OTTO_EINVAL, "add_trial: constraint %zu is not finite", i);
    return rc;
}

/* Give a new (unpublished) trial its extras. */
static int add_extras(const otto_allocator *a, otto_trial *t, const otto_trial_extras *e)
{
    for (size_t i = 0; i < e->n_reports; i++)
        if (otto__trial_insert_report(a, t, e->steps[i], e->report_values[i], NULL))
            return OTTO_ENOMEM;
    for (size_t i = 0; i < e->n_user_attrs; i++)
        if (otto__attr_set(a, &t->user, &t->n_user, e->user_keys[i], e->user_values[i]))
            return OTTO_ENOMEM;
    for (size_t i = 0; i < e->n_system_attrs; i++)
        if (otto__attr_set(a, &t->sys, &t->n_sys, e->system_keys[i], e->system_values[i]))
            return OTTO_ENOMEM;
    if (e->n_constraints) {
        if (otto__constraints_set_positional(a, t, e->constraints, e->n_constraints))
            return OTTO_ENOMEM;
    }
    return OTTO_OK;
}

int otto_study_add_trial(otto_study *s, const otto_space *space, const double *internal_values,
                         otto_trial_state state, const double *values, size_t n_values,
                         int64_t *number_out)
{
    return otto_study_add_trial_with(s, space, internal_values, state, values, n_values, NULL,
                                     number_out);
}

int otto_study_add_trial_with(otto_study *s, const otto_space *space,
                              const double *internal_values, otto_trial_state state,
                              const double *values, size_t n_values,
                              const otto_trial_extras *extras, int64_t *number_out)
{
    if (!s || !space || (space->n && !internal_values))
        return otto__error(OTTO_EINVAL, "add_trial: NULL argument");
    int running = state == OTTO_TRIAL_RUNNING; /* runs elsewhere (migration) */
    int rc = running && (values || n_values)
                 ? otto__error(OTTO_EINVAL, "add_trial: a RUNNING trial takes no values")
             : running ? OTTO_OK
                       : otto__tell_args_check(s, state, values, n_values, "add_trial");
    if (rc)
        return rc;
    otto_trial_extras ex;
    otto_trial_extras_init(&ex);
    if (extras && ((rc = otto__options_copy(&ex, sizeof ex, extras, "trial_extras")) ||
                   (rc = otto__trial_extras_check(&ex))))
        return rc;
    if (!isfinite(ex.datetime_start) || !isfinite(ex.datetime_complete))
        return otto__error(OTTO_EINVAL, "add_trial: datetime_start and datetime_complete must "
                                        "be finite");
    /* a PRUNED trial's value is its last report, as tell gives it */
    double pruned_value = NAN;
    for (size_t i = 0, last = 0; state == OTTO_TRIAL_PRUNED && s->n_objectives == 1 &&
                                 i < ex.n_reports; i++)
        if (i == 0 || ex.steps[i] > ex.steps[last]) {
            last = i;
            pruned_value = ex.report_values[i];
        }
    if (!isnan(pruned_value)) {
        values = &pruned_value;
        n_values = 1;
    }
    for (size_t k = 0; state == OTTO_TRIAL_COMPLETE && k < n_values; k++)
        if (isnan(values[k]))
            return otto__error(OTTO_EINVAL, "add_trial: value %zu is NaN", k);
    for (size_t i = 0; i < space->n; i++)
        if (!otto_distribution_contains(&space->params[i].dist, internal_values[i]))
            return otto__error(OTTO_EINVAL, "add_trial: value %g of '%s' is outside its "
                                            "distribution",
                               internal_values[i], space->params[i].name);
    const otto_allocator *a = &s->alloc;
    otto_trial *t = otto__calloc(a, 1, sizeof *t);
    double *vals = values ? otto__calloc(a, n_values, sizeof *vals) : NULL;
    if (!t || (values && !vals)) {
        otto__free(a, t);
        otto__free(a, vals);
        return otto__error(OTTO_ENOMEM, "add_trial: out of memory");
    }
    if (vals)
        memcpy(vals, values, n_values * sizeof *vals);
    t->study = s; /* not visible to other threads until published below */
    atomic_init(&t->state, OTTO_TRIAL_RUNNING);

    if (add_extras(a, t, &ex))
        rc = otto__error(OTTO_ENOMEM, "add_trial: out of memory");
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; !rc && i < space->n; i++) {
        const otto__spec *spec;
        rc = otto__names_spec(&s->names, a, space->params[i].name, &space->params[i].dist, &spec);
        if (!rc && otto__trial_add_param(t, spec, internal_values[i]))
            rc = otto__error(OTTO_ENOMEM, "add_trial: out of memory");
    }
    if (!rc && (otto__segvec_reserve(&s->trials, a) ||
                (!running && otto__study_reserve_finish(s, t, state))))
        rc = otto__error(OTTO_ENOMEM, "add_trial: out of memory");
    t->values = vals;
    double now = otto__wall_time();
    t->t_start = ex.datetime_start != 0 ? ex.datetime_start : now;
    t->t_complete = running ? 0 : ex.datetime_complete != 0 ? ex.datetime_complete : now;
    int need_flush = 0;
    if (!rc && s->store) /* numbered after every other worker's trials */
        rc = otto__store_add_trial(s, t, state, &need_flush);
    else
        t->number = (int64_t)otto__segvec_count(&s->trials);
    if (rc) {
        otto__study_unlock(s);
        otto__trial_release(a, t); /* frees vals */
        otto__free(a, t);
        return rc;
    }
    otto__segvec_push(&s->trials, a, t);
    if (!running)
        otto__study_finish_locked(s, t, state);
    otto__study_unlock(s);
    if (number_out)
        *number_out = t->number;
    if (need_flush)
        return otto__store_flush(s);
    return OTTO_OK;
}
