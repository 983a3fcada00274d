#!/usr/bin/env bash
# Runs only the desktop end-to-end tests: builds the UI and the app, then drives the real window
# under Xvfb through tauri-driver (the tests start their own Xvfb and tauri-driver). Prints the
# launch and answer-save timings. Needs what scripts/setup.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d ui/node_modules ]; then (cd ui && npm install --no-audit --no-fund --loglevel=error); fi
(cd ui && npm run --silent build)
SCAL_SKIP_UI_BUILD=1 cargo build -p scal-workbench
SCAL_SKIP_UI_BUILD=1 cargo test -p scal-tests --test e2e desktop -- --nocapture "$@"
