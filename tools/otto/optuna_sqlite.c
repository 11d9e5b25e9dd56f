/* Reading an SQLite database in Optuna's RDB schema (Optuna 3 and 4:
 * studies, study_directions, trials, trial_params, trial_values,
 * trial_intermediate_values and the four attribute tables) into the import
 * model, read-only. Without libsqlite3 in the build it says so. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "optuna_model.h"

#if !defined(OTTO_CLI_HAVE_SQLITE)

int opt_read_sqlite(const char *path, opt_source *out)
{
    memset(out, 0, sizeof *out);
    cli_error("import: %s: this otto was built without libsqlite3, so it cannot read Optuna's "
              "SQLite databases (an Optuna journal file can be imported)",
              path);
    return 1;
}

#else

#include <sqlite3.h>

typedef struct idmap {
    int64_t id;
    opt_trial *t;
    opt_study *s;
} idmap;

static int id_cmp(const void *a, const void *b)
{
    int64_t x = ((const idmap *)a)->id, y = ((const idmap *)b)->id;
    return x < y ? -1 : x > y;
}

typedef struct reader {
    sqlite3 *db;
    const char *path;
    opt_source *src;
    idmap *studies, *trials;
    size_t n_studies, n_trials;
} reader;

static const idmap *find(const idmap *m, size_t n, int64_t id)
{
    idmap key = {id, NULL, NULL};
    return bsearch(&key, m, n, sizeof *m, id_cmp);
}

static int fail(reader *r, const char *what)
{
    cli_error("import: %s: %s%s%s", r->path, what, r->db ? ": " : "",
              r->db ? sqlite3_errmsg(r->db) : "");
    return 1;
}

/* Run sql; call row() for each row. */
static int query(reader *r, const char *sql, int (*row)(reader *, sqlite3_stmt *))
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(r, "not Optuna's RDB schema (run `optuna storage upgrade` on it first)");
    int rc, bad = 0;
    while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW)
        bad = row(r, st);
    if (!bad && rc != SQLITE_DONE)
        bad = fail(r, "reading failed");
    sqlite3_finalize(st);
    return bad;
}

static const char *text(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? (const char *)t : "";
}

static int row_study(reader *r, sqlite3_stmt *st)
{
    opt_study *s = opt_study_add(r->src, text(st, 1));
    idmap *m = s ? realloc(r->studies, (r->n_studies + 1) * sizeof *m) : NULL;
    if (!m)
        return fail(r, "out of memory");
    r->studies = m;
    m[r->n_studies++] = (idmap){sqlite3_column_int64(st, 0), NULL, s};
    return 0;
}

static opt_study *study_of(reader *r, sqlite3_stmt *st)
{
    const idmap *m = find(r->studies, r->n_studies, sqlite3_column_int64(st, 0));
    return m ? m->s : NULL;
}

static opt_trial *trial_of(reader *r, sqlite3_stmt *st)
{
    const idmap *m = find(r->trials, r->n_trials, sqlite3_column_int64(st, 0));
    return m ? m->t : NULL;
}

static int row_direction(reader *r, sqlite3_stmt *st)
{
    opt_study *s = study_of(r, st);
    int64_t k = sqlite3_column_int64(st, 1);
    const char *d = text(st, 2);
    if (!s)
        return 0;
    if (k < 0 || k > 63 || (size_t)k != s->n_directions)
        return fail(r, "study_directions: objectives out of order");
    int *dirs = realloc(s->directions, (s->n_directions + 1) * sizeof *dirs);
    if (!dirs)
        return fail(r, "out of memory");
    s->directions = dirs;
    dirs[s->n_directions++] = strcmp(d, "MINIMIZE") == 0 ? 1 : strcmp(d, "MAXIMIZE") == 0 ? 2 : 0;
    return 0;
}

static int row_study_user(reader *r, sqlite3_stmt *st)
{
    opt_study *s = study_of(r, st);
    return s && opt_attr_set(&s->user, &s->n_user, text(st, 1), text(st, 2))
               ? fail(r, "out of memory") : 0;
}

static int row_study_sys(reader *r, sqlite3_stmt *st)
{
    opt_study *s = study_of(r, st);
    return s && opt_attr_set(&s->sys, &s->n_sys, text(st, 1), text(st, 2))
               ? fail(r, "out of memory") : 0;
}

static int row_trial(reader *r, sqlite3_stmt *st)
{
    const idmap *sm = find(r->studies, r->n_studies, sqlite3_column_int64(st, 2));
    if (!sm)
        return 0;
    opt_trial *t = opt_trial_add(sm->s);
    idmap *m = t ? realloc(r->trials, (r->n_trials + 1) * sizeof *m) : NULL;
    if (!m)
        return fail(r, "out of memory");
    r->trials = m;
    m[r->n_trials++] = (idmap){sqlite3_column_int64(st, 0), t, sm->s};
    t->number = sqlite3_column_int64(st, 1);
    static const char *const states[] = {"RUNNING", "COMPLETE", "PRUNED", "FAIL", "WAITING"};
    const char *state = text(st, 3);
    for (t->state = 0; t->state < 5 && strcmp(state, states[t->state]) != 0; t->state++)
        ;
    if (t->state == 5)
        return fail(r, "a trial state that Optuna does not have");
    for (int c = 4; c <= 5; c++) {
        double *when = c == 4 ? &t->t_start : &t->t_end;
        if (sqlite3_column_type(st, c) != SQLITE_NULL && opt_parse_time(text(st, c), when))
            return fail(r, "a trial time that is not a date and time");
    }
    return 0;
}

static int row_param(reader *r, sqlite3_stmt *st)
{
    opt_trial *t = trial_of(r, st);
    if (!t)
        return 0;
    cli_json *dj;
    char err[200];
    cli_dist d;
    const char *dist = text(st, 3);
    if (cli_json_parse(dist, strlen(dist), &dj, err, sizeof err))
        return fail(r, "trial_params: a distribution that is not JSON");
    int bad = cli_dist_from_json(dj, &d, err, sizeof err);
    cli_json_free(dj);
    if (bad) {
        cli_error("import: %s: param '%s': %s", r->path, text(st, 1), err);
        return 1;
    }
    if (opt_param_set(t, text(st, 1), &d, sqlite3_column_double(st, 2))) {
        cli_dist_free(&d);
        return fail(r, "out of memory");
    }
    return 0;
}

/* A value with Optuna's value_type: FINITE, INF_POS, INF_NEG, NAN. */
static double typed_value(sqlite3_stmt *st, int value_col, int type_col)
{
    const char *type = text(st, type_col);
    if (strcmp(type, "INF_POS") == 0)
        return INFINITY;
    if (strcmp(type, "INF_NEG") == 0)
        return -INFINITY;
    if (strcmp(type, "NAN") == 0 || sqlite3_column_type(st, value_col) == SQLITE_NULL)
        return NAN;
    return sqlite3_column_double(st, value_col);
}

static int row_value(reader *r, sqlite3_stmt *st)
{
    opt_trial *t = trial_of(r, st);
    int64_t k = sqlite3_column_int64(st, 1);
    if (!t)
        return 0;
    if (k < 0 || k > 63)
        return fail(r, "trial_values: an objective out of range");
    double vals[64];
    size_t n = t->n_values > (size_t)k + 1 ? t->n_values : (size_t)k + 1;
    for (size_t i = 0; i < n; i++)
        vals[i] = i < t->n_values ? t->values[i] : NAN;
    vals[k] = typed_value(st, 2, 3);
    return opt_values_set(t, vals, n) ? fail(r, "out of memory") : 0;
}

static int row_inter(reader *r, sqlite3_stmt *st)
{
    opt_trial *t = trial_of(r, st);
    int64_t step = sqlite3_column_int64(st, 1);
    if (!t)
        return 0;
    if (step < 0)
        return fail(r, "trial_intermediate_values: a negative step");
    return opt_inter_set(t, step, typed_value(st, 2, 3)) ? fail(r, "out of memory") : 0;
}

static int row_trial_user(reader *r, sqlite3_stmt *st)
{
    opt_trial *t = trial_of(r, st);
    return t && opt_attr_set(&t->user, &t->n_user, text(st, 1), text(st, 2))
               ? fail(r, "out of memory") : 0;
}

static int row_trial_sys(reader *r, sqlite3_stmt *st)
{
    opt_trial *t = trial_of(r, st);
    return t && opt_attr_set(&t->sys, &t->n_sys, text(st, 1), text(st, 2))
               ? fail(r, "out of memory") : 0;
}

int opt_read_sqlite(const char *path, opt_source *out)
{
    memset(out, 0, sizeof *out);
    reader r = {.path = path, .src = out};
    int rc = sqlite3_open_v2(path, &r.db, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) {
        rc = fail(&r, "cannot open it");
        sqlite3_close(r.db);
        return rc;
    }
    sqlite3_busy_timeout(r.db, 60000);
    sqlite3_stmt *st;
    int n_tables = 0;
    if (sqlite3_prepare_v2(r.db,
                           "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                           "('studies', 'study_directions', 'trials', 'trial_params', "
                           "'trial_values', 'version_info')",
                           -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            n_tables = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    } else {
        sqlite3_close(r.db);
        r.db = NULL;
        cli_error("import: %s is not an SQLite database", path);
        return 1;
    }
    rc = 0;
    if (n_tables != 6) {
        cli_error("import: %s is not an Optuna database (it lacks Optuna's tables)", path);
        rc = 1;
    }
    /* in id order, so ids bsearch and trials come in number order */
    if (!rc)
        rc = query(&r, "SELECT study_id, study_name FROM studies ORDER BY study_id", row_study);
    if (!rc)
        rc = query(&r, "SELECT study_id, objective, direction FROM study_directions "
                       "ORDER BY study_id, objective", row_direction);
    if (!rc)
        rc = query(&r, "SELECT study_id, key, value_json FROM study_user_attributes "
                       "ORDER BY study_user_attribute_id", row_study_user);
    if (!rc)
        rc = query(&r, "SELECT study_id, key, value_json FROM study_system_attributes "
                       "ORDER BY study_system_attribute_id", row_study_sys);
    if (!rc)
        rc = query(&r, "SELECT trial_id, number, study_id, state, datetime_start, "
                       "datetime_complete FROM trials ORDER BY study_id, number, trial_id",
                   row_trial);
    if (!rc)
        qsort(r.trials, r.n_trials, sizeof *r.trials, id_cmp);
    if (!rc)
        rc = query(&r, "SELECT trial_id, param_name, param_value, distribution_json "
                       "FROM trial_params ORDER BY param_id", row_param);
    if (!rc)
        rc = query(&r, "SELECT trial_id, objective, value, value_type FROM trial_values "
                       "ORDER BY trial_id, objective", row_value);
    if (!rc)
        rc = query(&r, "SELECT trial_id, step, intermediate_value, intermediate_value_type "
                       "FROM trial_intermediate_values ORDER BY trial_intermediate_value_id",
                   row_inter);
    if (!rc)
        rc = query(&r, "SELECT trial_id, key, value_json FROM trial_user_attributes "
                       "ORDER BY trial_user_attribute_id", row_trial_user);
    if (!rc)
        rc = query(&r, "SELECT trial_id, key, value_json FROM trial_system_attributes "
                       "ORDER BY trial_system_attribute_id", row_trial_sys);
    free(r.studies);
    free(r.trials);
    sqlite3_close(r.db);
    if (rc)
        opt_source_free(out);
    return rc;
}

#endif
