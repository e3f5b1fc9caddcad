//! Helpers shared by the integration tests.
#![allow(dead_code)]

use onus::catalogue::Catalogue;
use onus::inventory::{Inventory, ReadOptions};
use onus::report::{Report, ReportOptions};
use onus::text::Date;
use onus::vocab::{Basis, Owner};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue::built_in().expect("the built-in catalogue loads"))
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn root(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

/// Who owns `area` of `service` (as a person writes it), with the basis.
pub fn who(service: &str, variant: Option<&str>, area: &str) -> (Owner, Basis) {
    let c = catalogue();
    let s = match c.lookup(service, None) {
        onus::catalogue::Lookup::Service(s) => s,
        other => panic!("{service} does not resolve: {other:?}"),
    };
    let v = variant.map(|v| {
        s.variant(v)
            .unwrap_or_else(|| panic!("{service} has no variant {v}"))
    });
    let i = c
        .area_index(area)
        .unwrap_or_else(|| panic!("no area {area}"));
    let d = &c.duties(s, v)[i];
    (d.owner, d.basis)
}

pub fn owner(service: &str, variant: Option<&str>, area: &str) -> Owner {
    who(service, variant, area).0
}

pub fn parse(bytes: &[u8]) -> Result<Inventory, onus::inventory::InventoryError> {
    Inventory::parse(bytes, "inventory.csv", &ReadOptions::default(), catalogue())
}

pub fn report_of(path: &Path) -> Report {
    assess(&Inventory::read(path, &ReadOptions::default(), catalogue()).expect("inventory reads"))
}

/// The report of an inventory, for Example Corp on 2026-01-01, without frameworks.
pub fn assess(inventory: &Inventory) -> Report {
    let options = ReportOptions {
        frameworks: Vec::new(),
        title: None,
        org: Some("Example Corp".into()),
        date: Date::parse("2026-01-01").unwrap(),
        as_of: None,
        soc2: Default::default(),
        iso: Default::default(),
    };
    onus::assess::assess(catalogue(), inventory, &Default::default(), &options)
}

/// Every diagnostic as `check` prints its first line (the terminal's hint, on a line of
/// its own, is left out).
pub fn diagnostics_of(bytes: &[u8]) -> Vec<String> {
    let inventory = parse(bytes).expect("inventory parses");
    let classification = onus::classify::classify(catalogue(), &inventory, &Default::default());
    let mut all: Vec<_> = inventory
        .diagnostics
        .iter()
        .chain(&classification.diagnostics)
        .cloned()
        .collect();
    onus::diagnostic::sort(&mut all);
    all.iter()
        .map(|d| d.to_string().lines().next().unwrap_or_default().to_string())
        .collect()
}

/// The built-in data with one file added or replaced, loaded; the error as printed.
pub fn with_file(path: &str, text: &str) -> Result<Catalogue, String> {
    let mut files = onus::catalogue::data_files(None).unwrap();
    files.retain(|f| f.path != path);
    files.push(onus::catalogue::DataFile {
        path: path.into(),
        origin: format!("data/{path}"),
        text: text.into(),
    });
    Catalogue::from_files(&files).map_err(|e| e.to_string())
}

/// A reading as text ([`Inventory::summary`], or the error): to compare two readings.
pub fn reading(result: &Result<Inventory, onus::inventory::InventoryError>) -> String {
    match result {
        Ok(inv) => inv.summary(),
        Err(e) => format!("error: {e}"),
    }
}

/// Reads `bytes` in blocks of `block_size` bytes.
pub fn parse_in_blocks(
    bytes: &[u8],
    block_size: usize,
) -> Result<Inventory, onus::inventory::InventoryError> {
    let options = ReadOptions {
        block_size,
        ..ReadOptions::default()
    };
    Inventory::parse(bytes, "inventory.csv", &options, catalogue())
}

/// Runs a Python script (with `args`) that needs `module`, and returns what it prints; `None`
/// with a note when python3 or the module is missing (a failure under `ONUS_REQUIRE_TOOLS`).
pub fn python(module: &str, script: &str, args: &[&Path]) -> Option<String> {
    let probe = std::process::Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("ONUS_REQUIRE_TOOLS").is_none(),
            "python3 with {module} is required (ONUS_REQUIRE_TOOLS)"
        );
        eprintln!("note: python3 {module} not installed; the check is skipped");
        return None;
    }
    Some(stdout_of(
        std::process::Command::new("python3")
            .args(["-c", script])
            .args(args),
    ))
}

/// Whether a command-line tool CI installs (poppler, qpdf, sha256sum, minisign) is on the
/// machine; elsewhere its checks are skipped with a note, unless ONUS_REQUIRE_TOOLS is set.
pub fn tool(name: &str) -> bool {
    let found = ["-v", "--version"]
        .iter()
        .any(|flag| std::process::Command::new(name).arg(flag).output().is_ok());
    if !found {
        assert!(
            std::env::var_os("ONUS_REQUIRE_TOOLS").is_none(),
            "{name} is required (ONUS_REQUIRE_TOOLS)"
        );
        eprintln!("note: {name} not installed; its check is skipped");
    }
    found
}

/// What a command prints, once it has succeeded (its error output otherwise).
pub fn stdout_of(command: &mut std::process::Command) -> String {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// onus run in `dir` with `args`, dated 2026-01-01.
pub fn onus_in(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_onus"))
        .current_dir(dir)
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .output()
        .unwrap()
}

/// A folder with the 42-service billing export as `billing.csv` and `text` as its
/// onus.toml.
pub fn billing_project(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("billing-42-services.csv"),
        dir.path().join("billing.csv"),
    )
    .unwrap();
    std::fs::write(dir.path().join("onus.toml"), text).unwrap();
    dir
}
