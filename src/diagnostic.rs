//! Diagnostics: what the tool tells the user about their input, each pinned to a file
//! and, where there is one, a line. They are collected, never printed from deep inside.

use crate::text::visible;
use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Note,
}

impl Level {
    pub fn id(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub level: Level,
    pub file: String,
    pub line: Option<u64>,
    /// Phrased for a reader: the documents print it as it is.
    pub message: String,
    /// What to do on the command line (`--variant aws.ecs=VARIANT`): printed on the
    /// terminal under the message, never in the documents or the JSON.
    #[serde(skip)]
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(level: Level, file: &str, line: Option<u64>, message: impl Into<String>) -> Self {
        Diagnostic {
            level,
            file: file.to_string(),
            line,
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line: level: message`, the form `check` prints and editors jump to, and
    /// the hint on a line of its own.
    /// Invisible and control characters of the input are shown, never passed through.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (file, message) = (visible(&self.file), visible(&self.message));
        match self.line {
            Some(line) => write!(f, "{file}:{line}: {}: {message}", self.level.id())?,
            None => write!(f, "{file}: {}: {message}", self.level.id())?,
        }
        match &self.hint {
            Some(hint) => write!(f, "\n  hint: {}", visible(hint)),
            None => Ok(()),
        }
    }
}

/// Sorts diagnostics by file and line (file-level ones first), keeping the order of
/// equal positions as they were found.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
}
