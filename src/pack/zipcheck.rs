//! What a strict extractor refuses in a zip, checked before `verify` trusts one: so that
//! what `verify` checked is what `unzip`, `bsdtar` or any other tool extracts.
//!
//! The zip library keeps one entry a name (the last one), so the central directory is
//! read here record by record:
//! - every name once, also after normalising `./`, `//`, backslashes and case (a second
//!   entry of a name is what `unzip -n` or `bsdtar -k` would extract instead);
//! - no absolute name, no `..`, no backslash, no control character;
//! - the local records laid end to end from the first byte of the file to the central
//!   directory, each under the name the directory gives it, so that no entry hides
//!   between them from a tool that reads the records in order.

use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom};

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
const END64: u32 = 0x0606_4b50;
const END64_LOCATOR: u32 = 0x0706_4b50;
const DESCRIPTOR: u32 = 0x0807_4b50;
/// More entries than a pack ever holds: a directory claiming more is refused unread.
const MOST_ENTRIES: u64 = 1_000_000;

/// The reasons `file`, a zip, would not extract to what `verify` reads; empty when none.
pub fn refusals(file: &mut std::fs::File) -> std::io::Result<Vec<String>> {
    let len = file.metadata()?.len();
    let (entries, start) = match central_directory(file, len)? {
        Ok(found) => found,
        Err(why) => return Ok(vec![why]),
    };
    let mut refused = names(&entries);
    refused.extend(layout(file, &entries, start)?);
    Ok(refused)
}

/// One record of the central directory.
struct Entry {
    name: Vec<u8>,
    flags: u16,
    compressed: u64,
    offset: u64,
}

fn le(b: &[u8], at: usize, width: usize) -> Option<u64> {
    let bytes = b.get(at..at + width)?;
    Some(
        bytes
            .iter()
            .rev()
            .fold(0u64, |acc, byte| (acc << 8) | u64::from(*byte)),
    )
}

fn read_at(file: &mut std::fs::File, offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
    file.seek(SeekFrom::Start(offset))?;
    let mut bytes = Vec::new();
    file.take(len).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The central directory's records and the offset where it starts, or why it cannot be
/// read.
type Directory = Result<(Vec<Entry>, u64), String>;

fn central_directory(file: &mut std::fs::File, len: u64) -> std::io::Result<Directory> {
    let broken = |what: &str| Err(format!("the zip's {what} cannot be read"));
    // The end record: 22 bytes and a comment of up to 65,535, with the zip64 locator
    // (20 bytes) before it.
    let tail_start = len.saturating_sub(22 + 0xFFFF + 20);
    let tail = read_at(file, tail_start, len - tail_start)?;
    let Some(end) = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| le(&tail, i, 4) == Some(u64::from(END)))
    else {
        return Ok(broken("end record"));
    };
    let field = |at: usize, width: usize| le(&tail, end + at, width).unwrap_or(0);
    if end + 22 + field(20, 2) as usize != tail.len() {
        return Ok(Err("the zip has bytes after its end record".into()));
    }
    let (mut count, mut size, mut start) = (field(10, 2), field(12, 4), field(16, 4));
    let mut directory_end = tail_start + end as u64;
    if end >= 20 && le(&tail, end - 20, 4) == Some(u64::from(END64_LOCATOR)) {
        let at = le(&tail, end - 12, 8).unwrap_or(u64::MAX);
        let record = read_at(file, at, 56)?;
        if le(&record, 0, 4) != Some(u64::from(END64)) || record.len() < 56 {
            return Ok(broken("zip64 end record"));
        }
        let field = |o: usize| le(&record, o, 8).unwrap_or(0);
        (count, size, start) = (field(32), field(40), field(48));
        directory_end = at;
    }
    if start.checked_add(size) != Some(directory_end) || count > MOST_ENTRIES {
        return Ok(Err(
            "the zip's central directory does not end where its end record starts".into(),
        ));
    }
    let directory = read_at(file, start, size)?;
    let mut entries = Vec::new();
    let mut at = 0usize;
    while at < directory.len() {
        let field = |o: usize, width: usize| le(&directory, at + o, width);
        let (Some(name_len), Some(extra_len), Some(comment_len)) =
            (field(28, 2), field(30, 2), field(32, 2))
        else {
            return Ok(broken("central directory"));
        };
        if field(0, 4) != Some(u64::from(CENTRAL)) {
            return Ok(broken("central directory"));
        }
        let (name_len, extra_len) = (name_len as usize, extra_len as usize);
        let (Some(name), Some(extra)) = (
            directory.get(at + 46..at + 46 + name_len),
            directory.get(at + 46 + name_len..at + 46 + name_len + extra_len),
        ) else {
            return Ok(broken("central directory"));
        };
        let all_ones = u64::from(u32::MAX);
        let uncompressed = field(24, 4).unwrap_or(0);
        let mut compressed = field(20, 4).unwrap_or(0);
        let mut offset = field(42, 4).unwrap_or(0);
        // The zip64 extra field holds, in order, the values that are all ones above.
        let mut i = 0;
        while i + 4 <= extra.len() {
            let (id, len) = (le(extra, i, 2), le(extra, i + 2, 2).unwrap_or(0) as usize);
            if id == Some(1) {
                let mut values = (i + 4..i + 4 + len)
                    .step_by(8)
                    .filter_map(|o| le(extra, o, 8));
                if uncompressed == all_ones {
                    values.next();
                }
                if compressed == all_ones {
                    compressed = values.next().unwrap_or(u64::MAX);
                }
                if offset == all_ones {
                    offset = values.next().unwrap_or(u64::MAX);
                }
            }
            i += 4 + len;
        }
        entries.push(Entry {
            name: name.to_vec(),
            flags: field(8, 2).unwrap_or(0) as u16,
            compressed,
            offset,
        });
        at += 46 + name_len + extra_len + comment_len as usize;
    }
    if at != directory.len() || entries.len() as u64 != count {
        return Ok(broken("central directory"));
    }
    Ok(Ok((entries, start)))
}

/// A name as a strict extractor reads it, or why it refuses it.
fn checked_name(raw: &[u8]) -> Result<String, String> {
    let name = std::str::from_utf8(raw).map_err(|_| {
        format!(
            "an entry's name is not UTF-8 ({})",
            String::from_utf8_lossy(raw)
        )
    })?;
    let shown = crate::text::visible_line(name);
    if name.chars().any(char::is_control) {
        return Err(format!("{shown} has a control character in its name"));
    }
    if name.contains('\\') {
        return Err(format!(
            "{shown} has a backslash in its name, which some tools read as a folder"
        ));
    }
    let path = name.strip_suffix('/').unwrap_or(name);
    if path.starts_with('/')
        || path
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return Err(format!(
            "{shown} is not a plain relative path (it starts with /, or holds an empty, . or .. part)"
        ));
    }
    Ok(name.to_string())
}

/// Every name once, also under `./`, `//`, backslashes and case.
fn names(entries: &[Entry]) -> Vec<String> {
    let mut refused = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for entry in entries {
        let name = match checked_name(&entry.name) {
            Ok(name) => name,
            Err(why) => {
                refused.push(why);
                String::from_utf8_lossy(&entry.name).into_owned()
            }
        };
        let key = name
            .replace('\\', "/")
            .split('/')
            .filter(|c| !c.is_empty() && *c != ".")
            .collect::<Vec<_>>()
            .join("/")
            .to_lowercase();
        if let Some(first) = seen.get(&key) {
            let (first, name) = (
                crate::text::visible_line(first),
                crate::text::visible_line(&name),
            );
            refused.push(if first == name {
                format!("{name} is in the zip twice: a tool may extract either copy")
            } else {
                format!("{name} and {first} are one file to a tool that ignores case or folds ./ and //: it may extract either")
            });
        } else {
            seen.insert(key, name);
        }
    }
    refused
}

/// The local records end to end, from the first byte to the central directory.
fn layout(
    file: &mut std::fs::File,
    entries: &[Entry],
    directory_start: u64,
) -> std::io::Result<Vec<String>> {
    let mut order: Vec<&Entry> = entries.iter().collect();
    order.sort_by_key(|e| e.offset);
    let mut next = 0u64;
    for entry in order {
        let shown = crate::text::visible_line(&String::from_utf8_lossy(&entry.name)).into_owned();
        if entry.offset != next {
            return Ok(vec![format!(
                "the zip holds {} bytes before {shown} that its directory does not list: an entry may hide there",
                entry.offset.abs_diff(next)
            )]);
        }
        let head = read_at(file, entry.offset, 30)?;
        let (Some(signature), Some(name_len), Some(extra_len)) =
            (le(&head, 0, 4), le(&head, 26, 2), le(&head, 28, 2))
        else {
            return Ok(vec![format!("{shown}: its local record cannot be read")]);
        };
        let local_name = read_at(file, entry.offset.saturating_add(30), name_len)?;
        if signature != u64::from(LOCAL) || local_name != entry.name {
            return Ok(vec![format!(
                "{shown}: its local record names another file ({}) than the zip's directory",
                crate::text::visible_line(&String::from_utf8_lossy(&local_name))
            )]);
        }
        // A crafted size cannot overflow: past the directory is refused below anyway.
        next = entry
            .offset
            .saturating_add(30 + name_len + extra_len)
            .saturating_add(entry.compressed);
        if entry.flags & 0x8 != 0 {
            // A data descriptor: an optional signature, the CRC and the two sizes (4 or
            // 8 bytes each); the one that ends where a record starts.
            let after = read_at(file, next, 40)?;
            let skip = if le(&after, 0, 4) == Some(u64::from(DESCRIPTOR)) {
                4
            } else {
                0
            };
            let starts_record = |o: usize| {
                next + o as u64 == directory_start
                    || [LOCAL, CENTRAL]
                        .map(u64::from)
                        .contains(&le(&after, o, 4).unwrap_or(0))
            };
            next = next.saturating_add(if starts_record(skip + 12) {
                skip as u64 + 12
            } else {
                skip as u64 + 20
            });
        }
    }
    if next != directory_start {
        return Ok(vec![format!(
            "the zip holds {} bytes between its last entry and its directory that the directory does not list: an entry may hide there",
            directory_start.abs_diff(next)
        )]);
    }
    Ok(Vec::new())
}
