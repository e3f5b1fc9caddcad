//! The command line as a user meets it: exit codes, stdout and stderr.
//!
//! Each folder under `tests/cli/` is a case: `args` (one argument a line; `$TMP` is a
//! fresh temporary folder), `stdin` if the command reads one, and the expected `stdout`, `stderr` and `status`. Run with
//! `ONUS_BLESS=1` to write what the tool prints now, then review the diff before
//! committing it.

use std::path::Path;
use std::process::Command;

fn onus() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_onus"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("ONUS_KEY_PASSWORD");
    cmd
}

fn run_case(dir: &Path) -> Result<(), String> {
    let tmp = tempfile::tempdir().unwrap();
    let tmp_path = tmp.path().display().to_string();
    let args: Vec<String> = std::fs::read_to_string(dir.join("args"))
        .unwrap()
        .lines()
        .map(|l| l.replace("$TMP", &tmp_path))
        .collect();
    // `stdin`, where the case has one, is piped to the command.
    let output = match std::fs::read(dir.join("stdin")) {
        Ok(input) => {
            use std::io::Write;
            let mut child = onus()
                .args(&args)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            child.stdin.take().unwrap().write_all(&input).unwrap();
            child.wait_with_output().unwrap()
        }
        Err(_) => onus().args(&args).output().unwrap(),
    };
    let clean = |bytes: &[u8]| String::from_utf8_lossy(bytes).replace(&tmp_path, "$TMP");
    let actual = [
        ("stdout", clean(&output.stdout)),
        ("stderr", clean(&output.stderr)),
        (
            "status",
            format!("{}\n", output.status.code().unwrap_or(-1)),
        ),
    ];
    let mut problems = Vec::new();
    for (name, text) in actual {
        let path = dir.join(name);
        if std::env::var_os("ONUS_BLESS").is_some() {
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if expected != text {
            problems.push(format!(
                "{}: {name} differs\n--- expected\n{expected}--- actual\n{text}",
                dir.display()
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[test]
fn cli_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "the CLI cases are there");
    let failures: Vec<String> = cases.iter().filter_map(|c| run_case(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} CLI cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn report_refuses_a_non_empty_folder_and_force_keeps_unrelated_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let run = |force: bool| {
        let mut cmd = onus();
        cmd.args([
            "report",
            "tests/fixtures/seed-inventory.csv",
            "--date",
            "2026-01-01",
            "-o",
        ])
        .arg(&out);
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    };
    let refused = run(false);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is not empty; pass --force"));
    assert!(!out.join("responsibility-matrix.md").exists());

    let forced = run(true);
    assert_eq!(
        forced.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(out.join("responsibility-matrix.md").exists());
    // A second forced run with one format removes only the file onus wrote before.
    let mut cmd = onus();
    cmd.args([
        "report",
        "tests/fixtures/seed-inventory.csv",
        "--format",
        "json",
        "--force",
        "-o",
    ])
    .arg(&out);
    assert!(cmd.status().unwrap().success());
    assert!(!out.join("responsibility-matrix.md").exists());
    assert!(out.join("notes.txt").exists());
}

#[test]
fn a_failed_report_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let status = onus()
        .args(["report", "tests/fixtures/non-utf8.csv", "-o"])
        .arg(&out)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "no temporary folder is left behind"
    );
}

#[test]
fn same_inputs_give_byte_identical_files() {
    let tmp = tempfile::tempdir().unwrap();
    let render = |name: &str| {
        let out = tmp.path().join(name);
        let status = onus()
            .args(["report", "samples/inventory.csv", "-o"])
            .arg(&out)
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .status()
            .unwrap();
        assert!(status.success());
        out
    };
    let (a, b) = (render("a"), render("b"));
    for file in ["responsibility-matrix.md", "responsibility-matrix.json"] {
        let (x, y) = (
            std::fs::read(a.join(file)).unwrap(),
            std::fs::read(b.join(file)).unwrap(),
        );
        assert_eq!(x, y, "{file} differs between runs");
        assert!(
            String::from_utf8_lossy(&x).contains("2026-01-01"),
            "{file} carries SOURCE_DATE_EPOCH's date"
        );
    }
}

#[test]
fn force_never_replaces_a_file_onus_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("responsibility-matrix.md"), "the user's own notes").unwrap();
    // A marker that lists a user's file does not make onus delete it.
    std::fs::write(
        out.join(".onus-output"),
        "notes.md\nresponsibility-matrix.json\n",
    )
    .unwrap();
    std::fs::write(out.join("notes.md"), "mine").unwrap();
    let output = onus()
        .args([
            "report",
            "tests/fixtures/seed-inventory.csv",
            "--force",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("holds a responsibility-matrix.md that onus did not write"));
    assert_eq!(
        std::fs::read_to_string(out.join("responsibility-matrix.md")).unwrap(),
        "the user's own notes"
    );
    std::fs::remove_file(out.join("responsibility-matrix.md")).unwrap();
    let status = onus()
        .args([
            "report",
            "tests/fixtures/seed-inventory.csv",
            "--force",
            "--format",
            "md",
            "-o",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        std::fs::read_to_string(out.join("notes.md")).unwrap(),
        "mine",
        "not an output name: kept"
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_folder_is_refused_with_or_without_a_trailing_slash() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("real")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("real"), tmp.path().join("link")).unwrap();
    for target in ["link", "link/"] {
        let output = onus()
            .args(["report", "tests/fixtures/seed-inventory.csv", "-o"])
            .arg(format!("{}/{target}", tmp.path().display()))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{target}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("is a symbolic link"),
            "{target}"
        );
    }
    assert_eq!(
        std::fs::read_dir(tmp.path().join("real")).unwrap().count(),
        0
    );
}

#[test]
fn a_closed_pipe_keeps_the_findings_exit_code() {
    let mut child = onus()
        .args(["check", "tests/fixtures/unknown-service.csv"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(1));
}

#[test]
fn source_date_epoch_out_of_range_is_an_error() {
    for bad in ["-100", "99999999999999", "yesterday"] {
        let output = onus()
            .args(["report", "tests/fixtures/seed-inventory.csv", "-o"])
            .arg(tempfile::tempdir().unwrap().path().join("x"))
            .env("SOURCE_DATE_EPOCH", bad)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{bad}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("SOURCE_DATE_EPOCH"));
    }
}

#[test]
fn the_markdown_report_covers_every_control_of_the_selected_frameworks() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let status = onus()
        .args([
            "report",
            "samples/inventory.csv",
            "-f",
            "soc2",
            "-f",
            "iso27001",
            "-f",
            "nist-800-53:moderate",
            "--date",
            "2026-01-01",
            "-o",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let md = std::fs::read_to_string(out.join("responsibility-matrix.md")).unwrap();
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("responsibility-matrix.json")).unwrap(),
    )
    .unwrap();
    let fws = json["frameworks"].as_array().unwrap();
    let counts: Vec<usize> = fws
        .iter()
        .map(|f| f["controls"].as_array().unwrap().len())
        .collect();
    assert_eq!(counts, [61, 93, 287]);
    assert_eq!(
        json["meta"]["versions"]["frameworks"]["nist-800-53:moderate"],
        "5.1.1"
    );
    let owner_word = |owner: &str| match owner {
        "provider" => "Provider",
        "customer" => "Customer",
        "shared" => "Shared",
        other => panic!("owner {other}"),
    };
    let mut shared_rows = 0;
    for f in fws {
        // The framework's own section: from its heading to the next framework's.
        let name = f["name"].as_str().unwrap();
        let start = md
            .find(&format!("\n## {name} "))
            .expect("a section per framework");
        let end = md[start + 1..]
            .find("\n## ")
            .map_or(md.len(), |i| start + 1 + i);
        let section = &md[start..end];
        for c in f["controls"].as_array().unwrap() {
            let id = c["id"].as_str().unwrap();
            for key in ["label", "areas", "owner", "counts", "services"] {
                assert!(!c[key].is_null(), "{id} has {key}");
            }
            let named = format!("**{id}** {}", c["label"].as_str().unwrap());
            // Every control is in a row of its framework's table, with its owner, or, when
            // it is entirely the organisation's with no cloud part, in the list after it.
            if c["organisational"] == true {
                assert!(
                    section
                        .lines()
                        .any(|l| l.starts_with("- ") && l.contains(&named)),
                    "{id} is listed"
                );
                continue;
            }
            let row = section
                .lines()
                .find(|l| l.starts_with("| ") && l.contains(&named))
                .unwrap_or_else(|| panic!("{id} has a row"));
            let cells: Vec<&str> = row.split(" | ").collect();
            assert_eq!(cells[1], owner_word(c["owner"].as_str().unwrap()), "{row}");
            if cells[0].matches("**").count() > 2 {
                shared_rows += 1;
            }
        }
    }
    assert!(shared_rows > 0, "controls that say the same share a row");
    assert!(md.contains(
        "| Controls | Owner | What you do | Expected of the provider (CSOC) | Services |"
    ));
}

#[test]
fn completions_and_man_pages_cover_every_command() {
    let commands = [
        "report",
        "check",
        "who",
        "services",
        "book",
        "pack",
        "verify",
        "diff",
        "templates",
        "frameworks",
    ];
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = onus().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        for command in commands {
            assert!(script.contains(command), "{shell} completes {command}");
        }
    }
    // The bash script is valid bash.
    let script = onus()
        .args(["completions", "bash"])
        .output()
        .unwrap()
        .stdout;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("onus.bash"), script).unwrap();
    let syntax = Command::new("bash")
        .arg("-n")
        .arg(dir.path().join("onus.bash"))
        .status()
        .unwrap();
    assert!(syntax.success());

    let page = onus().arg("man").output().unwrap();
    let page = String::from_utf8(page.stdout).unwrap();
    assert!(page.contains(".TH onus 1"), "{page}");
    let out = dir.path().join("man");
    assert!(onus()
        .args(["man", "-o"])
        .arg(&out)
        .status()
        .unwrap()
        .success());
    for command in commands {
        let page = std::fs::read_to_string(out.join(format!("onus-{command}.1"))).unwrap();
        assert!(page.contains(&format!(".TH onus-{command} 1")), "{page}");
    }
}
