#!/usr/bin/env bash
# Installs whatever this machine lacks to build, test and run SCAL Workbench, and nothing else.
# Safe to run again: each step checks first. Debian/Ubuntu only (apt-get).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# WebKitGTK and friends for the Tauri window; Xvfb + WebKitWebDriver for the end-to-end tests;
# poppler-utils gives pdftoppm for README images; python3-openpyxl is the other writer the
# review-loop tests re-save an exported workbook with, as an assessor's Excel would.
APT_PACKAGES=(
  build-essential pkg-config curl file
  libwebkit2gtk-4.1-dev webkit2gtk-driver librsvg2-dev libxdo-dev libssl-dev
  xvfb xauth poppler-utils python3-openpyxl
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "setup: cargo is not installed; install Rust (https://rustup.rs) and run this again." >&2
  exit 2
fi
if command -v rustup >/dev/null; then
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
fi

if ! command -v tauri-driver >/dev/null; then
  say "Installing tauri-driver (WebDriver bridge for the end-to-end tests)"
  cargo install tauri-driver --locked --version '^2' --quiet
fi

if ! command -v cargo-fuzz >/dev/null; then
  say "Installing cargo-fuzz (the short fuzz runs at the end of scripts/test.sh)"
  cargo install --locked cargo-fuzz --quiet
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  say "Installing Node.js"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ -f ui/package.json ]; then
  if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    say "Installing the UI's npm packages"
    # `npm install`, not `npm ci`: with omit-lockfile-registry-resolved (set on our machines, so
    # the lock names no download host) npm records only this platform's optional rollup/esbuild
    # binaries, and `npm ci` then refuses the lock as out of sync. `npm install` still takes the
    # locked versions.
    (cd ui && npm install --no-audit --no-fund --loglevel=error)
  fi
fi
