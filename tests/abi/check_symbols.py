#!/usr/bin/env python3
"""Layer check at the symbol level (as mesa-drm's symbols-check and
xkbcommon's symbols-leak-test look at what a library really links): reads
`nm` of every object in libotto.a and fails on any call that goes against
the layers, which an include check cannot see (an inline function in a
header, a declaration written by hand, a link chain):
    platform <- common <- (linalg, numeric, storage) <- core
             <- (samplers, pruners, importance) <- insight <- lib/*.c
Plug-in layers (samplers, pruners, importance, insight) reach core only through
its public otto_ functions (the API and the plug-in kit), never otto__.
    check_symbols.py LIBOTTO_A"""
import subprocess
import sys
from collections import defaultdict

LAYERS = ["platform", "common", "linalg", "numeric", "storage", "core",
          "samplers", "pruners", "importance", "insight", "."]
ALLOWED = {  # folder -> folders whose symbols it may use (besides its own)
    "platform": set(),
    "common": {"platform"},
    "linalg": {"platform", "common"},
    "numeric": {"platform", "common"},
    "storage": {"platform", "common"},
    "core": {"platform", "common", "storage"},
    "samplers": {"platform", "common", "linalg", "numeric"},
    "pruners": {"platform", "common", "numeric"},
    "importance": {"platform", "common", "numeric"},
    "insight": {"platform", "common", "linalg", "numeric", "samplers"},
    ".": set(LAYERS),
}
PUBLIC_FROM_CORE = {"samplers", "pruners", "importance", "insight"}  # public otto_ calls into core

def folder_of(member):
    parts = member.split("_")  # lib_<folder>_<file>.c.o, or lib_<file>.c.o at the top
    return parts[1] if len(parts) > 2 and parts[1] in ALLOWED else "."

out = subprocess.run(["nm", "-A", sys.argv[1]], check=True, capture_output=True,
                     text=True).stdout
defined, used = {}, defaultdict(set)
for line in out.splitlines():
    fields = line.split()
    where, kind, name = fields[0], fields[-2], fields[-1]
    member = where.split(":")[-2]
    folder = folder_of(member)
    if kind == "U":
        used[folder].add((name, member))
    elif kind.isupper():  # a global definition
        defined[name] = folder

errors, edges = [], defaultdict(set)
for src, refs in used.items():
    for name, member in sorted(refs):
        dst = defined.get(name)
        if dst is None or dst == src:
            continue  # libc, BLAS or another library; or the folder itself
        edges[src].add(dst)
        if dst in ALLOWED[src]:
            continue
        if dst == "core" and src in PUBLIC_FROM_CORE and not name.startswith("otto__"):
            continue
        errors.append(f"{member} ({src}) uses {name}, defined in {dst}: against the layers")
for src in sorted(edges):
    print(f"{src:10s} -> {', '.join(sorted(edges[src]))}")
for e in errors:
    print(e)
print(f"{len(defined)} global symbols in {len(used)} folders checked")
sys.exit(1 if errors or not defined else 0)
