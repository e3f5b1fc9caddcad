//! A block's rows, read against the header's shape, and the rows that repeat.

use super::*;

/// A block to read (its text and first line), or the error that ends the reading there.
pub(super) type Job = Result<(String, u64), InventoryError>;

/// What every block's rows are read against.
pub(super) struct Shape<'a> {
    pub(super) file: &'a str,
    pub(super) delimiter: u8,
    /// The header's width.
    pub(super) width: usize,
    /// The columns whose cells are kept for every row.
    pub(super) kept: Vec<usize>,
    pub(super) full_rows: usize,
    /// Set once the rows read so far fill the appendix: later blocks keep no whole rows.
    pub(super) head_full: &'a std::sync::atomic::AtomicBool,
}

/// One block's rows, with ids into the block's own [`Strings`].
#[derive(Default)]
pub(super) struct Parsed {
    /// The block's size, for progress.
    pub(super) bytes: usize,
    pub(super) lines: Vec<u64>,
    pub(super) hashes: Vec<u64>,
    pub(super) strings: Strings,
    /// Row-major: the kept cells' ids.
    pub(super) cells: Vec<u32>,
    /// Every cell of the block's first rows, while the appendix may still need them.
    pub(super) head: Vec<csv::StringRecord>,
    pub(super) diagnostics: Vec<Diagnostic>,
}

impl Shape<'_> {
    /// The rows of a block that starts on line `base`.
    pub(super) fn block(&self, text: String, base: u64) -> Result<Parsed, InventoryError> {
        // The csv crate drops a byte-order mark at the start of its input: behind a line
        // break, a U+FEFF that starts a block stays text.
        let (text, base) = if text.starts_with('\u{FEFF}') {
            (format!("\n{text}"), base - 1)
        } else {
            (text, base)
        };
        let mut reader = reader_for(text.as_bytes(), self.delimiter);
        let mut parsed = self.rows(&mut reader, &text, base)?;
        parsed.bytes = text.len();
        Ok(parsed)
    }

    /// The rows `reader` reads from `text`, which starts on line `base`. Blank rows are
    /// reported and skipped, ragged ones reported; kept cells are trimmed and interned.
    pub(super) fn rows(
        &self,
        reader: &mut csv::Reader<&[u8]>,
        text: &str,
        base: u64,
    ) -> Result<Parsed, InventoryError> {
        let width = self.width;
        let mut parsed = Parsed::default();
        let keep_head = !self.head_full.load(std::sync::atomic::Ordering::Relaxed);
        // The csv crate miscounts lines in CRLF and CR files: count them from offsets.
        let mut lines = LineCounter::new(text);
        let mut line_of = |offset: Option<&csv::Position>| {
            base + lines.line_at(offset.map_or(0, |p| p.byte()) as usize) - 1
        };
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    return Err(InventoryError {
                        file: self.file.to_string(),
                        line: Some(line_of(e.position())),
                        message: format!("cannot read the row: {e}"),
                    })
                }
            }
            let line = line_of(record.position());
            let warn = |parsed: &mut Parsed, message: String| {
                parsed.diagnostics.push(Diagnostic::new(
                    Level::Warning,
                    self.file,
                    Some(line),
                    message,
                ))
            };
            if record.iter().all(|c| c.trim().is_empty()) {
                warn(&mut parsed, "the row is blank; skipped".into());
                continue;
            }
            if record.len() < width {
                warn(
                    &mut parsed,
                    format!(
                    "the row has {} cells, the header {width}; the missing cells are read as empty",
                    record.len(),
                ),
                );
            } else if record.len() > width {
                let extra: Vec<&str> = record
                    .iter()
                    .skip(width)
                    .filter(|c| !c.trim().is_empty())
                    .collect();
                warn(&mut parsed, format!(
                    "the row has {} cells, the header {width}; the cells beyond the last column are ignored{}",
                    record.len(),
                    if extra.is_empty() { String::new() } else { format!(": {}", extra.join(", ")) }
                ));
            }
            parsed.hashes.push(row_hash(&record, width));
            for &column in &self.kept {
                let id = parsed
                    .strings
                    .intern(record.get(column).unwrap_or_default().trim());
                parsed.cells.push(id);
            }
            if keep_head && parsed.head.len() < self.full_rows {
                parsed.head.push(record.clone());
            }
            parsed.lines.push(line);
        }
        Ok(parsed)
    }
}

pub(super) fn reader_for(input: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(input)
}

impl Inventory {
    /// A warning for every row that repeats an earlier one exactly: rows whose cells
    /// hash alike and whose kept cells are the same (a 64-bit hash leaves the other cells
    /// a chance of one in billions to be told apart wrongly, and the rows are kept either
    /// way). The hashes come in buckets by their first bits, sorted a bucket at a time,
    /// on two threads.
    pub(super) fn report_repeats(
        &self,
        mut hashes: Vec<Vec<(u64, u32)>>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let kept = |row: u32| {
            let row = row as usize;
            &self.cells[row * self.kept..(row + 1) * self.kept]
        };
        // (row, the earlier row it repeats)
        let repeats = |buckets: &mut [Vec<(u64, u32)>]| {
            let mut found = Vec::new();
            for bucket in buckets {
                bucket.sort_unstable();
                for run in bucket.chunk_by(|a, b| a.0 == b.0) {
                    let first = run[0].1;
                    found.extend(
                        run[1..]
                            .iter()
                            .filter(|&&(_, row)| kept(row) == kept(first))
                            .map(|&(_, row)| (row, first)),
                    );
                }
            }
            found
        };
        let (low, high) = hashes.split_at_mut(1 << (HASH_BUCKET_BITS - 1));
        let mut found: Vec<(u32, u32)> = crate::parallel::map(2, [low, high], repeats)
            .into_iter()
            .flatten()
            .collect();
        // One warning a repeated row, on its own line, with how many rows repeat it and
        // the first few of them: a million identical rows are one warning, not a million.
        found.sort_unstable();
        let mut groups: std::collections::BTreeMap<u32, (usize, Vec<u64>)> = Default::default();
        for (row, first) in found {
            let (count, lines) = groups.entry(first).or_default();
            *count += 1;
            if lines.len() < REPEATS_SHOWN {
                lines.push(self.lines[row as usize]);
            }
        }
        for (first, (count, lines)) in groups {
            let message = match count {
                1 => format!(
                    "line {} repeats this row exactly; both are kept as rows of the same service",
                    lines[0]
                ),
                _ => {
                    let shown: Vec<String> = lines
                        .iter()
                        .take(REPEATS_SHOWN)
                        .map(u64::to_string)
                        .collect();
                    let more = match count - shown.len() {
                        0 => String::new(),
                        n => format!(" and {n} more"),
                    };
                    format!(
                        "{count} later rows repeat this row exactly (lines {}{more}); all are kept as rows of the same service",
                        shown.join(", ")
                    )
                }
            };
            diagnostics.push(Diagnostic::new(
                Level::Warning,
                &self.file,
                Some(self.lines[first as usize]),
                message,
            ));
        }
    }
}

/// How many of the rows that repeat a row its warning names.
const REPEATS_SHOWN: usize = 5;

/// Row hashes are sorted in 2^8 buckets, by their first bits.
pub(super) const HASH_BUCKET_BITS: u32 = 8;

/// A hash of a row's cells, padded to the header's width (a short row and the same row
/// with its empty cells written out are the same row).
pub(super) fn row_hash(record: &csv::StringRecord, width: usize) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    for i in 0..width {
        let cell = record.get(i).unwrap_or_default();
        hasher.write_usize(cell.len());
        hasher.write(cell.as_bytes());
    }
    hasher.finish()
}
