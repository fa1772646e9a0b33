//! Command line: `hubpro` serves the app; operator commands come as sub-commands.

use super::approvals;
use super::config::{LogFormat, OperatorSettings, Settings};
use super::http::Application;
use super::operator;
use super::store::Store;
use std::process::ExitCode;

const USAGE: &str = "usage:
  hubpro                                         serve the app
  hubpro approvals import FILE.csv [--skip-invalid] [--no-notify]
                                                 load a DREAL approvals file (idempotent); by
                                                 default a file with a bad line imports nothing;
                                                 each new approval emails its notice, unless
                                                 --no-notify (initial load of an old registry)
  hubpro approvals list [--siret SIRET]          approvals, in force or not
  hubpro accounts list                           administrator accounts and their state
  hubpro outbox status                           emails waiting or failing, with their last error
  hubpro outbox retry (ID | --all)               try failed emails again now
  hubpro audit --siret SIRET                     security events of a SIRET (signup, links,
                                                 logins, password changes, approvals, attachments)
  hubpro purge                                   remove expired sessions, dead links, old
                                                 counters, sent emails' bodies and audit events
                                                 past HUBPRO_AUDIT_RETENTION_DAYS (the server
                                                 also does it every hour)
  hubpro --help                                  this text
Configuration: Leptos.toml defaults (embedded), each key overridden by its environment variable.";

pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let serving = args.is_empty() || args == ["serve"];
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
    super::observability::init_logging(
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
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["serve"] => match server_settings {
            Some(s) => runtime.block_on(serve(s)),
            None => usage_error(),
        },
        ["approvals", "import", rest @ ..] => match import_args(rest) {
            Some((file, options)) => runtime.block_on(import_approvals(&settings, file, options)),
            None => usage_error(),
        },
        ["approvals", "list"] => runtime.block_on(operate(&settings, Command::Approvals(None))),
        ["approvals", "list", "--siret", siret] => {
            runtime.block_on(operate(&settings, Command::Approvals(Some(siret))))
        }
        ["accounts", "list"] => runtime.block_on(operate(&settings, Command::Accounts)),
        ["outbox", "status"] => runtime.block_on(operate(&settings, Command::OutboxStatus)),
        ["outbox", "retry", "--all"] => {
            runtime.block_on(operate(&settings, Command::OutboxRetry(None)))
        }
        ["outbox", "retry", id] => match id.parse::<i64>() {
            Ok(id) if id > 0 => {
                runtime.block_on(operate(&settings, Command::OutboxRetry(Some(id))))
            }
            _ => usage_error(),
        },
        ["audit", "--siret", siret] => runtime.block_on(operate(&settings, Command::Audit(siret))),
        ["purge"] => runtime.block_on(operate(&settings, Command::Purge)),
        ["--help"] | ["-h"] | ["help"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => usage_error(),
    }
}

fn usage_error() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

/// Flags of `approvals import`.
#[derive(Clone, Copy, Debug, Default)]
struct ImportOptions {
    skip_invalid: bool,
    no_notify: bool,
}

fn import_args<'a>(args: &[&'a str]) -> Option<(&'a str, ImportOptions)> {
    let mut file = None;
    let mut options = ImportOptions::default();
    for arg in args {
        match *arg {
            "--skip-invalid" => options.skip_invalid = true,
            "--no-notify" => options.no_notify = true,
            a if a.starts_with("--") || file.is_some() => return None,
            a => file = Some(a),
        }
    }
    file.map(|f| (f, options))
}

/// An operator command that reads or fixes the database.
enum Command<'a> {
    Approvals(Option<&'a str>),
    Accounts,
    OutboxStatus,
    OutboxRetry(Option<i64>),
    Audit(&'a str),
    Purge,
}

async fn operate(settings: &OperatorSettings, command: Command<'_>) -> ExitCode {
    let store = match Store::open(&settings.database_url).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot open the database: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let done = match command {
        Command::Approvals(siret) => operator::list_approvals(&store, siret, &mut out).await,
        Command::Accounts => operator::list_accounts(&store, &mut out).await,
        Command::OutboxStatus => operator::outbox_status(&store, &mut out).await,
        Command::OutboxRetry(id) => operator::outbox_retry(&store, id, &mut out).await,
        Command::Audit(siret) => operator::audit(&store, siret, &mut out).await,
        Command::Purge => {
            let retention = super::store::Retention {
                audit_days: settings.audit_retention_days,
            };
            operator::purge(&store, retention, &mut out).await
        }
    };
    store.close().await;
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(operator::OperatorError::Usage(m)) => {
            eprintln!("{m}");
            ExitCode::from(2)
        }
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
    file: &str,
    options: ImportOptions,
) -> ExitCode {
    let text = match std::fs::read_to_string(file) {
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
    let result = store.import_approvals(parsed, notices).await;
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
