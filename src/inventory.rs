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

/// Headers that name the service column, in order of preference (normalised).
const SERVICE_HEADERS: &[&str] = &[
    "service",
    "servicename",
    "product",
    "productname",
    "productproductname",
    "lineitemproductcode",
    "resourcetype",
    // A list of resources: each ARN names its service. Used when no header above names
    // the service (AWS Config's resourceType wins over its resourceARN).
    "resourcearn",
    "arn",
];

const PROVIDER_HEADERS: &[&str] = &["provider", "cloud", "cloudprovider", "providername"];
const VARIANT_HEADERS: &[&str] = &["variant", "launchtype"];
const ACCOUNT_HEADERS: &[&str] = &[
    "account",
    "accountid",
    "awsaccountid",
    "lineitemusageaccountid",
    // FOCUS: the account that used the resource; Prowler's findings.
    "subaccountid",
    "accountuid",
    "subscription",
    "subscriptionid",
    "project",
    "projectid",
];
const ENVIRONMENT_HEADERS: &[&str] = &["environment", "env", "stage"];
const REGION_HEADERS: &[&str] = &[
    "region",
    "awsregion",
    "productregion",
    "productregioncode",
    // FOCUS.
    "regionid",
    "location",
];
const OWNER_HEADERS: &[&str] = &["owner", "serviceowner", "team", "ownerteam"];
const CLASSIFICATION_HEADERS: &[&str] = &["dataclassification", "classification"];
/// Columns that say what kind of billing line a row is: a `Tax` or `Credit` line is not
/// a service, whatever service it names (CUR `lineItem/LineItemType`, CUR 2.0
/// `line_item_line_item_type`, FOCUS `ChargeCategory`).
const LINE_ITEM_TYPE_HEADERS: &[&str] = &["lineitemlineitemtype", "chargecategory"];
const RATIONALE_HEADERS: &[&str] = &["rationale", "justification", "overriderationale"];
/// Billing columns that can show how a service runs (see the catalogue's `infer` rules).
const OPERATION_HEADERS: &[&str] = &["lineitemoperation", "operation"];
const USAGE_TYPE_HEADERS: &[&str] = &["lineitemusagetype", "usagetype"];

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
        }
    }
}

/// Which column plays which role (indexes into the header).
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// The service columns found, most preferred first; a row's service is the first
    /// non-empty one (a billing export leaves a product name empty on some lines).
    pub service: Vec<usize>,
    pub provider: Option<usize>,
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
        ];
        self.service
            .iter()
            .copied()
            .chain(single.into_iter().flatten())
            .chain(self.duties.iter().map(|&(c, _)| c))
    }
}

/// How many rows keep every cell by default: the documents' inventory appendix lists
/// this many rows (the JSON lists every row, with its role cells).
pub const APPENDIX_ROWS: usize = 10_000;

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

/// The inventory, stored compactly: for every row its line and the (trimmed) cells of
/// the columns that play a role, as ids into [`Strings`]; every cell only for the first
/// [`ReadOptions::full_rows`] rows. Memory grows with the distinct texts, not the rows.
#[derive(Debug, Clone)]
pub struct Inventory {
    /// The path as the user gave it.
    pub file: String,
    pub sha256: String,
    pub delimiter: u8,
    pub headers: Vec<String>,
    pub columns: Columns,
    /// Line of the file where each row starts (the header is line 1), in file order.
    pub lines: Vec<u64>,
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
    pub fn len(&self) -> usize {
        self.lines.len()
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
        let (input, compressed) = Compressed::open(input, &file)?;
        let mut inventory = Inventory::from_reader(input, size, &file, options, catalogue)?;
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
        let columns = find_columns(&headers, options, catalogue).map_err(|m| {
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
        let first = self.lines.len() as u32;
        for (row, hash) in (first..).zip(parsed.hashes) {
            hashes[(hash >> (64 - HASH_BUCKET_BITS)) as usize].push((hash, row));
        }
        self.cells
            .extend(parsed.cells.iter().map(|&id| ids[id as usize]));
        self.lines.extend(parsed.lines);
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

/// A block to read (its text and first line), or the error that ends the reading there.
type Job = Result<(String, u64), InventoryError>;

/// What every block's rows are read against.
struct Shape<'a> {
    file: &'a str,
    delimiter: u8,
    /// The header's width.
    width: usize,
    /// The columns whose cells are kept for every row.
    kept: Vec<usize>,
    full_rows: usize,
    /// Set once the rows read so far fill the appendix: later blocks keep no whole rows.
    head_full: &'a std::sync::atomic::AtomicBool,
}

/// One block's rows, with ids into the block's own [`Strings`].
#[derive(Default)]
struct Parsed {
    /// The block's size, for progress.
    bytes: usize,
    lines: Vec<u64>,
    hashes: Vec<u64>,
    strings: Strings,
    /// Row-major: the kept cells' ids.
    cells: Vec<u32>,
    /// Every cell of the block's first rows, while the appendix may still need them.
    head: Vec<csv::StringRecord>,
    diagnostics: Vec<Diagnostic>,
}

impl Shape<'_> {
    /// The rows of a block that starts on line `base`.
    fn block(&self, text: String, base: u64) -> Result<Parsed, InventoryError> {
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
    fn rows(
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

fn reader_for(input: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(input)
}

/// The input in blocks of whole lines: each ends at a line break outside quotes, so the
/// next starts a row. Every check that needs the text (encoding, NUL bytes, an unclosed
/// quote) is made block by block, with line numbers counted across blocks; the digest
/// covers every byte read.
struct Blocks<R> {
    input: R,
    file: String,
    digest: sha2::Sha256,
    /// Read and not yet handed out.
    pending: Vec<u8>,
    eof: bool,
    block_size: usize,
    delimiter: u8,
    /// The line the next block starts on.
    line: u64,
    /// Whether the header is still to come: then a block is one line.
    header: bool,
}

impl<R: std::io::Read> Blocks<R> {
    fn new(
        input: R,
        file: &str,
        options: &ReadOptions,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<Self, InventoryError> {
        let mut blocks = Blocks {
            input,
            file: file.to_string(),
            digest: sha2::Sha256::default(),
            pending: Vec::new(),
            eof: false,
            block_size: options.block_size.max(1),
            delimiter: b',',
            line: 1,
            header: true,
        };
        blocks.fill(blocks.block_size)?;
        if blocks.pending.starts_with(&[0xFF, 0xFE]) || blocks.pending.starts_with(&[0xFE, 0xFF]) {
            // UTF-16 is decoded whole: such exports are small (spreadsheet saves).
            blocks.fill(usize::MAX)?;
            blocks.pending = decode_utf16(&blocks.pending, file, diagnostics)?.into_bytes();
        } else if blocks.pending.starts_with(b"\xEF\xBB\xBF") {
            blocks.pending.drain(..3);
        }
        blocks.delimiter = options
            .delimiter
            .unwrap_or_else(|| detect_delimiter(&blocks.pending));
        Ok(blocks)
    }

    fn fail(&self, line: u64, message: String) -> InventoryError {
        InventoryError {
            file: self.file.clone(),
            line: Some(line),
            message,
        }
    }

    /// Reads until `pending` holds `want` bytes or the input ends.
    fn fill(&mut self, want: usize) -> Result<(), InventoryError> {
        let mut chunk = vec![0u8; 1 << 16];
        while !self.eof && self.pending.len() < want {
            match self.input.read(&mut chunk) {
                Ok(0) => self.eof = true,
                Ok(n) => {
                    sha2::Digest::update(&mut self.digest, &chunk[..n]);
                    self.pending.extend_from_slice(&chunk[..n]);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    // Past the start, the line being read (a damaged compressed file).
                    let started = self.line > 1 || !self.pending.is_empty();
                    return Err(InventoryError {
                        file: self.file.clone(),
                        line: started.then(|| self.line + line_breaks(&self.pending)),
                        message: format!("cannot read the inventory: {e}"),
                    });
                }
            }
        }
        Ok(())
    }

    /// The next block of whole lines, as text, with the line it starts on. The first
    /// block is the first line alone, so the header is read before anything after it,
    /// however the input is cut. Of the problems in a block (an unclosed quote, a NUL
    /// byte, a byte that is not UTF-8), the earliest is reported: errors come in file
    /// order whatever the block size.
    fn next(&mut self) -> Result<Option<(String, u64)>, InventoryError> {
        let mut want = self.block_size;
        let (cut, open) = loop {
            self.fill(want)?;
            if self.pending.is_empty() {
                return Ok(None);
            }
            // The block is at most `want` bytes: what was read beyond waits its turn.
            let limit = want.min(self.pending.len());
            let last = self.eof && limit == self.pending.len();
            let scan = scan_quotes(&self.pending[..limit], self.delimiter, last);
            let cut = if self.header {
                scan.first_break
            } else {
                scan.last_break
            };
            match cut {
                // Breaks are noted outside quotes only: a cut is before any open quote.
                Some(cut) => break (cut, None),
                None if last => break (self.pending.len(), scan.open),
                // A row longer than a block: read on, up to a bound.
                None if want >= MAX_ROW => {
                    let (line, what) = match scan.open {
                        Some(open) => (
                            self.line + line_breaks(&self.pending[..open]),
                            "a quoted cell opens here and runs on for more than 64 MB; it is probably never closed. Close the quote (inside a quoted cell, write a quote as \"\")",
                        ),
                        None => (self.line, "a row runs on for more than 64 MB without a line break; this is not an inventory CSV"),
                    };
                    return Err(self.fail(line, what.into()));
                }
                None => want = want.saturating_mul(2).min(MAX_ROW),
            }
        };
        let rest = self.pending.split_off(cut);
        let bytes = std::mem::replace(&mut self.pending, rest);
        let base = self.line;
        let bad_utf8 = std::str::from_utf8(&bytes).err().map(|e| e.valid_up_to());
        let problems = [
            (open, Problem::OpenQuote),
            (memchr::memchr(0, &bytes), Problem::Nul),
            (bad_utf8, Problem::NotUtf8),
        ];
        if let Some((offset, problem)) = problems
            .into_iter()
            .filter_map(|(offset, p)| offset.map(|o| (o, p)))
            .min_by_key(|(offset, _)| *offset)
        {
            // Lines and columns counted on the bytes, as rows are: `\r` ends a line too.
            // What comes before the problem is valid UTF-8: it is the earliest.
            let before = &bytes[..offset];
            let line = base + line_breaks(before);
            let line_start = memchr::memrchr2(b'\n', b'\r', before).map_or(0, |i| i + 1);
            let col = String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count()
                + 1;
            return Err(self.fail(line, match problem {
                Problem::OpenQuote => "a quoted cell opens here and is never closed, so every later row would be read into it; close the quote (inside a quoted cell, write a quote as \"\")".into(),
                Problem::Nul => "the file contains NUL bytes: it looks like a binary file, not a CSV text file".into(),
                Problem::NotUtf8 => format!(
                    "column {col}: byte 0x{:02X} is not valid UTF-8; the file looks like Windows-1252 or Latin-1. Save it as UTF-8 (in Excel: \"CSV UTF-8\") and run again",
                    bytes[offset]
                ),
            }));
        }
        // Valid: `bad_utf8` found nothing.
        let text = String::from_utf8(bytes).unwrap_or_default();
        self.line += line_breaks(text.as_bytes());
        self.header &= text.trim().is_empty();
        Ok(Some((text, base)))
    }

    fn sha256(&self) -> String {
        crate::text::hex(&sha2::Digest::finalize(self.digest.clone()))
    }
}

/// How many lines end in `bytes`: `\r\n`, `\n` and a lone `\r` each end one.
fn line_breaks(bytes: &[u8]) -> u64 {
    memchr::memchr2_iter(b'\n', b'\r', bytes)
        .filter(|&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
        .count() as u64
}

impl Inventory {
    /// A warning for every row that repeats an earlier one exactly: rows whose cells
    /// hash alike and whose kept cells are the same (a 64-bit hash leaves the other cells
    /// a chance of one in billions to be told apart wrongly, and the rows are kept either
    /// way). The hashes come in buckets by their first bits, sorted a bucket at a time,
    /// on two threads.
    fn report_repeats(&self, mut hashes: Vec<Vec<(u64, u32)>>, diagnostics: &mut Vec<Diagnostic>) {
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
        found.sort_unstable();
        for (row, first) in found {
            diagnostics.push(Diagnostic::new(
                Level::Warning,
                &self.file,
                Some(self.lines[row as usize]),
                format!(
                    "the row repeats line {} exactly; both are kept as rows of the same service",
                    self.lines[first as usize]
                ),
            ));
        }
    }
}

/// Row hashes are sorted in 2^8 buckets, by their first bits.
const HASH_BUCKET_BITS: u32 = 8;

/// A hash of a row's cells, padded to the header's width (a short row and the same row
/// with its empty cells written out are the same row).
fn row_hash(record: &csv::StringRecord, width: usize) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    for i in 0..width {
        let cell = record.get(i).unwrap_or_default();
        hasher.write_usize(cell.len());
        hasher.write(cell.as_bytes());
    }
    hasher.finish()
}

/// Lines of byte offsets, for offsets that mostly come in increasing order; `\r\n`,
/// `\n` and a lone `\r` each end a line.
struct LineCounter<'t> {
    bytes: &'t [u8],
    /// The last offset asked for, and its line.
    at: usize,
    line: u64,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        LineCounter {
            bytes: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    /// The line of the text at `offset`; a record's position may point at the end of
    /// the previous line, so line breaks there are skipped.
    fn line_at(&mut self, mut offset: usize) -> u64 {
        while matches!(self.bytes.get(offset), Some(b'\r' | b'\n')) {
            offset += 1;
        }
        if offset < self.at {
            self.at = 0;
            self.line = 1;
        }
        let span = &self.bytes[self.at..offset.min(self.bytes.len())];
        for i in memchr::memchr2_iter(b'\n', b'\r', span) {
            // A `\r` followed by `\n` is counted at its `\n`.
            if span[i] == b'\n' || self.bytes.get(self.at + i + 1) != Some(&b'\n') {
                self.line += 1;
            }
        }
        self.at = offset;
        self.line
    }
}

/// A UTF-16 file (it starts with a byte-order mark) as text, or an error saying to save it
/// as UTF-8.
fn decode_utf16(
    bytes: &[u8],
    file: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<String, InventoryError> {
    let fail = |message: String| InventoryError {
        file: file.into(),
        line: None,
        message,
    };
    let (rest, to_unit, name) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (rest, u16::from_le_bytes as fn([u8; 2]) -> u16, "UTF-16LE"),
        [0xFE, 0xFF, rest @ ..] => (rest, u16::from_be_bytes as fn([u8; 2]) -> u16, "UTF-16BE"),
        _ => return Err(fail("the file has no UTF-16 byte-order mark".into())),
    };
    if rest.len() % 2 != 0 {
        return Err(fail(format!("the file starts with a {name} byte-order mark but has an odd number of bytes; save it again as UTF-8")));
    }
    let units = rest.chunks_exact(2).map(|c| to_unit([c[0], c[1]]));
    let text: String = char::decode_utf16(units).collect::<Result<_, _>>().map_err(|_| {
        fail(format!("the file starts with a {name} byte-order mark but is not valid {name}; save it again as UTF-8"))
    })?;
    diagnostics.push(Diagnostic::new(
        Level::Note,
        file,
        None,
        format!("read as {name} (byte-order mark found)"),
    ));
    Ok(text)
}

/// How messages and reports name standard input (`-`).
pub const STDIN_NAME: &str = "<stdin>";

/// The digest of the bytes read through a [`Hashing`] reader, shared with its reader.
#[derive(Clone, Default)]
struct SharedDigest(std::sync::Arc<std::sync::Mutex<sha2::Sha256>>);

impl SharedDigest {
    fn hex(&self) -> String {
        let digest = self.0.lock().map(|d| d.clone()).unwrap_or_default();
        crate::text::hex(&sha2::Digest::finalize(digest))
    }
}

/// A reader that hashes the bytes it passes on.
struct Hashing<R> {
    input: R,
    digest: SharedDigest,
}

impl<R: std::io::Read> std::io::Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.input.read(buf)?;
        if let Ok(mut digest) = self.digest.0.lock() {
            sha2::Digest::update(&mut *digest, &buf[..n]);
        }
        Ok(n)
    }
}

/// Input that may be gzip-compressed, known by its first two bytes (0x1F 0x8B), whatever
/// the file is called.
struct Compressed;

impl Compressed {
    /// The input to read as CSV, decompressed if need be, and then the digest of the
    /// compressed bytes.
    #[allow(clippy::type_complexity)]
    fn open(
        input: Box<dyn std::io::Read + Send>,
        file: &str,
    ) -> Result<(Box<dyn std::io::Read + Send>, Option<SharedDigest>), InventoryError> {
        use std::io::BufRead;
        let mut buffered = std::io::BufReader::with_capacity(1 << 16, input);
        let start = loop {
            match buffered.fill_buf() {
                Ok(bytes) => break bytes.get(..2).map(<[u8]>::to_vec),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(InventoryError {
                        file: file.to_string(),
                        line: None,
                        message: format!("cannot read the inventory: {e}"),
                    })
                }
            }
        };
        if start.as_deref() != Some(&[0x1F, 0x8B]) {
            return Ok((Box::new(buffered), None));
        }
        let digest = SharedDigest::default();
        let hashing = Hashing {
            input: buffered,
            digest: digest.clone(),
        };
        let decoder = flate2::read::MultiGzDecoder::new(std::io::BufReader::new(hashing));
        Ok((Box::new(decoder), Some(digest)))
    }
}

/// What makes a block unreadable.
enum Problem {
    OpenQuote,
    Nul,
    NotUtf8,
}

/// Where quoting leaves a stretch of CSV bytes (RFC 4180: a quote opens a field only at
/// its start; `""` inside is a quote).
struct QuoteScan {
    /// The quote that opens a field still open at the end.
    open: Option<usize>,
    /// Just past the first line break outside quotes.
    first_break: Option<usize>,
    /// Just past the last line break outside quotes: where a block can end. A `\r` as
    /// the last byte does not count unless the input ends there (a `\n` may follow).
    last_break: Option<usize>,
}

/// Jumps from quote to quote, so text without quotes costs one search.
fn scan_quotes(bytes: &[u8], delimiter: u8, at_end: bool) -> QuoteScan {
    let (mut first_break, mut last_break) = (None, None);
    // The first and last line breaks of an unquoted stretch.
    let mut note_breaks = |from: usize, to: usize| {
        let mut span = &bytes[from..to];
        if !at_end && to == bytes.len() && span.last() == Some(&b'\r') {
            span = &span[..span.len() - 1];
        }
        if first_break.is_none() {
            // A `\r` directly followed by `\n` ends its line after the `\n`.
            first_break = memchr::memchr2(b'\n', b'\r', span).map(|i| {
                let crlf = span[i] == b'\r' && span.get(i + 1) == Some(&b'\n');
                from + i + 1 + usize::from(crlf)
            });
        }
        if let Some(i) = memchr::memrchr2(b'\n', b'\r', span) {
            last_break = Some(from + i + 1);
        }
    };
    let mut i = 0;
    let mut unquoted_from = 0;
    while let Some(found) = memchr::memchr(b'"', &bytes[i..]) {
        let open = i + found;
        let field_start =
            open == 0 || matches!(bytes[open - 1], b'\n' | b'\r') || bytes[open - 1] == delimiter;
        i = open + 1;
        if !field_start {
            continue;
        }
        note_breaks(unquoted_from, open);
        // Inside the quoted field: find its closing quote, skipping `""`.
        loop {
            let Some(found) = memchr::memchr(b'"', &bytes[i..]) else {
                return QuoteScan {
                    open: Some(open),
                    first_break,
                    last_break,
                };
            };
            let close = i + found;
            if bytes.get(close + 1) == Some(&b'"') {
                i = close + 2;
            } else {
                i = close + 1;
                break;
            }
        }
        unquoted_from = i;
    }
    note_breaks(unquoted_from, bytes.len());
    QuoteScan {
        open: None,
        first_break,
        last_break,
    }
}

/// The delimiter among `,` `;` and tab that occurs most often, outside quotes, on the
/// header line; `,` when none does.
fn detect_delimiter(text: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    // Bytes, not characters: none of these is part of a multi-byte character.
    for &b in text {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b';', b'\t'][best]
    }
}

fn find_columns(
    headers: &[String],
    options: &ReadOptions,
    catalogue: &Catalogue,
) -> Result<Columns, String> {
    let norm: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let first = |names: &[&str]| names.iter().find_map(|n| norm.iter().position(|h| h == n));
    let mut columns = Columns {
        provider: first(PROVIDER_HEADERS),
        variant: first(VARIANT_HEADERS),
        account: first(ACCOUNT_HEADERS),
        environment: first(ENVIRONMENT_HEADERS),
        region: first(REGION_HEADERS),
        rationale: first(RATIONALE_HEADERS),
        owner: first(OWNER_HEADERS),
        data_classification: first(CLASSIFICATION_HEADERS),
        line_item_type: first(LINE_ITEM_TYPE_HEADERS),
        operation: first(OPERATION_HEADERS),
        usage_type: first(USAGE_TYPE_HEADERS),
        ..Columns::default()
    };
    let seen = || {
        headers
            .iter()
            .map(|h| format!("\"{h}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match &options.service_column {
        Some(name) => {
            let wanted = normalise(name);
            let column = norm.iter().position(|h| *h == wanted).ok_or_else(|| {
                format!(
                    "no column \"{name}\" (given by --service-column); the header has: {}",
                    seen()
                )
            })?;
            columns.service.push(column);
        }
        None => {
            columns.service = SERVICE_HEADERS
                .iter()
                .filter_map(|n| norm.iter().position(|h| h == n))
                .collect();
            if columns.service.is_empty() {
                return Err(format!(
                    "no service column found; the header has: {}. Name one column \"service\" (or service_name, product, product/ProductName, lineItem/ProductCode, resourceType, resourceARN), or pass --service-column NAME",
                    seen()
                ));
            }
        }
    }
    for (i, header) in headers.iter().enumerate() {
        let Some(rest) = duty_column(header) else {
            continue;
        };
        let wanted = normalise(rest);
        let area = catalogue
            .areas
            .iter()
            .position(|a| normalise(&a.id) == wanted)
            .ok_or_else(|| {
                let guess = rest.trim().to_lowercase().replace(['_', ' ', '.'], "-");
                format!(
                    "column \"{header}\" looks like a duty override but names no duty area{}; the areas are: {}. Name it duty.<area>, or rename the column",
                    closest(&guess, catalogue.areas.iter().map(|a| a.id.as_str()))
                        .map(|a| format!(" (did you mean \"duty.{a}\"?)"))
                        .unwrap_or_default(),
                    catalogue.area_ids()
                )
            })?;
        let id = &catalogue.areas[area].id;
        if columns.duties.iter().any(|(_, a)| *a == area) {
            return Err(format!(
                "two columns override the duty area \"{id}\"; keep one"
            ));
        }
        columns.duties.push((i, area));
    }
    Ok(columns)
}

/// The area part of an override column: `duty.guest-os`, `Duty_Guest OS`, `duties:data`.
/// A header that starts with "duty" or "duties" and a separator is always read as one,
/// so a misspelt override is an error rather than a column silently kept as data.
fn duty_column(header: &str) -> Option<&str> {
    let trimmed = header.trim();
    let lower = trimmed.to_lowercase();
    let word = ["duties", "duty"]
        .into_iter()
        .find(|w| lower.starts_with(w))?;
    let rest = &trimmed[word.len()..];
    let after = rest.trim_start_matches(|c: char| c.is_whitespace() || ".:_-/".contains(c));
    (after.len() < rest.len()).then_some(after)
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
