#!/usr/bin/env bash
# Builds the fuzz targets and runs each for a fixed time, starting from the
# seeds tests/hostile/fuzz_replay.rs defines. This is what .ci/run calls;
# docs/fuzzing.md says how to run the targets for hours instead.
#
#   fuzz/run.sh                  every target, FUZZ_SECONDS (20) each
#   fuzz/run.sh elf_inspect ...  only these
#
# FUZZ_SECONDS  time per target (default 20)
# FUZZ_JOBS     targets run at once (default 2, one per core of CI)
# FUZZ_PROFILE  cargo profile of fuzz/Cargo.toml (default ci: opt-level 1,
#               quick to build; `release` runs about twice as fast)
#
# The build is what `cargo fuzz build --sanitizer none` does, done with
# cargo itself: the same coverage flags, so it needs neither cargo-fuzz nor
# a nightly toolchain (only AddressSanitizer needs -Z flags; see
# docs/fuzzing.md). A crash leaves its input in fuzz/artifacts/<target>/
# and makes the script fail, after every target has run.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-20}"
jobs="${FUZZ_JOBS:-2}"
profile="${FUZZ_PROFILE:-ci}"
triple="$(rustc -vV | sed -n 's/^host: //p')"
all_targets=$(sed -n 's/^name = "\([a-z_]*\)"$/\1/p' fuzz/Cargo.toml)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    read -r -a targets <<< "$(echo $all_targets)"
fi

echo "-- seeds (tests/hostile/fuzz_replay.rs)"
DISTROLINT_FUZZ_SEEDS="$PWD/fuzz/corpus" cargo test --quiet --test hostile \
    -- --ignored --exact fuzz_replay::write_fuzz_seeds >/dev/null

echo "-- build (profile $profile, $triple)"
# The versions the main build uses, plus what the fuzz crate adds.
cp Cargo.lock fuzz/Cargo.lock
# --target keeps these flags off build scripts and proc macros, as
# cargo-fuzz does.
RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
-Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing \
-Cllvm-args=-simplifycfg-branch-fold-threshold=0 \
-Cllvm-args=-sanitizer-coverage-stack-depth ${RUSTFLAGS:-}" \
    cargo build --quiet --manifest-path fuzz/Cargo.toml --target "$triple" \
    --profile "$profile" --bins
bin="fuzz/target/$triple/$profile"

run_target() {
    local target="$1"
    mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target"
    # The seeds were written into the corpus, which collects what runs find.
    "$bin/$target" "fuzz/corpus/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$target/" \
        >"fuzz/artifacts/$target.log" 2>&1
}

echo "-- run: ${targets[*]} (${seconds}s each, $jobs at a time)"
failed=()
pending=("${targets[@]}")
while [ ${#pending[@]} -gt 0 ]; do
    batch=("${pending[@]:0:$jobs}")
    pending=("${pending[@]:$jobs}")
    pids=()
    for target in "${batch[@]}"; do
        run_target "$target" &
        pids+=($!)
    done
    for i in "${!batch[@]}"; do
        target="${batch[$i]}"
        status=0
        wait "${pids[$i]}" || status=$?
        log="fuzz/artifacts/$target.log"
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
        printf '%-16s %10s runs %6s/s  %s\n' "$target" "${runs:-?}" "${rate:-?}" "${cov:-}"
        if [ "$status" -ne 0 ]; then
            failed+=("$target")
            grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -n 20 || true
        fi
    done
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzzing found crashes in: ${failed[*]} (inputs in fuzz/artifacts/; logs beside them)" >&2
    echo "add each input to REGRESSIONS in tests/hostile/fuzz_replay.rs with its fix" >&2
    exit 1
fi
