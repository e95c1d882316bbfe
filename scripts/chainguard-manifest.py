#!/usr/bin/env python3
"""Writes the base manifest of a Chainguard Python image from a curated table.

    scripts/chainguard-manifest.py TSV VARIANT -o FILE [--date YYYY-MM-DD]

    TSV      the curated table (shared/reference/chainguard-python.tsv)
    VARIANT  latest or latest-dev

Wolfi's packages cannot be downloaded here, so `distrolint bases import`
cannot read a Chainguard root filesystem. The table lists what each variant
contains, row by row, with where each fact comes from: `lock` (the image's
lock file), `wolfi:<package>.yaml` (the package definition) or `inferred`
(an upstream default nobody confirmed). This script turns it into the same
manifest format, carries each row's package into the library and program
entries, and writes a provenance note for every inferred fact, so a reader
can tell curated data from data read off real files.

Paths are recorded as they are after Wolfi's merged-/usr links
(`/bin/sh` is `/usr/bin/sh`), the same way the importer records a real tree.
Only the Python standard library is used.
"""

import argparse
import csv
import datetime
import json
import os
import posixpath
import re
import sys

IMAGE = "cgr.dev/chainguard/python"
METHOD = (
    "curated by scripts/chainguard-manifest.py from the image's lock file "
    "(chainguard-images/images, images/python/locked_config.json) and the Wolfi "
    "package definitions (wolfi-dev/os); not read from a root filesystem, because "
    "the Wolfi packages cannot be downloaded where the manifests are generated"
)


def fail(message):
    print(f"chainguard-manifest: {message}", file=sys.stderr)
    sys.exit(1)


def read_rows(path, variant):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    wanted = [r for r in rows if r["variant"] in ("both", variant)]
    if not any(r["variant"] == variant for r in rows):
        fail(f"no row is specific to variant {variant!r} in {path}")
    return wanted


def meta(rows, key):
    for r in rows:
        if r["kind"] == "meta" and r["path"] == key:
            return r
    fail(f"the table has no meta row {key!r}")


def is_inferred(row):
    return "inferred" in row["provenance"]


def package_of(row):
    package = row["package"].strip()
    return None if package in ("", "-") else package


class Links:
    """Wolfi's directory links, to spell every path the way it resolves."""

    def __init__(self, text):
        self.links = []
        for pair in text.split():
            if "->" in pair:
                path, target = pair.split("->", 1)
                self.links.append((path, target))

    def resolve(self, path):
        path = posixpath.normpath(path)
        for _ in range(40):
            for link, target in self.links:
                if path == link or path.startswith(link + "/"):
                    base = target if target.startswith("/") else posixpath.join(posixpath.dirname(link), target)
                    path = posixpath.normpath(base + path[len(link):])
                    break
            else:
                return path
        return path


def first_version(text):
    match = re.match(r"\s*([0-9][0-9.]*)", text)
    if not match:
        fail(f"no version at the start of {text!r}")
    return match.group(1).rstrip(".")


def build(rows, variant, date):
    notes = []

    def note(row, what=None):
        if is_inferred(row):
            subject = what or row["path"]
            notes.append(f"inferred: {subject}: {row['extra']} [{row['provenance']}]")

    merged = meta(rows, "merged_usr")
    links = Links(merged["extra"].split(":", 1)[1] if ":" in merged["extra"] else merged["extra"])

    # The C library.
    glibc = meta(rows, "glibc_version")
    glibc_version = first_version(glibc["extra"])
    glibc_max = meta(rows, "glibc_max")
    newest_glibc = re.search(r"GLIBC_([0-9.]+)", glibc_max["extra"])
    note(glibc_max, "libc.newest-versions.GLIBC")
    libstdcxx = meta(rows, "libstdcxx")
    notes.append(
        "libc.newest-versions has no GLIBCXX, CXXABI or GCC entry: the table gives no exact "
        f"maximum ({libstdcxx['extra']}), so a version need in those families is never reported as missing"
    )

    # Python.
    python_exe = meta(rows, "python_executable")
    executable = python_exe["extra"].split(";")[0].strip()
    soabi = meta(rows, "python_soabi")["extra"].split(";")[0].strip()
    python_version = first_version(meta(rows, "python_version")["extra"])
    short = ".".join(python_version.split(".")[:2])

    # The environment.
    env = meta(rows, "image_env")["extra"]
    path_match = re.search(r"PATH=(\S+)", env)
    if not path_match:
        fail("image_env has no PATH")
    path_dirs = path_match.group(1).split(":")

    # Libraries.
    libraries = {}
    for r in rows:
        if r["kind"] != "soname":
            continue
        if "*" in r["path"]:
            notes.append(f"not listed one by one: {r['path']}: {r['extra']} [{r['provenance']}]")
            continue
        path = links.resolve(r["path"])
        if path in libraries:
            continue
        libraries[path] = {
            "path": path,
            "soname": r["extra"].split()[0],
            "package": package_of(r),
        }
        note(r)

    # Programs on PATH.
    executables = {}
    for r in rows:
        if r["kind"] != "exe":
            continue
        path = links.resolve(r["path"])
        if path in executables:
            continue
        extra = r["extra"]
        entry = {"path": path, "package": package_of(r)}
        if extra.startswith("symlink->"):
            entry["kind"] = "symlink"
            entry["link-target"] = extra[len("symlink->"):].split()[0]
        elif extra.startswith("script:#!"):
            entry["kind"] = "script"
            entry["interpreter"] = extra[len("script:#!"):].split(" (")[0].strip()
        else:
            # "ELF", "ELF/symlink", busybox applets: something that starts.
            entry["kind"] = "elf"
        executables[path] = entry
        note(r)

    def runnable(path, depth=0):
        entry = executables.get(links.resolve(path))
        if entry is None or depth > 8:
            return False
        if entry["kind"] == "elf":
            return True
        if entry["kind"] == "symlink":
            target = entry["link-target"]
            if not target.startswith("/"):
                target = posixpath.join(posixpath.dirname(entry["path"]), target)
            return runnable(target, depth + 1)
        interpreter = entry["interpreter"].split()
        if not runnable(interpreter[0], depth + 1):
            return False
        if posixpath.basename(interpreter[0]) == "env":
            return len(interpreter) > 1 and any(
                runnable(posixpath.join(d, interpreter[1]), depth + 1) for d in path_dirs
            )
        return True

    for entry in executables.values():
        entry["runnable"] = runnable(entry["path"])

    # Files whose absence breaks code.
    data = {r["path"]: r for r in rows if r["kind"] == "data"}

    def present(path):
        resolved = links.resolve(path)
        if resolved in executables:
            return True
        row = data.get(path)
        return row is not None and row["extra"].startswith("present")

    for r in data.values():
        note(r)
    locales = sorted(
        posixpath.basename(p)
        for p, r in data.items()
        if p.startswith("/usr/lib/locale/") and r["extra"].startswith("present")
    )
    ca_bundle = next(
        (p for p in ("/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem") if present(p)),
        None,
    )

    # The loader: the cache apko writes lists every soname in the
    # ld.so.conf directories; the trusted directories follow.
    search = meta(rows, "ld_search_path")
    trusted = re.search(r"trusted dirs (\S+)", search["extra"])
    if not trusted:
        fail("ld_search_path names no trusted dirs")
    conf = re.search(r"ld\.so\.conf -> ([^)\s]+)", search["extra"])
    conf_dirs = conf.group(1).split(",") if conf else []
    ld_so_cache = present("/etc/ld.so.cache")
    cache_entries = []
    if ld_so_cache:
        for lib in libraries.values():
            if posixpath.dirname(lib["path"]) in conf_dirs:
                cache_entries.append({"soname": lib["soname"], "path": lib["path"]})
        notes.append(
            "loader.cache-entries are inferred: apko runs ldconfig over "
            + ", ".join(conf_dirs)
            + ", so every library listed there is taken to be in the cache"
        )
    # One entry per soname, as ldconfig writes it: the file named like the
    # soname when there is one.
    by_soname = {}
    for e in sorted(cache_entries, key=lambda e: (posixpath.basename(e["path"]) != e["soname"], e["path"])):
        by_soname.setdefault(e["soname"], e["path"])
    cache_entries = sorted(by_soname.items())
    interpreter = next(
        (r["path"] for r in rows if r["kind"] == "soname" and r["path"].startswith("/lib64/ld-linux")),
        None,
    )

    # The user the image runs as and where: the table's `user` row reads
    # "65532 (nonroot; …); workdir unset (/)". Only a WORKDIR the row
    # names as set is written; unset is Docker's default, /.
    user_row = meta(rows, "user")
    run_as = user_row["extra"].split()[0]
    if not run_as.isdigit():
        fail(f"the user row does not start with a numeric uid: {user_row['extra']!r}")
    workdir_match = re.search(r"workdir (\S+)", user_row["extra"])
    workdir = None
    if workdir_match and workdir_match.group(1).startswith("/"):
        workdir = workdir_match.group(1)
    elif not (workdir_match and workdir_match.group(1) == "unset"):
        fail(f"the user row says nothing of the workdir: {user_row['extra']!r}")
    # The table says which accounts /etc/passwd has only in part (root from
    # wolfi-baselayout, nonroot added by apko), not the whole file: the
    # manifest lists none, so a USER name is not judged on this image.
    notes.append(
        "facts.accounts is not listed: the table names root and nonroot (65532) in "
        "/etc/passwd but not the rest of wolfi-baselayout's file, so a USER name is "
        "not checked against it"
    )

    # Packages from the lock file.
    packages = []
    for item in meta(rows, "apk_packages")["extra"].split(","):
        name, _, version = item.strip().rpartition("=")
        if name:
            packages.append({"name": name, "version": version, "source": "lock"})
    packages.sort(key=lambda p: (p["name"], p["version"]))

    if variant == "latest":
        summary = f"Chainguard Python {short} (Wolfi, glibc {glibc_version}): no shell, no pip, no tzdata"
        aliases = ["chainguard/python", "chainguard/python:latest"]
    else:
        summary = f"Chainguard Python {short} dev (Wolfi, glibc {glibc_version}): busybox shell, pip, gcc; no tzdata"
        aliases = ["chainguard/python:latest-dev"]

    link_entries = [{"path": p, "target": t} for p, t in sorted(links.links)]

    return {
        "name": f"chainguard-python-{variant}",
        "images": [f"{IMAGE}:{variant}"],
        "aliases": aliases,
        "summary": summary,
        "architecture": soabi.split("-")[2] if soabi.count("-") >= 3 else "x86_64",
        "libc": {
            "kind": "glibc",
            "version": glibc_version,
            "newest-versions": {"GLIBC": newest_glibc.group(1)} if newest_glibc else {},
        },
        "python": {
            "version": python_version,
            "soabi": soabi,
            "executable": links.resolve(executable),
            # CPython's own site.py with prefix /usr; no Debian dist-packages.
            "package-dirs": [f"/usr/lib/python{short}/site-packages"],
        },
        "loader": {
            "interpreter": interpreter,
            "ld-so-cache": ld_so_cache,
            "cache-entries": [{"soname": s, "path": p} for s, p in cache_entries],
            "default-search-path": trusted.group(1).split(":"),
        },
        "facts": {
            "bin-sh": present("/bin/sh"),
            "usr-bin-env": present("/usr/bin/env"),
            "zoneinfo": present("/usr/share/zoneinfo"),
            "zoneinfo-legacy": present("/usr/share/zoneinfo/US/Pacific"),
            "ca-bundle": ca_bundle,
            "locales": locales,
            # The image config's ENTRYPOINT: an exec-form CMD is handed to it.
            "entrypoint": meta(rows, "entrypoint")["extra"].split()[:1],
            # The image config's USER (the lock's accounts.run-as); its
            # WORKDIR is left unset, which Docker takes as /.
            "user": run_as,
            "workdir": workdir,
            "ldconfig": present("/sbin/ldconfig"),
            "path": path_dirs,
        },
        "links": link_entries,
        "libraries": [libraries[p] for p in sorted(libraries)],
        "executables": [executables[p] for p in sorted(executables)],
        "provenance": {
            "method": METHOD,
            "date": date,
            "packages": packages,
            "notes": notes,
        },
    }


# --- a small TOML writer for this shape of data -------------------------------


def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r}")


def is_table_array(value):
    return isinstance(value, list) and value and all(isinstance(v, dict) for v in value)


def write_table(lines, prefix, table):
    """Plain keys first (TOML needs them before any header), then sub-tables
    and arrays of tables in the order the manifest format lists them."""
    for key, value in table.items():
        if value is None or isinstance(value, dict) or is_table_array(value):
            continue
        one_line = f"{key} = {toml_value(value)}"
        if isinstance(value, list) and len(one_line) > 100:
            lines.append(f"{key} = [")
            lines.extend(f"    {toml_value(v)}," for v in value)
            lines.append("]")
        else:
            lines.append(one_line)
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            lines.append("")
            lines.append(f"[{name}]")
            write_table(lines, f"{name}.", value)
        elif is_table_array(value):
            for item in value:
                lines.append("")
                lines.append(f"[[{name}]]")
                write_table(lines, f"{name}.", item)


def to_toml(manifest, source):
    lines = [
        f"# Generated by scripts/chainguard-manifest.py from {source}; do not edit.",
        "# Curated data, not read from a root filesystem: see provenance.",
        "",
    ]
    write_table(lines, "", manifest)
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tsv")
    parser.add_argument("variant", choices=["latest", "latest-dev"])
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--date", help="ISO date for the provenance (default: SOURCE_DATE_EPOCH, else today)")
    args = parser.parse_args()

    date = args.date
    if not date:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        moment = (
            datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
            if epoch
            else datetime.datetime.now(datetime.timezone.utc)
        )
        date = moment.date().isoformat()

    rows = read_rows(args.tsv, args.variant)
    manifest = build(rows, args.variant, date)
    text = to_toml(manifest, posixpath.basename(args.tsv))
    try:
        import tomllib  # Python 3.11+: check that what we wrote reads back.

        tomllib.loads(text)
    except ImportError:
        pass
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
