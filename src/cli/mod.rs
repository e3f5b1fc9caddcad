//! The command layer: arguments in, text or JSON out, an exit code back. One file a
//! command; all real work is in the library ([`crate::assess`] runs the pipeline), this
//! folder only wires it to the terminal.

mod book;
mod check;
mod completions;
mod diff;
mod frameworks;
mod init;
mod pack;
mod register;
mod report;
mod services;
mod shared;
mod soa;
mod templates;
mod who;

pub use shared::Exit;

use anyhow::Result;
use clap::{CommandFactory, Parser, Subcommand};
use std::io::Write;

#[derive(Parser)]
#[command(
    name = "onus",
    version,
    about = "Who carries each security duty of every cloud service you use: the provider, the customer, or both.",
    after_help = "Example:\n  onus report inventory.csv --org \"Example Corp\" -o onus-report\n  onus who s3 data"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// The project file (default: onus.toml in the current folder, when there is one).
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<std::path::PathBuf>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Write the responsibility matrices for an inventory.
    #[command(
        after_help = "Example:\n  onus report samples/inventory.csv --org \"Example Corp\" -o onus-report"
    )]
    Report(report::ReportArgs),
    /// Validate an inventory; print diagnostics as file:line: level: message.
    #[command(after_help = "Example:\n  onus check samples/inventory.csv --strict")]
    Check(check::CheckArgs),
    /// Say who is responsible for one service's duties, and why.
    #[command(
        after_help = "Examples:\n  onus who s3 data\n  onus who eks --variant fargate\n  onus who \"Amazon EC2\" guest-os --json"
    )]
    Who(who::WhoArgs),
    /// List the service catalogue.
    #[command(after_help = "Example:\n  onus services --tier container --json")]
    Services(services::ServicesArgs),
    /// Write an mdBook source tree of the report (`mdbook build DIR` makes the site).
    #[command(
        after_help = "Example:\n  onus book samples/inventory.csv -f soc2 -f iso27001 -o site --site-url /compliance/\n  mdbook build site"
    )]
    Book(book::BookArgs),
    /// Write an evidence pack: every format, the inputs, a manifest of SHA-256 digests,
    /// SHA256SUMS and a README for the auditor; signed and zipped when asked.
    #[command(
        after_help = "Examples:\n  SOURCE_DATE_EPOCH=1767225600 onus pack samples/inventory.csv -f soc2 -o evidence-2026-q1\n  onus pack samples/inventory.csv -o evidence-2026-q1 --sign keys/onus.key --zip"
    )]
    Pack(pack::PackArgs),
    /// Check a pack (folder or zip) against its manifest, and the manifest against a key or a digest.
    #[command(
        after_help = "Examples:\n  onus verify evidence-2026-q1 --key onus.pub\n  onus verify evidence-2026-q1.zip --expect 5f0c…(the manifest's SHA-256)"
    )]
    Verify(pack::VerifyArgs),
    /// Write a key pair for signing packs, onus.key and onus.pub, in minisign's format.
    #[command(
        after_help = "Examples:\n  ONUS_KEY_PASSWORD=... onus keygen -o keys\n  onus keygen -o ci-keys --unencrypted"
    )]
    Keygen(pack::KeygenArgs),
    /// What changed in ownership between two inventories or packs.
    #[command(
        after_help = "Examples:\n  onus diff old/inventory.csv inventory.csv --format md\n  onus diff evidence-2026-q1 inventory.csv --fail-on-change"
    )]
    Diff(diff::DiffArgs),
    /// List the built-in templates, or write them out for customisation.
    #[command(
        subcommand,
        after_help = "Examples:\n  onus templates list\n  onus templates eject my-templates\n  onus report inventory.csv --templates my-templates"
    )]
    Templates(templates::TemplatesCommand),
    /// List the control frameworks, or one framework's controls and their duty areas.
    #[command(
        after_help = "Examples:\n  onus frameworks\n  onus frameworks nist-800-53:moderate --json"
    )]
    Frameworks(frameworks::FrameworksArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  onus completions bash > ~/.local/share/bash-completion/completions/onus\n  onus completions zsh > ~/.zfunc/_onus\n  onus completions fish > ~/.config/fish/completions/onus.fish"
    )]
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff).
    #[command(
        after_help = "Examples:\n  onus man > onus.1 && man ./onus.1\n  onus man -o /usr/local/share/man/man1"
    )]
    Man(completions::ManArgs),
    /// Write a commented project file, onus.toml, for an inventory: every setting, and a
    /// line to answer for each question the inventory raises.
    #[command(
        after_help = "Example:\n  onus init exports/cur.csv.gz\n  onus report                 # reads onus.toml"
    )]
    Init(init::InitArgs),
    /// Write the controls register to fill in: one row per control with a customer part.
    #[command(
        after_help = "Example:\n  onus register samples/inventory.csv -f soc2 -o register\n  onus report samples/inventory.csv -f soc2 --register register/controls-register.xlsx"
    )]
    Register(register::RegisterArgs),
    /// Write the ISO/IEC 27001 Statement of Applicability: every Annex A control, whether
    /// it applies and why, its status, what each side does and the certificates relied on.
    #[command(
        after_help = "Example:\n  onus soa samples/inventory.csv --register register/controls-register.xlsx -o soa"
    )]
    Soa(soa::SoaArgs),
}

pub fn run(cli: Cli, out: &mut dyn Write) -> Result<Exit> {
    let config = cli.config;
    // The project file, for the commands that make a report.
    let project = || crate::project::Project::find(config.as_deref());
    match cli.command {
        Command::Report(args) => report::report_command(args, project()?.as_ref(), out),
        Command::Check(args) => check::check_command(args, project()?.as_ref(), out),
        Command::Who(args) => who::who_command(args, out),
        Command::Services(args) => services::services_command(args, out),
        Command::Frameworks(args) => frameworks::frameworks_command(args, out),
        Command::Templates(command) => templates::templates_command(command, out),
        Command::Book(args) => book::book_command(args, project()?.as_ref(), out),
        Command::Pack(args) => pack::pack_command(args, project()?.as_ref(), out),
        Command::Verify(args) => pack::verify_command(args, out),
        Command::Keygen(args) => pack::keygen_command(args, out),
        Command::Diff(args) => diff::diff_command(args, out),
        Command::Completions(args) => completions::completions_command(args, Cli::command(), out),
        Command::Man(args) => completions::man_command(args, Cli::command(), out),
        Command::Init(args) => init::init_command(args, config.as_deref(), out),
        Command::Register(args) => register::register_command(args, project()?.as_ref(), out),
        Command::Soa(args) => soa::soa_command(args, project()?.as_ref(), out),
    }
}
