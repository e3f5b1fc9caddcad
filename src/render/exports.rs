//! Exports for spreadsheets and questionnaires: `responsibility-matrix.csv`,
//! `questionnaire.csv` and `questionnaire.xlsx`.
//!
//! In: the report. Out: bytes. Every cell that comes from user input is written as text,
//! never as a formula: in CSV a cell starting with `=`, `+`, `-`, `@`, tab or carriage
//! return gets a leading `'` (OWASP's advice against formula injection); in the workbook
//! every cell is a string cell.

use crate::join::{ControlOut, FrameworkOut};
use crate::report::Report;
use crate::vocab::Owner;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

/// A CSV for spreadsheet programs: CRLF line ends, an optional UTF-8 byte-order mark,
/// the header, then every row with its cells neutralised ([`csv_safe`]).
pub fn spreadsheet_csv<R: AsRef<[String]>>(
    header: &[&str],
    rows: impl IntoIterator<Item = R>,
    bom: bool,
) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    writer
        .write_record(header)
        .expect("writing to memory cannot fail");
    for row in rows {
        let cells: Vec<String> = row.as_ref().iter().map(|c| csv_safe(c)).collect();
        writer
            .write_record(&cells)
            .expect("writing to memory cannot fail");
    }
    writer.into_inner().expect("writing to memory cannot fail")
}

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

fn provider_text(c: &ControlOut) -> String {
    let mut text = c.provider_text.clone().unwrap_or_default();
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
        c.customer_text.clone().unwrap_or_default(),
        c.services_text.clone(),
        related_text(c),
        caiq_ownership(c.owner).to_string(),
    ]
}

/// An instruction to the customer as the organisation's own statement, for a
/// questionnaire it answers as a provider: "Restrict access to your accounts" becomes
/// "We restrict access to our accounts"; a text about AWS stays as it is.
pub fn first_person(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut words = text.split_inclusive(' ').peekable();
    let mut first = true;
    let mut previous = "";
    while let Some(piece) = words.next() {
        let word = piece.trim_end_matches(' ');
        let (core, tail) = word.split_at(
            word.find(|c: char| !c.is_alphabetic())
                .unwrap_or(word.len()),
        );
        let next = words.peek().map_or("", |w| w.trim());
        let swapped = match core {
            "you" | "You" if previous == "to" || next.starts_with("to ") || next == "to" => {
                Some("us")
            }
            "you" => Some("we"),
            "You" => Some("We"),
            "your" => Some("our"),
            "Your" => Some("Our"),
            "yours" => Some("ours"),
            _ => None,
        };
        if first && !core.is_empty() && core != "AWS" && swapped.is_none() {
            out.push_str("We ");
            let mut chars = core.chars();
            if let Some(c) = chars.next() {
                out.extend(c.to_lowercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push_str(swapped.unwrap_or(core));
        }
        out.push_str(tail);
        out.push_str(&piece[word.len()..]);
        first = false;
        previous = core;
    }
    out
}

/// The CAIQ "CSP Implementation Description" of a control: what the organisation does
/// (as the cloud service provider its own customers see) and what AWS does for it, as
/// statements.
fn caiq_implementation(c: &ControlOut) -> String {
    let ours = match (&c.customer_text, c.statement) {
        (Some(t), true) => first_person(t),
        (Some(t), false) => t.replace("Your part of:", "Our part of:"),
        (None, _) => String::new(),
    };
    let theirs = match (&c.provider_text, c.statement) {
        (Some(t), true) => first_person(t),
        (Some(t), false) => t.replace("Its part of:", "AWS's part of:"),
        (None, _) => String::new(),
    };
    [ours, theirs]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The CAIQ "CSC Responsibilities" column: this assessment covers the organisation and
/// its cloud provider, not what the organisation's own customers must do.
pub const CSC_NOTE: &str = "None identified by this assessment, which covers the duties between us and our cloud provider; add what our own customers must do, if anything.";

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
            if let Some(via) = &h.via {
                text.push_str(&format!(", by duty area through {via}"));
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

const QUESTIONNAIRE_HEADER: [&str; 13] = [
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
    "csp_implementation",
    "csc_responsibilities",
];

/// `questionnaire.csv`: every control of every selected framework, framework first.
pub fn questionnaire_csv(report: &Report, bom: bool) -> Vec<u8> {
    let rows = report.frameworks.iter().flat_map(|f| {
        f.controls.iter().map(move |c| {
            let mut row = vec![f.selection.clone()];
            row.extend(control_cells(c, c.owner.id(), c.label.clone()));
            row.push(c.areas.join(" "));
            row.extend([caiq_implementation(c), CSC_NOTE.to_string()]);
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

/// A workbook's properties: its title, the organisation, onus's version, and the
/// report's date, never the clock's (same inputs, same bytes).
pub fn properties(report: &Report, title: &str) -> Result<DocProperties, XlsxError> {
    let mut properties = DocProperties::new()
        .set_title(title)
        .set_comment(format!("onus {}", report.meta.versions.onus));
    if let Some(org) = &report.meta.org {
        properties = properties.set_company(org);
    }
    if let Some(date) = crate::text::Date::parse(&report.meta.date) {
        let date = ExcelDateTime::from_ymd(date.year as u16, date.month as u8, date.day as u8)?;
        properties = properties.set_creation_datetime(&date);
    }
    Ok(properties)
}

/// `questionnaire.xlsx`: Summary, Services, Inventory and one sheet per framework.
pub fn questionnaire_xlsx(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let styles = Styles::new();
    let mut book = Workbook::new();
    book.set_properties(
        &properties(report, &report.meta.title)?.set_subject("Shared responsibility questionnaire"),
    );

    about_sheet(&mut book, &styles, report)?;

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
        ("Provider", 22.0),
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
            s.provider_name.as_deref().unwrap_or(""),
            &styles.wrap,
        )?;
        put(
            sheet,
            row,
            3,
            s.variant.as_deref().unwrap_or(""),
            &styles.wrap,
        )?;
        put(sheet, row, 4, s.tier.as_deref().unwrap_or(""), &styles.wrap)?;
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
                5 + j as u16,
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
                "{omitted} more rows are not listed here; responsibility-matrix.json lists every row"
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
    let mut used: std::collections::HashSet<String> = ["about", "summary", "services", "inventory"]
        .into_iter()
        .map(String::from)
        .collect();
    for f in &report.frameworks {
        framework_sheet(&mut book, &styles, f, &mut used)?;
    }
    for f in &report.frameworks {
        if let (Some(carve), Some(soc2)) = (&f.carve_out, &f.soc2) {
            soc2_sheet(&mut book, &styles, carve, soc2, &mut used)?;
        }
    }
    // Every column as wide as its content, up to about 70 characters; longer texts wrap.
    for sheet in book.worksheets_mut() {
        sheet.set_autofit_max_width(480);
        sheet.autofit();
    }
    book.save_to_buffer()
}

/// The framework sheets' columns, with what each holds: the one list the sheets and the
/// About sheet read.
const FRAMEWORK_COLUMNS: &[(&str, &str)] = &[
    ("Control", "The control's id in its framework."),
    ("Label", "Its short label (onus's own words where the framework's text is licensed), and its text where the framework is public domain."),
    ("Owner", "Who carries it, seen as AWS's customer: Provider (AWS), Customer (us), or Shared."),
    ("Owner across the services", "The same, service by service, where the services differ."),
    ("What the provider does", "What AWS does for the control, which we rely on through its attestations; each framework's sheet heads it in that framework's words (SOC 2: expected of the provider, a CSOC; NIST SP 800-53 and FedRAMP: inherited; ISO/IEC 27001: provided)."),
    ("What the customer does", "What we do for it, as AWS's customer."),
    ("Services involved", "The services in scope, grouped by who carries the control on each."),
    ("Related controls", "Controls of the other selected frameworks that ask for the same."),
    ("SSRM Control Ownership", "CSA CAIQ's column, seen as the provider of our own service: what we carry is CSP-owned, what AWS carries is Third-party outsourced."),
    ("CSP Implementation Description", "CAIQ's column: what we and AWS do for the control, as statements to paste into a questionnaire."),
    ("CSC Responsibilities", "CAIQ's column: what our own customers must do. This assessment does not cover them; complete it where they have a part."),
    ("Evidence: automated checks", "Automated checks (Prowler ids, with the AWS Security Hub control each pairs with) that can evidence our part, on the services in scope."),
    ("Register: owner", "From the controls register, when one is given: who owns the control."),
    ("Register: frequency", "How often it is performed or reviewed."),
    ("Register: evidence", "Where its evidence is."),
    ("Register: status", "Its status."),
];

/// "About": what the workbook is, the two points of view its columns take, and what
/// every sheet and column holds.
fn about_sheet(book: &mut Workbook, styles: &Styles, report: &Report) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name("About")?;
    let m = &report.meta;
    let org = m.org.as_deref().unwrap_or("the organisation");
    let mut rows: Vec<(String, String)> = vec![
        (
            "This workbook".into(),
            format!(
                "{}: who carries each security duty of every cloud service in {} ({} rows), for {org}, as of {}; and what each control of the selected frameworks asks of each side.",
                m.title, m.inventory.path, m.inventory.rows, m.as_of
            ),
        ),
        (
            "Two points of view".into(),
            format!(
                "As AWS's customer: in the Owner, provider and customer columns, Provider is AWS and Customer is {org}. As the provider of its own service, answering its customers' questionnaires (CSA CAIQ): in the SSRM and CSP/CSC columns, the CSP is {org}, the CSC is {org}'s customers and AWS is a third party. So a control that is the customer's in the first view is CSP-owned in the second: {org} carries it either way."
            ),
        ),
        ("Owners".into(), "Provider: AWS performs the duty (we still monitor it through its attestations). Customer: we do. Shared: both, each its part. — (n/a): the service has no such layer. Unassessed: the catalogue does not know the service; nobody has decided. A * marks an owner assumed because the inventory does not say how the service runs.".into()),
        ("Sheet: Summary".into(), "The title block and, per duty area, who carries it across the inventory.".into()),
        ("Sheet: Services".into(), "Every service, its provider, and its owner of each duty area (columns by area id).".into()),
        ("Sheet: Inventory".into(), "The inventory's rows, each with what it resolved to.".into()),
    ];
    for f in &report.frameworks {
        rows.push((
            format!("Sheet: {}", sheet_name(&f.selection)),
            format!(
                "{} {}: one row per control, with the columns below.",
                f.name, f.version
            ),
        ));
    }
    if report.frameworks.iter().any(|f| f.soc2.is_some()) {
        rows.push(("Sheet: SOC 2 description".into(), "For the SOC 2 system description: the scope and report, each provider as a carved-out subservice organisation (the nature of the services used, the complementary subservice organisation controls expected of it, our monitoring of it, the reports relied on and the days they leave uncovered), what the shared responsibility model leaves to us (our own controls), and our own CUECs.".into()));
    }
    rows.extend(
        FRAMEWORK_COLUMNS
            .iter()
            .map(|(column, text)| (format!("Column: {column}"), text.to_string())),
    );
    // The provider's column as each framework's sheet heads it.
    let mut terms: Vec<(&str, Vec<&str>)> = Vec::new();
    for f in &report.frameworks {
        match terms.iter_mut().find(|(t, _)| *t == f.provider_term) {
            Some((_, names)) => names.push(&f.name),
            None => terms.push((&f.provider_term, vec![&f.name])),
        }
    }
    rows.extend(terms.into_iter().map(|(term, names)| {
        (
            format!("Column: {term}"),
            format!(
                "The column \"What the provider does\", in the words of {}.",
                names.join(", ")
            ),
        )
    }));
    put(sheet, 0, 0, "Item", &styles.header)?;
    put(sheet, 0, 1, "What it means", &styles.header)?;
    for (i, (item, text)) in rows.iter().enumerate() {
        put(sheet, i as u32 + 1, 0, item, &styles.wrap)?;
        put(sheet, i as u32 + 1, 1, text, &styles.wrap)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
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
    // The provider's column in the framework's own words.
    let header: Vec<(&str, f64)> = FRAMEWORK_COLUMNS
        .iter()
        .map(|(c, _)| match *c {
            "What the provider does" => (f.provider_term.as_str(), 12.0),
            c => (c, 12.0),
        })
        .collect();
    table(sheet, styles, &header, f.controls.len())?;
    for (i, c) in f.controls.iter().enumerate() {
        let row = i as u32 + 1;
        let label = match &c.text {
            Some(t) => format!("{}\n{t}", c.label),
            None => c.label.clone(),
        };
        let mut cells = control_cells(c, c.owner.display(), label);
        cells.extend([
            caiq_implementation(c),
            CSC_NOTE.to_string(),
            evidence_text(c),
        ]);
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

/// "SOC 2 description": the SOC 2 section of the documents, row by row: the scope, each
/// subservice organisation (nature, carve-out, dependency, CSOCs, monitoring, reports
/// relied on, coverage), the duties the model leaves to the organisation, and its CUECs.
fn soc2_sheet(
    book: &mut Workbook,
    styles: &Styles,
    carve: &crate::join::CarveOut,
    soc2: &crate::soc2::Soc2Out,
    used: &mut std::collections::HashSet<String>,
) -> Result<(), XlsxError> {
    let name = "SOC 2 description";
    if !used.insert(name.to_lowercase()) {
        return Ok(());
    }
    let sheet = book.add_worksheet();
    sheet.set_name(name)?;
    let header = [
        ("Part", 30.0),
        ("Text", 70.0),
        ("Criteria", 24.0),
        ("Services", 40.0),
        ("Source", 40.0),
    ];
    let row = |part: &str, text: &str, criteria: &[String], services: &str, source: &str| {
        [part, text, &criteria.join(", "), services, source].map(String::from)
    };
    let scope = &soc2.scope;
    let mut rows: Vec<[String; 5]> = vec![
        row(
            "Trust services categories",
            &scope.categories_text,
            &[],
            "",
            "",
        ),
        row("Report", &scope.examination_text, &[], "", ""),
    ];
    for s in &soc2.subservice_organisations {
        let part = |what: &str| format!("{}: {what}", s.name);
        rows.push(row(
            &part("nature of the services used"),
            &s.nature,
            &[],
            &s.services.join(", "),
            "",
        ));
        rows.push(row(
            &part("carve-out"),
            &format!("{} {}", s.carve_out, s.dependency),
            &[],
            "",
            "",
        ));
        for c in &s.csocs {
            rows.push(row(
                &part("complementary subservice organisation control"),
                &c.text,
                &c.criteria,
                &c.services_text,
                &c.source,
            ));
        }
        for m in &s.monitoring {
            rows.push(row(
                &part("monitoring control"),
                &m.text,
                &m.criteria,
                "",
                "",
            ));
        }
        rows.push(row(
            &part("services to confirm in scope"),
            &s.scope_check,
            &[],
            "",
            "",
        ));
        for a in &s.attestations {
            let letter = a.letter.as_deref().map_or(String::new(), |l| {
                format!("; continued-operations letter dated {l}")
            });
            let text = format!(
                "{}, {} to {}; service auditor {}; opinion: {}; exceptions noted: {}{letter}",
                a.report, a.start, a.end, a.auditor, a.opinion, a.exceptions
            );
            rows.push(row(&part("report relied on"), &text, &[], "", ""));
        }
        rows.push(row(
            &part("coverage of the examination"),
            &s.coverage,
            &[],
            "",
            "",
        ));
    }
    for r in &carve.user_entity {
        let part = format!("Left to the organisation by the model: {}", r.name);
        rows.push(row(&part, &r.text, &r.criteria, &r.services_text, ""));
    }
    rows.push(row(
        "Complementary user entity controls",
        &soc2.cuecs_note,
        &[],
        "",
        "",
    ));
    for c in &soc2.cuecs {
        rows.push(row(
            "Complementary user entity control",
            &c.text,
            &c.criteria,
            "",
            "",
        ));
    }
    table(sheet, styles, &header, rows.len())?;
    for (i, cells) in rows.iter().enumerate() {
        for (col, text) in cells.iter().enumerate() {
            put(sheet, i as u32 + 1, col as u16, text, &styles.wrap)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod first_person_tests {
    use super::first_person;

    #[test]
    fn instructions_become_the_organisations_statements() {
        assert_eq!(
            first_person("Restrict access to your accounts, with keys you manage."),
            "We restrict access to our accounts, with keys we manage."
        );
        assert_eq!(
            first_person("AWS runs the hosts; you rely on it through its report."),
            "AWS runs the hosts; we rely on it through its report."
        );
        assert_eq!(
            first_person("Report what matters to you, and what is yours."),
            "We report what matters to us, and what is ours."
        );
    }
}
