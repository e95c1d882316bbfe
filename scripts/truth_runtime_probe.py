"""Runs the run-time cases of the truth test, for real, each in its own process.

Runs INSIDE a distroless root filesystem (under chroot), with the image's own
Python, and only there: it executes the cases it is given. The truth test
(scripts/truth-test.py) copies it and the cases (tests/data/truth-runtime/)
in, and compares what happens with what distrolint predicted.

    python3 /truth_runtime_probe.py DIR [DIR...]     prints one JSON document

A case is a small Python file that binds `result` to what one call returned
(`result = ctypes.util.find_library("c")`). Every `*.py` file under a DIR is
run with runpy in a fresh interpreter, so that one case's side effects (a
library it loaded, a locale it set) cannot change another's outcome.

Outcomes, in the vocabulary the truth test compares:

* "raises NAME": the case raised; NAME is the exception's class, with the
  module it belongs to unless it is a builtin (`OSError`, `locale.Error`,
  `zoneinfo.ZoneInfoNotFoundError`);
* "returns None", "returns empty": the call gave nothing back (find_library
  that found nothing; available_timezones without zone data);
* "works": anything else; the value's repr goes along as detail;
* "other:MESSAGE": the case could not run (no `result`, the child died).

Standard library only: the image has nothing else.
"""

import json
import os
import runpy
import subprocess
import sys

CHILD_TIMEOUT = 60


def exception_name(error):
    cls = type(error)
    if cls.__module__ == "builtins":
        return cls.__qualname__
    # zoneinfo._common.ZoneInfoNotFoundError is public as zoneinfo.ZoneInfoNotFoundError.
    return "%s.%s" % (cls.__module__.split(".")[0], cls.__qualname__)


def run_case(path):
    """Runs one case in this process; returns its outcome and a detail."""
    try:
        namespace = runpy.run_path(path, run_name="__main__")
    except BaseException as e:  # noqa: BLE001 - any failure is an outcome
        return {"outcome": "raises " + exception_name(e), "detail": str(e)[:300]}
    if "result" not in namespace:
        return {"outcome": "other:the case binds no `result`", "detail": ""}
    result = namespace["result"]
    detail = repr(result)[:120]
    if result is None:
        return {"outcome": "returns None", "detail": detail}
    try:
        empty = len(result) == 0
    except TypeError:
        empty = False
    return {"outcome": "returns empty" if empty else "works", "detail": detail}


def run_child(path):
    try:
        proc = subprocess.run(
            [sys.executable, os.path.abspath(__file__), "--case", path],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            timeout=CHILD_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return {"outcome": "other:timed out", "detail": ""}
    if proc.returncode < 0:
        return {"outcome": "other:killed by signal %d" % -proc.returncode, "detail": ""}
    lines = proc.stdout.decode("utf-8", "replace").strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, ValueError):
        err = proc.stderr.decode("utf-8", "replace").strip()
        return {"outcome": "other:the child failed", "detail": err[-300:]}


def cases(root):
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        found += [os.path.join(dirpath, n) for n in sorted(filenames) if n.endswith(".py")]
    return found


def main(argv):
    if argv[:1] == ["--case"]:
        # The case's own output must not be taken for the answer: only the
        # last line counts.
        answer = run_case(argv[1])
        sys.stdout.flush()
        print("\n" + json.dumps(answer))
        return 0
    if not argv or argv[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    results = []
    for root in argv:
        for path in cases(os.path.abspath(root)):
            results.append(dict(path=path, **run_child(path)))
    print(json.dumps({"python": sys.version.split()[0], "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
