use clap::Parser;
use onus::catalogue::DataError;
use onus::cli::Exit;
use onus::inventory::InventoryError;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    onus::allocator::tune();
    onus::output::remove_staging_on_signals();
    let cli = match onus::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Error
            } else {
                Exit::Success
            }
            .into();
        }
    };
    let mut out = PipeSafe {
        inner: std::io::stdout().lock(),
        closed: false,
    };
    let result = onus::cli::run(cli, &mut out);
    onus::progress::finish();
    let _ = out.flush();
    match result {
        Ok(exit) => exit.into(),
        Err(e) => {
            // Input errors already read `file:line: error: ...`.
            let text = if e.downcast_ref::<InventoryError>().is_some()
                || e.downcast_ref::<DataError>().is_some()
            {
                e.to_string()
            } else {
                format!("error: {e:#}")
            };
            let _ = writeln!(std::io::stderr(), "{}", onus::text::visible(&text));
            Exit::Error.into()
        }
    }
}

/// Standard output that a closed pipe (`onus services | head -1`) silences instead of
/// failing: the command still runs to the end and returns its own exit code.
struct PipeSafe<W: Write> {
    inner: W,
    closed: bool,
}

impl<W: Write> Write for PipeSafe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.inner.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}
