//! Evidence packs as an auditor checks them: signed with `onus keygen` keys, checked with
//! the standard tools (`sha256sum -c`, `minisign -V`) and with `onus verify --key` and
//! `--expect`; the zip; and every tamper caught.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PASSWORD: &str = "correct horse battery staple";

fn onus_with(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_onus"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .env_remove("ONUS_TEST_FAIL_AFTER")
        .env_remove("ONUS_KEY_PASSWORD")
        .args(args);
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

fn onus(args: &[&str]) -> Output {
    onus_with(args, &[])
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// An encrypted key pair in `dir/name`.
fn keys(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let folder = dir.join(name);
    let o = onus_with(
        &["keygen", "-o", s(&folder)],
        &[("ONUS_KEY_PASSWORD", PASSWORD)],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    (folder.join("onus.key"), folder.join("onus.pub"))
}

/// A pack of the sample inventory in `dir/pack`, signed with `key`; and its digest.
fn signed_pack(dir: &Path, key: &Path, extra: &[&str]) -> (PathBuf, String) {
    let pack = dir.join("pack");
    let mut args = vec![
        "pack",
        "samples/inventory.csv",
        "-o",
        s(&pack),
        "--sign",
        s(key),
        "-q",
    ];
    args.extend_from_slice(extra);
    let o = onus_with(&args, &[("ONUS_KEY_PASSWORD", PASSWORD)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let digest = stdout(&o)
        .trim()
        .strip_prefix("manifest.json SHA-256: ")
        .unwrap()
        .to_string();
    (pack, digest)
}

fn verify(pack: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["verify", s(pack)];
    args.extend_from_slice(extra);
    let o = onus(&args);
    (o.status.code(), stdout(&o) + &stderr(&o))
}

/// Edits a pack's Markdown, then rewrites manifest.json and SHA256SUMS to match, as a
/// forger who knows the format would.
fn forge(pack: &Path) {
    let md = pack.join("responsibility-matrix.md");
    let mut text = std::fs::read_to_string(&md).unwrap();
    text.push_str("\nAll duties are the provider's.\n");
    std::fs::write(&md, &text).unwrap();
    let path = pack.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    for f in manifest["files"].as_array_mut().unwrap() {
        if f["path"] == "responsibility-matrix.md" {
            f["sha256"] = sha256(text.as_bytes()).into();
            f["size"] = text.len().into();
        }
    }
    let mut bytes = serde_json::to_vec_pretty(&manifest).unwrap();
    bytes.push(b'\n');
    std::fs::write(&path, &bytes).unwrap();
    let sums: String = std::fs::read_to_string(pack.join("SHA256SUMS"))
        .unwrap()
        .lines()
        .map(|l| {
            let (_, name) = l.split_once("  ").unwrap();
            let digest = sha256(&std::fs::read(pack.join(name)).unwrap());
            format!("{digest}  {name}\n")
        })
        .collect();
    std::fs::write(pack.join("SHA256SUMS"), sums).unwrap();
}

fn sha256(bytes: &[u8]) -> String {
    onus::text::sha256_hex(bytes)
}

#[test]
fn a_signed_pack_verifies_with_the_standard_tools_and_with_onus() {
    let t = tempfile::tempdir().unwrap();
    let (key, public) = keys(t.path(), "keys");
    let secret = std::fs::read_to_string(&key).unwrap();
    assert!(secret.starts_with("untrusted comment: "), "{secret}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the secret key is its owner's alone");
    }
    let (pack, digest) = signed_pack(t.path(), &key, &["--zip"]);
    for file in ["SHA256SUMS", "README.md", "manifest.json.minisig"] {
        assert!(pack.join(file).is_file(), "{file}");
    }
    let sums = std::fs::read_to_string(pack.join("SHA256SUMS")).unwrap();
    assert!(
        sums.contains(&format!("{digest}  manifest.json\n")),
        "{sums}"
    );
    assert!(!sums.contains("SHA256SUMS") && !sums.contains(".minisig"));
    let readme = std::fs::read_to_string(pack.join("README.md")).unwrap();
    for part in [
        "| `responsibility-matrix.pdf` |",
        "- onus version: ",
        "- command: `onus pack samples/inventory.csv --sign onus.key --zip`",
        "sha256sum -c SHA256SUMS",
        "minisign -V -p onus.pub -m manifest.json",
        "onus verify PACK --key onus.pub",
    ] {
        assert!(readme.contains(part), "{part} in {readme}");
    }
    assert!(!readme.contains(s(t.path())), "no absolute path: {readme}");

    for target in [pack.clone(), t.path().join("pack.zip")] {
        let (code, text) = verify(&target, &["--key", s(&public), "--expect", &digest]);
        assert_eq!(code, Some(0), "{text}");
        assert!(
            text.contains("intact: 11 files match the manifest"),
            "{text}"
        );
        assert!(text.contains("signature: good, by key "), "{text}");
        assert!(
            text.contains("digest: manifest.json has the expected SHA-256"),
            "{text}"
        );
        assert!(!text.contains("not authenticated"), "{text}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&onus(&["verify", s(&pack), "--key", s(&public), "--json"]).stdout)
            .unwrap();
    assert_eq!(json["verified"], true);
    assert_eq!(json["authenticated"], true);
    assert_eq!(json["signature"]["good"], true);

    if common::tool("sha256sum") {
        let o = Command::new("sha256sum")
            .args(["-c", "--strict", "SHA256SUMS"])
            .current_dir(&pack)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    }
    if common::tool("minisign") {
        let o = Command::new("minisign")
            .args(["-V", "-p", s(&public), "-m"])
            .arg(pack.join("manifest.json"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
        assert!(
            stdout(&o).contains(&digest),
            "the trusted comment names the digest"
        );
        // And minisign refuses the forged manifest, as onus does.
        forge(&pack);
        let o = Command::new("minisign")
            .args(["-V", "-p", s(&public), "-m"])
            .arg(pack.join("manifest.json"))
            .output()
            .unwrap();
        assert!(!o.status.success(), "minisign accepted a forged manifest");
    }
}

#[test]
fn the_zip_is_byte_identical_across_runs() {
    let t = tempfile::tempdir().unwrap();
    let zips: Vec<Vec<u8>> = ["a", "b"]
        .iter()
        .map(|n| {
            let pack = t.path().join(n).join("evidence");
            let o = onus(&[
                "pack",
                "samples/inventory.csv",
                "-o",
                s(&pack),
                "--zip",
                "-q",
                "--force",
            ]);
            assert!(o.status.success(), "{}", stderr(&o));
            std::fs::read(t.path().join(n).join("evidence.zip")).unwrap()
        })
        .collect();
    assert!(zips[0] == zips[1], "two runs gave different zips");
    // Entries under one folder, in path order, dated the report date.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&zips[0])).unwrap();
    let names: Vec<String> = (0..archive.len())
        .map(|i| archive.by_index(i).unwrap().name().unwrap().into_owned())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(names.len(), 13, "{names:?}");
    assert!(
        names.iter().all(|n| n.starts_with("evidence/")),
        "{names:?}"
    );
    let first = archive.by_index(0).unwrap();
    let time = first.last_modified().unwrap();
    assert_eq!((time.year(), time.month(), time.day()), (2026, 1, 1));
    assert_eq!(first.unix_mode().map(|m| m & 0o777), Some(0o644));
    drop(first);
    // Again over an existing zip: refused without --force, replaced with it.
    let pack = t.path().join("a").join("evidence");
    let again = onus(&[
        "pack",
        "samples/inventory.csv",
        "-o",
        s(&pack),
        "--zip",
        "-q",
    ]);
    assert_eq!(again.status.code(), Some(2));
    let again = onus(&[
        "pack",
        "samples/inventory.csv",
        "-o",
        s(&pack),
        "--zip",
        "-q",
        "--force",
    ]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(std::fs::read(t.path().join("a/evidence.zip")).unwrap() == zips[0]);
}

#[test]
fn keys_need_a_password_and_onus_never_prompts_without_a_terminal() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("keys");
    let o = onus(&["keygen", "-o", s(&dir)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("set ONUS_KEY_PASSWORD"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.exists(), "nothing written");

    let (key, _) = keys(t.path(), "keys");
    // Encrypted: no password, or a wrong one, is refused before anything is written.
    let pack = t.path().join("pack");
    let o = onus(&[
        "pack",
        "samples/inventory.csv",
        "-o",
        s(&pack),
        "--sign",
        s(&key),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is encrypted: set ONUS_KEY_PASSWORD"),
        "{}",
        stderr(&o)
    );
    let o = onus_with(
        &[
            "pack",
            "samples/inventory.csv",
            "-o",
            s(&pack),
            "--sign",
            s(&key),
        ],
        &[("ONUS_KEY_PASSWORD", "wrong")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("wrong password"), "{}", stderr(&o));
    assert!(!pack.exists());

    // An existing key pair is never replaced without --force.
    let o = onus_with(
        &["keygen", "-o", s(&dir)],
        &[("ONUS_KEY_PASSWORD", PASSWORD)],
    );
    assert_eq!(o.status.code(), Some(2));

    // Unencrypted, for CI: signs without a password.
    let ci = t.path().join("ci");
    let o = onus(&["keygen", "-o", s(&ci), "--unencrypted"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("NOT encrypted"));
    let o = onus(&[
        "pack",
        "samples/inventory.csv",
        "-o",
        s(&pack),
        "--sign",
        s(&ci.join("onus.key")),
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (code, text) = verify(&pack, &["--key", s(&ci.join("onus.pub"))]);
    assert_eq!(code, Some(0), "{text}");
    // The public key is not a secret key, nor the other way round.
    let o = onus(&[
        "pack",
        "samples/inventory.csv",
        "-o",
        s(&t.path().join("p2")),
        "--sign",
        s(&ci.join("onus.pub")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is a public key"), "{}", stderr(&o));
    let (code, text) = verify(&pack, &["--key", s(&ci.join("onus.key"))]);
    assert_eq!(code, Some(2));
    assert!(text.contains("is a secret key"), "{text}");
}

#[test]
fn without_a_key_or_digest_verify_says_the_pack_is_only_self_consistent() {
    let t = tempfile::tempdir().unwrap();
    let (key, public) = keys(t.path(), "keys");
    let (pack, digest) = signed_pack(t.path(), &key, &[]);
    forge(&pack);
    // The forgery is self-consistent: plain verify passes, and says what that is worth.
    let (code, text) = verify(&pack, &[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("not authenticated: the pack is only self-consistent"),
        "{text}"
    );
    // The key and the recorded digest both catch it.
    let (code, text) = verify(&pack, &["--key", s(&public)]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("signature: BAD: manifest.json.minisig does not match manifest.json"),
        "{text}"
    );
    let (code, text) = verify(&pack, &["--expect", &digest]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("digest: BAD: manifest.json SHA-256 is "),
        "{text}"
    );
    assert!(text.contains(&format!("expected {digest}")), "{text}");
}

#[test]
fn every_tamper_is_caught_and_named() {
    let t = tempfile::tempdir().unwrap();
    let (key, public) = keys(t.path(), "keys");
    // The forger's key, unencrypted.
    let other = t.path().join("other");
    assert!(onus(&["keygen", "-o", s(&other), "--unencrypted"])
        .status
        .success());
    let (other_key, other_public) = (other.join("onus.key"), other.join("onus.pub"));
    let fresh = |name: &str| -> (PathBuf, String) {
        let dir = t.path().join(name);
        std::fs::create_dir(&dir).unwrap();
        signed_pack(&dir, &key, &[])
    };
    let key_args = ["--key", s(&public)];

    // A changed file.
    let (pack, _) = fresh("changed");
    std::fs::write(pack.join("responsibility-matrix.md"), "edited").unwrap();
    let (code, text) = verify(&pack, &key_args);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("changed: responsibility-matrix.md"), "{text}");
    assert!(
        text.contains("signature: good"),
        "the manifest itself is the maker's: {text}"
    );

    // A changed manifest, digests left alone.
    let (pack, digest) = fresh("manifest");
    let path = pack.join("manifest.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("\"date\": \"2026-01-01\"", "\"date\": \"2026-03-31\""),
    )
    .unwrap();
    let (code, text) = verify(&pack, &key_args);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("changed: SHA256SUMS"), "{text}");
    assert!(
        text.contains("signature: BAD: manifest.json.minisig does not match"),
        "{text}"
    );
    let (code, text) = verify(&pack, &["--expect", &digest]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("digest: BAD"), "{text}");

    // An added file, and a removed one.
    let (pack, _) = fresh("added");
    std::fs::write(pack.join("inputs/approval.txt"), "approved").unwrap();
    let (code, text) = verify(&pack, &key_args);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("unexpected: inputs/approval.txt"), "{text}");
    let (pack, _) = fresh("removed");
    std::fs::remove_file(pack.join("responsibility-matrix.pdf")).unwrap();
    let (code, text) = verify(&pack, &key_args);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("missing: responsibility-matrix.pdf"),
        "{text}"
    );
    let (pack, _) = fresh("sums");
    std::fs::remove_file(pack.join("SHA256SUMS")).unwrap();
    let (code, text) = verify(&pack, &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("missing: SHA256SUMS"), "{text}");

    // A forgery re-signed with the forger's own key; and checked against another key.
    let (pack, _) = fresh("resigned");
    forge(&pack);
    let minisig = {
        let forged = std::fs::read(pack.join("manifest.json")).unwrap();
        let secret = onus::pack::sign::read_secret_key(&other_key).unwrap();
        onus::pack::sign::sign(&secret, &forged, "forged").unwrap()
    };
    std::fs::write(pack.join("manifest.json.minisig"), minisig).unwrap();
    let (code, text) = verify(&pack, &key_args);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("signature: BAD: manifest.json.minisig was made with another key"),
        "{text}"
    );
    let (code, text) = verify(&pack, &["--key", s(&other_public)]);
    assert_eq!(code, Some(0), "the forger's own key does check it: {text}");

    // A truncated signature.
    let (pack, _) = fresh("truncated");
    let sig = std::fs::read(pack.join("manifest.json.minisig")).unwrap();
    std::fs::write(pack.join("manifest.json.minisig"), &sig[..sig.len() / 2]).unwrap();
    let (code, text) = verify(&pack, &key_args);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("signature: BAD: manifest.json.minisig is truncated or damaged"),
        "{text}"
    );
    // A removed signature.
    std::fs::remove_file(pack.join("manifest.json.minisig")).unwrap();
    let (code, text) = verify(&pack, &key_args);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("signature: BAD: the pack is not signed"),
        "{text}"
    );

    // A wrong --expect.
    let (pack, _) = fresh("expect");
    let (code, text) = verify(&pack, &["--expect", &"0".repeat(64)]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains(&format!("expected {}", "0".repeat(64))),
        "{text}"
    );
    let (code, text) = verify(&pack, &["--expect", "not-a-digest"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("64 hexadecimal digits"), "{text}");

    // A malformed key or signature file: exit 2, naming the file and what to do.
    let bad_key = t.path().join("bad.pub");
    std::fs::write(&bad_key, "not a key\n").unwrap();
    let (code, text) = verify(&pack, &["--key", s(&bad_key)]);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("bad.pub is not a minisign public key"),
        "{text}"
    );
    assert!(text.contains("pass the onus.pub"), "{text}");
    std::fs::write(pack.join("manifest.json.minisig"), "garbage\n").unwrap();
    let (code, text) = verify(&pack, &key_args);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("manifest.json.minisig is not a minisign signature"),
        "{text}"
    );
}

#[test]
fn a_tampered_zip_is_caught() {
    let t = tempfile::tempdir().unwrap();
    let (key, public) = keys(t.path(), "keys");
    signed_pack(t.path(), &key, &["--zip"]);
    let zip_path = t.path().join("pack.zip");
    let bytes = std::fs::read(&zip_path).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut content).unwrap();
        if name == "pack/responsibility-matrix.md" {
            content.extend_from_slice(b"\nedited\n");
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut out, &content).unwrap();
    }
    out.start_file("pack/extra.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    let tampered = t.path().join("tampered.zip");
    std::fs::write(&tampered, out.finish().unwrap().into_inner()).unwrap();
    let (code, text) = verify(&tampered, &["--key", s(&public)]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("changed: responsibility-matrix.md"), "{text}");
    assert!(text.contains("unexpected: extra.txt"), "{text}");
    let not_zip = t.path().join("not.zip");
    std::fs::write(&not_zip, "plain text").unwrap();
    let (code, text) = verify(&not_zip, &[]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("is not a readable zip"), "{text}");
}

/// A zip of `entries` (name, contents) stored as they are, in the order given, with no
/// check of the names: as a forger writes one (the zip library refuses a name twice).
fn raw_zip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let (mut out, mut directory) = (Vec::new(), Vec::new());
    for (name, content) in entries {
        let mut crc = flate2::Crc::new();
        crc.update(content);
        let offset = out.len() as u32;
        let fields = |out: &mut Vec<u8>| {
            for v in [20u16, 0, 0, 0, 0] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            out.extend_from_slice(&crc.sum().to_le_bytes());
            out.extend_from_slice(&(content.len() as u32).to_le_bytes());
            out.extend_from_slice(&(content.len() as u32).to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
        };
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        fields(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(content);
        directory.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        directory.extend_from_slice(&20u16.to_le_bytes());
        fields(&mut directory);
        for v in [0u16, 0, 0] {
            directory.extend_from_slice(&v.to_le_bytes());
        }
        directory.extend_from_slice(&0u32.to_le_bytes());
        directory.extend_from_slice(&offset.to_le_bytes());
        directory.extend_from_slice(name.as_bytes());
    }
    let start = out.len() as u32;
    out.extend_from_slice(&directory);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, entries.len() as u16, entries.len() as u16] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&(directory.len() as u32).to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// The entries of a zip, in order.
fn entries_of(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(std::fs::read(path).unwrap())).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut content = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut content).unwrap();
            (entry.name().unwrap().into_owned(), content)
        })
        .collect()
}

#[test]
fn a_zip_that_another_tool_extracts_differently_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let (key, public) = keys(t.path(), "keys");
    signed_pack(t.path(), &key, &["--zip"]);
    let original = entries_of(&t.path().join("pack.zip"));
    // The hand-written zip of the same entries verifies: the check reads real zips.
    let same = t.path().join("same.zip");
    std::fs::write(&same, raw_zip(&original)).unwrap();
    let (code, text) = verify(&same, &["--key", s(&public)]);
    assert_eq!(code, Some(0), "{text}");

    // A tampered copy of the Markdown before the original, under the same name: what
    // `unzip -n` and `bsdtar -k` extract. The signature and every digest still match the
    // original, which is what the zip library reads.
    let forged_entry = (
        "pack/responsibility-matrix.md".to_string(),
        b"All duties are the provider's.\n".to_vec(),
    );
    let forged = t.path().join("forged.zip");
    std::fs::write(
        &forged,
        raw_zip(&[vec![forged_entry.clone()], original.clone()].concat()),
    )
    .unwrap();
    let (code, text) = verify(&forged, &["--key", s(&public)]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("refused: pack/responsibility-matrix.md is in the zip twice"),
        "{text}"
    );
    assert!(text.contains("NOT intact"), "{text}");
    let o = onus(&["verify", s(&forged), "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["intact"], false);
    assert_eq!(json["refused"].as_array().unwrap().len(), 1);

    // The same name in other case, or with ./ or //, is the same file to some tools.
    for alias in [
        "pack/RESPONSIBILITY-matrix.md",
        "pack//responsibility-matrix.md",
        "./pack/responsibility-matrix.md",
    ] {
        let mut entries = original.clone();
        entries.push((alias.to_string(), forged_entry.1.clone()));
        let path = t.path().join("alias.zip");
        std::fs::write(&path, raw_zip(&entries)).unwrap();
        let (code, text) = verify(&path, &["--key", s(&public)]);
        assert_eq!(code, Some(1), "{alias}: {text}");
        assert!(text.contains("refused: "), "{alias}: {text}");
    }

    // An entry the directory does not list, hidden between two that it does: what a
    // tool reading the records in order extracts.
    let mut bytes = raw_zip(&original);
    let hidden = raw_zip(std::slice::from_ref(&forged_entry));
    let local_len = 30 + forged_entry.0.len() + forged_entry.1.len();
    let directory_start =
        u32::from_le_bytes(bytes[bytes.len() - 6..bytes.len() - 2].try_into().unwrap()) as usize;
    bytes.splice(
        directory_start..directory_start,
        hidden[..local_len].iter().copied(),
    );
    let end = bytes.len() - 6;
    bytes[end..end + 4].copy_from_slice(&((directory_start + local_len) as u32).to_le_bytes());
    let path = t.path().join("hidden.zip");
    std::fs::write(&path, &bytes).unwrap();
    let (code, text) = verify(&path, &["--key", s(&public)]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("an entry may hide there"), "{text}");

    // A name with a newline prints on one line: it cannot print a line of its own.
    let mut entries = original.clone();
    entries.push((
        "pack/x\nintact: 99 files match the manifest".to_string(),
        b"x".to_vec(),
    ));
    let path = t.path().join("newline.zip");
    std::fs::write(&path, raw_zip(&entries)).unwrap();
    let (code, text) = verify(&path, &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(!text.lines().any(|l| l.starts_with("intact")), "{text}");
    assert!(text.contains("x{U+000A}intact"), "{text}");
}

/// `pack -` reads the inventory from standard input, as `report -` does, and the pack
/// holds those bytes.
#[test]
fn a_pack_of_an_inventory_on_standard_input_holds_it() {
    let t = tempfile::tempdir().unwrap();
    let pack = t.path().join("pack");
    let mut child = Command::new(env!("CARGO_BIN_EXE_onus"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .args(["pack", "-", "-q", "-o", s(&pack)])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let sample =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/inventory.csv")).unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), &sample).unwrap();
    drop(child.stdin.take());
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(pack.join("inputs/inventory.csv")).unwrap(),
        sample
    );
    let (code, text) = verify(&pack, &[]);
    assert_eq!(code, Some(0), "{text}");
}

/// A key file without end (`/dev/zero`) is refused at a bound, never read whole.
#[cfg(unix)]
#[test]
fn key_files_are_read_up_to_a_bound() {
    let t = tempfile::tempdir().unwrap();
    let (key, _) = keys(t.path(), "keys");
    signed_pack(t.path(), &key, &[]);
    let (code, text) = verify(&t.path().join("pack"), &["--key", "/dev/zero"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("/dev/zero") && text.contains("larger than 64 KiB"),
        "{text}"
    );
    let o = onus(&[
        "pack",
        "samples/inventory.csv",
        "-q",
        "--sign",
        "/dev/zero",
        "-o",
        s(&t.path().join("p2")),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("larger than 64 KiB"), "{}", stderr(&o));
}
