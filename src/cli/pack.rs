//! `onus pack`, `onus verify` and `onus keygen`: evidence packs, their check, and the
//! key pair that signs them.

use super::shared::{output_folder, print_outcome, render_all, AssessArgs, Exit};
use crate::project::Project;
use crate::render::pdf::Paper;
use crate::render::{Format, Renderer};
use anyhow::{anyhow, bail, Result};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub struct PackArgs {
    #[command(flatten)]
    pub assess: AssessArgs,
    /// Output folder of the pack (default: `[pack] output` in onus.toml).
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Paper size of the PDF [default: a4].
    #[arg(long, value_enum)]
    pub paper: Option<Paper>,
    /// Replace the files onus wrote in a non-empty output folder (and DIR.zip).
    #[arg(long)]
    pub force: bool,
    /// Sign manifest.json with this secret key (`onus keygen`): writes manifest.json.minisig.
    /// An encrypted key's password comes from ONUS_KEY_PASSWORD, or the terminal.
    #[arg(long, value_name = "KEY")]
    pub sign: Option<PathBuf>,
    /// Also write the pack as one zip, DIR.zip beside the folder.
    #[arg(long)]
    pub zip: bool,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The pack: its folder (holding manifest.json), or its zip.
    pub pack: PathBuf,
    /// Check manifest.json's signature with this public key (onus.pub, from the pack's maker).
    #[arg(long, value_name = "PUB")]
    pub key: Option<PathBuf>,
    /// Fail unless manifest.json has this SHA-256 (the digest `onus pack` printed).
    #[arg(long, value_name = "SHA256", value_parser = parse_sha256)]
    pub expect: Option<String>,
    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct KeygenArgs {
    /// The folder to write onus.key and onus.pub into.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Write the secret key without a password (for a CI secret store).
    #[arg(long)]
    pub unencrypted: bool,
    /// Replace a key pair that onus wrote in the folder before.
    #[arg(long)]
    pub force: bool,
}

fn parse_sha256(text: &str) -> std::result::Result<String, String> {
    let digest = text.trim().to_ascii_lowercase();
    if digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(digest)
    } else {
        Err("expected a SHA-256 digest: 64 hexadecimal digits".into())
    }
}

pub fn pack_command(
    args: PackArgs,
    project: Option<&Project>,
    out: &mut dyn Write,
) -> Result<Exit> {
    let request = crate::assess::Request {
        keep_stdin: true,
        ..args.assess.request(project)?
    };
    let output = output_folder(
        &args.output,
        project.and_then(|p| p.pack_output.as_ref()),
        None,
        "pack",
    )?;
    let paper = args
        .paper
        .or(project.and_then(|p| p.paper))
        .unwrap_or_default();
    crate::progress::enable(args.assess.quiet);
    let assessed = crate::assess::run(&request)?;
    let report = assessed.report;
    let renderer = Renderer::new(request.templates.as_deref(), paper)?;
    let documents = render_all(&renderer, &report, Format::all())?;
    let zip_top = if args.zip {
        let dir: PathBuf = output.components().collect();
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| anyhow!("--zip needs a pack folder with a name; -o names none"))?;
        Some((dir.with_file_name(format!("{name}.zip")), name))
    } else {
        None
    };
    // The key is read, and its password asked for, before any work is written.
    let key = match &args.sign {
        Some(path) => Some(crate::pack::sign::read_secret_key(path)?),
        None => None,
    };
    let pack = crate::pack::assemble(crate::pack::Inputs {
        report: &report,
        documents,
        inventory: &request.inventory,
        stdin: assessed.stdin.as_deref(),
        register: request.register.as_deref(),
        data: request.data.as_deref(),
        templates: request.templates.as_deref(),
        project: project.map(|p| p.path.as_path()),
        command: crate::pack::readme::command_line(
            std::env::args_os().map(|a| a.to_string_lossy().into_owned()),
        ),
        key: key.as_ref(),
        zip_top: zip_top.as_ref().map(|(_, top)| top.as_str()),
    })?;
    let foreign = crate::pack::foreign_files(&output)?;
    if !foreign.is_empty() {
        bail!(
            "{} holds files onus did not write ({}); a pack folder must hold the pack alone: name another folder with -o",
            output.display(),
            foreign.join(", ")
        );
    }
    // The folder is claimed first: its zip is written under the same lock.
    let names = pack.files.iter().map(|(n, _)| n.clone()).collect();
    let staging = crate::output::Staging::new(&output, names, args.force, &crate::pack::is_own)?;
    let zip = match (&zip_top, &pack.zip) {
        (Some((path, _)), Some(bytes)) => Some(crate::output::stage_file(path, bytes, args.force)?),
        _ => None,
    };
    for (name, body) in &pack.files {
        staging.write(name, body)?;
    }
    staging.finish()?;
    if let Some(zip) = zip {
        zip.finish()?;
    }
    let mut wrote = format!(
        "wrote a pack of {} files to {}",
        pack.files.len(),
        output.display()
    );
    if let Some((path, _)) = &zip_top {
        wrote.push_str(&format!(" and {}", path.display()));
    }
    if key.is_some() {
        wrote.push_str(", signed");
    }
    print_outcome(&report, args.assess.quiet, &wrote, out)?;
    writeln!(out, "manifest.json SHA-256: {}", pack.digest)?;
    Ok(Exit::Success)
}

pub fn verify_command(args: VerifyArgs, out: &mut dyn Write) -> Result<Exit> {
    let key = match &args.key {
        Some(path) => Some(crate::pack::sign::read_public_key(path)?),
        None => None,
    };
    let v = crate::pack::verify(&args.pack, key.as_ref(), args.expect.as_deref())?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        for (label, paths) in [
            ("changed", &v.changed),
            ("missing", &v.missing),
            ("unexpected", &v.unexpected),
            ("refused", &v.refused),
        ] {
            for p in paths {
                writeln!(out, "{label}: {}", crate::text::visible_line(p))?;
            }
        }
        if v.intact {
            writeln!(out, "intact: {} files match the manifest", v.files)?;
        } else {
            writeln!(
                out,
                "NOT intact: {} changed, {} missing, {} unexpected of {} files{}",
                v.changed.len(),
                v.missing.len(),
                v.unexpected.len(),
                v.files,
                match v.refused.len() {
                    0 => String::new(),
                    n => format!("; the zip is refused ({n} reasons above): a tool may extract other files than those checked"),
                }
            )?;
        }
        match &v.signature {
            Some(s) if s.good => writeln!(
                out,
                "signature: good, by key {}: {}",
                s.key_id.as_deref().unwrap_or_default(),
                crate::text::visible_line(&s.message)
            )?,
            Some(s) => writeln!(
                out,
                "signature: BAD: {}",
                crate::text::visible_line(&s.message)
            )?,
            None => {}
        }
        if let (Some(expected), Some(matches)) = (&v.expected_sha256, v.expected_matches) {
            if matches {
                writeln!(out, "digest: manifest.json has the expected SHA-256")?;
            } else {
                writeln!(
                    out,
                    "digest: BAD: manifest.json SHA-256 is {}, expected {expected}",
                    v.manifest_sha256
                )?;
            }
        }
        if v.signature.is_none() && v.expected_sha256.is_none() {
            let signed = if v.signed {
                " (it holds a signature: check it with --key onus.pub)"
            } else {
                ""
            };
            writeln!(
                out,
                "not authenticated: the pack is only self-consistent; whoever edits a file can rewrite manifest.json to match. Pass --key PUB or --expect SHA256 to check it is the maker's{signed}"
            )?;
        }
        writeln!(out, "manifest.json SHA-256: {}", v.manifest_sha256)?;
    }
    Ok(if v.verified {
        Exit::Success
    } else {
        Exit::Findings
    })
}

pub fn keygen_command(args: KeygenArgs, out: &mut dyn Write) -> Result<Exit> {
    use crate::pack::sign::{PASSWORD_VAR, PUBLIC_KEY_FILE, SECRET_KEY_FILE};
    let password = if args.unencrypted {
        None
    } else {
        Some(
            crate::pack::sign::password("Password for the new secret key: ", true)?.ok_or_else(
                || {
                    anyhow!(
                        "the secret key needs a password: set {PASSWORD_VAR}, or pass --unencrypted for a key kept in a CI secret store (onus asks for a password only on a terminal)"
                    )
                },
            )?,
        )
    };
    let encrypted = password.is_some();
    // Checked before the (slow) key derivation.
    let names = vec![SECRET_KEY_FILE.to_string(), PUBLIC_KEY_FILE.to_string()];
    let known = |p: &str| p == SECRET_KEY_FILE || p == PUBLIC_KEY_FILE;
    let staging = crate::output::Staging::new(&args.output, names, args.force, &known)?;
    let keys = crate::pack::sign::generate(password)?;
    staging.write_private(SECRET_KEY_FILE, &keys.secret.into())?;
    staging.write(PUBLIC_KEY_FILE, &keys.public.into())?;
    staging.finish()?;
    let dir = args.output.display();
    writeln!(
        out,
        "wrote {dir}/{SECRET_KEY_FILE} (secret, {}) and {dir}/{PUBLIC_KEY_FILE} (public, key ID {})",
        if encrypted {
            "encrypted with the password"
        } else {
            "NOT encrypted"
        },
        keys.key_id
    )?;
    writeln!(
        out,
        "Sign with `onus pack --sign {dir}/{SECRET_KEY_FILE}`; give {PUBLIC_KEY_FILE} to the auditors by a channel other than the pack."
    )?;
    Ok(Exit::Success)
}
