//! A pack put together from a report: its documents, its inputs byte for byte, the
//! README for the auditor, the manifest with `SHA256SUMS`, the signature and the zip.
//! Nothing is written here: the command writes the files it is given.

use crate::output::Files;
use crate::report::Report;
use anyhow::{Context, Result};
use std::path::Path;

/// What a pack is made of.
pub struct Inputs<'a> {
    pub report: &'a Report,
    /// The report's files, in every format.
    pub documents: Files<'a>,
    /// The inventory, the register, and the `--data` and `--templates` folders, copied
    /// into `inputs/`.
    pub inventory: &'a Path,
    /// The inventory's bytes, when it came from standard input (`-`).
    pub stdin: Option<&'a [u8]>,
    pub register: Option<&'a Path>,
    pub data: Option<&'a Path>,
    pub templates: Option<&'a Path>,
    /// The project file the settings came from.
    pub project: Option<&'a Path>,
    /// The command line for the README ([`super::readme::command_line`]).
    pub command: String,
    /// The key that signs the manifest.
    pub key: Option<&'a minisign::SecretKey>,
    /// The folder the zip holds the files under, when a zip is made.
    pub zip_top: Option<&'a str>,
}

/// A pack, ready to write.
pub struct Pack<'a> {
    pub files: Files<'a>,
    /// The SHA-256 of `manifest.json`.
    pub digest: String,
    pub zip: Option<Vec<u8>>,
}

/// A file of an input, named as it is in the pack.
fn input_file(path: &Path, folder: &str, default: &str) -> Result<(String, Vec<u8>)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| default.into());
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok((format!("{folder}{name}"), bytes))
}

pub fn assemble(inputs: Inputs) -> Result<Pack> {
    let Inputs {
        report,
        mut documents,
        ..
    } = inputs;
    let m = &report.meta;
    let (inventory_path, bytes) = match inputs.stdin {
        // Named as what it is: gzip by its magic number.
        Some(bytes) if bytes.starts_with(&[0x1f, 0x8b]) => {
            ("inputs/inventory.csv.gz".to_string(), bytes.to_vec())
        }
        Some(bytes) => ("inputs/inventory.csv".to_string(), bytes.to_vec()),
        None => input_file(inputs.inventory, "inputs/", "inventory.csv")?,
    };
    documents.push((inventory_path.clone(), bytes.into()));
    if let Some(register) = inputs.register {
        // The filled register the pack's documents show, as the user saved it.
        let (path, bytes) = input_file(register, "inputs/register/", "controls-register")?;
        documents.push((path, bytes.into()));
    }
    if let Some(project) = inputs.project {
        let (path, bytes) = input_file(project, "inputs/", crate::project::FILE_NAME)?;
        documents.push((path, bytes.into()));
    }
    if let Some(dir) = inputs.data {
        documents.extend(super::read_tree(dir, "inputs/data/")?);
    }
    if let Some(dir) = inputs.templates {
        documents.extend(super::read_tree(dir, "inputs/templates/")?);
    }
    let data = crate::catalogue::data_files(inputs.data)?;
    let data_sha256 = super::data_digest(&data);
    let source_date_epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let mut listed: Vec<String> = documents.iter().map(|(p, _)| p.clone()).collect();
    listed.push(super::README.to_string());
    listed.sort();
    let readme = super::readme::write(
        &super::readme::Made {
            title: &m.title,
            org: m.org.as_deref(),
            onus: m.versions.onus,
            date: &m.date,
            source_date_epoch: source_date_epoch.as_deref(),
            catalogue: &m.versions.catalogue,
            frameworks: &m.versions.frameworks,
            data_sha256: &data_sha256,
            data_files: data.len(),
            data_overlay: inputs.data.is_some(),
            inventory: &inventory_path,
            inventory_sha256: &m.inventory.sha256,
            command: &inputs.command,
            signed: inputs.key.is_some(),
            zip: inputs.zip_top.is_some(),
        },
        &listed,
    );
    documents.push((super::README.to_string(), readme.into_bytes().into()));
    let head = super::Manifest {
        schema: super::SCHEMA.to_string(),
        onus: m.versions.onus.to_string(),
        source_date_epoch,
        date: m.date.clone(),
        catalogue: m.versions.catalogue.clone(),
        frameworks: m.versions.frameworks.clone(),
        data_sha256: Some(data_sha256),
        inventory: super::ManifestInventory {
            path: inventory_path,
            sha256: m.inventory.sha256.clone(),
        },
        files: Vec::new(),
    };
    let (mut files, manifest, digest) = super::seal(documents, head)?;
    if let Some(key) = inputs.key {
        let trusted = format!(
            "onus {} evidence pack, report date {}, manifest.json SHA-256 {digest}",
            m.versions.onus, m.date
        );
        let signature = super::sign::sign(key, &manifest, &trusted)?;
        files.push((super::sign::SIGNATURE.to_string(), signature.into()));
    }
    let zip = match inputs.zip_top {
        Some(top) => Some(super::zip::write(top, &files, &m.date)?),
        None => None,
    };
    Ok(Pack { files, digest, zip })
}

/// A file of a pack folder that onus writes: replaced by a new pack with `--force`.
pub fn is_own(path: &str) -> bool {
    path.starts_with("inputs/")
        || [
            super::MANIFEST,
            super::SUMS,
            super::README,
            super::sign::SIGNATURE,
        ]
        .contains(&path)
        || crate::render::Format::all()
            .iter()
            .any(|f| f.file_names().contains(&path))
}
