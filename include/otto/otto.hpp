/* otto/otto.hpp: a header-only C++17 interface over the C API: RAII study,
 * trial and space handles, std::string_view names, optimize with any
 * callable. Errors throw otto::error, or, when OTTO_NO_EXCEPTIONS is defined
 * or exceptions are off (-fno-exceptions), come back as a status in every
 * otto::result. It allocates nothing beyond what the C library does but one
 * small block per study: a trial shares ownership of its study (see
 * otto::trial). See otto(7). */
#ifndef OTTO_OTTO_HPP
#define OTTO_OTTO_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>

#include "otto.h"

#if !defined(OTTO_NO_EXCEPTIONS) && !defined(__cpp_exceptions) && !defined(__EXCEPTIONS)
#define OTTO_NO_EXCEPTIONS 1
#endif
#include <atomic>
#if !defined(OTTO_NO_EXCEPTIONS)
#include <exception>
#endif

namespace otto {

/* The names otto keeps in C++ are NUL-terminated copies on the stack; a
 * longer name is OTTO_ERANGE (use the C API for it). */
inline constexpr std::size_t max_name = 256;

#if !defined(OTTO_NO_EXCEPTIONS)
/* An otto status and its message (copied: the exception owns no heap). */
class error : public std::exception {
  public:
    explicit error(int code) noexcept : code_(code)
    {
        std::strncpy(msg_, otto_last_error_message(), sizeof msg_ - 1);
        msg_[sizeof msg_ - 1] = 0;
    }
    int code() const noexcept { return code_; }
    const char *what() const noexcept override { return msg_; }

  private:
    int code_;
    char msg_[512];
};
#endif

/* A value or the status that prevented it. With exceptions a failure
 * throws, so a result is always ok(). */
template <class T> class result {
  public:
    result(T value) : value_(std::move(value)), status_(OTTO_OK) {}
    static result failure(int status) { return result(status, 0); }
    bool ok() const { return status_ == OTTO_OK; }
    int status() const { return status_; }
    T &value() { return value_; }
    const T &value() const { return value_; }
    operator const T &() const { return value_; }

  private:
    result(int status, int) : value_(), status_(status) {}
    T value_;
    int status_;
};

namespace detail {
/* A status as the caller gets it: thrown, or returned. */
inline int check(int status)
{
#if !defined(OTTO_NO_EXCEPTIONS)
    if (status != OTTO_OK)
        throw error(status);
#endif
    return status;
}

template <class T> result<T> fail(int status)
{
    check(status);
    return result<T>::failure(status);
}

/* What optimize's callable may return: one value (a number), or one per
 * objective as a contiguous range of numbers (std::array, std::vector, a
 * C++20 std::span: anything with std::data and std::size). */
template <class R, class = void> struct is_values : std::false_type {};
template <class R>
struct is_values<R, std::void_t<decltype(std::data(std::declval<R &>())),
                                decltype(std::size(std::declval<R &>()))>>
    : std::is_convertible<decltype(*std::data(std::declval<R &>())), double> {};
/* The size a range type fixes at compile time (std::array), 0 if none. */
template <class R, class = void> struct fixed_size : std::integral_constant<std::size_t, 0> {};
template <class R>
struct fixed_size<R, std::void_t<decltype(std::tuple_size<R>::value)>>
    : std::integral_constant<std::size_t, std::tuple_size<R>::value> {};

/* Shared ownership of a C study: the otto::study and every otto::trial it
 * handed out hold a reference, and the last one to go destroys the study.
 * One block per study (new (std::nothrow): no exception even when
 * allocation fails), an atomic increment when a trial is made and a
 * decrement when it ends; nothing on the trial's other calls. */
class study_ref {
  public:
    study_ref() = default;
    /* Take over s; false (s destroyed) when out of memory. */
    bool adopt(otto_study *s) noexcept
    {
        reset();
        b_ = new (std::nothrow) block{{1}, s};
        if (!b_)
            otto_study_destroy(s);
        return b_ != nullptr;
    }
    study_ref(const study_ref &o) noexcept : b_(o.b_)
    {
        if (b_)
            b_->refs.fetch_add(1, std::memory_order_relaxed);
    }
    study_ref(study_ref &&o) noexcept : b_(std::exchange(o.b_, nullptr)) {}
    study_ref &operator=(study_ref o) noexcept
    {
        std::swap(b_, o.b_);
        return *this;
    }
    ~study_ref() { reset(); }
    void reset() noexcept
    {
        if (b_ && b_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            otto_study_destroy(b_->s);
            delete b_;
        }
        b_ = nullptr;
    }
    otto_study *get() const noexcept { return b_ ? b_->s : nullptr; }

  private:
    struct block {
        std::atomic<long> refs;
        otto_study *s;
    };
    block *b_ = nullptr;
};

/* A NUL-terminated copy of a name in buf (max_name bytes). */
inline int name_copy(std::string_view name, char (&buf)[max_name])
{
    if (name.size() >= max_name)
        return otto_set_error_message(OTTO_ERANGE, "otto.hpp: the name '%.40s...' is longer "
                                                   "than %zu bytes",
                                      name.data(), max_name - 1);
    std::memcpy(buf, name.data(), name.size());
    buf[name.size()] = 0;
    return OTTO_OK;
}
} // namespace detail

/* A declared search space for study::ask(space). */
class space {
  public:
    space() { detail::check(otto_space_create(&s_)); }
    ~space() { otto_space_destroy(s_); }
    space(space &&o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
    space &operator=(space &&o) noexcept
    {
        std::swap(s_, o.s_);
        return *this;
    }
    space(const space &) = delete;
    space &operator=(const space &) = delete;

    int add_float(std::string_view name, double low, double high, double step = 0,
                  bool log = false)
    {
        char n[max_name];
        int rc = detail::name_copy(name, n);
        return detail::check(rc ? rc : otto_space_add_float(s_, n, low, high, step,
                                                            log ? OTTO_LOG : 0u));
    }
    int add_int(std::string_view name, std::int64_t low, std::int64_t high,
                std::int64_t step = 1, bool log = false)
    {
        char n[max_name];
        int rc = detail::name_copy(name, n);
        return detail::check(rc ? rc : otto_space_add_int(s_, n, low, high, step,
                                                          log ? OTTO_LOG : 0u));
    }
    int add_categorical(std::string_view name, std::initializer_list<const char *> choices)
    {
        char n[max_name];
        int rc = detail::name_copy(name, n);
        return detail::check(rc ? rc : otto_space_add_categorical(s_, n, choices.begin(),
                                                                  choices.size()));
    }
    otto_space *get() const { return s_; }

  private:
    otto_space *s_ = nullptr;
};

class study;

/* A trial: the handle a study's ask (or optimize) gives. An owning trial
 * not told when it goes out of scope is told FAIL, so no trial stays
 * RUNNING by accident.
 *
 * A trial keeps its study alive: it shares ownership of the C study with
 * the otto::study (detail::study_ref), so a trial that outlives its
 * otto::study (moved out of optimize's callable, kept past the study's
 * scope) is never a use after free. Its calls work on as before, and the C
 * study, with its storage connection, is destroyed when the otto::study
 * and the last of its trials are gone. That costs one atomic increment per
 * trial made and one decrement per trial ended, nothing per call; checking
 * a liveness flag on every call instead would cost an atomic load per call
 * and still race with a destroy on another thread. */
class trial {
  public:
    trial() = default;
    ~trial() { finish_as_failed(); }
    trial(trial &&o) noexcept
        : ref_(std::move(o.ref_)), t_(std::exchange(o.t_, nullptr)),
          owns_(std::exchange(o.owns_, false)), pruned_(o.pruned_)
    {
    }
    trial &operator=(trial &&o) noexcept
    {
        if (this != &o) {
            finish_as_failed();
            ref_ = std::move(o.ref_);
            t_ = std::exchange(o.t_, nullptr);
            owns_ = std::exchange(o.owns_, false);
            pruned_ = o.pruned_;
        }
        return *this;
    }
    trial(const trial &) = delete;
    trial &operator=(const trial &) = delete;

    std::int64_t number() const { return otto_trial_number(t_); }

    result<double> suggest_float(std::string_view name, double low, double high,
                                 double step = 0, bool log = false)
    {
        char n[max_name];
        double v = 0;
        int rc = detail::name_copy(name, n);
        if (!rc)
            rc = otto_trial_suggest_float(t_, n, low, high, step, log ? OTTO_LOG : 0u, &v);
        return rc ? detail::fail<double>(rc) : result<double>(v);
    }
    result<std::int64_t> suggest_int(std::string_view name, std::int64_t low,
                                     std::int64_t high, std::int64_t step = 1, bool log = false)
    {
        char n[max_name];
        std::int64_t v = 0;
        int rc = detail::name_copy(name, n);
        if (!rc)
            rc = otto_trial_suggest_int(t_, n, low, high, step, log ? OTTO_LOG : 0u, &v);
        return rc ? detail::fail<std::int64_t>(rc) : result<std::int64_t>(v);
    }
    /* The index of the chosen label. */
    result<std::size_t> suggest_categorical(std::string_view name,
                                            std::initializer_list<const char *> choices)
    {
        return suggest_categorical(name, choices.begin(), choices.size());
    }
    result<std::size_t> suggest_categorical(std::string_view name, const char *const *choices,
                                            std::size_t n_choices)
    {
        char n[max_name];
        std::size_t v = 0;
        int rc = detail::name_copy(name, n);
        if (!rc)
            rc = otto_trial_suggest_categorical(t_, n, choices, n_choices, &v);
        return rc ? detail::fail<std::size_t>(rc) : result<std::size_t>(v);
    }
    /* A param's value by name once suggested (declared spaces suggest all at ask). */
    result<double> param(std::string_view name) const
    {
        char n[max_name];
        double v = 0;
        int rc = detail::name_copy(name, n);
        if (!rc)
            rc = otto_trial_param_float(t_, n, &v);
        return rc ? detail::fail<double>(rc) : result<double>(v);
    }
    int report(std::int64_t step, double value)
    {
        return detail::check(otto_trial_report(t_, step, value));
    }
    result<bool> should_prune()
    {
        int out = 0;
        int rc = otto_trial_should_prune(t_, &out);
        return rc ? detail::fail<bool>(rc) : result<bool>(out != 0);
    }
    /* In study::optimize: end this trial as PRUNED when the callable returns. */
    void prune() { pruned_ = true; }
    int set_user_attr(std::string_view key, const char *value)
    {
        char k[max_name];
        int rc = detail::name_copy(key, k);
        return detail::check(rc ? rc : otto_trial_set_user_attr(t_, k, value));
    }
    otto_trial *get() const { return t_; }

  private:
    friend class study;
    trial(const detail::study_ref &s, otto_trial *t, bool owns) : ref_(s), t_(t), owns_(owns) {}
    void finish_as_failed() noexcept
    {
        if (owns_ && t_ && otto_trial_get_state(t_) == OTTO_TRIAL_RUNNING)
            (void)otto_study_tell(ref_.get(), t_, OTTO_TRIAL_FAIL, nullptr, 0);
        owns_ = false;
    }
    detail::study_ref ref_; /* keeps t_'s study alive */
    otto_trial *t_ = nullptr;
    bool owns_ = false;
    bool pruned_ = false;
};

/* Study options: the C struct, initialised. */
struct options : otto_study_options {
    options() { otto_study_options_init(static_cast<otto_study_options *>(this)); }
};

/* A study (owning handle, shared with the trials it hands out: the C study
 * is destroyed when the study and all its trials are gone). */
class study {
  public:
    study() = default;
    study(study &&o) noexcept : ref_(std::move(o.ref_)) {}
    study &operator=(study &&o) noexcept
    {
        std::swap(ref_, o.ref_);
        return *this;
    }
    study(const study &) = delete;
    study &operator=(const study &) = delete;

    /* A study from options (default: single objective, minimize, auto sampler). */
    static result<study> create(const options &o = options())
    {
        otto_study *s = nullptr;
        int rc = otto_study_create(&o, &s);
        study made;
        if (!rc && !made.ref_.adopt(s))
            rc = otto_set_error_message(OTTO_ENOMEM, "otto.hpp: out of memory");
        if (rc)
            return detail::fail<study>(rc);
        return result<study>(std::move(made));
    }

    result<trial> ask()
    {
        otto_trial *t = nullptr;
        int rc = otto_study_ask(ref_.get(), &t);
        return rc ? detail::fail<trial>(rc) : result<trial>(trial(ref_, t, true));
    }
    /* Ask with every param of the space suggested up front. */
    result<trial> ask(const space &sp)
    {
        otto_trial *t = nullptr;
        int rc = otto_study_ask_with(ref_.get(), sp.get(), &t);
        return rc ? detail::fail<trial>(rc) : result<trial>(trial(ref_, t, true));
    }
    int tell(trial &t, double value)
    {
        int rc = otto_study_tell(ref_.get(), t.t_, OTTO_TRIAL_COMPLETE, &value, 1);
        if (!rc)
            t.owns_ = false;
        return detail::check(rc);
    }
    int tell(trial &t, otto_trial_state state)
    {
        int rc = otto_study_tell(ref_.get(), t.t_, state, nullptr, 0);
        if (!rc)
            t.owns_ = false;
        return detail::check(rc);
    }

    /* Run f(otto::trial &) for n_trials trials on n_threads threads (f must
     * then be safe to call concurrently). f returns the trial's value: a
     * double for a study with one objective; for a study with several, one
     * value per objective as a std::array<double, N>, a std::vector<double>
     * or any contiguous range of numbers (std::data, std::size). A single
     * double for a study with several objectives, or an std::array of
     * another size, is OTTO_EINVAL before any trial runs; a range of the
     * wrong size at run time fails its trial, stops the loop and makes
     * optimize return OTTO_EINVAL. Call trial.prune() in f to end the trial
     * PRUNED; a NaN value marks it FAIL. With exceptions, one thrown by f
     * fails its trial, stops the loop and is rethrown here. */
    template <class F> int optimize(F &&f, std::int64_t n_trials, int n_threads = 1)
    {
        using R = std::decay_t<decltype(f(std::declval<trial &>()))>;
        static_assert(std::is_arithmetic_v<R> || detail::is_values<R>::value,
                      "otto::study::optimize: the callable must return a double, or one "
                      "value per objective (std::array<double, N>, std::vector<double>)");
        constexpr std::size_t fixed =
            std::is_arithmetic_v<R> ? 1 : detail::fixed_size<R>::value;
        std::size_t n_obj = otto_study_n_objectives(ref_.get());
        if (fixed && n_obj && n_obj != fixed)
            return detail::check(otto_set_error_message(
                OTTO_EINVAL,
                "otto.hpp: optimize: the objective returns %zu value%s but the study has %zu "
                "objectives (return a std::array<double, %zu> or std::vector<double>)",
                fixed, fixed == 1 ? "" : "s", n_obj, n_obj));
        otto_optimize_options o;
        otto_optimize_options_init(&o);
        o.n_trials = n_trials;
        o.n_threads = n_threads;
        call<std::remove_reference_t<F>, R> c;
        c.f = &f;
        c.s = ref_.get();
        c.ref = &ref_;
        int rc = otto_study_optimize(ref_.get(), &call<std::remove_reference_t<F>, R>::run, &c, &o);
#if !defined(OTTO_NO_EXCEPTIONS)
        if (c.thrown)
            std::rethrow_exception(c.thrown);
#endif
        if (std::size_t got = c.wrong_size.load())
            return detail::check(otto_set_error_message(
                OTTO_EINVAL,
                "otto.hpp: optimize: the objective returned %zu value%s for a study of %zu "
                "objectives",
                got - 1, got == 2 ? "" : "s", n_obj));
        return detail::check(rc);
    }
    void stop() { otto_study_stop(ref_.get()); }

    result<double> best_value() const
    {
        const otto_trial *t = nullptr;
        double v = 0;
        int rc = otto_study_best_trial(ref_.get(), &t);
        if (!rc)
            rc = otto_trial_value(t, &v);
        return rc ? detail::fail<double>(rc) : result<double>(v);
    }
    /* The best trial's float or int param by name. */
    result<double> best_param(std::string_view name) const
    {
        const otto_trial *t = nullptr;
        char n[max_name];
        double v = 0;
        int rc = detail::name_copy(name, n);
        if (!rc)
            rc = otto_study_best_trial(ref_.get(), &t);
        if (!rc)
            rc = otto_trial_param_float(t, n, &v);
        return rc ? detail::fail<double>(rc) : result<double>(v);
    }
    std::size_t trial_count() const { return otto_study_trial_count(ref_.get()); }
    otto_study *get() const { return ref_.get(); }

  private:
    template <class F, class R> struct call {
        F *f;
        otto_study *s;
        const detail::study_ref *ref;
        std::atomic<std::size_t> wrong_size{0}; /* 1 + the first wrong size returned */
#if !defined(OTTO_NO_EXCEPTIONS)
        std::atomic_flag claimed = ATOMIC_FLAG_INIT; /* the first throw wins */
        std::exception_ptr thrown;
#endif
        static otto_trial_state run(otto_trial *t, void *ud, double *out, std::size_t n)
        {
            auto *c = static_cast<call *>(ud);
            trial view(*c->ref, t, false); /* optimize tells it */
#if !defined(OTTO_NO_EXCEPTIONS)
            try {
#endif
                const R r = (*c->f)(view);
                if (view.pruned_)
                    return OTTO_TRIAL_PRUNED;
                bool nan = false;
                if constexpr (std::is_arithmetic_v<R>) {
                    out[0] = static_cast<double>(r); /* n == 1: checked before the loop */
                    nan = std::isnan(out[0]);
                } else {
                    std::size_t m = std::size(r);
                    if (m != n) {
                        std::size_t none = 0;
                        c->wrong_size.compare_exchange_strong(none, m + 1);
                        otto_study_stop(c->s);
                        return OTTO_TRIAL_FAIL;
                    }
                    auto *p = std::data(r);
                    for (std::size_t k = 0; k < n; k++) {
                        out[k] = static_cast<double>(p[k]);
                        nan = nan || std::isnan(out[k]);
                    }
                }
                return nan ? OTTO_TRIAL_FAIL : OTTO_TRIAL_COMPLETE;
#if !defined(OTTO_NO_EXCEPTIONS)
            } catch (...) { /* nothing may unwind through C */
                if (!c->claimed.test_and_set())
                    c->thrown = std::current_exception();
                otto_study_stop(c->s);
                return OTTO_TRIAL_FAIL;
            }
#endif
        }
    };

    detail::study_ref ref_; /* owns the C study, with the trials handed out */
};

} // namespace otto

#endif /* OTTO_OTTO_HPP */
