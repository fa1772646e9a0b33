//! Signup end to end over HTTP: the real app with a fake INSEE API and an SMTP sink on loopback.

mod support;

use hubpro::app::signup::{SignupProblem, SiretCheck};
use hubpro::domain::{Field, Refusal, UserMessage};
use hubpro::server::registry::approvals;
use serde_json::Value;
use std::time::Duration;
use support::fakes::{self, Answer, FakeInsee, SmtpSink};

const FORMATRANS: &str = "47728084603753";
const CLOSED: &str = "81234567000010";
const CEASED: &str = "52345678900016";
const PARTIAL: &str = "73456789100019";
const NO_APPROVAL: &str = "84567891200013";
const FORBIDDEN: &str = "95678912300018";
const THROTTLED: &str = "40073444800014";
const DOWN: &str = "40073444800477";
const SLOW: &str = "35600000000048";
const GARBAGE: &str = "35600000000001";
const BROKEN: &str = "12345678900015";

const APPROVALS: &str = "numero_agrement;siret;type;formations;date_debut;date_fin;region;email_notification
HDF-2021-V-0042;47728084603753;voyageurs;FIMO|PASSERELLE|FCO;2021-12-28;;Hauts-de-France;cfa-lille@example.fr
HDF-2022-M-0107;47728084603753;marchandises;FIMO|FCO;2022-03-01;;Hauts-de-France;cfa-lille@example.fr
NOR-2020-M-0008;81234567000010;marchandises;FIMO|FCO;2020-01-06;;Normandie;x@example.fr
GES-2019-V-0031;52345678900016;voyageurs;FCO;2019-09-01;;Grand Est;x@example.fr
ARA-2022-V-0055;73456789100019;voyageurs;FIMO|FCO;2022-06-01;;Auvergne-Rhône-Alpes;x@example.fr
OLD-2019-M-0004;84567891200013;marchandises;FIMO;2019-07-01;2024-06-30;Centre-Val de Loire;x@example.fr
T-403;95678912300018;voyageurs;FCO;2020-01-01;;Test;x@example.fr
T-429;40073444800014;voyageurs;FCO;2020-01-01;;Test;x@example.fr
T-503;40073444800477;voyageurs;FCO;2020-01-01;;Test;x@example.fr
T-SLOW;35600000000048;voyageurs;FCO;2020-01-01;;Test;x@example.fr
T-GARBAGE;35600000000001;voyageurs;FCO;2020-01-01;;Test;x@example.fr
T-500;12345678900015;voyageurs;FCO;2020-01-01;;Test;x@example.fr
T-404;12345678900007;voyageurs;FCO;2020-01-01;;Test;x@example.fr
";

struct World {
    app: support::TestApp,
    insee: FakeInsee,
    smtp: SmtpSink,
}

async fn world_with(database_url: Option<String>) -> World {
    world_with_vars(database_url, &[]).await
}

async fn world_with_vars(database_url: Option<String>, extra: &[(&str, &str)]) -> World {
    let insee = FakeInsee::default();
    insee.set(
        FORMATRANS,
        Answer::Active {
            name: "FORMATRANS",
            town: "LILLE",
        },
    );
    insee.set(CLOSED, Answer::Closed);
    insee.set(CEASED, Answer::Ceased);
    insee.set(PARTIAL, Answer::PartiallyDiffusible);
    insee.set(
        NO_APPROVAL,
        Answer::Active {
            name: "CONDUITE PLUS",
            town: "NANTES",
        },
    );
    insee.set(FORBIDDEN, Answer::Status(403));
    insee.set(THROTTLED, Answer::Status(429));
    insee.set(DOWN, Answer::Status(503));
    insee.set(SLOW, Answer::Slow(Duration::from_secs(3)));
    insee.set(GARBAGE, Answer::Garbage);
    insee.set(BROKEN, Answer::Status(500));
    let sirene_url = fakes::start_insee(insee.clone()).await;
    let smtp = SmtpSink::default();
    let smtp_url = smtp.start().await;
    let db = database_url.unwrap_or_else(support::sqlite_url);
    let mut vars = vec![
        ("DATABASE_URL", db.as_str()),
        ("HUBPRO_SIRENE_URL", &sirene_url),
        ("HUBPRO_SIRENE_API_KEY", fakes::API_KEY),
        ("HUBPRO_SIRENE_TIMEOUT_MS", "800"),
        ("HUBPRO_SMTP_URL", &smtp_url),
        ("HUBPRO_DEMO_DATA", "false"),
        ("HUBPRO_PUBLIC_URL", "https://hubpro.example"),
        ("HUBPRO_METRICS_TOKEN", "unused"),
    ];
    vars.extend_from_slice(extra);
    let settings = support::settings(&vars);
    let app = support::spawn_app(settings).await;
    load_approvals(&app.store).await;
    World { app, insee, smtp }
}

/// The test approvals, recorded without notices.
async fn load_approvals(store: &hubpro::server::store::Store) {
    hubpro::server::registry::approvals::import(
        store,
        approvals::parse_file(APPROVALS).unwrap(),
        approvals::Notices::Skip,
    )
    .await
    .unwrap();
}

async fn world() -> World {
    world_with(None).await
}

impl World {
    /// The check of a SIRET.
    async fn check(&self, siret: &str) -> Value {
        self.answer(siret).await["check"].clone()
    }

    /// The whole answer: the check, the status the page shows, the name it pre-fills.
    async fn answer(&self, siret: &str) -> Value {
        let res = self
            .app
            .client
            .post(format!("{}/api/verifier-siret", self.app.base))
            .form(&[("siret", siret)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    async fn submit(&self, fields: &[(&str, &str)]) -> (u16, reqwest::header::HeaderMap, String) {
        let res = self
            .app
            .client
            .post(format!("{}/api/creer-compte", self.app.base))
            .form(fields)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        (status, headers, res.text().await.unwrap())
    }
}

fn form<'a>(siret: &'a str, email: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("siret", siret),
        ("organisation", "Formatrans"),
        ("last_name", "Dupont"),
        ("first_name", "Claire"),
        ("email", email),
        ("email_confirmation", email),
    ]
}

/// The code of a refused check.
fn refusal(v: &Value) -> String {
    v["Refused"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("not a refusal: {v}"))
        .to_owned()
}

/// The code of a refusal for `r`.
fn says(r: Refusal) -> String {
    ineligible(r).code()
}

/// The problem a refusal for `r` is shown as.
fn ineligible(refusal: Refusal) -> hubpro::domain::Problem {
    hubpro::domain::Problem::Ineligible {
        refusal,
        support: String::new(),
    }
}

/// The code of a refused check, whether the SIRET has an account or not.
fn check_code(v: &Value) -> String {
    match serde_json::from_value::<SiretCheck>(v.clone()) {
        Ok(SiretCheck::Refused(problem) | SiretCheck::Registered(problem)) => problem.code(),
        other => panic!("not a refused check: {v} ({other:?})"),
    }
}

/// A refused signup, as the page receives it.
fn problem(body: &str) -> SignupProblem {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[tokio::test]
async fn eligibility_reports_each_insee_and_registry_case() {
    let w = world().await;
    let ok = w.check("477 280 846 03753").await;
    let eligible = &ok["Eligible"];
    assert_eq!(eligible["establishment"]["name"], "FORMATRANS");
    assert_eq!(eligible["establishment"]["town"], "LILLE");
    assert_eq!(eligible["establishment"]["demo"], false);
    assert_eq!(
        eligible["approvals"].as_array().unwrap().len(),
        2,
        "both approvals, one account"
    );

    assert_eq!(
        refusal(&w.check(CLOSED).await),
        says(Refusal::EstablishmentClosed)
    );
    assert_eq!(
        refusal(&w.check(CEASED).await),
        says(Refusal::LegalUnitCeased)
    );
    assert_eq!(
        refusal(&w.check(FORBIDDEN).await),
        says(Refusal::NotDiffusible)
    );
    assert_eq!(
        refusal(&w.check("12345678900007").await),
        says(Refusal::UnknownSiret)
    );
    assert_eq!(
        refusal(&w.check(NO_APPROVAL).await),
        says(Refusal::NoApproval),
        "expired approval"
    );
    let partial = w.check(PARTIAL).await;
    assert_eq!(
        partial["Eligible"]["establishment"]["name"],
        Value::Null,
        "[ND] never shown"
    );

    let refused = w.check(CLOSED).await;
    assert_eq!(check_code(&refused), says(Refusal::EstablishmentClosed));

    // What the page shows is drawn on the server: the browser inserts it as it is.
    let shown = w.answer("477 280 846 03753").await;
    assert_eq!(shown["organisation"], "FORMATRANS", "pre-filled name");
    let status = shown["status"].as_str().unwrap();
    assert!(
        status.starts_with(r#"<div class="notice ok">"#)
            && status.contains("✓ Établissement actif")
            && status.contains("FORMATRANS")
            && status.contains("(LILLE)")
            && status.matches("<li>").count() == 2,
        "{status}"
    );
    let shown = w.answer(CLOSED).await;
    assert_eq!(shown["organisation"], Value::Null);
    let status = shown["status"].as_str().unwrap();
    assert!(
        status.contains(r#"class="notice error""#)
            && status.contains(&ineligible(Refusal::EstablishmentClosed).user_message())
            && !status.contains("Se connecter"),
        "{status}"
    );
    let invalid = w.check("47728084603754").await;
    assert_eq!(check_code(&invalid), "siret.checksum");
}

#[tokio::test]
async fn insee_outages_are_polite_and_create_nothing() {
    let w = world().await;
    for siret in [THROTTLED, DOWN, SLOW, GARBAGE, BROKEN] {
        let v = w.check(siret).await;
        assert_eq!(check_code(&v), "directory.unavailable", "{siret}");
        let (status, _, body) = w.submit(&form(siret, "a@example.fr")).await;
        assert_ne!(status, 200, "{siret}");
        let problem = problem(&body);
        assert_eq!(
            problem.general_code().as_deref(),
            Some("directory.unavailable")
        );
        assert_eq!(problem.form.email, "a@example.fr", "nothing typed is lost");
    }
    assert_eq!(w.app.store.count_accounts().await.unwrap(), 0);
}

#[tokio::test]
async fn insee_answers_are_cached() {
    let w = world().await;
    w.check(FORMATRANS).await;
    w.check(FORMATRANS).await;
    w.submit(&form(FORMATRANS, "a@example.fr")).await;
    assert_eq!(w.insee.calls_for(FORMATRANS), 1);
}

#[tokio::test]
async fn concurrent_first_checks_of_one_siret_share_one_insee_call() {
    let w = world().await;
    let started = std::time::Instant::now();
    let mut checks = tokio::task::JoinSet::new();
    for siret in [FORMATRANS; 12].into_iter().chain([SLOW; 12]) {
        let (base, client) = (w.app.base.clone(), w.app.client.clone());
        checks.spawn(async move {
            let res = client
                .post(format!("{base}/api/verifier-siret"))
                .form(&[("siret", siret)])
                .send()
                .await
                .unwrap();
            (siret, res.text().await.unwrap())
        });
    }
    while let Some(done) = checks.join_next().await {
        let (siret, body) = done.unwrap();
        if siret == FORMATRANS {
            assert!(body.contains("FORMATRANS"), "{body}");
        } else {
            let v: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(check_code(&v["check"]), "directory.unavailable", "{body}");
        }
    }
    assert_eq!(
        w.insee.calls_for(FORMATRANS),
        1,
        "one call shared by 12 checks"
    );
    assert_eq!(w.insee.calls_for(SLOW), 1, "the time-out is shared too");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "nobody queued behind the slow call: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn happy_path_creates_a_pending_account_and_emails_the_link() {
    let w = world().await;
    let (status, headers, _) = w
        .submit(&form("477 280 846 03753", "Claire.Dupont@Example.fr"))
        .await;
    assert_eq!(status, 200);
    let location = headers.get("location").unwrap().to_str().unwrap();
    assert_eq!(
        location,
        "/inscription/confirmee?adresse=Claire.Dupont%40Example.fr"
    );

    let account = w
        .app
        .store
        .account_by_siret(&hubpro::domain::Siret::parse(FORMATRANS).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.state.code(), "pending");
    assert_eq!(account.organisation_name.as_str(), "Formatrans");

    // The link, and the notice to the SIRET's official address (another address was used).
    let mails = w.smtp.wait_for(2).await;
    let mail = mails
        .iter()
        .find(|m| m.to == ["<Claire.Dupont@Example.fr>"])
        .expect("the link");
    let body = fakes::decoded(&mail.data);
    // The subject, searchable for « Créer mon mot de passe » (encoded: it holds a no-break space).
    assert!(body.contains("Subject: "), "{body}");
    let stored = w.app.store.recent_emails(2).await.unwrap();
    assert!(stored
        .iter()
        .any(|m| m.email.subject == "Hub Pro Transport\u{a0}: Créer mon mot de passe"));
    assert!(body.contains("Bonjour Claire Dupont"));
    assert!(body.contains("SIRET 477\u{a0}280\u{a0}846\u{a0}03753"));
    assert!(body.contains("Créer mon mot de passe"));
    let link_start = body
        .find("https://hubpro.example/mot-de-passe/creer?jeton=")
        .expect("link");
    let token: String = body[link_start..]
        .split("jeton=")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    assert_eq!(token.len(), 64, "256-bit token");
    // Only the hash is stored.
    let stored: i64 = sqlx_count(
        &w,
        &format!("SELECT COUNT(*) AS n FROM tokens WHERE token_hash = '{token}'"),
    )
    .await;
    assert_eq!(stored, 0);
    let hashed: i64 = sqlx_count(
        &w,
        "SELECT COUNT(*) AS n FROM tokens WHERE purpose = 'password_setup'",
    )
    .await;
    assert_eq!(hashed, 1);
}

async fn sqlx_count(w: &World, sql: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(sql)
        .fetch_one(w.app.store.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

#[tokio::test]
async fn refusals_point_at_the_siret_field_and_keep_the_form() {
    let w = world().await;
    for (siret, refusal) in [
        (CLOSED, Refusal::EstablishmentClosed),
        (CEASED, Refusal::LegalUnitCeased),
        (NO_APPROVAL, Refusal::NoApproval),
        ("12345678900007", Refusal::UnknownSiret),
    ] {
        let (status, _, body) = w.submit(&form(siret, "a@example.fr")).await;
        assert_eq!(status, 422);
        let problem = problem(&body);
        assert_eq!(problem.fields.iter().count(), 1, "{body}");
        assert_eq!(problem.code(Field::Siret), Some(says(refusal)), "{body}");
        assert_eq!(problem.form.organisation, "Formatrans");
    }
    assert_eq!(w.app.store.count_accounts().await.unwrap(), 0);
}

#[tokio::test]
async fn bad_fields_are_all_reported_in_french() {
    let w = world().await;
    let (status, _, body) = w
        .submit(&[
            ("siret", "4772808460375"),
            ("organisation", ""),
            ("last_name", "<script>"),
            ("first_name", "Claire"),
            ("email", "claire@example"),
            ("email_confirmation", "autre@example.fr"),
        ])
        .await;
    assert_ne!(status, 200);
    let problem = problem(&body);
    let fields: Vec<Field> = problem.fields.iter().map(|(f, _)| *f).collect();
    assert_eq!(
        fields,
        [
            Field::Siret,
            Field::Organisation,
            Field::LastName,
            Field::Email,
            Field::EmailConfirmation
        ]
    );
    for field in fields {
        let message = problem.message(field).unwrap();
        assert!(message.ends_with('.'), "{field:?}: {message}");
    }
    assert_eq!(problem.form.last_name, "<script>");
    assert_eq!(
        w.insee.calls.lock().unwrap().len(),
        0,
        "INSEE not asked for an invalid form"
    );
}

#[tokio::test]
async fn a_second_signup_for_the_siret_is_refused() {
    let w = world().await;
    assert_eq!(w.submit(&form(FORMATRANS, "a@example.fr")).await.0, 200);
    // Pending: held until its link expires, and said so.
    let v = w.check(FORMATRANS).await;
    assert_eq!(v["Registered"]["code"], "ineligible.pending", "{v}");
    let status = w.answer(FORMATRANS).await["status"].clone();
    assert!(
        status.as_str().unwrap().contains("Mot de passe oublié</a>"),
        "the page offers to log in: {status}"
    );
    assert_eq!(check_code(&v), "ineligible.pending");
    let (status, _, body) = w.submit(&form(FORMATRANS, "b@example.fr")).await;
    assert_ne!(status, 200);
    assert_eq!(
        problem(&body).code(Field::Siret).as_deref(),
        Some("ineligible.pending")
    );
    assert_eq!(w.app.store.count_accounts().await.unwrap(), 1);
}

#[tokio::test]
async fn an_address_with_an_account_is_not_revealed_and_its_owner_is_told() {
    let w = world().await;
    let first = w.submit(&form(FORMATRANS, "cfa@example.fr")).await;
    assert_eq!(first.0, 200);
    w.smtp.wait_for(1).await;
    // Another eligible centre types the same address.
    w.insee.set(PARTIAL, Answer::PartiallyDiffusible);
    let second = w.submit(&form(PARTIAL, "CFA@example.fr")).await;
    assert_eq!(second.0, first.0, "same status");
    assert_eq!(second.2, first.2, "same body");
    assert_eq!(
        second
            .1
            .get("location")
            .unwrap()
            .to_str()
            .unwrap()
            .to_lowercase(),
        first
            .1
            .get("location")
            .unwrap()
            .to_str()
            .unwrap()
            .to_lowercase()
    );
    assert_eq!(
        w.app.store.count_accounts().await.unwrap(),
        1,
        "no second account"
    );
    // The link, the notices to both SIRETs' official addresses (as for any signup), the notice
    // to the address's owner.
    let mails = w.smtp.wait_for(4).await;
    let notice = mails
        .iter()
        .map(|m| fakes::decoded(&m.data))
        .find(|t| t.contains("existe d"))
        .unwrap_or_default();
    assert!(
        notice.contains("un compte Hub Pro Transport existe d"),
        "{notice}"
    );
    assert!(notice.contains("https://hubpro.example/mot-de-passe-oublie"));
}

#[tokio::test]
async fn twenty_parallel_signups_for_one_siret_make_one_account() {
    for (name, url) in support::all_databases().await {
        let w = world_with(Some(url)).await;
        let emails: Vec<String> = (0..20).map(|i| format!("cfa{i}@example.fr")).collect();
        let mut tasks = Vec::new();
        for email in emails {
            let client = w.app.client.clone();
            let base = w.app.base.clone();
            tasks.push(tokio::spawn(async move {
                client
                    .post(format!("{base}/api/creer-compte"))
                    .form(&form(FORMATRANS, &email))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }));
        }
        let mut created = 0;
        for t in tasks {
            if t.await.unwrap() == 200 {
                created += 1;
            }
        }
        assert_eq!(created, 1, "{name}");
        assert_eq!(w.app.store.count_accounts().await.unwrap(), 1, "{name}");
        assert_eq!(
            sqlx_count(&w, "SELECT COUNT(*) AS n FROM outbox").await,
            2,
            "{name}: one account's emails: its link and the official address's notice"
        );
    }
}

#[tokio::test]
async fn emails_wait_for_a_down_smtp_server() {
    // The SMTP server is down at signup; the account exists and its email goes out once it is up.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let insee = FakeInsee::default();
    insee.set(
        FORMATRANS,
        Answer::Active {
            name: "FORMATRANS",
            town: "LILLE",
        },
    );
    let sirene_url = fakes::start_insee(insee).await;
    let smtp_url = format!("smtp://127.0.0.1:{port}");
    let app = support::spawn_app(support::settings(&[
        ("HUBPRO_SIRENE_URL", &sirene_url),
        ("HUBPRO_SIRENE_API_KEY", fakes::API_KEY),
        ("HUBPRO_SMTP_URL", &smtp_url),
        ("HUBPRO_DEMO_DATA", "false"),
    ]))
    .await;
    load_approvals(&app.store).await;
    let res = app
        .client
        .post(format!("{}/api/creer-compte", app.base))
        // The official address itself: one email, the link.
        .form(&form(FORMATRANS, "cfa-lille@example.fr"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pending = app.store.recent_emails(10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert!(pending[0].sent_at.is_none());
    assert!(pending[0].attempts >= 1, "a failed attempt was recorded");

    let sink = SmtpSink::default();
    sink.start_on(port).await;
    // First retry after 5 s.
    for _ in 0..200 {
        if sink.count() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(sink.count(), 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(app.store.recent_emails(10).await.unwrap()[0]
        .sent_at
        .is_some());
    assert_eq!(sink.count(), 1, "sent once");
}

/// Checks a SIRET from a client bound to its own loopback address.
async fn check_from(w: &World, last_octet: u8, siret: &str) -> (u16, String) {
    let res = support::client_from(last_octet)
        .post(format!("{}/api/verifier-siret", w.app.base))
        .form(&[("siret", siret)])
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

#[tokio::test]
async fn local_checks_come_first_and_one_client_cannot_empty_the_insee_quota() {
    let w = world_with_vars(
        None,
        &[
            ("HUBPRO_SIRENE_PER_MINUTE", "6"),
            ("HUBPRO_SIRENE_PER_CLIENT", "2"),
        ],
    )
    .await;
    // Without an approval in force, INSEE is never asked.
    for siret in [NO_APPROVAL, "98765432100007"] {
        let (status, body) = check_from(&w, 2, siret).await;
        assert_eq!(status, 200);
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(refusal(&v["check"]), says(Refusal::NoApproval), "{siret}");
    }
    assert_eq!(w.insee.calls.lock().unwrap().len(), 0);

    // One client spends its share, then waits — alone.
    for siret in [FORMATRANS, CLOSED] {
        assert_eq!(check_from(&w, 2, siret).await.0, 200);
    }
    let (status, body) = check_from(&w, 2, CEASED).await;
    assert_eq!(status, 429, "{body}");
    assert!(
        support::codes(&body).starts_with("too_many_requests:"),
        "{body}"
    );
    assert_eq!(w.insee.calls_for(CEASED), 0);
    // What is cached costs nothing: the same client still reads it.
    assert_eq!(check_from(&w, 2, FORMATRANS).await.0, 200);
    // Another client is answered from the budget left.
    let (status, body) = check_from(&w, 3, CEASED).await;
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(refusal(&v["check"]), says(Refusal::LegalUnitCeased));
    assert_eq!(w.insee.calls.lock().unwrap().len(), 3);
}
