#!/usr/bin/env bash
# Fetches the pinned real-world inputs of the real-world and truth tests and
# unpacks them into trees distrolint can scan.
#
#   scripts/fetch-real-world.sh [CACHE]
#
# CACHE defaults to $DISTROLINT_CACHE/real-world, else .cache/real-world in
# the repository. What it holds afterwards:
#
#   wheels/*.whl                      manylinux wheels from PyPI, and pure-Python ones
#   debs/SUITE/*.deb                  Debian packages (bookworm, trixie)
#   trees/cp311/site-packages         the cp311 wheels unpacked (with .dist-info)
#   trees/cp313/site-packages         the cp313 wheels unpacked
#   trees/pure/site-packages          the pure-Python wheels unpacked (tzdata)
#   trees/deb-SUITE/                  the SUITE debs unpacked with dpkg -x; the
#                                     extensions are in usr/lib/python3/dist-packages
#   trees/copied-from-SUITE/          shared libraries of SUITE, each under its
#                                     soname, as `COPY --from=build` leaves them
#   versions.tsv                      what was actually fetched
#
# The pins live in tests/data/real-world.lock. Nothing is executed from the
# downloads: wheels are unzipped, debs unpacked. A rerun with an unchanged lock
# file and complete trees touches no network.
#
# Debian packages come through apt with a private configuration (sources,
# lists and cache under CACHE/apt/SUITE) so the machine's own apt state is left
# alone. The mirror is the one the machine's apt sources use for its own
# release, found at run time, or $DISTROLINT_DEBIAN_MIRROR.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
lock="$repo/tests/data/real-world.lock"
cache=${1:-${DISTROLINT_CACHE:+$DISTROLINT_CACHE/real-world}}
cache=${cache:-$repo/.cache/real-world}
python=${PYTHON:-python3}

die() { echo "fetch-real-world: $*" >&2; exit 1; }
say() { echo "fetch-real-world: $*" >&2; }

[[ -r $lock ]] || die "lock file $lock is missing"
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# One fetch at a time per cache (test binaries and CI may overlap).
exec 9>"$cache/.lock"
flock 9

# The lock file and this script together decide what the trees contain.
stamp=$(cat "$lock" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1)
if [[ -f $cache/.stamp && $(cat "$cache/.stamp") == "$stamp" ]]; then
    say "up to date in $cache"
    cat "$cache/versions.tsv"
    exit 0
fi
rm -f "$cache/.stamp"

# --- wheels ------------------------------------------------------------------

# Newest manylinux level accepted: glibc 2.28, below python3-debian12's 2.36.
platforms=(--platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64
    --platform manylinux_2_26_x86_64 --platform manylinux_2_17_x86_64
    --platform manylinux2014_x86_64)

mkdir -p "$cache/wheels"
sha_of() { sha256sum "$1" | cut -d' ' -f1; }

tags=$(awk '$1 == "wheel" { print $2 }' "$lock" | sort -u)
for tag in $tags; do
    pyver="${tag:2:1}.${tag:3}"
    reqs=$(mktemp)
    while read -r _ _ dist version file sha; do
        if [[ -f $cache/wheels/$file && $(sha_of "$cache/wheels/$file") == "$sha" ]]; then
            continue
        fi
        echo "$dist==$version --hash=sha256:$sha" >>"$reqs"
    done < <(awk -v t="$tag" '$1 == "wheel" && $2 == t' "$lock")
    if [[ -s $reqs ]]; then
        say "downloading $(wc -l <"$reqs") wheel(s) for CPython $pyver"
        "$python" -m pip download --quiet --disable-pip-version-check \
            --no-deps --only-binary=:all: --implementation cp \
            --python-version "$pyver" "${platforms[@]}" \
            --require-hashes -r "$reqs" -d "$cache/wheels" ||
            { rm -f "$reqs"; die "pip download failed for CPython $pyver"; }
    fi
    rm -f "$reqs"
    # pip has verified the hashes; check again that the very files are here.
    while read -r _ _ dist version file sha; do
        [[ -f $cache/wheels/$file ]] || die "$dist $version: expected $file, pip saved something else"
        [[ $(sha_of "$cache/wheels/$file") == "$sha" ]] || die "$file: sha256 mismatch"
    done < <(awk -v t="$tag" '$1 == "wheel" && $2 == t' "$lock")
done

# Pure-Python wheels (py3-none-any) serve every Python: no platform to ask for.
reqs=$(mktemp)
while read -r _ dist version file sha; do
    if [[ -f $cache/wheels/$file && $(sha_of "$cache/wheels/$file") == "$sha" ]]; then
        continue
    fi
    echo "$dist==$version --hash=sha256:$sha" >>"$reqs"
done < <(awk '$1 == "pure"' "$lock")
if [[ -s $reqs ]]; then
    say "downloading $(wc -l <"$reqs") pure-Python wheel(s)"
    "$python" -m pip download --quiet --disable-pip-version-check \
        --no-deps --only-binary=:all: --require-hashes -r "$reqs" -d "$cache/wheels" ||
        { rm -f "$reqs"; die "pip download failed for the pure-Python wheels"; }
fi
rm -f "$reqs"
while read -r _ dist version file sha; do
    [[ -f $cache/wheels/$file ]] || die "$dist $version: expected $file, pip saved something else"
    [[ $(sha_of "$cache/wheels/$file") == "$sha" ]] || die "$file: sha256 mismatch"
done < <(awk '$1 == "pure"' "$lock")

# --- Debian packages -----------------------------------------------------------

# The machine's Debian mirror: the first deb source serving its own release
# with component main, from deb822 .sources files or one-line .list files.
debian_mirror() {
    if [[ -n ${DISTROLINT_DEBIAN_MIRROR:-} ]]; then
        echo "$DISTROLINT_DEBIAN_MIRROR"
        return
    fi
    local codename
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [[ -n $codename ]] || return 1
    local files=()
    shopt -s nullglob
    files+=(/etc/apt/sources.list.d/*.sources)
    shopt -u nullglob
    if ((${#files[@]})); then
        awk -v want="$codename" '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " want " ") &&
                    (" " comps " ") ~ / main / && uris != "" && !found) {
                    split(uris, u, " "); print u[1]; found = 1
                }
                types = suites = comps = uris = ""
            }
            FNR == 1 { flush() }
            /^[[:space:]]*$/ { flush(); next }
            /^[[:space:]]*#/ { next }
            { key = $1; sub(/:$/, "", key); $1 = ""; sub(/^ +/, "") }
            key == "Types" { types = $0 } key == "Suites" { suites = $0 }
            key == "Components" { comps = $0 } key == "URIs" { uris = $0 }
            END { flush() }' "${files[@]}" | head -n1 | grep . && return
    fi
    shopt -s nullglob
    files=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list)
    shopt -u nullglob
    ((${#files[@]})) || return 1
    sed -e 's/#.*//' -e 's/\[[^]]*\]//' "${files[@]}" |
        awk -v want="$codename" '$1 == "deb" && $3 == want {
            for (i = 4; i <= NF; i++) if ($i == "main") { print $2; exit } }' |
        head -n1 | grep .
}

# The keyring the machine's sources use, when there is one.
debian_keyring() {
    local k=/usr/share/keyrings/debian-archive-keyring.gpg
    [[ -r $k ]] && echo "[signed-by=$k] "
    return 0
}

declare -A apt_ready=()
apt_opts=()
apt_for() {
    local suite=$1 d="$cache/apt/$1"
    apt_opts=(-o "Dir::Etc::sourcelist=$d/etc/sources.list" -o Dir::Etc::sourceparts=-
        -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache"
        -o "Dir::Etc::preferences=$d/etc/preferences" -o "Dir::Etc::preferencesparts=$d/etc/preferences.d"
        -o Acquire::Languages=none -o APT::Sandbox::User=root)
    [[ -n ${apt_ready[$suite]:-} ]] && return
    local mirror
    mirror=$(debian_mirror) || die "cannot find the machine's Debian mirror in /etc/apt; set DISTROLINT_DEBIAN_MIRROR"
    mkdir -p "$d/etc/preferences.d" "$d/lists/partial" "$d/cache/archives/partial"
    echo "deb $(debian_keyring)$mirror $suite main" >"$d/etc/sources.list"
    say "apt-get update for $suite"
    apt-get "${apt_opts[@]}" -qq update >&2 || die "apt-get update for $suite failed"
    apt_ready[$suite]=1
}

# Prints the .deb in DIR holding PACKAGE (at VERSION when given).
deb_in() {
    local dir=$1 pkg=$2 ver=${3:-} f
    for f in "$dir"/*.deb; do
        [[ -f $f ]] || continue
        [[ $(dpkg-deb -f "$f" Package) == "$pkg" ]] || continue
        [[ -z $ver || $(dpkg-deb -f "$f" Version) == "$ver" ]] || continue
        echo "$f"
        return 0
    done
    return 1
}

# "deb" packages go to debs/SUITE, "copied" ones to debs/SUITE-copied.
while read -r kind suite pkg ver; do
    dir="$cache/debs/$suite"
    [[ $kind == copied ]] && dir+=-copied
    mkdir -p "$dir"
    deb_in "$dir" "$pkg" "$ver" >/dev/null && continue
    apt_for "$suite"
    rm -f "$dir/${pkg}"_*.deb
    if ! (cd "$dir" && apt-get "${apt_opts[@]}" -qq download "$pkg=$ver" >&2); then
        say "WARNING: $pkg $ver is no longer in $suite; taking the current version (update $lock)"
        (cd "$dir" && apt-get "${apt_opts[@]}" -qq download "$pkg" >&2) ||
            die "apt-get download $pkg from $suite failed"
    fi
done < <(awk '$1 == "deb" || $1 == "copied"' "$lock")

# --- trees ---------------------------------------------------------------------

rm -rf "$cache/trees"
mkdir -p "$cache/trees"
versions="$cache/versions.tsv.tmp"
printf 'kind\ttree\tname\tversion\tfile\n' >"$versions"

for tag in $tags; do
    dest="$cache/trees/$tag/site-packages"
    mkdir -p "$dest"
    while read -r _ _ dist version file _; do
        "$python" -m zipfile -e "$cache/wheels/$file" "$dest" ||
            die "cannot unpack $file"
        printf 'wheel\t%s\t%s\t%s\t%s\n' "$tag" "$dist" "$version" "$file" >>"$versions"
    done < <(awk -v t="$tag" '$1 == "wheel" && $2 == t' "$lock")
done

mkdir -p "$cache/trees/pure/site-packages"
while read -r _ dist version file _; do
    "$python" -m zipfile -e "$cache/wheels/$file" "$cache/trees/pure/site-packages" ||
        die "cannot unpack $file"
    printf 'wheel\tpure\t%s\t%s\t%s\n' "$dist" "$version" "$file" >>"$versions"
done < <(awk '$1 == "pure"' "$lock")

while read -r _ suite pkg _; do
    deb=$(deb_in "$cache/debs/$suite" "$pkg") || die "no $pkg deb for $suite"
    dpkg-deb -x "$deb" "$cache/trees/deb-$suite" || die "cannot unpack $deb"
    printf 'deb\tdeb-%s\t%s\t%s\t%s\n' "$suite" "$pkg" \
        "$(dpkg-deb -f "$deb" Version)" "${deb#"$cache/"}" >>"$versions"
done < <(awk '$1 == "deb"' "$lock")

while read -r _ suite pkg _; do
    deb=$(deb_in "$cache/debs/$suite-copied" "$pkg") || die "no $pkg deb for $suite"
    unpacked=$(mktemp -d)
    dpkg-deb -x "$deb" "$unpacked" || die "cannot unpack $deb"
    dest="$cache/trees/copied-from-$suite"
    mkdir -p "$dest"
    # The soname links (libxml2.so.2 -> libxml2.so.2.9.14), dereferenced.
    find "$unpacked/usr/lib" -type l -name 'lib*.so.[0-9]*' -exec cp -L {} "$dest/" \;
    rm -rf "$unpacked"
    printf 'copied\tcopied-from-%s\t%s\t%s\t%s\n' "$suite" "$pkg" \
        "$(dpkg-deb -f "$deb" Version)" "${deb#"$cache/"}" >>"$versions"
done < <(awk '$1 == "copied"' "$lock")

mv "$versions" "$cache/versions.tsv"
echo "$stamp" >"$cache/.stamp"
say "ready in $cache"
cat "$cache/versions.tsv"
