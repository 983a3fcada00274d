#!/usr/bin/env bash
# The real NHS workbooks: `scal import-template` and `scal fill` as whole processes against
# Python openpyxl doing the same reading (load_workbook) and the same round trip (load + save)
# of the same file. Prints markdown table rows in scripts/bench.sh's columns (measure, ours,
# peak memory, peer, peer time, peer memory, ratio, goal, met?), with no header, so bench.sh
# can add them to its table; run alone it prints the header too.
#
#   scripts/bench-import.sh                  median of 7 runs per row
#   SCAL_BENCH_RUNS=3 scripts/bench-import.sh
#   SCAL_BIN=path/to/scal                    use a built scal instead of building one
#
# Peak memory is each process's maximum resident set, from /usr/bin/time. openpyxl is installed
# for the user when missing. openpyxl's save is not a fair peer for correctness: it drops x14
# data validations (the workbook's cross-sheet dropdowns) and embedded OLE objects, which
# `scal fill` keeps byte for byte; it is the peer for speed only.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

runs=${SCAL_BENCH_RUNS:-7}
ref=${SCAL_BENCH_REFERENCE:-/work/shared/reference}
scal_wb="$ref/SCAL_vsn2.0.xlsx"
tom_wb="$ref/workbooks/eRS_TOM_SelfEvalChecklist_v1.2.xlsx"
for f in "$scal_wb" "$tom_wb"; do [ -f "$f" ] || { echo "bench-import: $f is missing" >&2; exit 1; }; done
[ -x /usr/bin/time ] || { as_root apt-get update -qq; as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }
if ! python3 -c 'import openpyxl' 2>/dev/null; then
  say "Installing openpyxl for the user"
  python3 -m pip install --quiet --user openpyxl 2>/dev/null ||
    python3 -m pip install --quiet --user --break-system-packages openpyxl
fi

if [ -z "${SCAL_BIN:-}" ]; then
  say "Building the release scal"
  cargo build --release --quiet -p scal-cli --bin scal
  SCAL_BIN="${CARGO_TARGET_DIR:-$root/target}/release/scal"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/scal-bench-import.XXXXXX")
trap 'rm -rf "$work"' EXIT

say "Importing and filling $(basename "$scal_wb") and $(basename "$tom_wb"), $runs runs each"
SCAL_BIN="$SCAL_BIN" SCAL_WORK="$work" SCAL_RUNS="$runs" SCAL_HEADER="${SCAL_BENCH_HEADER:-1}" \
  python3 - "$scal_wb" "$tom_wb" <<'PY'
import json, os, statistics, subprocess, sys, time

scal, work, runs = os.environ["SCAL_BIN"], os.environ["SCAL_WORK"], int(os.environ["SCAL_RUNS"])

def timed(cmd):
    """One run as its own process: wall time and peak RSS (MiB) from /usr/bin/time."""
    out = os.path.join(work, "time.txt")
    started = time.perf_counter()
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out] + cmd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    return wall, int(open(out).read().split()[-1]) / 1024

def median_of(make_cmd, before=None):
    walls, peak = [], 0.0
    for i in range(runs):
        if before:
            before(i)
        w, m = timed(make_cmd(i))
        walls.append(w)
        peak = max(peak, m)
    return statistics.median(walls), peak

def fmt_s(s):
    return f"{s * 1000:.1f} ms" if s < 0.1 else (f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s")

def rm(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass

OPENPYXL_LOAD = "import sys, openpyxl; openpyxl.load_workbook(sys.argv[1])"
OPENPYXL_SAVE = "import sys, openpyxl; openpyxl.load_workbook(sys.argv[1]).save(sys.argv[2])"
table = []

def add(measure, ours, peer, peer_name, note=""):
    (o_t, o_m), (p_t, p_m) = ours, peer
    x = p_t / o_t
    met = x >= 10 and o_m < 128
    table.append((measure, fmt_s(o_t), f"{o_m:.0f} MiB", peer_name + note, fmt_s(p_t), f"{p_m:.0f} MiB",
                  f"{x:.1f}x faster", "10x faster than openpyxl; memory flat (< 128 MiB)",
                  "yes" if met else "**no**"))

for wb in sys.argv[1:]:
    name = os.path.basename(wb)
    tpl = os.path.join(work, name + ".json")
    # import-template: a new output each run (an existing one holding the same template is kept).
    ours = median_of(lambda i: [scal, "import-template", wb, "--out", tpl], before=lambda i: rm(tpl))
    peer = median_of(lambda i: ["python3", "-c", OPENPYXL_LOAD, wb])
    add(f"`scal import-template` {name}", ours, peer, "openpyxl `load_workbook`")

    # fill: a draft of that template and workbook with a few answers.
    draft = os.path.join(work, name + ".scal")
    rm(draft)
    subprocess.run([scal, "new", draft, "--template", tpl, "--workbook", wb], check=True,
                   stdout=subprocess.DEVNULL)
    shown = json.loads(subprocess.run([scal, "show", draft, "--json"], check=True,
                                      capture_output=True, text=True).stdout)
    def items(node):
        if isinstance(node, dict):
            if "id" in node and "options" in node and "type" in node:
                yield node
            for v in node.values():
                yield from items(v)
        elif isinstance(node, list):
            for v in node:
                yield from items(v)
    answered = 0
    for it in items(shown):
        if answered >= 5:
            break
        if it["type"] in ("requirement", "declaration", "yes_no", "choice") and it["options"]:
            subprocess.run([scal, "answer", draft, it["id"], it["options"][0], "--comment", "Bench"],
                           check=True, stdout=subprocess.DEVNULL)
            answered += 1
    filled = os.path.join(work, "filled-" + name)
    ours = median_of(lambda i: [scal, "fill", draft, "--out", filled], before=lambda i: rm(filled))
    saved = os.path.join(work, "openpyxl-" + name)
    peer = median_of(lambda i: ["python3", "-c", OPENPYXL_SAVE, wb, saved])
    add(f"`scal fill` {name} ({answered} answers)", ours, peer, "openpyxl load + save",
        " (drops x14 data validations and embedded objects)")

head = ["measure", "SCAL Workbench", "peak memory", "peer", "peer time", "peer memory", "ratio", "goal", "met?"]
if os.environ.get("SCAL_HEADER") == "1":
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
for r in table:
    print("| " + " | ".join(r) + " |")
PY
