//! Production mode on the real binary: unsafe settings refused at start-up with one line, a safe
//! one serving without dev mailbox or demo data, JSON logs with request ids, metrics behind a
//! token; cache headers and the retention purge.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::fakes::{self, Answer, FakeInsee, SmtpSink};

/// The binary with only `vars` set (and a fresh database).
fn hubpro(vars: &[(&str, &str)], db: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hubpro"));
    cmd.env_clear()
        .env("DATABASE_URL", db)
        .env("LEPTOS_SITE_ROOT", "target/site")
        .envs(vars.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// The bearer token of `/metrics` in `production_vars`.
const METRICS_TOKEN: &str = "metrics-t0ken";

/// Safe production settings around a fake INSEE and an SMTP sink.
async fn production_vars(port: u16) -> Vec<(&'static str, String)> {
    let insee = FakeInsee::default();
    insee.set(
        &support::numbered_siret(1),
        Answer::Active {
            name: "CENTRE",
            town: "PARIS",
        },
    );
    let sirene_url = fakes::start_insee(insee).await;
    let smtp_url = SmtpSink::default().start().await;
    vec![
        ("LEPTOS_ENV", "PROD".into()),
        ("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}")),
        ("HUBPRO_PUBLIC_URL", "https://hubpro.example".into()),
        ("HUBPRO_SMTP_URL", smtp_url),
        ("HUBPRO_SIRENE_URL", sirene_url),
        ("HUBPRO_SIRENE_API_KEY", fakes::API_KEY.into()),
        ("HUBPRO_METRICS_TOKEN", METRICS_TOKEN.into()),
        ("HUBPRO_SECRET_KEY", SECRET_KEY.into()),
        (
            "HUBPRO_LEGAL_OPERATOR",
            "Exploitant, 1 rue de l'Exemple, 75000 Paris".into(),
        ),
        (
            "HUBPRO_LEGAL_DIRECTOR",
            "Directrice de la publication".into(),
        ),
        (
            "HUBPRO_LEGAL_HOST",
            "Hébergeur, 2 rue de l'Exemple, 75000 Paris".into(),
        ),
    ]
}

/// A key of one character repeated: refused.
const ZERO_KEY: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// A well-formed key (production refuses to start without one).
const SECRET_KEY: &str = "5e1f0c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f";

fn with<'a>(
    base: &'a [(&'static str, String)],
    changes: &[(&'static str, Option<&'a str>)],
) -> Vec<(&'a str, &'a str)> {
    let mut vars: Vec<(&str, &str)> = base
        .iter()
        .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    vars.extend(changes.iter().filter_map(|(k, v)| v.map(|v| (*k, v))));
    vars
}

/// Waits for the process to end (it must, within 10 s): its exit code and stderr.
fn refusal(mut child: Child) -> (i32, String) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            return (status.code().unwrap_or(-1), err);
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("the server started instead of refusing its settings");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test]
async fn unsafe_production_settings_stop_the_real_binary_with_one_line() {
    let port = support::free_port();
    let base = production_vars(port).await;
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        // The README's command with the SMTP URL forgotten: no silent dev mailbox.
        (with(&base, &[("HUBPRO_SMTP_URL", None)]), "HUBPRO_SMTP_URL"),
        (
            with(
                &base,
                &[
                    ("HUBPRO_SMTP_URL", None),
                    ("HUBPRO_DEV_MAILBOX", Some("true")),
                ],
            ),
            "HUBPRO_DEV_MAILBOX",
        ),
        (
            with(&base, &[("HUBPRO_DEMO_DATA", Some("true"))]),
            "HUBPRO_DEMO_DATA",
        ),
        (
            with(&base, &[("HUBPRO_SIRENE_API_KEY", None)]),
            "HUBPRO_SIRENE_API_KEY",
        ),
        (
            with(
                &base,
                &[("HUBPRO_SMTP_URL", Some("smtp://user:secret@127.0.0.1:2525"))],
            ),
            "HUBPRO_SMTP_URL",
        ),
        // An https public URL is production even without LEPTOS_ENV.
        (
            with(
                &base,
                &[
                    ("LEPTOS_ENV", None),
                    ("HUBPRO_SMTP_URL", None),
                    ("HUBPRO_DEV_MAILBOX", Some("true")),
                ],
            ),
            "HUBPRO_DEV_MAILBOX",
        ),
        (
            with(&base, &[("HUBPRO_TRUSTED_PROXIES", Some("10.0.0.0/40"))]),
            "HUBPRO_TRUSTED_PROXIES",
        ),
        // Every address a proxy: anyone would choose the address their budgets count under.
        (
            with(
                &base,
                &[("HUBPRO_TRUSTED_PROXIES", Some("10.0.0.1, 0.0.0.0/0"))],
            ),
            "HUBPRO_TRUSTED_PROXIES",
        ),
        (
            with(&base, &[("HUBPRO_TRUSTED_PROXIES", Some("::/0"))]),
            "HUBPRO_TRUSTED_PROXIES",
        ),
        // Metrics without a token: « this machine only » is everyone behind a local TLS proxy.
        (
            with(&base, &[("HUBPRO_METRICS_TOKEN", None)]),
            "HUBPRO_METRICS_TOKEN",
        ),
        // No key of its own: the development key, which anyone can read in our sources.
        (
            with(&base, &[("HUBPRO_SECRET_KEY", None)]),
            "HUBPRO_SECRET_KEY",
        ),
        // A key that is not 32 random bytes.
        (
            with(&base, &[("HUBPRO_SECRET_KEY", Some(ZERO_KEY))]),
            "HUBPRO_SECRET_KEY",
        ),
    ];
    for (vars, key) in cases {
        let db = support::sqlite_url();
        let (code, err) = refusal(hubpro(&vars, &db).spawn().unwrap());
        assert_eq!(code, 2, "{key}: a configuration error: {err}");
        let line = err.trim_end();
        assert!(!line.contains('\n'), "one line: {line}");
        assert!(
            line.starts_with(&format!("configuration error: {key}: ")),
            "{key}: {line}"
        );
        assert!(!line.contains("secret"), "no password printed: {line}");
    }
}

#[tokio::test]
async fn a_safe_production_configuration_serves_without_dev_mailbox_or_demo_data() {
    let port = support::free_port();
    let mut base = production_vars(port).await;
    base.push(("HUBPRO_LOG_FORMAT", "json".into()));
    let vars: Vec<(&str, &str)> = base.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let db = support::sqlite_url();
    // One approval, as an import would record it, so that the check goes on to INSEE.
    support::approve(
        &support::open_store(&db).await,
        [support::numbered_siret(1)],
    )
    .await;
    let mut child = hubpro(&vars, &db).spawn().unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let started = Instant::now();
    while client.get(format!("{url}/sante")).send().await.is_err() {
        assert!(started.elapsed() < Duration::from_secs(10), "not serving");
        assert!(child.try_wait().unwrap().is_none(), "exited");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let get = |path: &str| client.get(format!("{url}{path}")).send();
    assert_eq!(get("/inscription").await.unwrap().status(), 200);
    assert_eq!(get("/dev/boite-mail").await.unwrap().status(), 404);

    // A SIRET check: its log line carries the request id the answer sends back. The id the
    // client sent is not believed (no trusted proxy).
    let res = client
        .post(format!("{url}/api/verifier-siret"))
        .header("x-request-id", "forged-id")
        .form(&[("siret", support::numbered_siret(1))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let request_id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_ne!(request_id, "forged-id");
    assert_eq!(request_id.len(), 36, "a UUID: {request_id}");

    // Metrics: the token is required.
    assert_eq!(get("/metrics").await.unwrap().status(), 403);
    let metrics = client
        .get(format!("{url}/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(metrics.status(), 200);
    let text = metrics.text().await.unwrap();
    for needle in [
        "hubpro_http_requests_total{route=\"/inscription\",status=\"200\"} 1",
        "hubpro_http_request_duration_seconds_bucket{route=\"/api/verifier-siret\"",
        "hubpro_siret_checks_total{outcome=\"eligible\"} 1",
        "hubpro_insee_calls_total{outcome=\"found\"} 1",
        "hubpro_outbox_emails{state=\"waiting\"} 0",
    ] {
        assert!(text.contains(needle), "{needle} in\n{text}");
    }

    // No demo approval entered the production database: only the one recorded above.
    let store = support::open_store(&db).await;
    let row = sqlx::query("SELECT COUNT(*) AS n FROM approvals WHERE number NOT LIKE 'TEST-%'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(sqlx::Row::try_get::<i64, _>(&row, "n").unwrap(), 0);

    child.kill().unwrap();
    child.wait().unwrap();
    let lines: Vec<serde_json::Value> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).expect("every log line is JSON"))
        .collect();
    let insee_line = lines
        .iter()
        .find(|l| l["message"] == "INSEE answered")
        .expect("the INSEE call was logged");
    let spans = insee_line["spans"].as_array().expect("the line's spans");
    assert!(
        spans.iter().any(|s| s["request_id"] == request_id.as_str()),
        "{insee_line}"
    );
}

/// Starts the binary and waits until it answers: the child and its base URL.
async fn serving(vars: &[(&str, &str)], db: &str, port: u16) -> (Child, String) {
    let mut child = hubpro(vars, db).spawn().unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while reqwest::get(format!("{url}/sante")).await.is_err() {
        assert!(started.elapsed() < Duration::from_secs(10), "not serving");
        assert!(child.try_wait().unwrap().is_none(), "exited");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    (child, url)
}

#[tokio::test]
async fn a_forwarded_for_from_an_untrusted_peer_is_counted_and_logged_once() {
    // A TLS terminator on this machine that nobody listed in HUBPRO_TRUSTED_PROXIES: every
    // client would share its address (one budget for all). The real binary, so that the
    // counter is this process's alone.
    let port = support::free_port();
    let mut base = production_vars(port).await;
    base.push(("HUBPRO_LOG_FORMAT", "json".into()));
    let vars: Vec<(&str, &str)> = base.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (mut child, url) = serving(&vars, &support::sqlite_url(), port).await;
    let client = reqwest::Client::new();
    for expected in [1, 2] {
        let page = client
            .get(format!("{url}/inscription"))
            .header("x-forwarded-for", "203.0.113.5")
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let metrics = client
            .get(format!("{url}/metrics"))
            .bearer_auth(METRICS_TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(metrics.status(), 200);
        let text = metrics.text().await.unwrap();
        let line = format!("hubpro_untrusted_forwarded_for_total {expected}");
        assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let warnings: Vec<serde_json::Value> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).expect("every log line is JSON"))
        .filter(|l: &serde_json::Value| l["level"] == "WARN" && l["peer"] == "127.0.0.1")
        .collect();
    assert_eq!(
        warnings.len(),
        1,
        "once per process, naming the peer: {warnings:?}"
    );
}

#[tokio::test]
async fn production_with_metrics_turned_off_has_no_metrics_page() {
    let app = support::app_with(&[
        ("LEPTOS_ENV", "PROD"),
        ("HUBPRO_PUBLIC_URL", "https://hubpro.example"),
        ("HUBPRO_SMTP_URL", "smtp://127.0.0.1:9"),
        ("HUBPRO_SIRENE_API_KEY", "unused"),
        ("HUBPRO_METRICS", "false"),
        ("HUBPRO_SECRET_KEY", SECRET_KEY),
        ("HUBPRO_LEGAL_OPERATOR", "Exploitant"),
        ("HUBPRO_LEGAL_DIRECTOR", "Directrice"),
        ("HUBPRO_LEGAL_HOST", "Hébergeur"),
    ])
    .await;
    let res = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn private_answers_are_never_stored_and_the_rest_is_revalidated() {
    let app = support::app_with(&[]).await;
    for (path, expected) in [
        ("/inscription", "no-cache"),
        ("/", "no-cache"),
        ("/espace", "no-store"),
        ("/connexion", "no-store"),
        ("/mot-de-passe/creer?jeton=abc", "no-store"),
        ("/mot-de-passe-oublie", "no-store"),
        ("/dev/boite-mail", "no-store"),
    ] {
        let res = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["cache-control"], expected, "{path}");
    }
    let res = support::journey::post(
        &app,
        "/api/verifier-siret",
        &[("siret", "47728084603753")],
        None,
    )
    .await;
    assert_eq!(res.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn metrics_without_a_token_answer_only_this_machine_and_never_through_a_proxy() {
    let app = support::app_with(&[]).await;
    let metrics = format!("{}/metrics", app.base);
    assert_eq!(app.client.get(&metrics).send().await.unwrap().status(), 200);
    // A local reverse proxy (not declared as trusted) forwards the world's requests.
    let proxied = app
        .client
        .get(&metrics)
        .header("x-forwarded-for", "203.0.113.5")
        .send()
        .await
        .unwrap();
    assert_eq!(proxied.status(), 403);
}

#[tokio::test]
async fn the_purge_forgets_dead_links_sessions_counters_and_email_bodies() {
    let smtp = SmtpSink::default();
    let smtp_url = smtp.start().await;
    let db = support::sqlite_url();
    let app = support::app_with(&[
        ("DATABASE_URL", &db),
        ("HUBPRO_SMTP_URL", &smtp_url),
        ("HUBPRO_DEMO_DATA", "false"),
    ])
    .await;
    hubpro::server::registry::approvals::parse_file(
        hubpro::server::registry::approvals::DEMO_APPROVALS,
    )
    .map(|file| {
        hubpro::server::registry::approvals::import(
            &app.store,
            file,
            hubpro::server::registry::approvals::Notices::Skip,
        )
    })
    .unwrap()
    .await
    .unwrap();
    // The official address itself: one email, the link.
    support::journey::sign_up(&app, "47728084603753", "Formatrans", "cfa-lille@example.fr").await;
    let delivered = smtp.wait_for(1).await;
    assert!(fakes::decoded(&delivered[0].data).contains("jeton="));
    // Once sent through SMTP (marked just after the sink has it), the link is no longer readable
    // in the database.
    let mut stored = app.store.recent_emails(10).await.unwrap();
    for _ in 0..100 {
        if stored[0].sent_at.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        stored = app.store.recent_emails(10).await.unwrap();
    }
    assert_eq!(stored.len(), 1);
    assert!(stored[0].sent_at.is_some());
    assert_eq!(stored[0].email.text, "");
    assert_eq!(stored[0].email.html, "");

    // Rows from long ago: an expired session, a used link, an old counter, an old audit event.
    let long_ago = (hubpro::server::store::now() - hubpro::server::store::Duration::days(400))
        .unix_timestamp();
    for sql in [
        "INSERT INTO sessions (id_hash, account_id, created_at, last_seen_at, expires_at) \
         SELECT 'old', id, $1, $1, $1 FROM accounts",
        "INSERT INTO tokens (token_hash, account_id, purpose, expires_at, used_at) \
         SELECT 'used', id, 'password_setup', $1, $1 FROM accounts",
        "INSERT INTO throttle (key, failures, blocked_until, updated_at) VALUES ('old', 3, $1, $1)",
        "INSERT INTO audit_events (at, kind, detail) VALUES ($1, 'login_failed', 'old')",
    ] {
        sqlx::query(sql)
            .bind(long_ago)
            .execute(app.store.pool())
            .await
            .unwrap();
    }
    let purge = support::cli(&db, &["purge"]);
    assert_eq!(purge.code, Some(0), "{}{}", purge.out, purge.err);
    let text = purge.out;
    assert!(
        text.starts_with("purged: 1 session(s), 1 dead link(s), 1 counter(s), 0 sent and 0 undelivered email body(ies) emptied, 0 old email(s), 1 audit event(s) and 0 ended account(s) older than 365 days"),
        "{text}"
    );
    // The live link (its hash) and today's audit events stay.
    let count = |table: &'static str| {
        let store = app.store.clone();
        async move {
            let row = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
                .fetch_one(store.pool())
                .await
                .unwrap();
            sqlx::Row::try_get::<i64, _>(&row, "n").unwrap()
        }
    };
    assert_eq!(count("tokens").await, 1);
    assert!(count("audit_events").await >= 1);
    assert_eq!(count("sessions").await, 0);
}
