//! Signup end to end over HTTP: the real app with a fake INSEE API and an SMTP sink on loopback.

mod support;

use hubpro::domain::{Field, SignupForm};
use hubpro::server::registry::approvals;
use serde_json::Value;
use std::time::Duration;
use support::api::{check_siret, check_siret_via, Checked, Reply, Verdict};
use support::fakes::{self, Answer, FakeInsee, SmtpSink};
use support::journey::signup_form;

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
        (
            "HUBPRO_LEGAL_OPERATOR",
            "Exploitant, 1 rue de l'Exemple, 75000 Paris",
        ),
        ("HUBPRO_LEGAL_DIRECTOR", "Directrice de la publication"),
        (
            "HUBPRO_LEGAL_HOST",
            "Hébergeur, 2 rue de l'Exemple, 75000 Paris, 01 00 00 00 00",
        ),
        (
            "HUBPRO_SECRET_KEY",
            "5e1f0c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f",
        ),
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
    /// The live check of a SIRET.
    async fn check(&self, siret: &str) -> Checked {
        check_siret(&self.app, siret).await
    }

    /// « CRÉER » with `fields`.
    async fn submit(&self, fields: &[(&str, &str)]) -> Reply {
        support::api::call(&self.app, "/api/creer-compte", fields, None).await
    }
}

/// Formatrans's signup form, with `email`.
fn form<'a>(siret: &'a str, email: &'a str) -> [(&'static str, &'a str); 6] {
    signup_form(siret, "Formatrans", email)
}

#[tokio::test]
async fn eligibility_reports_each_insee_and_registry_case() {
    let w = world().await;
    let ok = w.check("477 280 846 03753").await;
    let eligible = ok.eligible();
    assert_eq!(eligible["establishment"]["name"], "FORMATRANS");
    assert_eq!(eligible["establishment"]["town"], "LILLE");
    assert_eq!(eligible["establishment"]["demo"], false);
    assert_eq!(
        eligible["approvals"].as_array().unwrap().len(),
        2,
        "both approvals, one account"
    );

    for (siret, code) in [
        (CLOSED, "ineligible.closed"),
        (CEASED, "ineligible.ceased"),
        (FORBIDDEN, "ineligible.not_diffusible"),
        ("12345678900007", "ineligible.unknown_siret"),
        // An expired approval.
        (NO_APPROVAL, "ineligible.no_approval"),
        ("47728084603754", "siret.checksum"),
    ] {
        assert_eq!(
            w.check(siret).await.verdict(),
            Verdict::refused(code),
            "{siret}"
        );
    }
    let partial = w.check(PARTIAL).await;
    assert_eq!(
        partial.eligible()["establishment"]["name"],
        Value::Null,
        "[ND] never shown"
    );

    // What the page shows is drawn on the server: the browser inserts it as it is.
    let shown = w.check("477 280 846 03753").await;
    assert_eq!(shown.organisation(), Some("FORMATRANS"), "pre-filled name");
    let status = shown.shown();
    assert!(
        status.starts_with(r#"<div class="notice ok">"#)
            && status.contains("✓ Établissement actif")
            && status.contains("FORMATRANS")
            && status.contains("(LILLE)")
            && status.matches("<li>").count() == 2,
        "{status}"
    );
    let shown = w.check(CLOSED).await;
    assert_eq!(shown.organisation(), None);
    let status = shown.shown();
    assert!(
        status.contains(r#"class="notice error""#)
            && status.contains(r#"data-problem="ineligible.closed""#),
        "{status}"
    );
    // A refused SIRET has no account to log in to.
    assert!(
        !status.contains(&format!("href=\"{}\"", hubpro::routes::LOGIN)),
        "{status}"
    );
}

#[tokio::test]
async fn insee_outages_are_polite_and_create_nothing() {
    let w = world().await;
    for siret in [THROTTLED, DOWN, SLOW, GARBAGE, BROKEN] {
        assert_eq!(
            w.check(siret).await.verdict(),
            Verdict::refused("directory.unavailable"),
            "{siret}"
        );
        let refused = w.submit(&form(siret, "a@example.fr")).await;
        refused.assert_refused(503, "directory.unavailable");
        assert_eq!(
            refused.refusal::<SignupForm>().form.email,
            "a@example.fr",
            "nothing typed is lost"
        );
    }
    assert_eq!(w.app.store.count_accounts().await.unwrap(), 0);
}

#[tokio::test]
async fn insee_answers_are_cached() {
    let w = world().await;
    w.check(FORMATRANS).await;
    w.check(FORMATRANS).await;
    w.submit(&form(FORMATRANS, "a@example.fr"))
        .await
        .assert_ok();
    assert_eq!(w.insee.calls_for(FORMATRANS), 1);
}

#[tokio::test]
async fn concurrent_first_checks_of_one_siret_share_one_insee_call() {
    let w = world().await;
    let started = std::time::Instant::now();
    let mut checks = tokio::task::JoinSet::new();
    for siret in [FORMATRANS; 12].into_iter().chain([SLOW; 12]) {
        let (base, client) = (w.app.base.clone(), w.app.client.clone());
        checks.spawn(async move { (siret, check_siret_via(&base, &client, siret, None).await) });
    }
    while let Some(done) = checks.join_next().await {
        let (siret, reply) = done.unwrap();
        let checked = reply.checked();
        if siret == FORMATRANS {
            assert_eq!(checked.verdict(), Verdict::Eligible, "{}", reply.body);
            assert_eq!(checked.organisation(), Some("FORMATRANS"));
        } else {
            assert_eq!(
                checked.verdict(),
                Verdict::refused("directory.unavailable"),
                "{}",
                reply.body
            );
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
    let created = w
        .submit(&form("477 280 846 03753", "Claire.Dupont@Example.fr"))
        .await;
    created.assert_ok();
    let location = created.header("location").unwrap();
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
    for (siret, code) in [
        (CLOSED, "ineligible.closed"),
        (CEASED, "ineligible.ceased"),
        (NO_APPROVAL, "ineligible.no_approval"),
        ("12345678900007", "ineligible.unknown_siret"),
    ] {
        let refused = w.submit(&form(siret, "a@example.fr")).await;
        refused.assert_refused(422, code);
        let problem = refused.refusal::<SignupForm>();
        assert_eq!(problem.fields.iter().count(), 1, "{}", refused.body);
        assert_eq!(problem.code(Field::Siret).as_deref(), Some(code));
        assert_eq!(problem.form.organisation, "Formatrans");
    }
    assert_eq!(w.app.store.count_accounts().await.unwrap(), 0);
}

#[tokio::test]
async fn bad_fields_are_all_reported_in_french() {
    let w = world().await;
    let refused = w
        .submit(&[
            ("siret", "4772808460375"),
            ("organisation", ""),
            ("last_name", "<script>"),
            ("first_name", "Claire"),
            ("email", "claire@example"),
            ("email_confirmation", "autre@example.fr"),
        ])
        .await;
    refused.assert_refused(
        422,
        "siret.length:13\nname.empty\nname.character\nemail.domain\nemail.mismatch",
    );
    let problem = refused.refusal::<SignupForm>();
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
    // Each is a sentence (the wording itself is the point here).
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
    w.submit(&form(FORMATRANS, "a@example.fr"))
        .await
        .assert_ok();
    // Pending: held until its link expires, and said so; the page offers to log in.
    let held = w.check(FORMATRANS).await;
    assert_eq!(held.verdict(), Verdict::registered("ineligible.pending"));
    let status = held.shown();
    assert!(
        status.contains(r#"data-problem="ineligible.pending""#)
            && status.contains(&format!("href=\"{}\"", hubpro::routes::FORGOT_PASSWORD)),
        "the page offers to log in: {status}"
    );
    w.submit(&form(FORMATRANS, "b@example.fr"))
        .await
        .assert_refused(422, "ineligible.pending");
    assert_eq!(w.app.store.count_accounts().await.unwrap(), 1);
}

#[tokio::test]
async fn an_address_with_an_account_is_not_revealed_and_its_owner_is_told() {
    let w = world().await;
    let first = w.submit(&form(FORMATRANS, "cfa@example.fr")).await;
    first.assert_ok();
    w.smtp.wait_for(1).await;
    // Another eligible centre types the same address.
    w.insee.set(PARTIAL, Answer::PartiallyDiffusible);
    let second = w.submit(&form(PARTIAL, "CFA@example.fr")).await;
    assert_eq!(second.status, first.status, "same status");
    assert_eq!(second.body, first.body, "same body");
    assert_eq!(
        second.header("location").unwrap().to_lowercase(),
        first.header("location").unwrap().to_lowercase()
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
    let app = support::app_with(&[
        ("HUBPRO_SIRENE_URL", &sirene_url),
        ("HUBPRO_SIRENE_API_KEY", fakes::API_KEY),
        ("HUBPRO_SMTP_URL", &smtp_url),
        ("HUBPRO_DEMO_DATA", "false"),
    ])
    .await;
    load_approvals(&app.store).await;
    // The official address itself: one email, the link.
    support::journey::try_sign_up(&app, FORMATRANS, "Formatrans", "cfa-lille@example.fr")
        .await
        .assert_ok();
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
async fn check_from(w: &World, last_octet: u8, siret: &str) -> Reply {
    check_siret_via(&w.app.base, &support::client_from(last_octet), siret, None).await
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
        assert_eq!(
            check_from(&w, 2, siret).await.checked().verdict(),
            Verdict::refused("ineligible.no_approval"),
            "{siret}"
        );
    }
    assert_eq!(w.insee.calls.lock().unwrap().len(), 0);

    // One client spends its share, then waits — alone.
    for siret in [FORMATRANS, CLOSED] {
        check_from(&w, 2, siret).await.assert_ok();
    }
    check_from(&w, 2, CEASED)
        .await
        .assert_waits("too_many_requests");
    assert_eq!(w.insee.calls_for(CEASED), 0);
    // What is cached costs nothing: the same client still reads it.
    check_from(&w, 2, FORMATRANS).await.assert_ok();
    // Another client is answered from the budget left.
    assert_eq!(
        check_from(&w, 3, CEASED).await.checked().verdict(),
        Verdict::refused("ineligible.ceased")
    );
    assert_eq!(w.insee.calls.lock().unwrap().len(), 3);
}
