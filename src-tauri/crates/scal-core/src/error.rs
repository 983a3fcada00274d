//! The one error of scal-core: why a value cannot be taken for an item, why a name names no
//! item (or more than one), why answers cannot be copied. Each variant renders as one sentence
//! naming the item or section. (A template's problems are a list, `TemplateErrors`, reported
//! together rather than one at a time.)

use crate::upgrade::CopySide;

/// Why the core refused what it was asked, in one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    // A value given for an item.
    #[error("there is no item \"{0}\" in this template")]
    UnknownItem(String),
    #[error("item \"{item}\" does not take an answer ({kind}): {hint}")]
    NotAnswerable {
        item: String,
        kind: &'static str,
        hint: &'static str,
    },
    #[error("\"{value}\" is not a response item \"{item}\" accepts; choose one of: {options}")]
    NotAnOption {
        item: String,
        value: String,
        options: String,
    },
    #[error(
        "\"{value}\" is not a date for item \"{item}\": write it as YYYY-MM-DD, e.g. 2026-04-30"
    )]
    BadDate { item: String, value: String },
    #[error("\"{value}\" is not an email address for item \"{item}\"")]
    BadEmail { item: String, value: String },
    #[error(
        "\"{value}\" is not an ODS code for item \"{item}\": 3 to 10 letters and digits, e.g. RR8 or 8JK12"
    )]
    BadOdsCode { item: String, value: String },
    #[error(
        "\"{value}\" is not a version for item \"{item}\": it needs at least one digit, e.g. 2.4.1"
    )]
    BadVersion { item: String, value: String },
    #[error("item \"{item}\" takes one response, not a list")]
    NotMulti { item: String },
    #[error(
        "item \"{item}\" has a value of {len} characters; the most a response may hold is {max}"
    )]
    TooLong {
        item: String,
        len: usize,
        max: usize,
    },
    // A name given for an item: none, or more than one.
    #[error("there is no item \"{name}\" in this template: neither an item id nor a requirement ID (`scal show DRAFT` lists both)")]
    UnknownName { name: String },
    #[error("\"{name}\" is the requirement ID of {}: {}; name the one you mean by its item id", .items.len().to_string() + " items", ambiguous_list(.items))]
    Ambiguous {
        name: String,
        /// Each item's id and its section's title, in the template's order.
        items: Vec<(String, String)>,
    },
    // Copying answers between drafts.
    #[error("there is no section \"{name}\" in the {} draft's template {template} (sections: {known})", side_word(*.side))]
    UnknownSection {
        name: String,
        side: CopySide,
        template: String,
        known: String,
    },
    #[error("no section is marked shared in both templates: name the sections to copy")]
    NothingShared,
}

fn ambiguous_list(items: &[(String, String)]) -> String {
    items
        .iter()
        .map(|(id, section)| format!("\"{id}\" in \"{section}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn side_word(side: CopySide) -> &'static str {
    match side {
        CopySide::From => "source",
        CopySide::To => "target",
    }
}
