//! The ISO/IEC 27001 Statement of Applicability: one row per Annex A control, with
//! whether it applies and why, its status and owner from the register, what the
//! organisation and the provider do, the provider's certificates relied on where the
//! provider has a part, and the evidence.
//!
//! In: the report's `iso27001` selection and the [`Settings`] of the project file
//! (`[iso27001]`: excluded and included controls with their justifications, and the
//! document-control block). Out: [`SoaOut`], put on the framework of the report, which
//! `onus soa` writes as a workbook and a CSV and the documents lay out as a section.

use crate::catalogue::Catalogue;
use crate::join::FrameworkOut;
use serde::Serialize;

/// A control excluded or included with the organisation's justification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Justified {
    pub control: String,
    pub justification: String,
}

/// The document-control block ISO/IEC 27001 clause 7.5 expects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DocumentControl {
    pub version: String,
    pub owner: String,
    pub approved: String,
}

/// `[iso27001]` of the project file.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub exclude: Vec<Justified>,
    pub include: Vec<Justified>,
    pub document: Option<DocumentControl>,
}

#[derive(Debug, Serialize)]
pub struct SoaOut {
    pub document: Option<DocumentControl>,
    pub rows: Vec<SoaRow>,
    /// What the certificates column means, and what it does not claim.
    pub note: String,
}

#[derive(Debug, Serialize)]
pub struct SoaRow {
    pub control: String,
    pub label: String,
    pub applicable: bool,
    /// Why it applies (the organisation's, or the services in scope), or why not.
    pub justification: String,
    /// From the controls register.
    pub status: String,
    pub owner: String,
    /// What the organisation does (the control's statement), or "—".
    pub organisation: String,
    /// What the provider does, or "—".
    pub provider: String,
    /// The provider's certificates relied on for its part: "ISO/IEC 27001:2022".
    pub certificates: Vec<String>,
    /// The register's evidence, then the automated checks.
    pub evidence: String,
}

/// Marks the excluded controls of an ISO/IEC 27001 selection in every output (their
/// label says so, and `excluded` holds the justification), and returns the SoA.
pub fn apply(catalogue: &Catalogue, framework: &mut FrameworkOut, settings: &Settings) -> SoaOut {
    for c in &mut framework.controls {
        if let Some(x) = settings.exclude.iter().find(|x| x.control == c.id) {
            c.label = format!(
                "{} (excluded from the Statement of Applicability: {})",
                c.label, x.justification
            );
            c.excluded = Some(x.justification.clone());
        }
    }
    // The provider of the services in use, whose certificates are relied on.
    let providers: Vec<&str> = framework
        .controls
        .iter()
        .flat_map(|c| c.services.keys())
        .filter_map(|s| s.split_once('.').map(|(p, _)| p))
        .collect();
    let rows = framework
        .controls
        .iter()
        .map(|c| {
            let included = settings.include.iter().find(|x| x.control == c.id);
            let justification = match (&c.excluded, included) {
                (Some(why), _) => why.clone(),
                (None, Some(x)) => x.justification.clone(),
                (None, None) if !c.organisational => {
                    let services = crate::join::Part::services_of(&c.customer);
                    format!(
                        "Required by the services in scope: {}.",
                        crate::join::service_list(&services, c.services.len())
                    )
                }
                (None, None) => String::new(),
            };
            let certificates = if c.provider_text.is_some() && c.excluded.is_none() {
                catalogue
                    .certificates
                    .iter()
                    .filter(|x| providers.contains(&x.provider.as_str()))
                    .filter(|x| x.controls.is_empty() || x.controls.contains(&c.id))
                    .map(|x| x.standard.clone())
                    .collect()
            } else {
                Vec::new()
            };
            let register = c.register.clone().unwrap_or_default();
            let hints: Vec<&str> = c.evidence.iter().take(5).map(|h| h.id.as_str()).collect();
            let evidence = match (register.evidence.is_empty(), hints.is_empty()) {
                (false, true) => register.evidence.clone(),
                (false, false) => format!(
                    "{}; automated checks: {}",
                    register.evidence,
                    hints.join(", ")
                ),
                (true, false) => format!("Automated checks: {}", hints.join(", ")),
                (true, true) => String::new(),
            };
            SoaRow {
                control: c.id.clone(),
                label: c.label.clone(),
                applicable: c.excluded.is_none(),
                justification,
                status: register.status,
                owner: register.owner,
                organisation: c.customer_text.clone().unwrap_or_else(|| "—".into()),
                provider: c.provider_text.clone().unwrap_or_else(|| "—".into()),
                certificates,
                evidence,
            }
        })
        .collect();
    let standards: Vec<String> = catalogue
        .certificates
        .iter()
        .filter(|x| providers.contains(&x.provider.as_str()))
        .map(|x| format!("{} ({}; {})", x.standard, x.covers, x.source))
        .collect();
    SoaOut {
        document: settings.document.clone(),
        rows,
        note: format!(
            "Where the provider has a part, the certificates column names the provider's certificates the organisation relies on for it: {}. onus holds no per-service scope of these certificates: confirm in AWS Artifact that the services in use are in their scope.",
            standards.join("; ")
        ),
    }
}

/// The SoA's columns, as the CSV and the workbook head them.
pub const HEADER: [&str; 10] = [
    "Control",
    "Label",
    "Applicable",
    "Justification",
    "Implementation status",
    "Owner",
    "What the organisation does",
    "What the provider does",
    "Provider certificates relied on",
    "Evidence",
];

fn cells(r: &SoaRow) -> [String; 10] {
    [
        r.control.clone(),
        r.label.clone(),
        if r.applicable { "Yes" } else { "No (excluded)" }.to_string(),
        r.justification.clone(),
        r.status.clone(),
        r.owner.clone(),
        r.organisation.clone(),
        r.provider.clone(),
        r.certificates.join("; "),
        r.evidence.clone(),
    ]
}

/// `statement-of-applicability.csv`.
pub fn to_csv(soa: &SoaOut, bom: bool) -> Vec<u8> {
    crate::render::exports::spreadsheet_csv(&HEADER, soa.rows.iter().map(cells), bom)
}

/// `statement-of-applicability.xlsx`: an About sheet, then the SoA headed by its
/// document-control block.
pub fn to_xlsx(
    soa: &SoaOut,
    report: &crate::report::Report,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    book.set_properties(&crate::render::exports::properties(
        report,
        "Statement of Applicability",
    )?);
    let bold = Format::new().set_bold().set_text_wrap();
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    let about = book.add_worksheet();
    about.set_name("About")?;
    about.set_column_width(0, 34)?;
    about.set_column_width(1, 100)?;
    let mut lines: Vec<(String, String)> = vec![
        ("Statement of Applicability".into(), format!("ISO/IEC 27001:2022 Annex A, one row per control, for {} ({} rows, report date {}). Ids and onus's own labels only: no ISO text.", report.meta.inventory.path, report.meta.inventory.rows, report.meta.date)),
        ("Applicable".into(), "Yes unless the project file's [iso27001] exclude lists the control, with the justification shown.".into()),
        ("Justification".into(), "For an excluded control, why it is excluded; for an included one, the organisation's reason from [iso27001] include, or the services in scope where the control has a cloud part.".into()),
        ("Implementation status, Owner".into(), "From the controls register, when one is given.".into()),
        ("Provider certificates relied on".into(), soa.note.clone()),
        ("Evidence".into(), "The register's evidence, then automated checks (Prowler ids) that can evidence the organisation's part.".into()),
    ];
    lines.push((
        "Control, Label".into(),
        "The control's id and onus's own short label.".into(),
    ));
    for (i, (item, text)) in lines.iter().enumerate() {
        about.write_string_with_format(i as u32, 0, item, &bold)?;
        about.write_string_with_format(i as u32, 1, text, &wrap)?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name("SoA")?;
    let document = soa.document.clone().unwrap_or_default();
    let block = [
        (
            "Document",
            "Statement of Applicability (ISO/IEC 27001:2022)".to_string(),
        ),
        ("Organisation", report.meta.org.clone().unwrap_or_default()),
        ("Version", document.version),
        ("Owner", document.owner),
        ("Approved", document.approved),
    ];
    for (i, (label, value)) in block.iter().enumerate() {
        sheet.write_string_with_format(i as u32, 0, *label, &bold)?;
        sheet.write_string_with_format(i as u32, 1, value, &wrap)?;
    }
    let top = block.len() as u32 + 1;
    let widths = [10.0, 34.0, 12.0, 40.0, 16.0, 18.0, 60.0, 60.0, 26.0, 50.0];
    for (col, (title, width)) in HEADER.iter().zip(widths).enumerate() {
        sheet.write_string_with_format(top, col as u16, *title, &bold)?;
        sheet.set_column_width(col as u16, width)?;
    }
    for (i, r) in soa.rows.iter().enumerate() {
        for (col, text) in cells(r).iter().enumerate() {
            sheet.write_string_with_format(top + 1 + i as u32, col as u16, text, &wrap)?;
        }
    }
    sheet.set_freeze_panes(top + 1, 0)?;
    sheet.autofilter(
        top,
        0,
        top + soa.rows.len().max(1) as u32,
        HEADER.len() as u16 - 1,
    )?;
    book.save_to_buffer()
}
