//! The xlsx package (a zip of XML parts), read with hard bounds so that a hostile file — a zip
//! bomb, millions of entries, a lying size header — is refused with a sentence, never allowed
//! to exhaust memory.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use zip::result::ZipError;
use zip::ZipArchive;

use crate::error::WorkbookError;

/// The largest workbook accepted, compressed. Real SCALs are a few megabytes.
pub const MAX_WORKBOOK_BYTES: u64 = 256 * 1024 * 1024;
/// The most entries a package may have (the real workbook has about 150).
pub const MAX_ENTRIES: usize = 20_000;
/// The most one XML part may hold once decompressed.
pub const MAX_PART_BYTES: u64 = 128 * 1024 * 1024;
/// The most all parts read together may hold once decompressed.
pub const MAX_TOTAL_BYTES: u64 = 512 * 1024 * 1024;

/// The signature of an OLE compound file: legacy .xls, and Office's password-encrypted xlsx.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

pub(crate) struct Package<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    /// Lower-cased part name (OOXML part names are case-insensitive) → entry index.
    index: HashMap<String, usize>,
    read_so_far: u64,
    pub file: String,
}

impl<'a> Package<'a> {
    pub fn open(bytes: &'a [u8], file: &str) -> Result<Package<'a>, WorkbookError> {
        let file = file.to_string();
        if bytes.is_empty() {
            return Err(WorkbookError::Empty { file });
        }
        if bytes.len() as u64 > MAX_WORKBOOK_BYTES {
            return Err(WorkbookError::TooLarge {
                file,
                what: format!(
                    "it is {} bytes; the most accepted is {MAX_WORKBOOK_BYTES}",
                    bytes.len()
                ),
            });
        }
        if bytes.starts_with(&OLE_MAGIC) {
            return Err(WorkbookError::NotXlsx {
                file,
                reason:
                    "it is a legacy .xls workbook (or an OLE file), not the zip package an .xlsx is"
                        .to_string(),
            });
        }
        if !bytes.starts_with(b"PK") {
            return Err(WorkbookError::NotXlsx {
                file,
                reason: "it is not a zip package, which every .xlsx workbook is".to_string(),
            });
        }
        let zip = match ZipArchive::new(Cursor::new(bytes)) {
            Ok(z) => z,
            Err(e) => {
                return Err(WorkbookError::NotXlsx {
                    file,
                    reason: format!("its zip structure cannot be read ({})", zip_reason(&e)),
                })
            }
        };
        if zip.len() > MAX_ENTRIES {
            return Err(WorkbookError::TooLarge {
                file,
                what: format!(
                    "it has {} parts; the most accepted is {MAX_ENTRIES}",
                    zip.len()
                ),
            });
        }
        let mut index = HashMap::new();
        for i in 0..zip.len() {
            if let Some(Ok(name)) = zip.name_for_index(i) {
                index.entry(name.to_ascii_lowercase()).or_insert(i);
            }
        }
        let package = Package {
            zip,
            index,
            read_so_far: 0,
            file,
        };
        if !package.has("[Content_Types].xml") {
            return Err(WorkbookError::NotXlsx {
                file: package.file,
                reason: "it is a zip file without the parts of an Office document".to_string(),
            });
        }
        Ok(package)
    }

    pub fn has(&self, part: &str) -> bool {
        self.index.contains_key(&part.to_ascii_lowercase())
    }

    /// The part's bytes, or `None` when the package has no such part. Bounded: a part larger
    /// than `MAX_PART_BYTES` once decompressed (whatever its header claims) is refused.
    pub fn read(&mut self, part: &str) -> Result<Option<Vec<u8>>, WorkbookError> {
        let Some(&i) = self.index.get(&part.to_ascii_lowercase()) else {
            return Ok(None);
        };
        let file = self.file.clone();
        let damaged = |reason: String| WorkbookError::Damaged {
            file: file.clone(),
            part: part.to_string(),
            reason,
        };
        let entry = match self.zip.by_index(i) {
            Ok(e) => e,
            Err(ZipError::UnsupportedArchive(msg)) if msg == ZipError::PASSWORD_REQUIRED => {
                return Err(WorkbookError::Encrypted {
                    file,
                    part: part.to_string(),
                })
            }
            Err(e) => return Err(damaged(zip_reason(&e))),
        };
        if entry.encrypted() {
            return Err(WorkbookError::Encrypted {
                file,
                part: part.to_string(),
            });
        }
        let too_large = |what: String| WorkbookError::TooLarge {
            file: file.clone(),
            what,
        };
        if entry.size() > MAX_PART_BYTES {
            return Err(too_large(format!(
                "{part} holds {} bytes once decompressed; the most accepted is {MAX_PART_BYTES}",
                entry.size()
            )));
        }
        // The header's size is only a claim: the read itself is what is bounded.
        let mut out = Vec::with_capacity(entry.size().min(16 * 1024 * 1024) as usize);
        entry
            .take(MAX_PART_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|e| damaged(e.to_string()))?;
        if out.len() as u64 > MAX_PART_BYTES {
            return Err(too_large(format!(
                "{part} decompresses to more than {MAX_PART_BYTES} bytes"
            )));
        }
        self.read_so_far += out.len() as u64;
        if self.read_so_far > MAX_TOTAL_BYTES {
            return Err(too_large(format!(
                "its parts decompress to more than {MAX_TOTAL_BYTES} bytes"
            )));
        }
        Ok(Some(out))
    }

    /// The part as UTF-8 text (a byte-order mark dropped). Workbooks are written in UTF-8.
    pub fn read_text(&mut self, part: &str) -> Result<Option<String>, WorkbookError> {
        let Some(bytes) = self.read(part)? else {
            return Ok(None);
        };
        let bytes = bytes
            .strip_prefix(&[0xEF, 0xBB, 0xBF])
            .map(<[u8]>::to_vec)
            .unwrap_or(bytes);
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| WorkbookError::Damaged {
                file: self.file.clone(),
                part: part.to_string(),
                reason: "it is not UTF-8 text".to_string(),
            })
    }
}

/// A zip error as the end of a sentence.
pub(crate) fn zip_reason(e: &ZipError) -> String {
    match e {
        ZipError::Io(io) => crate::error::io_reason(io),
        ZipError::InvalidArchive(why) => why.to_string(),
        ZipError::UnsupportedArchive(why) => why.to_string(),
        ZipError::FileNotFound => "a part is missing".to_string(),
        ZipError::InvalidPassword => "it is encrypted".to_string(),
        ZipError::CompressionMethodNotSupported(m) => {
            format!("it uses compression method {m}, which scal cannot read")
        }
        other => other.to_string(),
    }
}

/// Resolves a relationship target against the folder of the part that names it:
/// (`xl/workbook.xml`, `worksheets/sheet1.xml`) → `xl/worksheets/sheet1.xml`; an absolute
/// target (`/xl/...`) is taken from the package root.
pub(crate) fn resolve_target(source_part: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        let dir = source_part.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The relationships part of a part: `xl/workbook.xml` → `xl/_rels/workbook.xml.rels`.
pub(crate) fn rels_part(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/_rels/{name}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationship_targets_resolve_like_office_does() {
        assert_eq!(
            resolve_target("xl/workbook.xml", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve_target("xl/workbook.xml", "/xl/worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve_target("xl/worksheets/sheet1.xml", "../drawings/d1.xml"),
            "xl/drawings/d1.xml"
        );
        assert_eq!(resolve_target("", "xl/workbook.xml"), "xl/workbook.xml");
        assert_eq!(rels_part("xl/workbook.xml"), "xl/_rels/workbook.xml.rels");
        assert_eq!(rels_part(""), "_rels/.rels");
    }
}
