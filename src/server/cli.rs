//! Command line: `hubpro` serves the app; operator commands come as sub-commands.

use super::approvals;
use super::config::Settings;
use super::http::Application;
use super::store::Store;
use std::process::ExitCode;

const USAGE: &str = "usage:
  hubpro                                         serve the app
  hubpro approvals import FILE.csv [--skip-invalid]
                                                 load a DREAL approvals file (idempotent); by
                                                 default a file with a bad line imports nothing
  hubpro --help                                  this text
Configuration: Leptos.toml defaults (embedded), each key overridden by its environment variable.";

pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    init_tracing();
    let settings = match Settings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
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
        [] | ["serve"] => runtime.block_on(serve(settings)),
        ["approvals", "import", file] => runtime.block_on(import_approvals(&settings, file, false)),
        ["approvals", "import", file, "--skip-invalid"] => {
            runtime.block_on(import_approvals(&settings, file, true))
        }
        ["--help"] | ["-h"] | ["help"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
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

async fn import_approvals(settings: &Settings, file: &str, skip_invalid: bool) -> ExitCode {
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
    if !parsed.rejected.is_empty() && !skip_invalid {
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
    match store.import_approvals(parsed).await {
        Ok(report) => {
            println!(
                "approvals: {} new, {} updated, {} unchanged, {} rejected",
                report.inserted,
                report.updated,
                report.unchanged,
                report.rejected.len()
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

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}
