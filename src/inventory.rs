//! Reading the user's inventory CSV.
//!
//! In: the file's bytes, as exported by a person, a billing system (Cost and Usage
//! Report) or AWS Config. Out: an [`Inventory`]: the header, which column plays which
//! role, every row with its line number, and diagnostics about the file itself.
//! What cannot be read at all (encoding, no service column, an unknown `duty.` column)
//! is an [`InventoryError`]; everything else is a diagnostic and no row is dropped
//! without one.

use crate::catalogue::{closest, Catalogue};
use crate::diagnostic::{Diagnostic, Level};
use crate::text::{line_col, normalise, sha256_hex};
use std::collections::HashMap;

/// Headers that name the service column, in order of preference (normalised).
const SERVICE_HEADERS: &[&str] = &[
    "service",
    "servicename",
    "product",
    "productname",
    "productproductname",
    "lineitemproductcode",
    "resourcetype",
];

const PROVIDER_HEADERS: &[&str] = &["provider", "cloud", "cloudprovider"];
const VARIANT_HEADERS: &[&str] = &["variant", "launchtype"];
const ACCOUNT_HEADERS: &[&str] = &[
    "account",
    "accountid",
    "awsaccountid",
    "lineitemusageaccountid",
    "subscription",
    "subscriptionid",
    "project",
    "projectid",
];
const ENVIRONMENT_HEADERS: &[&str] = &["environment", "env", "stage"];
const REGION_HEADERS: &[&str] = &[
    "region",
    "awsregion",
    "productregion",
    "productregioncode",
    "location",
];
const OWNER_HEADERS: &[&str] = &["owner", "serviceowner", "team", "ownerteam"];
const CLASSIFICATION_HEADERS: &[&str] = &["dataclassification", "classification"];
const RATIONALE_HEADERS: &[&str] = &["rationale", "justification", "overriderationale"];

/// An inventory that cannot be read at all.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: error: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct InventoryError {
    pub file: String,
    pub line: Option<u64>,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// `--service-column NAME`.
    pub service_column: Option<String>,
    /// `--delimiter`; detected when `None`.
    pub delimiter: Option<u8>,
}

/// Which column plays which role (indexes into the header).
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// The service columns found, most preferred first; a row's service is the first
    /// non-empty one (a billing export leaves a product name empty on some lines).
    pub service: Vec<usize>,
    pub provider: Option<usize>,
    pub variant: Option<usize>,
    pub account: Option<usize>,
    pub environment: Option<usize>,
    pub region: Option<usize>,
    pub rationale: Option<usize>,
    /// Who runs the service in the organisation (not the owner of a duty).
    pub owner: Option<usize>,
    pub data_classification: Option<usize>,
    /// `duty.<area>` columns: (column, area index).
    pub duties: Vec<(usize, usize)>,
}

#[derive(Debug, Clone)]
pub struct Row {
    /// Line of the file where the row starts (the header is line 1).
    pub line: u64,
    /// One cell per header column.
    pub cells: Vec<String>,
}

impl Row {
    pub fn get(&self, column: Option<usize>) -> &str {
        column.map_or("", |c| self.cells[c].trim())
    }
}

#[derive(Debug, Clone)]
pub struct Inventory {
    /// The path as the user gave it.
    pub file: String,
    pub sha256: String,
    pub delimiter: u8,
    pub headers: Vec<String>,
    pub columns: Columns,
    pub rows: Vec<Row>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Inventory {
    pub fn service_of<'r>(&self, row: &'r Row) -> &'r str {
        self.columns
            .service
            .iter()
            .map(|&c| row.cells[c].trim())
            .find(|s| !s.is_empty())
            .unwrap_or("")
    }

    pub fn read(
        path: &std::path::Path,
        options: &ReadOptions,
        catalogue: &Catalogue,
    ) -> Result<Inventory, InventoryError> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| InventoryError {
            file: file.clone(),
            line: None,
            message: format!("cannot read the inventory: {e}"),
        })?;
        Inventory::parse(&bytes, &file, options, catalogue)
    }

    pub fn parse(
        bytes: &[u8],
        file: &str,
        options: &ReadOptions,
        catalogue: &Catalogue,
    ) -> Result<Inventory, InventoryError> {
        let fail = |line: Option<u64>, message: String| InventoryError {
            file: file.to_string(),
            line,
            message,
        };
        let mut diagnostics = Vec::new();
        let text = decode(bytes, file, &mut diagnostics)?;
        if text.trim().is_empty() {
            return Err(fail(None, "the file is empty; an inventory needs a header row naming a service column, then one row per service".into()));
        }
        if let Some(offset) = text.find('\0') {
            let (line, _) = line_col(&text, offset);
            return Err(fail(
                Some(line as u64),
                "the file contains NUL bytes: it looks like a binary file, not a CSV text file"
                    .into(),
            ));
        }
        let delimiter = options.delimiter.unwrap_or_else(|| detect_delimiter(&text));
        if let Some(offset) = unclosed_quote(&text, delimiter) {
            let (line, _) = line_col(&text, offset);
            return Err(fail(
                Some(line as u64),
                "a quoted cell opens here and is never closed, so every later row would be read into it; close the quote (inside a quoted cell, write a quote as \"\")".into(),
            ));
        }
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut records = reader.records();
        let headers: Vec<String> = match records.next() {
            Some(Ok(r)) => r.iter().map(|h| h.trim().to_string()).collect(),
            Some(Err(e)) => return Err(fail(Some(1), format!("cannot read the header row: {e}"))),
            None => return Err(fail(None, "the file has no header row".into())),
        };
        let columns = find_columns(&headers, options, catalogue).map_err(|m| fail(Some(1), m))?;

        // The csv crate miscounts lines in CRLF and CR files: count them from byte offsets.
        let starts = line_starts(&text);
        // A record's position may point at the end of the previous line: skip to its text.
        let line_of = |pos: Option<&csv::Position>| {
            pos.map_or(0, |p| {
                let mut byte = p.byte() as usize;
                while matches!(text.as_bytes().get(byte), Some(b'\r' | b'\n')) {
                    byte += 1;
                }
                starts.partition_point(|&s| s <= byte) as u64
            })
        };
        let mut rows = Vec::new();
        let mut seen: HashMap<String, u64> = HashMap::new();
        for record in records {
            let record = record.map_err(|e| {
                fail(
                    Some(line_of(e.position())),
                    format!("cannot read the row: {e}"),
                )
            })?;
            let line = line_of(record.position());
            let mut cells: Vec<String> = record.iter().map(str::to_string).collect();
            if cells.iter().all(|c| c.trim().is_empty()) {
                diagnostics.push(Diagnostic::new(
                    Level::Warning,
                    file,
                    Some(line),
                    "the row is blank; skipped",
                ));
                continue;
            }
            if cells.len() != headers.len() {
                let message = if cells.len() < headers.len() {
                    format!(
                        "the row has {} cells, the header {}; the missing cells are read as empty",
                        cells.len(),
                        headers.len()
                    )
                } else {
                    let extra: Vec<&str> = cells[headers.len()..]
                        .iter()
                        .map(String::as_str)
                        .filter(|c| !c.trim().is_empty())
                        .collect();
                    format!(
                        "the row has {} cells, the header {}; the cells beyond the last column are ignored{}",
                        cells.len(),
                        headers.len(),
                        if extra.is_empty() { String::new() } else { format!(": {}", extra.join(", ")) }
                    )
                };
                diagnostics.push(Diagnostic::new(Level::Warning, file, Some(line), message));
                cells.resize(headers.len(), String::new());
            }
            let key = cells.join("\u{1f}");
            if let Some(first) = seen.get(&key) {
                diagnostics.push(Diagnostic::new(
                    Level::Warning,
                    file,
                    Some(line),
                    format!("the row repeats line {first} exactly; both are kept as rows of the same service"),
                ));
            } else {
                seen.insert(key, line);
            }
            rows.push(Row { line, cells });
        }
        if rows.is_empty() {
            diagnostics.push(Diagnostic::new(
                Level::Warning,
                file,
                Some(1),
                "the inventory has a header but no rows; the report will be empty",
            ));
        }
        Ok(Inventory {
            file: file.to_string(),
            sha256: sha256_hex(bytes),
            delimiter,
            headers,
            columns,
            rows,
            diagnostics,
        })
    }
}

/// UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is an error naming
/// the line of the first bad byte.
fn decode(
    bytes: &[u8],
    file: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<String, InventoryError> {
    let utf16 = match bytes {
        [0xFF, 0xFE, rest @ ..] => {
            Some((rest, u16::from_le_bytes as fn([u8; 2]) -> u16, "UTF-16LE"))
        }
        [0xFE, 0xFF, rest @ ..] => {
            Some((rest, u16::from_be_bytes as fn([u8; 2]) -> u16, "UTF-16BE"))
        }
        _ => None,
    };
    if let Some((rest, to_unit, name)) = utf16 {
        if rest.len() % 2 != 0 {
            return Err(InventoryError {
                file: file.into(),
                line: None,
                message: format!("the file starts with a {name} byte-order mark but has an odd number of bytes; save it again as UTF-8"),
            });
        }
        let units = rest.chunks_exact(2).map(|c| to_unit([c[0], c[1]]));
        let text: Result<String, _> = char::decode_utf16(units).collect();
        return match text {
            Ok(text) => {
                diagnostics.push(Diagnostic::new(Level::Note, file, None, format!("read as {name} (byte-order mark found)")));
                Ok(text)
            }
            Err(_) => Err(InventoryError {
                file: file.into(),
                line: None,
                message: format!("the file starts with a {name} byte-order mark but is not valid {name}; save it again as UTF-8"),
            }),
        };
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let good = e.valid_up_to();
            let prefix = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
            let (line, col) = line_col(prefix, good);
            Err(InventoryError {
                file: file.into(),
                line: Some(line as u64),
                message: format!(
                    "column {col}: byte 0x{:02X} is not valid UTF-8; the file looks like Windows-1252 or Latin-1. Save it as UTF-8 (in Excel: \"CSV UTF-8\") and run again",
                    bytes[good]
                ),
            })
        }
    }
}

/// The offset of a quote that opens a quoted field never closed before the end of the
/// file (RFC 4180: a quote opens a field only at its start; `""` inside is a quote).
fn unclosed_quote(text: &str, delimiter: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut quoted, mut opened, mut field_start) = (false, 0, true);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if quoted {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
        } else if b == b'"' && field_start {
            quoted = true;
            opened = i;
        } else {
            field_start = b == delimiter || b == b'\n' || b == b'\r';
        }
        i += 1;
    }
    quoted.then_some(opened)
}

/// Byte offsets where lines start; `\r\n`, `\n` and a lone `\r` each end a line.
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            starts.push(i + 1);
        }
    }
    starts
}

/// The delimiter among `,` `;` and tab that occurs most often, outside quotes, on the
/// header line; `,` when none does.
fn detect_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => break,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b';', b'\t'][best]
    }
}

fn find_columns(
    headers: &[String],
    options: &ReadOptions,
    catalogue: &Catalogue,
) -> Result<Columns, String> {
    let norm: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let first = |names: &[&str]| names.iter().find_map(|n| norm.iter().position(|h| h == n));
    let mut columns = Columns {
        provider: first(PROVIDER_HEADERS),
        variant: first(VARIANT_HEADERS),
        account: first(ACCOUNT_HEADERS),
        environment: first(ENVIRONMENT_HEADERS),
        region: first(REGION_HEADERS),
        rationale: first(RATIONALE_HEADERS),
        owner: first(OWNER_HEADERS),
        data_classification: first(CLASSIFICATION_HEADERS),
        ..Columns::default()
    };
    let seen = || {
        headers
            .iter()
            .map(|h| format!("\"{h}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match &options.service_column {
        Some(name) => {
            let wanted = normalise(name);
            let column = norm.iter().position(|h| *h == wanted).ok_or_else(|| {
                format!(
                    "no column \"{name}\" (given by --service-column); the header has: {}",
                    seen()
                )
            })?;
            columns.service.push(column);
        }
        None => {
            columns.service = SERVICE_HEADERS
                .iter()
                .filter_map(|n| norm.iter().position(|h| h == n))
                .collect();
            if columns.service.is_empty() {
                return Err(format!(
                    "no service column found; the header has: {}. Name one column \"service\" (or service_name, product, product/ProductName, lineItem/ProductCode, resourceType), or pass --service-column NAME",
                    seen()
                ));
            }
        }
    }
    for (i, header) in headers.iter().enumerate() {
        let Some(rest) = duty_column(header) else {
            continue;
        };
        let wanted = normalise(rest);
        let area = catalogue
            .areas
            .iter()
            .position(|a| normalise(&a.id) == wanted)
            .ok_or_else(|| {
                let guess = rest.trim().to_lowercase().replace(['_', ' ', '.'], "-");
                format!(
                    "column \"{header}\" looks like a duty override but names no duty area{}; the areas are: {}. Name it duty.<area>, or rename the column",
                    closest(&guess, catalogue.areas.iter().map(|a| a.id.as_str()))
                        .map(|a| format!(" (did you mean \"duty.{a}\"?)"))
                        .unwrap_or_default(),
                    catalogue.area_ids()
                )
            })?;
        let id = &catalogue.areas[area].id;
        if columns.duties.iter().any(|(_, a)| *a == area) {
            return Err(format!(
                "two columns override the duty area \"{id}\"; keep one"
            ));
        }
        columns.duties.push((i, area));
    }
    Ok(columns)
}

/// The area part of an override column: `duty.guest-os`, `Duty_Guest OS`, `duties:data`.
/// A header that starts with "duty" or "duties" and a separator is always read as one,
/// so a misspelt override is an error rather than a column silently kept as data.
fn duty_column(header: &str) -> Option<&str> {
    let trimmed = header.trim();
    let lower = trimmed.to_lowercase();
    let word = ["duties", "duty"]
        .into_iter()
        .find(|w| lower.starts_with(w))?;
    let rest = &trimmed[word.len()..];
    let after = rest.trim_start_matches(|c: char| c.is_whitespace() || ".:_-/".contains(c));
    (after.len() < rest.len()).then_some(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unclosed_quote_is_found_where_it_opens() {
        assert_eq!(unclosed_quote("a,b\nEC2,\"x\nS3,y\n", b','), Some(8));
        assert_eq!(
            unclosed_quote("a,b\nEC2,\"x \"\"q\"\" y\"\nS3,y\n", b','),
            None
        );
        assert_eq!(
            unclosed_quote("a,b\nEC2,x\"y\nS3,z\n", b','),
            None,
            "a quote inside a field is text"
        );
    }

    #[test]
    fn override_columns_are_recognised_in_any_spelling() {
        for h in [
            "duty.guest-os",
            "Duty.Guest_OS",
            "duty_guest-os",
            "duty guest os",
            "duties:guest-os",
            "duty / guest-os",
        ] {
            assert_eq!(normalise(duty_column(h).unwrap()), "guestos", "{h}");
        }
        assert_eq!(duty_column("dutyfree"), None);
        assert_eq!(duty_column("service"), None);
    }

    #[test]
    fn delimiter_is_detected_from_the_header_outside_quotes() {
        assert_eq!(detect_delimiter("service;account\nEC2;1"), b';');
        assert_eq!(detect_delimiter("service\taccount\n"), b'\t');
        assert_eq!(detect_delimiter("\"a;b;c\",d\n"), b',');
        assert_eq!(detect_delimiter("service\n"), b',');
    }
}
