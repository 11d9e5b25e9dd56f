/* Optuna's study commands: create-study (prints the name), delete-study
 * and study-names, on any storage otto(1) takes. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "records.h"

/* Optuna's name for an unnamed study: "no-name-" and a random UUID. */
static void default_name(char *buf, size_t n)
{
    unsigned char u[16];
    int fd = open("/dev/urandom", O_RDONLY);
    ssize_t got = fd >= 0 ? read(fd, u, sizeof u) : -1;
    if (fd >= 0)
        close(fd);
    if (got != (ssize_t)sizeof u) { /* no entropy device: time and pid */
        uint64_t x = (uint64_t)time(NULL) * 6364136223846793005ULL ^ (uint64_t)getpid();
        for (size_t i = 0; i < sizeof u; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            u[i] = (unsigned char)(x >> 56);
        }
    }
    u[6] = (unsigned char)((u[6] & 0x0F) | 0x40); /* version 4 */
    u[8] = (unsigned char)((u[8] & 0x3F) | 0x80); /* RFC 4122 variant */
    snprintf(buf, n,
             "no-name-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
             u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
             u[14], u[15]);
}

int cli_create_study(int argc, char **argv)
{
    cli_oargs a;
    int rc = cli_oparse(argc, argv, OPT_DIRECTIONS | OPT_SKIP_EXISTS, CLI_O_TABLE, &a);
    if (rc)
        return rc;
    char generated[64];
    if (!a.study) {
        default_name(generated, sizeof generated);
        a.study = generated;
    }
    otto_storage *st;
    if (cli_open_storage_rw(a.storage, 1, &st))
        return 1;
    otto_study_options so;
    otto_study_options_init(&so);
    so.storage = st;
    so.name = a.study;
    so.open_mode = OTTO_OPEN_CREATE;
    if (a.n_directions > 1) {
        so.n_objectives = a.n_directions;
        so.directions = a.directions;
    } else if (a.n_directions == 1) {
        so.direction = a.directions[0];
    }
    otto_study *study;
    rc = otto_study_create(&so, &study);
    if (rc == OTTO_EEXIST && a.skip_if_exists) /* Optuna loads it, whatever its directions */
        rc = OTTO_OK;
    else if (rc == OTTO_EEXIST)
        cli_error("create-study: study '%s' already exists in %s (--skip-if-exists keeps it)",
                  a.study, a.storage);
    else if (rc)
        cli_otto_error("create-study", rc);
    else
        otto_study_destroy(study);
    otto_storage_close(st);
    if (rc)
        return 1;
    char *safe = cli_terminal_text(a.study);
    printf("%s\n", safe ? safe : a.study);
    free(safe);
    return 0;
}

int cli_delete_study(int argc, char **argv)
{
    cli_oargs a;
    int rc = cli_oparse(argc, argv, 0, CLI_O_TABLE, &a);
    if (rc)
        return rc;
    if (!a.study) {
        cli_error("delete-study: --study-name is required");
        return 2;
    }
    otto_storage *st;
    if (cli_open_storage_rw(a.storage, 0, &st))
        return 1;
    rc = otto_storage_delete_study(st, a.study);
    if (rc == OTTO_ENOTFOUND)
        cli_error("delete-study: %s has no study named '%s'", a.storage, a.study);
    else if (rc)
        cli_otto_error("delete-study", rc);
    otto_storage_close(st);
    return rc ? 1 : 0;
}

int cli_study_names(int argc, char **argv)
{
    cli_oargs a;
    int rc = cli_oparse(argc, argv, OPT_FORMAT, CLI_O_VALUE, &a);
    if (rc)
        return rc;
    otto_storage *st;
    if (cli_open_storage(a.storage, &st))
        return 1;
    size_t n = 0;
    rc = otto_storage_study_names(st, NULL, 0, &n);
    const char **names = malloc((n ? n : 1) * sizeof *names);
    if (!rc && !names)
        rc = OTTO_ENOMEM;
    if (!rc)
        rc = otto_storage_study_names(st, names, n, &n);
    cli_json *rows = rc ? NULL : cli_json_array();
    for (size_t i = 0; rows && i < n; i++) {
        cli_json *r = cli_json_object();
        if (!r || cli_json_set(r, "name", cli_json_string(names[i])) || cli_json_push(rows, r)) {
            cli_json_free(rows);
            rows = NULL;
        }
    }
    if (rc)
        cli_otto_error(a.storage, rc);
    else if (!rows)
        cli_error("out of memory");
    else
        cli_print_records(rows, a.format, 0, stdout);
    cli_json_free(rows);
    free(names);
    otto_storage_close(st);
    return rc || !rows ? 1 : 0;
}
