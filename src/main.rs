use clap::Parser;
use onus::catalogue::DataError;
use onus::inventory::InventoryError;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match onus::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match onus::cli::run(cli, &mut out) {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // Input errors already read `file:line: error: ...`.
            if e.downcast_ref::<InventoryError>().is_some()
                || e.downcast_ref::<DataError>().is_some()
            {
                eprintln!("{e}");
            } else {
                eprintln!("error: {e:#}");
            }
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
