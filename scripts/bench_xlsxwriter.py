#!/usr/bin/env python3
"""The comparison for the workbook benchmark: Python's XlsxWriter writing the same requirement
rows as `scal export` does, with the same kind of formatting (wrapped bordered cells, frozen
header, dropdown on the response column, red-comment rule, protection with unlocked responses,
landscape fit-to-width printing).

Usage: bench_xlsxwriter.py ROWS.json OUT.xlsx   (ROWS.json: a list of rows, each a list of strings)
"""
import json
import sys
import time

import xlsxwriter


def main() -> None:
    rows_path, out_path = sys.argv[1], sys.argv[2]
    with open(rows_path, encoding="utf-8") as f:
        rows = json.load(f)
    started = time.perf_counter()

    # strings_to_formulas=False: the same guarantee as ours, that "=1+1" stays text.
    wb = xlsxwriter.Workbook(out_path, {"strings_to_formulas": False, "strings_to_numbers": False})
    base = {"font_name": "Arial", "font_size": 10, "text_wrap": True, "valign": "top", "border": 1}
    header = wb.add_format({**base, "bold": True, "bg_color": "#FAC090"})
    text = wb.add_format(base)
    label = wb.add_format({**base, "bold": True, "bg_color": "#F2F2F2"})
    response = wb.add_format({**base, "bg_color": "#FFFDE7", "locked": False})
    red = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})

    ws = wb.add_worksheet("Benchmark service")
    headers = ["Requirement ID", "Category", "Item", "Detail", "How assessed", "Type",
               "Actioned By", "Compliant", "Additional notes", "Item ID"]
    for c, h in enumerate(headers):
        ws.write_string(0, c, h, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            fmt = response if c in (7, 8) else (label if c == 2 else text)
            ws.write_string(r, c, value, fmt)
    last = len(rows)
    ws.data_validation(1, 7, last, 7, {"validate": "list",
                                       "source": ["Please select\u2026", "Yes", "No", "Out of Scope"]})
    ws.conditional_format(1, 8, last, 8, {"type": "formula",
                                          "criteria": '=AND($H2="No",LEN(TRIM($I2))=0)', "format": red})
    for c, w in enumerate([16, 18, 28, 60, 24, 9, 13, 20, 40, 14]):
        ws.set_column(c, c, w)
    ws.freeze_panes(1, 0)
    ws.repeat_rows(0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.autofilter(0, 0, last, 9)
    ws.protect("", {"autofilter": True, "format_columns": True, "format_rows": True})
    wb.close()
    # Read by the benchmark: the write itself, without interpreter start and reading the rows.
    print(f"call-seconds: {time.perf_counter() - started}", file=sys.stderr)


if __name__ == "__main__":
    main()
