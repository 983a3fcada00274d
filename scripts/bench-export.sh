#!/usr/bin/env bash
# Export benchmark: the workbook and PDF of a 5,000-requirement draft beside Python's XlsxWriter
# and LibreOffice, and a 1 GiB evidence pack beside `zip -0`, with peak memory of each.
# Installs what the comparison needs (Debian/Ubuntu), then prints a table.
# Sizes: SCAL_BENCH_REQUIREMENTS (5000) SCAL_BENCH_EVIDENCE_MIB (1024) SCAL_BENCH_EVIDENCE_FILES (8)
#        SCAL_BENCH_RUNS (3) SCAL_BENCH_DIR (a temporary folder; needs ~4x the evidence size free)
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
[ -x /usr/bin/time ] || missing+=(time)
command -v zip >/dev/null || missing+=(zip)
command -v soffice >/dev/null || missing+=(libreoffice-calc-nogui)
if [ ${#missing[@]} -gt 0 ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
python3 -c 'import xlsxwriter' 2>/dev/null || python3 -m pip install --quiet xlsxwriter

exec cargo bench -p scal-export --bench export
