#!/usr/bin/env python3
"""Writes otto as two files, the way SQLite ships its amalgamation: OUTDIR/otto.h
(every public header, in include order) and OUTDIR/otto.c (every library source
with its private headers inlined), plus otto.hpp beside them. An engine then
builds otto with `cc -O2 -c otto.c` and nothing else.
    python3 tools/amalgamate.py OUTDIR

Sources come from meson.build's otto_sources list, so the two builds never
drift. Names private to one source file (static functions and variables, file
types, macros) may repeat across files; in one translation unit they would
collide, so each colliding name is renamed for its file (#define NAME
otto__<file>_NAME ... #undef), and every macro a source defines is #undef'd
after it. Compile-time choices in otto.c:
  OTTO_USE_CBLAS    CBLAS + LAPACKE linear algebra (default: built-in kernels)
  OTTO_WITH_SQLITE  SQLite storage (link sqlite3); otherwise OTTO_ENOTSUP
  OTTO_WITH_LIBPQ   PostgreSQL storage (link libpq); otherwise OTTO_ENOTSUP"""
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INCLUDE = ROOT / "include" / "otto"
LIB = ROOT / "lib"


def project_version():
    text = (ROOT / "meson.build").read_text()
    return re.search(r"version:\s*'(\d+)\.(\d+)\.(\d+)'", text).groups()


def version_header():
    major, minor, patch = project_version()
    text = (INCLUDE / "version.h.in").read_text()
    for key, val in (("MAJOR", major), ("MINOR", minor), ("PATCH", patch),
                     ("STRING", f"{major}.{minor}.{patch}")):
        text = text.replace(f"@OTTO_VERSION_{key}@", val)
    return text


def library_sources():
    """Every lib/ source meson.build names, in order: the otto_sources list and
    the sources it picks per build (both linear-algebra backends: their files
    guard on OTTO_USE_CBLAS themselves)."""
    text = (ROOT / "meson.build").read_text()
    names = []
    for name in re.findall(r"'(lib/[^']+\.c)'", text):
        if name not in names:
            names.append(name)
    return [ROOT / n for n in names]


INCLUDE_RE = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"].*$', re.M)


class Inliner:
    """Expands #include "..." of project headers once, at their first use."""

    def __init__(self, resolve):
        self.resolve = resolve  # (including file, name, bracket) -> Path or None
        self.seen = set()

    def expand(self, path, text=None):
        text = path.read_text() if text is None else text
        out = []
        pos = 0
        for m in INCLUDE_RE.finditer(text):
            out.append(text[pos:m.start()])
            pos = m.end()
            target = self.resolve(path, m.group(2), m.group(1))
            if target is None:
                out.append(m.group(0))  # a system header: kept as written
            elif target == "public":
                pass  # a public header: otto.c includes otto.h first
            elif target not in self.seen:
                self.seen.add(target)
                body = version_header() if target.name == "version.h.in" else None
                rel = target.relative_to(ROOT)
                out.append(f"/* ---- {rel} ---- */\n{self.expand(target, body)}"
                           f"/* ---- end of {rel} ---- */")
        out.append(text[pos:])
        return "".join(out)


def public_target(name):
    name = name[len("otto/"):] if name.startswith("otto/") else name
    if name == "version.h":
        return INCLUDE / "version.h.in"
    p = INCLUDE / name
    return p if p.exists() else None


def resolve_public(including, name, bracket):
    if bracket == "<" and not name.startswith("otto/"):
        return None
    if bracket == '"':
        local = (including.parent / name)
        if local.exists() and INCLUDE in local.resolve().parents:
            return local.resolve()
    return public_target(name)


def resolve_private(including, name, bracket):
    if name.startswith("otto/"):
        return "public"
    if bracket == "<":
        return None
    for base in (including.parent, LIB):
        p = (base / name)
        if p.exists():
            p = p.resolve()
            if INCLUDE in p.parents:
                return "public"
            return p
    return None


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def file_scope_names(text):
    """Names a source file defines for itself: static functions and variables,
    typedefs, struct/union/enum tags, enumerators and macros."""
    code = strip_comments(text)
    names = set(re.findall(r"^\s*#\s*define\s+(\w+)", code, re.M))
    depth, top = 0, []
    for ch in code:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            top.append(ch)
    flat = "".join(top)
    for m in re.finditer(r"\bstatic\b[^;=(]*?\b(\w+)\s*(\(|\[|=|;)", code):
        names.add(m.group(1))
    names |= set(re.findall(r"\b(?:struct|union|enum)\s+(\w+)\s*\{", code))
    names |= set(re.findall(r"\btypedef\b[^;]*?\b(\w+)\s*;", flat))
    names |= set(re.findall(r"\btypedef\b[^;]*?\(\s*\*\s*(\w+)\s*\)", flat))
    for body in re.findall(r"\benum\b[^{;]*\{([^}]*)\}", code):
        names |= set(re.findall(r"^\s*(\w+)", body, re.M))
        names |= set(re.findall(r",\s*(\w+)", body))
    return {n for n in names if not n.startswith("otto_") and not n.startswith("OTTO_")}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    major, minor, patch = project_version()
    banner = (f"/* otto {major}.{minor}.{patch}, amalgamated by tools/amalgamate.py: generated, "
              "do not edit. */\n")

    # otto.h
    pub = Inliner(resolve_public)
    pub.seen.add(INCLUDE / "otto.h")
    header = pub.expand(INCLUDE / "otto.h")
    header = header.replace("#define OTTO_OTTO_H\n", "#define OTTO_OTTO_H\n"
                            "/* The two-file build is a static library unless otto.c is built\n"
                            " * as a DLL with OTTO_BUILDING_SHARED defined. */\n"
                            "#if !defined(OTTO_BUILDING_SHARED) && !defined(OTTO_STATIC)\n"
                            "#define OTTO_STATIC\n#endif\n", 1)
    (out / "otto.h").write_text(banner + header)
    (out / "otto.hpp").write_text(banner + (INCLUDE / "otto.hpp").read_text()
                                  .replace("<otto/otto.h>", '"otto.h"'))

    # otto.c
    sources = library_sources()
    texts = {p: p.read_text() for p in sources}
    # macros a header defines stay defined: a source that defines one again
    # must not #undef it for the sources after it
    header_macros = set()
    for h in list(LIB.rglob("*.h")) + list(INCLUDE.rglob("*.h")):
        header_macros |= set(re.findall(r"^\s*#\s*define\s+(\w+)", strip_comments(h.read_text()),
                                        re.M))
    owners = defaultdict(set)
    for p, t in texts.items():
        for n in file_scope_names(t):
            owners[n].add(p)
    priv = Inliner(lambda inc, name, br: resolve_private(inc, name, br))
    parts = [banner,
             "#if !defined(_GNU_SOURCE)\n#define _GNU_SOURCE\n#endif\n",
             "/* mingw-w64: C99 printf (%zu, %lld) for otto's messages, not msvcrt's */\n"
             "#if defined(__MINGW32__) && !defined(__USE_MINGW_ANSI_STDIO)\n"
             "#define __USE_MINGW_ANSI_STDIO 1\n#endif\n",
             "#if defined(OTTO_WITH_SQLITE) && !defined(OTTO_HAVE_SQLITE)\n"
             "#define OTTO_HAVE_SQLITE 1\n#endif\n",
             "#if defined(OTTO_WITH_LIBPQ) && !defined(OTTO_HAVE_LIBPQ)\n"
             "#define OTTO_HAVE_LIBPQ 1\n#endif\n",
             '#include "otto.h"\n']
    for p in sources:
        rel = p.relative_to(ROOT)
        tag = re.sub(r"\W", "_", str(p.relative_to(LIB))[:-2])
        text = INCLUDE_RE.sub(
            lambda m: "" if resolve_private(p, m.group(2), m.group(1)) == "public"
            else m.group(0), texts[p])
        # the renames start after the file's includes, so headers keep their names
        cut = max((m.end() for m in INCLUDE_RE.finditer(text)), default=0)
        head, tail = priv.expand(p, text[:cut]), text[cut:]
        mine = sorted(n for n, files in owners.items() if p in files and len(files) > 1)
        macros = sorted(set(re.findall(r"^\s*#\s*define\s+(\w+)", strip_comments(texts[p]),
                                       re.M)) - header_macros)
        renames = [n for n in mine if n not in macros]
        parts.append(f"\n/* ==== {rel} ==== */\n")
        parts.append(head)
        parts += [f"\n#define {n} otto__{tag}_{n}" for n in renames]
        parts.append(tail)
        parts += [f"#undef {n}\n" for n in renames + macros]
    (out / "otto.c").write_text("".join(parts))
    print(f"{out / 'otto.c'}: {sum(len(t) for t in parts)} bytes from {len(sources)} sources; "
          f"{out / 'otto.h'}: {len(banner) + len(header)} bytes")


if __name__ == "__main__":
    main()
