//! Exports for spreadsheets and questionnaires: `responsibility-matrix.csv`,
//! `questionnaire.csv` and `questionnaire.xlsx`.
//!
//! In: the report. Out: bytes. Every cell that comes from user input is written as text,
//! never as a formula: in CSV a cell starting with `=`, `+`, `-`, `@`, tab or carriage
//! return gets a leading `'` (OWASP's advice against formula injection); in the workbook
//! every cell is a string cell.

use crate::join::{ControlOut, FrameworkOut, Part};
use crate::report::Report;
use crate::vocab::Owner;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

/// Neutralises a CSV cell a spreadsheet program would run as a formula.
pub fn csv_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn csv_bytes(header: &[&str], rows: impl Iterator<Item = Vec<String>>, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header).expect("writing to memory");
    for row in rows {
        w.write_record(row.iter().map(|c| csv_safe(c)))
            .expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// How a vendor questionnaire (CSA CAIQ v4, "SSRM Control Ownership") sees our owners:
/// the organisation answers as the provider of its own service, so what it does itself
/// is "CSP-owned" and what its cloud provider does is "Third-party outsourced".
pub fn caiq_ownership(owner: Owner) -> &'static str {
    match owner {
        Owner::Customer => "CSP-owned",
        Owner::Provider => "Third-party outsourced",
        Owner::Shared => "Shared CSP and 3rd-party",
        Owner::NotApplicable => "Not applicable",
        Owner::Unassessed => "Unassessed",
    }
}

fn parts_text(parts: &[Part]) -> String {
    parts
        .iter()
        .map(Part::describe)
        .collect::<Vec<_>>()
        .join("\n")
}

fn provider_text(c: &ControlOut) -> String {
    let mut text = match (&c.provider_text, c.statement) {
        (Some(t), true) => t.clone(),
        _ => parts_text(&c.provider),
    };
    if c.monitor_provider {
        text.push('\n');
        text.push_str(crate::report::MONITOR_NOTE);
    }
    text
}

/// A control as a questionnaire row: id, label, owner, owner summary, what the provider
/// does, what the customer does, services, related controls, CAIQ ownership.
fn control_cells(c: &ControlOut, owner: &str, label: String) -> Vec<String> {
    vec![
        c.id.clone(),
        label,
        owner.to_string(),
        c.summary.clone(),
        provider_text(c),
        match (&c.customer_text, c.statement) {
            (Some(t), true) => t.clone(),
            _ => parts_text(&c.customer),
        },
        c.services_text.clone(),
        related_text(c),
        caiq_ownership(c.owner).to_string(),
    ]
}

/// Every evidence hint, one a line: `check (service; Security Hub ids)`.
pub fn evidence_text(c: &ControlOut) -> String {
    c.evidence
        .iter()
        .map(|h| {
            let mut text = format!("{}: {}", h.source, h.id);
            let service = h.service.as_deref().unwrap_or("account");
            match &h.securityhub {
                Some(hub) => text.push_str(&format!(" ({service}; Security Hub {hub})")),
                None => text.push_str(&format!(" ({service})")),
            }
            text
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn related_text(c: &ControlOut) -> String {
    c.related
        .iter()
        .map(|(fw, ids)| format!("{fw}: {}", ids.join(", ")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `responsibility-matrix.csv`: one row per service and duty area.
pub fn matrix_csv(report: &Report, bom: bool) -> Vec<u8> {
    let rows = report.services.iter().flat_map(|s| {
        report.areas.iter().map(move |a| {
            let d = &s.duties[&a.id];
            vec![
                s.id.clone().unwrap_or_else(|| s.written.clone()),
                s.variant.clone().unwrap_or_default(),
                s.tier.clone().unwrap_or_default(),
                a.id.clone(),
                d.owner.id().to_string(),
                d.reason.clone(),
                d.basis.id().to_string(),
            ]
        })
    });
    csv_bytes(
        &[
            "service", "variant", "tier", "area", "owner", "reason", "basis",
        ],
        rows,
        bom,
    )
}

const QUESTIONNAIRE_HEADER: [&str; 11] = [
    "framework",
    "control",
    "label",
    "owner",
    "owner_summary",
    "provider_does",
    "customer_does",
    "services",
    "related",
    "ssrm_control_ownership",
    "areas",
];

/// `questionnaire.csv`: every control of every selected framework, framework first.
pub fn questionnaire_csv(report: &Report, bom: bool) -> Vec<u8> {
    let rows = report.frameworks.iter().flat_map(|f| {
        f.controls.iter().map(move |c| {
            let mut row = vec![f.selection.clone()];
            row.extend(control_cells(c, c.owner.id(), c.label.clone()));
            row.push(c.areas.join(" "));
            row
        })
    });
    csv_bytes(&QUESTIONNAIRE_HEADER, rows, bom)
}

/// Excel's limit for one cell.
const CELL_MAX: usize = 32_767;

fn cell_text(text: &str) -> String {
    let text = crate::text::visible(text);
    if text.chars().count() <= CELL_MAX {
        return text.into_owned();
    }
    let cut: String = text.chars().take(CELL_MAX - 40).collect();
    format!("{cut}… [cut: over Excel's cell limit]")
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    name.chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .take(31)
        .collect()
}

struct Styles {
    header: Format,
    wrap: Format,
    owners: [(Owner, Format); 5],
}

impl Styles {
    fn new() -> Styles {
        let border = |f: Format| {
            f.set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(0xD1D5DB))
        };
        let owner = |rgb: u32| {
            border(
                Format::new()
                    .set_background_color(Color::RGB(rgb))
                    .set_text_wrap()
                    .set_align(FormatAlign::Top),
            )
        };
        Styles {
            header: border(
                Format::new()
                    .set_bold()
                    .set_background_color(Color::RGB(0xE5E7EB))
                    .set_text_wrap()
                    .set_align(FormatAlign::Top),
            ),
            wrap: border(Format::new().set_text_wrap().set_align(FormatAlign::Top)),
            owners: [
                (Owner::Provider, owner(0xDBEAFE)),
                (Owner::Customer, owner(0xFDE2E1)),
                (Owner::Shared, owner(0xFEF3C7)),
                (Owner::NotApplicable, owner(0xF3F4F6)),
                (Owner::Unassessed, owner(0xE9D5FF)),
            ],
        }
    }

    fn owner(&self, owner: Owner) -> &Format {
        &self
            .owners
            .iter()
            .find(|(o, _)| *o == owner)
            .expect("every owner has a style")
            .1
    }
}

/// A sheet with a frozen, filtered header row and the given column widths.
fn table(
    sheet: &mut Worksheet,
    styles: &Styles,
    header: &[(&str, f64)],
    rows: usize,
) -> Result<(), XlsxError> {
    for (col, (title, width)) in header.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, *title, &styles.header)?;
        sheet.set_column_width(col, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.max(1) as u32, header.len() as u16 - 1)?;
    Ok(())
}

fn put(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    sheet.write_string_with_format(row, col, cell_text(text), format)?;
    Ok(())
}

/// `questionnaire.xlsx`: Summary, Services, Inventory and one sheet per framework.
pub fn questionnaire_xlsx(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let styles = Styles::new();
    let mut book = Workbook::new();
    let mut properties = DocProperties::new()
        .set_title(&report.meta.title)
        .set_subject("Shared responsibility questionnaire")
        .set_comment(format!("onus {}", report.meta.versions.onus));
    if let Some(org) = &report.meta.org {
        properties = properties.set_company(org);
    }
    if let Some(date) = crate::text::Date::parse(&report.meta.date) {
        let date = ExcelDateTime::from_ymd(date.year as u16, date.month as u8, date.day as u8)?;
        properties = properties.set_creation_datetime(&date);
    }
    book.set_properties(&properties);

    // Summary: the title block, then the seed-style table.
    let sheet = book.add_worksheet();
    sheet.set_name("Summary")?;
    let m = &report.meta;
    let mut facts = vec![("Title", m.title.clone())];
    facts.extend(report.facts().into_iter().map(|f| (f.label, f.value)));
    facts.push(("Note", report.provider_note.clone()));
    for (i, (k, v)) in facts.iter().enumerate() {
        put(sheet, i as u32, 0, k, &styles.header)?;
        put(sheet, i as u32, 1, v, &styles.wrap)?;
    }
    let top = facts.len() as u32 + 1;
    let header = [
        "Duty area",
        "Owner across the inventory",
        "Provider",
        "Customer",
        "Shared",
        "Not applicable",
    ];
    for (col, title) in header.iter().enumerate() {
        put(sheet, top, col as u16, title, &styles.header)?;
    }
    for (i, a) in report.areas.iter().enumerate() {
        let s = &report.summary[&a.id];
        let row = top + 1 + i as u32;
        put(sheet, row, 0, &a.name, &styles.wrap)?;
        put(sheet, row, 1, &s.label, styles.owner(s.owner))?;
        for (col, n) in [s.provider, s.customer, s.shared, s.not_applicable]
            .iter()
            .enumerate()
        {
            sheet.write_number_with_format(row, col as u16 + 2, *n as f64, &styles.wrap)?;
        }
    }
    for (col, width) in [28.0, 60.0, 10.0, 10.0, 10.0, 14.0].iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
    }

    // Services: service × duty area.
    let sheet = book.add_worksheet();
    sheet.set_name("Services")?;
    let mut header: Vec<(&str, f64)> = vec![
        ("Service", 30.0),
        ("Id", 24.0),
        ("Variant", 18.0),
        ("Tier", 14.0),
    ];
    header.extend(report.areas.iter().map(|a| (a.id.as_str(), 12.0)));
    table(sheet, &styles, &header, report.services.len())?;
    for (i, s) in report.services.iter().enumerate() {
        let row = i as u32 + 1;
        put(sheet, row, 0, &s.name, &styles.wrap)?;
        put(
            sheet,
            row,
            1,
            s.id.as_deref().unwrap_or("(unassessed)"),
            &styles.wrap,
        )?;
        put(
            sheet,
            row,
            2,
            s.variant.as_deref().unwrap_or(""),
            &styles.wrap,
        )?;
        put(sheet, row, 3, s.tier.as_deref().unwrap_or(""), &styles.wrap)?;
        for (j, a) in report.areas.iter().enumerate() {
            let d = &s.duties[&a.id];
            let star = if d.basis == crate::vocab::Basis::Assumed {
                "*"
            } else {
                ""
            };
            put(
                sheet,
                row,
                4 + j as u16,
                &format!("{}{star}", d.owner.display()),
                styles.owner(d.owner),
            )?;
        }
    }

    // Inventory: every row with all its original columns and how it resolved.
    let sheet = book.add_worksheet();
    sheet.set_name("Inventory")?;
    let columns = &m.inventory.columns;
    let mut header: Vec<(&str, f64)> = vec![
        ("Line", 8.0),
        ("Resolved to", 24.0),
        ("Variant", 18.0),
        ("Status", 12.0),
    ];
    header.extend(columns.iter().map(|c| (c.as_str(), 20.0)));
    let omitted = report.inventory.omitted();
    let listed = report.inventory.listed() + usize::from(omitted > 0);
    table(sheet, &styles, &header, listed)?;
    let column_keys = crate::report::column_keys(columns);
    if omitted > 0 {
        put(
            sheet,
            listed as u32,
            1,
            &format!(
                "{omitted} more rows are not listed here (--appendix-rows); responsibility-matrix.json lists every row"
            ),
            &styles.wrap,
        )?;
    }
    for (i, r) in report.inventory.head().enumerate() {
        let row = i as u32 + 1;
        sheet.write_number_with_format(row, 0, r.line as f64, &styles.wrap)?;
        put(sheet, row, 1, r.service.unwrap_or("—"), &styles.wrap)?;
        put(sheet, row, 2, r.variant.unwrap_or(""), &styles.wrap)?;
        let status = serde_json::to_value(r.status)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        let status_style = if status == "unassessed" {
            styles.owner(Owner::Unassessed)
        } else {
            &styles.wrap
        };
        put(sheet, row, 3, &status, status_style)?;
        for (j, key) in column_keys.iter().enumerate() {
            put(
                sheet,
                row,
                4 + j as u16,
                r.columns
                    .and_then(|c| c.get(key))
                    .map_or("", String::as_str),
                &styles.wrap,
            )?;
        }
    }

    // One sheet per framework, never named like the fixed sheets.
    let mut used: std::collections::HashSet<String> = ["summary", "services", "inventory"]
        .into_iter()
        .map(String::from)
        .collect();
    for f in &report.frameworks {
        framework_sheet(&mut book, &styles, f, &mut used)?;
    }
    for f in &report.frameworks {
        if let Some(carve) = &f.carve_out {
            carve_out_sheet(&mut book, &styles, carve, &mut used)?;
        }
    }
    book.save_to_buffer()
}

fn framework_sheet(
    book: &mut Workbook,
    styles: &Styles,
    f: &FrameworkOut,
    used: &mut std::collections::HashSet<String>,
) -> Result<(), XlsxError> {
    // Excel compares sheet names without case and allows 31 characters: shorten the
    // selection to leave room for a " (n)" that makes it unique.
    let mut name = sheet_name(&f.selection);
    let mut n = 2;
    while !used.insert(name.to_lowercase()) {
        let suffix = format!(" ({n})");
        let base: String = sheet_name(&f.selection)
            .chars()
            .take(31 - suffix.chars().count())
            .collect();
        name = format!("{base}{suffix}");
        n += 1;
    }
    let sheet = book.add_worksheet();
    sheet.set_name(&name)?;
    let header = [
        ("Control", 12.0),
        ("Label", 34.0),
        ("Owner", 12.0),
        ("Owner across the services", 30.0),
        ("What the provider does (inherited)", 50.0),
        ("What the customer does", 50.0),
        ("Services involved", 30.0),
        ("Related controls", 22.0),
        ("SSRM Control Ownership", 22.0),
        ("CSP Implementation Description", 40.0),
        ("CSC Responsibilities", 40.0),
        ("Evidence: automated checks", 50.0),
        ("Register: owner", 18.0),
        ("Register: frequency", 14.0),
        ("Register: evidence", 30.0),
        ("Register: status", 14.0),
    ];
    table(sheet, styles, &header, f.controls.len())?;
    for (i, c) in f.controls.iter().enumerate() {
        let row = i as u32 + 1;
        let label = match &c.text {
            Some(t) => format!("{}\n{t}", c.label),
            None => c.label.clone(),
        };
        let mut cells = control_cells(c, c.owner.display(), label);
        cells.extend([String::new(), String::new(), evidence_text(c)]);
        let register = c.register.as_ref();
        cells.extend(
            [
                register.map(|r| r.owner.as_str()),
                register.map(|r| r.frequency.as_str()),
                register.map(|r| r.evidence.as_str()),
                register.map(|r| r.status.as_str()),
            ]
            .map(|t| t.unwrap_or_default().to_string()),
        );
        for (col, text) in cells.iter().enumerate() {
            let style = if col == 2 || col == 3 {
                styles.owner(c.owner)
            } else {
                &styles.wrap
            };
            put(sheet, row, col as u16, text, style)?;
        }
    }
    Ok(())
}

/// "SOC 2 carve-out": the complementary subservice organisation controls (what the
/// provider is expected to do, per criterion) and the customer's complementary user
/// entity duties toward it (per area), one table with a column saying which is which.
fn carve_out_sheet(
    book: &mut Workbook,
    styles: &Styles,
    carve: &crate::join::CarveOut,
    used: &mut std::collections::HashSet<String>,
) -> Result<(), XlsxError> {
    let name = "SOC 2 carve-out";
    if !used.insert(name.to_lowercase()) {
        return Ok(());
    }
    let sheet = book.add_worksheet();
    sheet.set_name(name)?;
    let header = [
        ("Table", 30.0),
        ("Criterion or area", 18.0),
        ("Label", 34.0),
        ("What is expected", 60.0),
        ("Split", 30.0),
        ("Services", 40.0),
        ("Criteria", 30.0),
    ];
    let rows: Vec<[String; 7]> = carve
        .subservice
        .iter()
        .map(|r| {
            [
                "Subservice organisation (AWS)".to_string(),
                r.criterion.clone(),
                r.label.clone(),
                r.text.clone(),
                r.areas.join(", "),
                r.services.join(", "),
                r.criterion.clone(),
            ]
        })
        .chain(carve.user_entity.iter().map(|r| {
            [
                "User entity (you, toward AWS)".to_string(),
                r.area.clone(),
                r.name.clone(),
                r.text.clone(),
                r.split.clone(),
                r.services.join(", "),
                r.criteria.join(", "),
            ]
        }))
        .collect();
    table(sheet, styles, &header, rows.len())?;
    for (i, cells) in rows.iter().enumerate() {
        for (col, text) in cells.iter().enumerate() {
            put(sheet, i as u32 + 1, col as u16, text, &styles.wrap)?;
        }
    }
    Ok(())
}
