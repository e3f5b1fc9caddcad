//! Reading the user's inventory CSV.
//!
//! In: the file's bytes, as exported by a person, a billing system (Cost and Usage
//! Report) or AWS Config. Out: an [`Inventory`]: the header, which column plays which
//! role, every row with its line number, and diagnostics about the file itself.
//! What cannot be read at all (encoding, no service column, an unknown `duty.` column)
//! is an [`InventoryError`]; everything else is a diagnostic and no row is dropped
//! without one.

use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Level};
use crate::text::{closest, normalise};

mod blocks;
mod header;
mod rows;

pub use blocks::STDIN_NAME;
use blocks::*;
use header::*;
use rows::*;

/// An inventory that cannot be read at all.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: error: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct InventoryError {
    pub file: String,
    pub line: Option<u64>,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// `--service-column NAME`.
    pub service_column: Option<String>,
    /// `--delimiter`; detected when `None`.
    pub delimiter: Option<u8>,
    /// How many of the first rows keep every cell (`--appendix-rows`): the rows the
    /// documents' appendix lists. Later rows keep only the cells that play a role.
    pub full_rows: usize,
    /// How many bytes are read and checked at a time ([`BLOCK_SIZE`]; tests use tiny
    /// blocks to prove that where the blocks end changes nothing).
    pub block_size: usize,
    /// How many rows are kept one by one before later ones are grouped ([`KEPT_ROWS`];
    /// tests use a few).
    pub kept_rows: usize,
}

/// The input is read in blocks of about this many bytes (whole lines).
pub const BLOCK_SIZE: usize = 4 << 20;

/// The longest row read: a quoted cell that runs on further was never closed.
const MAX_ROW: usize = 64 << 20;

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            service_column: None,
            delimiter: None,
            full_rows: APPENDIX_ROWS,
            block_size: BLOCK_SIZE,
            kept_rows: KEPT_ROWS,
        }
    }
}

/// Which column plays which role (indexes into the header).
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// The service columns found, most preferred first; a row's service is the first
    /// non-empty one (a billing export leaves a product name empty on some lines).
    pub service: Vec<usize>,
    /// The service column that holds ARNs (by its header, or by its values when no
    /// header names a service): where a row's ARN names a more specific service than
    /// its service name, the ARN decides (`classify`).
    pub arn: Option<usize>,
    pub provider: Option<usize>,
    /// FOCUS 1.3's `HostProviderName`: a row whose service provider is not its host is
    /// a marketplace row (see `classify`).
    pub host_provider: Option<usize>,
    pub variant: Option<usize>,
    pub account: Option<usize>,
    pub environment: Option<usize>,
    pub region: Option<usize>,
    pub rationale: Option<usize>,
    /// Who runs the service in the organisation (not the owner of a duty).
    pub owner: Option<usize>,
    pub data_classification: Option<usize>,
    /// The billing line's type (usage, tax, credit...).
    pub line_item_type: Option<usize>,
    /// A billing export's operation and usage type: variants are inferred from them.
    pub operation: Option<usize>,
    pub usage_type: Option<usize>,
    /// `duty.<area>` columns: (column, area index).
    pub duties: Vec<(usize, usize)>,
}

impl Columns {
    /// Every column that plays a role: their cells are kept for every row.
    fn roles(&self) -> impl Iterator<Item = usize> + '_ {
        let single = [
            self.provider,
            self.host_provider,
            self.variant,
            self.account,
            self.environment,
            self.region,
            self.rationale,
            self.owner,
            self.data_classification,
            self.line_item_type,
            self.operation,
            self.usage_type,
            self.arn,
        ];
        self.service
            .iter()
            .copied()
            .chain(single.into_iter().flatten())
            .chain(self.duties.iter().map(|&(c, _)| c))
    }
}

/// How many rows keep every cell by default: the documents' inventory appendix lists
/// this many rows (the JSON lists every row, with its role cells). A thousand rows are
/// about 25 printed pages; ten thousand were 230, which no reader reads, and cost the
/// documents most of their time and memory.
pub const APPENDIX_ROWS: usize = 1_000;

/// The distinct texts of the kept cells, each stored once: a million billing lines
/// name a few dozen services, accounts and regions.
#[derive(Debug, Clone)]
pub struct Strings {
    index: rustc_hash::FxHashMap<std::sync::Arc<str>, u32>,
    list: Vec<std::sync::Arc<str>>,
}

impl Default for Strings {
    fn default() -> Self {
        let mut strings = Strings {
            index: Default::default(),
            list: Vec::new(),
        };
        strings.intern("");
        strings
    }
}

impl Strings {
    /// The id of `text`; 0 is the empty text.
    pub fn intern(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.index.get(text) {
            return id;
        }
        let id = self.list.len() as u32;
        let shared: std::sync::Arc<str> = text.into();
        self.list.push(shared.clone());
        self.index.insert(shared, id);
        id
    }
    pub fn get(&self, id: u32) -> &str {
        &self.list[id as usize]
    }

    /// How many texts, the empty one included.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Every text, by id.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|s| &**s)
    }
}

/// How many rows are kept one by one; the rows read after them are grouped by their kept
/// cells (DESIGN.md): memory follows what the rows say, not how many there are.
pub const KEPT_ROWS: usize = 1_000_000;

/// How many lines of a group of rows are kept, besides its count.
pub const GROUP_LINES: usize = 5;

/// The inventory, stored compactly: for every record its first line and the (trimmed)
/// cells of the columns that play a role, as ids into [`Strings`]; every cell only for
/// the first [`ReadOptions::full_rows`] rows. The first [`KEPT_ROWS`] rows are a record
/// each; a later row joins the later record with the same kept cells, which counts it
/// ([`Inventory::weight`]) and keeps its first lines. Memory grows with the distinct
/// texts and combinations, not the rows.
#[derive(Debug, Clone)]
pub struct Inventory {
    /// The path as the user gave it.
    pub file: String,
    pub sha256: String,
    pub delimiter: u8,
    pub headers: Vec<String>,
    pub columns: Columns,
    /// Line of the file where each record starts (the header is line 1), in file order.
    pub lines: Vec<u64>,
    /// How many rows each record of the grouped part stands for, by record (records
    /// before [`KEPT_ROWS`] stand for one row each and are not listed).
    weights: Vec<u64>,
    /// The lines after the first of a grouped record, up to [`GROUP_LINES`].
    more_lines: rustc_hash::FxHashMap<u32, Vec<u64>>,
    /// The grouped records by their kept cells.
    groups: rustc_hash::FxHashMap<Box<[u32]>, u32>,
    /// Every row read.
    rows: u64,
    /// How many rows are records of their own ([`ReadOptions::kept_rows`]).
    kept_rows: usize,
    /// Per header column, its place among the kept cells of a row.
    slots: Vec<Option<usize>>,
    /// Row-major: `kept` ids per row.
    cells: Vec<u32>,
    kept: usize,
    pub strings: Strings,
    /// Every cell as written (untrimmed), for the first rows: see [`ReadOptions::full_rows`].
    pub head: Vec<Vec<String>>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Inventory {
    /// How many records: rows, and groups of the rows read after [`KEPT_ROWS`].
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// How many rows were read.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// How many rows a record stands for.
    pub fn weight(&self, record: usize) -> u64 {
        record
            .checked_sub(self.kept_rows)
            .map_or(1, |i| self.weights[i])
    }

    /// The lines of a record: its first, and those of the rows grouped with it.
    pub fn lines_of(&self, record: usize) -> impl Iterator<Item = u64> + '_ {
        std::iter::once(self.lines[record]).chain(
            self.more_lines
                .get(&(record as u32))
                .into_iter()
                .flatten()
                .copied(),
        )
    }

    /// Whether rows were grouped (more than [`KEPT_ROWS`] were read).
    pub fn grouped(&self) -> bool {
        self.rows > self.kept_rows as u64
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The id of a row's trimmed cell in `column` (0, the empty text, for no column).
    pub fn id(&self, row: usize, column: Option<usize>) -> u32 {
        match column.and_then(|c| self.slots[c]) {
            Some(slot) => self.cells[row * self.kept + slot],
            None => 0,
        }
    }

    /// A row's trimmed cell in `column`; empty for no column.
    pub fn get(&self, row: usize, column: Option<usize>) -> &str {
        self.strings.get(self.id(row, column))
    }

    /// The id of the service a row names: its first non-empty service column (a billing
    /// export leaves a product name empty on some lines).
    pub fn service_id(&self, row: usize) -> u32 {
        self.columns
            .service
            .iter()
            .map(|&c| self.id(row, Some(c)))
            .find(|&id| id != 0)
            .unwrap_or(0)
    }

    pub fn service_of(&self, row: usize) -> &str {
        self.strings.get(self.service_id(row))
    }

    /// Everything a reading yields, as text (digest, header, lines, every kept and full
    /// cell, every message): what tests and the fuzz target compare two readings by.
    pub fn summary(&self) -> String {
        let mut out = format!(
            "{} {} {:?} {:?}\n",
            self.sha256, self.delimiter, self.headers, self.lines
        );
        for i in 0..self.len() {
            let cells: Vec<&str> = (0..self.headers.len())
                .map(|c| self.get(i, Some(c)))
                .collect();
            out.push_str(&format!("{cells:?} {:?}\n", self.head.get(i)));
        }
        for d in &self.diagnostics {
            out.push_str(&format!("{d}\n"));
        }
        out
    }

    /// Reads the inventory file a block at a time: memory grows with the rows' kept cells,
    /// never with the file's size. `-` reads standard input; a gzip file (a Cost and
    /// Usage Report is delivered as `.csv.gz`) is decompressed as it is read.
    pub fn read(
        path: &std::path::Path,
        options: &ReadOptions,
        catalogue: &Catalogue,
    ) -> Result<Inventory, InventoryError> {
        let (file, input, size) = if path.as_os_str() == "-" {
            let input: Box<dyn std::io::Read + Send> = Box::new(std::io::stdin());
            (STDIN_NAME.to_string(), input, 0)
        } else {
            let file = path.display().to_string();
            let input = std::fs::File::open(path).map_err(|e| InventoryError {
                file: file.clone(),
                line: None,
                message: format!("cannot read the inventory: {e}"),
            })?;
            let size = input.metadata().map_or(0, |m| m.len());
            let input: Box<dyn std::io::Read + Send> = Box::new(input);
            (file, input, size)
        };
        Inventory::read_input(input, size, &file, options, catalogue)
    }

    /// An inventory read from `input` (gzip or not) of `size` bytes (0 when unknown),
    /// named `file` in diagnostics.
    pub fn read_input(
        input: Box<dyn std::io::Read + Send>,
        size: u64,
        file: &str,
        options: &ReadOptions,
        catalogue: &Catalogue,
    ) -> Result<Inventory, InventoryError> {
        let (input, compressed) = Compressed::open(input, file)?;
        let mut inventory = Inventory::from_reader(input, size, file, options, catalogue)?;
        // The digest of a compressed file is of its bytes as stored, as `sha256sum` gives.
        if let Some(digest) = compressed {
            inventory.sha256 = digest.hex();
        }
        Ok(inventory)
    }

    pub fn parse(
        bytes: &[u8],
        file: &str,
        options: &ReadOptions,
        catalogue: &Catalogue,
    ) -> Result<Inventory, InventoryError> {
        Inventory::from_reader(bytes, bytes.len() as u64, file, options, catalogue)
    }

    fn from_reader(
        input: impl std::io::Read + Send,
        size: u64,
        file: &str,
        options: &ReadOptions,
        catalogue: &Catalogue,
    ) -> Result<Inventory, InventoryError> {
        let fail = |line: Option<u64>, message: String| InventoryError {
            file: file.to_string(),
            line,
            message,
        };
        let mut diagnostics = Vec::new();
        let mut blocks = Blocks::new(input, file, options, &mut diagnostics)?;
        // The header: the first line that is not blank.
        let (block, base) = loop {
            match blocks.next()? {
                None => return Err(fail(None, "the file is empty; an inventory needs a header row naming a service column, then one row per service".into())),
                Some((text, base)) if !text.trim().is_empty() => break (text, base),
                Some(_) => {}
            }
        };
        if block.starts_with("%PDF-") {
            return Err(fail(None, "this is a PDF document, not a CSV inventory: give onus the CSV export of your services (or save the spreadsheet as CSV UTF-8)".into()));
        }
        let delimiter = blocks.delimiter;
        let mut reader = reader_for(block.as_bytes(), delimiter);
        let mut record = csv::ByteRecord::new();
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return Err(fail(None, "the file has no header row".into())),
            Err(e) => return Err(fail(Some(base), format!("cannot read the header row: {e}"))),
        }
        let headers: Vec<String> = record
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().to_string())
            .collect();
        // A column of ARNs that no header names as one (AWS Resource Explorer's
        // `Identifier`, a list of ARNs under any header) is found by its values: it is
        // the service column when no header names one, and decides a row's service
        // beside a coarser service column.
        let found = find_columns(&headers, options, catalogue);
        let by_content = match &found {
            Ok(c) if c.arn.is_some() => None,
            _ if options.service_column.is_some() => None,
            // The rows after the header, as far as they are read already.
            _ => arn_column(&blocks.pending, delimiter, headers.len()),
        };
        let found = match (found, by_content) {
            (Err(_), Some(column)) => {
                let options = ReadOptions {
                    service_column: Some(headers[column].clone()),
                    ..options.clone()
                };
                find_columns(&headers, &options, catalogue)
            }
            (found, _) => found,
        }
        .map(|c| Columns {
            arn: c.arn.or(by_content),
            ..c
        });
        let columns = found.map_err(|m| {
            // A header of one cell with a `|` in it: the file is `|`-separated.
            let piped = options.delimiter.is_none() && headers.len() == 1 && headers[0].contains('|');
            let m = if piped {
                format!("the header \"{}\" reads as one column: the file seems to be separated by \"|\"; pass --delimiter '|'", headers[0])
            } else {
                m
            };
            fail(Some(base), m)
        })?;
        // Kept cells are stored in column order.
        let mut role = vec![false; headers.len()];
        for column in columns.roles() {
            role[column] = true;
        }
        let kept_columns: Vec<usize> = (0..headers.len()).filter(|&c| role[c]).collect();
        let mut slots = vec![None; headers.len()];
        for (slot, &column) in kept_columns.iter().enumerate() {
            slots[column] = Some(slot);
        }
        let mut inventory = Inventory {
            file: file.to_string(),
            sha256: String::new(),
            delimiter,
            columns,
            lines: Vec::new(),
            weights: Vec::new(),
            more_lines: Default::default(),
            groups: Default::default(),
            rows: 0,
            kept_rows: options.kept_rows,
            slots,
            cells: Vec::new(),
            kept: kept_columns.len(),
            strings: Strings::default(),
            head: Vec::new(),
            diagnostics: Vec::new(),
            headers,
        };
        let head_full = std::sync::atomic::AtomicBool::new(options.full_rows == 0);
        let shape = Shape {
            file,
            delimiter,
            width: inventory.headers.len(),
            kept: kept_columns,
            full_rows: options.full_rows,
            head_full: &head_full,
        };
        // A hash of every row's cells, to find exact repeats once all are read.
        let mut hashes: Vec<Vec<(u64, u32)>> = vec![Vec::new(); 1 << HASH_BUCKET_BITS];
        let header_line = base;
        // What follows the header on its line (a line break at most).
        let rest = shape.rows(&mut reader, &block, base)?;
        inventory.merge(rest, &shape, &mut hashes, &mut diagnostics);
        // The other blocks: cut, checked and hashed in order on one thread, their rows
        // read on others, and put together in order, so the result (and the first error)
        // is the same whatever the blocks and threads.
        // The cutter and up to four readers (one core reads about 100 MB of CSV a second).
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4));
        let mut read = 0;
        let sha256 = crate::parallel::ordered(
            workers,
            move |send| {
                loop {
                    let job = match blocks.next() {
                        Ok(None) => break,
                        Ok(Some(block)) => Ok(block),
                        Err(e) => Err(e),
                    };
                    let last = job.is_err();
                    if !send(job) || last {
                        break;
                    }
                }
                blocks.sha256()
            },
            |job: Job| {
                // A panic becomes this block's error, so the reading stops here rather
                // than reading on to the end for a block that never comes.
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    job.and_then(|(text, base)| shape.block(text, base))
                }))
                .unwrap_or_else(|_| {
                    Err(InventoryError {
                        file: shape.file.to_string(),
                        line: None,
                        message: "onus failed while reading this file (a bug: please report it with the file, if you can)".into(),
                    })
                })
            },
            |parsed| {
                let parsed = parsed?;
                read += parsed.bytes;
                inventory.merge(parsed, &shape, &mut hashes, &mut diagnostics);
                crate::progress::tick("reading", read, size as usize);
                Ok::<(), InventoryError>(())
            },
        )?;
        inventory.sha256 = sha256;
        inventory.report_repeats(hashes, &mut diagnostics);
        if inventory.grouped() {
            diagnostics.push(Diagnostic::new(
                Level::Note,
                file,
                None,
                format!(
                    "{} rows: the first {} are kept one by one; the {} after them are grouped by the values that decide their service, account and region ({} groups), each with its count and first lines, and repeated rows are looked for among the first {} only",
                    inventory.rows,
                    inventory.kept_rows,
                    inventory.rows - inventory.kept_rows as u64,
                    inventory.weights.len(),
                    inventory.kept_rows
                ),
            ));
        }
        if inventory.is_empty() {
            diagnostics.push(Diagnostic::new(
                Level::Warning,
                file,
                Some(header_line),
                "the inventory has a header but no rows; the report will be empty",
            ));
        }
        inventory.diagnostics = diagnostics;
        Ok(inventory)
    }

    /// Adds a block's rows after those read so far.
    fn merge(
        &mut self,
        parsed: Parsed,
        shape: &Shape,
        hashes: &mut [Vec<(u64, u32)>],
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let ids: Vec<u32> = parsed
            .strings
            .iter()
            .map(|s| self.strings.intern(s))
            .collect();
        // The rows up to KEPT_ROWS are records of their own; repeats are looked for
        // among them.
        let room = self
            .kept_rows
            .saturating_sub(self.lines.len())
            .min(parsed.lines.len());
        let first = self.lines.len() as u32;
        for (row, hash) in (first..).zip(parsed.hashes.iter().take(room)) {
            hashes[(hash >> (64 - HASH_BUCKET_BITS)) as usize].push((*hash, row));
        }
        let kept = self.kept;
        self.cells.extend(
            parsed.cells[..room * kept]
                .iter()
                .map(|&id| ids[id as usize]),
        );
        self.lines.extend(&parsed.lines[..room]);
        // Later rows join the record with the same kept cells.
        for (r, &line) in parsed.lines.iter().enumerate().skip(room) {
            let key: Box<[u32]> = parsed.cells[r * kept..(r + 1) * kept]
                .iter()
                .map(|&id| ids[id as usize])
                .collect();
            match self.groups.get(&key) {
                Some(&record) => {
                    self.weights[record as usize - self.kept_rows] += 1;
                    let more = self.more_lines.entry(record).or_default();
                    if more.len() < GROUP_LINES - 1 {
                        more.push(line);
                    }
                }
                None => {
                    let record = self.lines.len() as u32;
                    self.cells.extend_from_slice(&key);
                    self.lines.push(line);
                    self.weights.push(1);
                    self.groups.insert(key, record);
                }
            }
        }
        self.rows += parsed.lines.len() as u64;
        diagnostics.extend(parsed.diagnostics);
        let wanted = shape.full_rows.saturating_sub(self.head.len());
        self.head
            .extend(parsed.head.iter().take(wanted).map(|record| {
                (0..shape.width)
                    .map(|i| record.get(i).unwrap_or_default().to_string())
                    .collect()
            }));
        if self.head.len() >= shape.full_rows {
            shape
                .head_full
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The plain byte-by-byte reading of RFC 4180 quoting that [`unclosed_quote`] speeds up.
    fn unclosed_quote_reference(text: &str, delimiter: u8) -> Option<usize> {
        let bytes = text.as_bytes();
        let (mut quoted, mut opened, mut field_start) = (false, 0, true);
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if quoted {
                if b == b'"' {
                    if bytes.get(i + 1) == Some(&b'"') {
                        i += 1;
                    } else {
                        quoted = false;
                    }
                }
            } else if b == b'"' && field_start {
                quoted = true;
                opened = i;
            } else {
                field_start = b == delimiter || b == b'\n' || b == b'\r';
            }
            i += 1;
        }
        quoted.then_some(opened)
    }

    /// Text made of the characters that matter to quoting and lines.
    fn csvish() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just('"'),
                Just(','),
                Just(';'),
                Just('\n'),
                Just('\r'),
                Just('a'),
                Just('é')
            ],
            0..60,
        )
        .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        /// Texts get the same id exactly when they are the same text, and read back as
        /// written.
        #[test]
        fn interned_texts_keep_their_identity(texts in proptest::collection::vec("[ab\u{0}é]{0,18}", 0..40)) {
            let mut strings = Strings::default();
            let ids: Vec<u32> = texts.iter().map(|t| strings.intern(t)).collect();
            for (i, a) in texts.iter().enumerate() {
                prop_assert_eq!(strings.get(ids[i]), a.as_str());
                for (j, b) in texts.iter().enumerate() {
                    prop_assert_eq!(ids[i] == ids[j], a == b);
                }
            }
            prop_assert_eq!(strings.intern(""), 0);
        }

        #[test]
        fn the_quote_scan_agrees_with_the_plain_reading(text in csvish(), semicolon in any::<bool>()) {
            let delimiter = if semicolon { b';' } else { b',' };
            prop_assert_eq!(scan_quotes(text.as_bytes(), delimiter, true).open, unclosed_quote_reference(&text, delimiter));
        }

        #[test]
        fn lines_are_counted_as_editors_count_them(text in csvish(), mut offsets in proptest::collection::vec(0usize..80, 0..8)) {
            // Every break is one of \r\n, \n or a lone \r; offsets may come in any order.
            let naive = |offset: usize| {
                let mut offset = offset.min(text.len());
                while matches!(text.as_bytes().get(offset), Some(b'\r' | b'\n')) {
                    offset += 1;
                }
                let before = &text.as_bytes()[..offset.min(text.len())];
                1 + before
                    .iter()
                    .enumerate()
                    .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && text.as_bytes().get(i + 1) != Some(&b'\n')))
                    .count() as u64
            };
            let mut counter = LineCounter::new(&text);
            offsets.retain(|&o| o <= text.len() && text.is_char_boundary(o));
            for o in offsets {
                prop_assert_eq!(counter.line_at(o), naive(o), "offset {}", o);
            }
        }
    }

    #[test]
    fn an_unclosed_quote_is_found_where_it_opens() {
        let open = |text: &str| scan_quotes(text.as_bytes(), b',', true).open;
        assert_eq!(open("a,b\nEC2,\"x\nS3,y\n"), Some(8));
        assert_eq!(open("a,b\nEC2,\"x \"\"q\"\" y\"\nS3,y\n"), None);
        assert_eq!(
            open("a,b\nEC2,x\"y\nS3,z\n"),
            None,
            "a quote inside a field is text"
        );
    }

    #[test]
    fn blocks_end_after_a_line_break_outside_quotes() {
        let cut = |text: &str, at_end| scan_quotes(text.as_bytes(), b',', at_end).last_break;
        assert_eq!(cut("a,b\nc,\"d\ne\"\nf", false), Some(12));
        assert_eq!(
            cut("a,b\nc,\"d\ne", false),
            Some(4),
            "not inside the open quote"
        );
        assert_eq!(
            cut("a\r\nb\r", false),
            Some(3),
            "a final \\r may be half of \\r\\n"
        );
        assert_eq!(cut("a\r\nb\r", true), Some(5));
        assert_eq!(cut("abc", false), None);
    }

    #[test]
    fn override_columns_are_recognised_in_any_spelling() {
        for h in [
            "duty.guest-os",
            "Duty.Guest_OS",
            "duty_guest-os",
            "duty guest os",
            "duties:guest-os",
            "duty / guest-os",
        ] {
            assert_eq!(normalise(duty_column(h).unwrap()), "guestos", "{h}");
        }
        assert_eq!(duty_column("dutyfree"), None);
        assert_eq!(duty_column("service"), None);
    }

    #[test]
    fn delimiter_is_detected_from_the_header_outside_quotes() {
        assert_eq!(detect_delimiter(b"service;account\nEC2;1"), b';');
        assert_eq!(detect_delimiter(b"service\taccount\n"), b'\t');
        assert_eq!(detect_delimiter(b"\"a;b;c\",d\n"), b',');
        assert_eq!(detect_delimiter(b"service\n"), b',');
        // The header line ends at a lone `\r` too (old Mac line ends).
        assert_eq!(detect_delimiter(b"service,account\rEC2;1;2;3\r"), b',');
    }
}
