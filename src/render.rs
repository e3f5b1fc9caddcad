//! Renderers: the report model in, the bytes of one output file out. One place
//! ([`crate::output`]) writes files; renderers never touch the disk.
//!
//! Text formats come from Tera templates in `templates/`, embedded at build time. Tera
//! escapes nothing in Markdown, so the `md` filter escapes every cell of user text.

use crate::report::Report;
use crate::vocab::Owner;
use std::collections::HashMap;
use tera::{Tera, Value};

/// The built-in templates, by name.
pub const TEMPLATES: &[(&str, &str)] = &[(
    "responsibility-matrix.md",
    include_str!("../templates/responsibility-matrix.md"),
)];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Format {
    Md,
    Json,
}

impl Format {
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Md => "responsibility-matrix.md",
            Format::Json => "responsibility-matrix.json",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
    #[error("cannot serialise the report: {0}")]
    Json(#[from] serde_json::Error),
}

pub struct Renderer {
    tera: Tera,
}

impl Renderer {
    pub fn new() -> Result<Renderer, RenderError> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![]);
        tera.add_raw_templates(TEMPLATES.iter().copied())
            .map_err(|e| RenderError::Template {
                name: "built-in".into(),
                message: error_chain(&e),
            })?;
        tera.register_filter("md", md_filter);
        tera.register_filter("owner", owner_filter);
        Ok(Renderer { tera })
    }

    pub fn render(&self, report: &Report, format: Format) -> Result<Vec<u8>, RenderError> {
        match format {
            Format::Json => {
                let mut bytes = serde_json::to_vec_pretty(report)?;
                bytes.push(b'\n');
                Ok(bytes)
            }
            Format::Md => self.template(format.file_name(), report),
        }
    }

    fn template(&self, name: &str, report: &Report) -> Result<Vec<u8>, RenderError> {
        let fail = |e: tera::Error| RenderError::Template {
            name: name.to_string(),
            message: error_chain(&e),
        };
        let context = tera::Context::from_serialize(report).map_err(fail)?;
        self.tera
            .render(name, &context)
            .map(String::into_bytes)
            .map_err(fail)
    }
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

fn owner_filter(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let id = as_text(value);
    let owner = [
        Owner::Provider,
        Owner::Customer,
        Owner::Shared,
        Owner::NotApplicable,
        Owner::Unassessed,
    ]
    .into_iter()
    .find(|o| o.id() == id)
    .ok_or_else(|| tera::Error::msg(format!("\"{id}\" is not an owner")))?;
    Ok(Value::String(owner.display().to_string()))
}

#[cfg(test)]
mod tests {
    use super::escape_markdown;

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
