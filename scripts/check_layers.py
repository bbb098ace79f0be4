#!/usr/bin/env python3
"""Checks the dependency rule of the library's folders (docs/design.md, "Layers").

The folders of src/ are layers, bottom first. A file may include the headers of its own folder,
the public careshift.h, and the one interface header (FOLDER/FOLDER.h) of a folder below it;
nothing above it and no other header of another folder. Third-party headers are allowed only in
the layers that own that library, so for example SQLite stays behind the io sinks. The public
headers of include/ are careshift.h, which every layer may include, and careshift_serve.h,
which only serve (the top layer: the HTTP API) may. cli/ (and every later front end) sees only
the public headers and its own.

usage: check_layers.py [ROOT]      exit 0 when the rule holds, 1 with one line per breach
"""
import os
import re
import sys

LAYERS = ["base", "plan", "model", "econ", "psa", "io", "run", "monitor", "report", "serve"]
# Third-party headers (by the first path component) and the layers that may include them.
THIRD_PARTY = {
    "yaml.h": {"plan"},
    "csv.h": {"plan", "monitor"},
    "nettle": {"monitor"},
    "gsl": {"plan", "psa", "run"},
    "sqlite3.h": {"io", "monitor", "report", "serve"},
    "xlsxwriter.h": {"io"},
    "jansson.h": {"io", "monitor", "report", "serve"},
    "pthread.h": {"base", "psa", "serve"},
    "Rmath.h": {"plan"},
    "microhttpd.h": {"serve"},
    "mpi.h": {"run"},
}
# The public headers (include/) and the layers that may include them (None: every layer).
PUBLIC = {"careshift.h": None, "careshift_serve.h": {"serve"},
          "careshift_monitor.h": {"monitor", "report", "serve"}}
# cs_example.h is generated at build time (scripts/embed_files.py: the example's files as C
# arrays for `careshift init`): the command line's own data, not the library's.
FRONT_ENDS = {"cli": {"careshift.h", "careshift_serve.h", "careshift_monitor.h", "cli.h",
                      "cs_example.h"}}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def breaches_in(root, path, text, layer):
    here = os.path.join(root, os.path.dirname(path))
    rank = LAYERS.index(layer)
    for m in INCLUDE.finditer(text):
        kind, name = m.groups()
        line = text.count("\n", 0, m.start()) + 1
        where = f"{path}:{line}"
        if kind == "<" and (os.path.exists(os.path.join(root, "src", name)) or name in PUBLIC):
            kind = '"'  # a project header in <...> (found through -I src): the same rule
        if kind == "<":
            first = name.split("/")[0]
            owners = THIRD_PARTY.get(first)
            if owners is not None and layer not in owners:
                yield f"{where}: <{name}> belongs to {sorted(owners)}, not to {layer}/"
            continue
        if name in PUBLIC:
            if PUBLIC[name] is not None and layer not in PUBLIC[name]:
                yield f'{where}: "{name}" is the public header of {sorted(PUBLIC[name])}, not of {layer}/'
            continue
        if "/" not in name and os.path.exists(os.path.join(here, name)):
            continue
        parts = name.split("/")
        if len(parts) != 2 or parts[0] not in LAYERS:
            yield f'{where}: "{name}" is neither in {layer}/ nor a layer\'s interface header'
            continue
        other, header = parts
        if header != other + ".h":
            yield f'{where}: "{name}" is private to {other}/; include "{other}/{other}.h"'
        elif LAYERS.index(other) >= rank:
            yield f'{where}: {layer}/ may not include {other}/ (the rule only goes down: {" < ".join(LAYERS)})'


def main(root):
    found = []
    src = os.path.join(root, "src")
    for layer in sorted(os.listdir(src)):
        d = os.path.join(src, layer)
        if not os.path.isdir(d):
            continue
        if layer not in LAYERS:
            found.append(f"src/{layer}/: not a known layer; add it to LAYERS in scripts/check_layers.py")
            continue
        for f in sorted(os.listdir(d)):
            if f.endswith((".c", ".h")):
                p = os.path.join(d, f)
                found += breaches_in(root, os.path.relpath(p, root), open(p).read(), layer)
    for fe, allowed in FRONT_ENDS.items():
        d = os.path.join(root, fe)
        for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if f.endswith((".c", ".h")):
                p = os.path.join(d, f)
                text = open(p).read()
                for m in INCLUDE.finditer(text):
                    if m.group(1) == '"' and m.group(2) not in allowed:
                        line = text.count("\n", 0, m.start()) + 1
                        found.append(f'{fe}/{f}:{line}: "{m.group(2)}": a front end sees only the public headers')
    for b in found:
        print(b)
    print(f"layers: {len(found)} breach(es)" if found else "layers: the dependency rule holds")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")))
