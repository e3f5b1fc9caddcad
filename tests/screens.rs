//! The HTML documents as a reader's browser shows them: real headless-Chromium renders
//! of the HTML report and of book pages at 1280 px, checked for tables that run off the
//! page without a scroll container (`screens/overflow.js` measures each table's box, or
//! its scrolling box's, against the viewport). The screenshots are written to
//! `ONUS_SCREENSHOTS` when it is set (CI keeps them), else to a temporary folder.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

const WIDTH: u32 = 1280;

fn onus(args: &[&str]) {
    let status = Command::new(env!("CARGO_BIN_EXE_onus"))
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "onus {args:?}");
}

fn chromium(args: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    common::stdout_of(
        Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(args),
    )
}

/// The tables of `page` that run off a 1280 px window outside a scroll container, and
/// a screenshot of it as `name.png` in `shots`.
fn overflowing(page: &Path, name: &str, shots: &Path) -> String {
    let html = std::fs::read_to_string(page).unwrap();
    let script = include_str!("screens/overflow.js");
    let checked = page.with_extension("checked.html");
    std::fs::write(
        &checked,
        html.replace("</body>", &format!("<script>{script}</script></body>")),
    )
    .unwrap();
    let url = format!("file://{}", checked.display());
    let dom = chromium(&[
        format!("--window-size={WIDTH},1000"),
        "--dump-dom".into(),
        url.clone(),
    ]);
    let shot = shots.join(format!("{name}.png"));
    chromium(&[
        format!("--window-size={WIDTH},1600"),
        format!("--screenshot={}", shot.display()),
        format!("file://{}", page.display()),
    ]);
    assert!(
        std::fs::metadata(&shot).unwrap().len() > 10_000,
        "{name}: a screenshot"
    );
    let marker = "<pre id=\"onus-overflow\">OVERFLOW[";
    let start = dom
        .find(marker)
        .unwrap_or_else(|| panic!("{name}: the check ran"))
        + marker.len();
    let end = start + dom[start..].find("]</pre>").unwrap();
    dom[start..end].to_string()
}

#[test]
fn no_table_runs_off_the_page_at_1280_px() {
    if !common::tool("chromium") || !common::tool("mdbook") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let shots = match std::env::var_os("ONUS_SCREENSHOTS") {
        Some(dir) => PathBuf::from(dir),
        None => tmp.path().join("shots"),
    };
    std::fs::create_dir_all(&shots).unwrap();
    let out = tmp.path().join("report");
    let book = tmp.path().join("book");
    let site = tmp.path().join("site");
    let sample = common::root("samples/cur-export.csv");
    let sample = sample.to_str().unwrap();
    let common_args = [
        "-f",
        "soc2",
        "-f",
        "nist-800-53",
        "--date",
        "2026-01-01",
        "-q",
    ];
    let report: Vec<&str> = [
        "report",
        sample,
        "--format",
        "html",
        "-o",
        out.to_str().unwrap(),
    ]
    .into_iter()
    .chain(common_args)
    .collect();
    onus(&report);
    let book_args: Vec<&str> = ["book", sample, "-o", book.to_str().unwrap()]
        .into_iter()
        .chain(common_args)
        .collect();
    onus(&book_args);
    let built = Command::new("mdbook")
        .args([
            "build",
            book.to_str().unwrap(),
            "-d",
            site.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(built.status.success());
    let mut problems = Vec::new();
    for (page, name) in [
        (out.join("responsibility-matrix.html"), "report"),
        (site.join("introduction.html"), "book-introduction"),
        (site.join("summary.html"), "book-summary"),
        (site.join("tiers/managed.html"), "book-tier"),
        (site.join("frameworks/soc2.html"), "book-soc2"),
        (site.join("frameworks/nist-800-53.html"), "book-nist-800-53"),
    ] {
        let found = overflowing(&page, name, &shots);
        if !found.is_empty() {
            problems.push(format!("{name}: {found}"));
        }
    }
    assert!(
        problems.is_empty(),
        "tables cut off at {WIDTH} px: {problems:#?}"
    );
}

/// The check itself finds a table that runs off the page, and lets one in a scrolling
/// box be.
#[test]
fn the_overflow_check_tells_a_cut_table_from_a_scrolling_one() {
    if !common::tool("chromium") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let row = |n: usize| -> String {
        (0..n)
            .map(|i| format!("<td style=\"white-space:nowrap\">column {i} of a wide table</td>"))
            .collect()
    };
    let page = tmp.path().join("page.html");
    std::fs::write(
        &page,
        format!(
            "<html><body><table id=cut><tr>{}</tr></table><div style=\"overflow-x:auto\"><table><tr>{}</tr></table></div></body></html>",
            row(30),
            row(40)
        ),
    )
    .unwrap();
    let found = overflowing(&page, "check", tmp.path());
    assert!(found.starts_with("0: column 0"), "{found}");
    assert!(!found.contains("|"), "only the cut table: {found}");
}
