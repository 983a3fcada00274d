//! `sheet_preview`: the first rows of a sheet as a person sees them, to map it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail the test by panicking"
)]

use rust_xlsxwriter::{DataValidation, Workbook};

/// A title, an empty row, then a header at row 3, IDs and two columns with the same dropdown
/// (which the importer does not guess between).
fn unsure() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Checks").unwrap();
    ws.merge_range(0, 0, 0, 3, "Our checklist", &rust_xlsxwriter::Format::new())
        .unwrap();
    for (c, h) in ["Ref", "What", "First pick", "Second pick"]
        .iter()
        .enumerate()
    {
        ws.write(2, c as u16, *h).unwrap();
    }
    for n in 0..20u32 {
        ws.write(3 + n, 0, format!("CK-{n:02}").as_str()).unwrap();
        ws.write(3 + n, 1, format!("Check {n}")).unwrap();
    }
    let dv = DataValidation::new()
        .allow_list_strings(&["Done", "Partly", "Not done"])
        .unwrap();
    ws.add_data_validation(3, 2, 22, 3, &dv).unwrap();
    let other = wb.add_worksheet();
    other.set_name("Notes").unwrap();
    other.write(0, 0, "Nothing to answer here").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn a_preview_shows_the_first_filled_rows_by_their_numbers_and_the_dropdowns() {
    let bytes = unsure();
    let p = scal_workbook::sheet_preview(&bytes, "unsure.xlsx", "Checks", 5, 16)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.sheet, "Checks");
    assert!(!p.hidden);
    assert_eq!(p.columns, ["A", "B", "C", "D"]);
    let numbers: Vec<u32> = p.rows.iter().map(|r| r.row).collect();
    assert_eq!(numbers, [1, 3, 4, 5, 6], "the empty row 2 is not shown");
    assert_eq!(p.rows[0].cells, ["Our checklist", "", "", ""]);
    assert_eq!(
        p.rows[1].cells,
        ["Ref", "What", "First pick", "Second pick"]
    );
    assert_eq!(p.rows[2].cells, ["CK-00", "Check 0", "", ""]);
    assert!(p.more_rows);
    assert!(!p.more_columns);
    let lists: Vec<(&str, Vec<&str>)> = p
        .lists
        .iter()
        .map(|(c, o)| (c.as_str(), o.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        lists,
        [
            ("C", vec!["Done", "Partly", "Not done"]),
            ("D", vec!["Done", "Partly", "Not done"])
        ]
    );
    // Narrower than the sheet: cut, and said so.
    let narrow = scal_workbook::sheet_preview(&bytes, "unsure.xlsx", "Checks", 100, 2)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(narrow.columns, ["A", "B"]);
    assert!(narrow.more_columns);
    assert_eq!(narrow.rows.len(), 22);
    assert!(!narrow.more_rows);
}

#[test]
fn a_preview_of_a_sheet_the_workbook_lacks_is_refused_naming_its_sheets() {
    let bytes = unsure();
    let err = scal_workbook::sheet_preview(&bytes, "unsure.xlsx", "Requirements", 12, 16)
        .expect_err("no such sheet");
    let message = err.to_string();
    assert!(message.contains("\"Requirements\""), "{message}");
    assert!(message.contains("\"Checks\", \"Notes\""), "{message}");
    let junk = scal_workbook::sheet_preview(b"not a zip", "junk.xlsx", "Checks", 12, 16)
        .expect_err("not a workbook");
    assert!(junk.to_string().contains("junk.xlsx"), "{junk}");
}

#[test]
fn the_sheets_are_listed_in_the_workbooks_order() {
    let bytes = unsure();
    let names = scal_workbook::sheet_names(&bytes, "unsure.xlsx").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        names,
        [("Checks".to_string(), false), ("Notes".to_string(), false)]
    );
}
