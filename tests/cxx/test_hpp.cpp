/* Checks of the C++ interface (otto.hpp) beyond what the engine_tuning
 * example shows, built with exceptions and with -fno-exceptions: optimize on
 * studies with several objectives, and trials that outlive their study. */
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <unistd.h>

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
    const otto_trial *got;
    rc = optimize_status(s, [](otto::trial &t) { return std::vector<double>{suggest_x(t), NAN}; }, 1);
    CHECK(rc == OTTO_OK);
    CHECK(otto_study_trial(s.get(), 10, &got) == OTTO_OK && otto_trial_get_state(got) == OTTO_TRIAL_FAIL);

    /* a range of the wrong size at run time: its trial FAIL, the loop stops */
    rc = optimize_status(s, [](otto::trial &t) { return std::vector<double>{suggest_x(t)}; }, 5);
    CHECK(rc == OTTO_EINVAL);
    CHECK(std::strstr(otto_last_error_message(), "returned 1 value for a study of 2") != nullptr);
    CHECK(s.trial_count() == 12);
    CHECK(otto_study_trial(s.get(), 11, &got) == OTTO_OK && otto_trial_get_state(got) == OTTO_TRIAL_FAIL);

    /* one objective: a double, or a range of one */
    auto one = otto::study::create();
    CHECK(one.ok());
    CHECK(optimize_status(one.value(), [](otto::trial &t) { return suggest_x(t); }, 2) == OTTO_OK);
    CHECK(optimize_status(one.value(), [](otto::trial &t) { return std::array<double, 1>{suggest_x(t)}; }, 2) == OTTO_OK);
    CHECK(optimize_status(one.value(), [](otto::trial &t) { return std::array<double, 2>{suggest_x(t), 0}; }, 2) == OTTO_EINVAL);
    CHECK(one.value().trial_count() == 4);
}

/* An allocator that counts the study's live blocks. */
static std::atomic<long> live_blocks{0};
static void *count_malloc(void *, std::size_t n)
{
    void *p = std::malloc(n);
    if (p)
        live_blocks++;
    return p;
}
static void *count_realloc(void *, void *p, std::size_t n)
{
    void *q = std::realloc(p, n);
    if (q && !p)
        live_blocks++;
    return q;
}
static void count_free(void *, void *p)
{
    if (p)
        live_blocks--;
    std::free(p);
}

/* An otto::trial that outlives its otto::study used to point into a freed
 * study: now it shares ownership, works on, and the C study goes with the
 * last of them (its trial told FAIL when untold). */
static void trial_outlives_study()
{
    static const otto_allocator counting = {count_malloc, count_realloc, count_free, nullptr};
    const char *tmp = std::getenv("TMPDIR");
    char path[512];
    std::snprintf(path, sizeof path, "%s/otto-hpp-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    otto::trial kept, from_optimize;
    {
        otto_storage *st = nullptr;
        CHECK(otto_storage_journal_open(path, nullptr, &st) == OTTO_OK);
        otto::options o;
        o.seed = 5;
        o.allocator = &counting;
        o.storage = st;
        o.name = "outlived";
        otto_sampler_random_create(nullptr, &o.sampler);
        auto made = otto::study::create(o);
        otto_storage_close(st); /* the study keeps it */
        CHECK(made.ok());
        otto::study s = std::move(made.value());
        auto asked = s.ask();
        CHECK(asked.ok());
        kept = std::move(asked.value());
        CHECK(s.optimize([&](otto::trial &t) {
            from_optimize = std::move(t); /* a view, moved out of the callable */
            return 1.0;
        }, 1) == OTTO_OK);
        CHECK(live_blocks > 0);
    } /* the otto::study is gone */
    CHECK(live_blocks > 0); /* the C study lives while its trials do */
    auto x = kept.suggest_float("x", 0, 1);
    CHECK(x.ok() && x.value() >= 0 && x.value() <= 1);
    CHECK(kept.report(0, 0.5) == OTTO_OK);
    CHECK(from_optimize.number() == 1);
    from_optimize = otto::trial(); /* optimize told it: nothing to fail */
    CHECK(live_blocks > 0);
    CHECK(otto_trial_get_state(kept.get()) == OTTO_TRIAL_RUNNING);
    kept = otto::trial(); /* the last owner: tells FAIL, then destroys the study */
    CHECK(live_blocks == 0);

    /* what the journal holds: the kept trial FAIL, optimize's COMPLETE */
    otto_storage_options ro;
    otto_storage_options_init(&ro);
    ro.flags = OTTO_STORAGE_READ_ONLY;
    otto_storage *st = nullptr;
    CHECK(otto_storage_journal_open(path, &ro, &st) == OTTO_OK);
    otto::options o;
    o.storage = st;
    o.name = "outlived";
    o.open_mode = OTTO_OPEN_LOAD;
    auto loaded = otto::study::create(o);
    otto_storage_close(st);
    CHECK(loaded.ok() && loaded.value().trial_count() == 2);
    const otto_trial *t0 = nullptr, *t1 = nullptr;
    CHECK(otto_study_trial(loaded.value().get(), 0, &t0) == OTTO_OK &&
          otto_trial_get_state(t0) == OTTO_TRIAL_FAIL);
    CHECK(otto_study_trial(loaded.value().get(), 1, &t1) == OTTO_OK &&
          otto_trial_get_state(t1) == OTTO_TRIAL_COMPLETE);
    std::remove(path);
}

int main()
{
    multi_objective_optimize();
    trial_outlives_study();
    if (failures)
        std::fprintf(stderr, "%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
