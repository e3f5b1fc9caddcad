//! Signing keys and signatures in minisign's format, so that an auditor can check a pack
//! with the standard `minisign -V` tool as well as with onus. The cryptography is the
//! `minisign` crate's; this module only reads and writes its files, and checks their
//! shape before handing them over, so that a damaged file is a finding, never a panic.
//!
//! The secret key is encrypted with a password (scrypt, as minisign does), read from
//! `ONUS_KEY_PASSWORD`, or asked for when standard input is a terminal; `keygen
//! --unencrypted` writes a key without one, for a CI secret store.

use anyhow::{anyhow, bail, Context, Result};
use ct_codecs::{Base64, Decoder};
use minisign::{KeyPair, PublicKey, SecretKey, SecretKeyBox, SignatureBox};
use std::io::{Cursor, IsTerminal};
use std::path::Path;

/// The signature of `manifest.json`, in the pack.
pub const SIGNATURE: &str = "manifest.json.minisig";
/// The environment variable that holds the secret key's password.
pub const PASSWORD_VAR: &str = "ONUS_KEY_PASSWORD";
pub const SECRET_KEY_FILE: &str = "onus.key";
pub const PUBLIC_KEY_FILE: &str = "onus.pub";

const COMMENT_PREFIX: &str = "untrusted comment: ";
const TRUSTED_PREFIX: &str = "trusted comment: ";
/// Algorithm, key id and the Ed25519 signature.
const SIGNATURE_BYTES: usize = 2 + 8 + 64;
/// Algorithm, key id and the Ed25519 public key.
const PUBLIC_KEY_BYTES: usize = 2 + 8 + 32;
/// Algorithms, scrypt salt and limits, key id, secret key and checksum.
const SECRET_KEY_BYTES: usize = 2 + 2 + 2 + 32 + 8 + 8 + 8 + 64 + 32;

/// A new key pair's files.
pub struct KeyFiles {
    pub secret: Vec<u8>,
    pub public: Vec<u8>,
    /// The key id as minisign prints it (16 hex digits).
    pub key_id: String,
}

/// Generates a key pair; the secret key encrypted with `password`, or not at all.
pub fn generate(password: Option<String>) -> Result<KeyFiles> {
    let encrypted = password.is_some();
    let pair = match password {
        Some(p) => KeyPair::generate_encrypted_keypair(Some(p)),
        None => KeyPair::generate_unencrypted_keypair(),
    }
    .map_err(|e| anyhow!("cannot generate a key pair: {e}"))?;
    let comment = if encrypted {
        "onus secret key (minisign format, encrypted with a password)"
    } else {
        "onus secret key (minisign format, NOT encrypted: keep it in a secret store)"
    };
    let secret = pair
        .sk
        .to_box(Some(comment))
        .map_err(|e| anyhow!("cannot write the secret key: {e}"))?
        .to_bytes();
    let public = pair
        .pk
        .to_box()
        .map_err(|e| anyhow!("cannot write the public key: {e}"))?
        .to_bytes();
    Ok(KeyFiles {
        secret,
        public,
        key_id: key_id(pair.pk.keynum()),
    })
}

/// Minisign's key id: the 8 key-number bytes as a little-endian number in hex.
pub fn key_id(keynum: &[u8]) -> String {
    keynum.iter().rev().map(|b| format!("{b:02X}")).collect()
}

/// The second line of a minisign file, base64-decoded, if the first is a comment.
fn payload(text: &str) -> Option<Vec<u8>> {
    let mut lines = text.lines();
    lines.next()?.strip_prefix(COMMENT_PREFIX)?;
    Base64::decode_to_vec(lines.next()?.trim(), None).ok()
}

/// The largest key file read: minisign's are a few hundred bytes, and a path such as
/// `/dev/zero` must not be read without end.
const LARGEST_KEY_FILE: u64 = 64 << 10;

/// Reads a public key file (`onus.pub`, or minisign's own): the file minisign writes,
/// or its one base64 line.
pub fn read_public_key(path: &Path) -> Result<PublicKey> {
    let bytes = crate::output::read_bounded(path, LARGEST_KEY_FILE)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let decoded = payload(&text).or_else(|| {
        let line = text.trim();
        (!line.contains('\n'))
            .then(|| Base64::decode_to_vec(line, None).ok())
            .flatten()
    });
    match decoded {
        Some(key) if key.len() == PUBLIC_KEY_BYTES && key.starts_with(b"Ed") => {
            PublicKey::from_bytes(&key).map_err(|e| anyhow!("{}: {e}", path.display()))
        }
        _ if payload(&text).is_some_and(|k| k.len() == SECRET_KEY_BYTES) => bail!(
            "{} is a secret key; --key takes the public key (onus.pub), which is safe to share",
            path.display()
        ),
        _ => bail!(
            "{} is not a minisign public key (two lines: \"untrusted comment: ...\" and a base64 key); pass the onus.pub that `onus keygen` wrote",
            path.display()
        ),
    }
}

/// Reads a secret key file, decrypting it with the password from `ONUS_KEY_PASSWORD`, or
/// from the terminal; never prompts when standard input is not a terminal.
pub fn read_secret_key(path: &Path) -> Result<SecretKey> {
    let bytes = crate::output::read_bounded(path, LARGEST_KEY_FILE)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let Some(raw) = payload(&text) else {
        bail!(
            "{} is not a minisign secret key (two lines: \"untrusted comment: ...\" and a base64 key); pass the onus.key that `onus keygen` wrote",
            path.display()
        );
    };
    if raw.len() == PUBLIC_KEY_BYTES {
        bail!(
            "{} is a public key; --sign takes the secret key (onus.key)",
            path.display()
        );
    }
    if raw.len() != SECRET_KEY_BYTES || !raw.starts_with(b"Ed") || &raw[4..6] != b"B2" {
        bail!(
            "{} is not a minisign Ed25519 secret key, or it is damaged; pass the onus.key that `onus keygen` wrote",
            path.display()
        );
    }
    let sk_box =
        SecretKeyBox::from_string(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    let key = match &raw[2..4] {
        [0, 0] => SecretKey::from_unencrypted_box(sk_box)
            .map_err(|_| {
                anyhow!(
                    "{}: its checksum does not match: the key is damaged (a key that `minisign -G -W` wrote is not read; make one with `onus keygen --unencrypted`)",
                    path.display()
                )
            })?,
        b"Sc" => {
            let password = password(&format!("Password for {}: ", path.display()), false)?
                .ok_or_else(|| {
                    anyhow!(
                        "{} is encrypted: set {PASSWORD_VAR} to its password (onus asks for it only on a terminal)",
                        path.display()
                    )
                })?;
            SecretKey::from_box(sk_box, Some(password)).map_err(|_| {
                anyhow!(
                    "{}: wrong password, or the key is damaged (the password comes from {PASSWORD_VAR}, or the terminal)",
                    path.display()
                )
            })?
        }
        _ => bail!(
            "{} is encrypted with an algorithm minisign does not use",
            path.display()
        ),
    };
    Ok(key)
}

/// The password in `ONUS_KEY_PASSWORD`, else one typed on the terminal (twice when
/// `confirm`), else none: standard input is not a terminal.
pub fn password(prompt: &str, confirm: bool) -> Result<Option<String>> {
    if let Some(value) = std::env::var_os(PASSWORD_VAR) {
        let value = value
            .into_string()
            .map_err(|_| anyhow!("{PASSWORD_VAR} is not valid UTF-8"))?;
        if value.is_empty() {
            bail!("{PASSWORD_VAR} is set but empty; set a password, or unset it");
        }
        return Ok(Some(value));
    }
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    let first = rpassword::prompt_password(prompt).context("cannot read the password")?;
    if first.is_empty() {
        bail!("an empty password protects nothing; use keygen --unencrypted for a key without one");
    }
    if confirm {
        let again =
            rpassword::prompt_password("Password (again): ").context("cannot read the password")?;
        if again != first {
            bail!("the two passwords differ");
        }
    }
    Ok(Some(first))
}

/// A minisign signature of `data`, with `trusted` as its signed comment.
pub fn sign(key: &SecretKey, data: &[u8], trusted: &str) -> Result<Vec<u8>> {
    let public = PublicKey::from_secret_key(key).map_err(|e| anyhow!("the secret key: {e}"))?;
    let signature = minisign::sign(
        Some(&public),
        key,
        Cursor::new(data),
        Some(trusted),
        Some(&format!(
            "signature from onus secret key {}",
            key_id(public.keynum())
        )),
    )
    .map_err(|e| anyhow!("cannot sign: {e}"))?;
    Ok(signature.to_bytes())
}

/// What checking a signature found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// Made by the key, over these bytes; with its trusted comment.
    Good { key_id: String, comment: String },
    /// Not made by this key over these bytes, or damaged: why.
    Bad(String),
}

/// Checks a signature file's bytes against `data` and a public key. A file that is not
/// a minisign signature at all (its first line is not an untrusted comment) is an error;
/// a signature that is truncated, damaged, from another key or over other bytes is a
/// [`Check::Bad`].
pub fn check(key: &PublicKey, signature: &[u8], data: &[u8]) -> Result<Check> {
    let text = String::from_utf8_lossy(signature);
    let lines: Vec<&str> = text.lines().collect();
    if !lines.first().is_some_and(|l| l.starts_with(COMMENT_PREFIX)) {
        bail!(
            "{SIGNATURE} is not a minisign signature (its first line is not \"untrusted comment: ...\"); ask the pack's maker for the file `onus pack --sign` wrote"
        );
    }
    let damaged = |what: &str| {
        Ok(Check::Bad(format!(
            "{SIGNATURE} is truncated or damaged: {what}"
        )))
    };
    let Some(sig) = lines
        .get(1)
        .and_then(|l| Base64::decode_to_vec(l.trim(), None).ok())
    else {
        return damaged("its signature line is missing or not base64");
    };
    if sig.len() != SIGNATURE_BYTES {
        return damaged("its signature has the wrong length");
    }
    if &sig[..2] != b"ED" {
        return damaged("it is not a prehashed Ed25519 signature, as minisign writes");
    }
    if !lines.get(2).is_some_and(|l| l.starts_with(TRUSTED_PREFIX)) {
        return damaged("its trusted comment is missing");
    }
    let Some(global) = lines
        .get(3)
        .and_then(|l| Base64::decode_to_vec(l.trim(), None).ok())
    else {
        return damaged("the signature of its trusted comment is missing or not base64");
    };
    if global.len() != 64 {
        return damaged("the signature of its trusted comment has the wrong length");
    }
    if &sig[2..10] != key.keynum() {
        return Ok(Check::Bad(format!(
            "{SIGNATURE} was made with another key (key ID {}; the public key given is {})",
            key_id(&sig[2..10]),
            key_id(key.keynum())
        )));
    }
    let parsed = match SignatureBox::from_string(&text) {
        Ok(b) => b,
        Err(e) => return damaged(&e.to_string()),
    };
    match minisign::verify(key, &parsed, Cursor::new(data), true, false, false) {
        Ok(()) => Ok(Check::Good {
            key_id: key_id(key.keynum()),
            comment: parsed.trusted_comment().unwrap_or_default(),
        }),
        Err(_) => Ok(Check::Bad(format!(
            "{SIGNATURE} does not match manifest.json: the manifest was changed after it was signed, or the signature is damaged"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> (PublicKey, SecretKey) {
        let files = generate(None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("k"), &files.secret).unwrap();
        std::fs::write(dir.path().join("p"), &files.public).unwrap();
        (
            read_public_key(&dir.path().join("p")).unwrap(),
            read_secret_key(&dir.path().join("k")).unwrap(),
        )
    }

    #[test]
    fn a_signature_checks_and_every_damage_is_a_finding() {
        let (public, secret) = pair();
        let sig = sign(&secret, b"manifest", "onus pack").unwrap();
        assert!(matches!(
            check(&public, &sig, b"manifest").unwrap(),
            Check::Good { comment, .. } if comment == "onus pack"
        ));
        assert!(
            matches!(check(&public, &sig, b"other").unwrap(), Check::Bad(m) if m.contains("does not match"))
        );
        // Cut at every length short of the final line break: never a panic, never good.
        for n in 0..sig.len() - 1 {
            match check(&public, &sig[..n], b"manifest") {
                Ok(Check::Good { .. }) => panic!("a signature cut at {n} bytes checked"),
                Ok(Check::Bad(_)) => {}
                Err(e) => assert!(e.to_string().contains("not a minisign signature"), "{e}"),
            }
        }
        let (other, _) = pair();
        assert!(
            matches!(check(&other, &sig, b"manifest").unwrap(), Check::Bad(m) if m.contains("another key"))
        );
    }
}
