"""Thin ctypes layer over libotto: finds and loads the library, declares every
public C function (one row per function: argtypes, restype, whether the int
result is a status) and turns failing statuses into exceptions carrying the C
error message. Nothing here is Optuna-shaped; the modules above it are."""
import ctypes
import ctypes.util
import os

from . import exceptions

# ABI of the headers this binding was written against: before 1.0 every minor
# release may change the ABI, so major and minor must match.
ABI_MAJOR, ABI_MINOR = 0, 1

c_size_t = ctypes.c_size_t
c_int = ctypes.c_int
c_int64 = ctypes.c_int64
c_uint64 = ctypes.c_uint64
c_double = ctypes.c_double
c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p
P = ctypes.POINTER

OTTO_LOG = 1
SEED_NONE = 2**64 - 1
ECALLBACK = -9  # OTTO_ECALLBACK: what a callback returns when it failed
TPE_TIEBREAK_HSSP, TPE_TIEBREAK_CROWDING = 0, 1  # otto_tpe_options.pareto_tiebreak
TPE_GAMMA_ERROR = 2**(8 * ctypes.sizeof(ctypes.c_size_t)) - 1  # OTTO_TPE_GAMMA_ERROR
VALUE_NUMBER, VALUE_LABEL, VALUE_ANY = 1, 2, 3
DIST_FLOAT, DIST_INT, DIST_CATEGORICAL = 1, 2, 3

LOG_FN = ctypes.CFUNCTYPE(None, c_int, c_char_p, c_void_p)


class StudyOptions(ctypes.Structure):
    _fields_ = [
        ("size", c_size_t),
        ("direction", c_int),
        ("n_objectives", c_size_t),
        ("directions", P(c_int)),
        ("seed", c_uint64),
        ("sampler", c_void_p),
        ("pruner", c_void_p),
        ("name", c_char_p),
        ("log_fn", LOG_FN),
        ("log_user_data", c_void_p),
        ("log_level", c_int),
        ("allocator", c_void_p),
        ("storage", c_void_p),
        ("open_mode", c_int),
        ("prefetch", c_size_t),
        ("prefetch_thread", c_int),
        ("forget_window", c_size_t),
    ]


class StorageOptions(ctypes.Structure):
    _fields_ = [
        ("size", c_size_t),
        ("sync", c_int),
        ("sync_interval_s", c_double),
        ("heartbeat_interval_s", c_double),
        ("grace_period_s", c_double),
        ("retry_failed_trials", c_int),
        ("allocator", c_void_p),
        ("timeout_s", c_double),
        ("flags", ctypes.c_uint),
    ]


# otto_study_optimize's objective (trial, user_data, values_out, n_values) -> state
# and callback (study, trial, user_data) -> nonzero to stop.
OBJECTIVE_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, P(c_double), c_size_t)
CALLBACK_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_void_p)


class OptimizeOptions(ctypes.Structure):
    _fields_ = [
        ("size", c_size_t),
        ("n_trials", c_int64),
        ("timeout_s", c_double),
        ("n_threads", c_int),
        ("callback", CALLBACK_FN),
        ("callback_user_data", c_void_p),
    ]


class RandomOptions(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("seed", c_uint64), ("allocator", c_void_p)]


class Distribution(ctypes.Structure):
    _fields_ = [
        ("kind", c_int),
        ("flags", ctypes.c_uint),
        ("low", c_double),
        ("high", c_double),
        ("step", c_double),
        ("n_choices", c_size_t),
        ("choices", P(c_char_p)),
    ]


# The plug-in kit's vtables (otto/sys/sampler.h, otto/sys/pruner.h).
INFER_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_void_p, c_void_p)
RELATIVE_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_void_p, c_void_p, P(c_double))
INDEPENDENT_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_void_p, c_char_p, c_void_p,
                                  P(c_double))
AFTER_FN = ctypes.CFUNCTYPE(None, c_void_p, c_void_p, c_void_p, c_int, P(c_double), c_size_t)
DESTROY_FN = ctypes.CFUNCTYPE(None, c_void_p)
PRUNE_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_void_p, P(c_int))
FILTER_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_void_p)
EXHAUSTED_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, P(c_int))


class SamplerVtable(ctypes.Structure):
    _fields_ = [
        ("size", c_size_t),
        ("name", c_char_p),
        ("infer_relative_space", INFER_FN),
        ("sample_relative", RELATIVE_FN),
        ("sample_independent", INDEPENDENT_FN),
        ("after_trial", AFTER_FN),
        ("destroy", DESTROY_FN),
        ("is_exhausted", EXHAUSTED_FN),
    ]


class PrunerVtable(ctypes.Structure):
    _fields_ = [
        ("size", c_size_t),
        ("name", c_char_p),
        ("prune", PRUNE_FN),
        ("filter", FILTER_FN),
        ("destroy", DESTROY_FN),
    ]


GAMMA_FN = ctypes.CFUNCTYPE(c_size_t, c_size_t, c_void_p)
WEIGHTS_FN = ctypes.CFUNCTYPE(c_int, c_size_t, P(c_double), c_void_p)


class TpeOptions(ctypes.Structure):
    _fields_ = [
        ("size", c_size_t),
        ("seed", c_uint64),
        ("n_startup_trials", c_size_t),
        ("n_ei_candidates", c_size_t),
        ("multivariate", c_int),
        ("group", c_int),
        ("constant_liar", c_int),
        ("consider_prior", c_int),
        ("prior_weight", c_double),
        ("consider_magic_clip", c_int),
        ("consider_endpoints", c_int),
        ("warn_independent_sampling", c_int),
        ("gamma", GAMMA_FN),
        ("gamma_user_data", c_void_p),
        ("weights", WEIGHTS_FN),
        ("weights_user_data", c_void_p),
        ("n_history", c_size_t),
        ("unnormalized_kernels", c_int),
        ("scott_bandwidth", c_int),
        ("gamma_fraction", c_double),
        ("allocator", c_void_p),  # const otto_allocator *: NULL, the C library's
        ("pareto_tiebreak", c_int),
        ("hypervolume_weights", c_int),
    ]


class CmaEsOptions(ctypes.Structure):
    _fields_ = [
        ("size", c_size_t),
        ("seed", c_uint64),
        ("x0", c_void_p),  # const otto_param_value *
        ("n_x0", c_size_t),
        ("sigma0", c_double),
        ("popsize", c_size_t),
        ("restart_strategy", c_int),
        ("inc_popsize", c_double),
        ("separable", c_int),
        ("with_margin", c_int),
        ("independent_sampler", c_int),
        ("warn_independent_sampling", c_int),
        ("source_trials", c_void_p),  # const otto_trial *const *
        ("n_source_trials", c_size_t),
        ("allocator", c_void_p),
    ]


class Nsga2Options(ctypes.Structure):
    _fields_ = [
        ("size", c_size_t),
        ("seed", c_uint64),
        ("population_size", c_size_t),
        ("mutation_prob", c_double),
        ("crossover", c_int),
        ("crossover_prob", c_double),
        ("swapping_prob", c_double),
        ("blx_alpha", c_double),
        ("sbx_eta", c_double),
        ("sbx_uniform_crossover_prob", c_double),
        ("sbx_use_child_gene_prob", c_double),
        ("undx_sigma_xi", c_double),
        ("undx_sigma_eta", c_double),
        ("spx_epsilon", c_double),
        ("allocator", c_void_p),
    ]


class Nsga3Options(ctypes.Structure):
    _fields_ = [
        ("size", c_size_t),
        ("base", Nsga2Options),
        ("reference_points", c_void_p),  # const double *
        ("n_reference_points", c_size_t),
        ("reference_dim", c_size_t),
        ("dividing_parameter", c_size_t),
    ]


class GpOptions(ctypes.Structure):
    _fields_ = [
        ("size", c_size_t),
        ("seed", c_uint64),
        ("n_startup_trials", c_size_t),
        ("deterministic_objective", c_int),
        ("n_candidates", c_size_t),
        ("n_local_search", c_size_t),
        ("max_fit_evals", c_size_t),
        ("dim_scaled_prior", c_int),
        ("use_running_trials", c_int),
        ("warn_independent_sampling", c_int),
        ("allocator", c_void_p),
        ("noisy", c_int),
        ("multi_objective", c_int),
        ("small_ints_as_categories", c_int),
        ("local_steps", c_int),
        ("output_warping", c_int),
    ]


class AutoOptions(ctypes.Structure):
    _fields_ = [
        ("size", c_size_t),
        ("seed", c_uint64),
        ("n_trials", c_size_t),
        ("gp_trials", c_size_t),
        ("allocator", c_void_p),
        ("noisy", c_int),
    ]


class PercentileOptions(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("percentile", c_double), ("n_startup_trials", c_int64),
                ("n_warmup_steps", c_int64), ("interval_steps", c_int64),
                ("n_min_trials", c_int64), ("allocator", c_void_p)]


class SuccessiveHalvingOptions(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("min_resource", c_int64), ("reduction_factor", c_int64),
                ("min_early_stopping_rate", c_int64), ("bootstrap_count", c_int64),
                ("allocator", c_void_p)]


class HyperbandOptions(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("min_resource", c_int64), ("max_resource", c_int64),
                ("reduction_factor", c_int64), ("bootstrap_count", c_int64), ("allocator", c_void_p)]


class ThresholdOptions(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("lower", c_double), ("upper", c_double),
                ("n_warmup_steps", c_int64), ("interval_steps", c_int64), ("allocator", c_void_p)]


class WilcoxonOptions(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("p_threshold", c_double), ("n_startup_steps", c_int64),
                ("allocator", c_void_p)]


class TrialExtras(ctypes.Structure):
    _fields_ = [("size", c_size_t),
                ("n_reports", c_size_t), ("steps", ctypes.POINTER(c_int64)),
                ("report_values", ctypes.POINTER(c_double)),
                ("n_user_attrs", c_size_t), ("user_keys", ctypes.POINTER(c_char_p)),
                ("user_values", ctypes.POINTER(c_char_p)),
                ("n_system_attrs", c_size_t), ("system_keys", ctypes.POINTER(c_char_p)),
                ("system_values", ctypes.POINTER(c_char_p)),
                ("n_constraints", c_size_t), ("constraints", ctypes.POINTER(c_double)),
                ("datetime_start", c_double), ("datetime_complete", c_double)]


class QmcOptions(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("seed", c_uint64), ("sequence", c_int),
                ("scramble", c_int), ("warn_independent_sampling", c_int), ("allocator", c_void_p)]


class BruteForceOptions(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("seed", c_uint64), ("avoid_premature_stop", c_int),
                ("allocator", c_void_p)]


class ParamValue(ctypes.Structure):
    _fields_ = [("name", c_char_p), ("kind", c_int), ("number", c_double), ("label", c_char_p)]


class WaitingTrial(ctypes.Structure):
    _fields_ = [("n_params", c_size_t), ("params", ctypes.POINTER(ParamValue)),
                ("n_user_attrs", c_size_t), ("user_keys", ctypes.POINTER(c_char_p)),
                ("user_values", ctypes.POINTER(c_char_p))]


class GridAxis(ctypes.Structure):
    _fields_ = [("name", c_char_p), ("n_values", c_size_t), ("values", ctypes.POINTER(ParamValue))]


class GridOptions(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("seed", ctypes.c_uint64), ("n_axes", c_size_t),
                ("axes", ctypes.POINTER(GridAxis)), ("allocator", c_void_p)]


TARGET_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, P(c_double))


class ImportanceOptions(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("evaluator", c_int), ("seed", c_uint64),
                ("params", P(c_char_p)), ("n_params", c_size_t), ("target", TARGET_FN),
                ("target_user_data", c_void_p), ("normalize", c_int), ("n_trees", c_size_t),
                ("max_depth", c_size_t), ("target_quantile", c_double),
                ("region_quantile", c_double), ("evaluate_on_local", c_int)]


class ParamImportance(ctypes.Structure):
    _fields_ = [("name", c_char_p), ("importance", c_double)]


class RecommendOptions(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("model", c_int), ("min_trials", c_size_t),
                ("max_fit_evals", c_size_t)]


class StopOptions(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("min_trials", c_size_t), ("top_trials_ratio", c_double),
                ("error", c_double), ("n_candidates", c_size_t), ("seed", c_uint64),
                ("max_fit_evals", c_size_t), ("bound", c_int)]


# Opaque handles travel as void pointers.
study_p = trial_p = space_p = sampler_p = pruner_p = view_p = rng_p = c_void_p

# (name, argtypes, restype); restype "status" means an int status checked here.
S = "status"
_FUNCTIONS = [
    # status.h / version.h
    ("otto_strerror", [c_int], c_char_p),
    ("otto_status_name", [c_int], c_char_p),
    ("otto_last_error_message", [], c_char_p),
    ("otto_version", [], c_int),
    ("otto_version_string", [], c_char_p),
    ("otto_set_error_message", [c_int, c_char_p], c_int),
    # space.h
    ("otto_distribution_contains", [P(Distribution), c_double], c_int),
    ("otto_distribution_to_unit", [P(Distribution), c_double], c_double),
    ("otto_distribution_from_unit", [P(Distribution), c_double], c_double),
    ("otto_space_create", [P(space_p)], S),
    ("otto_space_destroy", [space_p], None),
    ("otto_space_add_float", [space_p, c_char_p, c_double, c_double, c_double, ctypes.c_uint], S),
    ("otto_space_add_int", [space_p, c_char_p, c_int64, c_int64, c_int64, ctypes.c_uint], S),
    ("otto_space_add_categorical", [space_p, c_char_p, P(c_char_p), c_size_t], S),
    ("otto_space_size", [space_p], c_size_t),
    ("otto_space_param", [space_p, c_size_t, P(c_char_p), P(Distribution)], S),
    ("otto_space_find", [space_p, c_char_p, P(c_size_t)], S),
    # trial.h
    ("otto_trial_state_name", [c_int], c_char_p),
    ("otto_trial_suggest_float",
     [trial_p, c_char_p, c_double, c_double, c_double, ctypes.c_uint, P(c_double)], S),
    ("otto_trial_suggest_int",
     [trial_p, c_char_p, c_int64, c_int64, c_int64, ctypes.c_uint, P(c_int64)], S),
    ("otto_trial_suggest_categorical",
     [trial_p, c_char_p, P(c_char_p), c_size_t, P(c_size_t)], S),
    ("otto_trial_report", [trial_p, c_int64, c_double], S),
    ("otto_trial_should_prune", [trial_p, P(c_int)], S),
    ("otto_trial_set_user_attr", [trial_p, c_char_p, c_char_p], S),
    ("otto_trial_set_system_attr", [trial_p, c_char_p, c_char_p], S),
    ("otto_trial_set_constraints", [trial_p, P(c_double), c_size_t], S),
    ("otto_trial_set_constraint", [trial_p, c_char_p, c_double], S),
    ("otto_trial_number", [trial_p], c_int64),
    ("otto_trial_get_state", [trial_p], c_int),
    ("otto_trial_value", [trial_p, P(c_double)], S),
    ("otto_trial_values", [trial_p, P(c_double), c_size_t, P(c_size_t)], S),
    ("otto_trial_param_float", [trial_p, c_char_p, P(c_double)], S),
    ("otto_trial_param_int", [trial_p, c_char_p, P(c_int64)], S),
    ("otto_trial_param_index", [trial_p, c_char_p, P(c_size_t)], S),
    ("otto_trial_param_label", [trial_p, c_char_p, P(c_char_p)], S),
    ("otto_trial_param_count", [trial_p], c_size_t),
    ("otto_trial_param_at", [trial_p, c_size_t, P(c_char_p), P(Distribution), P(c_double)], S),
    ("otto_trial_intermediate_count", [trial_p], c_size_t),
    ("otto_trial_intermediate_at", [trial_p, c_size_t, P(c_int64), P(c_double)], S),
    ("otto_trial_intermediate_value", [trial_p, c_int64, P(c_double)], S),
    ("otto_trial_user_attr", [trial_p, c_char_p, P(c_char_p)], S),
    ("otto_trial_user_attr_count", [trial_p], c_size_t),
    ("otto_trial_user_attr_at", [trial_p, c_size_t, P(c_char_p), P(c_char_p)], S),
    ("otto_trial_system_attr", [trial_p, c_char_p, P(c_char_p)], S),
    ("otto_trial_system_attr_count", [trial_p], c_size_t),
    ("otto_trial_system_attr_at", [trial_p, c_size_t, P(c_char_p), P(c_char_p)], S),
    ("otto_trial_constraints", [trial_p, P(c_double), c_size_t, P(c_size_t)], S),
    ("otto_trial_constraint_name", [trial_p, c_size_t, P(c_char_p)], S),
    ("otto_trial_datetime_start", [trial_p, P(c_double)], S),
    ("otto_trial_datetime_complete", [trial_p, P(c_double)], S),
    ("otto_trial_rng", [trial_p], rng_p),
    # sampler.h
    ("otto_view_count", [view_p], c_size_t),
    ("otto_view_trial", [view_p, c_size_t], trial_p),
    ("otto_view_n_objectives", [view_p], c_size_t),
    ("otto_view_maximize", [view_p, c_size_t], c_int),
    ("otto_view_running", [view_p, P(P(trial_p)), P(c_size_t)], S),
    ("otto_rng_uniform", [rng_p], c_double),
    ("otto_rng_normal", [rng_p], c_double),
    ("otto_rng_below", [rng_p, c_uint64], c_uint64),
    ("otto_rng_next", [rng_p], c_uint64),
    ("otto_sampler_create", [c_void_p, c_void_p, c_uint64, P(sampler_p)], S),
    ("otto_sampler_destroy", [sampler_p], None),
    ("otto_sampler_name", [sampler_p], c_char_p),
    ("otto_random_options_init_sized", [P(RandomOptions), c_size_t], None),
    ("otto_sampler_random_create", [P(RandomOptions), P(sampler_p)], S),
    # tpe.h
    ("otto_tpe_options_init_sized", [P(TpeOptions), c_size_t], None),
    ("otto_sampler_tpe_create", [P(TpeOptions), P(sampler_p)], S),
    ("otto_tpe_default_gamma", [c_size_t, c_void_p], c_size_t),
    ("otto_tpe_default_weights", [c_size_t, P(c_double), c_void_p], c_int),
    # cmaes.h
    ("otto_cmaes_options_init_sized", [P(CmaEsOptions), c_size_t], None),
    ("otto_sampler_cmaes_create", [P(CmaEsOptions), P(sampler_p)], S),
    # nsga.h
    ("otto_nsga2_options_init_sized", [P(Nsga2Options), c_size_t], None),
    ("otto_sampler_nsga2_create", [P(Nsga2Options), P(sampler_p)], S),
    ("otto_nsga3_options_init_sized", [P(Nsga3Options), c_size_t], None),
    ("otto_sampler_nsga3_create", [P(Nsga3Options), P(sampler_p)], S),
    # gp.h
    ("otto_gp_options_init_sized", [P(GpOptions), c_size_t], None),
    ("otto_sampler_gp_create", [P(GpOptions), P(sampler_p)], S),
    ("otto_auto_options_init_sized", [P(AutoOptions), c_size_t], None),
    ("otto_sampler_auto_create", [P(AutoOptions), P(sampler_p)], S),
    # pruner.h
    ("otto_pruner_create", [c_void_p, c_void_p, P(pruner_p)], S),
    ("otto_pruner_prune", [pruner_p, c_void_p, c_void_p, P(c_int)], S),
    ("otto_pruner_filter", [pruner_p, c_void_p, c_void_p], c_int),
    ("otto_sampler_infer_relative_space", [sampler_p, c_void_p, c_void_p, space_p], S),
    ("otto_sampler_sample_relative", [sampler_p, c_void_p, c_void_p, space_p, P(c_double)], S),
    ("otto_sampler_sample_independent",
     [sampler_p, c_void_p, c_void_p, c_char_p, P(Distribution), P(c_double)], S),
    ("otto_sampler_after_trial", [sampler_p, c_void_p, c_void_p, c_int, P(c_double), c_size_t],
     None),
    ("otto_sampler_is_exhausted", [sampler_p, c_void_p, P(c_int)], S),
    ("otto_pruner_destroy", [pruner_p], None),
    ("otto_pruner_name", [pruner_p], c_char_p),
    ("otto_pruner_nop_create", [P(pruner_p)], S),
    ("otto_percentile_options_init_sized", [P(PercentileOptions), c_size_t], None),
    ("otto_pruner_percentile_create", [P(PercentileOptions), P(pruner_p)], S),
    ("otto_pruner_median_create", [P(PercentileOptions), P(pruner_p)], S),
    ("otto_successive_halving_options_init_sized", [P(SuccessiveHalvingOptions), c_size_t],
     None),
    ("otto_pruner_successive_halving_create", [P(SuccessiveHalvingOptions), P(pruner_p)], S),
    ("otto_hyperband_options_init_sized", [P(HyperbandOptions), c_size_t], None),
    ("otto_pruner_hyperband_create", [P(HyperbandOptions), P(pruner_p)], S),
    ("otto_threshold_options_init_sized", [P(ThresholdOptions), c_size_t], None),
    ("otto_pruner_threshold_create", [P(ThresholdOptions), P(pruner_p)], S),
    ("otto_wilcoxon_options_init_sized", [P(WilcoxonOptions), c_size_t], None),
    ("otto_pruner_wilcoxon_create", [P(WilcoxonOptions), P(pruner_p)], S),
    ("otto_pruner_patient_create", [pruner_p, c_int64, c_double, P(pruner_p)], S),
    # study.h
    ("otto_study_options_init_sized", [P(StudyOptions), c_size_t], None),
    ("otto_study_sync", [study_p], S),
    ("otto_study_work", [study_p, P(c_int)], S),
    ("otto_study_prefetch_ready", [study_p], c_size_t),
    ("otto_study_set_sampler", [study_p, sampler_p], S),
    ("otto_trial_extras_init_sized", [P(TrialExtras), c_size_t], None),
    ("otto_study_enqueue_trial_with", [study_p, P(ParamValue), c_size_t, P(TrialExtras)], S),
    ("otto_study_waiting", [study_p, P(P(WaitingTrial)), P(c_size_t)], S),
    ("otto_study_waiting_free", [study_p, P(WaitingTrial), c_size_t], None),
    ("otto_study_add_trial_with", [study_p, space_p, P(c_double), c_int, P(c_double), c_size_t,
                                   P(TrialExtras), P(c_int64)], S),
    ("otto_study_set_user_attr", [study_p, c_char_p, c_char_p], S),
    ("otto_study_user_attr_count", [study_p], c_size_t),
    ("otto_study_user_attr_at", [study_p, c_size_t, P(c_char_p), P(c_char_p)], S),
    # storage.h
    ("otto_storage_options_init_sized", [P(StorageOptions), c_size_t], None),
    ("otto_storage_journal_open", [c_char_p, P(StorageOptions), P(c_void_p)], S),
    ("otto_storage_postgres_open", [c_char_p, P(StorageOptions), P(c_void_p)], S),
    ("otto_storage_sqlite_open", [c_char_p, P(StorageOptions), P(c_void_p)], S),
    # qmc.h, brute_force.h
    ("otto_qmc_options_init_sized", [P(QmcOptions), c_size_t], None),
    ("otto_sampler_qmc_create", [P(QmcOptions), P(sampler_p)], S),
    ("otto_brute_force_options_init_sized", [P(BruteForceOptions), c_size_t], None),
    ("otto_sampler_brute_force_create", [P(BruteForceOptions), P(sampler_p)], S),
    # grid.h
    ("otto_grid_options_init_sized", [P(GridOptions), c_size_t], None),
    ("otto_sampler_grid_create", [P(GridOptions), P(sampler_p)], S),
    ("otto_grid_size", [P(GridOptions), P(ctypes.c_uint64)], S),
    # hypervolume.h
    ("otto_hypervolume", [P(c_double), c_size_t, c_size_t, P(c_double), P(c_double)], S),
    ("otto_storage_close", [c_void_p], None),
    ("otto_storage_study_names", [c_void_p, P(c_char_p), c_size_t, P(c_size_t)], S),
    ("otto_storage_delete_study", [c_void_p, c_char_p], S),
    ("otto_study_create", [P(StudyOptions), P(study_p)], S),
    ("otto_study_destroy", [study_p], None),
    ("otto_study_ask", [study_p, P(trial_p)], S),
    ("otto_study_ask_with", [study_p, space_p, P(trial_p)], S),
    ("otto_study_tell", [study_p, trial_p, c_int, P(c_double), c_size_t], S),
    ("otto_study_enqueue_trial", [study_p, P(ParamValue), c_size_t], S),
    ("otto_study_add_trial",
     [study_p, space_p, P(c_double), c_int, P(c_double), c_size_t, P(c_int64)], S),
    ("otto_study_trial_count", [study_p], c_size_t),
    ("otto_study_trial", [study_p, c_int64, P(trial_p)], S),
    ("otto_study_best_trial", [study_p, P(trial_p)], S),
    ("otto_study_best_trials", [study_p, P(trial_p), c_size_t, P(c_size_t)], S),
    ("otto_study_n_objectives", [study_p], c_size_t),
    ("otto_study_direction", [study_p, c_size_t], c_int),
    ("otto_study_name", [study_p], c_char_p),
    ("otto_optimize_options_init_sized", [P(OptimizeOptions), c_size_t], None),
    ("otto_study_optimize", [study_p, OBJECTIVE_FN, c_void_p, P(OptimizeOptions)], S),
    ("otto_study_stop", [study_p], None),
    ("otto_study_exhausted", [study_p, P(c_int)], S),
    # importance.h
    ("otto_importance_options_init_sized", [P(ImportanceOptions), c_size_t], None),
    ("otto_study_param_importances",
     [study_p, P(ImportanceOptions), P(P(ParamImportance)), P(c_size_t)], S),
    ("otto_param_importances_free", [P(ParamImportance)], None),
    # insight.h
    ("otto_recommend_options_init_sized", [P(RecommendOptions), c_size_t], None),
    ("otto_study_recommend",
     [study_p, P(RecommendOptions), P(trial_p), P(c_double), P(c_double)], S),
    ("otto_study_compare", [study_p, trial_p, trial_p, P(c_double)], S),
    ("otto_study_compare_with", [study_p, P(RecommendOptions), trial_p, trial_p, P(c_double)], S),
    ("otto_stop_options_init_sized", [P(StopOptions), c_size_t], None),
    ("otto_study_should_stop", [study_p, P(c_double), P(c_int)], S),
    ("otto_study_should_stop_with",
     [study_p, P(StopOptions), P(c_double), P(c_double), P(c_int)], S),
    ("otto_should_stop_callback", [study_p, trial_p, c_void_p], c_int),
    ("otto_study_hypervolume_history",
     [study_p, P(c_double), c_size_t, P(c_int64), P(c_double), c_size_t, P(c_size_t)], S),
    ("otto_study_default_reference", [study_p, P(c_double), c_size_t], S),
]


def _candidates():
    env = os.environ.get("OTTO_LIB")
    if env:
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    local = [os.path.join(here, n) for n in sorted(os.listdir(here)) if n.startswith("libotto.so")]
    found = ctypes.util.find_library("otto")
    return local + ([found] if found else [])


def _load():
    errors = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            errors.append(f"{path}: {e}")
    raise ImportError("otto: cannot load libotto (set OTTO_LIB to its path, or install it): "
                      + ("; ".join(errors) or "not found"))


lib = _load()


def _status_checker(name):
    def check(result, func, args):
        if result != 0:
            message = lib.otto_last_error_message().decode("utf-8", "replace")
            raise exceptions.from_status(result, name, message)
        return result
    return check


for _name, _argtypes, _restype in _FUNCTIONS:
    _f = getattr(lib, _name)
    _f.argtypes = _argtypes
    if _restype == S:
        _f.restype = c_int
        _f.errcheck = _status_checker(_name)
    else:
        _f.restype = _restype
    globals()[_name[len("otto_"):]] = _f

_version = lib.otto_version()
if (_version // 10000, _version // 100 % 100) != (ABI_MAJOR, ABI_MINOR):
    raise ImportError(f"otto: libotto {lib.otto_version_string().decode()} does not match this "
                      f"binding (needs {ABI_MAJOR}.{ABI_MINOR}.x)")
version_string = lib.otto_version_string().decode()


def raw(name, argtypes, restype=c_int):
    """A second ctypes object for a C function, without the status check,
    for hot paths that test the returned status themselves."""
    f = lib[name]
    f.argtypes, f.restype = argtypes, restype
    return f


def raise_status(rc, name):
    """The exception for a failing status rc of C function `name`."""
    message = lib.otto_last_error_message().decode("utf-8", "replace")
    return exceptions.from_status(rc, name, message)


def encode(name):
    """A Python str as a C string (UTF-8); NUL characters cannot cross."""
    if not isinstance(name, str):
        raise TypeError(f"otto takes names, keys and labels as str, not "
                        f"{type(name).__name__} ({name!r})")
    b = name.encode("utf-8")
    if b"\0" in b:
        raise ValueError(f"{name!r}: strings passed to otto cannot contain NUL characters")
    return b


INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


def int64(value, what):
    """value as a C int64_t; ctypes would wrap a larger int without a word."""
    v = int(value)
    if not INT64_MIN <= v <= INT64_MAX:
        raise OverflowError(f"{what} = {value!r} does not fit otto's 64-bit integers")
    return v
