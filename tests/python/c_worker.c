/* A C worker for test_shared_study.py: takes turns with a Python worker on
 * one journal study whose categorical choices are strings, ints, bools and
 * None, in the label encoding of <otto/space.h>. It checks that the Python
 * worker's trials read back with the labels a C program expects.
 *   c_worker JOURNAL STUDY N_TRIALS     exit 0 on success */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <otto/otto.h>

static const char *const opt[] = {"sgd", "adam"};
static const char *const units[] = {OTTO_LABEL_TYPED "i:16", OTTO_LABEL_TYPED "i:32"};
static const char *const flag[] = {OTTO_LABEL_TYPED "b:0", OTTO_LABEL_TYPED "b:1"};
static const char *const maybe[] = {OTTO_LABEL_TYPED "n:", "x"};

static int fail(const char *what, int rc)
{
    fprintf(stderr, "c_worker: %s: %s: %s\n", what, otto_status_name(rc),
            otto_last_error_message());
    return 1;
}

static int known(const char *label, const char *const *choices)
{
    return strcmp(label, choices[0]) == 0 || strcmp(label, choices[1]) == 0;
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    otto_storage *st;
    int rc = otto_storage_journal_open(argv[1], NULL, &st);
    if (rc)
        return fail("journal_open", rc);
    otto_study_options so;
    otto_study_options_init(&so);
    so.name = argv[2];
    so.storage = st;
    so.open_mode = OTTO_OPEN_LOAD;
    otto_study *s;
    rc = otto_study_create(&so, &s);
    otto_storage_close(st);
    if (rc)
        return fail("study_create", rc);
    /* every trial so far, Python's included, holds labels this program knows */
    for (size_t i = 0; i < otto_study_trial_count(s); i++) {
        const otto_trial *t;
        const char *a, *b, *c, *d;
        if ((rc = otto_study_trial(s, (int64_t)i, &t)) ||
            (rc = otto_trial_param_label(t, "opt", &a)) ||
            (rc = otto_trial_param_label(t, "units", &b)) ||
            (rc = otto_trial_param_label(t, "flag", &c)) ||
            (rc = otto_trial_param_label(t, "maybe", &d)))
            return fail("reading a trial", rc);
        if (!known(a, opt) || !known(b, units) || !known(c, flag) || !known(d, maybe)) {
            fprintf(stderr, "c_worker: trial %zu has labels it should not: %s %s %s %s\n", i, a,
                    b, c, d);
            return 1;
        }
    }
    for (int n = atoi(argv[3]); n > 0; n--) {
        otto_trial *t;
        size_t a, b, c, d;
        if ((rc = otto_study_ask(s, &t)) ||
            (rc = otto_trial_suggest_categorical(t, "opt", opt, 2, &a)) ||
            (rc = otto_trial_suggest_categorical(t, "units", units, 2, &b)) ||
            (rc = otto_trial_suggest_categorical(t, "flag", flag, 2, &c)) ||
            (rc = otto_trial_suggest_categorical(t, "maybe", maybe, 2, &d)))
            return fail("suggesting", rc);
        double v = (double)(a + 2 * b + 4 * c + 8 * d);
        if ((rc = otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1)))
            return fail("tell", rc);
    }
    otto_study_destroy(s);
    return 0;
}
