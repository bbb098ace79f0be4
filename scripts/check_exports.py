#!/usr/bin/env python3
"""The shared library exports exactly the functions careshift.h declares (CS_API), no more.

usage: check_exports.py LIBCARESHIFT.so INCLUDE/careshift.h
"""
import re
import subprocess
import sys


def main(lib, header):
    declared = set(re.findall(r"^CS_API\b[^(]*?\b(cs_[a-z0-9_]+)\(", open(header).read(), re.M))
    out = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True, text=True, check=True).stdout
    exported = {l.split()[-1] for l in out.splitlines() if l.split() and l.split()[-2] in "TDBRW"}
    exported = {s for s in exported if not s.startswith("_")}
    extra, missing = sorted(exported - declared), sorted(declared - exported)
    for s in extra:
        print(f"exported but not in careshift.h: {s}")
    for s in missing:
        print(f"declared in careshift.h but not exported: {s}")
    print(f"exports: {len(exported)} symbols, {len(declared)} declared")
    return 1 if extra or missing or not declared else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
