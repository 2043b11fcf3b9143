//! The `hgctl` commands: argument types in [`args`], one module per command.

pub mod apply;
pub mod args;
pub mod create;
pub mod delete;
pub mod describe;
pub mod diff;
pub mod doctor;
pub mod generated;
pub mod get;
pub mod install;
pub mod probe;
pub mod prune;
pub mod run_local;
pub mod status;
pub mod support_bundle;
pub mod tls_proxy;
pub mod wait;

pub use args::Cli;
use args::{Command, ExecutorCommand, PerformerCommand, ResourceKind};

use crate::error::Result;

/// Runs one parsed command line.
pub async fn run(cli: Cli) -> Result<()> {
    let global = cli.global;
    let several_contexts = matches!(
        cli.command,
        Command::Get(_)
            | Command::Status(_)
            | Command::Doctor(_)
            | Command::Performer(PerformerCommand::Get(_))
            | Command::Executor(ExecutorCommand::Get(_))
    );
    if !several_contexts {
        crate::fleet::one_context_only(&global)?;
    }
    match cli.command {
        Command::Crds => generated::crds(&global),
        Command::Completions(args) => generated::completions(args.shell),
        Command::Manpage => generated::manpage(),
        Command::Version(args) => generated::version(&global, args.server).await,
        Command::Install(args) => install::install(&global, &args).await,
        Command::Uninstall(args) => install::uninstall(&global, &args).await,
        Command::Performer(PerformerCommand::Get(args)) => {
            get::run(&global, ResourceKind::Performers, &args).await
        }
        Command::Executor(ExecutorCommand::Get(args)) => {
            get::run(&global, ResourceKind::Executors, &args).await
        }
        Command::Performer(PerformerCommand::Describe(args)) => {
            describe::performer(&global, &args).await
        }
        Command::Executor(ExecutorCommand::Describe(args)) => {
            describe::executor(&global, &args).await
        }
        Command::Performer(PerformerCommand::Create(args)) => {
            create::performer(&global, args).await
        }
        Command::Executor(ExecutorCommand::Create(args)) => create::executor(&global, args).await,
        Command::Performer(PerformerCommand::Delete(args)) => {
            delete::performer(&global, &args).await
        }
        Command::Executor(ExecutorCommand::Delete(args)) => delete::executor(&global, &args).await,
        Command::Performer(PerformerCommand::Prune(args)) => prune::orphans(&global, &args).await,
        Command::Get(args) => get::run(&global, args.kind, &args.get).await,
        Command::Status(args) => status::run(&global, &args).await,
        Command::RunLocal(args) => run_local::run(&global, &args, run_local::Mode::RunLocal).await,
        Command::Operator(args) => run_local::run(&global, &args, run_local::Mode::Operator).await,
        Command::Doctor(args) => doctor::run(&global, &args).await,
        Command::Apply(args) => apply::run(&global, &args).await,
        Command::Diff(args) => diff::run(&global, &args).await,
        Command::Wait(args) => wait::run(&global, &args).await,
        Command::SupportBundle(args) => support_bundle::run(&global, &args).await,
        Command::Probe(args) => probe::run(&args).await,
        Command::TlsProxy(args) => tls_proxy::run(&args).await,
    }
}
