//! Command line: `hubpro` serves the app; operator commands come as sub-commands.

use crate::domain::Siret;
use crate::server::config::{LogFormat, OperatorSettings, Settings};
use crate::server::http::Application;
use crate::server::ops::operator;
use crate::server::registry::approvals;
use crate::server::store::Store;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Hub Pro Transport: serves the app, or runs an operator command. Configuration: Leptos.toml
/// defaults (embedded), each key overridden by its environment variable.
#[derive(Debug, Parser)]
#[command(name = "hubpro", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Top>,
}

#[derive(Debug, Subcommand)]
enum Top {
    /// Serve the app (the default).
    Serve,
    /// The approvals registry (agréments).
    #[command(subcommand)]
    Approvals(ApprovalsCommand),
    /// Administrator accounts.
    #[command(subcommand)]
    Accounts(AccountsCommand),
    /// Emails waiting or failing.
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Security events of a SIRET (signup, links, logins, password changes, approvals,
    /// attachments).
    Audit {
        #[arg(long, value_parser = siret)]
        siret: Siret,
    },
    /// Remove expired sessions, dead links, old counters, sent emails' bodies and audit events
    /// past HUBPRO_AUDIT_RETENTION_DAYS (the server also does it every hour).
    Purge,
}

#[derive(Debug, Subcommand)]
enum ApprovalsCommand {
    /// Load a DREAL approvals file (idempotent). By default a file with a bad line imports
    /// nothing; each new approval emails its notice.
    Import {
        file: PathBuf,
        /// Import the valid lines of a file that has bad ones.
        #[arg(long)]
        skip_invalid: bool,
        /// Send no notice (initial load of an old registry).
        #[arg(long)]
        no_notify: bool,
    },
    /// Approvals, in force or not.
    List {
        #[arg(long, value_parser = siret)]
        siret: Option<Siret>,
    },
}

#[derive(Debug, Subcommand)]
enum AccountsCommand {
    /// Administrator accounts and their state.
    List,
    /// Who holds a SIRET: the account's state, the (masked) addresses that held it, the last
    /// events.
    Show {
        #[arg(value_parser = siret)]
        siret: Siret,
    },
    /// End the pending or active account of a SIRET: the SIRET and its address are free for a
    /// new signup. Recorded with the reason.
    Release {
        #[arg(value_parser = siret)]
        siret: Siret,
        /// Why (kept in the audit trail), e.g. "address typed wrong, confirmed by phone".
        #[arg(long)]
        reason: String,
    },
    /// Send a fresh password link (72 hours) to the pending account of a SIRET.
    Resend {
        #[arg(value_parser = siret)]
        siret: Siret,
    },
    /// Close every open session of a SIRET's account (a lost or stolen computer). The account
    /// is emailed; recorded with the reason.
    EndSessions {
        #[arg(value_parser = siret)]
        siret: Siret,
        /// Why (kept in the audit trail), e.g. "laptop stolen, confirmed by phone".
        #[arg(long)]
        reason: String,
    },
    /// Turn off the second factor of a SIRET's account (its owner lost the authenticator app
    /// and the recovery codes; check who asks first). The account is emailed; recorded with the
    /// reason.
    ResetSecondFactor {
        #[arg(value_parser = siret)]
        siret: Siret,
        /// Why (kept in the audit trail), e.g. "phone lost, identity checked by phone call".
        #[arg(long)]
        reason: String,
    },
    /// Designate the new administrator of a SIRET's active account (the centre no longer has
    /// the account's address; check who asks first). The new address gets a link (72 hours)
    /// to set its password; the current address is told and may cancel until then.
    Handover {
        #[arg(value_parser = siret)]
        siret: Siret,
        /// The new administrator's address.
        #[arg(long)]
        to: String,
        /// The new administrator's last name (Nom).
        #[arg(long)]
        last_name: String,
        /// The new administrator's first name (Prénom).
        #[arg(long)]
        first_name: String,
        /// Why (kept in the audit trail), e.g. "Kbis and director's letter received".
        #[arg(long)]
        reason: String,
    },
    /// Inactive accounts: the notices and closures due in the next 30 days.
    Inactive,
}

#[derive(Debug, Subcommand)]
enum OutboxCommand {
    /// Emails waiting or failing, with their last error.
    Status,
    /// Try failed emails again now.
    Retry {
        /// The email's number (see `outbox status`).
        #[arg(value_parser = clap::value_parser!(i64).range(1..), required_unless_present = "all", conflicts_with = "all")]
        id: Option<i64>,
        /// Every failed email.
        #[arg(long)]
        all: bool,
    },
}

fn siret(input: &str) -> Result<Siret, String> {
    Siret::parse(input).map_err(|e| format!("SIRET {input:?}: {e}"))
}

pub fn main() -> ExitCode {
    // Usage errors exit with 2, `--help` and `--version` with 0 (clap's convention).
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Top::Serve);
    let serving = matches!(command, Top::Serve);
    // Serving needs every setting; operator commands only the database's and the links'.
    let loaded = if serving {
        Settings::load().map(|s| (s.operator(), Some(s)))
    } else {
        OperatorSettings::load().map(|o| (o, None))
    };
    let (settings, server_settings) = match loaded {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    crate::server::http::observability::init_logging(
        server_settings
            .as_ref()
            .map_or(LogFormat::Text, |s| s.log_format),
    );
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let operation = match command {
        Top::Serve => {
            return match server_settings {
                Some(s) => runtime.block_on(serve(s)),
                None => ExitCode::FAILURE,
            }
        }
        Top::Approvals(ApprovalsCommand::Import {
            file,
            skip_invalid,
            no_notify,
        }) => {
            let options = ImportOptions {
                skip_invalid,
                no_notify,
            };
            return runtime.block_on(import_approvals(&settings, &file, options));
        }
        Top::Approvals(ApprovalsCommand::List { siret }) => Command::Approvals(siret),
        Top::Accounts(AccountsCommand::List) => Command::Accounts,
        Top::Accounts(AccountsCommand::Show { siret }) => Command::Show(siret),
        Top::Accounts(AccountsCommand::Release { siret, reason }) => {
            Command::Release(siret, reason)
        }
        Top::Accounts(AccountsCommand::Resend { siret }) => Command::Resend(siret),
        Top::Accounts(AccountsCommand::EndSessions { siret, reason }) => {
            Command::EndSessions(siret, reason)
        }
        Top::Accounts(AccountsCommand::ResetSecondFactor { siret, reason }) => {
            Command::ResetSecondFactor(siret, reason)
        }
        Top::Accounts(AccountsCommand::Handover {
            siret,
            to,
            last_name,
            first_name,
            reason,
        }) => Command::Handover(
            siret,
            crate::domain::HandoverForm {
                last_name,
                first_name,
                email_confirmation: to.clone(),
                email: to,
            },
            reason,
        ),
        Top::Accounts(AccountsCommand::Inactive) => Command::Inactive,
        Top::Outbox(OutboxCommand::Status) => Command::OutboxStatus,
        Top::Outbox(OutboxCommand::Retry { id, .. }) => Command::OutboxRetry(id),
        Top::Audit { siret } => Command::Audit(siret),
        Top::Purge => Command::Purge,
    };
    runtime.block_on(operate(&settings, operation))
}

/// Flags of `approvals import`.
#[derive(Clone, Copy, Debug, Default)]
struct ImportOptions {
    skip_invalid: bool,
    no_notify: bool,
}

/// An operator command that reads or fixes the database.
enum Command {
    Approvals(Option<Siret>),
    Accounts,
    Show(Siret),
    Release(Siret, String),
    Resend(Siret),
    EndSessions(Siret, String),
    ResetSecondFactor(Siret, String),
    Handover(Siret, crate::domain::HandoverForm, String),
    Inactive,
    OutboxStatus,
    OutboxRetry(Option<i64>),
    Audit(Siret),
    Purge,
}

async fn operate(settings: &OperatorSettings, command: Command) -> ExitCode {
    let store = match Store::open(&settings.database_url).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot open the database: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let done = match command {
        Command::Approvals(siret) => {
            operator::list_approvals(&store, siret.as_ref(), &mut out).await
        }
        Command::Accounts => operator::list_accounts(&store, &mut out).await,
        Command::Show(siret) => operator::show_account(&store, &siret, &mut out).await,
        Command::Release(siret, reason) => {
            operator::release(&store, &siret, &reason, &mut out).await
        }
        Command::Resend(siret) => operator::resend(&store, settings, &siret, &mut out).await,
        Command::EndSessions(siret, reason) => {
            operator::end_sessions(&store, settings, &siret, &reason, &mut out).await
        }
        Command::ResetSecondFactor(siret, reason) => {
            operator::reset_second_factor(&store, settings, &siret, &reason, &mut out).await
        }
        Command::Handover(siret, form, reason) => {
            operator::handover(&store, settings, &siret, &form, &reason, &mut out).await
        }
        Command::Inactive => operator::inactive(&store, settings, &mut out).await,
        Command::OutboxStatus => operator::outbox_status(&store, &mut out).await,
        Command::OutboxRetry(id) => operator::outbox_retry(&store, id, &mut out).await,
        Command::Audit(siret) => operator::audit(&store, &siret, &mut out).await,
        Command::Purge => {
            let retention = crate::server::ops::retention::policy(
                settings.audit_retention_days,
                &settings.lifecycle,
            );
            operator::purge(&store, retention, &mut out).await
        }
    };
    store.close().await;
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> ExitCode {
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!("listening on http://{}", app.local_addr());
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("server error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn import_approvals(
    settings: &OperatorSettings,
    path: &Path,
    options: ImportOptions,
) -> ExitCode {
    let file = path.display();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let parsed = match approvals::parse_file(&text) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    for r in &parsed.rejected {
        eprintln!("{file}: line {}: {}", r.line, r.reason);
    }
    if !parsed.rejected.is_empty() && !options.skip_invalid {
        eprintln!(
            "{} line(s) rejected: nothing imported (fix the file, or pass --skip-invalid)",
            parsed.rejected.len()
        );
        return ExitCode::FAILURE;
    }
    let store = match Store::open(&settings.database_url).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot open the database: {e}");
            return ExitCode::FAILURE;
        }
    };
    let notices = if options.no_notify {
        approvals::Notices::Skip
    } else {
        approvals::Notices::Send {
            public_url: &settings.public_url,
        }
    };
    let result = approvals::import(&store, parsed, notices).await;
    store.close().await;
    match result {
        Ok(report) => {
            println!(
                "approvals: {} new, {} updated, {} unchanged, {} rejected; {} notice(s) queued",
                report.inserted,
                report.updated,
                report.unchanged,
                report.rejected.len(),
                report.notified
            );
            if report.rejected.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("import failed, nothing imported: {e}");
            ExitCode::FAILURE
        }
    }
}
