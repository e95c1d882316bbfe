#!/usr/bin/env bash
# Fetches the labelled real applications of the precision and recall test
# (tests/real_world/realapps.rs, corpus/realapps/): for each
# corpus/realapps/APP/app.toml, the pinned source archive from PyPI.
#
#   scripts/fetch-realapps.sh [CACHE]
#
# CACHE defaults to $DISTROLINT_CACHE/realapps, else .cache/realapps in the
# repository. What it holds afterwards:
#
#   APP/PACKAGE-VERSION.tar.gz   the sdist as PyPI serves it
#   APP/src/                     the sdist unpacked, its top directory stripped,
#                                so the labels' paths are relative to it
#
# pip is the only network client: `pip download --no-deps --no-binary :all:`
# with the pinned sha256 required, so a changed archive is refused before pip
# prepares its metadata. Nothing unpacked is executed by distrolint's tests.
# A rerun with unchanged pins and complete trees touches no network.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
corpus="$repo/corpus/realapps"
cache=${1:-${DISTROLINT_CACHE:+$DISTROLINT_CACHE/realapps}}
cache=${cache:-$repo/.cache/realapps}
python=${PYTHON:-python3}

die() { echo "fetch-realapps: $*" >&2; exit 1; }
say() { echo "fetch-realapps: $*" >&2; }

shopt -s nullglob
pins=("$corpus"/*/app.toml)
shopt -u nullglob
((${#pins[@]})) || die "no $corpus/*/app.toml"

mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# One fetch at a time per cache (test binaries may overlap).
exec 9>"$cache/.lock"
flock 9

# The pins and this script decide what the trees contain; the labels do not.
stamp=$(cat "${pins[@]}" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1)
if [[ -f $cache/.stamp && $(cat "$cache/.stamp") == "$stamp" ]]; then
    say "up to date in $cache"
    exit 0
fi
rm -f "$cache/.stamp"

# `key = "value"` from app.toml; the file is ours, flat and quoted.
value() {
    sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p" "$2" | head -n 1
}
sha_of() { sha256sum "$1" | cut -d' ' -f1; }

for toml in "${pins[@]}"; do
    app=$(basename "$(dirname "$toml")")
    package=$(value package "$toml")
    version=$(value version "$toml")
    sha=$(value sha256 "$toml")
    [[ -n $package && -n $version && $sha =~ ^[0-9a-f]{64}$ ]] ||
        die "$toml: needs package, version and a sha256 of 64 hex digits"

    dir="$cache/$app"
    mkdir -p "$dir"
    # The archive's name is pip's business (normalised or not); find it by hash.
    archive=""
    for f in "$dir"/*.tar.gz "$dir"/*.zip; do
        [[ -f $f && $(sha_of "$f") == "$sha" ]] && archive=$f && break
    done
    if [[ -z $archive ]]; then
        say "downloading $package $version"
        rm -f "$dir"/*.tar.gz "$dir"/*.zip
        reqs=$(mktemp)
        echo "$package==$version --hash=sha256:$sha" >"$reqs"
        "$python" -m pip download --quiet --disable-pip-version-check \
            --no-deps --no-binary :all: --require-hashes -r "$reqs" -d "$dir" ||
            { rm -f "$reqs"; die "pip download failed for $package $version"; }
        rm -f "$reqs"
        for f in "$dir"/*.tar.gz "$dir"/*.zip; do
            [[ -f $f && $(sha_of "$f") == "$sha" ]] && archive=$f && break
        done
        [[ -n $archive ]] || die "$package $version: no downloaded archive has sha256 $sha"
    fi

    say "unpacking $(basename "$archive") into $dir/src"
    rm -rf "$dir/src"
    mkdir -p "$dir/src"
    case $archive in
    *.tar.gz) tar -xzf "$archive" -C "$dir/src" --strip-components=1 --no-same-owner ;;
    *.zip)
        # Zip has no --strip-components: unpack aside, then move the one top
        # directory's contents up.
        tmp=$(mktemp -d "$dir/unzip.XXXXXX")
        "$python" -m zipfile -e "$archive" "$tmp"
        tops=("$tmp"/*)
        ((${#tops[@]} == 1)) && [[ -d ${tops[0]} ]] || die "$archive: not one top directory"
        (shopt -s dotglob && mv "${tops[0]}"/* "$dir/src/")
        rm -rf "$tmp"
        ;;
    esac
done

# A directory of the cache no app.toml names any more is left over: drop it,
# so a removed app cannot linger in what the test scans.
shopt -s nullglob
for dir in "$cache"/*/; do
    app=$(basename "$dir")
    [[ -f $corpus/$app/app.toml ]] || rm -rf "$dir"
done
shopt -u nullglob

echo "$stamp" >"$cache/.stamp"
say "ready in $cache"
