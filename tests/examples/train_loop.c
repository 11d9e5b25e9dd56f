/* Example: tune a training loop with define-by-run parameters, reporting a
 * validation loss every epoch and stopping hopeless trials early. The
 * "training" is a cheap synthetic model of a loss curve so the example runs
 * in milliseconds; replace train_one_epoch with real work. */
#include <math.h>
#include <stdio.h>

#include <otto/otto.h>

/* Loss after one more epoch: converges faster near lr = 3e-3 and with the
 * right depth; adam beats sgd. */
static double train_one_epoch(double lr, int64_t layers, size_t opt, int64_t epoch)
{
    double quality = pow(log10(lr) - log10(3e-3), 2) + 0.05 * (double)((layers - 4) * (layers - 4));
    double floor_loss = 0.05 + 0.1 * quality + (opt == 0 ? 0.05 : 0.0);
    return floor_loss + exp(-0.3 * (double)(epoch + 1));
}

static int check(int rc, const char *what)
{
    if (rc != OTTO_OK)
        fprintf(stderr, "%s: %s (%s)\n", what, otto_strerror(rc), otto_last_error_message());
    return rc;
}

int main(void)
{
    otto_study_options so;
    otto_study_options_init(&so);
    so.direction = OTTO_MINIMIZE;
    so.seed = 42;
    otto_study *study;
    if (check(otto_study_create(&so, &study), "study_create"))
        return 1;

    const char *optimizers[] = {"sgd", "adam"};
    for (int i = 0; i < 100; i++) {
        otto_trial *t;
        if (check(otto_study_ask(study, &t), "ask"))
            return 1;
        double lr, loss = 0;
        int64_t layers;
        size_t opt;
        if (check(otto_trial_suggest_float(t, "lr", 1e-5, 1e-1, 0.0, OTTO_LOG, &lr), "lr") ||
            check(otto_trial_suggest_int(t, "layers", 1, 8, 1, 0, &layers), "layers") ||
            check(otto_trial_suggest_categorical(t, "optimizer", optimizers, 2, &opt), "opt"))
            return 1;
        int pruned = 0;
        for (int64_t epoch = 0; epoch < 20 && !pruned; epoch++) {
            loss = train_one_epoch(lr, layers, opt, epoch);
            otto_trial_report(t, epoch, loss);
            otto_trial_should_prune(t, &pruned);
        }
        if (check(otto_study_tell(study, t, pruned ? OTTO_TRIAL_PRUNED : OTTO_TRIAL_COMPLETE,
                                  pruned ? NULL : &loss, pruned ? 0 : 1),
                  "tell"))
            return 1;
    }

    const otto_trial *best;
    if (check(otto_study_best_trial(study, &best), "best_trial"))
        return 1;
    double value, lr;
    int64_t layers;
    const char *opt;
    otto_trial_value(best, &value);
    otto_trial_param_float(best, "lr", &lr);
    otto_trial_param_int(best, "layers", &layers);
    otto_trial_param_label(best, "optimizer", &opt);
    printf("best trial #%lld of %zu: loss %.4f\n", (long long)otto_trial_number(best),
           otto_study_trial_count(study), value);
    printf("  lr=%.3g layers=%lld optimizer=%s\n", lr, (long long)layers, opt);
    int ok = value < 0.3; /* the random sampler finds this easily in 100 trials */
    otto_study_destroy(study);
    return ok ? 0 : 2;
}
