#!/usr/bin/env bash
# Rebuilds the root filesystem of a Google distroless image from Debian
# packages, the way distroless itself assembles it, so that
# `distrolint bases import` can read the real files.
#
#   scripts/build-rootfs.sh IMAGE OUTDIR
#
# IMAGE is one of static, base-nossl, base, cc, python3, each with -debian12
# (bookworm) or -debian13 (trixie). Distroless unpacks exactly the packages it
# lists, with no dependency resolution, each image on top of the one below it
# (static -> base-nossl / base -> cc -> python3); this script does the same and
# then adds the files distroless writes itself (users, nsswitch.conf, the CA
# bundle, the dpkg status.d entries, the python links, ld.so.cache).
#
# apt runs with a private configuration under $DISTROLINT_CACHE/apt/<suite>
# (default .cache/apt/<suite> in the repository), so the machine's own apt
# state is never touched. The Debian mirror is taken from the machine's apt
# sources at run time. Nothing is pinned: the versions unpacked are recorded
# in var/lib/dpkg/status.d, and from there in the manifest's provenance.
# Downloaded .deb files are kept in the cache; running the script again
# rebuilds OUTDIR from them.
#
# Needs root (files keep their owners; ldconfig runs under chroot), apt-get,
# dpkg-deb and GNU tar.

set -euo pipefail

usage() {
    echo "usage: $0 IMAGE OUTDIR" >&2
    echo "  IMAGE: {static,base-nossl,base,cc,python3}-debian{12,13}" >&2
    exit 2
}

[[ $# -eq 2 ]] || usage
image=$1
outdir=$2

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache_root=${DISTROLINT_CACHE:-$repo_root/.cache}
arch=${DISTROLINT_ARCH:-$(dpkg --print-architecture)}
# Package lists older than this are refreshed (seconds).
max_list_age=${DISTROLINT_APT_MAX_AGE:-21600}

log() { echo "build-rootfs: $*" >&2; }
die() { log "$*"; exit 1; }

# --- which packages ---------------------------------------------------------

flavour=${image%-debian*}
release=${image##*-}
case $release in
    debian12) suite=bookworm; python=3.11 ;;
    debian13) suite=trixie; python=3.13 ;;
    *) usage ;;
esac

# The lists distroless declares per image (static/config.bzl,
# base/config.bzl, cc/config.bzl, python3/config.bzl and the bookworm python
# lock), cumulative from static up.
declare -A added
added[static-debian12]="base-files netbase tzdata media-types"
added[base-nossl-debian12]="libc6"
added[base-debian12]="libc6 libssl3"
added[cc-debian12]="libgomp1 libstdc++6 libgcc-s1 gcc-12-base"
added[python3-debian12]="libbz2-1.0 libdb5.3 libexpat1 liblzma5 libsqlite3-0 libuuid1 libncursesw6 libtinfo6 python3-distutils zlib1g libcom-err2 libcrypt1 libgssapi-krb5-2 libk5crypto3 libkeyutils1 libkrb5-3 libkrb5support0 libnsl2 libreadline8 libtirpc3 libffi8 libpython3.11-minimal libpython3.11-stdlib python3.11-minimal"
added[static-debian13]="base-files netbase tzdata tzdata-legacy media-types"
added[base-nossl-debian13]="libc6"
added[base-debian13]="libc6 libssl3t64 libzstd1 zlib1g"
added[cc-debian13]="libgomp1 libstdc++6 libgcc-s1 gcc-14-base"
added[python3-debian13]="libbz2-1.0 libdb5.3t64 libexpat1 liblzma5 libsqlite3-0 libuuid1 libncursesw6 libtinfo6 zlib1g libcom-err2 libcrypt1 libc-bin libgssapi-krb5-2 libk5crypto3 libkeyutils1 libkrb5-3 libkrb5support0 libnsl2 libreadline8t64 libtirpc3t64 libffi8 libpython3.13-minimal libpython3.13-stdlib python3.13-minimal python3.13-venv"

case $flavour in
    static) layers="static" ;;
    base-nossl) layers="static base-nossl" ;;
    base) layers="static base" ;;
    cc) layers="static base cc" ;;
    python3) layers="static base cc python3" ;;
    *) usage ;;
esac

packages=()
for layer in $layers; do
    for pkg in ${added[$layer-$release]}; do
        [[ " ${packages[*]-} " == *" $pkg "* ]] || packages+=("$pkg")
    done
done

# --- a private apt for the suite ---------------------------------------------

# Prints "URI SUITE..." for every enabled Debian source of the machine, from
# both the one-line and the deb822 formats.
machine_sources() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f $f ]] || continue
        # deb [options] URI SUITE COMPONENT...
        sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" |
            awk '$1 == "deb" && NF >= 3 { print $2, $3 }'
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] || continue
        awk '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && enabled != "no" && uris != "")
                    print uris "\t" suites
                types = ""; uris = ""; suites = ""; enabled = ""
            }
            /^[[:space:]]*#/ { next }
            /^[[:space:]]*$/ { flush(); next }
            tolower($1) == "types:" { $1 = ""; types = $0 }
            tolower($1) == "uris:" { $1 = ""; uris = $0 }
            tolower($1) == "suites:" { $1 = ""; suites = $0 }
            tolower($1) == "enabled:" { enabled = tolower($2) }
            END { flush() }
        ' "$f" | while IFS=$'\t' read -r uris suites; do
            for uri in $uris; do echo "$uri" $suites; done
        done
    done
}

# The first source carrying a Debian release (not security) gives the main
# mirror; the first carrying a -security suite gives the security mirror.
debian_mirror=""
security_mirror=""
while read -r uri suites; do
    for s in $suites; do
        case $s in
            *-security)
                [[ -n $security_mirror ]] || security_mirror=$uri ;;
            buster|bullseye|bookworm|trixie|forky|sid|oldstable|stable|testing|unstable|*-updates)
                [[ -n $debian_mirror ]] || debian_mirror=$uri ;;
        esac
    done
done < <(machine_sources)
[[ -n $debian_mirror ]] || die "no Debian mirror found in /etc/apt/sources.list or /etc/apt/sources.list.d/"

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -f $keyring ]] || die "$keyring is missing (install debian-archive-keyring)"

apt_dir=$cache_root/apt/$suite
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs" "$apt_dir/etc/preferences.d"
sources_list=$apt_dir/etc/sources.list
{
    echo "deb [signed-by=$keyring] $debian_mirror $suite main"
    echo "deb [signed-by=$keyring] $debian_mirror $suite-updates main"
    if [[ -n $security_mirror ]]; then
        echo "deb [signed-by=$keyring] $security_mirror $suite-security main"
    fi
} > "$sources_list.new"
if ! cmp -s "$sources_list.new" "$sources_list" 2>/dev/null; then
    mv "$sources_list.new" "$sources_list"
    rm -f "$apt_dir/updated"
else
    rm -f "$sources_list.new"
fi
: > "$apt_dir/status"

apt_opts=(
    -o "Dir::Etc::sourcelist=$sources_list"
    -o "Dir::Etc::sourceparts=-"
    -o "Dir::Etc::preferences=$apt_dir/etc/preferences"
    -o "Dir::Etc::preferencesparts=$apt_dir/etc/preferences.d"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::State::status=$apt_dir/status"
    -o "Dir::Cache=$apt_dir/cache"
    -o "APT::Architecture=$arch"
    -o "APT::Architectures=$arch"
    -o "APT::Get::List-Cleanup=true"
    -o "Debug::NoLocking=true"
    -o "APT::Sandbox::User=root"
)

now=$(date +%s)
last=$(cat "$apt_dir/updated" 2>/dev/null || echo 0)
if (( now - last > max_list_age )); then
    log "updating package lists for $suite"
    if apt-get "${apt_opts[@]}" -q update >&2; then
        echo "$now" > "$apt_dir/updated"
    else
        # A missing -updates or -security suite is not fatal as long as the
        # main suite's list arrived.
        compgen -G "$apt_dir/lists/*_dists_${suite}_main_binary-${arch}_Packages*" > /dev/null ||
            die "apt-get update failed for $suite"
        log "warning: apt-get update reported errors; using the lists that arrived"
    fi
fi

# --- download (cached) -----------------------------------------------------

# Fetches PKG's candidate into the cache unless it is there already, and
# prints the path of its .deb.
fetch() {
    local pkg=$1 fields version filename deb tmp
    fields=$(apt-cache "${apt_opts[@]}" show --no-all-versions "$pkg" 2>/dev/null) ||
        die "package $pkg does not exist in $suite"
    version=$(awk '/^Version:/ { print $2; exit }' <<< "$fields")
    filename=$(awk '/^Filename:/ { print $2; exit }' <<< "$fields")
    [[ -n $version && -n $filename ]] || die "no candidate for $pkg in $suite"
    deb=$apt_dir/debs/$(basename "$filename")
    if [[ ! -s $deb ]]; then
        log "downloading $pkg $version"
        tmp=$(mktemp -d "$apt_dir/debs/.download.XXXXXX")
        (cd "$tmp" && apt-get "${apt_opts[@]}" -q download "$pkg=$version" >&2)
        mv "$tmp"/*.deb "$deb"
        rmdir "$tmp"
    fi
    echo "$deb"
}

debs=()
for pkg in "${packages[@]}"; do
    debs+=("$(fetch "$pkg")")
done
ca_deb=$(fetch ca-certificates)

# --- unpack ----------------------------------------------------------------

if [[ -e $outdir ]]; then
    if [[ -n $(ls -A "$outdir") && ! -d $outdir/var/lib/dpkg/status.d ]]; then
        die "$outdir exists and is not a root filesystem this script made; refusing to replace it"
    fi
    rm -rf "$outdir"
fi
mkdir -p "$outdir"
chmod 0755 "$outdir"

# Unpacks a .deb like `dpkg -x`, but keeps directory symlinks already in
# OUTDIR (base-files' merged-/usr links) instead of replacing them with
# directories, as dpkg itself does when it installs.
unpack() {
    dpkg-deb --fsys-tarfile "$1" | tar -C "$outdir" --keep-directory-symlink -xf -
}

mkdir -p "$outdir/var/lib/dpkg/status.d"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
ctl=$scratch/control
mkdir -p "$ctl"
for i in "${!packages[@]}"; do
    pkg=${packages[$i]}
    deb=${debs[$i]}
    unpack "$deb"
    # The package's control file, and its md5sums, as distroless records them.
    dpkg-deb -f "$deb" > "$outdir/var/lib/dpkg/status.d/$pkg"
    rm -rf "$ctl/$pkg"
    dpkg-deb -e "$deb" "$ctl/$pkg"
    if [[ -f $ctl/$pkg/md5sums ]]; then
        cp "$ctl/$pkg/md5sums" "$outdir/var/lib/dpkg/status.d/$pkg.md5sums"
    fi
done
chmod 0644 "$outdir"/var/lib/dpkg/status.d/*

# debian13 images are merged-/usr. Make the links if base-files did not ship
# them, moving anything a package put under the old spelling.
if [[ $release == debian13 ]]; then
    for dir in bin sbin lib lib64; do
        if [[ -L $outdir/$dir ]]; then
            continue
        fi
        mkdir -p "$outdir/usr/$dir"
        if [[ -d $outdir/$dir ]]; then
            log "merging /$dir into /usr/$dir"
            tar -C "$outdir/$dir" -cf - . | tar -C "$outdir/usr/$dir" --keep-directory-symlink -xf -
            rm -rf "${outdir:?}/$dir"
        fi
        ln -s "usr/$dir" "$outdir/$dir"
    done
fi

# --- what distroless adds itself ---------------------------------------------

mkdir -p "$outdir/etc"
cat > "$outdir/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat > "$outdir/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
tty:x:5:
staff:x:50:
nonroot:x:65532:
EOF
cat > "$outdir/etc/nsswitch.conf" <<'EOF'
passwd:         files
group:          files
shadow:         files
gshadow:        files

hosts:          files dns
networks:       files

protocols:      files
services:       files
ethers:         files
rpc:            files
EOF
chmod 0644 "$outdir/etc/passwd" "$outdir/etc/group" "$outdir/etc/nsswitch.conf"

install -d -m 0700 "$outdir/root"
install -d -m 0700 -o 65532 -g 65532 "$outdir/home/nonroot"
install -d -m 1777 "$outdir/tmp"

if [[ ! -e $outdir/usr/lib/os-release ]]; then
    mkdir -p "$outdir/usr/lib"
    cat > "$outdir/usr/lib/os-release" <<EOF
PRETTY_NAME="Distroless"
NAME="Debian GNU/Linux"
ID="debian"
VERSION_ID="${release#debian}"
HOME_URL="https://github.com/GoogleContainerTools/distroless"
EOF
fi

# The CA bundle: the ca-certificates package's certificates, concatenated.
# The package itself is not installed (no status.d entry).
certs=$scratch/ca-certificates
dpkg-deb -x "$ca_deb" "$certs"
mkdir -p "$outdir/etc/ssl/certs"
find "$certs/usr/share/ca-certificates" -name '*.crt' -type f -print0 |
    LC_ALL=C sort -z | xargs -0 cat > "$outdir/etc/ssl/certs/ca-certificates.crt"
chmod 0644 "$outdir/etc/ssl/certs/ca-certificates.crt"

if [[ $flavour == python3 ]]; then
    [[ -e $outdir/usr/bin/python$python ]] || die "python$python is missing from $image"
    ln -sfn "/usr/bin/python$python" "$outdir/usr/bin/python"
    ln -sfn "/usr/bin/python$python" "$outdir/usr/bin/python3"
fi

# python3-debian13 ships a cache made by the image's own ldconfig.
if [[ $image == python3-debian13 ]]; then
    chroot "$outdir" /sbin/ldconfig
    # Keep the directory libc-bin ships, not ldconfig's own bookkeeping.
    rm -f "$outdir/var/cache/ldconfig/aux-cache"
fi

log "$image: ${#packages[@]} packages unpacked into $outdir"
