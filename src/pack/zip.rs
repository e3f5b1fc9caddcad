//! A pack as one zip: every file under one folder named after the pack, in path order,
//! deflated, with one fixed modification time (the report date) and fixed permissions,
//! so that the same pack always gives the same bytes; and reading one back for `verify`.

use crate::output::Body;
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::io::{Read as _, Seek, Write};
use zip::write::SimpleFileOptions;

/// A file in a zip larger than this, or files larger than `LARGEST_TOTAL` together, are
/// refused: a pack is reports and an inventory, and `verify` holds the files in memory
/// (a zip's sizes are read as the entries inflate, never trusted from its header).
const LARGEST_FILE: u64 = 1 << 30;
const LARGEST_TOTAL: u64 = 4 << 30;

/// The zip of `files` (path, contents), each under `top/`, dated `date` (YYYY-MM-DD) at
/// midnight, clamped to the years a zip can hold (1980 to 2107).
pub fn write(top: &str, files: &[(String, Body)], date: &str) -> Result<Vec<u8>> {
    let mut parts = date.split('-').map(|p| p.parse::<u16>().unwrap_or(1));
    let (y, m, d) = (
        parts.next().unwrap_or(1980),
        parts.next().unwrap_or(1) as u8,
        parts.next().unwrap_or(1) as u8,
    );
    let time = match y {
        ..1980 => zip::DateTime::default(),
        1980..=2107 => zip::DateTime::from_date_and_time(y, m, d, 0, 0, 0).unwrap_or_default(),
        _ => zip::DateTime::from_date_and_time(2107, 12, 31, 23, 59, 58).unwrap_or_default(),
    };
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(time)
        .unix_permissions(0o644);
    let mut sorted: Vec<&(String, Body)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, body) in sorted {
        zip.start_file(format!("{top}/{path}"), options)
            .with_context(|| format!("cannot add {path} to the zip"))?;
        body.write_to(&mut zip)
            .with_context(|| format!("cannot add {path} to the zip"))?;
    }
    zip.flush()?;
    Ok(zip.finish().context("cannot finish the zip")?.into_inner())
}

/// One entry of a zip read back.
pub enum Entry {
    File(Vec<u8>),
    /// A link or another special entry: never the file that was packed.
    Special,
}

/// A pack's zip read back: its entries, path → contents, with the folder that holds
/// `manifest.json` taken off every path (entries outside it keep their whole name); and
/// what a strict extractor would refuse in it ([`super::zipcheck`]).
pub struct Read {
    pub entries: BTreeMap<String, Entry>,
    pub refused: Vec<String>,
}

pub fn read(path: &std::path::Path) -> Result<Read> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let refused = super::zipcheck::refusals(&mut file)
        .with_context(|| format!("cannot read {}", path.display()))?;
    file.rewind()
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file))
        .with_context(|| format!("{} is not a readable zip", path.display()))?;
    let mut entries = BTreeMap::new();
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .with_context(|| format!("{}: entry {i} cannot be read", path.display()))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .with_context(|| format!("{}: entry {i} has no readable name", path.display()))?
            .into_owned();
        if entry.is_symlink() {
            entries.insert(name, Entry::Special);
            continue;
        }
        if entry.size() > LARGEST_FILE {
            bail!(
                "{}: {name} is {} bytes, more than a pack holds",
                path.display(),
                entry.size()
            );
        }
        let mut bytes = Vec::new();
        (&mut entry)
            .take(LARGEST_FILE + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("{}: {name} cannot be read", path.display()))?;
        total += bytes.len() as u64;
        if bytes.len() as u64 > LARGEST_FILE || total > LARGEST_TOTAL {
            bail!(
                "{}: {name} inflates to more than a pack holds; it is not a zip onus wrote",
                path.display()
            );
        }
        if entries.insert(name.clone(), Entry::File(bytes)).is_some() {
            bail!(
                "{}: {name} is in the zip twice; it is not a zip onus wrote",
                path.display()
            );
        }
    }
    let tops: Vec<String> = entries
        .keys()
        .filter_map(|k| k.strip_suffix(super::MANIFEST))
        .filter(|prefix| {
            prefix.is_empty() || prefix.matches('/').count() == 1 && prefix.ends_with('/')
        })
        .map(String::from)
        .collect();
    let [top] = tops.as_slice() else {
        bail!(
            "{} is not a pack: {} holds {} manifest.json at its top",
            path.display(),
            path.display(),
            if tops.is_empty() {
                "no"
            } else {
                "more than one"
            }
        );
    };
    let mut inside = BTreeMap::new();
    for (name, entry) in entries {
        let key = match name.strip_prefix(top.as_str()) {
            Some(rest) => rest.to_string(),
            None => name,
        };
        if inside.insert(key.clone(), entry).is_some() {
            bail!(
                "{}: {key} is in the zip twice, inside and outside {top}; it is not a zip onus wrote",
                path.display()
            );
        }
    }
    Ok(Read {
        entries: inside,
        refused,
    })
}
