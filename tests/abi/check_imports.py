#!/usr/bin/env python3
"""Library hygiene at the symbol level: libotto.so must not import the libc
functions a library may never call (it never aborts, exits, prints, or reads
the environment: settings come through options, never through global state).
    check_imports.py LIBOTTO_SO"""
import subprocess
import sys

FORBIDDEN = {
    # stopping the host process
    "abort", "exit", "_exit", "_Exit", "quick_exit", "atexit", "__assert_fail",
    # printing
    "printf", "vprintf", "fprintf", "vfprintf", "puts", "fputs", "putchar", "fputc",
    "perror", "fwrite", "stdout", "stderr", "__printf_chk", "__fprintf_chk",
    # process-global state
    "getenv", "secure_getenv", "setenv", "putenv", "unsetenv", "rand", "srand", "random",
    "srandom", "setlocale",
}

lib = sys.argv[1]
out = subprocess.run(["nm", "-D", "--undefined-only", lib], check=True,
                     capture_output=True, text=True).stdout
imported = {line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip()}
bad = sorted(imported & FORBIDDEN)
for name in bad:
    print(f"libotto imports {name}: library code must not abort, exit, print or read "
          "the environment")
print(f"{len(imported)} imported symbols checked against {len(FORBIDDEN)} forbidden ones")
sys.exit(1 if bad or not imported else 0)
