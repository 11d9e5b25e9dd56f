#!/usr/bin/env python3
"""ABI check: every ctypes structure the Python binding passes to libotto
has the C struct's size and each field's offset and size. The C side is
measured by compiling a small program against the public headers.
    check_layouts.py INCLUDE_DIR BUILD_INCLUDE_DIR   (OTTO_LIB, PYTHONPATH set)"""
import ctypes
import os
import subprocess
import sys
import tempfile

from otto import _capi

C_TYPES = {  # ctypes class in otto._capi -> C type in <otto/otto.h>
    "StudyOptions": "otto_study_options",
    "StorageOptions": "otto_storage_options",
    "OptimizeOptions": "otto_optimize_options",
    "RandomOptions": "otto_random_options",
    "Distribution": "otto_distribution",
    "TpeOptions": "otto_tpe_options",
    "CmaEsOptions": "otto_cmaes_options",
    "Nsga2Options": "otto_nsga2_options",
    "Nsga3Options": "otto_nsga3_options",
    "GpOptions": "otto_gp_options",
    "AutoOptions": "otto_auto_options",
    "PercentileOptions": "otto_percentile_options",
    "SuccessiveHalvingOptions": "otto_successive_halving_options",
    "HyperbandOptions": "otto_hyperband_options",
    "ThresholdOptions": "otto_threshold_options",
    "WilcoxonOptions": "otto_wilcoxon_options",
    "ParamValue": "otto_param_value",
    "TrialExtras": "otto_trial_extras",
    "WaitingTrial": "otto_waiting_trial",
    "GridAxis": "otto_grid_axis",
    "QmcOptions": "otto_qmc_options",
    "BruteForceOptions": "otto_brute_force_options",
    "GridOptions": "otto_grid_options",
    "SamplerVtable": "otto_sampler_vtable",
    "PrunerVtable": "otto_pruner_vtable",
    "ImportanceOptions": "otto_importance_options",
    "ParamImportance": "otto_param_importance",
    "RecommendOptions": "otto_recommend_options",
    "StopOptions": "otto_stop_options",
}

structs = {name: cls for name, cls in vars(_capi).items()
           if isinstance(cls, type) and issubclass(cls, ctypes.Structure) and cls is not
           ctypes.Structure}
errors = [f"ctypes structure {name} has no C type in check_layouts.py"
          for name in sorted(set(structs) - set(C_TYPES))]

lines = ["#include <stddef.h>", "#include <stdio.h>", "#include <otto/otto.h>",
         "int main(void) {"]
for name, ctype in C_TYPES.items():
    lines.append(f'printf("{name} - %zu %zu\\n", sizeof({ctype}), (size_t)0);')
    for field, _ in structs[name]._fields_:
        lines.append(f'printf("{name} {field} %zu %zu\\n", offsetof({ctype}, {field}), '
                     f'sizeof((({ctype} *)0)->{field}));')
lines += ["return 0;", "}"]

with tempfile.TemporaryDirectory() as d:
    src, exe = os.path.join(d, "layouts.c"), os.path.join(d, "layouts")
    with open(src, "w") as f:
        f.write("\n".join(lines))
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-I", sys.argv[1], "-I", sys.argv[2], "-o", exe, src], check=True)
    out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout

for line in out.splitlines():
    name, field, a, b = line.split()
    cls = structs[name]
    if field == "-":
        if ctypes.sizeof(cls) != int(a):
            errors.append(f"{name}: ctypes size {ctypes.sizeof(cls)}, C size {a} "
                          f"(a field missing or extra in the binding?)")
        continue
    desc = getattr(cls, field)
    if (desc.offset, desc.size) != (int(a), int(b)):
        errors.append(f"{name}.{field}: ctypes offset {desc.offset} size {desc.size}, "
                      f"C offset {a} size {b}")
for e in errors:
    print(e)
print(f"{len(C_TYPES)} structures compared")
sys.exit(1 if errors else 0)
