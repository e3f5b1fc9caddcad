//! Evidence packs: every output, a copy of the inputs, and a manifest of SHA-256 digests
//! that an auditor pins with one value (the manifest's own digest); and their
//! verification.
//!
//! In (`pack`): the rendered files and the input files. Out: the pack's files, path →
//! bytes, `manifest.json` last. In (`verify`): a pack folder. Out: what changed, what is
//! missing, what is unexpected.

use crate::output::Files;
use crate::text::sha256_hex;
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

pub const MANIFEST: &str = "manifest.json";
pub const SCHEMA: &str = "onus/pack/v1";

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub schema: String,
    pub onus: String,
    /// `SOURCE_DATE_EPOCH` when the pack was made, if set.
    pub source_date_epoch: Option<String>,
    pub date: String,
    pub catalogue: String,
    pub frameworks: std::collections::BTreeMap<String, String>,
    pub inventory: ManifestInventory,
    pub files: Vec<ManifestFile>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ManifestInventory {
    pub path: String,
    pub sha256: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct ManifestFile {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

/// Adds `manifest.json` to a pack's files, and returns its digest.
pub fn seal<'a>(mut files: Files<'a>, head: Manifest) -> Result<(Files<'a>, String)> {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let manifest = Manifest {
        files: files
            .iter()
            .map(|(path, body)| {
                let (size, sha256) = body.digest()?;
                Ok(ManifestFile {
                    path: path.clone(),
                    size,
                    sha256,
                })
            })
            .collect::<std::io::Result<_>>()?,
        ..head
    };
    let mut bytes = serde_json::to_vec_pretty(&manifest)?;
    bytes.push(b'\n');
    let digest = sha256_hex(&bytes);
    files.push((MANIFEST.to_string(), bytes.into()));
    Ok((files, digest))
}

/// The relative paths (with `/`) of every file under `dir`, sorted.
pub fn list_tree(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder)
            .with_context(|| format!("cannot read {}", folder.display()))?
        {
            let entry = entry?;
            let path = entry.path();
            // Links are listed, never followed: a pack holds its evidence itself.
            if entry.file_type()?.is_dir() {
                pending.push(path);
            } else {
                let rel: Vec<String> = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(rel.join("/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Every file under `dir` as (`prefix` + relative path, bytes); for copying `--data`
/// and `--templates` folders into a pack.
pub fn read_tree(dir: &Path, prefix: &str) -> Result<Files<'static>> {
    list_tree(dir)?
        .into_iter()
        .map(|rel| {
            let path = dir.join(&rel);
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            Ok((format!("{prefix}{rel}"), bytes.into()))
        })
        .collect()
}

/// Files in an existing pack folder that onus did not write there: a pack must hold
/// nothing else, or it would not verify.
pub fn foreign_files(dir: &Path) -> Result<Vec<String>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let listed = std::fs::read_to_string(dir.join(crate::output::MARKER)).unwrap_or_default();
    let ours: BTreeSet<&str> = listed.lines().collect();
    Ok(list_tree(dir)?
        .into_iter()
        .filter(|p| p != crate::output::MARKER && !ours.contains(p.as_str()))
        .collect())
}

#[derive(Debug, Default, Serialize)]
pub struct Verification {
    pub intact: bool,
    pub manifest_sha256: String,
    pub files: usize,
    pub changed: Vec<String>,
    pub missing: Vec<String>,
    pub unexpected: Vec<String>,
}

/// Re-hashes every file of a pack against its manifest.
pub fn verify(dir: &Path) -> Result<Verification> {
    let manifest_path = dir.join(MANIFEST);
    let bytes = std::fs::read(&manifest_path)
        .with_context(|| format!("{} is not a pack: cannot read {MANIFEST}", dir.display()))?;
    let manifest: Manifest = serde_json::from_slice(&bytes)
        .with_context(|| format!("{}: not an onus manifest", manifest_path.display()))?;
    if manifest.schema != SCHEMA {
        bail!(
            "{}: schema \"{}\" is not {SCHEMA}",
            manifest_path.display(),
            manifest.schema
        );
    }
    let mut result = Verification {
        manifest_sha256: sha256_hex(&bytes),
        files: manifest.files.len(),
        ..Verification::default()
    };
    let listed: BTreeSet<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    if listed.len() != manifest.files.len() {
        bail!(
            "{}: a file is listed twice; the manifest is not one onus wrote",
            manifest_path.display()
        );
    }
    for file in &manifest.files {
        let inside = !file.path.starts_with('/')
            && !file.path.contains('\\')
            && !file
                .path
                .split('/')
                .any(|c| c.is_empty() || c == "." || c == "..");
        let path = dir.join(&file.path);
        match std::fs::symlink_metadata(&path).map(|m| m.file_type()) {
            Ok(kind) if inside && kind.is_file() => {
                let content = std::fs::read(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                if content.len() as u64 != file.size || sha256_hex(&content) != file.sha256 {
                    result.changed.push(file.path.clone());
                }
            }
            // A link, a device or a pipe is not the file that was packed; it is never opened.
            Ok(_) if inside => result.changed.push(file.path.clone()),
            _ => result.missing.push(file.path.clone()),
        }
    }
    for path in list_tree(dir)? {
        if path != MANIFEST && path != crate::output::MARKER && !listed.contains(path.as_str()) {
            result.unexpected.push(path);
        }
    }
    result.intact =
        result.changed.is_empty() && result.missing.is_empty() && result.unexpected.is_empty();
    Ok(result)
}
