#!/usr/bin/env python3
"""Layer check: every #include "..." under lib/ points one way,
    platform <- common <- (linalg, numeric, storage) <- core <- (samplers, pruners,
    importance, insight) <- lib/*.c
with insight (the study's recommendation, comparison and stop signal) above
samplers, whose GP model it reuses,
with lib/platform the only code that knows the operating system (no _WIN32
test anywhere else under lib/ or include/, but for the export macro), no
POSIX math constants (M_PI) anywhere, core reaching storage only through its interface (storage/backend.h,
storage/record.h), samplers and pruners reaching the study only through
the public headers and the plug-in kit (otto/sys/*.h), and a sampler folder
never reaching into another's. Prints the folder graph; fails on any edge
against the order and on any cycle between folders.
    check_layers.py LIB_DIR"""
import re
import sys
from pathlib import Path

lib = Path(sys.argv[1])
ALLOWED = {  # folder -> folders it may include from (besides itself and <otto/...>)
    "platform": set(),
    "common": {"platform"},
    "linalg": {"common", "platform"},
    "numeric": {"common", "platform"},
    "storage": {"common", "platform"},
    "core": {"common", "platform", "storage"},
    "samplers": {"common", "platform", "linalg", "numeric"},
    "pruners": {"common", "platform"},
    "importance": {"common", "platform", "numeric"},
    "insight": {"common", "platform", "linalg", "numeric", "samplers"},
    ".": {"common", "platform", "linalg", "numeric", "storage", "core", "samplers", "pruners",
          "importance", "insight"},
}
# Operating-system tests: only lib/platform and the export macro may ask.
OS_MACRO = re.compile(r"\b(_WIN32|_WIN64|__MINGW32__|__MINGW64__|_MSC_VER|__CYGWIN__|"
                      r"__APPLE__|__linux__|__EMSCRIPTEN__|__unix__)\b")
OS_ALLOWED = {"lib/platform", "include/otto/export.h"}
# POSIX's math constants (M_PI, ...) are not C: lib/common/mathconst.h has otto's own.
POSIX_CONST = re.compile(r"\bM_(PI|PI_2|PI_4|1_PI|2_PI|2_SQRTPI|SQRT2|SQRT1_2|LN2|LN10|E|"
                         r"LOG2E|LOG10E)\b")
STORAGE_INTERFACE = {"storage/backend.h", "storage/record.h"}

def folder_of(rel):
    parts = rel.parts
    return parts[0] if len(parts) > 1 else "."

errors, edges = [], {}
for f in sorted(lib.rglob("*.[ch]")):
    rel = f.relative_to(lib)
    src = folder_of(rel)
    for m in re.finditer(r'^\s*#\s*include\s+"([^"]+)"', f.read_text(), re.M):
        inc = m.group(1)
        if inc.startswith("otto/"):  # the public headers: every layer may
            continue
        target = (f.parent / inc).resolve()
        if not target.exists():
            target = (lib / inc).resolve()
        if not target.exists():
            errors.append(f"{rel}: includes {inc}, which is not under lib/")
            continue
        trel = target.relative_to(lib.resolve())
        dst = folder_of(trel)
        if dst == src:
            if src == "samplers" and len(rel.parts) > 2 and rel.parts[1] != trel.parts[1]:
                errors.append(f"{rel}: reaches into another sampler's folder ({trel})")
            continue
        edges.setdefault(src, set()).add(dst)
        if dst not in ALLOWED.get(src, set()):
            errors.append(f"{rel}: includes {trel} ({src} -> {dst} is against the layers)")
        elif src == "core" and dst == "storage" and str(trel) not in STORAGE_INTERFACE:
            errors.append(f"{rel}: includes {trel}; core reaches storage only through "
                          f"{sorted(STORAGE_INTERFACE)}")

# the operating system is lib/platform's business alone
root = lib.resolve().parent
for f in sorted(list(lib.rglob("*.[ch]")) + list((root / "include").rglob("*.h*"))):
    rel = f.resolve().relative_to(root).as_posix()
    if any(rel == a or rel.startswith(a + "/") for a in OS_ALLOWED):
        continue
    for n, line in enumerate(f.read_text().splitlines(), 1):
        m = OS_MACRO.search(line)
        if m and re.match(r"\s*#", line):
            errors.append(f"{rel}:{n}: tests {m.group(1)}; only lib/platform may know the OS")
        m = POSIX_CONST.search(line)
        if m:
            errors.append(f"{rel}:{n}: {m.group(0)} is POSIX, not C; use OTTO_ from "
                          "common/mathconst.h")

# no cycle between folders
state = {}
def visit(n, path):
    state[n] = 1
    for m in sorted(edges.get(n, ())):
        if state.get(m) == 1:
            errors.append("cycle: " + " -> ".join(path + [m]))
        elif not state.get(m):
            visit(m, path + [m])
    state[n] = 2
for n in sorted(edges):
    if not state.get(n):
        visit(n, [n])

for src in sorted(edges):
    print(f"{src:9s} -> {', '.join(sorted(edges[src]))}")
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
