#!/usr/bin/env python3
"""Man page check: every public function has a man3 page (a page of its own
or a .so link to a grouped page that documents it in its NAME section), and
every page renders with groff without warnings."""
import re
import subprocess
import sys
from pathlib import Path

include_dir, man_dir = Path(sys.argv[1]), Path(sys.argv[2])
declared = set()
for header in include_dir.rglob("*.h*"):
    declared |= set(re.findall(r"OTTO_API\s[^;(]*?\b(otto_\w+)\s*\(", header.read_text()))
errors = []
for fn in sorted(declared):
    page = man_dir / "man3" / f"{fn}.3"
    if not page.exists():
        errors.append(f"no man page for {fn}")
        continue
    text = page.read_text()
    m = re.match(r"\.so\s+(\S+)", text)
    target = man_dir / m.group(1) if m else page
    if not target.exists():
        errors.append(f"{page.name}: .so target {m.group(1)} missing")
        continue
    name_section = target.read_text().split(".SH NAME", 1)[-1].split(".SH", 1)[0]
    if fn not in name_section.replace("\\", ""):
        errors.append(f"{target.name}: NAME section does not list {fn}")
pages = [p for p in man_dir.glob("man*/*.[137]") if not p.read_text().startswith(".so")]
for p in pages:
    r = subprocess.run(["groff", "-man", "-t", "-ww", "-z", "-Tutf8", str(p)],
                       capture_output=True, text=True)
    if r.returncode or r.stderr.strip():
        errors.append(f"{p.name}: groff says: {r.stderr.strip()}")
for e in errors:
    print(e)
print(f"{len(declared)} functions, {len(pages)} pages checked")
sys.exit(1 if errors else 0)
