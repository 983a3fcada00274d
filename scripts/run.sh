#!/usr/bin/env bash
# Sets up whatever is missing, builds the app and opens it with a sample draft ready to explore
# (the bundled UEC Appointment Booking SCAL, partly answered). Extra arguments go to the app,
# e.g. `scripts/run.sh my-draft.scal`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
(cd ui && npm run --silent build)
SCAL_SKIP_UI_BUILD=1 cargo build --release -p scal-workbench -p scal-cli
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run: no display (DISPLAY is not set): the app needs a desktop session. The command-line twin is at target/release/scal." >&2
  exit 2
fi
if [ $# -eq 0 ]; then set -- --sample; fi
exec target/release/scal-workbench "$@"
