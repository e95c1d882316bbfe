#!/usr/bin/env python3
"""The truth test: does distrolint's verdict match what really happens?

    scripts/truth-test.py [--base python3-debian12] [--base python3-debian13]
                          [--distrolint BIN] [--cache DIR] [--keep DIR]
                          [--report FILE]

For each python base image (both by default):

1. rebuild its root filesystem from Debian packages (scripts/build-rootfs.sh)
   in a temporary directory;
2. put the real-world inputs into it (scripts/fetch-real-world.sh fetches
   them): the manylinux wheels of the image's Python into
   /usr/local/lib/python3.X/dist-packages, the suite's python3-psycopg2,
   python3-lxml and python3-yaml (their own files only, not their
   dependencies, as `dpkg -x` would) under /usr; the other Python's wheels
   as well (cp311 on python3-debian13, cp313 on python3-debian12), in
   /opt/cpXYZ/site-packages behind a .pth file; on python3-debian12, trixie's
   libxml2 and libxslt as copied from a newer build stage, in
   /opt/copied-from-trixie;
3. import every extension module for real under `chroot`, with the image's
   own Python (scripts/truth_probe.py), which also dlopens vendored libraries;
4. run `distrolint check` on the same directories, with that base;
5. compare, file by file, and print a table and "N/N agree".

distrolint's verdict for a file: "not-importable" when it reports DL105;
"missing:LIB" for a DL101 with first_missing and library LIB; "version:V" for
a DL102 needing V; any other error code by its code; "loads" when it reports
no error for the file. For a library that is not an extension module the
loader codes count at warning severity too: distrolint reports a library
nothing in the tree links to as a warning ("breaks only if something opens it
at run time"), and the probe is exactly that something (ctypes.CDLL).

Needs root (chroot, and build-rootfs.sh keeps owners) and the package
registries (PyPI, the Debian archive) unless the cache is warm. Nothing that
was downloaded runs outside the chroot, and nothing is mounted into it.

Exit status: 0 when every file agrees, 1 on any disagreement, 2 when the test
could not run.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = os.path.join(REPO, "scripts")

BASES = {
    "python3-debian12": {
        "suite": "bookworm",
        "python": "3.11",
        "tag": "cp311",
        "extra": ["cp313"],
        "copied": ["trixie"],
    },
    "python3-debian13": {
        "suite": "trixie",
        "python": "3.13",
        "tag": "cp313",
        "extra": ["cp311"],
        "copied": [],
    },
}

# The environment the distroless python images run their entrypoint with.
IMAGE_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "LANG": "C.UTF-8",
    "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt",
}


class SetupError(Exception):
    """The test could not run (as opposed to: it ran and disagreed)."""


def log(message):
    print("truth-test: " + message, file=sys.stderr, flush=True)


def run(cmd, **kwargs):
    log("$ " + " ".join(cmd))
    return subprocess.run(cmd, **kwargs)


class Timer:
    def __init__(self):
        self.steps = []

    def measure(self, name, fn, *args):
        start = time.monotonic()
        try:
            return fn(*args)
        finally:
            self.steps.append((name, time.monotonic() - start))


# --- preparing the root filesystem ---------------------------------------------


def fetch(cache):
    cmd = [os.path.join(SCRIPTS, "fetch-real-world.sh")] + ([cache] if cache else [])
    proc = run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sys.stderr.write(proc.stdout)
    if proc.returncode != 0:
        raise SetupError("fetch-real-world.sh failed (exit %d)" % proc.returncode)
    for line in proc.stdout.splitlines():
        for marker in ("ready in ", "up to date in "):
            if line.startswith("fetch-real-world: " + marker):
                return line.split(marker, 1)[1].strip()
    raise SetupError("fetch-real-world.sh did not say where its cache is")


def build_rootfs(base, rootfs):
    proc = run([os.path.join(SCRIPTS, "build-rootfs.sh"), base, rootfs])
    if proc.returncode != 0:
        raise SetupError("build-rootfs.sh %s failed (exit %d)" % (base, proc.returncode))


def copy_tree(src, dest):
    shutil.copytree(src, dest, symlinks=True, dirs_exist_ok=True)


def unpack_deb(deb, rootfs):
    # Like `dpkg -x`, but keeping the image's directory symlinks (merged /usr).
    tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
    untar = subprocess.run(
        ["tar", "-C", rootfs, "--keep-directory-symlink", "-xf", "-"], stdin=tar.stdout
    )
    tar.stdout.close()
    if tar.wait() != 0 or untar.returncode != 0:
        raise SetupError("cannot unpack " + deb)


def populate(base, rootfs, cache):
    """Puts the real-world inputs into the image; returns the directories to
    probe and scan, as paths inside the image."""
    facts = BASES[base]
    trees = os.path.join(cache, "trees")
    local = "/usr/local/lib/python%s/dist-packages" % facts["python"]
    copy_tree(os.path.join(trees, facts["tag"], "site-packages"), rootfs + local)
    dirs = [local]

    debs = os.path.join(cache, "debs", facts["suite"])
    names = sorted(n for n in os.listdir(debs) if n.endswith(".deb"))
    if not names:
        raise SetupError("no Debian packages in " + debs)
    for name in names:
        unpack_deb(os.path.join(debs, name), rootfs)
    dirs.append("/usr/lib/python3/dist-packages")

    for tag in facts["extra"]:
        extra = "/opt/%s/site-packages" % tag
        copy_tree(os.path.join(trees, tag, "site-packages"), rootfs + extra)
        with open(os.path.join(rootfs + local, "zz-%s-tree.pth" % tag), "w") as f:
            f.write(extra + "\n")
        dirs.append(extra)

    for suite in facts["copied"]:
        copied = "/opt/copied-from-%s" % suite
        copy_tree(os.path.join(trees, "copied-from-" + suite), rootfs + copied)
        dirs.append(copied)

    shutil.copy(os.path.join(SCRIPTS, "truth_probe.py"), os.path.join(rootfs, "truth_probe.py"))
    return dirs


# --- the two verdicts ----------------------------------------------------------


def probe(rootfs, dirs):
    """Imports everything for real, inside the image."""
    proc = run(
        ["chroot", rootfs, "/usr/bin/python3", "/truth_probe.py"] + dirs,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=IMAGE_ENV,
        text=True,
    )
    if proc.returncode != 0:
        raise SetupError("the probe failed inside the image:\n" + proc.stderr[-4000:])
    return json.loads(proc.stdout)


def import_manifest(distrolint, base, rootfs, manifest):
    proc = run([distrolint, "bases", "import", rootfs, "--name", base, "-o", manifest])
    if proc.returncode != 0:
        raise SetupError("distrolint bases import failed (exit %d)" % proc.returncode)


def scan(distrolint, base, rootfs, dirs, manifest=None):
    cmd = [distrolint, "check"] + [rootfs + d for d in dirs]
    cmd += ["--base-file", manifest] if manifest else ["--base", base]
    cmd += ["--format", "json", "--fail-on", "never"]
    proc = run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SetupError(
            "distrolint check exited %d:\n%s" % (proc.returncode, proc.stderr[-4000:])
        )
    try:
        return json.loads(proc.stdout)
    except ValueError as e:
        raise SetupError("distrolint check wrote no JSON: %s" % e)


# The codes that mean "the loader refuses this file"; DL106 (a RUNPATH into
# the build machine) is advice, not a failure.
LOADER_CODES = {"DL101", "DL102", "DL103", "DL104", "DL105", "DL107"}


def prediction(findings, real, kind):
    """distrolint's verdict for one file, in the probe's vocabulary."""
    errors = [
        f
        for f in findings
        if f.get("severity") == "error"
        or (kind == "library" and f["code"] in LOADER_CODES and f.get("severity") == "warning")
    ]
    codes = {f["code"] for f in errors}
    if not errors:
        return "loads"
    if "DL105" in codes:
        return "not-importable"
    for code in ("DL107", "DL103", "DL104"):
        if code in codes:
            return code
    if "DL101" in codes:
        first = [f for f in errors if f["code"] == "DL101" and f.get("first_missing")]
        if len(first) != 1:
            libs = ",".join(sorted(str(f.get("library")) for f in errors if f["code"] == "DL101"))
            return "missing:%s (%d marked first_missing)" % (libs, len(first))
        return "missing:" + str(first[0].get("library"))
    if "DL102" in codes:
        needed = sorted({str(f.get("version_needed")) for f in errors if f["code"] == "DL102"})
        # The loader names one version; any that distrolint reports may be it.
        if real.startswith("version:") and real[len("version:"):] in needed:
            return real
        return "version:" + ",".join(needed)
    return ",".join(sorted(codes))


def compare(base, rootfs, probed, report):
    by_path = {}
    for finding in report.get("findings", []):
        # Later families (shell, exec, data...) judge Python source, which the
        # probe does not import one by one; this test is about loading.
        if finding.get("family") not in ("native-library", "scan"):
            continue
        by_path.setdefault(os.path.normpath(finding["path"]), []).append(finding)

    rows = []
    for result in probed["results"]:
        host_path = os.path.normpath(rootfs + result["path"])
        findings = by_path.pop(host_path, [])
        real = result["outcome"]
        said = prediction(findings, real, result["kind"])
        note = ""
        if result.get("import") not in (None, "loads", real):
            note = "import: " + result["import"]
        rows.append(
            {
                "base": base,
                "path": result["path"],
                "module": result["module"] or os.path.basename(result["path"]),
                "kind": result["kind"],
                "real": real,
                "distrolint": said,
                "agree": said == real,
                "note": note,
                "codes": sorted({f["code"] for f in findings}),
                "import_error": result.get("import_error"),
                "loader_error": result.get("loader_error"),
            }
        )
    # Errors on files the probe never saw: a scanned file that is not ELF, or
    # a path that does not match. Reported, since they hide a disagreement.
    for path, findings in sorted(by_path.items()):
        errors = [f for f in findings if f.get("severity") == "error"]
        if errors:
            rows.append(
                {
                    "base": base,
                    "path": os.path.relpath(path, rootfs),
                    "module": os.path.basename(path),
                    "kind": "unprobed",
                    "real": "(not probed)",
                    "distrolint": ",".join(sorted({f["code"] for f in errors})),
                    "agree": False,
                    "note": errors[0].get("message", ""),
                    "codes": sorted({f["code"] for f in findings}),
                }
            )
    return rows


def print_table(base, rows, dirs):
    def short(row):
        for i, d in enumerate(dirs):
            if row["path"].startswith(d + "/"):
                name = row["module"] if row["kind"] == "extension" else row["path"][len(d) + 1 :]
                return "[%d] %s" % (i + 1, name)
        return row["path"]

    print("\n== %s ==" % base)
    for i, d in enumerate(dirs):
        print("  [%d] = %s" % (i + 1, d))
    table = [("module (or library)", "real outcome", "distrolint", "agree?", "note")]
    for r in rows:
        note = r["note"][:70]
        table.append((short(r), r["real"], r["distrolint"], "yes" if r["agree"] else "NO", note))
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    for row in table:
        cells = ["%-*s" % (w, cell) for w, cell in zip(widths, row)] + [row[4]]
        print("  ".join(cells).rstrip())
    agree = sum(r["agree"] for r in rows)
    print("%s: %d/%d agree" % (base, agree, len(rows)))


# --- driver --------------------------------------------------------------------


def mounted_under(path):
    path = os.path.realpath(path)
    with open("/proc/mounts") as f:
        points = [line.split()[1] for line in f]
    return [p for p in points if p == path or p.startswith(path + "/")]


def find_distrolint(given):
    if given:
        return os.path.abspath(given)
    if os.environ.get("DISTROLINT_BIN"):
        return os.environ["DISTROLINT_BIN"]
    built = os.path.join(REPO, "target", "release", "distrolint")
    proc = run(["cargo", "build", "--release", "--quiet", "--bin", "distrolint"], cwd=REPO)
    if proc.returncode != 0:
        raise SetupError("cargo build --release failed")
    return built


def test_base(base, args, distrolint, cache, timer):
    work = tempfile.mkdtemp(prefix="distrolint-truth-%s-" % base)
    rootfs = os.path.join(work, "rootfs")
    try:
        timer.measure("%s: build rootfs" % base, build_rootfs, base, rootfs)
        manifest = None
        if args.fresh_manifest:
            # Before anything is added: the image as distroless ships it.
            manifest = os.path.join(work, base + ".toml")
            import_manifest(distrolint, base, rootfs, manifest)
        dirs = timer.measure("%s: add packages" % base, populate, base, rootfs, cache)
        probed = timer.measure("%s: probe (chroot)" % base, probe, rootfs, dirs)
        report = timer.measure(
            "%s: distrolint check" % base, scan, distrolint, base, rootfs, dirs, manifest
        )
        rows = compare(base, rootfs, probed, report)
        print_table(base, rows, dirs)
        if args.keep:
            dest = os.path.join(args.keep, base)
            shutil.rmtree(dest, ignore_errors=True)
            os.makedirs(args.keep, exist_ok=True)
            shutil.move(rootfs, dest)
            log("kept the root filesystem in " + dest)
        return rows
    finally:
        mounts = mounted_under(work)
        if mounts:
            # Never delete through a mount point; leave it for a human.
            log("NOT removing %s: mounted: %s" % (work, ", ".join(mounts)))
        else:
            shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", action="append", choices=sorted(BASES))
    parser.add_argument("--distrolint", help="the binary (default: cargo build --release)")
    parser.add_argument("--cache", help="cache of fetch-real-world.sh")
    parser.add_argument("--keep", help="keep the populated root filesystems here")
    parser.add_argument("--report", help="write every row as JSON to this file")
    parser.add_argument(
        "--fresh-manifest",
        action="store_true",
        help="judge with a manifest imported from the rebuilt image (bases import) instead "
        "of the built-in one: tells a stale manifest from a resolver bug",
    )
    args = parser.parse_args()

    if os.geteuid() != 0:
        log("needs root: it builds root filesystems and runs Python under chroot")
        return 2
    timer = Timer()
    started = time.monotonic()
    rows = []
    try:
        cache = timer.measure("fetch real-world inputs", fetch, args.cache)
        distrolint = timer.measure("build distrolint", find_distrolint, args.distrolint)
        for base in args.base or sorted(BASES):
            rows += test_base(base, args, distrolint, cache, timer)
    except SetupError as e:
        log("could not run: %s" % e)
        return 2
    total = time.monotonic() - started

    if args.report:
        with open(args.report, "w") as f:
            json.dump({"rows": rows, "timings": timer.steps, "total_seconds": total}, f, indent=1)

    print("\ntimings:")
    for name, seconds in timer.steps:
        print("  %-40s %7.1f s" % (name, seconds))
    print("  %-40s %7.1f s" % ("total", total))
    disagree = [r for r in rows if not r["agree"]]
    print("\ntruth test: %d/%d agree" % (len(rows) - len(disagree), len(rows)))
    for r in disagree:
        print(
            "MISMATCH %s %s: real %s, distrolint %s (codes %s)"
            % (r["base"], r["path"], r["real"], r["distrolint"], ",".join(r["codes"]) or "none")
        )
    return 1 if disagree or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
