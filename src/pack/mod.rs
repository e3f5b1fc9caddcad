//! Evidence packs: every output, a copy of the inputs, and a manifest of SHA-256 digests
//! that an auditor pins with one value (the manifest's own digest); and their
//! verification.
//!
//! In (`pack`): the rendered files, the input files and the auditor's README. Out: the
//! pack's files, path → bytes, then `manifest.json` and `SHA256SUMS`; a signature of the
//! manifest ([`sign`]) and a zip of the whole ([`zip`]) when asked for. In (`verify`): a
//! pack folder or zip, and optionally a public key and the manifest's expected digest.
//! Out: what changed, what is missing, what is unexpected, and whether the pack is the
//! one its maker signed or recorded.

mod assemble;
pub mod readme;
pub mod sign;
pub mod zip;
mod zipcheck;

pub use assemble::{assemble, is_own, Inputs, Pack};

use crate::output::Files;
use crate::text::sha256_hex;
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub const MANIFEST: &str = "manifest.json";
pub const SCHEMA: &str = "onus/pack/v1";
/// Every file's SHA-256, `manifest.json`'s included, for `sha256sum -c`.
pub const SUMS: &str = "SHA256SUMS";
/// The auditor's guide to the pack.
pub const README: &str = "README.md";

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub schema: String,
    pub onus: String,
    /// `SOURCE_DATE_EPOCH` when the pack was made, if set.
    pub source_date_epoch: Option<String>,
    pub date: String,
    pub catalogue: String,
    pub frameworks: BTreeMap<String, String>,
    /// The SHA-256 of the catalogue and framework files used (see [`data_digest`]).
    #[serde(default)]
    pub data_sha256: Option<String>,
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

/// Adds `manifest.json` and `SHA256SUMS` to a pack's files; returns them with the
/// manifest's bytes and digest.
pub fn seal<'a>(mut files: Files<'a>, head: Manifest) -> Result<(Files<'a>, Vec<u8>, String)> {
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
    let sums = sums(&manifest, &digest);
    files.push((MANIFEST.to_string(), bytes.clone().into()));
    files.push((SUMS.to_string(), sums.into_bytes().into()));
    Ok((files, bytes, digest))
}

/// `SHA256SUMS`: a line `<sha256>  <path>` for every file of the manifest and the manifest
/// itself, in path order, as `sha256sum` writes them (a name holding a backslash or a line
/// break is escaped, and its line starts with a backslash).
pub fn sums(manifest: &Manifest, manifest_sha256: &str) -> String {
    let mut lines: Vec<(&str, &str)> = manifest
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.sha256.as_str()))
        .chain([(MANIFEST, manifest_sha256)])
        .collect();
    lines.sort();
    lines
        .into_iter()
        .map(|(path, sha)| {
            if path.contains(['\\', '\n', '\r']) {
                let escaped = path
                    .replace('\\', "\\\\")
                    .replace('\n', "\\n")
                    .replace('\r', "\\r");
                format!("\\{sha}  {escaped}\n")
            } else {
                format!("{sha}  {path}\n")
            }
        })
        .collect()
}

/// One digest of a set of data files: the SHA-256 of their `SHA256SUMS`-style list
/// (`<sha256 of the file>  <path>` lines, in path order).
pub fn data_digest(files: &[crate::catalogue::DataFile]) -> String {
    let mut lines: Vec<String> = files
        .iter()
        .map(|f| format!("{}  {}\n", sha256_hex(f.text.as_bytes()), f.path))
        .collect();
    lines.sort();
    sha256_hex(lines.concat().as_bytes())
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
            if !std::fs::symlink_metadata(&path)?.is_file() {
                bail!(
                    "{} is a link or a special file: a pack holds its evidence itself, so copy the file into the folder",
                    path.display()
                );
            }
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

/// A pack as `verify` reads it: a folder, or a zip read into memory.
enum Source {
    Folder(PathBuf),
    Zip(zip::Read),
}

/// A file of a pack, looked up by its path in the manifest.
enum Found {
    File(Vec<u8>),
    /// A link, a device or a pipe: not the file that was packed; it is never opened.
    Special,
    Absent,
}

impl Source {
    fn open(path: &Path) -> Result<Source> {
        let meta = std::fs::metadata(path)
            .with_context(|| format!("{} is not a pack: cannot read it", path.display()))?;
        if meta.is_dir() {
            Ok(Source::Folder(path.to_path_buf()))
        } else {
            Ok(Source::Zip(zip::read(path)?))
        }
    }

    fn get(&self, rel: &str) -> Result<Found> {
        let inside = !rel.starts_with('/')
            && !rel.contains('\\')
            && !rel
                .split('/')
                .any(|c| c.is_empty() || c == "." || c == "..");
        if !inside {
            return Ok(Found::Absent);
        }
        match self {
            Source::Folder(dir) => {
                let path = dir.join(rel);
                match std::fs::symlink_metadata(&path).map(|m| m.file_type()) {
                    Ok(kind) if kind.is_file() => {
                        Ok(Found::File(std::fs::read(&path).with_context(|| {
                            format!("cannot read {}", path.display())
                        })?))
                    }
                    Ok(_) => Ok(Found::Special),
                    Err(_) => Ok(Found::Absent),
                }
            }
            Source::Zip(zip) => Ok(match zip.entries.get(rel) {
                Some(zip::Entry::File(bytes)) => Found::File(bytes.clone()),
                Some(zip::Entry::Special) => Found::Special,
                None => Found::Absent,
            }),
        }
    }

    fn list(&self) -> Result<Vec<String>> {
        match self {
            Source::Folder(dir) => list_tree(dir),
            Source::Zip(zip) => Ok(zip.entries.keys().cloned().collect()),
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct Verification {
    /// Every file matches the manifest, and `SHA256SUMS` matches it too.
    pub intact: bool,
    pub manifest_sha256: String,
    pub files: usize,
    pub changed: Vec<String>,
    pub missing: Vec<String>,
    pub unexpected: Vec<String>,
    /// What a strict extractor refuses in a zip: a name twice (also after folding case,
    /// `./` and `//`), an unsafe name, bytes no entry accounts for. Any of these and the
    /// pack is not intact: another tool may extract other files than those checked.
    pub refused: Vec<String>,
    /// The pack holds a signature (`manifest.json.minisig`).
    pub signed: bool,
    /// The signature's check, with `--key`.
    pub signature: Option<SignatureCheck>,
    /// The digest `--expect` named, and whether the manifest has it.
    pub expected_sha256: Option<String>,
    pub expected_matches: Option<bool>,
    /// A signature or an expected digest ties the manifest to its maker, and held.
    pub authenticated: bool,
    /// Intact, and every check asked for held.
    pub verified: bool,
}

#[derive(Debug, Serialize)]
pub struct SignatureCheck {
    pub good: bool,
    /// The key that made it, when good.
    pub key_id: Option<String>,
    /// The trusted comment when good; what failed otherwise.
    pub message: String,
}

/// Re-hashes every file of a pack (folder or zip) against its manifest, and checks the
/// manifest against a public key and an expected digest when given.
pub fn verify(
    pack: &Path,
    key: Option<&minisign::PublicKey>,
    expect: Option<&str>,
) -> Result<Verification> {
    let source = Source::open(pack)?;
    let bytes = match source.get(MANIFEST)? {
        Found::File(bytes) => bytes,
        Found::Special => bail!(
            "{}: {MANIFEST} is not a regular file; it is not a pack onus wrote",
            pack.display()
        ),
        Found::Absent => bail!("{} is not a pack: it holds no {MANIFEST}", pack.display()),
    };
    let manifest: Manifest = serde_json::from_slice(&bytes)
        .with_context(|| format!("{}: {MANIFEST} is not an onus manifest", pack.display()))?;
    if manifest.schema != SCHEMA {
        bail!(
            "{}: {MANIFEST} has schema \"{}\", not {SCHEMA}",
            pack.display(),
            manifest.schema
        );
    }
    let digest = sha256_hex(&bytes);
    let mut result = Verification {
        manifest_sha256: digest.clone(),
        files: manifest.files.len(),
        ..Verification::default()
    };
    let listed: BTreeSet<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    if listed.len() != manifest.files.len() {
        bail!(
            "{}: a file is listed twice in {MANIFEST}; it is not one onus wrote",
            pack.display()
        );
    }
    for file in &manifest.files {
        match source.get(&file.path)? {
            Found::File(content) => {
                if content.len() as u64 != file.size || sha256_hex(&content) != file.sha256 {
                    result.changed.push(file.path.clone());
                }
            }
            Found::Special => result.changed.push(file.path.clone()),
            Found::Absent => result.missing.push(file.path.clone()),
        }
    }
    match source.get(SUMS)? {
        Found::File(content) if content == sums(&manifest, &digest).as_bytes() => {}
        Found::File(_) | Found::Special => result.changed.push(SUMS.to_string()),
        Found::Absent => result.missing.push(SUMS.to_string()),
    }
    let signature = source.get(sign::SIGNATURE)?;
    result.signed = !matches!(signature, Found::Absent);
    let own = [MANIFEST, SUMS, sign::SIGNATURE, crate::output::MARKER];
    for path in source.list()? {
        if !own.contains(&path.as_str()) && !listed.contains(path.as_str()) {
            result.unexpected.push(path);
        }
    }
    if let Source::Zip(zip) = &source {
        result.refused.clone_from(&zip.refused);
    }
    result.intact = result.changed.is_empty()
        && result.missing.is_empty()
        && result.unexpected.is_empty()
        && result.refused.is_empty();
    if let Some(key) = key {
        let check = match &signature {
            Found::File(sig) => {
                sign::check(key, sig, &bytes).with_context(|| format!("{}", pack.display()))?
            }
            Found::Special => {
                sign::Check::Bad(format!("{} is not a regular file", sign::SIGNATURE))
            }
            Found::Absent => sign::Check::Bad(format!(
                "the pack is not signed: it holds no {}",
                sign::SIGNATURE
            )),
        };
        result.signature = Some(match check {
            sign::Check::Good { key_id, comment } => SignatureCheck {
                good: true,
                key_id: Some(key_id),
                message: comment,
            },
            sign::Check::Bad(message) => SignatureCheck {
                good: false,
                key_id: None,
                message,
            },
        });
    }
    if let Some(expected) = expect {
        result.expected_sha256 = Some(expected.to_string());
        result.expected_matches = Some(expected.eq_ignore_ascii_case(&digest));
    }
    let signature_ok = result.signature.as_ref().map(|s| s.good);
    let checks = [signature_ok, result.expected_matches];
    result.authenticated = checks.iter().any(|c| c.is_some()) && !checks.contains(&Some(false));
    result.verified = result.intact && !checks.contains(&Some(false));
    Ok(result)
}
