#!/usr/bin/env bash
# The kill -9 soak: the scripted `scal` session of tests/e2e/cli/faults.rs (answer, apply,
# attach, copy-answers, upgrade, export; 64 MiB evidence) until TRIALS runs have been killed
# with SIGKILL, every step followed by the full check. Prints a table of runs, kills and
# acknowledgements per command at the end (docs/TESTING.md records the last long run).
#
#   scripts/soak.sh              1000 kill -9 trials (SCAL_SOAK_TRIALS, default 1000)
#   scripts/soak.sh 50           a short try
#   SCAL_FAULT_SEED=N scripts/soak.sh     replay a seed the output printed
#   nice -n 10 scripts/soak.sh > soak.log 2>&1 &     on a shared machine
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -gt 1 ] || { [ $# -eq 1 ] && ! [[ $1 =~ ^[1-9][0-9]*$ ]]; }; then
  echo "usage: scripts/soak.sh [TRIALS]   (a positive number; default \$SCAL_SOAK_TRIALS or 1000)" >&2
  exit 2
fi
export SCAL_SOAK_TRIALS=${1:-${SCAL_SOAK_TRIALS:-1000}}

echo "soak: building scal" >&2
cargo build -p scal-cli --bin scal
echo "soak: $SCAL_SOAK_TRIALS kill -9 trials" >&2
started=$(date +%s)
cargo test -p scal-tests --test e2e -- --ignored --exact cli::faults::soak_kill_9_trials --nocapture
echo "soak: passed in $(( $(date +%s) - started )) s" >&2
