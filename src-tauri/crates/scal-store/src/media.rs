//! Media types of evidence files, guessed from the extension. A short table of what SCAL
//! evidence really is (reports, certificates, screenshots, logs, archives) rather than a crate.

const TABLE: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("doc", "application/msword"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("xls", "application/vnd.ms-excel"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("xlsm", "application/vnd.ms-excel.sheet.macroEnabled.12"),
    ("ppt", "application/vnd.ms-powerpoint"),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("rtf", "application/rtf"),
    ("txt", "text/plain"),
    ("log", "text/plain"),
    ("md", "text/markdown"),
    ("csv", "text/csv"),
    ("html", "text/html"),
    ("htm", "text/html"),
    ("xml", "application/xml"),
    ("json", "application/json"),
    ("har", "application/json"),
    ("yaml", "application/yaml"),
    ("yml", "application/yaml"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("bmp", "image/bmp"),
    ("svg", "image/svg+xml"),
    ("tif", "image/tiff"),
    ("tiff", "image/tiff"),
    ("mp4", "video/mp4"),
    ("webm", "video/webm"),
    ("zip", "application/zip"),
    ("gz", "application/gzip"),
    ("tar", "application/x-tar"),
    ("7z", "application/x-7z-compressed"),
    ("eml", "message/rfc822"),
    ("msg", "application/vnd.ms-outlook"),
    ("p7s", "application/pkcs7-signature"),
    ("cer", "application/pkix-cert"),
    ("crt", "application/pkix-cert"),
    ("pem", "application/x-pem-file"),
];

/// The media type for a file name, by its extension (case-insensitive);
/// `application/octet-stream` when the extension is unknown or missing.
pub fn media_type_for(file_name: &str) -> &'static str {
    let ext = match file_name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => return "application/octet-stream",
    };
    TABLE
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, t)| *t)
        .unwrap_or("application/octet-stream")
}

#[cfg(test)]
mod tests {
    use super::media_type_for;

    #[test]
    fn guesses_by_extension_ignoring_case() {
        for (name, want) in [
            ("Technical Conformance Report.PDF", "application/pdf"),
            ("screenshot.png", "image/png"),
            ("results.tar.gz", "application/gzip"),
            ("README", "application/octet-stream"),
            (".pdf", "application/octet-stream"),
            ("data.unknownext", "application/octet-stream"),
        ] {
            assert_eq!(media_type_for(name), want, "media type of {name}");
        }
    }
}
