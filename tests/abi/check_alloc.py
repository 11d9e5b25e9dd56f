#!/usr/bin/env python3
"""One allocator: only lib/common/alloc.c, the wrappers behind every
otto_allocator, may call the C library's allocator. Reads `nm -A` of every
object in libotto.a and fails when another object imports malloc, calloc,
realloc, free or a function that returns malloc'ed memory (strdup and the
like). An object may import free only to release what a C library call
returned that only free() can release (realpath); calls into other
libraries (qsort, BLAS, SQLite, libpq) are theirs to allocate as they do.
    check_alloc.py LIBOTTO_A"""
import subprocess
import sys
from collections import defaultdict

WRAPPERS = "lib_common_alloc.c.o"  # lib/common/alloc.c
ALLOCATING = {  # the C library's allocator and what allocates through it for us
    "malloc", "calloc", "realloc", "reallocarray", "free", "aligned_alloc",
    "posix_memalign", "memalign", "valloc", "pvalloc", "strdup", "strndup",
    "__strdup", "__strndup", "wcsdup", "asprintf", "vasprintf"}
RETURNS_LIBC_MEMORY = {  # C library calls whose result only free() releases
    "realpath", "canonicalize_file_name", "get_current_dir_name", "getline",
    "getdelim", "open_memstream", "scandir"}

out = subprocess.run(["nm", "-A", sys.argv[1]], check=True, capture_output=True,
                     text=True).stdout
imports = defaultdict(set)
for line in out.splitlines():
    fields = line.split()
    if len(fields) >= 2 and fields[-2] == "U":
        member = fields[0].rstrip(":").split(":")[-1]
        imports[member].add(fields[-1])

if "malloc" not in imports.get(WRAPPERS, set()):
    sys.exit(f"check_alloc: {WRAPPERS} imports no malloc: is this libotto.a?")
errors = []
for member in sorted(imports):
    if member == WRAPPERS:
        continue
    for name in sorted(imports[member] & ALLOCATING):
        if name == "free" and imports[member] & RETURNS_LIBC_MEMORY:
            continue  # releases what realpath (or the like) returned
        errors.append(f"{member} calls {name}: allocate through otto__malloc and the "
                      f"allocator in hand (otto_view_allocator, the study's, the one given "
                      f"to *_create), not the C library")
for e in errors:
    print(e)
print(f"{len(imports)} objects checked, {len(errors)} direct C library allocations")
sys.exit(1 if errors else 0)
