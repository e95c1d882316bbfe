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
   /opt/copied-from-trixie; and the Wagtail site whose requirements were
   installed into it for the image's Python (scripts/fetch-wagtail-site.sh),
   at /mysite, where its Dockerfile copies it;
3. import every extension module for real under `chroot`, with the image's
   own Python (scripts/truth_probe.py), which also dlopens vendored libraries;
4. run `distrolint check` on the same directories, with that base;
5. compare, file by file, and print a table and "N/N agree";
6. the run-time part: run every case of tests/data/truth-runtime/ in the
   image, each in its own process (scripts/truth_runtime_probe.py), and
   compare with `distrolint check` on the case files, with the same base.
   A case is one call whose outcome the image decides: find_library of
   libc, libssl, libmagic, of a library copied into the loader's directory
   after the ld.so.cache was made (trixie's libxml2) and of a name read at
   run time; CDLL of libc, libz (by soname and by a /usr/lib path, which
   Debian 12 does not have), libmagic; ctypes.cdll.libc; setlocale of
   en_US.UTF-8, a de_DE pair, C.UTF-8 and ""; ZoneInfo of Europe/Paris,
   US/Pacific, UTC and available_timezones().

On python3-debian12 there is one more part, before the packages are added:
the image is copied without /usr/share/zoneinfo, `distrolint bases import`
makes its manifest (which must say zoneinfo = false), and the zoneinfo cases
run there and are judged with --base-file of that manifest, where they must
fail and DL501 must fire; then again with the tzdata wheel from PyPI
installed in /usr/local/lib/python3.11/dist-packages (and that directory
scanned too, so distrolint sees the distribution), where they must work and
DL501 must not fire.

The chroot gets the character devices every container runtime creates
(/dev/null, /dev/zero, /dev/full, /dev/random, /dev/urandom) and nothing else:
without /dev/null, find_library's `ldconfig -p` cannot even start.

distrolint's verdict for an extension or library: "not-importable" when it
reports DL105; "missing:LIB" for a DL101 with first_missing and library LIB;
"version:V" for a DL102 needing V; any other error code by its code; "loads"
when it reports no error for the file. For a library that is not an extension module the
loader codes count at warning severity too: distrolint reports a library
nothing in the tree links to as a warning ("breaks only if something opens it
at run time"), and the probe is exactly that something (ctypes.CDLL).

distrolint's verdict for a run-time case: what its dlopen and data findings
say the call does (PREDICTED: DL402 "returns None", DL401 "raises OSError",
DL501 "raises zoneinfo.ZoneInfoNotFoundError" or "returns empty", ...), or
"works" when it reports none. The case agrees when the real outcome is one
the findings predict; a run-time finding on a file no case ran disagrees.

Needs root (chroot, and build-rootfs.sh keeps owners) and the package
registries (PyPI, the Debian archive) unless the cache is warm. Nothing that
was downloaded runs outside the chroot, and nothing is mounted into it.
About three minutes per base on two busy cores, most of it rebuilding the
root filesystem and scanning the packages; the run-time part takes seconds.

Exit status: 0 when every file agrees, 1 on any disagreement, 2 when the test
could not run.
"""

import argparse
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import tomllib

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = os.path.join(REPO, "scripts")

BASES = {
    "python3-debian12": {
        "suite": "bookworm",
        "python": "3.11",
        "tag": "cp311",
        "extra": ["cp313"],
        "site": "cp311",
        "copied": ["trixie"],
        # The same image with its zone data removed: what a base without
        # /usr/share/zoneinfo (Chainguard python) does, observable here.
        "zoneinfo-variant": True,
    },
    "python3-debian13": {
        "suite": "trixie",
        "python": "3.13",
        "tag": "cp313",
        "extra": ["cp311"],
        "site": "cp313",
        "copied": [],
        "zoneinfo-variant": False,
    },
}

# The run-time cases: one call per file (tests/data/truth-runtime/), run by
# scripts/truth_runtime_probe.py. The zoneinfo/ cases are also run on the
# variant without zone data, with and without the tzdata wheel.
RUNTIME_CASES = os.path.join(REPO, "tests", "data", "truth-runtime")
ZONEINFO_CASES = "zoneinfo"
# A library copied into the loader's default directory after the image's
# ld.so.cache was made, for find_library_copied_after_cache.py.
COPIED_AFTER_CACHE = ("copied-from-trixie", "libxml2.so.2", "/usr/lib/x86_64-linux-gnu")

# What each run-time finding says the call does when it runs; a case with no
# finding of these families must work.
RUNTIME_FAMILIES = ("dlopen", "data")
PREDICTED = {
    "DL401": {"raises OSError"},
    "DL402": {"returns None"},
    # The loader's OSError; Python 3.13's LibraryLoader re-raises it as
    # AttributeError.
    "DL403": {"raises OSError", "raises AttributeError"},
    "DL501": {"raises zoneinfo.ZoneInfoNotFoundError", "returns empty"},
    "DL502": {"raises locale.Error"},
}

# The character devices every container runtime creates in /dev (the OCI
# runtime spec's default devices). A chroot has none, and without /dev/null
# anything that spawns a process with stdin=DEVNULL fails: find_library's
# `ldconfig -p` among them, which then returns None on an image whose cache
# has the library.
CONTAINER_DEVICES = [
    ("null", 1, 3),
    ("zero", 1, 5),
    ("full", 1, 7),
    ("random", 1, 8),
    ("urandom", 1, 9),
]

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


def fetch_site():
    """The Wagtail site trees of fetch-wagtail-site.sh, by CPython tag."""
    script = os.path.join(SCRIPTS, "fetch-wagtail-site.sh")
    proc = run([script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sys.stderr.write(proc.stdout)
    if proc.returncode != 0:
        raise SetupError("fetch-wagtail-site.sh failed (exit %d)" % proc.returncode)
    for line in proc.stdout.splitlines():
        for marker in ("ready in ", "up to date in "):
            if line.startswith("fetch-wagtail-site: " + marker):
                return os.path.join(line.split(marker, 1)[1].strip(), "trees")
    raise SetupError("fetch-wagtail-site.sh did not say where its cache is")


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


def populate(base, rootfs, cache, sites):
    """Puts the real-world inputs into the image; returns the directories to
    probe and scan, as paths inside the image."""
    facts = BASES[base]
    # Where `COPY --from=build /mysite /mysite` leaves the site; the probe
    # imports its modules with /mysite first on sys.path, as
    # `python manage.py` run from WORKDIR /mysite does.
    copy_tree(os.path.join(sites, facts["site"], "mysite"), rootfs + "/mysite")
    trees = os.path.join(cache, "trees")
    local = "/usr/local/lib/python%s/dist-packages" % facts["python"]
    copy_tree(os.path.join(trees, facts["tag"], "site-packages"), rootfs + local)
    dirs = [local, "/mysite"]

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


def provide_devices(rootfs):
    """Creates the device nodes a container runtime would give the image."""
    dev = os.path.join(rootfs, "dev")
    os.makedirs(dev, exist_ok=True)
    for name, major, minor in CONTAINER_DEVICES:
        path = os.path.join(dev, name)
        if not os.path.exists(path):
            os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(major, minor))
            os.chmod(path, 0o666)


def add_runtime_cases(rootfs, subdirs=None):
    """Copies the run-time cases (all, or only SUBDIRS) and their probe into
    the image; returns the directory to probe and scan, inside the image."""
    inside = "/truth-runtime"
    for name in subdirs or sorted(os.listdir(RUNTIME_CASES)):
        copy_tree(os.path.join(RUNTIME_CASES, name), os.path.join(rootfs + inside, name))
    shutil.copy(
        os.path.join(SCRIPTS, "truth_runtime_probe.py"),
        os.path.join(rootfs, "truth_runtime_probe.py"),
    )
    return inside


def copy_library_after_cache(rootfs, cache):
    tree, name, directory = COPIED_AFTER_CACHE
    source = os.path.join(cache, "trees", tree, name)
    if not os.path.isfile(source):
        raise SetupError("%s is missing from the real-world cache" % source)
    os.makedirs(rootfs + directory, exist_ok=True)
    shutil.copy(source, os.path.join(rootfs + directory, name))


def without_zoneinfo(rootfs, variant):
    """A copy of the image as built, without its time-zone data."""
    proc = run(["cp", "-a", rootfs, variant])
    if proc.returncode != 0:
        raise SetupError("cannot copy %s" % rootfs)
    shutil.rmtree(os.path.join(variant, "usr", "share", "zoneinfo"))


def install_pure_wheels(rootfs, base, cache):
    """Installs the pure-Python wheels (tzdata) the way pip would put them
    in the image's dist-packages; returns that directory, inside the image."""
    local = "/usr/local/lib/python%s/dist-packages" % BASES[base]["python"]
    source = os.path.join(cache, "trees", "pure", "site-packages")
    if not os.path.isdir(os.path.join(source, "tzdata")):
        raise SetupError("the tzdata wheel is missing from " + source)
    copy_tree(source, rootfs + local)
    return local


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


def probe_runtime(rootfs, cases_dir):
    """Runs every run-time case for real, inside the image."""
    proc = run(
        ["chroot", rootfs, "/usr/bin/python3", "/truth_runtime_probe.py", cases_dir],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=IMAGE_ENV,
        text=True,
    )
    if proc.returncode != 0:
        raise SetupError("the run-time probe failed inside the image:\n" + proc.stderr[-4000:])
    return json.loads(proc.stdout)


def import_manifest(distrolint, base, rootfs, manifest):
    # The root filesystem does not say what LANG the image sets; the probes
    # run with the image's environment, so the manifest is told the same.
    cmd = [distrolint, "bases", "import", rootfs, "--name", base, "--lang", IMAGE_ENV["LANG"]]
    proc = run(cmd + ["-o", manifest])
    if proc.returncode != 0:
        raise SetupError("distrolint bases import failed (exit %d)" % proc.returncode)


def base_args(base, manifest=None):
    return ["--base-file", manifest] if manifest else ["--base", base]


def scan(distrolint, rootfs, dirs, judged_with):
    cmd = [distrolint, "check"] + [rootfs + d for d in dirs] + judged_with
    # Every file is compared, test suites' extension modules too.
    cmd += ["--format", "json", "--fail-on", "never", "--include-tests"]
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
            rows.append(unprobed_row(base, rootfs, path, errors))
    return rows


def unprobed_row(part, rootfs, path, findings):
    """A disagreement: distrolint judged a file the probe never ran."""
    return {
        "base": part,
        "path": "/" + os.path.relpath(path, rootfs),
        "module": os.path.basename(path),
        "kind": "unprobed",
        "real": "(not probed)",
        "distrolint": ",".join(sorted({f["code"] for f in findings})),
        "agree": False,
        "note": findings[0].get("message", ""),
        "codes": sorted({f["code"] for f in findings}),
    }


def runtime_prediction(findings):
    """distrolint's verdict on one case: what its findings say the call does."""
    codes = sorted({f["code"] for f in findings})
    if not codes:
        return "works", {"works"}
    expected = None
    for code in codes:
        outcomes = PREDICTED.get(code, set())
        expected = outcomes if expected is None else expected & outcomes
    return "%s: %s" % (",".join(codes), " or ".join(sorted(expected)) or "?"), expected


def compare_runtime(part, rootfs, probed, report):
    by_path = {}
    for finding in report.get("findings", []):
        if finding.get("family") in RUNTIME_FAMILIES:
            by_path.setdefault(os.path.normpath(finding["path"]), []).append(finding)
    rows = []
    for result in probed["results"]:
        findings = by_path.pop(os.path.normpath(rootfs + result["path"]), [])
        said, expected = runtime_prediction(findings)
        rows.append(
            {
                "base": part,
                "path": result["path"],
                "module": result["path"],
                "kind": "case",
                "real": result["outcome"],
                "distrolint": said,
                "agree": result["outcome"] in expected,
                "note": result.get("detail", ""),
                "codes": sorted({f["code"] for f in findings}),
            }
        )
    # Any run-time finding on a file no case ran: the scanned directories
    # hold nothing else these families should judge.
    rows += [unprobed_row(part, rootfs, p, f) for p, f in sorted(by_path.items())]
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


def test_base(base, args, distrolint, cache, sites, timer):
    work = tempfile.mkdtemp(prefix="distrolint-truth-%s-" % base)
    rootfs = os.path.join(work, "rootfs")
    try:
        timer.measure("%s: build rootfs" % base, build_rootfs, base, rootfs)
        provide_devices(rootfs)
        manifest = None
        if args.fresh_manifest:
            # Before anything is added: the image as distroless ships it.
            manifest = os.path.join(work, base + ".toml")
            import_manifest(distrolint, base, rootfs, manifest)
        rows = []
        if BASES[base]["zoneinfo-variant"]:
            rows += timer.measure(
                "%s: without zoneinfo" % base,
                test_without_zoneinfo, base, rootfs, work, distrolint, cache,
            )
        dirs = timer.measure("%s: add packages" % base, populate, base, rootfs, cache, sites)
        probed = timer.measure("%s: probe (chroot)" % base, probe, rootfs, dirs)
        report = timer.measure(
            "%s: distrolint check" % base, scan, distrolint, rootfs, dirs, base_args(base, manifest)
        )
        loading = compare(base, rootfs, probed, report)
        print_table(base, loading, dirs)
        rows += loading
        rows += timer.measure(
            "%s: run time" % base, test_runtime, base, rootfs, distrolint, cache, manifest
        )
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


def judge_runtime(part, distrolint, rootfs, cases_dir, judged_with, extra_dirs=(), facts=()):
    """Runs the cases in the image and scans them; prints and returns the
    rows, after FACTS (rows about the manifest the cases are judged with)."""
    probed = probe_runtime(rootfs, cases_dir)
    report = scan(distrolint, rootfs, [cases_dir, *extra_dirs], judged_with)
    rows = list(facts) + compare_runtime(part, rootfs, probed, report)
    print_table(part, rows, [cases_dir])
    return rows


def test_runtime(base, rootfs, distrolint, cache, manifest):
    """dlopen, find_library, locales and zoneinfo on the image as built (plus
    the packages the loading part added, which none of these calls reads)."""
    copy_library_after_cache(rootfs, cache)
    cases_dir = add_runtime_cases(rootfs)
    return judge_runtime(
        base + " run time", distrolint, rootfs, cases_dir, base_args(base, manifest)
    )


def zoneinfo_fact_row(part, rootfs, manifest):
    """Whether the imported manifest says what the variant has: the cases
    judged with it are only as right as this fact."""
    with open(manifest, "rb") as f:
        said = tomllib.load(f).get("facts", {}).get("zoneinfo")
    real = "present" if os.path.isdir(os.path.join(rootfs, "usr/share/zoneinfo")) else "absent"
    row = {
        "base": part,
        "path": "/usr/share/zoneinfo",
        "module": "(manifest fact) /usr/share/zoneinfo",
        "kind": "fact",
        "real": real,
        "distrolint": {True: "present", False: "absent"}.get(said, "zoneinfo = %r" % said),
        "note": "zoneinfo = %s in the imported manifest" % str(said).lower(),
        "codes": [],
    }
    row["agree"] = row["real"] == row["distrolint"]
    return row


def test_without_zoneinfo(base, rootfs, work, distrolint, cache):
    """The zoneinfo cases on the image without /usr/share/zoneinfo, judged
    with the manifest `bases import` makes of it; then with the tzdata wheel
    installed, which zoneinfo falls back to."""
    variant = os.path.join(work, "without-zoneinfo")
    name = base + "-without-zoneinfo"
    without_zoneinfo(rootfs, variant)
    manifest = os.path.join(work, name + ".toml")
    import_manifest(distrolint, name, variant, manifest)
    fact = zoneinfo_fact_row(name, variant, manifest)
    cases_dir = add_runtime_cases(variant, [ZONEINFO_CASES])
    rows = judge_runtime(
        name, distrolint, variant, cases_dir, ["--base-file", manifest], facts=[fact]
    )
    packages = install_pure_wheels(variant, base, cache)
    rows += judge_runtime(
        name + " + tzdata", distrolint, variant, cases_dir, ["--base-file", manifest], [packages]
    )
    shutil.rmtree(variant)
    return rows


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
        sites = timer.measure("fetch the Wagtail site", fetch_site)
        distrolint = timer.measure("build distrolint", find_distrolint, args.distrolint)
        for base in args.base or sorted(BASES):
            rows += test_base(base, args, distrolint, cache, sites, timer)
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
