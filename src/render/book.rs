//! `onus book`: the report as an mdBook source tree, for a site that CI rebuilds when the
//! inventory changes.
//!
//! In: the report and the renderer (templates `book/*`). Out: the files of the tree,
//! path → bytes: `book.toml`, `src/SUMMARY.md`, an introduction, the summary, a chapter
//! per tier with a page per service, a page per framework and the diagnostics. Every
//! link points at a page of the tree, so `mdbook build` resolves them all.

use crate::join::FrameworkOut;
use crate::output::Files;
use crate::render::{RenderError, Renderer};
use crate::report::{Report, ServiceView};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
struct ServicePage<'a> {
    title: String,
    file: String,
    service: ServiceView<'a>,
}

#[derive(Serialize)]
struct TierPage<'a> {
    id: &'a str,
    name: &'a str,
    meaning: &'a str,
    services: Vec<ServicePage<'a>>,
}

#[derive(Serialize)]
struct FrameworkPage<'a> {
    title: String,
    file: String,
    framework: &'a FrameworkOut,
}

#[derive(Serialize)]
struct Index<'a> {
    title: String,
    site_url: Option<&'a str>,
    tiers: Vec<TierPage<'a>>,
    frameworks: Vec<FrameworkPage<'a>>,
    /// Framework id → the page of its first selection (for related-control links).
    framework_files: BTreeMap<&'a str, String>,
    unassessed: bool,
}

/// A file name from an id: letters, digits, dots and hyphens only.
fn file_name(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

pub fn render(
    renderer: &Renderer,
    report: &Report,
    site_url: Option<&str>,
) -> Result<Files<'static>, RenderError> {
    let tiers: Vec<TierPage> = report
        .tiers
        .iter()
        .map(|t| TierPage {
            id: &t.id,
            name: &t.name,
            meaning: &t.meaning,
            services: report
                .services
                .iter()
                .filter(|s| s.tier.as_deref() == Some(t.id.as_str()))
                .map(|s| ServicePage {
                    title: match &s.variant_name {
                        Some(v) => format!("{} — {v}", s.name),
                        None => s.name.clone(),
                    },
                    file: format!("{}.md", file_name(&s.key().replace('/', "--"))),
                    service: s.view(),
                })
                .collect(),
        })
        .filter(|t| !t.services.is_empty())
        .collect();
    let frameworks: Vec<FrameworkPage> = report
        .frameworks
        .iter()
        .map(|f| FrameworkPage {
            title: match &f.baseline_title {
                Some(b) => format!("{} {} — {b}", f.name, f.version),
                None => format!("{} {}", f.name, f.version),
            },
            file: format!("{}.md", file_name(&f.selection)),
            framework: f,
        })
        .collect();
    let mut framework_files = BTreeMap::new();
    for f in &frameworks {
        framework_files
            .entry(f.framework.id.as_str())
            .or_insert_with(|| f.file.clone());
    }
    let index = Index {
        title: match &report.meta.org {
            Some(org) => format!("{} — {org}", report.meta.title),
            None => report.meta.title.clone(),
        },
        site_url,
        unassessed: report.services.iter().any(|s| !s.assessed),
        tiers,
        frameworks,
        framework_files,
    };
    let mut context = renderer.context(report)?;
    context.insert("book", &index);
    let mut files = Vec::new();
    let page = |files: &mut Files,
                template: &str,
                path: String,
                context: &tera::Context|
     -> Result<(), RenderError> {
        files.push((path, renderer.render_template(template, context)?.into()));
        Ok(())
    };
    page(&mut files, "book/book.toml", "book.toml".into(), &context)?;
    page(&mut files, "book/onus.css", "onus.css".into(), &context)?;
    for (template, path) in [
        ("book/SUMMARY.md", "src/SUMMARY.md"),
        ("book/introduction.md", "src/introduction.md"),
        ("book/summary.md", "src/summary.md"),
        ("book/diagnostics.md", "src/diagnostics.md"),
    ] {
        page(&mut files, template, path.into(), &context)?;
    }
    if index.unassessed {
        page(
            &mut files,
            "book/unassessed.md",
            "src/unassessed.md".into(),
            &context,
        )?;
    }
    for tier in &index.tiers {
        context.insert("page", tier);
        page(
            &mut files,
            "book/tier.md",
            format!("src/tiers/{}.md", file_name(tier.id)),
            &context,
        )?;
        for service in &tier.services {
            context.insert("page", service);
            page(
                &mut files,
                "book/service.md",
                format!("src/services/{}", service.file),
                &context,
            )?;
        }
    }
    for framework in &index.frameworks {
        context.insert("page", framework);
        page(
            &mut files,
            "book/framework.md",
            format!("src/frameworks/{}", framework.file),
            &context,
        )?;
    }
    // The report as a Word document, for whoever edits it; the introduction links it.
    let docx = super::docx::render(&renderer.markdown(report)?, &renderer.page_setup(report));
    files.push((format!("src/{DOCX}"), crate::output::Body::Bytes(docx)));
    Ok(files)
}

/// The Word document a book carries beside its chapters.
pub const DOCX: &str = "responsibility-matrix.docx";

/// A file of a book folder that `onus book` writes (and `--force` replaces): its
/// `book.toml`, its style sheet and its chapters.
pub fn is_own(name: &str) -> bool {
    name == "book.toml"
        || name == "onus.css"
        || name == format!("src/{DOCX}")
        || (name.starts_with("src/") && name.ends_with(".md"))
}
