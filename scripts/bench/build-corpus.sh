#!/usr/bin/env bash
# Build the benchmark corpus (issue 7).
#
#   scripts/bench/build-corpus.sh [DIR]        (default: .cache/bench in the repository)
#
# DIR/venv       a CPython 3.11 venv with scripts/bench/requirements.txt installed
#                (wheels only, pip's cache in DIR/pip-cache)
# DIR/scaled     the venv's site-packages copied 4 times into one tree
#                (DIR/scaled/copy-1/site-packages ... copy-4), for the linearity check
# DIR/elf-files  the ELF files of DIR/venv, NUL-separated (found by their magic)
#
# Set PYTHON to choose the interpreter (default: python3.11, else python3; it must be 3.11).
# Re-running is cheap: the venv is rebuilt only when requirements.txt changed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dir=${1:-$repo/.cache/bench}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
req=$here/requirements.txt
copies=4

python=${PYTHON:-}
if [ -z "$python" ]; then
    if command -v python3.11 >/dev/null; then python=python3.11; else python=python3; fi
fi
pyver=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ "$pyver" != 3.11 ]; then
    echo "build-corpus: $python is Python $pyver; the corpus needs CPython 3.11 (set PYTHON)" >&2
    exit 2
fi

venv=$dir/venv
stamp=$venv/.bench-requirements.sha256
want=$( { sha256sum "$req" | cut -d' ' -f1; "$python" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "build-corpus: $venv is up to date"
else
    echo "build-corpus: creating $venv with $("$python" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
    rm -rf "$venv" "$dir/scaled" "$dir/elf-files"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        --cache-dir "$dir/pip-cache" --only-binary=:all: --no-deps -r "$req"
    "$venv/bin/python" -m pip check
    echo "$want" > "$stamp"
fi

site=$(echo "$venv"/lib/python3.11/site-packages)
[ -d "$site" ] || { echo "build-corpus: no site-packages in $venv" >&2; exit 1; }

scaled=$dir/scaled
if [ ! -f "$scaled/.complete" ] || [ "$scaled/.complete" -ot "$stamp" ]; then
    echo "build-corpus: copying site-packages $copies times into $scaled"
    rm -rf "$scaled"
    for i in $(seq 1 $copies); do
        mkdir -p "$scaled/copy-$i"
        cp -a "$site" "$scaled/copy-$i/site-packages"
    done
    touch "$scaled/.complete"
fi

# ELF files by their magic: the first four bytes are 0x7f 'E' 'L' 'F' (what `head -c4`
# shows), read with bash's own `read` so that no process is started per file. Files
# shorter than an ELF header (52 bytes) cannot be one.
list_elf() (
    export LC_ALL=C
    find "$1" -type f -size +51c -print0 |
        while IFS= read -r -d '' f; do
            m=
            { IFS= read -r -d '' -n 4 m < "$f"; } 2>/dev/null || true
            if [ "$m" = $'\177ELF' ]; then printf '%s\0' "$f"; fi
        done
)
if [ ! -f "$dir/elf-files" ] || [ "$dir/elf-files" -ot "$stamp" ]; then
    list_elf "$venv" > "$dir/elf-files.tmp"
    mv "$dir/elf-files.tmp" "$dir/elf-files"
fi

# The counts, also written to DIR/counts for run.sh.
count() { # TREE -> "py_files py_mb total_mb elf_files"
    local py py_bytes total_bytes elf
    py=$(find "$1" -type f -name '*.py' | wc -l)
    py_bytes=$(find "$1" -type f -name '*.py' -printf '%s\n' | awk '{s+=$1} END {print s+0}')
    total_bytes=$(find "$1" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
    if [ "$1" = "$venv" ]; then
        elf=$(tr -cd '\0' < "$dir/elf-files" | wc -c)
    else
        elf=$(list_elf "$1" | tr -cd '\0' | wc -c)
    fi
    awk -v p="$py" -v pb="$py_bytes" -v tb="$total_bytes" -v e="$elf" \
        'BEGIN { printf "%d %.1f %.1f %d\n", p, pb / 1048576, tb / 1048576, e }'
}
{
    echo "venv $(count "$venv")"
    echo "site $(count "$site")"
    echo "scaled $(count "$scaled")"
} > "$dir/counts"

printf '%-8s %9s %10s %10s %9s  %s\n' tree '.py files' '.py MB' 'total MB' 'ELF files' path
while read -r name py pymb totmb elf; do
    case $name in venv) p=$venv ;; site) p=$site ;; scaled) p=$scaled ;; esac
    printf '%-8s %9s %10s %10s %9s  %s\n' "$name" "$py" "$pymb" "$totmb" "$elf" "$p"
done < "$dir/counts"
