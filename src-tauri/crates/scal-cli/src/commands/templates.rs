//! `scal templates`: the templates built into the binary.

use crate::dto::TemplateSummary;
use crate::error::CliResult;
use crate::output::{clip, Align, Out, Table};
use crate::Outcome;

pub fn run(json: bool, out: &mut Out) -> CliResult<Outcome> {
    let templates = scal_core::bundled_templates();
    if json {
        let list: Vec<TemplateSummary> = templates.iter().map(TemplateSummary::from).collect();
        out.json(&list)?;
        return Ok(Outcome::Success);
    }
    let mut table = Table::new(&[
        ("ID", Align::Left),
        ("VERSION", Align::Left),
        ("SECTIONS", Align::Right),
        ("ITEMS", Align::Right),
        ("TITLE", Align::Left),
    ]);
    for t in &templates {
        let s = TemplateSummary::from(t);
        table.row(vec![
            s.id,
            s.version,
            s.sections.to_string(),
            s.items.to_string(),
            clip(&s.title, 70),
        ]);
    }
    out.table(&table);
    out.blank();
    out.line("Create a draft with: scal new DRAFT.scal --template ID");
    Ok(Outcome::Success)
}
