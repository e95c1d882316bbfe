#!/usr/bin/env bash
# The benchmark of issue 7: distrolint against its peers on one real venv, in one run.
#
#   scripts/bench/run.sh [DIR]        (default: .cache/bench in the repository)
#
# 1. builds the corpus (build-corpus.sh DIR): a pinned venv, and its site-packages 4 times
# 2. builds distrolint (cargo build --release) and copies the binary to DIR/bin, so that a
#    concurrent build cannot swap it mid-run
# 3. installs the peers: ruff and bandit (pinned, peers-requirements.txt) in DIR/peers;
#    hyperfine, pax-utils (lddtree), GNU time and jq from apt when missing
# 4. times, on the same tree: the cat floor, distrolint (default threads, 1, 2), ruff,
#    lddtree over every ELF file, bandit; and distrolint and cat on 1x and 4x site-packages.
#    Every timed command runs under `/usr/bin/time -v`, so each run's peak RSS and CPU time
#    are recorded beside hyperfine's wall time.
#    distrolint and ruff run with --isolated: no configuration file around the tree applies.
# 5. writes BENCHMARKS.md (OUT) with report.py.
#
# Environment:
#   RUNS=5          at least this many timed runs per command (after 1 warmup run)
#   BANDIT_RUNS=2   timed runs of bandit (no warmup: one run takes minutes); 0 skips it
#   OUT=...         the report (default: BENCHMARKS.md in the repository)
#   IDLE_WAIT=0     before each measurement, wait up to this many seconds for the 1-minute
#                   load average to drop below 1 (the machine may be shared)
#   NICE=-10        run the timed commands at this nice level (default -10 as root, else 0),
#                   so that other work on a shared machine disturbs them less; the same
#                   for every tool. With the kernel's autogroup scheduling, nice only ranks
#                   processes within one session, so each hyperfine also runs in a session
#                   of its own (setsid) whose autogroup gets that nice level.
#   PYTHON=...      the CPython 3.11 for the corpus venv (see build-corpus.sh)
#   REPORT_ONLY=1   only rewrite the report from the results of the last run (DIR/results)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dir=${1:-$repo/.cache/bench}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
RUNS=${RUNS:-5}
BANDIT_RUNS=${BANDIT_RUNS:-2}
OUT=${OUT:-$repo/BENCHMARKS.md}
IDLE_WAIT=${IDLE_WAIT:-0}
NICE=${NICE:-$([ "$(id -u)" = 0 ] && echo -10 || echo 0)}
started=$(date +%s)
log() { printf '[bench %4ss] %s\n' $(( $(date +%s) - started )) "$*" >&2; }

python=${PYTHON:-}
if [ -z "$python" ]; then
    if command -v python3.11 >/dev/null; then python=python3.11; else python=python3; fi
fi
res=$dir/results
if [ "${REPORT_ONLY:-0}" = 1 ]; then
    "$python" "$here/report.py" "$res" "$here/requirements.txt" "$repo" > "$OUT.tmp"
    mv "$OUT.tmp" "$OUT"
    exit 0
fi

# --- the corpus ---------------------------------------------------------------------------
"$here/build-corpus.sh" "$dir"
venv=$dir/venv
site=$(echo "$venv"/lib/python3.11/site-packages)
scaled=$dir/scaled
elf_list=$dir/elf-files

# --- the tools ----------------------------------------------------------------------------
missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
command -v lddtree >/dev/null || missing+=(pax-utils)
[ -x /usr/bin/time ] || missing+=(time)
command -v jq >/dev/null || missing+=(jq)
if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
fi
# Debian's lddtree is a Python script that needs python3-pyelftools: run it with Debian's
# python3, not whichever python3 comes first on PATH.
lddtree_cmd=$(command -v lddtree)
if head -n1 "$lddtree_cmd" | grep -q python; then lddtree_cmd="/usr/bin/python3 $lddtree_cmd"; fi

peers=$dir/peers
peers_req=$here/peers-requirements.txt
want=$(sha256sum "$peers_req" | cut -d' ' -f1)
if [ "$(cat "$peers/.bench-requirements.sha256" 2>/dev/null)" != "$want" ]; then
    log "installing the peers into $peers"
    rm -rf "$peers"
    "$python" -m venv "$peers"
    "$peers/bin/python" -m pip install --quiet --disable-pip-version-check \
        --cache-dir "$dir/pip-cache" --only-binary=:all: --no-deps -r "$peers_req"
    echo "$want" > "$peers/.bench-requirements.sha256"
fi
ruff=$peers/bin/ruff
bandit=$peers/bin/bandit

log "cargo build --release"
(cd "$repo" && cargo build --release --quiet)
target_dir=${CARGO_TARGET_DIR:-$repo/target}
mkdir -p "$dir/bin"
cp "$target_dir/release/distrolint" "$dir/bin/distrolint.new"
mv "$dir/bin/distrolint.new" "$dir/bin/distrolint"
distrolint=$dir/bin/distrolint

# --- measurements -------------------------------------------------------------------------
rm -rf "$res"
mkdir -p "$res"
# Quote for sh: plain words as they are, anything else in single quotes.
q() {
    case $1 in
        '' | *[!A-Za-z0-9_./:=,+@%-]*) printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
        *) printf '%s' "$1" ;;
    esac
}

# Facts about the machine and the tools, for the report.
{
    echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "nproc=$(nproc)"
    echo "cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)"
    echo "kernel=$(uname -r)"
    echo "os=$(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "distrolint=$("$distrolint" --version)"
    echo "distrolint_commit=$(git -C "$repo" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
    echo "distrolint_dirty=$(git -C "$repo" status --porcelain --untracked-files=no -- src rules build.rs Cargo.toml Cargo.lock 2>/dev/null | wc -l)"
    echo "rustc=$(rustc --version)"
    echo "python=$("$venv/bin/python" -c 'import sys; print(sys.version.split()[0])') ($(readlink -f "$venv/bin/python"))"
    echo "ruff=$("$ruff" --version)"
    echo "bandit=$("$bandit" --version 2>/dev/null | head -n1)"
    echo "pax_utils=$(dpkg-query -W -f '${Version}' pax-utils 2>/dev/null || echo unknown)"
    echo "hyperfine=$(hyperfine --version)"
    echo "cat=$(cat --version | head -n1)"
    echo "gnu_time=$(dpkg-query -W -f '${Version}' time 2>/dev/null || echo unknown)"
    echo "bench_dir=$dir"
    echo "nice=$NICE"
    echo "runs=$RUNS"
    echo "bandit_runs=$BANDIT_RUNS"
} > "$res/facts"
cp "$dir/counts" "$res/counts"

wait_idle() {
    [ "$IDLE_WAIT" -gt 0 ] || return 0
    local deadline=$(( $(date +%s) + IDLE_WAIT ))
    while awk '{ exit !($1 >= 1.0) }' /proc/loadavg && [ "$(date +%s)" -lt "$deadline" ]; do
        sleep 5
    done
}

# prio COMMAND...: run COMMAND at nice $NICE, in its own session and autogroup.
prio() {
    if [ "$NICE" = 0 ]; then
        "$@"
    elif [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null)" = 1 ] && command -v setsid >/dev/null; then
        setsid -w sh -c 'echo "$1" > /proc/self/autogroup; shift; exec nice -n "$0" "$@"' "$NICE" "$NICE" "$@"
    else
        nice -n "$NICE" "$@"
    fi
}

# bench NAME WARMUP RUNS-OPTION COMMAND: time COMMAND with hyperfine, under /usr/bin/time -v.
bench() {
    local name=$1 warmup=$2 runs=$3 cmd=$4
    shift 4
    wait_idle
    log "timing $name"
    echo "$cmd" > "$res/$name.cmd"
    cut -d' ' -f1-3 /proc/loadavg > "$res/$name.load-before"
    prio hyperfine --style basic --warmup "$warmup" $runs "$@" \
        --export-json "$res/$name.json" -n "$name" \
        "/usr/bin/time -v -a -o $(q "$res/$name.rusage") $cmd" >&2
    cut -d' ' -f1-3 /proc/loadavg > "$res/$name.load-after"
}

dl_check() { # PATH [OPTIONS...]: the distrolint command line
    local path=$1
    shift
    echo "$(q "$distrolint") check $(q "$path") --isolated --base python3-debian12 --format json --fail-on never${*:+ $*} > /dev/null"
}
ruff_opts=(check --isolated --no-cache --no-respect-gitignore --exclude '*.pyi'
    --select S602,S603,S604,S605,S606,S607,S609 --exit-zero)
ruff_args=$(for a in "${ruff_opts[@]}"; do printf '%s ' "$(q "$a")"; done)
ruff_args=${ruff_args% }
cat_py() { echo "sh -c $(q "find $(q "$1") -type f -name \\*.py -print0 | xargs -0 cat > /dev/null")"; }

# What ruff really checks: its default excludes (site-packages, venv, ...) and .gitignore
# would skip the whole venv. --exclude replaces the defaults; stubs (.pyi) are left out so
# that ruff reads the same .py files as distrolint.
"$ruff" "${ruff_opts[@]}" --show-files "$venv" > "$res/ruff-files.txt" 2>/dev/null
ruff_py=$(grep -c '\.py$' "$res/ruff-files.txt" || true)
py_count=$(awk '$1 == "venv" {print $2}' "$dir/counts")
echo "ruff_files=$(wc -l < "$res/ruff-files.txt")" >> "$res/facts"
echo "ruff_py_files=$ruff_py" >> "$res/facts"
if [ "$ruff_py" -ne "$py_count" ]; then
    echo "run.sh: ruff would check $ruff_py .py files, the venv has $py_count" >&2
    exit 1
fi

# Findings (one untimed run each, output kept).
log "findings"
"$distrolint" check "$venv" --isolated --base python3-debian12 --format json --fail-on never --threads 1 > "$res/findings-distrolint.json"
"$distrolint" check "$venv" --isolated --base python3-debian12 --format json --fail-on never --threads 2 > "$res/findings-distrolint-t2.json"
if cmp -s "$res/findings-distrolint.json" "$res/findings-distrolint-t2.json"; then
    echo "deterministic=yes" >> "$res/facts"
else
    echo "deterministic=no" >> "$res/facts"
fi
"$distrolint" check "$scaled" --isolated --base python3-debian12 --format json --fail-on never > "$res/findings-distrolint-scaled.json"
"$distrolint" check "$site" --isolated --base python3-debian12 --format json --fail-on never > "$res/findings-distrolint-site.json"
"$ruff" "${ruff_opts[@]}" --output-format json "$venv" > "$res/findings-ruff.json" 2>/dev/null

# The same tree, one after the other.
bench cat-py 1 "--min-runs $RUNS" "$(cat_py "$venv")"
bench cat-py-elf 1 "--min-runs $RUNS" \
    "sh -c $(q "{ find $(q "$venv") -type f -name \\*.py -print0; cat $(q "$elf_list"); } | xargs -0 cat > /dev/null")"
bench distrolint 1 "--min-runs $RUNS" "$(dl_check "$venv")"
bench distrolint-t1 1 "--min-runs $RUNS" "$(dl_check "$venv" --threads 1)"
bench distrolint-t2 1 "--min-runs $RUNS" "$(dl_check "$venv" --threads 2)"
bench ruff 1 "--min-runs $RUNS" "$(q "$ruff") $ruff_args $(q "$venv") > /dev/null"
bench lddtree 1 "--min-runs $RUNS" "xargs -0 -a $(q "$elf_list") $lddtree_cmd > /dev/null"
# Linearity: site-packages once and four times.
bench scale-cat-1x 1 "--min-runs $RUNS" "$(cat_py "$site")"
bench scale-cat-4x 1 "--min-runs $RUNS" "$(cat_py "$scaled")"
bench scale-distrolint-1x 1 "--min-runs $RUNS" "$(dl_check "$site")"
bench scale-distrolint-4x 1 "--min-runs $RUNS" "$(dl_check "$scaled")"
# bandit exits 1 when it finds something; its JSON report gives the findings count.
if [ "$BANDIT_RUNS" -gt 0 ]; then
    bench bandit 0 "--runs $BANDIT_RUNS" \
        "$(q "$bandit") -q -r -t B602,B603,B604,B605,B606,B607,B609 -f json -o $(q "$res/findings-bandit.json") $(q "$venv")" \
        --ignore-failure
fi

echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$res/facts"
echo "elapsed_s=$(( $(date +%s) - started ))" >> "$res/facts"
log "writing $OUT"
"$python" "$here/report.py" "$res" "$here/requirements.txt" "$repo" > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
log "done in $(( $(date +%s) - started )) s"
