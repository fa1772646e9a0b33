//! Password creation, login, sessions, forgotten password over HTTP, with the real app.

mod support;

use hubpro::domain::Siret;
use reqwest::header::{COOKIE, SET_COOKIE};
use std::time::{Duration, Instant};
use support::api::{call, Reply};
use support::journey::{
    cookie_pair, link_token_for, login, login_via, post, set_password, sign_up, space as space_html,
};
use support::TestApp;

const FORMATRANS: &str = "47728084603753";
const PASSWORD: &str = "Vélo-Cargo sur le Pont Neuf!";
/// The form of « Cliquer ici pour continuer », which the link page offers while the link is valid.
const CONTINUE_FORM: &str = r#"action="/api/continuer""#;
/// The mark of « Lien expiré ou déjà utilisé ».
const LINK_INVALID: &str = r#"data-problem="link.invalid""#;

/// A demo-mode app (offline extract, demo approvals, dev mailbox) with one pending account.
async fn app_with_pending_account() -> (TestApp, String) {
    let app = support::app_with(&[]).await;
    sign_up(&app, FORMATRANS, "Formatrans", "claire@example.fr").await;
    let token = link_token_for(&app, "claire@example.fr").await;
    (app, token)
}

/// Sets the journey's password through the emailed link.
async fn activate(app: &TestApp, token: &str) {
    assert_eq!(
        set_password(app, token, PASSWORD, PASSWORD).await.status(),
        200
    );
}

#[tokio::test]
async fn a_get_of_the_link_never_uses_it() {
    let (app, token) = app_with_pending_account().await;
    for _ in 0..3 {
        let page = app
            .client
            .get(format!("{}/mot-de-passe/creer?jeton={token}", app.base))
            .send()
            .await
            .unwrap();
        let body = page.text().await.unwrap();
        assert!(body.contains(CONTINUE_FORM), "{body}");
    }
    let res = set_password(&app, &token, PASSWORD, PASSWORD).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers().get("location").unwrap(),
        "/mot-de-passe/enregistre"
    );
}

#[tokio::test]
async fn the_link_stays_valid_until_a_password_is_saved_from_any_tab_or_device() {
    let (app, token) = app_with_pending_account().await;
    // « Continuer » on a first device, then the tab is closed; the same email on a second device.
    let first = post(&app, "/api/continuer", &[("token", &token)], None).await;
    assert_eq!(first.status(), 200);
    let first_flow = cookie_pair(&first, "hubpro_flow").unwrap();
    let page = app
        .client
        .get(format!("{}/mot-de-passe/creer?jeton={token}", app.base))
        .send()
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains(CONTINUE_FORM));
    let second = post(&app, "/api/continuer", &[("token", &token)], None).await;
    assert_eq!(second.status(), 200);
    let second_flow = cookie_pair(&second, "hubpro_flow").unwrap();
    // The second device saves: the first one's flow and the link end there.
    let saved = post(
        &app,
        "/api/valider-mot-de-passe",
        &[("password", PASSWORD), ("confirmation", PASSWORD)],
        Some(&second_flow),
    )
    .await;
    assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap());
    call(
        &app,
        "/api/valider-mot-de-passe",
        &[("password", PASSWORD), ("confirmation", PASSWORD)],
        Some(&first_flow),
    )
    .await
    .assert_refused(422, "link.invalid");
    call(&app, "/api/continuer", &[("token", &token)], None)
        .await
        .assert_refused(422, "link.invalid");
}

#[tokio::test]
async fn the_link_serves_once() {
    let (app, token) = app_with_pending_account().await;
    activate(&app, &token).await;
    call(&app, "/api/continuer", &[("token", &token)], None)
        .await
        .assert_refused(422, "link.invalid");
    let page = app
        .client
        .get(format!("{}/mot-de-passe/creer?jeton={token}", app.base))
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap();
    assert!(
        html.contains(LINK_INVALID) && !html.contains(CONTINUE_FORM),
        "{html}"
    );
    call(&app, "/api/continuer", &[("token", &"0".repeat(64))], None)
        .await
        .assert_refused(422, "link.invalid");
}

#[tokio::test]
async fn the_server_rechecks_every_password_rule() {
    let (app, token) = app_with_pending_account().await;
    let res = post(&app, "/api/continuer", &[("token", &token)], None).await;
    let flow = cookie_pair(&res, "hubpro_flow").unwrap();
    for (password, confirmation, code) in [
        (
            "court",
            "court",
            "password.unmet:min_length,uppercase,special",
        ),
        ("Kq9vW#tLm2!xR", "Kq9vW#tLm2!xS", "password.differ"),
        ("Motdepasse2024!", "Motdepasse2024!", "policy.common"),
        // The account's values merely decorated (a long password that contains one is fine).
        (
            "Formatrans#2026!",
            "Formatrans#2026!",
            "policy.organisation",
        ),
        ("Xq!47728084603753", "Xq!47728084603753", "policy.siret"),
        ("Claire!!1984##", "Claire!!1984##", "policy.name"),
    ] {
        let res = call(
            &app,
            "/api/valider-mot-de-passe",
            &[("password", password), ("confirmation", confirmation)],
            Some(&flow),
        )
        .await;
        res.assert_refused(422, code);
        assert!(
            !res.body.contains(password) || password == "court",
            "the password is never echoed"
        );
    }
    let account = app
        .store
        .account_by_siret(&Siret::parse(FORMATRANS).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.state.code(), "pending");
}

#[tokio::test]
async fn two_concurrent_submits_of_one_flow_succeed_once() {
    let (app, token) = app_with_pending_account().await;
    let res = post(&app, "/api/continuer", &[("token", &token)], None).await;
    let flow = cookie_pair(&res, "hubpro_flow").unwrap();
    let a = post(
        &app,
        "/api/valider-mot-de-passe",
        &[("password", PASSWORD), ("confirmation", PASSWORD)],
        Some(&flow),
    );
    let b = post(
        &app,
        "/api/valider-mot-de-passe",
        &[
            ("password", "Trois Pommes & 2 Poires"),
            ("confirmation", "Trois Pommes & 2 Poires"),
        ],
        Some(&flow),
    );
    let (a, b) = tokio::join!(a, b);
    let ok = [a.status(), b.status()]
        .iter()
        .filter(|s| s.as_u16() == 200)
        .count();
    assert_eq!(ok, 1);
}

#[tokio::test]
async fn login_sessions_and_logout() {
    let (app, token) = app_with_pending_account().await;
    // Pending: the same answer as a wrong password (a login reveals nothing of the account).
    call(
        &app,
        "/api/connexion",
        &[("email", "claire@example.fr"), ("password", PASSWORD)],
        None,
    )
    .await
    .assert_refused(401, "login.bad_credentials");

    activate(&app, &token).await;
    let account = app
        .store
        .account_by_siret(&Siret::parse(FORMATRANS).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.state.code(), "active");
    assert!(account
        .state
        .password_hash()
        .unwrap()
        .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));

    // Without a session, the space redirects to login.
    let anonymous = app
        .client
        .get(format!("{}/espace", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 302);
    assert_eq!(anonymous.headers().get("location").unwrap(), "/connexion");

    let res = post(
        &app,
        "/api/connexion",
        &[("email", "CLAIRE@example.fr"), ("password", PASSWORD)],
        None,
    )
    .await;
    assert_eq!(res.status(), 200, "email is case-insensitive");
    let raw_cookie = res
        .headers()
        .get(SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        raw_cookie.contains("HttpOnly") && raw_cookie.contains("SameSite=Lax"),
        "{raw_cookie}"
    );
    let session = cookie_pair(&res, "hubpro_session").unwrap();
    assert!(session.len() >= "hubpro_session=".len() + 32);

    let space = app
        .client
        .get(format!("{}/espace", app.base))
        .header(COOKIE, &session)
        .send()
        .await
        .unwrap();
    let body = space.text().await.unwrap();
    assert!(body.contains("Formatrans"), "{body}");
    assert!(body.contains("477\u{a0}280\u{a0}846\u{a0}03753"));
    assert!(body.contains("12 RUE DES TRANSPORTEURS, 59000 LILLE"));
    assert!(body.contains("HDF-2021-V-0042"));
    assert!(body.contains("claire@example.fr"));

    let out = post(&app, "/api/deconnexion", &[], Some(&session)).await;
    assert_eq!(out.status(), 200);
    let after = app
        .client
        .get(format!("{}/espace", app.base))
        .header(COOKIE, &session)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 302, "the old session id is dead");
    // The trail of the centre's SIRET says who left.
    let trail = app
        .store
        .audit_of(&Siret::parse(FORMATRANS).unwrap())
        .await
        .unwrap();
    assert!(
        trail
            .iter()
            .any(|e| e.kind == "logout" && e.account_id == Some(account.id)),
        "{trail:?}"
    );
}

#[tokio::test]
async fn failures_look_alike_and_take_similar_time() {
    let (app, token) = app_with_pending_account().await;
    activate(&app, &token).await;
    let timed = |email: &'static str| {
        let app = &app;
        async move {
            let start = Instant::now();
            let res = post(
                app,
                "/api/connexion",
                &[("email", email), ("password", "Wrong password!")],
                None,
            )
            .await;
            let status = res.status();
            (status, res.text().await.unwrap(), start.elapsed())
        }
    };
    let (s1, b1, t1) = timed("claire@example.fr").await;
    let (s2, b2, t2) = timed("nobody@example.fr").await;
    assert_eq!((s1.as_u16(), s2.as_u16()), (401, 401));
    assert_eq!(
        b1.replace("claire@", "nobody@"),
        b2,
        "same body but for the address typed"
    );
    assert_eq!(support::codes(&b1), "login.bad_credentials");
    let (fast, slow) = if t1 < t2 { (t1, t2) } else { (t2, t1) };
    assert!(
        slow < fast * 3 + Duration::from_millis(50),
        "{t1:?} vs {t2:?}: an unknown address costs a hash too"
    );
}

#[tokio::test]
async fn repeated_failures_slow_down_even_in_parallel() {
    let (app, token) = app_with_pending_account().await;
    activate(&app, &token).await;
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let (client, base) = (app.client.clone(), app.base.clone());
        tasks.push(tokio::spawn(async move {
            client
                .post(format!("{base}/api/connexion"))
                .form(&[
                    ("email", "claire@example.fr"),
                    ("password", "Wrong password!"),
                ])
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }));
    }
    let mut bodies = Vec::new();
    for t in tasks {
        bodies.push(t.await.unwrap());
    }
    let checked = bodies
        .iter()
        .filter(|b| support::codes(b) == "login.bad_credentials")
        .count();
    let throttled = bodies
        .iter()
        .filter(|b| support::codes(b).starts_with("too_many_attempts:"))
        .count();
    assert_eq!(
        checked, 5,
        "only the free attempts are checked, even when sent at once"
    );
    assert_eq!(throttled, 7);
    // Even the right password waits now.
    call(
        &app,
        "/api/connexion",
        &[("email", "claire@example.fr"), ("password", PASSWORD)],
        None,
    )
    .await
    .assert_waits("too_many_attempts");
}

#[tokio::test]
async fn forgotten_password_answers_the_same_and_kills_older_links() {
    let (app, first_token) = app_with_pending_account().await;
    let known = post(
        &app,
        "/api/mot-de-passe-oublie",
        &[("email", "claire@example.fr")],
        None,
    )
    .await;
    let unknown = post(
        &app,
        "/api/mot-de-passe-oublie",
        &[("email", "nobody@example.fr")],
        None,
    )
    .await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(
        known.headers().get("location"),
        unknown.headers().get("location")
    );
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    let new_token = link_token_for(&app, "claire@example.fr").await;
    assert_ne!(new_token, first_token);
    assert_eq!(
        app.store.recent_emails(1).await.unwrap()[0].email.to,
        "claire@example.fr"
    );
    // The first link died with the new one.
    call(&app, "/api/continuer", &[("token", &first_token)], None)
        .await
        .assert_refused(422, "link.invalid");
    assert_eq!(
        set_password(&app, &new_token, PASSWORD, PASSWORD)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_new_password_ends_other_sessions() {
    let (app, token) = app_with_pending_account().await;
    activate(&app, &token).await;
    let session = login(&app, "claire@example.fr", PASSWORD).await;
    post(
        &app,
        "/api/mot-de-passe-oublie",
        &[("email", "claire@example.fr")],
        None,
    )
    .await;
    let token = link_token_for(&app, "claire@example.fr").await;
    assert_eq!(
        set_password(
            &app,
            &token,
            "Trois Pommes & 2 Poires",
            "Trois Pommes & 2 Poires"
        )
        .await
        .status(),
        200
    );
    let space = app
        .client
        .get(format!("{}/espace", app.base))
        .header(COOKIE, &session)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(space.status(), 302);
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = support::app_with(&[]).await;
    for (header, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let res = app
            .client
            .post(format!("{}/api/connexion", app.base))
            .header(header, value)
            .form(&[("email", "a@example.fr"), ("password", "x")])
            .send()
            .await
            .unwrap();
        // Refused before any server function, in plain text (no problem code to read).
        assert_eq!(res.status(), 403, "{header}");
        assert!(res
            .headers()
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap().starts_with("text/plain")));
    }
}

#[tokio::test]
async fn expired_links_and_idle_sessions_are_refused() {
    use sqlx::Row;
    let (app, token) = app_with_pending_account().await;
    // Age the emailed link past its expiry.
    sqlx::query("UPDATE tokens SET expires_at = expires_at - 1000000")
        .execute(app.store.pool())
        .await
        .unwrap();
    let page = app
        .client
        .get(format!("{}/mot-de-passe/creer?jeton={token}", app.base))
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap();
    assert!(
        html.contains(LINK_INVALID) && !html.contains(CONTINUE_FORM),
        "{html}"
    );
    call(&app, "/api/continuer", &[("token", &token)], None)
        .await
        .assert_refused(422, "link.invalid");

    // A fresh link from « mot de passe oublié », a password, a session…
    post(
        &app,
        "/api/mot-de-passe-oublie",
        &[("email", "claire@example.fr")],
        None,
    )
    .await;
    let token = link_token_for(&app, "claire@example.fr").await;
    activate(&app, &token).await;
    let session = login(&app, "claire@example.fr", PASSWORD).await;
    use hubpro::server::{accounts::sessions, store::SessionId};
    let id = SessionId::parse(session.split('=').nth(1).unwrap()).unwrap();
    assert!(sessions::account(&app.store, &id).await.unwrap().is_some());
    // …left idle past the idle limit is over (the time moved back through the store, which
    // then forgets the sessions it holds, as a write of the app would).
    let mut tx = app.store.begin().await.unwrap();
    tx.execute_raw(&format!(
        "UPDATE sessions SET last_seen_at = last_seen_at - {}",
        sessions::LIFETIMES.idle.whole_seconds() + 1
    ))
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(sessions::account(&app.store, &id).await.unwrap(), None);
    let left: i64 = sqlx::query("SELECT COUNT(*) AS n FROM sessions")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(left, 0, "the expired session is deleted");
}

/// Claire's login from a client bound to its own loopback address.
async fn claire_from(app: &TestApp, client: &reqwest::Client, password: &str) -> Reply {
    login_via(app, client, "claire@example.fr", password).await
}

#[tokio::test]
async fn an_attacker_cannot_lock_a_centre_out_but_a_campaign_stops_and_its_owner_hears_of_it() {
    let (app, token) = app_with_pending_account().await;
    activate(&app, &token).await;
    // One address guessing is slowed down after its free attempts…
    let attacker = support::client_from(2);
    for _ in 0..5 {
        claire_from(&app, &attacker, "Wrong password!")
            .await
            .assert_refused(401, "login.bad_credentials");
    }
    for _ in 0..3 {
        claire_from(&app, &attacker, "Wrong password!")
            .await
            .assert_waits("too_many_attempts");
    }
    // …while the centre, from its own address, logs in at once.
    let owner = support::client_from(3);
    claire_from(&app, &owner, PASSWORD).await.assert_ok();

    // A campaign spread over many addresses reaches the account's ceiling: its owner gets one
    // email, and further tries wait, from any address.
    let mut throttled_from_fresh_address = false;
    for n in 10..80u8 {
        let reply = claire_from(&app, &support::client_from(n), "Wrong password!").await;
        if reply.status == 429 {
            reply.assert_waits("too_many_attempts");
            throttled_from_fresh_address = true;
            break;
        }
        reply.assert_refused(401, "login.bad_credentials");
    }
    assert!(
        throttled_from_fresh_address,
        "the ceiling stops the campaign"
    );
    let warnings: Vec<_> = app
        .store
        .recent_emails(100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| {
            m.email
                .subject
                .contains("tentatives de connexion inhabituelles")
        })
        .collect();
    assert_eq!(warnings.len(), 1, "one email, not one per try");
    assert_eq!(warnings[0].email.to, "claire@example.fr");
    assert!(warnings[0].email.text.contains("/mot-de-passe-oublie"));
}

/// Logs in from a browser that names itself `user_agent`; returns its session cookie.
async fn login_as(app: &TestApp, user_agent: &str) -> String {
    let res = app
        .client
        .post(format!("{}/api/connexion", app.base))
        .header("user-agent", user_agent)
        .form(&[("email", "claire@example.fr"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    cookie_pair(&res, "hubpro_session").expect("session cookie")
}

/// The `value` of each « Terminer cette session » form of the page.
fn session_handles(html: &str) -> Vec<String> {
    html.match_indices(r#"name="handle" value=""#)
        .map(|(i, m)| html[i + m.len()..i + m.len() + 16].to_owned())
        .collect()
}

#[tokio::test]
async fn the_space_lists_the_sessions_and_ends_one_or_all_the_others() {
    const FIREFOX: &str =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0";
    const CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                          Chrome/120.0.0.0 Safari/537.36";
    let (app, token) = app_with_pending_account().await;
    activate(&app, &token).await;
    let office = login_as(&app, FIREFOX).await;
    let laptop = login_as(&app, CHROME).await;
    let phone = login_as(&app, "curl/8.0").await;

    // Each session sees every open one, its own marked and without an end button.
    let (status, html) = space_html(&app, &office).await;
    assert_eq!(status, 200);
    assert!(html.contains("Firefox sur Windows 10"), "{html}");
    assert!(html.contains("Chrome sur Linux"), "{html}");
    assert!(html.contains("127.0.0.1"), "{html}");
    assert_eq!(html.matches(r#"data-current="true""#).count(), 1);
    let handles = session_handles(&html);
    assert_eq!(handles.len(), 2, "the two other sessions: {html}");
    assert!(html.contains(r#"action="/api/terminer-autres-sessions""#));

    // The office ends one other session (the laptop's or the phone's): it is refused at once.
    let ended = post(
        &app,
        "/api/terminer-session",
        &[("handle", &handles[0])],
        Some(&office),
    )
    .await;
    assert_eq!(ended.status(), 200);
    let alive = |session: &String| {
        let app = &app;
        let session = session.clone();
        async move { space_html(app, &session).await.0 == 200 }
    };
    let still = [alive(&laptop).await, alive(&phone).await];
    assert_eq!(still.iter().filter(|a| **a).count(), 1, "{still:?}");
    assert!(alive(&office).await, "the office's own session stays");

    // Another account's session cannot be named, nor its own: a wrong handle ends nothing.
    let (_, html) = space_html(&app, &office).await;
    let own = session_handles(&html);
    let forged = post(
        &app,
        "/api/terminer-session",
        &[("handle", "0000000000000000")],
        Some(&office),
    )
    .await;
    assert_eq!(forged.status(), 200);
    assert_eq!(session_handles(&space_html(&app, &office).await.1), own);

    // Past a few minutes, ending a session asks for the password again.
    sqlx::query("UPDATE sessions SET authenticated_at = authenticated_at - 601")
        .execute(app.store.pool())
        .await
        .unwrap();
    let (_, html) = space_html(&app, &office).await;
    assert!(session_handles(&html).is_empty(), "no end button: {html}");
    assert!(
        html.contains(r#"action="/api/confirmer-mot-de-passe""#),
        "{html}"
    );
    call(&app, "/api/terminer-autres-sessions", &[], Some(&office))
        .await
        .assert_refused(401, "session.recent_login");
    call(
        &app,
        "/api/confirmer-mot-de-passe",
        &[("password", "Pas le bon !")],
        Some(&office),
    )
    .await
    .assert_refused(401, "session.wrong_password");
    let confirmed = post(
        &app,
        "/api/confirmer-mot-de-passe",
        &[("password", PASSWORD)],
        Some(&office),
    )
    .await;
    assert_eq!(confirmed.status(), 200);
    assert_eq!(session_handles(&space_html(&app, &office).await.1).len(), 1);

    // « Terminer les autres sessions »: only the office's remains.
    let all = post(&app, "/api/terminer-autres-sessions", &[], Some(&office)).await;
    assert_eq!(all.status(), 200);
    assert!(!alive(&laptop).await && !alive(&phone).await);
    assert!(alive(&office).await);
    assert!(session_handles(&space_html(&app, &office).await.1).is_empty());

    // Without a session, nothing ends and the refusal says why.
    call(&app, "/api/terminer-autres-sessions", &[], None)
        .await
        .assert_refused(401, "session.ended");

    // The trail says who ended them.
    let trail = app
        .store
        .audit_of(&Siret::parse(FORMATRANS).unwrap())
        .await
        .unwrap();
    assert_eq!(
        trail.iter().filter(|e| e.kind == "sessions_ended").count(),
        2,
        "{trail:?}"
    );
}

#[tokio::test]
async fn a_login_from_a_new_browser_is_told_to_the_account_but_not_the_first_nor_a_known_one() {
    const FIREFOX: &str =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0";
    let (app, token) = app_with_pending_account().await;
    activate(&app, &token).await;
    let notices = |app: &TestApp| {
        let store = app.store.clone();
        async move {
            store
                .recent_emails(100)
                .await
                .unwrap()
                .into_iter()
                .filter(|m| m.email.subject.contains("nouveau navigateur"))
                .collect::<Vec<_>>()
        }
    };
    // The first login ever, right after the password: no news.
    let first = app
        .client
        .post(format!("{}/api/connexion", app.base))
        .form(&[("email", "claire@example.fr"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    let device = cookie_pair(&first, "hubpro_device").expect("a device cookie");
    assert!(notices(&app).await.is_empty());

    // The same browser again (its device cookie): nothing either.
    let again = app
        .client
        .post(format!("{}/api/connexion", app.base))
        .header(COOKIE, &device)
        .form(&[("email", "claire@example.fr"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    assert!(notices(&app).await.is_empty());

    // Another browser: its owner is told what, when, from where, and what to do.
    login_as(&app, FIREFOX).await;
    let told = notices(&app).await;
    assert_eq!(told.len(), 1);
    let mail = &told[0].email;
    assert_eq!(mail.to, "claire@example.fr");
    for said in [
        "Firefox sur Windows",
        "adresse IP\u{a0}: 127.0.0.1",
        "(heure de Paris)",
        "/mot-de-passe-oublie",
        "support@",
    ] {
        assert!(mail.text.contains(said), "{said}: {}", mail.text);
    }
    // A wrong password from yet another browser tells nothing.
    let wrong = app
        .client
        .post(format!("{}/api/connexion", app.base))
        .form(&[("email", "claire@example.fr"), ("password", "Pas le bon !")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(notices(&app).await.len(), 1);
}

#[tokio::test]
async fn a_stranger_cannot_end_a_session_nor_guess_the_password_confirmation() {
    use support::journey::active_account;
    let (app, token) = app_with_pending_account().await;
    activate(&app, &token).await;
    // Another centre, with its own administrator and two sessions.
    active_account(&app, "61234567800009", "lyon@example.fr", PASSWORD).await;
    let lyon = login(&app, "lyon@example.fr", PASSWORD).await;
    let lyon_other = login(&app, "lyon@example.fr", PASSWORD).await;
    let lyon_handles = session_handles(&space_html(&app, &lyon).await.1);
    assert_eq!(lyon_handles.len(), 1, "lyon sees its other session");

    // Claire names Lyon's session: nothing ends.
    let claire = login(&app, "claire@example.fr", PASSWORD).await;
    let res = post(
        &app,
        "/api/terminer-session",
        &[("handle", &lyon_handles[0])],
        Some(&claire),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(space_html(&app, &lyon_other).await.0, 200);
    // Nor do all of Claire's « others » reach Lyon's.
    post(&app, "/api/terminer-autres-sessions", &[], Some(&claire)).await;
    assert_eq!(space_html(&app, &lyon).await.0, 200);
    assert_eq!(space_html(&app, &lyon_other).await.0, 200);

    // Guessing the password confirmation slows down like a login from one place.
    for _ in 0..5 {
        call(
            &app,
            "/api/confirmer-mot-de-passe",
            &[("password", "Pas le bon !")],
            Some(&claire),
        )
        .await
        .assert_refused(401, "session.wrong_password");
    }
    call(
        &app,
        "/api/confirmer-mot-de-passe",
        &[("password", PASSWORD)],
        Some(&claire),
    )
    .await
    .assert_waits("too_many_attempts");
}
