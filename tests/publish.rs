//! Publishing: the mdBook tree, evidence packs with verify, and the ownership diff.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn onus(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onus"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .env_remove("ONUS_TEST_FAIL_AFTER")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn tmp() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let p = t.path().to_path_buf();
    (t, p)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every relative Markdown link `](x.md)` in the pages of `src` points at a file.
fn broken_links(src: &Path) -> Vec<String> {
    let mut broken = Vec::new();
    let mut pending = vec![src.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            // The pages; the Word document beside them is linked from the introduction.
            if path.extension().is_none_or(|e| e != "md") {
                assert!(path.ends_with("responsibility-matrix.docx"), "{path:?}");
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for part in text.split("](").skip(1) {
                let target = part.split(')').next().unwrap().split('#').next().unwrap();
                if target.ends_with(".md")
                    && !target.contains("://")
                    && !path.parent().unwrap().join(target).exists()
                {
                    broken.push(format!("{} → {target}", path.display()));
                }
            }
        }
    }
    broken
}

#[test]
fn the_book_has_every_page_and_its_links_resolve() {
    let (_t, dir) = tmp();
    let out = dir.join("site");
    let o = onus(&[
        "book",
        "samples/inventory.csv",
        "-f",
        "soc2",
        "-f",
        "iso27001",
        "--site-url",
        "/compliance/",
        "-o",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let toml = std::fs::read_to_string(out.join("book.toml")).unwrap();
    assert!(toml.contains("site-url = \"/compliance/\""));
    let summary = std::fs::read_to_string(out.join("src/SUMMARY.md")).unwrap();
    for page in [
        "introduction.md",
        "summary.md",
        "services/aws.ec2.md",
        "services/aws.eks--self-managed-nodes.md",
        "frameworks/soc2.md",
        "frameworks/iso27001.md",
        "diagnostics.md",
        "tiers/managed.md",
    ] {
        assert!(
            summary.contains(&format!("({page})")),
            "SUMMARY lists {page}"
        );
        assert!(out.join("src").join(page).exists(), "{page} exists");
    }
    assert_eq!(broken_links(&out.join("src")), Vec::<String>::new());
    // The Word document beside the chapters, linked from the introduction.
    let intro = std::fs::read_to_string(out.join("src/introduction.md")).unwrap();
    assert!(intro.contains("[responsibility-matrix.docx](responsibility-matrix.docx)"));
    let docx = std::fs::read(out.join("src/responsibility-matrix.docx")).unwrap();
    assert!(docx.starts_with(b"PK"));
    let ec2 = std::fs::read_to_string(out.join("src/services/aws.ec2.md")).unwrap();
    assert!(ec2.contains("| OS patching and hardening | Customer | tier-default | Patch and harden the guest OS of your instances. |"));

    // The real mdbook builds it without a warning, when installed (CI installs it).
    if Command::new("mdbook").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("ONUS_REQUIRE_TOOLS").is_none(),
            "mdbook is required (ONUS_REQUIRE_TOOLS)"
        );
        eprintln!("note: mdbook not installed; the build check is skipped");
        return;
    }
    let build = Command::new("mdbook")
        .arg("build")
        .arg(&out)
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&build.stderr);
    assert!(build.status.success(), "{log}");
    assert!(
        !log.contains("WARN") && !log.contains("ERROR"),
        "mdbook warned: {log}"
    );
    for page in [
        "index.html",
        "services/aws.ec2.html",
        "frameworks/soc2.html",
        "diagnostics.html",
    ] {
        assert!(out.join("book").join(page).exists(), "{page} was built");
    }
}

#[test]
fn a_pack_verifies_intact_and_names_tampered_missing_and_extra_files() {
    let (_t, dir) = tmp();
    let pack = dir.join("pack");
    let o = onus(&[
        "pack",
        "samples/inventory.csv",
        "-f",
        "soc2",
        "-o",
        s(&pack),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let digest = stdout(&o).lines().last().unwrap().to_string();
    assert!(digest.starts_with("manifest.json SHA-256: "), "{digest}");
    for file in [
        "manifest.json",
        "responsibility-matrix.pdf",
        "responsibility-matrix.json",
        "inputs/inventory.csv",
    ] {
        assert!(pack.join(file).exists(), "{file}");
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pack.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["schema"], "onus/pack/v1");
    assert_eq!(manifest["source_date_epoch"], "1767225600");
    assert!(manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["sha256"].as_str().unwrap().len() == 64));

    let v = onus(&["verify", s(&pack)]);
    assert_eq!(v.status.code(), Some(0));
    assert!(
        stdout(&v).contains("intact: 11 files match the manifest"),
        "{}",
        stdout(&v)
    );
    assert!(
        stdout(&v).contains(&digest),
        "verify prints the same manifest digest"
    );

    std::fs::write(pack.join("responsibility-matrix.md"), "edited").unwrap();
    std::fs::remove_file(pack.join("inputs/inventory.csv")).unwrap();
    std::fs::write(pack.join("inputs/extra.csv"), "x").unwrap();
    let v = onus(&["verify", s(&pack)]);
    assert_eq!(v.status.code(), Some(1));
    let text = stdout(&v);
    for line in [
        "changed: responsibility-matrix.md",
        "missing: inputs/inventory.csv",
        "unexpected: inputs/extra.csv",
        "NOT intact: 1 changed, 1 missing, 1 unexpected of 11 files",
    ] {
        assert!(text.contains(line), "{line} in {text}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&onus(&["verify", s(&pack), "--json"]).stdout).unwrap();
    assert_eq!(json["intact"], false);
    assert_eq!(json["changed"][0], "responsibility-matrix.md");
}

#[test]
fn packs_are_reproducible() {
    let (_t, dir) = tmp();
    // Two folders: the pack's README records the command line, but not its output folder.
    let digests: Vec<String> = ["a", "b"]
        .iter()
        .map(|n| {
            stdout(&onus(&[
                "pack",
                "samples/inventory.csv",
                "-o",
                s(&dir.join(n)),
                "-q",
            ]))
        })
        .collect();
    assert_eq!(digests[0], digests[1]);
}

#[test]
fn an_interrupted_pack_leaves_nothing_behind() {
    let (_t, dir) = tmp();
    let pack = dir.join("pack");
    let o = Command::new(env!("CARGO_BIN_EXE_onus"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("ONUS_TEST_FAIL_AFTER", "3")
        .args(["pack", "samples/inventory.csv", "-o", s(&pack)])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("stopped after 3 files"));
    assert!(!pack.exists());
    assert_eq!(left_in(&dir), 0, "no temporary folder is left");
}

/// A pack of the sample inventory in `dir/pack`.
fn sample_pack(dir: &Path) -> PathBuf {
    let pack = dir.join("pack");
    assert!(
        onus(&["pack", "samples/inventory.csv", "-o", s(&pack), "-q"])
            .status
            .success()
    );
    pack
}

fn inventory(dir: &Path, name: &str, rows: &[&str]) -> PathBuf {
    let path = dir.join(name);
    let mut text = String::from("service,variant,account,duty.encryption,rationale\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn diff_reports_added_and_removed_services_and_moved_controls() {
    let (_t, dir) = tmp();
    let old = inventory(&dir, "old.csv", &["EC2,,1,,", "S3,,1,,"]);
    let new = inventory(&dir, "new.csv", &["EC2,,1,,", "Outposts,,1,,"]);
    let o = onus(&["diff", s(&old), s(&new), "-f", "nist-800-53:moderate"]);
    assert_eq!(o.status.code(), Some(0), "no --fail-on-change");
    let text = stdout(&o);
    assert!(text.contains("added AWS Outposts (aws.outposts)"), "{text}");
    assert!(text.contains("removed Amazon S3 (aws.s3)"), "{text}");
    assert!(
        text.contains("nist-800-53:moderate PE-3 Physical Access Control: provider → shared"),
        "{text}"
    );
    assert!(text.contains("added aws.outposts (customer)"), "{text}");
    // What the JSON says of the owner across the inventory, the text says too.
    let json: serde_json::Value =
        serde_json::from_slice(&onus(&["diff", s(&old), s(&new), "--json"]).stdout).unwrap();
    let summary = json["summary"].as_array().unwrap();
    assert!(!summary.is_empty(), "{json}");
    assert!(
        text.contains("Duty areas whose owner across the inventory changed"),
        "{text}"
    );
    for a in summary {
        let line = format!(
            "{}: {} → {}",
            a["area"].as_str().unwrap(),
            a["old"].as_str().unwrap(),
            a["new"].as_str().unwrap()
        );
        assert!(text.contains(&line), "{line} missing: {text}");
    }
    assert_eq!(
        onus(&["diff", s(&old), s(&new), "--fail-on-change"])
            .status
            .code(),
        Some(1)
    );
    let md = stdout(&onus(&["diff", s(&old), s(&new), "--format", "md"]));
    assert!(md.starts_with("### Services\n- added AWS Outposts"), "{md}");
}

#[test]
fn diff_sees_variant_and_override_changes_and_identical_inputs() {
    let (_t, dir) = tmp();
    let a = inventory(&dir, "a.csv", &["EKS,self-managed-nodes,1,,", "S3,,1,,"]);
    let b = inventory(
        &dir,
        "b.csv",
        &[
            "EKS,fargate,1,,",
            "S3,,1,shared,Keys held by the platform team in KMS",
        ],
    );
    let json: serde_json::Value =
        serde_json::from_slice(&onus(&["diff", s(&a), s(&b), "--json"]).stdout).unwrap();
    // EKS runs another way: not a service added and one removed.
    assert_eq!(json["added"], serde_json::json!([]));
    assert_eq!(json["removed"], serde_json::json!([]));
    assert_eq!(json["variants"][0]["service"], "aws.eks");
    assert_eq!(
        json["variants"][0]["old"],
        serde_json::json!(["self-managed-nodes"])
    );
    assert_eq!(json["variants"][0]["new"], serde_json::json!(["fargate"]));
    let duty = json["duties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["service"] == "aws.s3")
        .unwrap();
    assert_eq!(
        (
            duty["service"].as_str(),
            duty["area"].as_str(),
            duty["old"].as_str(),
            duty["new"].as_str()
        ),
        (
            Some("aws.s3"),
            Some("encryption"),
            Some("customer"),
            Some("shared")
        )
    );
    let same = onus(&["diff", s(&a), s(&a), "--fail-on-change"]);
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(stdout(&same), "No ownership changes.\n");
}

#[test]
fn diff_reports_the_duties_that_move_when_ecs_moves_from_fargate_to_ec2() {
    let (_t, dir) = tmp();
    let a = inventory(&dir, "a.csv", &["ECS,fargate,1,,", "S3,,1,,"]);
    let b = inventory(&dir, "b.csv", &["ECS,ec2,1,,", "S3,,1,,"]);
    let o = onus(&["diff", s(&a), s(&b), "--fail-on-change"]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(
        !text.contains("added") && !text.contains("removed"),
        "{text}"
    );
    assert!(
        text.contains("Services run another way\n  Amazon ECS (aws.ecs): fargate → ec2\n"),
        "{text}"
    );
    for line in [
        "Amazon ECS (aws.ecs, fargate → ec2) worker-nodes: provider → customer",
        "Amazon ECS (aws.ecs, fargate → ec2) guest-os: provider → customer",
        "Amazon ECS (aws.ecs, fargate → ec2) runtime: shared → customer",
    ] {
        assert!(text.contains(line), "missing {line}: {text}");
    }
    assert!(!text.contains("identity-access"), "{text}");
    // A service that gains a second variant is compared over both.
    let c = inventory(
        &dir,
        "c.csv",
        &["ECS,fargate,1,,", "ECS,ec2,2,,", "S3,,1,,"],
    );
    let json: serde_json::Value =
        serde_json::from_slice(&onus(&["diff", s(&a), s(&c), "--json"]).stdout).unwrap();
    assert_eq!(
        json["variants"],
        serde_json::json!([]),
        "fargate stays: ec2 is added"
    );
    assert_eq!(json["added"][0]["service"], "aws.ecs/ec2");
}

#[test]
fn diff_compares_a_pack_with_an_inventory() {
    let (_t, dir) = tmp();
    let pack = sample_pack(&dir);
    let o = onus(&[
        "diff",
        s(&pack),
        "samples/inventory.csv",
        "--fail-on-change",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        stdout(&o),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn a_pack_can_be_rebuilt_in_place_with_force() {
    let (_t, dir) = tmp();
    let pack = sample_pack(&dir);
    let again = onus(&[
        "pack",
        "tests/fixtures/seed-inventory.csv",
        "-o",
        s(&pack),
        "--force",
        "-q",
    ]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(pack.join("inputs/seed-inventory.csv").exists());
    assert!(
        !pack.join("inputs/inventory.csv").exists(),
        "the old input is gone"
    );
    assert_eq!(onus(&["verify", s(&pack)]).status.code(), Some(0));
}

#[cfg(unix)]
#[test]
fn verify_never_follows_links_or_opens_special_files() {
    let (_t, dir) = tmp();
    let pack = sample_pack(&dir);
    let outside = dir.join("outside.md");
    std::fs::copy(pack.join("responsibility-matrix.md"), &outside).unwrap();
    std::fs::remove_file(pack.join("responsibility-matrix.md")).unwrap();
    std::os::unix::fs::symlink(&outside, pack.join("responsibility-matrix.md")).unwrap();
    std::fs::remove_file(pack.join("responsibility-matrix.json")).unwrap();
    let fifo = Command::new("mkfifo")
        .arg(pack.join("responsibility-matrix.json"))
        .status()
        .unwrap();
    assert!(fifo.success());
    let v = onus(&["verify", s(&pack)]);
    assert_eq!(v.status.code(), Some(1));
    let text = stdout(&v);
    assert!(
        text.contains("changed: responsibility-matrix.md"),
        "a link is not the packed file: {text}"
    );
    assert!(
        text.contains("changed: responsibility-matrix.json"),
        "a pipe is not opened: {text}"
    );
}

#[test]
fn a_manifest_listing_a_file_twice_is_refused() {
    let (_t, dir) = tmp();
    let pack = sample_pack(&dir);
    let path = pack.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let first = manifest["files"][0].clone();
    manifest["files"].as_array_mut().unwrap().push(first);
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    let v = onus(&["verify", s(&pack)]);
    assert_eq!(v.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&v.stderr).contains("a file is listed twice"));
}

#[cfg(unix)]
#[test]
fn eject_force_replaces_a_link_instead_of_writing_through_it() {
    let (_t, dir) = tmp();
    let precious = dir.join("precious.txt");
    std::fs::write(&precious, "keep me").unwrap();
    let t = dir.join("t");
    std::fs::create_dir(&t).unwrap();
    std::os::unix::fs::symlink(&precious, t.join("responsibility-matrix.md")).unwrap();
    assert!(onus(&["templates", "eject", s(&t), "--force"])
        .status
        .success());
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "keep me");
    assert!(
        std::fs::symlink_metadata(t.join("responsibility-matrix.md"))
            .unwrap()
            .is_file()
    );
}

/// `book --force` re-runs into a folder onus wrote, style sheet and all, and keeps what
/// `mdbook build` added there.
#[test]
fn a_book_is_rewritten_with_force() {
    let (_t, dir) = tmp();
    let site = dir.join("site");
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/inventory.csv");
    let o = onus(&["book", sample, "-o", s(&site), "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::create_dir(site.join("book")).unwrap();
    std::fs::write(site.join("book/index.html"), "built").unwrap();
    let o = onus(&["book", sample, "-o", s(&site), "-q", "--force"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(site.join("onus.css").is_file());
    assert_eq!(
        std::fs::read_to_string(site.join("book/index.html")).unwrap(),
        "built"
    );
}

/// The entries of `dir` other than the lock files a run leaves beside its output folder
/// (`.NAME.onus-lock`, which hold nothing).
fn left_in(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            !e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".onus-lock")
        })
        .count()
}

/// Two runs into one new folder at once: one writes it, the other is refused; never a
/// folder mixing both runs' files. Tried 20 times.
#[test]
fn concurrent_runs_into_one_folder_never_mix() {
    let (_t, dir) = tmp();
    for round in 0..20 {
        let out = dir.join(format!("out-{round}"));
        let start = |title: &str| {
            Command::new(env!("CARGO_BIN_EXE_onus"))
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .env_remove("ONUS_TEST_FAIL_AFTER")
                .args([
                    "report",
                    "samples/inventory.csv",
                    "--format",
                    "md,json",
                    "-q",
                    "--title",
                    title,
                    "-o",
                ])
                .arg(&out)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (start("Run A"), start("Run B"));
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        let codes = [a.status.code(), b.status.code()];
        assert!(codes.contains(&Some(0)), "round {round}: {codes:?}");
        for o in [&a, &b] {
            if o.status.code() != Some(0) {
                assert_eq!(o.status.code(), Some(2));
                let e = String::from_utf8_lossy(&o.stderr);
                assert!(
                    e.contains("another onus run is writing")
                        || e.contains("is not empty; pass --force"),
                    "round {round}: {e}"
                );
            }
        }
        let md = std::fs::read_to_string(out.join("responsibility-matrix.md")).unwrap();
        let json = std::fs::read_to_string(out.join("responsibility-matrix.json")).unwrap();
        let title = if md.starts_with("# Run A") {
            "Run A"
        } else {
            "Run B"
        };
        assert!(
            md.starts_with(&format!("# {title}")),
            "round {round}: {}",
            &md[..40]
        );
        assert!(
            json.contains(&format!("\"title\": \"{title}\"")),
            "round {round}: the files are of two runs"
        );
        let listed = std::fs::read_to_string(out.join(".onus-output")).unwrap();
        assert_eq!(
            listed,
            "responsibility-matrix.md\nresponsibility-matrix.json\n"
        );
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 3, "round {round}");
    }
    assert_eq!(left_in(&dir), 20, "no temporary folder is left");
}

/// A run ended by SIGINT or SIGTERM removes its temporary folder; a temporary folder
/// left by a run killed outright is removed by the next run into the folder.
#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_nothing_behind() {
    let (_t, dir) = tmp();
    // A template that renders long enough to be interrupted.
    let templates = dir.join("slow");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(
        templates.join("responsibility-matrix.md"),
        format!(
            "{}{}\n",
            "{% for a in services %}".repeat(8),
            "{% endfor %}".repeat(8)
        ),
    )
    .unwrap();
    for (signal, code) in [("INT", 130), ("TERM", 143)] {
        let out = dir.join("out");
        let child = Command::new(env!("CARGO_BIN_EXE_onus"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "report",
                "samples/inventory.csv",
                "-q",
                "--templates",
                s(&templates),
                "-o",
                s(&out),
            ])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Wait for its temporary folder, then interrupt it.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while left_in(&dir) < 2 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let o = child.wait_with_output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(code),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!out.exists());
        assert_eq!(left_in(&dir), 1, "SIG{signal}: only the templates are left");
    }
    // A stale temporary folder, as SIGKILL leaves one: the next run removes it.
    std::fs::create_dir(dir.join(".out.onus-tmp-999999")).unwrap();
    let o = onus(&[
        "report",
        "samples/inventory.csv",
        "-q",
        "--format",
        "json",
        "-o",
        s(&dir.join("out")),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!dir.join(".out.onus-tmp-999999").exists());
}
