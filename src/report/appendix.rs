//! Every inventory row, kept compactly, and its JSON.

use super::*;

/// One inventory row and what it resolved to.
#[derive(Debug, Serialize)]
pub struct RowOut<'a> {
    pub line: u64,
    pub written: &'a str,
    pub status: RowStatus,
    pub service: Option<&'a str>,
    pub variant: Option<&'a str>,
    pub account: &'a str,
    pub environment: &'a str,
    pub region: &'a str,
    /// Every cell of the row by its header (templates may use any column); only for
    /// the rows the documents list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<&'a BTreeMap<String, String>>,
    /// Past the first million rows, a record is a group of rows with the same values:
    /// how many, and the lines of the first few.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<&'a [u64]>,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct RowRecord {
    pub(super) line: u64,
    pub(super) written: u32,
    pub(super) account: u32,
    pub(super) environment: u32,
    pub(super) region: u32,
    pub(super) status: RowStatus,
    pub(super) entry: Option<u32>,
    /// How many rows the record stands for (1 but for groups past the kept rows).
    pub(super) count: u64,
    /// The record's place, for its group's lines.
    pub(super) index: u32,
}

/// Every inventory row, kept compactly: the JSON lists all of them; the documents (MD,
/// HTML, PDF, the xlsx Inventory sheet) list the first [`Appendix::listed`] rows, those
/// read with every cell (`--appendix-rows`), and say how many more the JSON holds. A
/// million-row billing export is a matrix of a few dozen services, not a readable table.
#[derive(Debug, Default)]
pub struct Appendix {
    pub(super) rows: Vec<RowRecord>,
    pub(super) strings: Strings,
    /// Per classification entry: the service and variant ids.
    pub(super) entries: Vec<(Option<String>, Option<String>)>,
    /// Every cell by its header key, for the first rows.
    pub(super) head: Vec<BTreeMap<String, String>>,
    /// The lines of each group's first rows, by record.
    pub(super) group_lines: rustc_hash::FxHashMap<u32, Vec<u64>>,
    /// Every row read.
    pub(super) total: u64,
}

impl Appendix {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// How many rows the documents list.
    pub fn listed(&self) -> usize {
        self.head.len().min(self.rows.len())
    }

    /// How many rows only the JSON lists (those past the kept rows grouped).
    pub fn omitted(&self) -> usize {
        (self.total as usize).saturating_sub(self.listed())
    }

    /// Whether the JSON lists groups of rows past the kept rows.
    pub fn grouped(&self) -> bool {
        self.rows.iter().any(|r| r.count > 1)
    }

    fn row(&self, i: usize) -> RowOut<'_> {
        let r = &self.rows[i];
        let (service, variant) = r
            .entry
            .map(|e| &self.entries[e as usize])
            .map_or((None, None), |(s, v)| (s.as_deref(), v.as_deref()));
        RowOut {
            line: r.line,
            written: self.strings.get(r.written),
            status: r.status,
            service,
            variant,
            account: self.strings.get(r.account),
            environment: self.strings.get(r.environment),
            region: self.strings.get(r.region),
            columns: self.head.get(i),
            count: (r.count > 1).then_some(r.count),
            lines: self.group_lines.get(&(i as u32)).map(Vec::as_slice),
        }
    }

    /// Every row, without its cells.
    pub fn iter(&self) -> impl Iterator<Item = RowOut<'_>> {
        (0..self.rows.len()).map(|i| RowOut {
            columns: None,
            ..self.row(i)
        })
    }

    /// Every row as a line of JSON, byte for byte as serde writes a [`RowOut`] without
    /// cells, but from texts escaped once each rather than once a row: a million rows
    /// name a few dozen services, accounts and regions. Rows go to `out` in chunks, after
    /// what `buffer` holds, made on two threads; what is left to write (the buffer, when
    /// there are no rows) is returned.
    pub(super) fn write_json_rows(
        &self,
        buffer: Vec<u8>,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<Vec<u8>> {
        let texts: Vec<Vec<u8>> = self
            .strings
            .iter()
            .map(serde_json::to_vec)
            .collect::<Result<_, _>>()?;
        let entries: Vec<Vec<u8>> = self
            .entries
            .iter()
            .map(|(service, variant)| {
                let mut fragment = b",\"service\":".to_vec();
                serde_json::to_writer(&mut fragment, service)?;
                fragment.extend_from_slice(b",\"variant\":");
                serde_json::to_writer(&mut fragment, variant)?;
                Ok(fragment)
            })
            .collect::<Result<_, serde_json::Error>>()?;
        let statuses = [
            RowStatus::Assessed,
            RowStatus::Unassessed,
            RowStatus::Skipped,
        ]
        .map(|s| serde_json::to_vec(&s).unwrap_or_default());
        let write_rows = |rows: &[RowRecord], buffer: &mut Vec<u8>| {
            for r in rows {
                buffer.extend_from_slice(b"\n    {\"line\":");
                crate::text::push_decimal(buffer, r.line);
                buffer.extend_from_slice(b",\"written\":");
                buffer.extend_from_slice(&texts[r.written as usize]);
                buffer.extend_from_slice(b",\"status\":");
                buffer.extend_from_slice(&statuses[r.status as usize]);
                match r.entry {
                    Some(e) => buffer.extend_from_slice(&entries[e as usize]),
                    None => buffer.extend_from_slice(b",\"service\":null,\"variant\":null"),
                }
                for (key, id) in [
                    (&b",\"account\":"[..], r.account),
                    (b",\"environment\":", r.environment),
                    (b",\"region\":", r.region),
                ] {
                    buffer.extend_from_slice(key);
                    buffer.extend_from_slice(&texts[id as usize]);
                }
                if r.count > 1 {
                    buffer.extend_from_slice(b",\"count\":");
                    crate::text::push_decimal(buffer, r.count);
                    buffer.extend_from_slice(b",\"lines\":[");
                    let lines = self
                        .group_lines
                        .get(&r.index)
                        .map_or(&[][..], Vec::as_slice);
                    for (k, line) in lines.iter().enumerate() {
                        if k > 0 {
                            buffer.push(b',');
                        }
                        crate::text::push_decimal(buffer, *line);
                    }
                    buffer.push(b']');
                }
                buffer.extend_from_slice(b"},");
            }
        };
        const CHUNK: usize = 1 << 13;
        let total = self.rows.len().div_ceil(CHUNK);
        // What `buffer` holds goes out first, with the first chunk.
        let mut first = Some(buffer);
        let mut k = 0;
        // Written chunks' buffers, handed back for the next chunks (a fresh 2 MB buffer
        // for each chunk doubled the time to write a million rows).
        let spare: std::sync::Mutex<Vec<Vec<u8>>> = Default::default();
        crate::parallel::ordered(
            2,
            |send| {
                for rows in self.rows.chunks(CHUNK) {
                    if !send(rows) {
                        break;
                    }
                }
            },
            |rows: &[RowRecord]| {
                let reused = spare.lock().ok().and_then(|mut s| s.pop());
                let mut chunk = reused.unwrap_or_else(|| Vec::with_capacity(rows.len() * 256));
                write_rows(rows, &mut chunk);
                (rows.len(), chunk)
            },
            |(len, chunk)| {
                if let Some(head) = first.take() {
                    out.write_all(&head)?;
                }
                k += 1;
                // No comma after the last row.
                let end = chunk.len() - usize::from(k == total);
                out.write_all(&chunk[..end])?;
                crate::progress::tick("writing JSON", (k - 1) * CHUNK + len, self.rows.len());
                let mut chunk = chunk;
                chunk.clear();
                if let Ok(mut spare) = spare.lock() {
                    spare.push(chunk);
                }
                Ok::<(), std::io::Error>(())
            },
        )?;
        Ok(first.unwrap_or_default())
    }

    /// The rows the documents list, with their cells.
    pub fn head(&self) -> impl Iterator<Item = RowOut<'_>> {
        (0..self.listed()).map(|i| self.row(i))
    }
}

/// The key of each column in [`RowOut::columns`]: its header, or for a repeated or
/// empty header, the header with its column number.
pub fn column_keys(headers: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            if h.is_empty() || !seen.insert(h.as_str()) {
                format!("{h} (column {})", i + 1)
            } else {
                h.clone()
            }
        })
        .collect()
}
