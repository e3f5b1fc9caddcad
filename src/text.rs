//! Small text helpers shared by the pipeline: name normalisation for matching, byte
//! offsets to line and column, report dates, digests.

use sha2::{Digest, Sha256};

/// Lower-case letters and digits only: `Amazon EC2`, `amazon-ec2` and `AmazonEC2` all
/// become `amazonec2`. Invisible characters (zero-width, bidi controls) drop out too,
/// so they cannot make one name look like another.
pub fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The last part of a path as the user gave it (`inventory.csv` of
/// `/home/me/inventory.csv`), or the whole of it when it has no folder (`-`).
pub fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\'])
        .next()
        .filter(|n| !n.is_empty())
        .unwrap_or(path)
}

/// A normalised name without a leading vendor word: `amazonec2` → `ec2`.
pub fn strip_vendor_prefix(normalised: &str) -> &str {
    for prefix in ["amazon", "aws"] {
        if let Some(rest) = normalised.strip_prefix(prefix) {
            if !rest.is_empty() {
                return rest;
            }
        }
    }
    normalised
}

/// A TOML basic string: quoted, with `\`, `"` and control characters escaped.
pub fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A field delimiter as a user names it: the character, or its name.
pub fn delimiter(text: &str) -> Result<u8, String> {
    match text {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "\t" | "\\t" | "tab" => Ok(b'\t'),
        "|" | "pipe" => Ok(b'|'),
        _ => Err("expected one of: , ; tab |".into()),
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, col)
}

/// "a", "a and b", "a, b and c".
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}

/// `1 service`, `2 services`.
pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The option closest to `wrong`, if one is close enough to suggest.
pub fn closest<'a>(wrong: &str, options: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    options
        .map(|o| (strsim::jaro_winkler(wrong, o), o))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, o)| o)
}

/// ` (did you mean "x"?)` when an option is close to `wrong`, else nothing.
pub fn did_you_mean<'a>(wrong: &str, options: impl Iterator<Item = &'a str>) -> String {
    closest(wrong, options)
        .map(|o| format!(" (did you mean \"{o}\"?)"))
        .unwrap_or_default()
}

/// Values longer than this (in characters, normalised) get no suggestion: no name is
/// that long, and comparing costs grow with the length.
pub const SUGGEST_MAX_LEN: usize = 64;

/// How many edits a normalised text of `len` characters may be from a name suggested
/// for it: one for short texts, up to three for long ones.
pub fn allowed_edits(len: usize) -> usize {
    match len {
        0..=4 => 1,
        5..=10 => 2,
        _ => 3,
    }
}

/// Names close to a text, found through an index of the names' letter pairs rather than
/// a scan of every name: a name within `k` edits of the text shares all but `2k` of the
/// text's distinct letter pairs, so only names that do are compared. Each name carries a
/// value (the service it names).
#[derive(Debug, Clone)]
pub struct Suggester<T> {
    names: Vec<(Vec<char>, T)>,
    /// Letter pair → the names that hold it, ascending.
    pairs: std::collections::HashMap<(char, char), Vec<u32>>,
    /// Length → the names of that length.
    by_len: Vec<Vec<u32>>,
}

impl<T> Default for Suggester<T> {
    fn default() -> Self {
        Suggester {
            names: Vec::new(),
            pairs: Default::default(),
            by_len: Vec::new(),
        }
    }
}

fn distinct_pairs(chars: &[char]) -> Vec<(char, char)> {
    let mut pairs: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

impl<T: Copy> Suggester<T> {
    /// The index of normalised `names`, in the order given (which breaks ties).
    pub fn new<'a>(names: impl Iterator<Item = (&'a str, T)>) -> Self {
        let mut index = Suggester::default();
        for (name, value) in names {
            let chars: Vec<char> = name.chars().collect();
            let id = index.names.len() as u32;
            for pair in distinct_pairs(&chars) {
                index.pairs.entry(pair).or_default().push(id);
            }
            if index.by_len.len() <= chars.len() {
                index.by_len.resize(chars.len() + 1, Vec::new());
            }
            index.by_len[chars.len()].push(id);
            index.names.push((chars, value));
        }
        index
    }

    /// The values of the names within [`allowed_edits`] of a normalised text, closest
    /// first (fewest edits, then the most similar, then the order of the names).
    pub fn closest(&self, text: &str) -> Vec<T> {
        let query: Vec<char> = text.chars().collect();
        let n = query.len();
        if n == 0 || n > SUGGEST_MAX_LEN {
            return Vec::new();
        }
        let k = allowed_edits(n);
        let lengths = n.saturating_sub(k)..=n + k;
        let pairs = distinct_pairs(&query);
        let need = pairs.len() as i64 - 2 * k as i64;
        let candidates: Vec<u32> = if need <= 0 {
            lengths
                .filter_map(|l| self.by_len.get(l))
                .flatten()
                .copied()
                .collect()
        } else {
            let mut counts: std::collections::HashMap<u32, i64> = Default::default();
            for pair in &pairs {
                for &id in self.pairs.get(pair).into_iter().flatten() {
                    *counts.entry(id).or_default() += 1;
                }
            }
            let mut found: Vec<u32> = counts
                .into_iter()
                .filter(|&(id, count)| {
                    count >= need && lengths.contains(&self.names[id as usize].0.len())
                })
                .map(|(id, _)| id)
                .collect();
            found.sort_unstable();
            found
        };
        let mut ranked: Vec<(usize, f64, u32)> = candidates
            .into_iter()
            .filter_map(|id| {
                let name: String = self.names[id as usize].0.iter().collect();
                let edits = strsim::osa_distance(text, &name);
                (edits <= k && edits < n.max(2))
                    .then(|| (edits, strsim::jaro_winkler(text, &name), id))
            })
            .collect();
        ranked.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
        ranked
            .into_iter()
            .map(|(_, _, id)| self.names[id as usize].1)
            .collect()
    }
}

/// Line numbers as a document shows them: the first [`LINES_SHOWN`] of `lines`, then
/// how many more of `count` (`2, 7, 9 and 4923 more`); every line is in the JSON.
pub fn lines_text(lines: &[u64], count: usize) -> String {
    let shown: Vec<String> = lines.iter().take(LINES_SHOWN).map(u64::to_string).collect();
    let mut text = shown.join(", ");
    if count > shown.len() {
        text.push_str(&format!(" and {} more", count - shown.len()));
    }
    text
}

pub const LINES_SHOWN: usize = 20;

/// Appends `n` in decimal, as `write!` would, without the formatting machinery (the JSON
/// writes a line number for each of a million rows).
pub fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Bytes as lowercase hexadecimal (a digest as `sha256sum` prints it).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A calendar date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i64,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// The UTC date of a Unix timestamp (Howard Hinnant's civil-from-days).
    pub fn from_unix(seconds: i64) -> Date {
        let z = seconds.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date { year, month, day }
    }

    /// Seconds since 1970 at the start of the day (UTC).
    pub fn unix_seconds(self) -> i64 {
        // Days from civil (Howard Hinnant), the inverse of `from_unix`.
        let y = self.year - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        (era * 146_097 + doe - 719_468) * 86_400
    }

    pub fn parse(text: &str) -> Option<Date> {
        let parts: Vec<&str> = text.trim().split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return None;
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let date = Date {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        let leap = date.year % 4 == 0 && (date.year % 100 != 0 || date.year % 400 == 0);
        let days = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        let valid = date.year >= 1970
            && (1..=12).contains(&date.month)
            && (1..=days[date.month as usize - 1]).contains(&date.day);
        valid.then_some(date)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Text for a terminal or log: invisible, text-reordering and control characters (other
/// than tab and newline) shown as `{U+XXXX}`, so input cannot disguise or recolour it.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    shown(text, |c| c.is_control() && c != '\n' && c != '\t')
}

/// [`visible`] for text printed on one line (a file name in `verify`'s output): every
/// control character, newlines and tabs too, is shown as `{U+XXXX}`, so that a crafted
/// name cannot print a line of its own.
pub fn visible_line(text: &str) -> std::borrow::Cow<'_, str> {
    shown(text, char::is_control)
}

/// A name as inline code in Markdown, whatever it holds: control characters shown as
/// `{U+XXXX}`, and a run of backticks one longer than any in the name around it, so no
/// name ends the code span or the line.
pub fn code_span(name: &str) -> String {
    fenced(&visible_line(name))
}

/// [`code_span`] in a table cell: `|` escaped too (GFM reads `\|` as the cell's text).
pub fn code_cell(name: &str) -> String {
    fenced(&visible_line(name).replace('|', "\\|"))
}

fn fenced(name: &str) -> String {
    let longest = name.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if name.starts_with('`') || name.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{name}{pad}{fence}")
}

fn shown(text: &str, control: fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| is_invisible(c) || control(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_invisible(c) || control(c) {
            out.push_str(&format!("{{U+{:04X}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Characters that are invisible or reorder text (zero-width, bidi controls): outputs
/// show them rather than let them disguise a name.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_stays_in_its_code_span_and_cell() {
        assert_eq!(code_span("inputs/a.csv"), "`inputs/a.csv`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
        assert_eq!(code_span("a\n# b"), "`a{U+000A}# b`");
        assert_eq!(code_cell("a|b"), "`a\\|b`");
        assert_eq!(visible_line("a\tb\r"), "a{U+0009}b{U+000D}");
        assert_eq!(visible("a\tb\n"), "a\tb\n");
    }

    #[test]
    fn documents_name_a_file_without_its_folder() {
        assert_eq!(file_name("/home/me/exports/inventory.csv"), "inventory.csv");
        assert_eq!(file_name("C:\\exports\\cur.csv.gz"), "cur.csv.gz");
        assert_eq!(file_name("inventory.csv"), "inventory.csv");
        assert_eq!(file_name("-"), "-");
        assert_eq!(file_name("odd/"), "odd/");
    }

    #[test]
    fn decimals_are_written_as_format_writes_them() {
        for n in [0, 1, 9, 10, 99, 100, 12345, u64::from(u32::MAX), u64::MAX] {
            let mut out = b"x".to_vec();
            push_decimal(&mut out, n);
            assert_eq!(out, format!("x{n}").into_bytes());
        }
    }

    #[test]
    fn normalise_ignores_case_punctuation_and_invisible_characters() {
        assert_eq!(normalise("Amazon EC2"), "amazonec2");
        assert_eq!(normalise("product/ProductName"), "productproductname");
        assert_eq!(normalise("S\u{200b}3\u{202e}"), "s3");
        assert_eq!(strip_vendor_prefix("amazonec2"), "ec2");
        assert_eq!(strip_vendor_prefix("aws"), "aws");
    }

    #[test]
    fn dates_from_epoch_and_text() {
        assert_eq!(Date::from_unix(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_unix(1_767_225_600).to_string(), "2026-01-01");
        assert_eq!(Date::from_unix(951_782_400).to_string(), "2000-02-29");
        assert_eq!(
            Date::parse("2026-02-28").map(|d| d.to_string()),
            Some("2026-02-28".into())
        );
        assert_eq!(Date::parse("2026-02-29"), None);
        assert_eq!(Date::parse("2024-02-29").map(|d| d.day), Some(29));
        assert_eq!(Date::parse("26-1-1"), None);
        for seconds in [0, 951_782_400, 1_767_225_600, 4_102_444_800] {
            assert_eq!(Date::from_unix(seconds).unix_seconds(), seconds);
        }
    }

    #[test]
    fn suggestions_are_a_few_edits_away_and_found_through_the_index() {
        let names = ["ec2", "ecr", "ecs", "comprehend", "lambda", "dynamodb"];
        let s = Suggester::new(names.iter().enumerate().map(|(i, n)| (*n, i)));
        assert_eq!(s.closest("ec3"), [0, 1, 2]);
        assert_eq!(s.closest("lamda"), [4]);
        assert_eq!(s.closest("dynamo"), [5]);
        assert!(
            s.closest("compute").is_empty(),
            "five edits from comprehend"
        );
        assert!(s.closest(&"x".repeat(SUGGEST_MAX_LEN + 1)).is_empty());
        assert!(s.closest("").is_empty());
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("ab", 0), (1, 1));
    }
}
