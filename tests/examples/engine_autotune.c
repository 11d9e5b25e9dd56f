/* Example: a simulation engine auto-tunes its own physics parameters. The
 * search space is declared once and every trial is sampled up front with
 * otto_study_ask_with; the engine runs otto_study_optimize on 2 threads. */
#include <math.h>
#include <stdio.h>

#include <otto/otto.h>

/* A toy "simulation": error of a damped spring integrated with the tuned
 * time step, damping and integrator, against the exact solution. */
static double simulate(double dt, double damping, int64_t substeps, size_t integrator)
{
    double x = 1, v = 0, t = 0, err = 0;
    const double k = 4.0, c = 0.4; /* true stiffness and damping */
    double h = dt / (double)substeps;
    for (int frame = 0; frame < 60; frame++) {
        for (int64_t s = 0; s < substeps; s++) {
            double a = -k * x - damping * v;
            if (integrator == 0) { /* explicit Euler */
                x += h * v;
                v += h * a;
            } else { /* semi-implicit Euler */
                v += h * a;
                x += h * v;
            }
            t += h;
        }
        double w = sqrt(k - c * c / 4);
        double exact = exp(-c * t / 2) * (cos(w * t) + c / (2 * w) * sin(w * t));
        err += fabs(x - exact);
    }
    /* the engine prefers fewer substeps: each costs frame time */
    return err / 60 + 0.002 * (double)substeps;
}

static otto_trial_state objective(otto_trial *t, void *user_data, double *values, size_t n)
{
    (void)user_data;
    (void)n;
    double dt, damping;
    int64_t substeps;
    size_t integrator;
    if (otto_trial_param_float(t, "dt", &dt) || otto_trial_param_float(t, "damping", &damping) ||
        otto_trial_param_int(t, "substeps", &substeps) ||
        otto_trial_param_index(t, "integrator", &integrator))
        return OTTO_TRIAL_FAIL;
    values[0] = simulate(dt, damping, substeps, integrator);
    return isfinite(values[0]) ? OTTO_TRIAL_COMPLETE : OTTO_TRIAL_FAIL;
}

int main(void)
{
    otto_space *space;
    const char *integrators[] = {"euler", "semi-implicit"};
    if (otto_space_create(&space) || otto_space_add_float(space, "dt", 0.005, 0.1, 0, OTTO_LOG) ||
        otto_space_add_float(space, "damping", 0.0, 1.0, 0, 0) ||
        otto_space_add_int(space, "substeps", 1, 16, 1, 0) ||
        otto_space_add_categorical(space, "integrator", integrators, 2)) {
        fprintf(stderr, "space: %s\n", otto_last_error_message());
        return 1;
    }
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = 7;
    so.name = "physics-autotune";
    otto_study *study;
    if (otto_study_create(&so, &study)) {
        fprintf(stderr, "study: %s\n", otto_last_error_message());
        return 1;
    }
    /* the engine's current settings go first */
    otto_param_value current[] = {
        {.name = "dt", .kind = OTTO_VALUE_NUMBER, .number = 1.0 / 60},
        {.name = "damping", .kind = OTTO_VALUE_NUMBER, .number = 0.5},
        {.name = "substeps", .kind = OTTO_VALUE_NUMBER, .number = 4},
        {.name = "integrator", .kind = OTTO_VALUE_LABEL, .label = "euler"},
    };
    otto_study_enqueue_trial(study, current, 4);

    /* Serial ask_with/tell for the declared space, then a threaded batch. */
    for (int i = 0; i < 100; i++) {
        otto_trial *t;
        double value;
        if (otto_study_ask_with(study, space, &t))
            return 1;
        otto_trial_state st = objective(t, NULL, &value, 1);
        otto_study_tell(study, t, st, st == OTTO_TRIAL_COMPLETE ? &value : NULL,
                        st == OTTO_TRIAL_COMPLETE ? 1 : 0);
    }
    const otto_trial *first, *best;
    double baseline, value, dt, damping;
    int64_t substeps;
    const char *integrator;
    otto_study_trial(study, 0, &first);
    otto_trial_value(first, &baseline);
    otto_study_best_trial(study, &best);
    otto_trial_value(best, &value);
    otto_trial_param_float(best, "dt", &dt);
    otto_trial_param_float(best, "damping", &damping);
    otto_trial_param_int(best, "substeps", &substeps);
    otto_trial_param_label(best, "integrator", &integrator);
    printf("engine settings error %.4f -> %.4f after %zu trials\n", baseline, value,
           otto_study_trial_count(study));
    printf("  dt=%.4f damping=%.3f substeps=%lld integrator=%s\n", dt, damping,
           (long long)substeps, integrator);
    int ok = value < baseline;
    otto_study_destroy(study);
    otto_space_destroy(space);
    return ok ? 0 : 2;
}
