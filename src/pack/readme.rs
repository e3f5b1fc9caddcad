//! The pack's `README.md`, for the auditor: what each file is, how the pack was made, and
//! how to check it with standard tools and with onus. It holds no time but the report
//! date, so the same inputs give the same bytes.

use super::{sign::SIGNATURE, MANIFEST, README, SUMS};
use std::fmt::Write;

/// What the README says about how a pack was made.
pub struct Made<'a> {
    pub title: &'a str,
    pub org: Option<&'a str>,
    pub onus: &'a str,
    pub date: &'a str,
    pub source_date_epoch: Option<&'a str>,
    pub catalogue: &'a str,
    pub frameworks: &'a std::collections::BTreeMap<String, String>,
    /// The digest of the data files, and how many there were.
    pub data_sha256: &'a str,
    pub data_files: usize,
    pub data_overlay: bool,
    /// The inventory's path in the pack, and its SHA-256.
    pub inventory: &'a str,
    pub inventory_sha256: &'a str,
    /// The command line (see [`command_line`]).
    pub command: &'a str,
    pub signed: bool,
    /// A zip was written beside the folder.
    pub zip: bool,
}

/// What one file of a pack is.
fn describe(path: &str, inventory: &str) -> &'static str {
    match path {
        p if p == inventory => "the inventory the report was made from, byte for byte",
        "responsibility-matrix.md" => "the report in Markdown",
        "responsibility-matrix.html" => "the report as one self-contained HTML page",
        "responsibility-matrix.pdf" => "the report as a PDF",
        "responsibility-matrix.docx" => "the report as a Word document",
        "responsibility-matrix.json" => {
            "the whole report model, for scripts (schema onus/report/v1)"
        }
        "responsibility-matrix.csv" => "every duty of every service, one per line",
        "questionnaire.csv" | "questionnaire.xlsx" => "per framework control: owner and answers",
        "oscal-component-definition.json" => "the OSCAL component definition",
        p if p.starts_with("inputs/data/") => "a data file given with --data",
        p if p.starts_with("inputs/templates/") => "a template given with --templates",
        p if p.starts_with("inputs/") && p.ends_with(".toml") && !p.starts_with("inputs/data/") => {
            "the project file the report's settings came from, byte for byte"
        }
        p if p.starts_with("inputs/register/") => {
            "the controls register given with --register, byte for byte"
        }
        p if p.starts_with("inputs/") => "an input of the report, byte for byte",
        _ => "a file onus wrote",
    }
}

/// The README's text; `files` are the paths the manifest lists (this README among them).
pub fn write(made: &Made, files: &[String]) -> String {
    let mut s = String::new();
    let org = made.org.map(|o| format!(" for {o}")).unwrap_or_default();
    let _ = writeln!(s, "# Evidence pack: {}\n", made.title);
    let _ = writeln!(
        s,
        "Made with onus {}{org}, report date {}. This file says what the pack holds, how it was made, and how to check that it is complete, unchanged, and the one its maker handed over.\n",
        made.onus, made.date
    );
    let _ = writeln!(s, "## What each file is\n");
    let _ = writeln!(s, "| file | what it is |\n|---|---|");
    for path in files {
        let what = if path == README {
            "this guide"
        } else {
            describe(path, made.inventory)
        };
        let _ = writeln!(s, "| {} | {what} |", crate::text::code_cell(path));
    }
    let _ = writeln!(
        s,
        "| `{MANIFEST}` | the size and SHA-256 of every file above, with the versions below (schema onus/pack/v1) |"
    );
    let _ = writeln!(
        s,
        "| `{SUMS}` | the SHA-256 of every file above and of `{MANIFEST}`, for `sha256sum -c` |"
    );
    if made.signed {
        let _ = writeln!(
            s,
            "| `{SIGNATURE}` | the maker's signature of `{MANIFEST}`, in minisign's format |"
        );
    }
    if made.zip {
        let _ = writeln!(
            s,
            "\nThe pack was also written as one zip, named after this folder (`FOLDER.zip`), holding these files under one folder."
        );
    }
    let _ = writeln!(s, "\n## How it was made\n");
    let _ = writeln!(s, "- onus version: {}", made.onus);
    let _ = writeln!(
        s,
        "- report date: {} (SOURCE_DATE_EPOCH: {})",
        made.date,
        made.source_date_epoch.unwrap_or("not set")
    );
    let _ = writeln!(s, "- catalogue: {}", made.catalogue);
    for (id, version) in made.frameworks {
        let _ = writeln!(s, "- framework {id}: {version}");
    }
    let _ = writeln!(
        s,
        "- data files: {} files ({}), SHA-256 of their list `<sha256>  <path>`: `{}`",
        made.data_files,
        if made.data_overlay {
            "built in, and the --data folder under inputs/data/"
        } else {
            "built into onus"
        },
        made.data_sha256
    );
    let _ = writeln!(
        s,
        "- inventory: {}, SHA-256 `{}`",
        crate::text::code_span(made.inventory),
        made.inventory_sha256
    );
    let _ = writeln!(s, "- command: {}", crate::text::code_span(made.command));
    let _ = writeln!(s, "\n## How to check it\n");
    let _ = writeln!(
        s,
        "With standard tools, in the pack's folder (`sha256sum` is in GNU coreutils; on macOS `shasum -a 256 -c SHA256SUMS`):\n"
    );
    let _ = writeln!(s, "```sh\nsha256sum -c {SUMS}\nsha256sum {MANIFEST}");
    if made.signed {
        let _ = writeln!(s, "minisign -V -p onus.pub -m {MANIFEST}");
    }
    let _ = writeln!(s, "```\n");
    let _ = writeln!(
        s,
        "`sha256sum -c` shows only that the files agree with each other: whoever edits a file can rewrite `{SUMS}` and `{MANIFEST}` to match. What ties the pack to its maker is {}the SHA-256 of `{MANIFEST}` recorded when the pack was handed over (in a ticket or the audit request), compared with what `sha256sum {MANIFEST}` prints.\n",
        if made.signed {
            "the signature, checked with the maker's public key `onus.pub` obtained from them by another channel (never from the pack itself), or "
        } else {
            ""
        }
    );
    let _ = writeln!(s, "With onus, which checks every file, `{SUMS}` and, given a key or a digest, the manifest:\n");
    let _ = writeln!(s, "```sh");
    if made.signed {
        let _ = writeln!(s, "onus verify PACK --key onus.pub");
    }
    let _ = writeln!(s, "onus verify PACK --expect <SHA-256 of {MANIFEST}>");
    let _ = writeln!(s, "```\n");
    let _ = writeln!(
        s,
        "PACK is this folder{}.",
        if made.zip { ", or the zip" } else { "" }
    );
    s
}

/// The command line for the README: the program as `onus`, every absolute path cut to
/// its file name (an option's `=value` too), so that it names no folder of the machine
/// that made the pack; without the options that change no file of the pack (the output
/// folder, `--force`, `--quiet`), so that a pack rebuilt elsewhere from its inputs has
/// the same digest.
pub fn command_line(args: impl Iterator<Item = String>) -> String {
    let short = |a: &str| -> String {
        let path = std::path::Path::new(a);
        if path.is_absolute() {
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| a.to_string())
        } else {
            a.to_string()
        }
    };
    let quote = |a: String| -> String {
        if !a.is_empty()
            && a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@+".contains(c))
        {
            a
        } else {
            format!("'{}'", a.replace('\'', "'\\''"))
        }
    };
    let mut words = vec!["onus".to_string()];
    let mut args = args.skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-o" | "--output" => {
                args.next();
                continue;
            }
            "--force" | "-q" | "--quiet" => continue,
            a if a.starts_with("--output=") || (a.starts_with("-o") && a.len() > 2) => continue,
            _ => {}
        }
        let word = match arg.split_once('=') {
            Some((option, value)) if option.starts_with("--") => {
                format!("{option}={}", short(value))
            }
            _ => short(&arg),
        };
        words.push(quote(crate::text::visible(&word).into_owned()));
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_names_no_absolute_path() {
        let line = super::command_line(
            [
                "/usr/local/bin/onus",
                "pack",
                "/home/a/inv.csv",
                "--data=/home/a/data",
                "-o",
                "/tmp/x/evidence",
                "--force",
                "--org",
                "Example Corp",
                "-q",
            ]
            .into_iter()
            .map(String::from),
        );
        assert_eq!(line, "onus pack inv.csv --data=data --org 'Example Corp'");
    }
}
