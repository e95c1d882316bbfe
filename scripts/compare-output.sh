#!/usr/bin/env bash
# Runs two distrolint binaries over the same trees and compares their reports,
# byte for byte, in every format and on one and two threads: the check that a
# restructuring changed no behaviour (issue 13).
#
#   scripts/compare-output.sh OLD_BINARY NEW_BINARY
#
# Trees: the corpus (Python under three bases; every Dockerfile, interpreter
# and starter case with its own base choice and under --base), the demo, and,
# when they have been fetched, the benchmark venv (scripts/bench/build-corpus.sh),
# the real applications (scripts/fetch-realapps.sh) and the Wagtail site
# (scripts/fetch-wagtail-site.sh). Times are the only thing taken out of the
# reports. Exit status 1 lists the runs that differ.
set -uo pipefail
cd "$(dirname "$0")/.."
old=$(realpath "$1")
new=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

runs=0
differ=()

# Elapsed times are the only part of a report that changes between runs.
normalize() {
  sed -E \
    -e 's/"elapsed_ms": ?[0-9]+/"elapsed_ms":0/g' \
    -e 's/"elapsed": ?"[^"]*"/"elapsed":""/g' \
    -e 's/in [0-9]+(\.[0-9]+)? ?(ms|µs|ns|s)/in TIME/g' \
    -e 's/"(startTimeUtc|endTimeUtc)": ?"[^"]*"/"\1":""/g'
}

compare() {
  local name=$1
  shift
  local format threads
  for format in human json sarif github gitlab; do
    for threads in 1 2; do
      runs=$((runs + 1))
      "$old" check "$@" --format "$format" --threads "$threads" --fail-on warning \
        >"$work/old.out" 2>"$work/old.err"
      echo "exit $?" >>"$work/old.out"
      "$new" check "$@" --format "$format" --threads "$threads" --fail-on warning \
        >"$work/new.out" 2>"$work/new.err"
      echo "exit $?" >>"$work/new.out"
      if ! cmp -s <(normalize <"$work/old.out"; normalize <"$work/old.err") \
        <(normalize <"$work/new.out"; normalize <"$work/new.err"); then
        differ+=("$name --format $format --threads $threads: $*")
        if [ "${SHOW_DIFF:-}" = 1 ]; then
          diff <(normalize <"$work/old.out"; normalize <"$work/old.err") \
            <(normalize <"$work/new.out"; normalize <"$work/new.err") | head -20
        fi
      fi
    done
  done
}

for base in python3-debian12 python3-debian13 chainguard-python-latest; do
  compare "python/$base" corpus/python --base "$base" --include-tests
done
for case in corpus/dockerfile/*/ corpus/interpreter/*/ corpus/starters/*/; do
  compare "$case" "$case"
  compare "$case on debian13" "$case" --base python3-debian13
done
if [ -d target/demo/venv ]; then
  compare demo corpus/demo/app target/demo/venv --base python3-debian12
fi
if [ -d .cache/bench/venv ]; then
  for base in python3-debian12 python3-debian13; do
    compare "bench/$base" .cache/bench/venv --isolated --base "$base"
    compare "bench/$base tests" .cache/bench/venv --isolated --base "$base" --include-tests
  done
fi
for app in .cache/realapps/*/; do
  [ -d "$app" ] || continue
  compare "$app" "$app" --base python3-debian13
done
for site in .cache/wagtail-site/trees/*/; do
  [ -d "$site" ] || continue
  compare "$site" "$site" --base python3-debian13
done

echo "$runs runs, ${#differ[@]} differ"
for d in "${differ[@]}"; do echo "  differs: $d"; done
[ ${#differ[@]} -eq 0 ]
