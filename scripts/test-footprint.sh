#!/usr/bin/env bash
# How many test binaries the workspace builds, and how big they are together: what each
# integration-test binary costs in link time and disk (each links the whole crate graph again).
# Prints one line: "N test binaries, M MB". Builds them if needed (`cargo test --no-run`).
set -euo pipefail
cd "$(dirname "$0")/.."
SCAL_SKIP_UI_BUILD=1 cargo test --workspace --no-run --message-format=json 2>/dev/null |
  python3 -c '
import json, os, sys
exes = set()
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m.get("profile", {}).get("test"):
        exes.add(m["executable"])
size = sum(os.path.getsize(e) for e in exes)
print(f"{len(exes)} test binaries, {size / 1e6:.0f} MB")
'
