#!/usr/bin/env bash
# Sets up whatever is missing, then passes every test: formatting, lints (Rust and UI), the UI's
# unit tests, and the whole Rust workspace — unit, property, store crash tests, the built `scal`
# binary, and the real desktop window under Xvfb through tauri-driver; then a short run of every
# fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
# Each step says how long the run has taken and how much disk is left: a CI machine's disk can
# be small, and a full one fails a build with a misleading error deep inside the linker.
step() {
  printf '\n\033[1;34m==> %s\033[0m (%ss, %s free)\n' "$*" "$(( $(date +%s) - started ))" \
    "$(df -h --output=avail . | tail -n 1 | tr -d ' ')" >&2
}
# One build of the whole workspace from a clean checkout: incremental compilation's caches
# would only double the disk it needs (9 GB here). Set CARGO_INCREMENTAL=1 to keep them.
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}

step "Setting up"
scripts/setup.sh

if [ -f ui/package.json ]; then
  step "UI: lint, unit tests, build"
  (cd ui && npm run --silent lint && npm run --silent test && npm run --silent build)
  # The UI is built: the shell's build script need not build it again.
  export SCAL_SKIP_UI_BUILD=1
fi

step "Rust: formatting"
cargo fmt --all -- --check

step "Rust: clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "Rust: tests (libraries, CLI, desktop window)"
# The disk-full tests mount a small tmpfs. Where this machine allows it, they must run
# (SCAL_REQUIRE_TMPFS=1 makes a refused mount fail them rather than skip); where it does not,
# say so here, loudly, since a skipped test's own line is hidden by cargo's output capture.
probe=$(mktemp -d)
if mount -t tmpfs -o size=1m tmpfs "$probe" 2>/dev/null; then
  umount "$probe"
  export SCAL_REQUIRE_TMPFS=1
else
  printf '\033[1;33mWARNING: cannot mount a tmpfs here (not root?): the disk-full tests will be SKIPPED\033[0m\n' >&2
fi
rmdir "$probe"
cargo test --workspace

step "Fuzzing: each cargo-fuzz target briefly (scripts/fuzz.sh)"
scripts/fuzz.sh

step "All tests passed (target/ holds $(du -sh "${CARGO_TARGET_DIR:-target}" 2>/dev/null | cut -f1))"
