//! A SIRET belongs to its centre: a pending account ends with its link, support can see, free or
//! revive a SIRET.

mod support;

use hubpro::domain::Siret;
use support::api::{call, check_siret, Verdict};
use support::journey::{link_token_for, not_us_token, set_password, sign_up, try_sign_up};
use support::{demo_app as app, TestApp};

const FORMATRANS: &str = "47728084603753";
const PASSWORD: &str = "Vélo-Cargo sur le Pont Neuf!";

/// How many of `all` went to `to`.
fn count_to(all: &[hubpro::server::store::StoredEmail], to: &str) -> usize {
    all.iter().filter(|m| m.email.to == to).count()
}

/// Moves a pending account's end into the past, as 72 hours would.
async fn expire(app: &TestApp, siret: &str) {
    let mut tx = app.store.begin().await.unwrap();
    tx.execute_raw(&format!(
        "UPDATE accounts SET pending_until = created_at - 1 WHERE siret = '{siret}'"
    ))
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_pending_account_holds_its_siret_until_its_link_expires_then_gives_way() {
    for (db, url) in support::all_databases().await {
        let app = app(&url).await;
        sign_up(&app, FORMATRANS, "Formatrans", "squatteur@example.fr").await;

        // Pending: the check says so honestly, without the address and without dates (a
        // stranger watching the SIRET would take it the moment it ends).
        let held = check_siret(&app, FORMATRANS).await;
        assert_eq!(
            held.verdict(),
            Verdict::registered("ineligible.pending"),
            "{db}"
        );
        // The message shown: neither the address typed nor a date (the test's own values).
        let message = held.message();
        assert!(!message.contains("squatteur"), "{message}");
        assert!(!message.chars().any(|c| c.is_ascii_digit()), "{message}");
        try_sign_up(&app, FORMATRANS, "Formatrans", "direction@formatrans.fr")
            .await
            .assert_refused(422, "ineligible.pending");

        // Its link expired: the centre signs up; the old account ends; its address hears nothing.
        expire(&app, FORMATRANS).await;
        assert_eq!(
            check_siret(&app, FORMATRANS).await.verdict(),
            Verdict::Eligible,
            "{db}"
        );
        let before = app.store.recent_emails(100).await.unwrap();
        sign_up(&app, FORMATRANS, "Formatrans", "direction@formatrans.fr").await;
        let after = app.store.recent_emails(100).await.unwrap();
        assert_eq!(
            count_to(&after, "squatteur@example.fr"),
            count_to(&before, "squatteur@example.fr"),
            "{db}"
        );
        let siret = Siret::parse(FORMATRANS).unwrap();
        let holder = app.store.account_by_siret(&siret).await.unwrap().unwrap();
        assert_eq!(holder.email.as_str(), "direction@formatrans.fr", "{db}");
        let ended = app.store.ended_accounts_of(&siret).await.unwrap();
        assert_eq!(ended.len(), 1, "{db}");
        assert_eq!(ended[0].reason, "expired");
        assert_eq!(ended[0].email.as_str(), "squatteur@example.fr");
        let trail = app.store.audit_of(&siret).await.unwrap();
        assert!(
            trail
                .iter()
                .any(|e| e.kind == "account_ended" && e.detail.contains("replaced")),
            "{db}: {trail:?}"
        );
        // The old link is dead with its account.
        let old = after
            .iter()
            .find(|m| m.email.to == "squatteur@example.fr")
            .unwrap();
        let start = old.email.text.find("jeton=").unwrap() + 6;
        let token = &old.email.text[start..start + 64];
        call(&app, "/api/continuer", &[("token", token)], None)
            .await
            .assert_refused(422, "link.invalid");
        // The new centre goes on as usual.
        let token = link_token_for(&app, "direction@formatrans.fr").await;
        assert_eq!(
            set_password(&app, &token, PASSWORD, PASSWORD)
                .await
                .status(),
            200
        );
    }
}

#[tokio::test]
async fn support_sees_frees_and_revives_a_siret_and_bad_input_changes_nothing() {
    let url = support::sqlite_url();
    let app = app(&url).await;
    sign_up(&app, FORMATRANS, "Formatrans", "claire@example.fr").await;
    let siret = Siret::parse(FORMATRANS).unwrap();

    // show: state and masked address, never the whole address.
    let run = support::cli(&url, &["accounts", "show", "477 280 846 03753"]);
    assert_eq!(run.code, Some(0), "{}", run.err);
    let out = run.out;
    assert!(out.contains("pending, holds the SIRET until"), "{out}");
    assert!(
        out.contains("c***@example.fr") && !out.contains("claire@"),
        "{out}"
    );
    assert!(out.contains("signup"), "{out}");

    // Bad input: one clear line, a non-zero exit, nothing changed.
    for (args, expected_code) in [
        (&["accounts", "show", "123"][..], 2),
        (&["accounts", "release", FORMATRANS][..], 2),
        (
            &["accounts", "release", FORMATRANS, "--reason", "  "][..],
            1,
        ),
        (
            &["accounts", "release", "53210987600013", "--reason", "x"][..],
            1,
        ),
        (&["accounts", "resend", "53210987600013"][..], 1),
        (&["accounts", "frobnicate"][..], 2),
    ] {
        let run = support::cli(&url, args);
        assert_eq!(run.code, Some(expected_code), "{args:?}: {}", run.err);
        assert!(!run.err.trim().is_empty(), "{args:?}");
    }
    assert!(app.store.account_by_siret(&siret).await.unwrap().is_some());

    // resend: a fresh link; the earlier one dies.
    let first = link_token_for(&app, "claire@example.fr").await;
    let run = support::cli(&url, &["accounts", "resend", FORMATRANS]);
    assert_eq!(run.code, Some(0), "{}", run.err);
    assert!(run.out.contains("new password link queued"), "{}", run.out);
    let second = link_token_for(&app, "claire@example.fr").await;
    assert_ne!(first, second);
    call(&app, "/api/continuer", &[("token", &first)], None)
        .await
        .assert_refused(422, "link.invalid");

    // An active account cannot be « resent »; it can be released, with a reason.
    assert_eq!(
        set_password(&app, &second, PASSWORD, PASSWORD)
            .await
            .status(),
        200
    );
    let run = support::cli(&url, &["accounts", "resend", FORMATRANS]);
    assert_eq!(run.code, Some(1));
    // The operator is told what the centre can do (the guide's label).
    assert!(run.err.contains("Mot de passe oublié"), "{}", run.err);
    let run = support::cli(
        &url,
        &[
            "accounts",
            "release",
            FORMATRANS,
            "--reason",
            "adresse erronée, confirmé par téléphone",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.err);
    assert!(run.out.contains("released"), "{}", run.out);
    assert!(app.store.account_by_siret(&siret).await.unwrap().is_none());
    assert_eq!(
        check_siret(&app, FORMATRANS).await.verdict(),
        Verdict::Eligible
    );
    let trail = app.store.audit_of(&siret).await.unwrap();
    assert!(trail
        .iter()
        .any(|e| e.kind == "account_ended" && e.detail.contains("confirmé par téléphone")));
    let out = support::cli(&url, &["accounts", "show", FORMATRANS]).out;
    assert!(out.contains("no account: the SIRET is free"), "{out}");
    assert!(out.contains("released"), "{out}");
    // The released address can no longer log in.
    call(
        &app,
        "/api/connexion",
        &[("email", "claire@example.fr"), ("password", PASSWORD)],
        None,
    )
    .await
    .assert_refused(401, "login.bad_credentials");
}

#[tokio::test]
async fn the_official_address_says_not_us_and_the_centre_takes_its_siret_back() {
    // Demo approvals: 477 280 846 03753's notification address is the DREAL's file's.
    let url = support::sqlite_url();
    let app = app(&url).await;
    let siret = Siret::parse(FORMATRANS).unwrap();
    let official = app
        .store
        .list_approvals(Some(&siret))
        .await
        .unwrap()
        .remove(0)
        .notification_email
        .to_string();

    // Someone asks for the centre's account with their own address, and even sets its password.
    sign_up(&app, FORMATRANS, "Formatrans", "squatteur@example.fr").await;
    let notice_token = not_us_token(&app, &official).await;
    let mails = app.store.recent_emails(100).await.unwrap();
    let notice = mails
        .iter()
        .find(|m| m.email.to == official && m.email.subject.contains("a été demandé"))
        .unwrap();
    assert!(
        notice.email.text.contains("s***@example.fr"),
        "{}",
        notice.email.text
    );
    assert!(!notice.email.text.contains("squatteur@"));
    assert!(notice.email.html.contains("Suspendre ce compte</a>"));
    let link = link_token_for(&app, "squatteur@example.fr").await;
    assert_eq!(
        set_password(&app, &link, PASSWORD, PASSWORD).await.status(),
        200
    );
    let session = support::journey::login(&app, "squatteur@example.fr", PASSWORD).await;

    // Opening the link changes nothing (mail scanners open links)…
    for _ in 0..2 {
        let page = app
            .client
            .get(format!(
                "{}/ce-n-est-pas-nous?jeton={notice_token}",
                app.base
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(
            html.contains(r#"action="/api/ce-n-est-pas-nous""#),
            "the form is offered: {html}"
        );
    }
    assert!(app.store.account_by_siret(&siret).await.unwrap().is_some());

    // …the button suspends at once: session ended, login refused with a clear message, SIRET free.
    call(
        &app,
        "/api/ce-n-est-pas-nous",
        &[("token", &notice_token)],
        None,
    )
    .await
    .assert_ok();
    assert!(app.store.account_by_siret(&siret).await.unwrap().is_none());
    let space = app
        .client
        .get(format!("{}/espace", app.base))
        .header("cookie", &session)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(space.status(), 302, "the session ended");
    call(
        &app,
        "/api/connexion",
        &[("email", "squatteur@example.fr"), ("password", PASSWORD)],
        None,
    )
    .await
    .assert_refused(401, "login.suspended");
    call(
        &app,
        "/api/connexion",
        &[
            ("email", "squatteur@example.fr"),
            ("password", "Pas le bon !"),
        ],
        None,
    )
    .await
    .assert_refused(401, "login.bad_credentials");
    let mails = app.store.recent_emails(100).await.unwrap();
    assert!(mails.iter().any(|m| m.email.to == "squatteur@example.fr"
        && m.email.subject.contains("votre compte a été suspendu")));
    let trail = app.store.audit_of(&siret).await.unwrap();
    assert!(trail
        .iter()
        .any(|e| e.kind == "account_ended" && e.detail.contains("Ce n'est pas nous")));

    // Single use.
    call(
        &app,
        "/api/ce-n-est-pas-nous",
        &[("token", &notice_token)],
        None,
    )
    .await
    .assert_refused(422, "link.invalid");

    // The centre signs up with its official address: no notice to itself this time.
    sign_up(&app, FORMATRANS, "Formatrans", &official).await;
    let notices = app
        .store
        .recent_emails(100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| {
            m.email
                .subject
                .contains("un compte administrateur a été demandé")
        })
        .count();
    assert_eq!(notices, 1);
    let holder = app.store.account_by_siret(&siret).await.unwrap().unwrap();
    assert_eq!(holder.email.as_str(), official);
}

#[tokio::test]
async fn an_account_asked_before_the_notices_existed_tells_the_official_address_at_its_password() {
    use hubpro::domain::{EmailAddress, OrganisationName, PersonName};
    use hubpro::server::store::{LinkPurpose, NewAccount};
    let url = support::sqlite_url();
    let app = app(&url).await;
    // As an older release left it: a pending account and its link, no notice.
    let mut tx = app.store.begin().await.unwrap();
    let id = tx
        .insert_pending_account(
            &NewAccount {
                siret: Siret::parse(FORMATRANS).unwrap(),
                email: EmailAddress::parse("ancien@example.fr").unwrap(),
                organisation_name: OrganisationName::parse("Formatrans").unwrap(),
                last_name: PersonName::parse("Martin").unwrap(),
                first_name: PersonName::parse("Léa").unwrap(),
            },
            hubpro::server::store::now() + hubpro::server::store::Duration::days(3650),
        )
        .await
        .unwrap();
    let token = tx
        .insert_token(
            id,
            LinkPurpose::PasswordSetup,
            hubpro::server::accounts::tokens::PASSWORD_SETUP_TTL,
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        set_password(&app, token.expose(), PASSWORD, PASSWORD)
            .await
            .status(),
        200
    );
    let notice = not_us_token(&app, "cfa-lille@example.fr").await;
    assert_eq!(notice.len(), 64);

    // A usual signup: told once, at the signup, not again at its password.
    let other = "40073444800477";
    sign_up(&app, other, "École routière", "eleve@example.fr").await;
    let link = link_token_for(&app, "eleve@example.fr").await;
    assert_eq!(
        set_password(&app, &link, PASSWORD, PASSWORD).await.status(),
        200
    );
    let told = app
        .store
        .recent_emails(100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| {
            m.email.to == "ecole-routiere@example.fr" && m.email.subject.contains("a été demandé")
        })
        .count();
    assert_eq!(told, 1);
}

#[tokio::test]
async fn the_official_address_is_told_once_even_after_its_link_was_purged() {
    use hubpro::server::store::now;
    use sqlx::Row;
    for (db, url) in support::all_databases().await {
        let app = app(&url).await;
        let siret = Siret::parse(FORMATRANS).unwrap();
        let official = app.store.list_approvals(Some(&siret)).await.unwrap()[0]
            .notification_email
            .to_string();
        let not_us_links = || async {
            sqlx::query("SELECT COUNT(*) AS n FROM tokens WHERE purpose = 'not_us'")
                .fetch_one(app.store.pool())
                .await
                .unwrap()
                .try_get::<i64, _>("n")
                .unwrap()
        };

        let emails_to_official =
            || async { count_to(&app.store.recent_emails(100).await.unwrap(), &official) };
        let before = emails_to_official().await;

        // Asked with another address: the official address is told, once.
        sign_up(&app, FORMATRANS, "Formatrans", "claire@example.fr").await;
        assert_eq!(emails_to_official().await, before + 1, "{db}");
        assert_eq!(not_us_links().await, 1, "{db}");
        let link = link_token_for(&app, "claire@example.fr").await;
        assert_eq!(
            set_password(&app, &link, PASSWORD, PASSWORD).await.status(),
            200,
            "{db}"
        );

        // 40 days later the hourly purge has removed the dead « Ce n'est pas nous » link (and,
        // with a short retention, the audit trail and the sent emails).
        let purged = app
            .store
            .purge(
                hubpro::server::ops::retention::policy(30, &Default::default()),
                now() + hubpro::server::store::Duration::days(40),
            )
            .await
            .unwrap();
        assert!(
            purged.links >= 1 && purged.audit_events >= 1,
            "{db}: {purged:?}"
        );
        assert_eq!(not_us_links().await, 0, "{db}");
        let told = emails_to_official().await;

        // « Mot de passe oublié », a new password: the official address hears nothing new.
        call(
            &app,
            "/api/mot-de-passe-oublie",
            &[("email", "claire@example.fr")],
            None,
        )
        .await
        .assert_ok();
        let link = link_token_for(&app, "claire@example.fr").await;
        assert_eq!(
            set_password(
                &app,
                &link,
                "Un tout autre mot de passe, 2026!",
                "Un tout autre mot de passe, 2026!"
            )
            .await
            .status(),
            200,
            "{db}"
        );
        assert_eq!(not_us_links().await, 0, "{db}");
        assert_eq!(emails_to_official().await, told, "{db}");
    }
}

#[tokio::test]
async fn support_ends_every_session_of_an_account_and_the_account_hears_of_it() {
    use support::journey::{active_account, login};
    let url = support::sqlite_url();
    let app = app(&url).await;
    active_account(&app, FORMATRANS, "lea@example.fr", PASSWORD).await;
    let office = login(&app, "lea@example.fr", PASSWORD).await;
    let laptop = login(&app, "lea@example.fr", PASSWORD).await;
    let space = |session: String| {
        let app = &app;
        async move { support::journey::space(app, &session).await.0 }
    };
    assert_eq!(space(office.clone()).await, 200);

    // A reason is required; an unknown SIRET changes nothing.
    let run = support::cli(
        &url,
        &["accounts", "end-sessions", FORMATRANS, "--reason", " "],
    );
    assert_eq!(run.code, Some(1), "{run:?}");
    let run = support::cli(
        &url,
        &[
            "accounts",
            "end-sessions",
            "40073444800477",
            "--reason",
            "x",
        ],
    );
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_eq!(space(office.clone()).await, 200);

    let run = support::cli(
        &url,
        &[
            "accounts",
            "end-sessions",
            FORMATRANS,
            "--reason",
            "ordinateur volé, confirmé par téléphone",
        ],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.out.starts_with("2 session(s)"), "{run:?}");
    // The command is another process: the app refuses the sessions it held within a second.
    let since = std::time::Instant::now();
    for session in [office, laptop] {
        while space(session.clone()).await == 200
            && since.elapsed() < std::time::Duration::from_secs(5)
        {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert_eq!(space(session).await, 302, "back to the login page");
    }
    assert!(since.elapsed() < std::time::Duration::from_secs(1));
    let mails = app.store.recent_emails(20).await.unwrap();
    let told = mails
        .iter()
        .find(|m| m.email.subject.contains("fermées par le service support"))
        .expect("the account is told");
    assert_eq!(told.email.to, "lea@example.fr");
    assert!(told.email.text.contains("(heure de Paris)"));
    let trail = app
        .store
        .audit_of(&Siret::parse(FORMATRANS).unwrap())
        .await
        .unwrap();
    assert!(
        trail.iter().any(|e| e.kind == "sessions_ended"
            && e.detail.contains("ordinateur volé, confirmé par téléphone")),
        "{trail:?}"
    );
}
