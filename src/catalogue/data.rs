//! Data files: the shipped ones under `frameworks/` (embedded at build time by
//! `build.rs`) overlaid with a user's `--data DIR`, and the error a bad one gives.
//!
//! Known paths: `model.toml`, `<provider>/catalogue.toml`, `controls/<framework>.toml`,
//! `controls/<framework>.csv` (licensed titles), `crosswalks/<from>--<to>.csv` and
//! `evidence/<source>.csv` (automated checks that evidence controls).

use crate::text::line_col;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The data files built into the binary, by path relative to `frameworks/`.
const BUILT_IN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/built_in_data.rs"));

/// A data file that could not be read or does not say what onus needs.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: error: {message}", position.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default())]
pub struct DataError {
    pub file: String,
    pub position: Option<(usize, usize)>,
    pub message: String,
}

/// One data file, built in or from `--data`.
#[derive(Debug, Clone)]
pub struct DataFile {
    /// Path relative to the data root, with `/` separators: `aws/catalogue.toml`.
    pub path: String,
    /// Where it came from, as error messages and reports name it.
    pub origin: String,
    pub text: String,
}

impl DataFile {
    pub fn error_at(&self, offset: Option<usize>, message: impl Into<String>) -> DataError {
        DataError {
            file: self.origin.clone(),
            position: offset.map(|o| line_col(&self.text, o)),
            message: message.into(),
        }
    }

    pub fn error_near(&self, needle: &str, message: impl Into<String>) -> DataError {
        self.error_at(self.text.find(needle), message)
    }

    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, DataError> {
        toml::from_str(&self.text).map_err(|e| {
            self.error_at(
                e.span().map(|s| s.start),
                e.message().trim_end().replace('\n', " "),
            )
        })
    }
}

/// The built-in data files, with those of `overlay` added or replacing them by path.
pub fn data_files(overlay: Option<&Path>) -> Result<Vec<DataFile>, DataError> {
    let mut files: BTreeMap<String, DataFile> = BUILT_IN
        .iter()
        .map(|(path, text)| {
            let file = DataFile {
                path: path.to_string(),
                origin: format!("frameworks/{path} (built in)"),
                text: text.to_string(),
            };
            (path.to_string(), file)
        })
        .collect();
    if let Some(dir) = overlay {
        let meta = std::fs::metadata(dir).map_err(|e| DataError {
            file: dir.display().to_string(),
            position: None,
            message: format!("cannot read the --data folder: {e}"),
        })?;
        if !meta.is_dir() {
            return Err(DataError {
                file: dir.display().to_string(),
                position: None,
                message: "--data must name a folder of data files (like frameworks/)".into(),
            });
        }
        let mut found = Vec::new();
        collect_data_files(dir, &mut found)?;
        for full in found {
            let rel = full
                .strip_prefix(dir)
                .unwrap_or(&full)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let origin = full.display().to_string();
            if !is_known_data_path(&rel) {
                return Err(DataError {
                    file: origin,
                    position: None,
                    message: format!("not a data file onus knows; expected {KNOWN_PATHS}"),
                });
            }
            let bytes = std::fs::read(&full).map_err(|e| DataError {
                file: origin.clone(),
                position: None,
                message: format!("cannot read: {e}"),
            })?;
            let text = String::from_utf8(bytes).map_err(|e| DataError {
                file: origin.clone(),
                position: None,
                message: format!(
                    "not UTF-8 (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            })?;
            files.insert(
                rel.clone(),
                DataFile {
                    path: rel,
                    origin,
                    text,
                },
            );
        }
    }
    Ok(files.into_values().collect())
}

fn is_known_data_path(rel: &str) -> bool {
    let stem = |name: &str, ext: &str| name.strip_suffix(ext).is_some_and(is_id);
    match rel.split('/').collect::<Vec<_>>().as_slice() {
        ["model.toml"] => true,
        ["controls", name] => stem(name, ".toml") || stem(name, ".csv"),
        ["crosswalks", name] => name
            .strip_suffix(".csv")
            .and_then(|n| n.split_once("--"))
            .is_some_and(|(a, b)| is_id(a) && is_id(b)),
        ["evidence", "overrides.toml"] => true,
        ["evidence", name] => stem(name, ".csv"),
        [p, "catalogue.toml"] => is_id(p) && !["controls", "crosswalks", "evidence"].contains(p),
        [p, "csoc.toml" | "certificates.toml"] => {
            is_id(p) && !["controls", "crosswalks", "evidence"].contains(p)
        }
        [p, "statements", name] => {
            is_id(p) && !["controls", "crosswalks", "evidence"].contains(p) && stem(name, ".toml")
        }
        _ => false,
    }
}

/// What a data file at an unknown path should have been called.
pub const KNOWN_PATHS: &str =
    "model.toml, <provider>/catalogue.toml, <provider>/csoc.toml, <provider>/certificates.toml, <provider>/statements/<framework>.toml, controls/<framework>.toml, controls/<framework>.csv, crosswalks/<from>--<to>.csv, evidence/<source>.csv or evidence/overrides.toml";

fn collect_data_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), DataError> {
    let read_err = |e: std::io::Error| DataError {
        file: dir.display().to_string(),
        position: None,
        message: format!("cannot read folder: {e}"),
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(read_err)?
        .collect::<Result<_, _>>()
        .map_err(read_err)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            collect_data_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml" || e == "csv") {
            out.push(path);
        }
    }
    Ok(())
}

pub fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}
