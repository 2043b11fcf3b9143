//! The `hgctl` binary: parse, run, map errors to exit codes. All logic is in the library.

use clap::Parser;
use hgctl::cli::args::Command;
use hgctl::cli::args::LogFormat;
use hgctl::cli::{self, Cli};
use hgctl::error::ExitCode;

/// Opt-in (`--features mimalloc`): measured against glibc's malloc by the benchmark.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // The controllers are long-running network clients: a write to an API server connection
    // that died (kube-apiserver restarted) must be an error they retry, not a SIGPIPE that
    // kills the process silently.
    if !matches!(cli.command, Command::RunLocal(_) | Command::Operator(_)) {
        reset_sigpipe();
    }
    let json_logs = matches!(
        &cli.command,
        Command::RunLocal(a) | Command::Operator(a) if a.log_format == LogFormat::Json
    );
    hgctl::logging::init(cli.global.log_level.as_str(), json_logs);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::from(ExitCode::Internal as u8);
        }
    };
    match runtime.block_on(cli::run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            let code = err.exit_code();
            eprintln!("{:?}", miette::Report::new(err));
            std::process::ExitCode::from(code as u8)
        }
    }
}

/// Dies quietly on a closed pipe (`hgctl crds | head -1`) like other Unix tools.
fn reset_sigpipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts (argument
    // parsing is single-threaded).
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
