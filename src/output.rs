//! The one place that writes report files.
//!
//! Files are rendered in memory first, but for the JSON report, which is written as it
//! is serialised ([`Body::Stream`]); every file goes to a temporary folder beside the
//! target, and they are moved into place only when all were written, so a failed run
//! leaves no partial output. A non-empty target is refused unless `--force`, and `--force`
//! only replaces or removes files that onus itself wrote there: those listed in the
//! marker file, and only under names onus writes.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The contents of one file: bytes, or a writer run as the file is written (the JSON
/// of a million-row inventory is never held in memory).
pub enum Body<'a> {
    Bytes(Vec<u8>),
    Stream(Writer<'a>),
}

/// Writes a file's contents as it is written.
pub type Writer<'a> =
    Box<dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()> + Send + Sync + 'a>;

impl Body<'_> {
    pub fn write_to(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        match self {
            Body::Bytes(bytes) => out.write_all(bytes),
            Body::Stream(write) => write(out),
        }
    }

    /// The whole contents in memory.
    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            Body::Bytes(bytes) => bytes.clone(),
            Body::Stream(_) => {
                let mut bytes = Vec::new();
                self.write_to(&mut bytes)
                    .expect("writing to memory cannot fail");
                bytes
            }
        }
    }

    /// The size and SHA-256 of the contents, streamed through the digest.
    pub fn digest(&self) -> std::io::Result<(u64, String)> {
        struct Digest(sha2::Sha256, u64);
        impl std::io::Write for Digest {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                sha2::Digest::update(&mut self.0, buf);
                self.1 += buf.len() as u64;
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut d = Digest(sha2::Digest::new(), 0);
        self.write_to(&mut d)?;
        Ok((d.1, crate::text::hex(&sha2::Digest::finalize(d.0))))
    }
}

impl From<Vec<u8>> for Body<'_> {
    fn from(bytes: Vec<u8>) -> Self {
        Body::Bytes(bytes)
    }
}

impl std::fmt::Debug for Body<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Body::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            Body::Stream(_) => write!(f, "Stream"),
        }
    }
}

/// Files to write: path relative to the output folder, and contents.
pub type Files<'a> = Vec<(String, Body<'a>)>;

/// Lists the files onus wrote into an output folder.
pub const MARKER: &str = ".onus-output";

/// Writes `files` (name, bytes) into `dir`. `known` are every name onus may write there.
pub fn write_all(
    dir: &Path,
    files: &[(String, Body)],
    force: bool,
    known: &dyn Fn(&str) -> bool,
) -> Result<()> {
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let staging = Staging::new(dir, names, force, known)?;
    for (name, body) in files {
        staging.write(name, body)?;
    }
    staging.finish()
}

/// A temporary folder beside the output folder, that files are written into (from any
/// thread, as they are ready) and that is moved into place by [`Staging::finish`]; if
/// it is dropped unfinished, it is removed and the output folder is left as it was.
pub struct Staging {
    dir: PathBuf,
    staging: PathBuf,
    /// The lock on the output folder ([`claim`]), released when the staging ends.
    _lock: std::fs::File,
    /// Every file the run writes, in the order the marker lists them.
    names: Vec<String>,
    /// Files of an earlier run, replaced or removed.
    previous: Vec<String>,
    written: std::sync::atomic::AtomicUsize,
    /// A failure injected by tests (`ONUS_TEST_FAIL_AFTER=N`): stop after N files, as a
    /// full disk or a killed process would, to prove that nothing partial is left behind.
    fail_after: Option<usize>,
}

impl Staging {
    /// Checks `dir` (see [`previous_files`]) for the files named, and creates the
    /// temporary folder.
    pub fn new(
        dir: &Path,
        names: Vec<String>,
        force: bool,
        known: &dyn Fn(&str) -> bool,
    ) -> Result<Staging> {
        // `out/` and `out` are one folder; the trailing slash would make checks follow a link.
        let dir: PathBuf = dir.components().collect();
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "onus-report".into());
        // One run at a time writes a folder: the lock is held until the files are in
        // place, and what is in the folder is checked only once it is held.
        let lock = claim(&parent, &name, &dir)?;
        let previous = previous_files(&dir, force, &names, known)?;
        let staging = parent.join(format!(".{name}.onus-tmp-{}", std::process::id()));
        // Registered before it exists: an interrupt in between still removes it.
        STAGING
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(staging.clone());
        std::fs::create_dir(&staging).map_err(|e| {
            forget_staging(&staging);
            anyhow::anyhow!(
                "cannot write into the folder {} ({e}): onus writes {} there first and moves it into place when every file is written; choose another output folder with -o, or make this one writable",
                parent.display(),
                dir.display()
            )
        })?;
        Ok(Staging {
            dir,
            staging,
            _lock: lock,
            names,
            previous,
            written: Default::default(),
            fail_after: std::env::var("ONUS_TEST_FAIL_AFTER")
                .ok()
                .and_then(|n| n.parse().ok()),
        })
    }

    /// Writes one of the files named.
    pub fn write(&self, name: &str, body: &Body) -> Result<()> {
        self.write_with(name, body, false)
    }

    /// Writes one of the files named, readable by its owner only (a secret key).
    pub fn write_private(&self, name: &str, body: &Body) -> Result<()> {
        self.write_with(name, body, true)
    }

    fn write_with(&self, name: &str, body: &Body, private: bool) -> Result<()> {
        if !self.names.iter().any(|n| n == name) {
            bail!("{name} is not among the files to write");
        }
        let written = self
            .written
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if self.fail_after == Some(written) {
            bail!("stopped after {written} files (ONUS_TEST_FAIL_AFTER)");
        }
        let path = self.staging.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let write = || -> std::io::Result<()> {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            if private {
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            }
            #[cfg(not(unix))]
            let _ = private;
            let mut file = std::io::BufWriter::new(options.open(&path)?);
            body.write_to(&mut file)?;
            std::io::Write::flush(&mut file)
        };
        write().with_context(|| format!("cannot write {}", path.display()))
    }

    /// Moves every file into the output folder, once all are written.
    pub fn finish(self) -> Result<()> {
        let missing: Vec<&str> = self
            .names
            .iter()
            .filter(|n| !self.staging.join(n).is_file())
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            bail!("{} were not written", missing.join(", "));
        }
        let marker: String = self.names.iter().map(|n| format!("{n}\n")).collect();
        std::fs::write(self.staging.join(MARKER), &marker)
            .context("cannot write the output marker")?;
        let (dir, staging) = (&self.dir, &self.staging);
        if !dir.exists() {
            return std::fs::rename(staging, dir)
                .with_context(|| format!("cannot move the report into {}", dir.display()));
        }
        for old in &self.previous {
            if !self.names.contains(old) {
                let _ = std::fs::remove_file(dir.join(old));
            }
        }
        for name in self.names.iter().map(String::as_str).chain([MARKER]) {
            let target = dir.join(name);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
            std::fs::rename(staging.join(name), &target)
                .with_context(|| format!("cannot move {name} into {}", dir.display()))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.staging.exists() {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
        forget_staging(&self.staging);
    }
}

/// Claims the output folder `dir` for this run: an exclusive lock on the sibling file
/// `.NAME.onus-lock`, which no manifest or zip lists. A second run into the same folder
/// is refused while the first holds it. Temporary folders of the folder that no live
/// run holds (a run killed before it could remove them) are removed.
fn claim(parent: &Path, name: &str, dir: &Path) -> Result<std::fs::File> {
    let path = parent.join(format!(".{name}.onus-lock"));
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot create the lock file {}", path.display()))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => bail!(
            "another onus run is writing {} (it holds {}); wait for it to end, or name another folder with -o",
            dir.display(),
            path.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
    // The folder's and its zip's (`pack --zip`).
    let prefixes = [
        format!(".{name}.onus-tmp-"),
        format!(".{name}.zip.onus-tmp-"),
    ];
    if let Ok(entries) = std::fs::read_dir(parent) {
        for entry in entries.flatten() {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            if prefixes.iter().any(|p| file_name.starts_with(p)) {
                remove(&entry.path());
            }
        }
    }
    Ok(lock)
}

/// The temporary folders of the runs in this process, for [`remove_staging_and_exit`].
static STAGING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Removes every temporary folder and file this process holds, then ends the run with
/// `code`: for a run that must end at once (a template past its time limit, an
/// interrupt), where no destructor will run. The list stays locked until the end, so no
/// other thread can register (and so create) a temporary folder in between.
pub fn remove_staging_and_exit(message: &str, code: i32) -> ! {
    let mut staging = STAGING.lock().unwrap_or_else(|p| p.into_inner());
    for path in staging.drain(..) {
        remove(&path);
    }
    eprintln!("{message}");
    std::process::exit(code)
}

/// A temporary folder or file, removed; tried again while another thread may still be
/// writing a file into it.
fn remove(path: &Path) {
    for _ in 0..5 {
        if std::fs::remove_dir_all(path).is_ok() || std::fs::remove_file(path).is_ok() {
            return;
        }
        if !path.exists() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// On SIGINT and SIGTERM, the temporary folders and files are removed before the run
/// ends (exit 130 or 143, as a shell reports a signal). The handler only writes the
/// signal's number to a pipe, which is all a signal handler may safely do; a thread
/// reading the pipe does the rest.
#[cfg(unix)]
pub fn remove_staging_on_signals() {
    use std::io::Read;
    use std::os::fd::FromRawFd;
    use std::sync::atomic::{AtomicI32, Ordering};
    extern "C" {
        fn pipe(fds: *mut i32) -> i32;
        fn signal(signum: i32, handler: usize) -> usize;
        fn write(fd: i32, buf: *const u8, count: usize) -> isize;
    }
    static WRITE_END: AtomicI32 = AtomicI32::new(-1);
    extern "C" fn on_signal(signum: i32) {
        let byte = signum as u8;
        // SAFETY: write(2) is async-signal-safe; the byte lives for the call.
        unsafe {
            write(WRITE_END.load(Ordering::Relaxed), &byte, 1);
        }
    }
    const SIGINT: i32 = 2;
    const SIGTERM: i32 = 15;
    let mut fds = [0i32; 2];
    // SAFETY: pipe(2) fills the two descriptors of the array it is given.
    if unsafe { pipe(fds.as_mut_ptr()) } != 0 {
        return;
    }
    WRITE_END.store(fds[1], Ordering::Relaxed);
    // SAFETY: the read end is a fresh descriptor that nothing else owns.
    let mut read_end = unsafe { std::fs::File::from_raw_fd(fds[0]) };
    std::thread::spawn(move || {
        let mut signum = [0u8; 1];
        if read_end.read_exact(&mut signum).is_ok() {
            remove_staging_and_exit(
                "interrupted: no output was written",
                128 + i32::from(signum[0]),
            );
        }
    });
    // SAFETY: the handler only calls write(2), which is async-signal-safe.
    unsafe {
        signal(SIGINT, on_signal as *const () as usize);
        signal(SIGTERM, on_signal as *const () as usize);
    }
}

#[cfg(not(unix))]
pub fn remove_staging_on_signals() {}

/// Writes a new file, never one that exists (`onus init`): created whole or not at all.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    if let Err(e) = file.write_all(bytes).and_then(|()| file.sync_all()) {
        let _ = std::fs::remove_file(path);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}

/// A file's bytes, refused past `limit` (an input named by the user may be `/dev/zero`
/// or a multi-gigabyte file): the error says how large it may be.
pub fn read_bounded(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        let size = if limit >= 1 << 20 {
            format!("{} MiB", limit >> 20)
        } else {
            format!("{} KiB", limit.div_ceil(1 << 10))
        };
        return Err(std::io::Error::other(format!(
            "it is larger than {size}, more than onus reads of such a file"
        )));
    }
    Ok(bytes)
}

/// One file written beside an output folder (a pack's zip): to a temporary name first,
/// moved into place by [`Pending::finish`]; dropped unfinished, the temporary file is
/// removed.
pub struct Pending {
    temporary: PathBuf,
    target: PathBuf,
}

/// Writes `bytes` to a temporary file beside `target`, to be moved into place by
/// [`Pending::finish`]. An existing `target` is refused unless `force`, and a link or a
/// folder always.
pub fn stage_file(target: &Path, bytes: &[u8], force: bool) -> Result<Pending> {
    match std::fs::symlink_metadata(target) {
        Ok(m) if !m.file_type().is_file() => bail!(
            "{} exists and is not a file; move it away",
            target.display()
        ),
        Ok(_) if !force => bail!("{} exists; pass --force to replace it", target.display()),
        _ => {}
    }
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = target.with_file_name(format!(".{name}.onus-tmp-{}", std::process::id()));
    if let Some(parent) = temporary.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    STAGING
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(temporary.clone());
    let pending = Pending {
        temporary,
        target: target.to_path_buf(),
    };
    std::fs::write(&pending.temporary, bytes)
        .with_context(|| format!("cannot write {}", pending.temporary.display()))?;
    Ok(pending)
}

impl Pending {
    pub fn finish(self) -> Result<()> {
        std::fs::rename(&self.temporary, &self.target)
            .with_context(|| format!("cannot move {} into place", self.target.display()))
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.temporary);
        forget_staging(&self.temporary);
    }
}

/// A temporary folder or file that is gone (moved into place or removed).
fn forget_staging(path: &Path) {
    STAGING
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .retain(|s| s != path);
}

/// The files a previous run of onus wrote into `dir` (listed in its marker and named as
/// onus names its outputs). Refuses a non-empty folder without `force`, and any file
/// onus is about to write that it did not write itself.
fn previous_files(
    dir: &Path,
    force: bool,
    names: &[String],
    known: &dyn Fn(&str) -> bool,
) -> Result<Vec<String>> {
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
    };
    if meta.file_type().is_symlink() {
        bail!(
            "{} is a symbolic link; name a real folder with -o",
            dir.display()
        );
    }
    if !meta.is_dir() {
        bail!(
            "{} exists and is not a folder; name a folder with -o",
            dir.display()
        );
    }
    let mut entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    if entries.next().is_none() {
        return Ok(Vec::new());
    }
    if !force {
        bail!(
            "{} is not empty; pass --force to replace the files onus wrote there, or name another folder with -o",
            dir.display()
        );
    }
    let listed = std::fs::read_to_string(dir.join(MARKER)).unwrap_or_default();
    // Only relative paths inside the folder, named as onus names its outputs.
    let inside = |l: &str| {
        !l.starts_with('/')
            && !l.contains('\\')
            && !l.split('/').any(|c| c.is_empty() || c == "." || c == "..")
    };
    let ours: Vec<String> = listed
        .lines()
        .filter(|l| inside(l) && known(l) && dir.join(l).is_file())
        .map(String::from)
        .collect();
    for name in names {
        if dir.join(name).exists() && !ours.contains(name) {
            bail!(
                "{} holds a {name} that onus did not write (it is not listed in {MARKER}); move it away or name another folder with -o",
                dir.display()
            );
        }
    }
    Ok(ours)
}
