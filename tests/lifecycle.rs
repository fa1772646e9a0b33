//! The account's life beyond its first administrator: « Télécharger mes données » (GDPR
//! articles 15 and 20), the handover to a new administrator (from the space, from the official
//! address, by support), the closure, inactive accounts and what is purged after them.

mod support;

use hubpro::domain::Siret;
use hubpro::server::config::Lifecycle;
use hubpro::server::ops::inactivity;
use hubpro::server::store::{now, Duration};
use support::api::call;
use support::emails_to;
use support::journey::{
    active_account, age_sessions, emailed_token, link_token_for, login, post, set_password, space,
    wait_for_emails,
};

const FORMATRANS: &str = "47728084603753";
const EMAIL: &str = "claire@example.fr";
const PASSWORD: &str = "Vélo-Cargo sur le Pont Neuf!";

#[tokio::test]
async fn a_centre_downloads_its_data_and_nothing_secret() {
    let app = support::demo_app(&support::sqlite_url()).await;
    active_account(&app, FORMATRANS, EMAIL, PASSWORD).await;
    let session = login(&app, EMAIL, PASSWORD).await;
    post(
        &app,
        "/api/activer-double-authentification",
        &[],
        Some(&session),
    )
    .await;
    let download = |cookie: Option<String>| {
        let mut req = app.client.get(format!("{}/espace/mes-donnees", app.base));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        async move { req.send().await.unwrap() }
    };
    // Without a session: the login page.
    let anonymous = download(None).await;
    assert_eq!(anonymous.status(), 302);
    assert_eq!(anonymous.headers()["location"], "/connexion");
    let forged = download(Some(format!("hubpro_session={}", "ab".repeat(32)))).await;
    assert_eq!(forged.status(), 302);

    // A passkey, as the store keeps it: listed by name and dates, never its key.
    let account = app
        .store
        .account_by_email(&hubpro::domain::EmailAddress::parse(EMAIL).unwrap())
        .await
        .unwrap()
        .unwrap();
    let mut tx = app.store.begin().await.unwrap();
    tx.insert_passkey(
        account.id,
        "00ff",
        "Ordinateur du bureau",
        r#"{"cred":"SECRET-KEY"}"#,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let res = download(Some(session.clone())).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"hub-pro-transport-donnees-47728084603753-"),
        "{disposition}"
    );
    let body = res.text().await.unwrap();
    let data: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(data["format"], "hubpro-donnees-centre-v1");
    assert_eq!(data["account"]["siret"], FORMATRANS);
    assert_eq!(data["account"]["email"], EMAIL);
    assert_eq!(data["account"]["state"], "active");
    assert_eq!(data["approvals"].as_array().unwrap().len(), 2, "{body}");
    assert_eq!(
        data["second_factor"]["passkeys"][0]["name"],
        "Ordinateur du bureau"
    );
    let sessions = data["open_sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["current"], true);
    let kinds: Vec<&str> = data["audit_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"signup") && kinds.contains(&"login_succeeded"),
        "{kinds:?}"
    );
    // No secret leaves: not the password's hash, the app's sealed key, a session id.
    for secret in [
        "argon2",
        "v1:",
        "SECRET-KEY",
        &session["hubpro_session=".len()..],
    ] {
        assert!(!body.contains(secret), "{secret} in {body}");
    }
    // The download is in the trail.
    let trail = app
        .store
        .audit_of(&hubpro::domain::Siret::parse(FORMATRANS).unwrap())
        .await
        .unwrap();
    assert!(trail.iter().any(|e| e.kind == "data_downloaded"));
}

/// The official (notification) address of FORMATRANS's approvals in the demo registry.
const OFFICIAL: &str = "cfa-lille@example.fr";
const SUCCESSOR: &str = "lea.martin@example.fr";
const NEW_PASSWORD: &str = "Tramway nommé Désir, 1947 !";

fn successor_form<'a>(email: &'a str, confirmation: &'a str) -> [(&'static str, &'a str); 4] {
    [
        ("last_name", "Martin"),
        ("first_name", "Léa"),
        ("email", email),
        ("email_confirmation", confirmation),
    ]
}

fn formatrans() -> Siret {
    Siret::parse(FORMATRANS).unwrap()
}

#[tokio::test]
async fn a_handover_from_the_space_changes_hands_once_the_new_address_sets_its_password() {
    for (db, url) in support::all_databases().await {
        let app = support::demo_app(&url).await;
        active_account(&app, FORMATRANS, EMAIL, PASSWORD).await;
        let session = login(&app, EMAIL, PASSWORD).await;
        let start = |form: [(&'static str, &'static str); 4], cookie: Option<String>| {
            let app = &app;
            async move { call(app, "/api/changer-administrateur", &form, cookie.as_deref()).await }
        };
        // Without a session; with a password typed long ago; with a field wrong; to itself.
        start(successor_form(SUCCESSOR, SUCCESSOR), None)
            .await
            .assert_refused(401, "session.ended");
        age_sessions(&app).await;
        start(successor_form(SUCCESSOR, SUCCESSOR), Some(session.clone()))
            .await
            .assert_refused(401, "session.recent_login");
        let session = login(&app, EMAIL, PASSWORD).await;
        start(
            successor_form(SUCCESSOR, "lea.martin@exemple.fr"),
            Some(session.clone()),
        )
        .await
        .assert_refused(422, "email.mismatch");
        start(successor_form(EMAIL, EMAIL), Some(session.clone()))
            .await
            .assert_refused(422, "handover.same_address");
        start(successor_form(SUCCESSOR, SUCCESSOR), Some(session.clone()))
            .await
            .assert_ok();
        // One at a time.
        start(
            successor_form("autre@example.fr", "autre@example.fr"),
            Some(session.clone()),
        )
        .await
        .assert_refused(422, "handover.waiting");
        // Nothing changed yet: the old address still logs in.
        let (status, page) = support::journey::space(&app, &session).await;
        assert_eq!(status, 200, "{db}");
        assert!(page.contains(EMAIL), "{db}");
        let invitation = emails_to(&app.store, SUCCESSOR).await;
        assert_eq!(invitation.len(), 1, "{db}");
        assert!(invitation[0].text.contains("Bonjour Léa Martin"), "{db}");

        // The new address sets its password through the signup's own password step.
        let token = link_token_for(&app, SUCCESSOR).await;
        let weak = set_password(&app, &token, "martinmartin", "martinmartin").await;
        assert_eq!(weak.status(), 422, "{db}");
        assert_eq!(
            set_password(&app, &token, NEW_PASSWORD, NEW_PASSWORD)
                .await
                .status(),
            200,
            "{db}"
        );
        // Changed hands: the old login, session and link are dead, the new one opens the space.
        call(
            &app,
            "/api/connexion",
            &[("email", EMAIL), ("password", PASSWORD)],
            None,
        )
        .await
        .assert_refused(401, "login.bad_credentials");
        assert_eq!(space(&app, &session).await.0, 302, "{db}");
        let new_session = login(&app, SUCCESSOR, NEW_PASSWORD).await;
        let (status, page) = space(&app, &new_session).await;
        assert_eq!(status, 200, "{db}");
        assert!(
            page.contains(SUCCESSOR) && page.contains("Léa Martin"),
            "{db}"
        );
        call(&app, "/api/continuer", &[("token", &token)], None)
            .await
            .assert_refused(422, "link.invalid");
        let account = app
            .store
            .account_by_siret(&formatrans())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            account.email.as_str(),
            SUCCESSOR,
            "{db}: one account, new address"
        );
        // The old address and the official address are told, with the new address masked.
        for to in [EMAIL, OFFICIAL] {
            let told = emails_to(&app.store, to).await;
            let notice = told
                .iter()
                .find(|e| e.subject.contains("a changé d'administrateur"))
                .unwrap_or_else(|| panic!("{db}: {to} not told"));
            assert!(
                notice.text.contains("l***@example.fr"),
                "{db}: {}",
                notice.text
            );
            assert!(!notice.text.contains(SUCCESSOR), "{db}");
        }
        let trail = app.store.audit_of(&formatrans()).await.unwrap();
        for kind in ["handover_started", "handed_over"] {
            assert!(trail.iter().any(|e| e.kind == kind), "{db}: {kind}");
        }
        let ended = app.store.ended_accounts_of(&formatrans()).await.unwrap();
        assert_eq!(ended.last().unwrap().reason, "handed_over", "{db}");
        assert_eq!(ended.last().unwrap().email.as_str(), EMAIL, "{db}");
    }
}

#[tokio::test]
async fn a_handover_can_be_cancelled_until_it_is_accepted_and_its_link_works_once() {
    let app = support::demo_app(&support::sqlite_url()).await;
    active_account(&app, FORMATRANS, EMAIL, PASSWORD).await;
    let session = login(&app, EMAIL, PASSWORD).await;
    let form = successor_form(SUCCESSOR, SUCCESSOR);
    call(&app, "/api/changer-administrateur", &form, Some(&session))
        .await
        .assert_ok();
    let token = link_token_for(&app, SUCCESSOR).await;
    call(
        &app,
        "/api/annuler-changement-administrateur",
        &[],
        Some(&session),
    )
    .await
    .assert_ok();
    // The link is dead, the account unchanged, and a new handover may start.
    call(&app, "/api/continuer", &[("token", &token)], None)
        .await
        .assert_refused(422, "link.invalid");
    assert_eq!(space(&app, &session).await.0, 200);
    call(&app, "/api/changer-administrateur", &form, Some(&session))
        .await
        .assert_ok();
    let token = link_token_for(&app, SUCCESSOR).await;
    assert_eq!(
        set_password(&app, &token, NEW_PASSWORD, NEW_PASSWORD)
            .await
            .status(),
        200
    );
    call(&app, "/api/continuer", &[("token", &token)], None)
        .await
        .assert_refused(422, "link.invalid");
    let trail = app.store.audit_of(&formatrans()).await.unwrap();
    assert!(trail.iter().any(|e| e.kind == "handover_cancelled"));

    // Each start emails an address its starter chose: three a day, then refused.
    let session = login(&app, SUCCESSOR, NEW_PASSWORD).await;
    for n in 0..4 {
        let reply = call(
            &app,
            "/api/changer-administrateur",
            &successor_form("x@example.fr", "x@example.fr"),
            Some(&session),
        )
        .await;
        if n < 3 {
            reply.assert_ok();
            call(
                &app,
                "/api/annuler-changement-administrateur",
                &[],
                Some(&session),
            )
            .await
            .assert_ok();
        } else {
            reply.assert_refused(422, "handover.too_often");
        }
    }
}

#[tokio::test]
async fn two_handovers_at_once_one_wins() {
    for (db, url) in support::all_databases().await {
        let app = support::demo_app(&url).await;
        active_account(&app, FORMATRANS, EMAIL, PASSWORD).await;
        let session = login(&app, EMAIL, PASSWORD).await;
        let a = successor_form("a@example.fr", "a@example.fr");
        let b = successor_form("b@example.fr", "b@example.fr");
        let (first, second) = tokio::join!(
            call(&app, "/api/changer-administrateur", &a, Some(&session)),
            call(&app, "/api/changer-administrateur", &b, Some(&session)),
        );
        let (won, lost) = if first.status == 200 {
            (&first, &second)
        } else {
            (&second, &first)
        };
        won.assert_ok();
        lost.assert_refused(422, "handover.waiting");
        let invited: usize = [
            emails_to(&app.store, "a@example.fr").await.len(),
            emails_to(&app.store, "b@example.fr").await.len(),
        ]
        .iter()
        .sum();
        assert_eq!(invited, 1, "{db}");

        // Two tabs of the new administrator save at once: the account changes hands once.
        let winner = if first.status == 200 {
            "a@example.fr"
        } else {
            "b@example.fr"
        };
        let token = link_token_for(&app, winner).await;
        let (one, two) = tokio::join!(
            set_password(&app, &token, NEW_PASSWORD, NEW_PASSWORD),
            set_password(&app, &token, NEW_PASSWORD, NEW_PASSWORD),
        );
        let mut statuses = [one.status().as_u16(), two.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 422], "{db}");
        let told = emails_to(&app.store, EMAIL)
            .await
            .into_iter()
            .filter(|e| e.subject.contains("a changé d'administrateur"))
            .count();
        assert_eq!(told, 1, "{db}");
    }
}

#[tokio::test]
async fn the_official_address_designates_the_new_administrator_when_the_address_is_gone() {
    for (db, url) in support::all_databases().await {
        let app = support::demo_app(&url).await;
        active_account(&app, FORMATRANS, EMAIL, PASSWORD).await;
        let before = emails_to(&app.store, OFFICIAL).await.len();
        // The same answer whatever the SIRET: no account, a malformed one is a field's refusal.
        for siret in [FORMATRANS, &support::numbered_siret(7)] {
            let sent = post(&app, "/api/acces-perdu", &[("siret", siret)], None).await;
            assert_eq!(sent.status(), 200, "{db}");
        }
        call(&app, "/api/acces-perdu", &[("siret", "123")], None)
            .await
            .assert_refused(422, "siret.length:3");
        assert_eq!(
            wait_for_emails(&app, OFFICIAL, before + 1).await,
            before + 1,
            "{db}"
        );
        // Asked again within the hour: no second email.
        post(&app, "/api/acces-perdu", &[("siret", FORMATRANS)], None).await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert_eq!(
            emails_to(&app.store, OFFICIAL).await.len(),
            before + 1,
            "{db}"
        );

        let token = emailed_token(&app, OFFICIAL, "/designer-administrateur").await;
        let mut form = successor_form(SUCCESSOR, "autre@example.fr").to_vec();
        form.push(("token", &token));
        call(&app, "/api/designer-administrateur", &form, None)
            .await
            .assert_refused(422, "email.mismatch");
        let mut form = successor_form(SUCCESSOR, SUCCESSOR).to_vec();
        form.push(("token", &token));
        call(&app, "/api/designer-administrateur", &form, None)
            .await
            .assert_ok();
        // Used once.
        call(&app, "/api/designer-administrateur", &form, None)
            .await
            .assert_refused(422, "link.invalid");
        // The current address is told, and may cancel; the new one gets its link.
        let told = emails_to(&app.store, EMAIL).await;
        assert!(
            told.iter().any(|e| e
                .subject
                .contains("un changement d'administrateur a été demandé")),
            "{db}"
        );
        let link = link_token_for(&app, SUCCESSOR).await;
        assert_eq!(
            set_password(&app, &link, NEW_PASSWORD, NEW_PASSWORD)
                .await
                .status(),
            200,
            "{db}"
        );
        login(&app, SUCCESSOR, NEW_PASSWORD).await;
        let trail = app.store.audit_of(&formatrans()).await.unwrap();
        assert!(trail.iter().any(|e| e.kind == "handover_requested"), "{db}");
    }
}

#[tokio::test]
async fn support_hands_an_account_over_with_a_reason() {
    let url = support::sqlite_url();
    let app = support::demo_app(&url).await;
    active_account(&app, FORMATRANS, EMAIL, PASSWORD).await;
    let args = |reason: &'static str| {
        [
            "accounts",
            "handover",
            FORMATRANS,
            "--to",
            SUCCESSOR,
            "--last-name",
            "Martin",
            "--first-name",
            "Léa",
            "--reason",
            reason,
        ]
    };
    let refused = support::cli(&url, &args(" "));
    assert_eq!(refused.code, Some(1), "{refused:?}");
    let done = support::cli(&url, &args("Kbis et courrier du directeur reçus"));
    assert_eq!(done.code, Some(0), "{done:?}");
    assert!(done.out.contains(SUCCESSOR), "{}", done.out);
    assert_eq!(emails_to(&app.store, SUCCESSOR).await.len(), 1);
    let unknown = support::cli(
        &url,
        &[
            "accounts",
            "handover",
            &support::numbered_siret(3),
            "--to",
            SUCCESSOR,
            "--last-name",
            "Martin",
            "--first-name",
            "Léa",
            "--reason",
            "test",
        ],
    );
    assert_eq!(unknown.code, Some(1), "{unknown:?}");
    let trail = app.store.audit_of(&formatrans()).await.unwrap();
    assert!(trail
        .iter()
        .any(|e| e.kind == "handover_started" && e.detail.contains("Kbis")));
}

#[tokio::test]
async fn closing_frees_the_siret_tells_the_attached_and_is_purged_after_its_retention() {
    for (db, url) in support::all_databases().await {
        let app = support::demo_app(&url).await;
        active_account(&app, FORMATRANS, EMAIL, PASSWORD).await;
        let account = app
            .store
            .account_by_siret(&formatrans())
            .await
            .unwrap()
            .unwrap();
        let attached = Siret::parse(&support::numbered_siret(11)).unwrap();
        let contact = hubpro::domain::EmailAddress::parse("annexe@example.fr").unwrap();
        let mut tx = app.store.begin().await.unwrap();
        tx.insert_attachment(account.id, &attached, Some("ANNEXE"), &contact, false)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let session = login(&app, EMAIL, PASSWORD).await;
        age_sessions(&app).await;
        call(&app, "/api/cloturer-compte", &[], Some(&session))
            .await
            .assert_refused(401, "session.recent_login");
        let session = login(&app, EMAIL, PASSWORD).await;
        let closed = post(&app, "/api/cloturer-compte", &[], Some(&session)).await;
        assert_eq!(closed.status(), 200, "{db}");
        // Logged out, the account gone, its address told, the attached establishment too.
        assert!(support::journey::cookie_pair(&closed, "hubpro_session")
            .is_some_and(|c| c == "hubpro_session="));
        assert_eq!(space(&app, &session).await.0, 302, "{db}");
        assert!(app
            .store
            .account_by_siret(&formatrans())
            .await
            .unwrap()
            .is_none());
        assert!(emails_to(&app.store, EMAIL)
            .await
            .iter()
            .any(|e| e.subject.contains("votre compte a été clôturé")));
        assert!(emails_to(&app.store, "annexe@example.fr")
            .await
            .iter()
            .any(|e| e.subject.contains("fin du rattachement")));
        // The SIRET may be signed up for again, by anyone the rules allow.
        support::journey::sign_up(&app, FORMATRANS, "Formatrans", "nouveau@example.fr").await;
        // The closed account's address stays for support, then goes with the retention.
        let closed_rows = |app: &support::TestApp| {
            let store = app.store.clone();
            async move {
                store
                    .ended_accounts_of(&formatrans())
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|e| e.reason == "closed")
                    .count()
            }
        };
        assert_eq!(closed_rows(&app).await, 1, "{db}");
        let policy = hubpro::server::ops::retention::policy(365, &Lifecycle::default());
        app.store
            .purge(policy, now() + Duration::days(29))
            .await
            .unwrap();
        assert_eq!(closed_rows(&app).await, 1, "{db}: kept 30 days");
        app.store
            .purge(policy, now() + Duration::days(31))
            .await
            .unwrap();
        assert_eq!(closed_rows(&app).await, 0, "{db}: purged after 30 days");
        let trail = app.store.audit_of(&formatrans()).await.unwrap();
        assert!(
            trail
                .iter()
                .any(|e| e.kind == "account_ended" && e.detail.contains("closed")),
            "{db}: the trail keeps its own retention"
        );
    }
}

#[tokio::test]
async fn inactive_accounts_are_told_then_closed_unless_they_log_in() {
    for (db, url) in support::all_databases().await {
        let app = support::demo_app(&url).await;
        active_account(&app, FORMATRANS, EMAIL, PASSWORD).await;
        let lifecycle = Lifecycle::default();
        let links = (
            &hubpro::routes::PublicUrl::parse("http://hubpro.example").unwrap(),
            "support@example.fr",
        );
        let set_last_login = |days_ago: i64| {
            let store = app.store.clone();
            async move {
                let mut tx = store.begin().await.unwrap();
                tx.execute_raw(&format!(
                    "UPDATE accounts SET last_login_at = {}",
                    (now() - Duration::days(days_ago)).unix_timestamp()
                ))
                .await
                .unwrap();
                tx.commit().await.unwrap();
            }
        };
        // Used within 24 months: nothing, nothing planned in the next 30 days.
        set_last_login(700).await;
        let swept = inactivity::sweep(&app.store, &lifecycle, links, now())
            .await
            .unwrap();
        assert_eq!(swept, inactivity::Swept::default(), "{db}");
        let soon = inactivity::upcoming(&app.store, &lifecycle, now(), now() + Duration::days(30))
            .await
            .unwrap();
        assert_eq!(soon.len(), 1, "{db}: the notice is due within 30 days");
        assert_eq!(soon[0].step, inactivity::Step::Notice);

        // 25 months: told once, with the closure's date.
        set_last_login(25 * 365 / 12).await;
        let swept = inactivity::sweep(&app.store, &lifecycle, links, now())
            .await
            .unwrap();
        assert_eq!(swept.noticed, 1, "{db}");
        let swept = inactivity::sweep(&app.store, &lifecycle, links, now())
            .await
            .unwrap();
        assert_eq!(swept, inactivity::Swept::default(), "{db}: told once");
        assert!(emails_to(&app.store, EMAIL)
            .await
            .iter()
            .any(|e| e.subject.contains("sera bientôt clôturé")));

        // A login clears the notice: nothing more happens.
        login(&app, EMAIL, PASSWORD).await;
        let later = now() + Duration::days(400);
        let swept = inactivity::sweep(&app.store, &lifecycle, links, later)
            .await
            .unwrap();
        assert_eq!(swept.closed, 0, "{db}");

        // 37 months without a login, told more than 30 days ago: closed.
        set_last_login(37 * 365 / 12).await;
        inactivity::sweep(&app.store, &lifecycle, links, now())
            .await
            .unwrap();
        let swept = inactivity::sweep(&app.store, &lifecycle, links, now() + Duration::days(31))
            .await
            .unwrap();
        assert_eq!(swept.closed, 1, "{db}");
        assert!(app
            .store
            .account_by_siret(&formatrans())
            .await
            .unwrap()
            .is_none());
        let ended = app.store.ended_accounts_of(&formatrans()).await.unwrap();
        assert_eq!(ended.last().unwrap().reason, "inactive", "{db}");
    }
}

#[tokio::test]
async fn the_operator_lists_what_happens_to_inactive_accounts_in_the_next_30_days() {
    let url = support::sqlite_url();
    let app = support::demo_app(&url).await;
    active_account(&app, FORMATRANS, EMAIL, PASSWORD).await;
    let mut tx = app.store.begin().await.unwrap();
    tx.execute_raw(&format!(
        "UPDATE accounts SET last_login_at = {}",
        (now() - Duration::days(36 * 365 / 12 - 10)).unix_timestamp()
    ))
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let listed = support::cli(&url, &["accounts", "inactive"]);
    assert_eq!(listed.code, Some(0), "{listed:?}");
    assert!(
        listed.out.contains("notice") && listed.out.contains("closure"),
        "{}",
        listed.out
    );
    assert!(listed.out.contains("c***@example.fr"), "{}", listed.out);
    assert!(listed.out.contains("2 step(s)"), "{}", listed.out);
}
