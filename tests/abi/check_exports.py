#!/usr/bin/env python3
"""ABI check: libotto.so exports exactly the otto_ functions declared with
OTTO_API in the public headers (no internal or foreign symbol leaks, no
declared function is missing), and exactly the committed list in
exports.txt, so that adding, renaming or dropping a public function is a
deliberate change to that file, never an accident.
    check_exports.py LIBOTTO_SO INCLUDE_DIR EXPORTS_TXT"""
import re
import subprocess
import sys
from pathlib import Path

lib, include_dir, listed_path = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True,
                     capture_output=True, text=True).stdout
exported = {line.split()[-1] for line in out.splitlines() if line.strip()}
declared = set()
for header in include_dir.rglob("*.h*"):
    text = header.read_text()
    declared |= set(re.findall(r"OTTO_API\s[^;(]*?\b(otto_\w+)\s*\(", text))
errors = []
errors += [f"exported but not otto_-prefixed: {s}" for s in sorted(exported)
           if not s.startswith("otto_") or s.startswith("otto__")]
errors += [f"declared OTTO_API but not exported: {s}" for s in sorted(declared - exported)]
errors += [f"exported but not declared in a header: {s}" for s in sorted(exported - declared)]
listed = {line.strip() for line in listed_path.read_text().splitlines() if line.strip()}
errors += [f"exported but not in {listed_path.name} (a new or renamed function? add it): {s}"
           for s in sorted(exported - listed)]
errors += [f"in {listed_path.name} but not exported (renamed or removed?): {s}"
           for s in sorted(listed - exported)]
for e in errors:
    print(e)
print(f"{len(exported)} exported symbols, {len(declared)} declared")
sys.exit(1 if errors or not declared else 0)
