/* Optuna's distribution JSON (distribution_to_json: {"name":
 * "FloatDistribution", "attributes": {...}}, and the names of Optuna 2)
 * as otto distributions: read by `otto ask --search-space` and by
 * `otto import` from Optuna's trial_params. */
#ifndef OTTO_CLI_DISTRIBUTION_JSON_H
#define OTTO_CLI_DISTRIBUTION_JSON_H

#include <otto/otto.h>

#include "json.h"

/* A distribution with the labels its choices get (malloc'ed). */
typedef struct cli_dist {
    otto_distribution d; /* d.choices points at labels */
    char **labels;
} cli_dist;

/* Read one distribution; 0, or 1 with a message in err. */
int cli_dist_from_json(const cli_json *j, cli_dist *out, char *err, size_t n_err);
void cli_dist_free(cli_dist *d);
/* A choice as the label Python's otto gives it (str as itself, None, bool,
 * int and float typed): malloc'ed, or NULL for a choice of another type. */
char *cli_choice_label(const cli_json *choice);
/* Add it to a space under `name` (the space's checks apply): an otto
 * status. */
int cli_dist_add(otto_space *space, const char *name, const cli_dist *d);

#endif /* OTTO_CLI_DISTRIBUTION_JSON_H */
