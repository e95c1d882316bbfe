"""Imports every native extension under the given directories, for real.

Runs INSIDE a distroless root filesystem (under chroot), with the image's own
Python, and only there: it executes the code it finds. The truth test
(scripts/truth-test.py) copies it in and compares what happens with what
distrolint predicted.

    python3 /truth_probe.py DIR [DIR...]     prints one JSON document

Every ELF file under a DIR is probed in fresh child processes, so one module's
side effects (a library it pulled in, a crash) cannot change another's
outcome:

* an extension module (its directories and stem are Python identifiers, its
  name ends in .so) is imported with importlib.import_module, with its DIR
  first on sys.path so that a copy of the same package elsewhere cannot
  shadow it;
* when that import fails for any reason but an unknown file suffix, the file
  is also opened with ctypes.CDLL in another fresh process: that is the
  loader's verdict on this very file, whatever its package's __init__ did;
* any other ELF file (a vendored library such as numpy.libs/*.so) is opened
  with ctypes.CDLL only.

Outcomes: "loads", "missing:SONAME" (the library the loader named),
"version:VERSION" (a symbol version the loader did not find),
"not-importable" (the suffix is not one this Python accepts, e.g. a
cpython-311 module on 3.13; or the loader finds a Python C API function this
Python lacks, e.g. a cp312-abi3 module on 3.11), "other:MESSAGE",
"crash:SIGNAL".

Standard library only: the image has nothing else.
"""

import ctypes
import importlib
import importlib.machinery
import json
import os
import re
import subprocess
import sys

CHILD_TIMEOUT = 120

MISSING = re.compile(r"([^\s:]+): cannot open shared object file")
VERSION = re.compile(r"version `([^']+)' not found")
# A symbol of the C API that this Python lacks: the module was built for
# another (newer) Python, e.g. an abi3 build for 3.12 on 3.11.
PYTHON_API = re.compile(r"undefined symbol: (_?Py\w+)")


def classify_error(message):
    """The loader-level meaning of an error message, or other:MESSAGE."""
    m = MISSING.search(message)
    if m:
        return "missing:" + m.group(1)
    m = VERSION.search(message)
    if m:
        return "version:" + m.group(1)
    first = message.strip().splitlines()[0] if message.strip() else ""
    return "other:" + first[:200]


def is_elf(path):
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def module_name(root, path):
    """The dotted module name a file would be imported as, or None when it
    cannot be a module (a vendored library, a versioned .so.N name)."""
    rel = os.path.relpath(path, root)
    parts = rel.split(os.sep)
    name = parts[-1]
    if not name.endswith(".so"):
        return None
    stem = name.split(".", 1)[0]
    if not all(p.isidentifier() for p in parts[:-1] + [stem]):
        return None
    return ".".join(parts[:-1] + [stem])


def suffix_accepted(path):
    """Whether this Python's import system would consider the file at all."""
    name = os.path.basename(path)
    stem = name.split(".", 1)[0]
    return any(name == stem + s for s in importlib.machinery.EXTENSION_SUFFIXES)


# --- child processes ---------------------------------------------------------


def child_import(root, module, path):
    sys.path.insert(0, root)
    try:
        mod = importlib.import_module(module)
    except BaseException as e:  # noqa: BLE001 - any failure is a finding
        return {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
    where = getattr(mod, "__file__", None) or ""
    if os.path.realpath(where) != os.path.realpath(path):
        return {"ok": False, "error": "shadowed by %s" % where, "shadowed": True}
    return {"ok": True}


def child_dlopen(path):
    try:
        ctypes.CDLL(path)
    except OSError as e:
        return {"ok": False, "error": str(e)}
    return {"ok": True}


def run_child(args):
    """Runs this script in a fresh interpreter; returns its JSON answer, or an
    error describing how it died."""
    try:
        proc = subprocess.run(
            [sys.executable, os.path.abspath(__file__)] + args,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            timeout=CHILD_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": "timed out", "outcome": "other:timed out"}
    if proc.returncode < 0:
        sig = -proc.returncode
        return {"ok": False, "error": "killed by signal %d" % sig, "outcome": "crash:%d" % sig}
    lines = proc.stdout.decode("utf-8", "replace").strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, ValueError):
        err = proc.stderr.decode("utf-8", "replace").strip()
        return {"ok": False, "error": "child failed: " + err[-500:]}


# --- the probe ---------------------------------------------------------------


def loader_verdict(path):
    answer = run_child(["--dlopen", path])
    if answer["ok"]:
        return "loads", None
    return answer.get("outcome") or classify_error(answer["error"]), answer["error"]


def probe(root, path):
    module = module_name(root, path)
    result = {"path": path, "root": root, "module": module}
    if module is None:
        result["kind"] = "library"
        result["outcome"], result["loader_error"] = loader_verdict(path)
        result["loader"] = result["outcome"]
        return result

    result["kind"] = "extension"
    answer = run_child(["--import", root, module, path])
    if not suffix_accepted(path):
        # Whatever the import did (failed, or found a .py of the same name),
        # this file was not and cannot be imported.
        result["import"] = result["outcome"] = "not-importable"
        result["import_error"] = answer.get("error", "imported something else")
        return result
    if answer["ok"]:
        result["import"] = result["outcome"] = "loads"
        return result
    result["import_error"] = answer["error"]
    if answer.get("shadowed"):
        result["import"] = result["outcome"] = "other:" + answer["error"]
        return result
    if PYTHON_API.search(answer["error"]):
        result["import"] = result["outcome"] = "not-importable"
        return result
    result["import"] = answer.get("outcome") or classify_error(answer["error"])
    # The import may have failed in another module of the package; the loader's
    # verdict on this very file is what distrolint predicts.
    result["loader"], result["loader_error"] = loader_verdict(path)
    result["outcome"] = result["loader"]
    return result


def elf_files(root):
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if os.path.isfile(path) and not os.path.islink(path) and is_elf(path):
                found.append(path)
    return found


def main(argv):
    if argv[:1] == ["--import"]:
        print(json.dumps(child_import(*argv[1:4])))
        return 0
    if argv[:1] == ["--dlopen"]:
        print(json.dumps(child_dlopen(argv[1])))
        return 0
    if not argv or argv[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    results = []
    for root in argv:
        root = os.path.abspath(root)
        for path in elf_files(root):
            results.append(probe(root, path))
    print(
        json.dumps(
            {
                "python": sys.version.split()[0],
                "extension_suffixes": importlib.machinery.EXTENSION_SUFFIXES,
                "roots": [os.path.abspath(r) for r in argv],
                "results": results,
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
