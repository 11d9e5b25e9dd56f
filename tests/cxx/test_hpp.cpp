/* Checks of the C++ interface (otto.hpp) beyond what the engine_tuning
 * example shows, built with exceptions and with -fno-exceptions: optimize on
 * studies with several objectives. */
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include <otto/otto.hpp>

static int failures;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            std::fprintf(stderr, "%s:%d: CHECK(%s) failed (last otto error: %s)\n",      \
                         __FILE__, __LINE__, #cond, otto_last_error_message());            \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

/* The status of optimize: returned, or thrown as otto::error. */
template <class F> static int optimize_status(otto::study &s, F &&f, std::int64_t n)
{
#if !defined(OTTO_NO_EXCEPTIONS)
    try {
        return s.optimize(std::forward<F>(f), n);
    } catch (const otto::error &e) {
        return e.code();
    }
#else
    return s.optimize(std::forward<F>(f), n);
#endif
}

static otto::study two_objectives()
{
    static const otto_direction dirs[2] = {OTTO_MINIMIZE, OTTO_MAXIMIZE};
    otto::options o;
    o.seed = 3;
    o.n_objectives = 2;
    o.directions = dirs;
    otto_sampler_random_create(nullptr, &o.sampler);
    auto made = otto::study::create(o);
    CHECK(made.ok());
    return std::move(made.value());
}

/* Trial k's stored values, or {NaN, NaN}. */
static std::array<double, 2> values_of(otto::study &s, std::int64_t k)
{
    std::array<double, 2> v{NAN, NAN};
    const otto_trial *t;
    std::size_t n = 0;
    if (otto_study_trial(s.get(), k, &t) == OTTO_OK)
        otto_trial_values(t, v.data(), 2, &n);
    return v;
}

static double suggest_x(otto::trial &t)
{
    auto x = t.suggest_float("x", 0, 1);
    return x.ok() ? x.value() : NAN;
}

/* One double for two objectives was copied into both: now an error before
 * any trial runs. One value per objective, as std::array or std::vector,
 * reaches tell as it is. */
static void multi_objective_optimize()
{
    otto::study s = two_objectives();
    int rc = optimize_status(s, [](otto::trial &t) { return suggest_x(t); }, 5);
    CHECK(rc == OTTO_EINVAL);
    CHECK(std::strstr(otto_last_error_message(), "2 objectives") != nullptr);
    CHECK(s.trial_count() == 0);
    rc = optimize_status(s, [](otto::trial &t) { return std::array<double, 3>{suggest_x(t), 0, 0}; }, 5);
    CHECK(rc == OTTO_EINVAL);
    CHECK(s.trial_count() == 0);

    rc = optimize_status(s, [](otto::trial &t) {
        double x = suggest_x(t);
        return std::array<double, 2>{x, 1 - x * x};
    }, 6);
    CHECK(rc == OTTO_OK);
    CHECK(s.trial_count() == 6);
    for (std::int64_t k = 0; k < 6; k++) {
        auto v = values_of(s, k);
        CHECK(std::fabs(v[1] - (1 - v[0] * v[0])) < 1e-12 && v[0] != v[1]);
    }
    rc = optimize_status(s, [](otto::trial &t) {
        double x = suggest_x(t);
        return std::vector<double>{2 * x, -x};
    }, 4);
    CHECK(rc == OTTO_OK);
    CHECK(s.trial_count() == 10);
    auto v = values_of(s, 9);
    CHECK(v[0] == -2 * v[1]);
    std::size_t n_front = 0;
    CHECK(otto_study_best_trials(s.get(), nullptr, 0, &n_front) == OTTO_OK && n_front > 0);

    /* a NaN in any value fails the trial */
    const otto_trial *t;
    rc = optimize_status(s, [](otto::trial &t) { return std::vector<double>{suggest_x(t), NAN}; }, 1);
    CHECK(rc == OTTO_OK);
    CHECK(otto_study_trial(s.get(), 10, &t) == OTTO_OK && otto_trial_get_state(t) == OTTO_TRIAL_FAIL);

    /* a range of the wrong size at run time: its trial FAIL, the loop stops */
    rc = optimize_status(s, [](otto::trial &t) { return std::vector<double>{suggest_x(t)}; }, 5);
    CHECK(rc == OTTO_EINVAL);
    CHECK(std::strstr(otto_last_error_message(), "returned 1 value for a study of 2") != nullptr);
    CHECK(s.trial_count() == 12);
    CHECK(otto_study_trial(s.get(), 11, &t) == OTTO_OK && otto_trial_get_state(t) == OTTO_TRIAL_FAIL);

    /* one objective: a double, or a range of one */
    auto one = otto::study::create();
    CHECK(one.ok());
    CHECK(optimize_status(one.value(), [](otto::trial &t) { return suggest_x(t); }, 2) == OTTO_OK);
    CHECK(optimize_status(one.value(), [](otto::trial &t) { return std::array<double, 1>{suggest_x(t)}; }, 2) == OTTO_OK);
    CHECK(optimize_status(one.value(), [](otto::trial &t) { return std::array<double, 2>{suggest_x(t), 0}; }, 2) == OTTO_EINVAL);
    CHECK(one.value().trial_count() == 4);
}

int main()
{
    multi_objective_optimize();
    if (failures)
        std::fprintf(stderr, "%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
