#!/usr/bin/env python3
"""The shared library exports exactly the functions its public headers declare (CS_API), no more.

The public headers are the ones named and every careshift_*.h beside the first
(include/careshift_serve.h: `careshift serve`), so the test that names careshift.h alone also
covers the headers added later.

usage: check_exports.py LIBCARESHIFT.so INCLUDE/careshift.h [MORE HEADERS...]
"""
import glob
import os
import re
import subprocess
import sys

DECL = re.compile(r"^CS_API\b[^(]*?\b(cs_[a-z0-9_]+)\(", re.M)


def headers_of(named):
    found = list(named)
    for h in sorted(glob.glob(os.path.join(os.path.dirname(named[0]), "careshift_*.h"))):
        if not any(os.path.samefile(h, n) for n in found):
            found.append(h)
    return found


def main(lib, *named):
    declared = {}
    for h in headers_of(named):
        for name in DECL.findall(open(h).read()):
            declared[name] = os.path.basename(h)
    out = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True, text=True, check=True).stdout
    exported = {l.split()[-1] for l in out.splitlines() if l.split() and l.split()[-2] in "TDBRW"}
    exported = {s for s in exported if not s.startswith("_")}
    extra, missing = sorted(exported - set(declared)), sorted(set(declared) - exported)
    for s in extra:
        print(f"exported but not in a public header: {s}")
    for s in missing:
        print(f"declared in {declared[s]} but not exported: {s}")
    files = sorted(set(declared.values()))
    print(f"exports: {len(exported)} symbols, {len(declared)} declared in {', '.join(files)}")
    return 1 if extra or missing or not declared else 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
