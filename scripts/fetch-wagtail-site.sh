#!/usr/bin/env bash
# Builds the Wagtail site of the pip-install-into-the-project scenario
# (tests/real_world/wagtail_site.rs, corpus/sites/wagtail/): `wagtail start mysite`,
# then the site's requirements installed with `pip install -t .` for each
# Python a target base runs, as the build stage of the team's Dockerfile
# would leave /mysite before `COPY --from=build /mysite /mysite`.
#
#   scripts/fetch-wagtail-site.sh [CACHE]
#
# CACHE defaults to $DISTROLINT_CACHE/wagtail-site, else .cache/wagtail-site
# in the repository. What it holds afterwards:
#
#   host/                   a venv of this machine's python3 with the pinned
#                           wagtail, used only to run `wagtail start`
#   site/mysite             the generated project, as `wagtail start` wrote it
#   trees/TAG/mysite        the project with its requirements installed by
#                           `pip install -t .` for CPython TAG (cp311, cp313,
#                           cp314), manylinux wheels only
#   trees/cp314-tzdata/mysite   the cp314 tree plus `pip install tzdata -t .`
#   versions.tsv            what each tree holds (distribution, version)
#
# The pins live in tests/data/wagtail-site.lock. Nothing under trees/ is
# executed: pip unpacks wheels there (--no-compile, so not even the
# byte-compiler reads them), and `wagtail start` runs from host/. A rerun
# with an unchanged lock file and complete trees touches no network.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
lock="$repo/tests/data/wagtail-site.lock"
cache=${1:-${DISTROLINT_CACHE:+$DISTROLINT_CACHE/wagtail-site}}
cache=${cache:-$repo/.cache/wagtail-site}
python=${PYTHON:-python3}

die() { echo "fetch-wagtail-site: $*" >&2; exit 1; }
say() { echo "fetch-wagtail-site: $*" >&2; }

[[ -r $lock ]] || die "lock file $lock is missing"
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# One build at a time per cache (test binaries may overlap).
exec 9>"$cache/.lock"
flock 9

stamp=$(cat "$lock" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1)
if [[ -f $cache/.stamp && $(cat "$cache/.stamp") == "$stamp" ]]; then
    say "up to date in $cache"
    exit 0
fi
rm -rf "$cache/.stamp" "$cache/host" "$cache/site" "$cache/trees" "$cache/versions.tsv"

pins() { awk -v k="$1" '$1 == k { print $2 "==" $3 }' "$lock"; }

say "installing the site generator into $cache/host"
"$python" -m venv "$cache/host"
host_pip=("$cache/host/bin/python" -m pip --disable-pip-version-check --quiet)
"${host_pip[@]}" install $(pins host)

say "generating the site (wagtail start mysite)"
mkdir -p "$cache/site"
(cd "$cache/site" && "$cache/host/bin/wagtail" start mysite >/dev/null)

# Newest manylinux level accepted: glibc 2.28, below python3-debian12's 2.36.
platforms=(--platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64
    --platform manylinux_2_26_x86_64 --platform manylinux_2_17_x86_64
    --platform manylinux2014_x86_64)

install_into() {
    local tag=$1 tree=$2
    shift 2
    local pyver="${tag:2:1}.${tag:3}"
    local constraints
    constraints=$(mktemp)
    awk -v t="$tag" '$1 == "pin" && $2 == t { print $3 "==" $4 }' "$lock" >"$constraints"
    [[ -s $constraints ]] || die "no pins for $tag in $lock"
    "${host_pip[@]}" install --no-compile --target "$tree" \
        --python-version "$pyver" --implementation cp --abi "$tag" "${platforms[@]}" \
        --only-binary=:all: --constraint "$constraints" "$@"
    rm -f "$constraints"
}

for tag in $(awk '$1 == "pin" { print $2 }' "$lock" | sort -u); do
    say "installing the requirements for $tag"
    tree="$cache/trees/$tag/mysite"
    mkdir -p "$(dirname "$tree")"
    cp -a "$cache/site/mysite" "$tree"
    install_into "$tag" "$tree" -r "$tree/requirements.txt"
done

say "adding tzdata to a copy of the cp314 tree"
cp -a "$cache/trees/cp314" "$cache/trees/cp314-tzdata"
tz=$(awk '$1 == "tzdata" { print $2 }' "$lock")
"${host_pip[@]}" install --no-compile --no-deps --only-binary=:all: \
    --target "$cache/trees/cp314-tzdata/mysite" "tzdata==$tz"

# What was installed, from the trees themselves.
for tree in "$cache"/trees/*/mysite; do
    variant=$(basename "$(dirname "$tree")")
    for meta in "$tree"/*.dist-info/METADATA; do
        name=$(sed -n 's/^Name: //p' "$meta" | head -n 1 | tr -d '\r')
        version=$(sed -n 's/^Version: //p' "$meta" | head -n 1 | tr -d '\r')
        printf '%s\t%s\t%s\n' "$variant" "$name" "$version"
    done
done >"$cache/versions.tsv"

echo "$stamp" >"$cache/.stamp"
say "ready in $cache"
