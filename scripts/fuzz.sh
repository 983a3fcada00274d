#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time: hostile template JSON, answers JSON and
# workbooks must give a clear error, never a panic, a hang or unbounded memory.
#
#   scripts/fuzz.sh                 each target for SCAL_FUZZ_SECS seconds (default 15)
#   scripts/fuzz.sh answers_json    one target
#   SCAL_FUZZ_SECS=600 nice -n 10 scripts/fuzz.sh template_json    a long run (docs/TESTING.md)
#
# Works on the stable toolchain: libFuzzer's instrumentation needs nightly-only flags, which
# RUSTC_BOOTSTRAP=1 allows on stable (CI machines have only stable). No sanitizer: the code
# under test is safe Rust, and what we look for (panics, hangs, runaway memory) libFuzzer
# catches by itself at several times the speed of an AddressSanitizer build.
# Inputs found to grow coverage go to fuzz/corpus-work/ (ignored by git); the seeds in
# fuzz/corpus/ are only read. A crash is saved under fuzz/artifacts/TARGET/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

secs=${SCAL_FUZZ_SECS:-15}
# cargo fuzz builds into fuzz/target unless told otherwise, and the binaries are run from there
# below: a CARGO_TARGET_DIR set for the workspace must not send them elsewhere.
unset CARGO_TARGET_DIR
export RUSTC_BOOTSTRAP=1
# Reproducible: the committed lock file, and the same flags every time.
build_flags=(--sanitizer none --debug-assertions)

if ! command -v cargo-fuzz >/dev/null; then
  echo "fuzz: installing cargo-fuzz" >&2
  cargo install --locked cargo-fuzz --quiet
fi

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi

echo "fuzz: building the targets" >&2
cargo fuzz build "${build_flags[@]}"
host=$(rustc -vV | sed -n 's/^host: //p')
failed=()
for target in "${targets[@]}"; do
  mkdir -p "corpus-work/$target" "artifacts/$target"
  log="artifacts/$target/last-run.log"
  echo "fuzz: $target for ${secs}s" >&2
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: runaway memory is a failure.
  # The binary built above, run directly: `cargo fuzz run` would build it once more.
  if "target/$host/release/$target" "corpus-work/$target" "corpus/$target" \
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="artifacts/$target/" >"$log" 2>&1; then
    runs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    echo "fuzz: $target: ${runs:-?} executions, no crash" >&2
  else
    echo "fuzz: $target FAILED; the last lines of $log:" >&2
    tail -n 30 "$log" >&2
    failed+=("$target")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashes in ${failed[*]}; inputs are in fuzz/artifacts/" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${secs}s each with no crash" >&2
