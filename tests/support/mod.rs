//! Helpers shared by the integration tests: databases, a running app on a free port, the
//! operator commands; [`api`] calls the server functions, [`journey`] walks the user journey.
#![allow(dead_code)]

pub mod api;
pub mod fakes;
pub mod journey;

use hubpro::server::config::Settings;
use hubpro::server::http::Application;
use hubpro::server::store::Store;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    )
}

/// A fresh SQLite database file under target/.
pub fn sqlite_url() -> String {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(unique_name("db"));
    format!("sqlite://{}/hubpro.db", dir.display())
}

/// Where the test PostgreSQL server is (trust auth, database `test`).
pub fn postgres_admin_url() -> String {
    std::env::var("HUBPRO_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A fresh PostgreSQL database. No server is a failure, never a skip: `scripts/test.sh`
/// provides one (the machine's, or a throw-away cluster).
pub async fn postgres_url() -> String {
    use sqlx::Connection;
    let admin = postgres_admin_url();
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| {
            panic!(
            "PostgreSQL not reachable at {admin} ({e}): run the tests with `bash scripts/test.sh`, \
             which starts one, or set HUBPRO_TEST_POSTGRES_URL"
        )
        });
    let name = unique_name("hubpro_test");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    format!("{base}/{name}")
}

/// Every database backend available here, each freshly created.
pub async fn all_databases() -> Vec<(&'static str, String)> {
    vec![("sqlite", sqlite_url()), ("postgres", postgres_url().await)]
}

pub async fn open_store(url: &str) -> Store {
    Store::open(url).await.expect("open store")
}

/// Settings from the embedded defaults plus `vars`, on a free port.
pub fn settings(vars: &[(&str, &str)]) -> Settings {
    let mut map: HashMap<String, String> = HashMap::new();
    map.insert("LEPTOS_SITE_ADDR".into(), "127.0.0.1:0".into());
    map.insert("DATABASE_URL".into(), sqlite_url());
    // Emails stay readable in the database unless the test brings its SMTP server.
    if !vars.iter().any(|(k, _)| *k == "HUBPRO_SMTP_URL") {
        map.insert("HUBPRO_DEV_MAILBOX".into(), "true".into());
    }
    for (k, v) in vars {
        map.insert((*k).into(), (*v).into());
    }
    // Tests come from one address: unless one says otherwise, it may use the whole INSEE budget.
    if !map.contains_key("HUBPRO_SIRENE_PER_CLIENT") {
        let whole = map
            .get("HUBPRO_SIRENE_PER_MINUTE")
            .cloned()
            .unwrap_or_else(|| "28".into());
        map.insert("HUBPRO_SIRENE_PER_CLIENT".into(), whole);
    }
    Settings::from_sources(include_str!("../../Leptos.toml"), move |k| {
        map.get(k).cloned()
    })
    .expect("valid test settings")
}

/// A running app and its base URL.
pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub client: reqwest::Client,
}

pub async fn spawn_app(settings: Settings) -> TestApp {
    let app = Application::build(settings).await.expect("build app");
    let base = format!("http://{}", app.local_addr());
    let store = app.state().store.clone();
    tokio::spawn(app.run_until_stopped());
    // A hung request fails its test instead of holding the whole run.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(false)
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap();
    TestApp {
        base,
        store,
        client,
    }
}

/// The app with the test settings plus `vars` (by default: demo data, dev mailbox, a fresh
/// SQLite database).
pub async fn app_with(vars: &[(&str, &str)]) -> TestApp {
    spawn_app(settings(vars)).await
}

/// The demo app on `database_url`, its emailed links on `http://hubpro.example`.
pub async fn demo_app(database_url: &str) -> TestApp {
    app_with(&[
        ("DATABASE_URL", database_url),
        ("HUBPRO_PUBLIC_URL", "http://hubpro.example"),
    ])
    .await
}

/// A free TCP port on loopback (for servers that must be told their port).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The `n`-th valid SIRET of a range no demo establishment uses.
pub fn numbered_siret(n: usize) -> String {
    let base = format!("9{:08}0001", n);
    (0..10)
        .map(|d| format!("{base}{d}"))
        .find(|s| hubpro::domain::Siret::parse(s).is_ok())
        .unwrap()
}

/// The codes of the problems a refused server-function call carries (the general one first,
/// then the fields'), one per line: tests assert codes, never wording.
pub fn codes(body: &str) -> String {
    let v: serde_json::Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("not a problem ({e}): {body}"));
    let general = v["general"]["code"].as_str().map(str::to_owned);
    let fields = v["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("not a problem: {body}"))
        .iter()
        .map(|pair| pair[1]["code"].as_str().unwrap_or("?").to_owned());
    general
        .into_iter()
        .chain(fields)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Records an approval in force for each SIRET (without notices), so that their checks go on to
/// INSEE (a SIRET without approval is refused before any INSEE call).
pub async fn approve(store: &Store, sirets: impl IntoIterator<Item = String>) {
    let mut file = String::from(
        "numero_agrement;siret;type;formations;date_debut;date_fin;region;email_notification\n",
    );
    for (i, siret) in sirets.into_iter().enumerate() {
        file.push_str(&format!(
            "TEST-{i};{siret};voyageurs;FCO;2020-01-01;;Test;test@example.fr\n"
        ));
    }
    let parsed = hubpro::server::registry::approvals::parse_file(&file).unwrap();
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    hubpro::server::registry::approvals::import(
        store,
        parsed,
        hubpro::server::registry::approvals::Notices::Skip,
    )
    .await
    .unwrap();
}

/// What an operator command printed, and how it ended.
#[derive(Debug)]
pub struct Cli {
    /// The exit code: 0 done, 1 refused or failed, 2 a usage error (clap's convention).
    pub code: Option<i32>,
    pub out: String,
    pub err: String,
}

/// Runs an operator command of the `hubpro` binary on `database_url`, with no other setting.
pub fn cli(database_url: &str, args: &[&str]) -> Cli {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hubpro"))
        .args(args)
        .env_clear()
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    Cli {
        code: out.status.code(),
        out: String::from_utf8(out.stdout).unwrap(),
        err: String::from_utf8(out.stderr).unwrap(),
    }
}

/// A client bound to its own loopback address (127.0.0.x): the app, or nginx, sees it as that
/// client's IP. Redirects are not followed.
pub fn client_from(last_octet: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, last_octet]))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The emails sent to `to`, oldest first.
pub async fn emails_to(store: &Store, to: &str) -> Vec<hubpro::server::store::OutgoingEmail> {
    let mut all = store.recent_emails(500).await.unwrap();
    all.reverse();
    all.into_iter()
        .map(|m| m.email)
        .filter(|e| e.to == to)
        .collect()
}
