#!/usr/bin/env bash
# Regenerates the built-in manifests of the Google distroless images in
# rules/bases/ from real Debian packages:
#
#   scripts/generate-manifests.sh [IMAGE...]
#
# For each image (default: all ten), scripts/build-rootfs.sh rebuilds its
# root filesystem in a temporary directory and `distrolint bases import`
# (the release build of this checkout) reads it. Nothing in the manifests is typed by hand; run this again to pick
# up new package versions. Needs root (see build-rootfs.sh).
#
# The Chainguard manifests are made by scripts/chainguard-manifest.py.

set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

all_images=(
    static-debian12 base-nossl-debian12 base-debian12 cc-debian12 python3-debian12
    static-debian13 base-nossl-debian13 base-debian13 cc-debian13 python3-debian13
)
if [[ $# -gt 0 ]]; then
    images=("$@")
else
    images=("${all_images[@]}")
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/distrolint-rootfs.XXXXXX")
trap 'rm -rf "$work"' EXIT

summary() {
    local flavour=${1%-debian*} release=${1##*-} debian python
    case $release in
        debian12) debian="Debian 12"; python=3.11 ;;
        debian13) debian="Debian 13"; python=3.13 ;;
    esac
    case $flavour in
        static) echo "distroless static ($debian): no C library and no loader; static programs only" ;;
        base-nossl) echo "distroless base without OpenSSL ($debian): glibc, no libssl, no libstdc++" ;;
        base) echo "distroless base ($debian): glibc and OpenSSL, no libstdc++ or libgcc_s" ;;
        cc) echo "distroless cc ($debian): base plus libstdc++, libgcc_s and libgomp" ;;
        python3) echo "distroless Python $python ($debian): no shell, no pip" ;;
    esac
}

# The LANG the image's configuration sets: distroless gives the python images
# LANG=C.UTF-8 (its python3 image rules), the others none. A root filesystem
# does not record it, so the importer is told.
lang_args() {
    case ${1%-debian*} in
        python3) echo "--lang C.UTF-8" ;;
    esac
}

# The ENTRYPOINT the image's configuration sets: distroless's python3 images
# run their interpreter (python3/python.bzl in GoogleContainerTools/distroless:
# `entrypoint = ["/usr/bin/python" + DISTRO_VERSION[distro]]`, 3.11 for
# debian12 before commit 22b97d10 removed it, 3.13 for debian13); the
# others set none. A Dockerfile's exec-form CMD is handed to it.
entrypoint_args() {
    case $1 in
        python3-debian12) echo "--entrypoint /usr/bin/python3.11" ;;
        python3-debian13) echo "--entrypoint /usr/bin/python3.13" ;;
    esac
}

# The USER and WORKDIR the image's configuration sets: every distroless
# image is built on static, whose static/static.bzl makes each image twice
# from USER_VARIANTS = [("root", 0, "/"), ("nonroot", NONROOT, "/home/nonroot")]
# (NONROOT = 65532 in common/variables.bzl), with `user = "%d" % uid` and
# `workdir = workdir` in its oci_image; base, cc and python3 are built on
# the matching static variant and set neither. The root variant is the
# `latest` tag, the other the `nonroot` tag: the same files, so one
# manifest carries both.
user_args() {
    echo "--user 0 --workdir / --tag-variant nonroot:65532:/home/nonroot"
}

suite_of() {
    case ${1##*-} in
        debian12) echo bookworm ;;
        debian13) echo trixie ;;
    esac
}

# Built once and run directly: `cargo run` would rebuild the binary after
# every manifest written, since build.rs embeds rules/bases/.
cargo build --release --quiet
distrolint=$repo_root/target/release/distrolint

for image in "${images[@]}"; do
    rootfs=$work/$image
    scripts/build-rootfs.sh "$image" "$rootfs"
    method="rebuilt by scripts/build-rootfs.sh from the Debian $(suite_of "$image") packages distroless lists (unpacked without dependency resolution, plus the files distroless adds itself), then read by \`distrolint bases import\`"
    "$distrolint" bases import "$rootfs" \
        --name "$image" \
        --image "gcr.io/distroless/$image" \
        --alias "distroless/$image" \
        --summary "$(summary "$image")" \
        --method "$method" \
        $(lang_args "$image") \
        $(entrypoint_args "$image") \
        $(user_args "$image") \
        -o "rules/bases/$image.toml"
    echo "generate-manifests: wrote rules/bases/$image.toml" >&2
    rm -rf "$rootfs"
done
