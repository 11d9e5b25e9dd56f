/* The cost of a study's first suggest_categorical with N labels (the labels
 * are checked for duplicates and interned once), and of a later one.
 *     build/bench/categorical_cost [MAX_N]    (default 500,000; OTTO_CHOICES_TEXT_MAX
 *     allows about 700,000 labels of this length) */
#include <stdio.h>
#include <stdlib.h>

#include <otto/otto.h>

#include "bench_util.h"

int main(int argc, char **argv)
{
    size_t max_n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 500000;
    char *buf = malloc(max_n * 24);
    const char **ch = malloc(max_n * sizeof *ch);
    if (!buf || !ch)
        return 1;
    for (size_t i = 0; i < max_n; i++) {
        snprintf(buf + 24 * i, 24, "c%zu", i);
        ch[i] = buf + 24 * i;
    }
    printf("%10s %14s %14s\n", "labels", "first (ms)", "later (ms)");
    for (size_t n = 1000; n <= max_n; n = n * 10 > max_n && n < max_n ? max_n : n * 10) {
        otto_study_options so;
        otto_study_options_init(&so);
        so.seed = 1;
        otto_study *s;
        if (otto_study_create(&so, &s))
            return 1;
        double ms[2];
        for (int k = 0; k < 2; k++) {
            otto_trial *t;
            size_t idx;
            double t0 = bench_now();
            if (otto_study_ask(s, &t) || otto_trial_suggest_categorical(t, "c", ch, n, &idx)) {
                fprintf(stderr, "%s\n", otto_last_error_message());
                return 1;
            }
            ms[k] = (bench_now() - t0) * 1e3;
            double y = (double)idx;
            otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &y, 1);
        }
        printf("%10zu %14.2f %14.2f\n", n, ms[0], ms[1]);
        otto_study_destroy(s);
    }
    free(ch);
    free(buf);
    return 0;
}
