//! The input in blocks of whole lines: decompression, the digest, encoding and
//! quoting checks, and line numbers.

use super::*;

/// The input in blocks of whole lines: each ends at a line break outside quotes, so the
/// next starts a row. Every check that needs the text (encoding, NUL bytes, an unclosed
/// quote) is made block by block, with line numbers counted across blocks; the digest
/// covers every byte read.
pub(super) struct Blocks<R> {
    pub(super) input: R,
    pub(super) file: String,
    pub(super) digest: sha2::Sha256,
    /// Read and not yet handed out.
    pub(super) pending: Vec<u8>,
    pub(super) eof: bool,
    pub(super) block_size: usize,
    pub(super) delimiter: u8,
    /// The line the next block starts on.
    pub(super) line: u64,
    /// Whether the header is still to come: then a block is one line.
    pub(super) header: bool,
}

impl<R: std::io::Read> Blocks<R> {
    pub(super) fn new(
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

    pub(super) fn fail(&self, line: u64, message: String) -> InventoryError {
        InventoryError {
            file: self.file.clone(),
            line: Some(line),
            message,
        }
    }

    /// Reads until `pending` holds `want` bytes or the input ends.
    pub(super) fn fill(&mut self, want: usize) -> Result<(), InventoryError> {
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
    pub(super) fn next(&mut self) -> Result<Option<(String, u64)>, InventoryError> {
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

    pub(super) fn sha256(&self) -> String {
        crate::text::hex(&sha2::Digest::finalize(self.digest.clone()))
    }
}

/// How many lines end in `bytes`: `\r\n`, `\n` and a lone `\r` each end one.
pub(super) fn line_breaks(bytes: &[u8]) -> u64 {
    memchr::memchr2_iter(b'\n', b'\r', bytes)
        .filter(|&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
        .count() as u64
}

/// Lines of byte offsets, for offsets that mostly come in increasing order; `\r\n`,
/// `\n` and a lone `\r` each end a line.
pub(super) struct LineCounter<'t> {
    pub(super) bytes: &'t [u8],
    /// The last offset asked for, and its line.
    pub(super) at: usize,
    pub(super) line: u64,
}

impl<'t> LineCounter<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        LineCounter {
            bytes: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    /// The line of the text at `offset`; a record's position may point at the end of
    /// the previous line, so line breaks there are skipped.
    pub(super) fn line_at(&mut self, mut offset: usize) -> u64 {
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
pub(super) fn decode_utf16(
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
pub(super) struct SharedDigest(std::sync::Arc<std::sync::Mutex<sha2::Sha256>>);

impl SharedDigest {
    pub(super) fn hex(&self) -> String {
        let digest = self.0.lock().map(|d| d.clone()).unwrap_or_default();
        crate::text::hex(&sha2::Digest::finalize(digest))
    }
}

/// A reader that hashes the bytes it passes on.
pub(super) struct Hashing<R> {
    pub(super) input: R,
    pub(super) digest: SharedDigest,
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
pub(super) struct Compressed;

impl Compressed {
    /// The input to read as CSV, decompressed if need be, and then the digest of the
    /// compressed bytes.
    #[allow(clippy::type_complexity)]
    pub(super) fn open(
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
pub(super) enum Problem {
    OpenQuote,
    Nul,
    NotUtf8,
}

/// Where quoting leaves a stretch of CSV bytes (RFC 4180: a quote opens a field only at
/// its start; `""` inside is a quote).
pub(super) struct QuoteScan {
    /// The quote that opens a field still open at the end.
    pub(super) open: Option<usize>,
    /// Just past the first line break outside quotes.
    pub(super) first_break: Option<usize>,
    /// Just past the last line break outside quotes: where a block can end. A `\r` as
    /// the last byte does not count unless the input ends there (a `\n` may follow).
    pub(super) last_break: Option<usize>,
}

/// Jumps from quote to quote, so text without quotes costs one search.
pub(super) fn scan_quotes(bytes: &[u8], delimiter: u8, at_end: bool) -> QuoteScan {
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
