/* `otto ask` and `otto tell`, Optuna's CLI commands for shell-driven
 * loops: ask starts a trial in a stored study (its params drawn from a
 * search space in Optuna's distribution JSON) and prints its number and
 * params; tell finishes trial N from another process. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "distribution_json.h"
#include "records.h"

/* --sampler NAME [--sampler-kwargs '{"seed": N}']: Optuna's class names of
 * the samplers otto has; of the keyword arguments, seed. */
static int make_sampler(const cli_oargs *a, otto_sampler **out)
{
    *out = NULL;
    if (!a->sampler) {
        if (a->sampler_kwargs) {
            cli_error("ask: --sampler-kwargs is set without --sampler");
            return 2;
        }
        return 0;
    }
    uint64_t seed = OTTO_SEED_NONE;
    if (a->sampler_kwargs) {
        cli_json *kw;
        char err[160];
        if (cli_json_parse(a->sampler_kwargs, strlen(a->sampler_kwargs), &kw, err, sizeof err)) {
            cli_error("ask --sampler-kwargs: not JSON: %s", err);
            return 2;
        }
        int bad = kw->kind != CLI_JSON_OBJECT;
        for (size_t i = 0; !bad && i < kw->n; i++) {
            const cli_json *v = kw->items[i];
            if (strcmp(kw->keys[i], "seed") != 0) {
                cli_error("ask --sampler-kwargs: otto takes only \"seed\", not \"%s\"",
                          kw->keys[i]);
                cli_json_free(kw);
                return 2;
            }
            if (v->kind == CLI_JSON_NULL)
                continue;
            bad = v->kind != CLI_JSON_NUMBER || !v->integer || v->number < 0 ||
                  v->number >= 18446744073709551616.0;
            if (!bad)
                seed = strtoull(v->text, NULL, 10);
        }
        cli_json_free(kw);
        if (bad) {
            cli_error("ask --sampler-kwargs: an object such as {\"seed\": 42}");
            return 2;
        }
    }
    int rc;
    const char *s = a->sampler;
    if (strcmp(s, "RandomSampler") == 0) {
        otto_random_options o;
        otto_random_options_init(&o);
        o.seed = seed;
        rc = otto_sampler_random_create(&o, out);
    } else if (strcmp(s, "TPESampler") == 0) {
        otto_tpe_options o;
        otto_tpe_options_init(&o);
        o.seed = seed;
        rc = otto_sampler_tpe_create(&o, out);
    } else if (strcmp(s, "CmaEsSampler") == 0) {
        otto_cmaes_options o;
        otto_cmaes_options_init(&o);
        o.seed = seed;
        rc = otto_sampler_cmaes_create(&o, out);
    } else if (strcmp(s, "GPSampler") == 0) {
        otto_gp_options o;
        otto_gp_options_init(&o);
        o.seed = seed;
        rc = otto_sampler_gp_create(&o, out);
    } else if (strcmp(s, "QMCSampler") == 0) {
        otto_qmc_options o;
        otto_qmc_options_init(&o);
        o.seed = seed;
        rc = otto_sampler_qmc_create(&o, out);
    } else {
        cli_error("ask --sampler: '%s' (RandomSampler, TPESampler, CmaEsSampler, GPSampler or "
                  "QMCSampler)",
                  s);
        return 2;
    }
    if (rc) {
        cli_otto_error("ask --sampler", rc);
        return 1;
    }
    return 0;
}

/* --search-space JSON: {"name": distribution JSON, ...} as a space. */
static int read_space(const char *text, otto_space **out)
{
    *out = NULL;
    if (otto_space_create(out)) {
        cli_error("out of memory");
        return 1;
    }
    if (!text)
        return 0;
    cli_json *j;
    char err[200];
    if (cli_json_parse(text, strlen(text), &j, err, sizeof err)) {
        cli_error("ask --search-space: not JSON: %s", err);
        return 2;
    }
    int rc = 0;
    if (j->kind != CLI_JSON_OBJECT) {
        cli_error("ask --search-space: an object of names and distributions, such as "
                  "'{\"x\": {\"name\": \"FloatDistribution\", \"attributes\": {\"low\": 0, "
                  "\"high\": 1}}}'");
        rc = 2;
    }
    for (size_t i = 0; !rc && i < j->n; i++) {
        cli_dist d;
        if (cli_dist_from_json(j->items[i], &d, err, sizeof err)) {
            cli_error("ask --search-space '%s': %s", j->keys[i], err);
            rc = 2;
            break;
        }
        int st = cli_dist_add(*out, j->keys[i], &d);
        cli_dist_free(&d);
        if (st) {
            cli_otto_error("ask --search-space", st);
            rc = 2;
        }
    }
    cli_json_free(j);
    return rc;
}

int cli_ask(int argc, char **argv)
{
    cli_oargs a;
    int rc = cli_oparse(argc, argv, OPT_FORMAT | OPT_ASK, CLI_O_JSON, &a);
    if (rc)
        return rc;
    otto_space *space;
    otto_sampler *sampler;
    if ((rc = read_space(a.search_space, &space)) != 0) {
        otto_space_destroy(space);
        return rc;
    }
    if ((rc = make_sampler(&a, &sampler)) != 0) {
        otto_space_destroy(space);
        return rc;
    }
    cli_study cs; /* resolve the study name (the only study when none is given) */
    const char *name = a.study;
    if (!name && cli_load(a.storage, NULL, &cs) == 0) {
        name = strdup(cs.name);
        cli_free(&cs);
        if (!name)
            cli_error("out of memory");
    }
    otto_storage *st = NULL;
    otto_study *study = NULL;
    otto_trial *t = NULL;
    if (!name || cli_open_storage_rw(a.storage, 0, &st)) {
        otto_sampler_destroy(sampler);
        rc = 1;
    } else if (cli_open_study_rw(st, a.storage, name, sampler, &study)) { /* takes sampler */
        rc = 1;
    } else if ((rc = otto_study_ask_with(study, space, &t)) != OTTO_OK ||
               (rc = otto_study_sync(study)) != OTTO_OK) { /* writes its params now */
        cli_otto_error("ask", rc);
        rc = 1;
    }
    if (!rc) {
        /* {"number": N, "params": {...}} in the order suggested, as Optuna */
        cli_json *rec = cli_json_object(), *params = cli_json_object();
        int bad = !rec || !params || cli_json_set(rec, "number", cli_json_int(otto_trial_number(t)));
        for (size_t i = 0; !bad && i < otto_trial_param_count(t); i++) {
            const char *pname;
            otto_trial_param_at(t, i, &pname, NULL, NULL);
            bad = cli_json_set(params, pname, cli_param_json(t, i));
        }
        if (bad) {
            cli_json_free(params);
            params = NULL;
        }
        if (bad || cli_json_set(rec, "params", params)) {
            cli_error("out of memory");
            rc = 1;
        } else {
            cli_print_records(rec, a.format, a.flatten, stdout);
        }
        cli_json_free(rec);
    }
    if (name != a.study)
        free((char *)name);
    otto_study_destroy(study); /* the trial stays RUNNING in the storage */
    otto_storage_close(st);
    otto_space_destroy(space);
    return rc;
}

int cli_tell(int argc, char **argv)
{
    cli_oargs a;
    int rc = cli_oparse(argc, argv, OPT_TELL, CLI_O_JSON, &a);
    if (rc)
        return rc;
    if (!a.has_trial_number) {
        cli_error("tell: --trial-number is required");
        return 2;
    }
    /* Optuna's rules: COMPLETE (given or implied by --values) needs values;
     * PRUNED and FAIL take none */
    if (a.state < 0 && !a.n_values) /* Optuna warns and fails the trial */
        fprintf(stderr, "otto: tell: no values and no state: trial %lld is told FAIL\n",
                (long long)a.trial_number);
    if (a.state < 0)
        a.state = a.n_values ? OTTO_TRIAL_COMPLETE : OTTO_TRIAL_FAIL;
    if (a.state == OTTO_TRIAL_COMPLETE && !a.n_values) {
        cli_error("tell: no values were told; values are required when the state is complete");
        return 2;
    }
    if (a.state != OTTO_TRIAL_COMPLETE && a.n_values) {
        cli_error("tell: values cannot be given when the state is pruned or fail");
        return 2;
    }
    cli_study cs;
    const char *name = a.study;
    if (!name && cli_load(a.storage, NULL, &cs) == 0) {
        name = strdup(cs.name);
        cli_free(&cs);
    }
    otto_storage *st = NULL;
    otto_study *study = NULL;
    rc = 0;
    if (!name || cli_open_storage_rw(a.storage, 0, &st) ||
        cli_open_study_rw(st, a.storage, name, NULL, &study))
        rc = 1;
    if (!rc && (size_t)a.n_values != (a.n_values ? otto_study_n_objectives(study) : 0)) {
        cli_error("tell: %zu values for a study of %zu objective(s)", a.n_values,
                  otto_study_n_objectives(study));
        rc = 2;
    }
    const otto_trial *t = NULL;
    if (!rc && (a.trial_number < 0 ||
                otto_study_trial(study, a.trial_number, &t) != OTTO_OK)) {
        cli_error("tell: trial %lld has not been created (study '%s' has %zu trials)",
                  (long long)a.trial_number, name, otto_study_trial_count(study));
        rc = 1;
    }
    otto_trial_state now = t ? otto_trial_get_state(t) : OTTO_TRIAL_RUNNING;
    if (!rc && now != OTTO_TRIAL_RUNNING) {
        if (!a.skip_if_finished) {
            cli_error("tell: cannot tell trial %lld: it is already %s (--skip-if-finished "
                      "skips it)",
                      (long long)a.trial_number, otto_trial_state_name(now));
            rc = 1;
        }
    } else if (!rc) {
        int st_rc = otto_study_tell_number(study, a.trial_number, (otto_trial_state)a.state,
                                           a.n_values ? a.values : NULL, a.n_values);
        if (st_rc == OTTO_ESTATE && a.skip_if_finished)
            st_rc = OTTO_OK; /* finished by another process since we read it */
        if (st_rc) {
            cli_otto_error("tell", st_rc);
            rc = 1;
        }
    }
    if (name != a.study)
        free((char *)name);
    otto_study_destroy(study);
    otto_storage_close(st);
    return rc;
}
