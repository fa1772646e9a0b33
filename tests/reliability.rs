//! When things go wrong: the SMTP server down during signups, the database unreachable, two
//! instances on one PostgreSQL, a graceful shutdown.

mod support;

use hubpro::server::http::Application;
use hubpro::server::registry::approvals::{self, Notices};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use support::api::{check_siret_via, Reply, Verdict};
use support::fakes::{self, decoded, Answer, FakeInsee, SmtpSink};
use support::journey::{cookie_pair, post, sign_up, signup_form, space};

const PASSWORD: &str = "Vélo-Cargo sur le Pont Neuf!";

/// The `n`-th of a family of valid SIRETs (Luhn check digit computed).
use support::{free_port, numbered_siret as siret};

#[tokio::test]
async fn fifty_signups_while_smtp_is_down_are_each_delivered_once_when_it_is_back() {
    const N: usize = 50;
    let insee = FakeInsee::default();
    let mut file = String::from(
        "numero_agrement;siret;type;formations;date_debut;date_fin;region;email_notification\n",
    );
    for i in 0..N {
        insee.set(
            &siret(i),
            Answer::Active {
                name: "CENTRE",
                town: "PARIS",
            },
        );
        file.push_str(&format!(
            "IDF-{i};{};voyageurs;FCO;2020-01-01;;Île-de-France;dreal{i}@example.fr\n",
            siret(i)
        ));
    }
    let sirene_url = fakes::start_insee(insee).await;
    let port = free_port();
    let smtp_url = format!("smtp://127.0.0.1:{port}");
    let app = support::app_with(&[
        ("HUBPRO_SIRENE_URL", &sirene_url),
        ("HUBPRO_SIRENE_API_KEY", fakes::API_KEY),
        ("HUBPRO_SMTP_URL", &smtp_url),
        ("HUBPRO_DEMO_DATA", "false"),
        ("HUBPRO_RATE_SIGNUP", "1000"),
        ("HUBPRO_RATE_ELIGIBILITY", "1000"),
        ("HUBPRO_SIRENE_PER_MINUTE", "1000"),
    ])
    .await;
    hubpro::server::registry::approvals::import(
        &app.store,
        approvals::parse_file(&file).unwrap(),
        Notices::Skip,
    )
    .await
    .unwrap();

    let mut signups = tokio::task::JoinSet::new();
    for i in 0..N {
        let (base, client) = (app.base.clone(), app.client.clone());
        signups.spawn(async move {
            let email = format!("centre{i}@example.fr");
            let s = siret(i);
            let res = client
                .post(format!("{base}/api/creer-compte"))
                .form(&signup_form(&s, "Centre", &email))
                .send()
                .await
                .unwrap();
            Reply::of(res).await.assert_ok();
        });
    }
    while let Some(done) = signups.join_next().await {
        done.unwrap();
    }
    assert_eq!(app.store.count_accounts().await.unwrap(), N as i64);
    // Every email waits (each signup's link, and the notice to its DREAL address); at least one
    // failed attempt is on record.
    let unsent = app.store.unsent_emails().await.unwrap();
    assert_eq!(unsent.len(), 2 * N);

    // The SMTP server comes back: the outbox's retries deliver everything, once.
    let sink = SmtpSink::default();
    sink.start_on(port).await;
    let start = Instant::now();
    while sink.count() < 2 * N && start.elapsed() < Duration::from_secs(90) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let messages = sink.messages.lock().unwrap().clone();
    let mut per_recipient: HashMap<String, usize> = HashMap::new();
    for m in &messages {
        *per_recipient.entry(m.to.join(",")).or_default() += 1;
    }
    assert_eq!(messages.len(), 2 * N, "each email delivered once");
    assert_eq!(per_recipient.len(), 2 * N);
    assert!(per_recipient.values().all(|&n| n == 1));
    assert!(app.store.unsent_emails().await.unwrap().is_empty());
}

/// A TCP relay to PostgreSQL that can be cut and restored, to make the database unreachable.
struct Relay {
    port: u16,
    task: Option<tokio::task::JoinHandle<()>>,
    target: String,
}

impl Relay {
    async fn start(target: &str) -> Relay {
        let mut relay = Relay {
            port: free_port(),
            task: None,
            target: target.to_owned(),
        };
        relay.restore().await;
        relay
    }

    async fn restore(&mut self) {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port))
            .await
            .unwrap();
        let target = self.target.clone();
        self.task = Some(tokio::spawn(async move {
            let mut links = tokio::task::JoinSet::new();
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                let target = target.clone();
                links.spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        }));
    }

    /// Closes the listener and every relayed connection (the JoinSet is dropped with the task).
    fn cut(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

#[tokio::test]
async fn an_unreachable_database_gives_a_clear_page_and_the_app_recovers_alone() {
    let url = support::postgres_url().await;
    let (host_part, db) = url.rsplit_once('/').unwrap();
    let target = host_part.rsplit('@').next().unwrap().to_owned();
    let mut relay = Relay::start(&target).await;
    let relayed = format!(
        "{}@127.0.0.1:{}/{db}",
        host_part.rsplit_once('@').unwrap().0,
        relay.port
    );
    // A built site of its own: the stylesheet the 503 page links must be there to fetch.
    let site = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("site-{}", support::free_port()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/hubpro.css"), "body { color: #1b1f29 }").unwrap();
    let app = support::app_with(&[
        ("DATABASE_URL", &relayed),
        ("LEPTOS_SITE_ROOT", site.to_str().unwrap()),
    ])
    .await;
    let page = |path: &'static str| {
        let (client, base) = (app.client.clone(), app.base.clone());
        async move { client.get(format!("{base}{path}")).send().await.unwrap() }
    };
    let before = page("/inscription").await;
    assert_eq!(before.status(), 200);
    let before = before.text().await.unwrap();
    let stylesheet = |html: &str| {
        let needle = r#"rel="stylesheet" href=""#;
        let start = html.find(needle).expect("a stylesheet") + needle.len();
        html[start..start + html[start..].find('"').unwrap()].to_owned()
    };
    let pages_stylesheet = stylesheet(&before);

    relay.cut();
    let start = Instant::now();
    let mut res = page("/inscription").await;
    while res.status() != 503 && start.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        res = page("/inscription").await;
    }
    assert_eq!(res.status(), 503, "within seconds of the outage");
    assert_eq!(res.headers()["retry-after"], "10");
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Service momentanément indisponible"),
        "{html}"
    );
    assert_eq!(stylesheet(&html), pages_stylesheet, "styled like the pages");
    assert!(
        html.contains("class=\"site-header\""),
        "in the pages' frame: {html}"
    );
    // The link works during the outage: the stylesheet is served.
    let css = app
        .client
        .get(format!("{}{}", app.base, stylesheet(&html)))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200, "{}", stylesheet(&html));
    assert!(css.text().await.unwrap().contains("#1b1f29"));
    let health = page("/sante").await;
    assert_eq!(health.status(), 503);
    // A server function answers (an error, not a hang, not a crash).
    let answered = tokio::time::timeout(
        Duration::from_secs(15),
        post(
            &app,
            "/api/verifier-siret",
            &[("siret", "47728084603753")],
            None,
        ),
    )
    .await;
    assert!(answered.is_ok(), "no hang");

    relay.restore().await;
    let start = Instant::now();
    let mut res = page("/inscription").await;
    while res.status() != 200 && start.elapsed() < Duration::from_secs(15) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        res = page("/inscription").await;
    }
    assert_eq!(res.status(), 200, "back without a restart");
    sign_up(&app, "47728084603753", "Formatrans", "claire@example.fr").await;
}

#[tokio::test]
async fn two_instances_on_one_postgres_share_the_journey_and_send_each_email_once() {
    let url = support::postgres_url().await;
    let sink = SmtpSink::default();
    let smtp_url = sink.start().await;
    let vars = [
        ("DATABASE_URL", url.as_str()),
        ("HUBPRO_SMTP_URL", &smtp_url),
    ];
    let a = support::app_with(&vars).await;
    let b = support::app_with(&vars).await;
    // The demo approvals' notices, queued once by the first instance.
    let notices = sink.wait_for(18).await;
    assert_eq!(notices.len(), 18);

    sign_up(&a, "47728084603753", "Formatrans", "claire@example.fr").await;
    let mails = sink.wait_for(20).await;
    let text = mails[18..]
        .iter()
        .map(|m| decoded(&m.data))
        .find(|t| t.contains("/mot-de-passe/creer?jeton="))
        .expect("the password link");
    let start = text.find("jeton=").unwrap() + 6;
    let token = text[start..start + 64].to_owned();
    // « Continuer » on B, « Valider » on A with B's flow cookie.
    let res = post(&b, "/api/continuer", &[("token", &token)], None).await;
    let flow = cookie_pair(&res, "hubpro_flow").expect("flow cookie from B");
    let res = post(
        &a,
        "/api/valider-mot-de-passe",
        &[("password", PASSWORD), ("confirmation", PASSWORD)],
        Some(&flow),
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    // Login on B, the space on A.
    let session = support::journey::login(&b, "claire@example.fr", PASSWORD).await;
    let space = a
        .client
        .get(format!("{}/espace", a.base))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(space.status(), 200);
    assert!(space.text().await.unwrap().contains("Formatrans"));

    // Both outboxes ran all along: each email went out once.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let all = sink.messages.lock().unwrap().clone();
    assert_eq!(
        all.len(),
        21,
        "18 notices, the official address's notice, the link, the password notice"
    );
    // As many deliveries as queued emails, all marked sent: none went out twice.
    let queued = a.store.recent_emails(100).await.unwrap();
    assert_eq!(queued.len(), all.len());
    assert!(queued.iter().all(|m| m.sent_at.is_some()));
}

#[tokio::test]
async fn a_graceful_shutdown_lets_requests_finish_and_stops_the_outbox() {
    let insee = FakeInsee::default();
    insee.set("47728084603753", Answer::Slow(Duration::from_millis(1500)));
    let sirene_url = fakes::start_insee(insee).await;
    let app = Application::build(support::settings(&[
        ("HUBPRO_SIRENE_URL", &sirene_url),
        ("HUBPRO_SIRENE_API_KEY", fakes::API_KEY),
        ("HUBPRO_SIRENE_TIMEOUT_MS", "5000"),
    ]))
    .await
    .unwrap();
    let base = format!("http://{}", app.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let in_flight = tokio::spawn({
        let (client, base) = (client.clone(), base.clone());
        async move {
            client
                .post(format!("{base}/api/verifier-siret"))
                .form(&[("siret", "47728084603753")])
                .send()
                .await
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.send(()).unwrap();
    let res = in_flight
        .await
        .unwrap()
        .expect("the in-flight request finished");
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("LENTE"));
    let finished = tokio::time::timeout(Duration::from_secs(10), server).await;
    assert!(
        matches!(finished, Ok(Ok(Ok(())))),
        "server, outbox and probe stopped cleanly"
    );
    assert!(
        client.get(&base).send().await.is_err(),
        "no new connection after the shutdown"
    );
}

#[tokio::test]
async fn the_insee_budget_holds_whatever_the_traffic() {
    let insee = FakeInsee::default();
    for i in 0..40 {
        insee.set(
            &siret(i),
            Answer::Active {
                name: "CENTRE",
                town: "PARIS",
            },
        );
    }
    let sirene_url = fakes::start_insee(insee.clone()).await;
    let app = support::app_with(&[
        ("HUBPRO_SIRENE_URL", &sirene_url),
        ("HUBPRO_SIRENE_API_KEY", fakes::API_KEY),
        ("HUBPRO_RATE_ELIGIBILITY", "1000"),
    ])
    .await;
    support::approve(&app.store, (0..40).map(siret)).await;
    let mut checks = tokio::task::JoinSet::new();
    for round in 0..2 {
        for i in 0..40 {
            let (base, client) = (app.base.clone(), app.client.clone());
            checks.spawn(async move {
                let reply = check_siret_via(&base, &client, &siret(i), None).await;
                (round, reply)
            });
        }
        while let Some(done) = checks.join_next().await {
            let (_, reply) = done.unwrap();
            // Polite either way: the check's answer, or (one client asking this much) « Patientez ».
            match reply.status {
                200 => assert!(
                    matches!(
                        reply.checked().verdict(),
                        Verdict::Eligible | Verdict::Refused(_)
                    ),
                    "{}",
                    reply.body
                ),
                _ => {
                    reply.assert_waits("too_many_requests");
                }
            }
        }
    }
    // The default budget is 28 calls a minute: the rest is refused politely, the repeats come
    // from the cache.
    assert_eq!(insee.calls.lock().unwrap().len(), 28);
}

/// Each instance holds the live sessions it has read (a logged-in page costs no round trip to
/// know who asks): a session ended on one instance is refused by the others within a second.
#[tokio::test]
async fn a_session_ended_on_one_instance_is_refused_by_the_other_within_a_second() {
    use support::journey::{active_account, login};
    for (name, url) in support::all_databases().await {
        let vars = [("DATABASE_URL", url.as_str())];
        let a = support::app_with(&vars).await;
        let b = support::app_with(&vars).await;
        active_account(&a, "47728084603753", "claire@example.fr", PASSWORD).await;
        // Three sessions opened on A, each seen by both instances (both hold them now).
        let office = login(&a, "claire@example.fr", PASSWORD).await;
        let laptop = login(&a, "claire@example.fr", PASSWORD).await;
        let phone = login(&a, "claire@example.fr", PASSWORD).await;
        for session in [&office, &laptop, &phone] {
            for app in [&a, &b] {
                assert_eq!(space(app, session).await.0, 200, "{name}");
            }
        }
        // Logged out on B: B refuses it at once, A within a second.
        let out = post(&b, "/api/deconnexion", &[], Some(&phone)).await;
        assert_eq!(out.status(), 200);
        assert_eq!(space(&b, &phone).await.0, 302, "{name}");
        let waited = until_refused(&a, &phone).await;
        assert!(waited < Duration::from_secs(1), "{name}: {waited:?}");
        // « Terminer les autres sessions » on B: the same for the laptop; the office stays.
        let out = post(&b, "/api/terminer-autres-sessions", &[], Some(&office)).await;
        assert_eq!(out.status(), 200);
        assert_eq!(space(&b, &laptop).await.0, 302, "{name}");
        let waited = until_refused(&a, &laptop).await;
        assert!(waited < Duration::from_secs(1), "{name}: {waited:?}");
        assert_eq!(space(&a, &office).await.0, 200, "{name}");
        assert_eq!(space(&b, &office).await.0, 200, "{name}");
    }
}

/// The memory behind the test above, store by store: a session ended on one instance is dropped by
/// the other within a second, and only its account's sessions are (another account's stay held:
/// their pages cost no query). A change the instances do not watch (the idle timer) shows which.
#[tokio::test]
async fn an_ended_session_is_dropped_everywhere_with_its_account_only() {
    use hubpro::domain::{EmailAddress, OrganisationName, PersonName, Siret};
    use hubpro::server::store::{now, Duration as Days, NewAccount, SessionOrigin, Store};
    async fn account(store: &Store, n: usize) -> hubpro::server::store::AccountId {
        let mut tx = store.begin().await.unwrap();
        let id = tx
            .insert_pending_account(
                &NewAccount {
                    siret: Siret::parse(&siret(n)).unwrap(),
                    email: EmailAddress::parse(&format!("admin{n}@example.fr")).unwrap(),
                    organisation_name: OrganisationName::parse("Centre").unwrap(),
                    last_name: PersonName::parse("Martin").unwrap(),
                    first_name: PersonName::parse("Léa").unwrap(),
                },
                now() + Days::days(3),
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    }
    for (name, url) in support::all_databases().await {
        let a = support::open_store(&url).await;
        let b = support::open_store(&url).await;
        let origin = SessionOrigin::default();
        let (claire, paul) = (account(&a, 1).await, account(&a, 2).await);
        let ended = a
            .create_session(claire, Days::days(1), &origin)
            .await
            .unwrap();
        let kept = a
            .create_session(paul, Days::days(1), &origin)
            .await
            .unwrap();
        // After their first look at the change table, both hold both sessions.
        tokio::time::sleep(Duration::from_millis(300)).await;
        for store in [&a, &b, &a, &b] {
            for session in [&ended, &kept] {
                assert!(store.session_with_account(session).await.unwrap().is_some());
            }
        }
        let (held, _) = a.session_with_account(&kept).await.unwrap().unwrap();
        // Paul's idle timer moves in the database, unwatched: A goes on showing what it holds.
        let mut tx = b.begin().await.unwrap();
        tx.execute_raw(&format!(
            "UPDATE sessions SET last_seen_at = last_seen_at - 600 WHERE account_id = {}",
            paul.0
        ))
        .await
        .unwrap();
        tx.commit().await.unwrap();

        b.delete_session(&ended).await.unwrap();
        assert!(b.session_with_account(&ended).await.unwrap().is_none());
        let waited =
            waited_until(async || a.session_with_account(&ended).await.unwrap().is_none()).await;
        assert!(waited < Duration::from_secs(1), "{name}: {waited:?}");
        let (still, _) = a.session_with_account(&kept).await.unwrap().unwrap();
        assert_eq!(
            still.last_seen, held.last_seen,
            "{name}: Paul's session was read again"
        );
        let (stored, _) = b.session_with_account(&kept).await.unwrap().unwrap();
        assert_ne!(
            stored.last_seen, held.last_seen,
            "{name}: B reads the database"
        );
    }
}

/// How long `app` went on accepting `session` (gives up after five seconds).
async fn until_refused(app: &support::TestApp, session: &str) -> Duration {
    waited_until(async || space(app, session).await.0 != 200).await
}

/// How long it took `done` to turn true, asked every 10 ms (gives up after five seconds).
async fn waited_until(mut done: impl AsyncFnMut() -> bool) -> Duration {
    let since = Instant::now();
    while !done().await && since.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    since.elapsed()
}

/// Each instance holds the approvals it has read: an import shows on the instance that made it at
/// once, on the others within a second.
#[tokio::test]
async fn an_approvals_import_shows_on_every_instance_within_a_second() {
    use hubpro::domain::Siret;
    for (name, url) in support::all_databases().await {
        let a = support::open_store(&url).await;
        let b = support::open_store(&url).await;
        let siret = Siret::parse(&siret(1)).unwrap();
        // After their first look at the change table, both hold « no approval ».
        tokio::time::sleep(Duration::from_millis(300)).await;
        for store in [&a, &b, &a, &b] {
            assert!(
                store.approvals_for(&siret).await.unwrap().is_empty(),
                "{name}"
            );
        }
        support::approve(&a, [siret.as_digits().to_owned()]).await;
        assert_eq!(a.approvals_for(&siret).await.unwrap().len(), 1, "{name}");
        let waited =
            waited_until(async || !b.approvals_for(&siret).await.unwrap().is_empty()).await;
        assert!(waited < Duration::from_secs(1), "{name}: {waited:?}");
    }
}
