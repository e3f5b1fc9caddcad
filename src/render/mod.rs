//! Renderers: the report model in, the bytes of one output file out. One place
//! ([`crate::output`]) writes files; renderers never touch the disk.
//!
//! The documents come from one template, `templates/responsibility-matrix.md`: the
//! Markdown it renders is the Markdown report, and, parsed ([`markdown`]), the body of
//! the HTML page (`templates/responsibility-matrix.html` holds only the page around it)
//! and the content of the PDF ([`pdf`]). Templates are embedded at build time; a user's
//! `--templates DIR` replaces them file by file. Tera escapes HTML (with the invisible
//! characters of the input made visible), and nothing in Markdown, so the `md` filter
//! escapes every cell of user text.

pub(crate) mod blocks;
pub mod book;
pub mod docx;
pub mod exports;
pub mod markdown;
pub mod oscal;
pub mod pdf;
mod sandbox;

use crate::report::Report;
use crate::vocab::Owner;
use std::collections::HashMap;
use std::path::Path;
use tera::{Tera, Value};

/// The built-in templates, by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "responsibility-matrix.md",
        include_str!("../../templates/responsibility-matrix.md"),
    ),
    (
        "responsibility-matrix.html",
        include_str!("../../templates/responsibility-matrix.html"),
    ),
    ("brief.md", include_str!("../../templates/brief.md")),
    ("soc2.md", include_str!("../../templates/soc2.md")),
    ("soa.md", include_str!("../../templates/soa.md")),
    (
        "book/book.toml",
        include_str!("../../templates/book/book.toml"),
    ),
    (
        "book/SUMMARY.md",
        include_str!("../../templates/book/SUMMARY.md"),
    ),
    (
        "book/introduction.md",
        include_str!("../../templates/book/introduction.md"),
    ),
    (
        "book/summary.md",
        include_str!("../../templates/book/summary.md"),
    ),
    ("book/tier.md", include_str!("../../templates/book/tier.md")),
    (
        "book/service.md",
        include_str!("../../templates/book/service.md"),
    ),
    (
        "book/unassessed.md",
        include_str!("../../templates/book/unassessed.md"),
    ),
    (
        "book/framework.md",
        include_str!("../../templates/book/framework.md"),
    ),
    (
        "book/diagnostics.md",
        include_str!("../../templates/book/diagnostics.md"),
    ),
    (
        "book/onus.css",
        include_str!("../../templates/book/onus.css"),
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Format {
    Md,
    Html,
    Pdf,
    /// `responsibility-matrix.docx`: the document for Word.
    Docx,
    Json,
    /// `responsibility-matrix.csv` and `questionnaire.csv`.
    Csv,
    /// `questionnaire.xlsx`.
    Xlsx,
    /// `oscal-component-definition.json`.
    Oscal,
}

impl Format {
    /// The files a format writes.
    pub fn file_names(self) -> &'static [&'static str] {
        match self {
            Format::Md => &["responsibility-matrix.md"],
            Format::Html => &["responsibility-matrix.html"],
            Format::Pdf => &["responsibility-matrix.pdf"],
            Format::Docx => &["responsibility-matrix.docx"],
            Format::Json => &["responsibility-matrix.json"],
            Format::Csv => &["responsibility-matrix.csv", "questionnaire.csv"],
            Format::Xlsx => &["questionnaire.xlsx"],
            Format::Oscal => &["oscal-component-definition.json"],
        }
    }

    /// Whether the format is made from the Markdown template: the Markdown, the HTML,
    /// the PDF and the DOCX.
    pub fn uses_templates(self) -> bool {
        matches!(self, Format::Md | Format::Html | Format::Pdf | Format::Docx)
    }

    /// The first (for most formats, the only) file a format writes.
    pub fn file_name(self) -> &'static str {
        self.file_names()[0]
    }

    pub fn all() -> &'static [Format] {
        <Format as clap::ValueEnum>::value_variants()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("template {name}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
    Template {
        name: String,
        line: Option<usize>,
        message: String,
    },
    #[error("{0}")]
    Templates(String),
}

/// The files of one format, and what the renderer had to warn about.
pub struct Rendered<'a> {
    pub files: crate::output::Files<'a>,
    pub warnings: Vec<String>,
}

impl Rendered<'_> {
    /// The bytes of the format's first file.
    pub fn bytes(&self) -> Vec<u8> {
        self.files[0].1.to_vec()
    }
}

pub struct Renderer {
    tera: Tera,
    paper: pdf::Paper,
    /// Start CSV files with a UTF-8 byte-order mark (for spreadsheet programs).
    pub csv_bom: bool,
    /// Template sources by name, to point errors at a line.
    sources: HashMap<String, String>,
}

impl Renderer {
    /// The built-in templates, each replaced by the file of the same name in `user`.
    pub fn new(user: Option<&Path>, paper: pdf::Paper) -> Result<Renderer, RenderError> {
        let mut sources: HashMap<String, String> = TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        if let Some(dir) = user {
            for (name, text) in user_templates(dir)? {
                sources.insert(name, text);
            }
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(escape_html);
        tera.register_filter("md", md_filter);
        tera.register_filter("owner", owner_filter);
        tera.register_filter("toml", toml_filter);
        tera.register_filter("lines", lines_filter);
        sandbox::install(&mut tera);
        let mut names: Vec<&String> = sources.keys().collect();
        names.sort();
        for name in names {
            tera.add_raw_template(name, &sources[name])
                .map_err(|e| template_error(name, &sources[name], &e))?;
        }
        if let Some((name, cycle)) = sandbox::cycle(&tera) {
            return Err(RenderError::Template {
                name,
                line: None,
                message: format!(
                    "it includes, extends or calls itself ({cycle}); a template cannot, directly or through others"
                ),
            });
        }
        Ok(Renderer {
            tera,
            paper,
            csv_bom: false,
            sources,
        })
    }

    pub fn render<'a>(
        &self,
        report: &'a Report,
        format: Format,
    ) -> Result<Rendered<'a>, RenderError> {
        self.render_with(report, format, None)
    }

    /// Every format of `formats`, in order: see [`Renderer::render_each`].
    pub fn render_all<'a>(
        &self,
        report: &'a Report,
        formats: &[Format],
    ) -> Result<Vec<Rendered<'a>>, RenderError> {
        let all = std::sync::Mutex::new(Vec::new());
        self.render_each(report, formats, &|i, rendered| {
            all.lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push((i, rendered));
            Ok::<(), RenderError>(())
        })?;
        let mut all = all.into_inner().unwrap_or_else(|p| p.into_inner());
        all.sort_by_key(|(i, _)| *i);
        Ok(all.into_iter().map(|(_, r)| r).collect())
    }

    /// Renders every format of `formats` and hands each to `each` with its place in
    /// `formats`, on the thread that rendered it: a file is written while the next one
    /// renders. The formats made from the Markdown template (MD, HTML, PDF) share one
    /// rendering of it, even when only the PDF is asked for; the formats made from the
    /// model (the JSON, the exports) render beside them from the start. Of several
    /// errors, the documents' is returned.
    pub fn render_each<'a, E: From<RenderError> + Send>(
        &self,
        report: &'a Report,
        formats: &[Format],
        each: &(dyn Fn(usize, Rendered<'a>) -> Result<(), E> + Sync),
    ) -> Result<(), E> {
        // Formats with their place in `formats`.
        type Jobs = Vec<(usize, Format)>;
        let (documents, other): (Jobs, Jobs) = formats
            .iter()
            .copied()
            .enumerate()
            .partition(|(_, f)| f.uses_templates());
        // The formats made from the model (the JSON, the exports) start at once, on a
        // thread of their own; meanwhile the Markdown is rendered, once for MD, HTML and
        // PDF, and then the PDF and the other documents render on two threads. The
        // PDF's thread of its own is worth its memory: 10,000 rows to MD+HTML+PDF+JSON
        // took 0.97-1.03 s and 81-84 MB with one document thread, and 0.76-0.91 s and
        // 117-126 MB with two (`cargo bench --bench render`).
        let run = |jobs: Jobs, markdown: Option<&str>| -> Result<(), E> {
            for (i, format) in jobs {
                crate::progress::tick("rendering", i, formats.len());
                let markdown = markdown.filter(|_| format.uses_templates());
                each(i, self.render_with(report, format, markdown)?)?;
            }
            Ok(())
        };
        std::thread::scope(|scope| {
            let other = scope.spawn(|| run(other, None));
            let documents = (|| -> Result<(), E> {
                if documents.is_empty() {
                    return Ok(());
                }
                let markdown = self.markdown(report)?;
                let (pdf, documents): (Jobs, Jobs) =
                    documents.into_iter().partition(|(_, f)| *f == Format::Pdf);
                crate::parallel::map(2, [documents, pdf], |jobs| run(jobs, Some(&markdown)))
                    .into_iter()
                    .collect()
            })();
            let other = other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            // Of several errors, the documents' comes first.
            documents.and(other)
        })
    }

    /// One format; the documents from the Markdown given, or from one of their own.
    fn render_with<'a>(
        &self,
        report: &'a Report,
        format: Format,
        markdown: Option<&str>,
    ) -> Result<Rendered<'a>, RenderError> {
        let mut warnings = Vec::new();
        let own = match (markdown, format.uses_templates()) {
            (None, true) => Some(self.markdown(report)?),
            _ => None,
        };
        let markdown =
            || -> Result<&str, RenderError> { Ok(markdown.or(own.as_deref()).unwrap_or_default()) };
        let contents: Vec<Vec<u8>> = match format {
            Format::Json => {
                return Ok(Rendered {
                    files: vec![(
                        format.file_name().to_string(),
                        crate::output::Body::Stream(Box::new(|out| report.write_json(out))),
                    )],
                    warnings,
                })
            }
            Format::Md => vec![markdown()?.as_bytes().to_vec()],
            Format::Html => vec![self.html(report, markdown()?)?],
            Format::Pdf => {
                let pdf = pdf::render(markdown()?, &self.page_setup(report));
                if !pdf.missing.is_empty() {
                    warnings.push(format!(
                        "the PDF font has no glyph for {}; shown as U+FFFD (use the HTML or Markdown report for this text)",
                        pdf.missing.iter().map(|c| format!("U+{:04X}", *c as u32)).collect::<Vec<_>>().join(", ")
                    ));
                }
                vec![pdf.bytes]
            }
            Format::Docx => {
                vec![docx::render(markdown()?, &self.page_setup(report))]
            }
            Format::Csv => vec![
                crate::render::exports::matrix_csv(report, self.csv_bom),
                crate::render::exports::questionnaire_csv(report, self.csv_bom),
            ],
            Format::Xlsx => vec![crate::render::exports::questionnaire_xlsx(report)
                .map_err(|e| RenderError::Templates(format!("questionnaire.xlsx: {e}")))?],
            Format::Oscal => vec![crate::render::oscal::render(report)],
        };
        Ok(Rendered {
            files: format
                .file_names()
                .iter()
                .map(|n| n.to_string())
                .zip(contents.into_iter().map(Into::into))
                .collect(),
            warnings,
        })
    }

    /// The report through the Markdown template: the Markdown report, and the source of
    /// the HTML and the PDF.
    pub fn markdown(&self, report: &Report) -> Result<String, RenderError> {
        let name = Format::Md.file_name();
        let context = self.context(report)?;
        // Tera writes whole strings: the bytes are UTF-8.
        let bytes = self.render_template(name, &context)?;
        Ok(String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    /// The HTML page: the page template (`templates/responsibility-matrix.html`) around
    /// the Markdown's body. The page template sees `meta` (the report's title block
    /// data), `body` (the HTML of the Markdown) and `headings` (each with `level`,
    /// `text` and `id`, the body's anchor).
    pub fn html(&self, report: &Report, markdown: &str) -> Result<Vec<u8>, RenderError> {
        let (body, headings) = markdown::html(markdown);
        let mut context = tera::Context::new();
        context.insert("meta", &report.meta);
        context.insert("body", &body);
        context.insert("headings", &headings);
        self.render_template(Format::Html.file_name(), &context)
    }

    /// What the PDF takes besides the Markdown: the paper, and the running header (the
    /// title, and the organisation where there is one).
    pub fn page_setup(&self, report: &Report) -> pdf::PageSetup {
        let m = &report.meta;
        pdf::PageSetup {
            paper: self.paper,
            header: match &m.org {
                Some(org) => format!("{} — {org}", m.title),
                None => m.title.clone(),
            },
            author: m.org.clone(),
            date: crate::text::Date::parse(&m.date),
        }
    }

    fn source(&self, name: &str) -> &str {
        self.sources
            .get(name)
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// The report as a template context: every field of the report, with the inventory
    /// capped to the rows the documents list ([`Report::document_view`]).
    pub fn context(&self, report: &Report) -> Result<tera::Context, RenderError> {
        tera::Context::from_serialize(report.document_view())
            .map_err(|e| template_error("(report)", "", &e))
    }

    pub fn render_template(
        &self,
        name: &str,
        context: &tera::Context,
    ) -> Result<Vec<u8>, RenderError> {
        let _watch = sandbox::Watch::start(name);
        let mut out = sandbox::Capped::new();
        self.tera
            .render_to(name, context, &mut out)
            .map_err(|e| template_error(name, self.source(name), &e))?;
        Ok(out.bytes)
    }
}

/// The names of the built-in templates.
pub fn template_names() -> impl Iterator<Item = &'static str> {
    TEMPLATES.iter().map(|(n, _)| *n)
}

/// The largest template file read: the built-in ones are a few kilobytes.
const LARGEST_TEMPLATE: u64 = 1 << 20;

/// Reads a user's template folder: every file must be named as a built-in template, and
/// be a regular file (a link would let a template folder copy any file of the machine
/// into a pack).
fn user_templates(dir: &Path) -> Result<Vec<(String, String)>, RenderError> {
    let fail = |m: String| RenderError::Templates(format!("{}: {m}", dir.display()));
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|e| fail(format!("cannot read the --templates folder: {e}")))?;
        for entry in entries {
            let entry =
                entry.map_err(|e| fail(format!("cannot read the --templates folder: {e}")))?;
            let path = entry.path();
            let file_name = entry.file_name().to_string_lossy().into_owned();
            if file_name.starts_with('.') {
                continue;
            }
            let kind = entry
                .file_type()
                .map_err(|e| fail(format!("cannot read the --templates folder: {e}")))?;
            if kind.is_dir() {
                pending.push(path);
                continue;
            }
            let name = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            if !template_names().any(|n| n == name) {
                return Err(fail(format!(
                    "{name} is not a template onus knows; the templates are: {} (`onus templates eject DIR` writes them)",
                    template_names().collect::<Vec<_>>().join(", ")
                )));
            }
            if !kind.is_file() {
                return Err(fail(format!(
                    "{name} is a link or a special file; templates are regular files inside the folder (copy the file in)"
                )));
            }
            let text = crate::output::read_bounded(&path, LARGEST_TEMPLATE)
                .map_err(|e| fail(format!("cannot read {name}: {e}")))?;
            let text =
                String::from_utf8(text).map_err(|_| fail(format!("{name} is not UTF-8 text")))?;
            out.push((name, text));
        }
    }
    out.sort();
    Ok(out)
}

/// A Tera error as a user can act on it: the template, the line, the message chain.
fn template_error(name: &str, source: &str, e: &tera::Error) -> RenderError {
    let message = error_chain(e);
    // Parse errors carry ` --> line:column`; render errors name the variable or filter
    // in backticks, which points to the first line that uses it.
    let line = message
        .split(" --> ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|l| l.trim().parse().ok())
        .or_else(|| {
            // Names quoted with backticks or single quotes, other than the template's.
            let quoted = message
                .split('`')
                .skip(1)
                .step_by(2)
                .chain(message.split('\'').skip(1).step_by(2))
                .filter(|q| !q.is_empty() && *q != name);
            quoted
                .filter_map(|q| source.lines().position(|l| l.contains(q)))
                .min()
                .map(|i| i + 1)
        });
    RenderError::Template {
        name: name.to_string(),
        line,
        message: message
            .replace('\n', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// HTML escaping (Tera's set) plus invisible and control characters made visible.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '/' => out.push_str("&#x2F;"),
            c if crate::text::is_invisible(c) || (c.is_control() && c != '\n' && c != '\t') => {
                out.push_str(&format!("{{U+{:04X}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

fn as_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(as_text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// Escapes text for a Markdown table cell (and for running Markdown text): pipes,
/// HTML, emphasis and code marks are escaped; line breaks become `<br>`; invisible and
/// text-reordering characters are shown as `{U+XXXX}`.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let text = text.trim();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '|' | '*' | '`' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            c if crate::text::is_invisible(c) => out.push_str(&format!("{{U+{:04X}}}", c as u32)),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn md_filter(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    Ok(Value::String(escape_markdown(&as_text(value))))
}

/// A TOML basic string, quoted and escaped: `title = {{ meta.title | toml }}`.
fn toml_filter(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    Ok(Value::String(crate::text::toml_string(&as_text(value))))
}

/// Inventory line numbers, capped: `{{ s.first_lines | lines(count=s.row_count) }}` gives
/// `2, 7, 9 and 4923 more`: the first lines given, then how many more of `count` there
/// are (by default, as many as given).
fn lines_filter(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let lines: Vec<u64> = value
        .as_array()
        .ok_or_else(|| tera::Error::msg("the lines filter takes a list of line numbers"))?
        .iter()
        .map(|v| {
            v.as_u64()
                .ok_or_else(|| tera::Error::msg(format!("{v} is not a line number")))
        })
        .collect::<tera::Result<_>>()?;
    let count = match args.get("count") {
        None => lines.len(),
        Some(v) => v
            .as_u64()
            .filter(|&n| n as usize >= lines.len())
            .ok_or_else(|| {
                tera::Error::msg(format!(
                    "the lines filter's count, {v}, is not a count of the lines given"
                ))
            })? as usize,
    };
    Ok(Value::String(crate::text::lines_text(&lines, count)))
}

fn owner_filter(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let id = as_text(value);
    let owner = Owner::ALL
        .into_iter()
        .find(|o| o.id() == id)
        .ok_or_else(|| tera::Error::msg(format!("\"{id}\" is not an owner")))?;
    Ok(Value::String(owner.display().to_string()))
}

#[cfg(test)]
mod tests {
    use super::{escape_markdown, lines_filter};
    use std::collections::HashMap;

    #[test]
    fn the_lines_filter_says_how_many_more_of_the_count() {
        let lines = serde_json::json!([2, 7]);
        let count = |n: serde_json::Value| HashMap::from([("count".to_string(), n)]);
        let text = |args| lines_filter(&lines, &args).map(|v| v.as_str().unwrap_or("").to_string());
        assert_eq!(text(HashMap::new()).unwrap(), "2, 7");
        assert_eq!(text(count(5.into())).unwrap(), "2, 7 and 3 more");
        // A count below the lines given, or not a count, is a template error.
        assert!(text(count(1.into())).is_err());
        assert!(text(count("many".into())).is_err());
    }

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        assert_eq!(escape_markdown("a|b"), "a\\|b");
        assert_eq!(
            escape_markdown("line1\r\nline2\nline3"),
            "line1<br>line2<br>line3"
        );
        assert_eq!(
            escape_markdown("<script>x</script>"),
            "&lt;script&gt;x&lt;/script&gt;"
        );
        assert_eq!(escape_markdown("S3\u{202e}"), "S3{U+202E}");
        assert_eq!(escape_markdown("x\u{0}y"), "x y");
    }
}
