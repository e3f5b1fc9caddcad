//! Diagnostics: what the tool tells the user about their input, each pinned to a file
//! and, where there is one, a line. They are collected, never printed from deep inside.

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
    pub message: String,
}

impl Diagnostic {
    pub fn new(level: Level, file: &str, line: Option<u64>, message: impl Into<String>) -> Self {
        Diagnostic {
            level,
            file: file.to_string(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line: level: message`, the form `check` prints and editors jump to.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(
                f,
                "{}:{}: {}: {}",
                self.file,
                line,
                self.level.id(),
                self.message
            ),
            None => write!(f, "{}: {}: {}", self.file, self.level.id(), self.message),
        }
    }
}

/// Sorts diagnostics by file and line (file-level ones first), keeping the order of
/// equal positions as they were found.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
}
