/* A C++17 engine loop tunes three physics params through otto.hpp: a
 * declared space asked up front, ask/tell from the frame loop, then
 * optimize() with a lambda. Written in the status style, so it builds and
 * runs with exceptions and with -fno-exceptions (OTTO_NO_EXCEPTIONS). */
#include <cmath>
#include <cstdio>
#include <cstring>

#include <otto/otto.hpp>

/* A toy simulation: how far the simulated body drifts from its target over
 * 200 frames, given gravity scale, damping and a solver iteration count. */
static double simulate(double gravity, double damping, std::int64_t iterations)
{
    double pos = 0, vel = 0, err = 0;
    for (int frame = 0; frame < 200; frame++) {
        double accel = -9.81 * gravity * (pos - 1.0) - damping * vel;
        for (std::int64_t i = 0; i < iterations; i++)
            vel += accel * (0.016 / (double)iterations);
        pos += vel * 0.016;
        err += std::fabs(pos - 1.0);
    }
    return err / 200 + 0.002 * (double)iterations; /* more iterations cost frame time */
}

/* Bad input comes back as the C status: thrown as otto::error, or in the
 * result when exceptions are off; an exception from the objective stops
 * optimize and comes out of it. */
static int errors_arrive(otto::study &study)
{
    auto t = study.ask();
    if (!t.ok())
        return 1;
#if !defined(OTTO_NO_EXCEPTIONS)
    try {
        (void)t.value().suggest_float("x", 1.0, 0.0); /* low > high */
        return std::fprintf(stderr, "no exception\n"), 1;
    } catch (const otto::error &e) {
        if (e.code() != OTTO_EINVAL)
            return 1;
    }
    try {
        study.optimize([](otto::trial &) -> double { throw 7; }, 3);
        return 1;
    } catch (int thrown) {
        if (thrown != 7)
            return 1;
    }
#else
    auto bad = t.value().suggest_float("x", 1.0, 0.0);
    if (bad.ok() || bad.status() != OTTO_EINVAL)
        return std::fprintf(stderr, "no status\n"), 1;
#endif
    char long_name[400];
    std::memset(long_name, 'n', sizeof long_name);
#if !defined(OTTO_NO_EXCEPTIONS)
    try {
        (void)t.value().suggest_float(std::string_view(long_name, sizeof long_name), 0, 1);
        return 1;
    } catch (const otto::error &e) {
        return e.code() == OTTO_ERANGE ? 0 : 1;
    }
#else
    auto r = t.value().suggest_float(std::string_view(long_name, sizeof long_name), 0, 1);
    return r.status() == OTTO_ERANGE ? 0 : 1;
#endif
}

int main()
{
    otto::options o;
    o.seed = 42;
    auto made = otto::study::create(o);
    if (!made.ok())
        return std::fprintf(stderr, "create: %s\n", otto_last_error_message()), 1;
    otto::study &study = made.value();

    otto::space sp;
    if (sp.add_float("gravity_scale", 0.1, 4.0) || sp.add_float("damping", 0.01, 10.0, 0, true) ||
        sp.add_int("solver_iterations", 1, 16))
        return std::fprintf(stderr, "space: %s\n", otto_last_error_message()), 1;

    for (int round = 0; round < 30; round++) { /* the engine's own loop asks and tells */
        auto t = study.ask(sp);
        if (!t.ok())
            return 1;
        otto::trial &tr = t.value();
        double score = simulate(tr.param("gravity_scale"), tr.param("damping"),
                                (std::int64_t)tr.param("solver_iterations").value());
        if (study.tell(tr, score))
            return 1;
    }
    { /* a trial that goes out of scope untold is told FAIL, never left RUNNING */
        auto dropped = study.ask(sp);
        if (!dropped.ok())
            return 1;
    }

    int rc = study.optimize(
        [](otto::trial &t) -> double {
            auto g = t.suggest_float("gravity_scale", 0.1, 4.0);
            auto d = t.suggest_float("damping", 0.01, 10.0, 0, true);
            auto it = t.suggest_int("solver_iterations", 1, 16);
            if (!g.ok() || !d.ok() || !it.ok())
                return std::nan(""); /* a NaN result marks the trial FAIL */
            return simulate(g, d, it);
        },
        50);
    if (rc)
        return std::fprintf(stderr, "optimize: %s\n", otto_last_error_message()), 1;

    auto best = study.best_value();
    std::printf("trials %zu, best drift %.4f with gravity %.3f, damping %.3f, %g iterations\n",
                study.trial_count(), best.value(), study.best_param("gravity_scale").value(),
                study.best_param("damping").value(),
                study.best_param("solver_iterations").value());
    const otto_trial *dropped;
    if (otto_study_trial(study.get(), 30, &dropped) ||
        otto_trial_get_state(dropped) != OTTO_TRIAL_FAIL)
        return std::fprintf(stderr, "the dropped trial is not FAIL\n"), 1;
    double random_like = simulate(2.0, 5.0, 8); /* the middle of the space */
    if (!(best.value() < random_like))
        return std::fprintf(stderr, "no better than the middle of the space\n"), 1;
    return errors_arrive(study);
}
