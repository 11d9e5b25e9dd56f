"""BBOB's 24 noiseless functions (COCO's "bbob" suite) at 2, 5, 10 and 20
dimensions, instances 1 to 3, through a shared library built from COCO's
generated C code and loaded with ctypes. Each variable is a suggest_float in
[-5, 5] (COCO's region of interest); f* is the instance's optimum.

The library is not in otto's repository. Build it with
    git clone https://github.com/numbbo/coco-experiment /work/peers/coco-experiment
    cd /work/peers/coco-experiment
    touch src/bbob2009_testcases.txt src/bbob2009_testcases2.txt
    python3 scripts/fabricate       # writes build/c/coco.c (needs python3-toml
                                    # only for the bundles after it)
    cc -O2 -fPIC -shared build/c/coco.c -o /work/peers/coco-lib/libcoco.so -lm
or set OTTO_COCO_LIB to the library; without it these problems are left out
of the registry."""
import ctypes
import os

LIB = os.environ.get("OTTO_COCO_LIB", "/work/peers/coco-lib/libcoco.so")
FUNCTIONS = range(1, 25)
DIMS = (2, 5, 10, 20)
INSTANCES = (1, 2, 3)
NAMES = ["sphere", "ellipsoid-sep", "rastrigin-sep", "buche-rastrigin", "linear-slope",
         "attractive-sector", "step-ellipsoid", "rosenbrock", "rosenbrock-rot",
         "ellipsoid", "discus", "bent-cigar", "sharp-ridge", "different-powers",
         "rastrigin", "weierstrass", "schaffers-f7", "schaffers-f7-ill", "griewank-rosenbrock",
         "schwefel", "gallagher-101", "gallagher-21", "katsuura", "lunacek"]

_lib = None
_suite = None
_problems = {}


def _load():
    global _lib, _suite
    if _lib is None:
        lib = ctypes.CDLL(LIB)
        lib.coco_set_log_level.argtypes = [ctypes.c_char_p]
        lib.coco_set_log_level(b"error")
        lib.coco_suite.restype = ctypes.c_void_p
        lib.coco_suite.argtypes = [ctypes.c_char_p] * 3
        lib.coco_suite_get_problem_by_function_dimension_instance.restype = ctypes.c_void_p
        lib.coco_suite_get_problem_by_function_dimension_instance.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_size_t]
        lib.coco_evaluate_function.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_double),
                                               ctypes.POINTER(ctypes.c_double)]
        lib.coco_problem_get_best_value.restype = ctypes.c_double
        lib.coco_problem_get_best_value.argtypes = [ctypes.c_void_p]
        _suite = lib.coco_suite(b"bbob", b"", b"dimensions: 2,5,10,20")
        _lib = lib
    return _lib


def _problem(fid, dim, inst):
    k = (fid, dim, inst)
    if k not in _problems:
        lib = _load()
        p = lib.coco_suite_get_problem_by_function_dimension_instance(_suite, fid, dim, inst)
        if not p:
            raise ValueError(f"COCO has no bbob f{fid} {dim}-D instance {inst}")
        _problems[k] = p
    return _problems[k]


def evaluate(fid, dim, inst, x):
    xs = (ctypes.c_double * dim)(*x)
    y = ctypes.c_double()
    _load().coco_evaluate_function(_problem(fid, dim, inst), xs, ctypes.byref(y))
    return y.value


def optimum(fid, dim, inst):
    return _load().coco_problem_get_best_value(_problem(fid, dim, inst))


def make_objective(fid, dim, inst):
    def objective(trial):
        return evaluate(fid, dim, inst,
                        [trial.suggest_float(f"x{i}", -5.0, 5.0) for i in range(dim)])
    return objective


def available():
    return os.path.exists(LIB)


def problems():
    from .problem import Problem
    if not available():
        return []
    return [Problem(f"bbob-f{fid:02d}-{NAMES[fid - 1]}-{dim}d-i{inst}", "bbob",
                    make_objective(fid, dim, inst),
                    f_star=lambda f=fid, d=dim, i=inst: optimum(f, d, i), tags=(f"{dim}d",))
            for fid in FUNCTIONS for dim in DIMS for inst in INSTANCES]
