//! The templates that ship inside the binaries (`schemas/templates/`).

/// (file name, JSON text) of every bundled template.
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "uec-appointment-booking.json",
        include_str!("../../../../schemas/templates/uec-appointment-booking.json"),
    ),
    (
        "shared-organisation.json",
        include_str!("../../../../schemas/templates/shared-organisation.json"),
    ),
    (
        "gpconnect-appointment-management-consumer.json",
        include_str!(
            "../../../../schemas/templates/gpconnect-appointment-management-consumer.json"
        ),
    ),
];

/// Every bundled template, loaded. A bundled template that fails to load is a build defect,
/// caught by the tests; here it is skipped rather than crashing a user's session.
pub fn bundled_templates() -> Vec<crate::Template> {
    BUNDLED
        .iter()
        .filter_map(|(_, json)| crate::load_template(json).ok())
        .collect()
}

pub fn bundled_template(id: &str) -> Option<crate::Template> {
    bundled_templates().into_iter().find(|t| t.id == id)
}

/// The JSON text of a bundled template, exactly as shipped (the draft stores this snapshot).
pub fn bundled_template_json(id: &str) -> Option<&'static str> {
    BUNDLED
        .iter()
        .map(|(_, json)| *json)
        .find(|json| crate::load_template(json).is_ok_and(|t| t.id == id))
}
