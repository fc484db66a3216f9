#!/usr/bin/env bash
# Runs every libFuzzer target of a `fuzz` build for SECONDS each (default 30), one after another.
#
#   scripts/run-fuzzers.sh BUILD_DIR [SECONDS]        e.g. scripts/run-fuzzers.sh build/fuzz 60
#   FUZZ_TARGETS="form_fuzz" scripts/run-fuzzers.sh build/fuzz    (only some targets)
#
# The targets are the directories of fuzz/corpus/. Each run starts from the checked-in seeds
# (read only) and a working corpus under BUILD_DIR/fuzz-work/corpus/NAME that keeps what earlier
# runs found; fuzz/NAME.dict is used when present. A crashing input is saved as
# BUILD_DIR/fuzz-work/artifacts/NAME-crash-<sha1>: copy it into fuzz/corpus/NAME/ once fixed, so
# the corpus replay test keeps it fixed. Exits non-zero if any target found a problem.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 BUILD_DIR [SECONDS]" >&2
  exit 2
fi
build_dir=$(cd "$1" && pwd)
seconds=${2:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
work="$build_dir/fuzz-work"
mkdir -p "$work/artifacts"

if [[ -n "${FUZZ_TARGETS:-}" ]]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  targets=()
  for dir in "$root"/fuzz/corpus/*/; do
    targets+=("$(basename "$dir")")
  done
fi

failed=()
for name in "${targets[@]}"; do
  binary="$build_dir/fuzz/$name"
  if [[ ! -x "$binary" ]]; then
    echo "$name: no binary at $binary (build the fuzz preset first)" >&2
    failed+=("$name")
    continue
  fi
  mkdir -p "$work/corpus/$name"
  args=(-max_total_time="$seconds" -timeout=10 -print_final_stats=1
        -artifact_prefix="$work/artifacts/$name-")
  if [[ -f "$root/fuzz/$name.dict" ]]; then
    args+=(-dict="$root/fuzz/$name.dict")
  fi
  log="$work/$name.log"
  echo "== $name: ${seconds}s (log: $log)"
  if "$binary" "${args[@]}" "$work/corpus/$name" "$root/fuzz/corpus/$name" >"$log" 2>&1; then
    grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
  else
    echo "$name: FAILED; last lines of the log:" >&2
    tail -n 60 "$log" >&2
    failed+=("$name")
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzzing found problems in: ${failed[*]}" >&2
  exit 1
fi
echo "fuzzing: ${#targets[@]} target(s), ${seconds}s each, no problems found"
