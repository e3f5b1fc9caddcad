//! The controls register: the customer's own record of who operates each control, how
//! often, and where it is evidenced.
//!
//! In: a report (to write one), or a filled register as the user saved it: CSV (UTF-8,
//! with or without BOM, `,` or `;`) or xlsx. Out: `controls-register.csv` and
//! `controls-register.xlsx`; read back, each control's [`Entry`] in the report model,
//! and diagnostics (`file:line`) for rows naming no known framework or control.

use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Level};
use crate::join::FrameworkOut;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

pub const CSV_FILE: &str = "controls-register.csv";
pub const XLSX_FILE: &str = "controls-register.xlsx";

/// The register's columns; the last four are the user's to fill.
pub const HEADER: [&str; 11] = [
    "framework",
    "control",
    "label",
    "statement",
    "areas",
    "services",
    "evidence_hints",
    "owner",
    "frequency",
    "evidence",
    "status",
];

/// What the user wrote for one control (carried on the control by the join).
pub use crate::join::RegisterEntry as Entry;

/// A register read back: its rows, each with the line (CSV record or sheet row) it is on.
#[derive(Debug, Clone)]
pub struct Register {
    /// The file name, as diagnostics name it.
    pub file: String,
    pub rows: Vec<Row>,
    /// What reading it found: a formula with no saved value, a control twice.
    pub notes: Vec<Diagnostic>,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub framework: String,
    pub control: String,
    pub entry: Entry,
}

/// A register that cannot be read at all (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct RegisterError {
    pub file: String,
    pub message: String,
}

/// The register's rows: one per control with a customer part, framework by framework.
pub fn rows(frameworks: &[FrameworkOut]) -> Vec<[String; 11]> {
    frameworks
        .iter()
        .flat_map(|f| {
            f.controls.iter().filter_map(move |c| {
                let statement = c.customer_text.clone()?;
                // A control with no cloud part concerns no service in particular.
                let services = match c.organisational {
                    true => Vec::new(),
                    false => crate::join::Part::services_of(&c.customer),
                };
                let hints: Vec<String> = c
                    .evidence
                    .iter()
                    .map(|h| match &h.securityhub {
                        Some(hub) => format!("{} ({hub})", h.id),
                        None => h.id.clone(),
                    })
                    .collect();
                let entry = c.register.clone().unwrap_or_default();
                Some([
                    f.id.clone(),
                    c.id.clone(),
                    c.label.clone(),
                    statement,
                    c.areas.join(" "),
                    services.join(" "),
                    hints.join("\n"),
                    entry.owner,
                    entry.frequency,
                    entry.evidence,
                    entry.status,
                ])
            })
        })
        .collect()
}

/// `controls-register.csv`.
pub fn to_csv(frameworks: &[FrameworkOut], bom: bool) -> Vec<u8> {
    crate::render::exports::spreadsheet_csv(&HEADER, rows(frameworks), bom)
}

/// `controls-register.xlsx`: one sheet, "Register", the same columns as the CSV.
pub fn to_xlsx(report: &crate::report::Report) -> Result<Vec<u8>, XlsxError> {
    let frameworks = &report.frameworks;
    let mut book = Workbook::new();
    book.set_properties(&crate::render::exports::properties(
        report,
        "Controls register",
    )?);
    let header = Format::new().set_bold().set_text_wrap();
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    let sheet = book.add_worksheet();
    sheet.set_name("Register")?;
    let widths = [
        12.0, 10.0, 30.0, 60.0, 24.0, 30.0, 40.0, 18.0, 14.0, 40.0, 12.0,
    ];
    for (col, (title, width)) in HEADER.iter().zip(widths).enumerate() {
        sheet.write_string_with_format(0, col as u16, *title, &header)?;
        sheet.set_column_width(col as u16, width)?;
    }
    let rows = rows(frameworks);
    for (i, row) in rows.iter().enumerate() {
        for (col, text) in row.iter().enumerate() {
            sheet.write_string_with_format(i as u32 + 1, col as u16, text, &wrap)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len().max(1) as u32, HEADER.len() as u16 - 1)?;
    book.save_to_buffer()
}

/// Reads a filled register: xlsx (by its zip signature) or CSV.
pub fn read(path: &Path) -> Result<Register, RegisterError> {
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let fail = |message: String| RegisterError {
        file: path.display().to_string(),
        message,
    };
    let bytes = crate::output::read_bounded(path, LARGEST_FILE)
        .map_err(|e| fail(format!("cannot read the register: {e}")))?;
    let mut notes = Vec::new();
    // xlsx and ods are zips, xls an OLE compound file; anything else is CSV.
    let table = if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        workbook_cells(bytes, &mut notes)
            .map_err(|e| fail(format!("cannot read the workbook: {e}")))?
    } else {
        csv_cells(&bytes).map_err(fail)?
    };
    let mut table = table.into_iter();
    let Some((_, header)) = table.next() else {
        return Err(fail("the register is empty; expected a header row".into()));
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(fw), Some(ctl)) = (col("framework"), col("control")) else {
        return Err(fail(format!(
            "the header must name the columns framework and control (found: {})",
            header.join(", ")
        )));
    };
    let [owner, frequency, evidence, status] =
        ["owner", "frequency", "evidence", "status"].map(col);
    let mut rows = Vec::new();
    for (line, cells) in table {
        let get = |c: Option<usize>| {
            c.and_then(|c| cells.get(c))
                .map(|t| t.trim().to_string())
                .unwrap_or_default()
        };
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows.push(Row {
            line,
            framework: get(Some(fw)),
            control: get(Some(ctl)),
            entry: Entry {
                owner: get(owner),
                frequency: get(frequency),
                evidence: get(evidence),
                status: get(status),
            },
        });
    }
    let mut notes: Vec<Diagnostic> = notes
        .into_iter()
        .map(|(line, message)| Diagnostic::new(Level::Warning, &file, Some(line), message))
        .collect();
    // One row a control (framework and control: NIST SP 800-53 and FedRAMP share ids):
    // a second would silently replace the first.
    let mut first: HashMap<(String, String), u64> = HashMap::new();
    rows.retain(|row| {
        let key = (row.framework.to_lowercase(), row.control.to_uppercase());
        match first.get(&key) {
            Some(&line) => {
                notes.push(Diagnostic::new(
                    Level::Error,
                    &file,
                    Some(row.line),
                    format!(
                        "{} {} is in the register twice (lines {line} and {}); the row on line {line} is used: keep one row a control",
                        row.framework, row.control, row.line
                    ),
                ));
                false
            }
            None => {
                first.insert(key, row.line);
                true
            }
        }
    });
    Ok(Register { file, rows, notes })
}

/// A CSV's records with their line numbers: UTF-8 with or without BOM, `,` or `;`
/// (whichever the header holds more of).
fn csv_cells(bytes: &[u8]) -> Result<Vec<(u64, Vec<String>)>, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        format!("line {line}: not UTF-8; save the register as CSV UTF-8")
    })?;
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("cannot read the CSV: {e}"))?;
        let line = record.position().map_or(0, |p| p.line());
        out.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(out)
}

/// The largest register read, and the most a spreadsheet's parts may inflate to, each
/// and together: a register is a few hundred rows, while a crafted 4 MB xlsx inflates to
/// gigabytes.
const LARGEST_FILE: u64 = 64 << 20;
const LARGEST_PART: u64 = 256 << 20;
const LARGEST_PARTS: u64 = 512 << 20;

/// Checks a zip-based spreadsheet (xlsx, ods) part by part through a counting reader,
/// before the spreadsheet library opens it: a part's size is what it inflates to, never
/// what its header claims.
fn check_parts(bytes: &[u8]) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| e.to_string())?;
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        let inflated = std::io::copy(
            &mut (&mut part).take(LARGEST_PART + 1),
            &mut std::io::sink(),
        )
        .map_err(|e| format!("{name}: {e}"))?;
        total += inflated;
        if inflated > LARGEST_PART || total > LARGEST_PARTS {
            return Err(format!(
                "{name} inflates to more than {} MiB; a register is far smaller (is this the file onus register wrote?)",
                if inflated > LARGEST_PART { LARGEST_PART } else { LARGEST_PARTS } >> 20
            ));
        }
    }
    Ok(())
}

/// A spreadsheet cell as text: numbers without a needless `.0`.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// `(0, 1)` → `B1`.
fn cell_name(row: u32, col: u32) -> String {
    let mut letters = String::new();
    let mut n = col + 1;
    while n > 0 {
        letters.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// The first sheet of a workbook (xlsx, xls or ods), as rows of text with their row
/// numbers; and what a reader should know of it: formulas with no saved value. In an
/// xlsx, a hyperlink keeps its address beside its text ("text (address)"); xls and ods
/// keep the text only.
fn workbook_cells(
    bytes: Vec<u8>,
    notes: &mut Vec<(u64, String)>,
) -> Result<Vec<(u64, Vec<String>)>, String> {
    use calamine::Reader;
    if bytes.starts_with(b"PK\x03\x04") {
        check_parts(&bytes)?;
    }
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| e.to_string())?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or("the workbook has no sheet")?;
    let range = book.worksheet_range(&name).map_err(|e| e.to_string())?;
    let formulas = book.worksheet_formula(&name).unwrap_or_default();
    let links: std::collections::BTreeMap<(u32, u32), String> = match &mut book {
        calamine::Sheets::Xlsx(xlsx) => xlsx
            .hyperlinks_by_sheet_name(&name)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|h| Some((h.range.start, h.target?)))
            .collect(),
        _ => Default::default(),
    };
    let Some((top, left)) = range.start() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let r = top + i as u32;
        let cells = row
            .iter()
            .enumerate()
            .map(|(j, cell)| {
                let c = left + j as u32;
                let mut text = cell_text(cell);
                if text.is_empty()
                    && formulas
                        .get_value((r, c))
                        .is_some_and(|f| !f.is_empty())
                {
                    notes.push((
                        u64::from(r) + 1,
                        format!(
                            "cell {} holds a formula with no saved value, read as empty: open the workbook in a spreadsheet program and save it, or type the value",
                            cell_name(r, c)
                        ),
                    ));
                }
                if let Some(target) = links.get(&(r, c)) {
                    text = if text.is_empty() || text == *target {
                        target.clone()
                    } else {
                        format!("{text} ({target})")
                    };
                }
                text
            })
            .collect();
        out.push((u64::from(r) + 1, cells));
    }
    Ok(out)
}

/// Puts the register's entries on the report's controls. Rows naming a framework or
/// control that does not exist are errors; rows of a framework the report did not
/// select are left aside with a note.
pub fn apply(
    register: &Register,
    catalogue: &Catalogue,
    frameworks: &mut [FrameworkOut],
) -> Vec<Diagnostic> {
    let mut diagnostics = register.notes.clone();
    let mut skipped: HashMap<&str, usize> = HashMap::new();
    for row in &register.rows {
        let at = Some(row.line);
        let Some(fw) = catalogue.framework(&row.framework) else {
            let ids = catalogue.frameworks.iter().map(|f| f.id.as_str());
            diagnostics.push(Diagnostic::new(
                Level::Error,
                &register.file,
                at,
                format!(
                    "no framework \"{}\"{}",
                    row.framework,
                    crate::text::did_you_mean(&row.framework, ids)
                ),
            ));
            continue;
        };
        if fw.control(&row.control).is_none() {
            let ids = fw.controls.iter().map(|c| c.id.as_str());
            diagnostics.push(Diagnostic::new(
                Level::Error,
                &register.file,
                at,
                format!(
                    "\"{}\" is not a control of {}{}",
                    row.control,
                    fw.id,
                    crate::text::did_you_mean(&row.control, ids)
                ),
            ));
            continue;
        }
        let mut found = false;
        for f in frameworks.iter_mut().filter(|f| f.id == fw.id) {
            if let Some(c) = f.controls.iter_mut().find(|c| c.id == row.control) {
                c.register = Some(row.entry.clone());
                found = true;
            }
        }
        if !found {
            *skipped.entry(fw.id.as_str()).or_default() += 1;
        }
    }
    let mut skipped: Vec<_> = skipped.into_iter().collect();
    skipped.sort();
    for (fw, n) in skipped {
        diagnostics.push(Diagnostic::new(
            Level::Note,
            &register.file,
            None,
            format!(
                "{} of {fw} left aside: the report does not select {fw} (or that baseline)",
                crate::text::plural(n, "row")
            ),
        ));
    }
    diagnostics
}

/// A warning for each control with a customer part whose register entry names no
/// owner or no evidence.
pub fn gaps(register: &Register, frameworks: &[FrameworkOut]) -> Vec<Diagnostic> {
    let lines: HashMap<(&str, &str), u64> = register
        .rows
        .iter()
        .map(|r| ((r.framework.as_str(), r.control.as_str()), r.line))
        .collect();
    let mut out = Vec::new();
    for f in frameworks {
        for c in f.controls.iter().filter(|c| c.customer_text.is_some()) {
            let entry = c.register.clone().unwrap_or_default();
            let missing: Vec<&str> = [("owner", &entry.owner), ("evidence", &entry.evidence)]
                .into_iter()
                .filter(|(_, v)| v.is_empty())
                .map(|(n, _)| n)
                .collect();
            if missing.is_empty() {
                continue;
            }
            let line = lines.get(&(f.id.as_str(), c.id.as_str())).copied();
            let what = if c.register.is_none() {
                "has no row in the register".to_string()
            } else {
                format!("has no {}", missing.join(" and no "))
            };
            out.push(Diagnostic::new(
                Level::Warning,
                &register.file,
                line,
                format!("{} {}: the customer's part {what}", f.id, c.id),
            ));
        }
    }
    out
}
