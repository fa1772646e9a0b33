//! Nothing a stranger does can be turned against a centre: sentences forged into our URLs,
//! email floods through signups, lock-outs from many addresses, floods of wrong passwords,
//! contested SIRETs taken back at once, INSEE quota spent by other sites' pages.

mod support;

use base64::Engine;
use support::api::{call, check_siret, Reply, Verdict};
use support::fakes::{self, Answer, FakeInsee};
use support::journey::{
    active_account, cookie_pair, link_token_for, login_from, not_us_notice, not_us_token,
    set_password, sign_up, try_sign_up,
};
use support::{app_with, TestApp};

const PASSWORD: &str = "Vélo-Cargo sur le Pont Neuf!";
/// Demo SIRETs, active and approved in the offline extract.
const FORMATRANS: &str = "47728084603753";
const ECOLE_ROUTIERE: &str = "40073444800477";
const CFA_RHONE: &str = "61234567800009";
const FORMATRANS_OFFICIAL: &str = "cfa-lille@example.fr";
/// The other approved demo SIRETs.
const OTHER_SIRETS: [&str; 9] = [
    ECOLE_ROUTIERE,
    "40073444800014",
    CFA_RHONE,
    "64128793500010",
    "64128793500028",
    "82917364500013",
    "53210987600013",
    "53210987600021",
    "53210987600039",
];

/// A sentence nobody at Hub Pro Transport wrote.
const FORGED: &str = "Compte bloqué : appelez le 08 99 11 22 33";

async fn page(app: &TestApp, path_and_query: &str, cookie: Option<&str>) -> (u16, String) {
    let mut req = app
        .client
        .get(format!("{}{path_and_query}", app.base))
        .header("accept", "text/html");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// The query a refusal comes back with after a form post without JavaScript.
fn refusal_query(server_fn: &str, problem: &serde_json::Value) -> String {
    let err = base64::engine::general_purpose::URL_SAFE.encode(problem.to_string());
    format!("__path={server_fn}&__err={err}")
}

/// 60 wrong passwords for `email` from 12 client addresses, 5 each: the account's ceiling.
async fn failures_from_twelve_addresses(app: &TestApp, email: &str) -> Vec<u16> {
    let mut statuses = Vec::new();
    for n in 1..=12 {
        for _ in 0..5 {
            let ip = format!("198.51.100.{n}");
            let res = login_from(app, &ip, email, "Mauvais!", None).await;
            statuses.push(res.status().as_u16());
        }
    }
    statuses
}

#[tokio::test]
async fn a_sentence_written_into_a_refusal_url_is_never_shown() {
    let app = app_with(&[]).await;
    active_account(&app, FORMATRANS, "claire@example.fr", PASSWORD).await;
    let session = support::journey::login(&app, "claire@example.fr", PASSWORD).await;
    let pages: [(&str, &str, Option<&str>, serde_json::Value); 3] = [
        ("/connexion", "/api/connexion", None, serde_json::json!("")),
        (
            "/inscription",
            "/api/creer-compte",
            None,
            serde_json::json!({"siret": "", "organisation": "", "last_name": "", "first_name": "",
                "email": "", "email_confirmation": ""}),
        ),
        (
            "/espace",
            "/api/rattacher",
            Some(&session),
            serde_json::json!({"siret": "", "contact_email": ""}),
        ),
    ];
    for (path, server_fn, cookie, form) in pages {
        for forged in [
            // The former wire format: a problem was its text.
            serde_json::json!({"form": form, "fields": [], "general": FORGED}),
            // A code we know, with someone else's message beside it.
            serde_json::json!({"form": form, "fields": [],
                "general": {"code": "login.bad_credentials", "message": FORGED}}),
            // A code we do not know.
            serde_json::json!({"form": form, "fields": [["Siret", {"code": FORGED, "message": FORGED}]],
                "general": {"code": FORGED, "message": FORGED}}),
        ] {
            let (status, body) = page(
                &app,
                &format!("{path}?{}", refusal_query(server_fn, &forged)),
                cookie,
            )
            .await;
            assert_eq!(status, 200, "{path}");
            assert!(
                !body.contains("08 99"),
                "{path} shows a stranger's sentence: {forged}"
            );
        }
    }
    // A known code reads as our own message, marked with its code.
    let known = serde_json::json!({"form": "claire@example.fr", "fields": [],
        "general": {"code": "login.bad_credentials", "message": FORGED}});
    let (_, body) = page(
        &app,
        &format!("/connexion?{}", refusal_query("/api/connexion", &known)),
        None,
    )
    .await;
    assert!(
        body.contains(r#"data-problem="login.bad_credentials""#),
        "{body}"
    );

    // The success page names an address only when it is one.
    let (_, body) = page(
        &app,
        "/inscription/confirmee?adresse=Appelez%20le%2008%2099",
        None,
    )
    .await;
    assert!(
        !body.contains("08 99") && !body.contains("Appelez"),
        "{body}"
    );
    let (_, body) = page(
        &app,
        "/inscription/confirmee?adresse=claire%40example.fr",
        None,
    )
    .await;
    assert!(body.contains("claire@example.fr"), "{body}");
}

/// « CRÉER » for `siret` with `email`, whatever the answer.
async fn signup_as(app: &TestApp, siret: &str, email: &str) -> Reply {
    try_sign_up(app, siret, "Centre", email).await
}

#[tokio::test]
async fn a_refused_link_page_form_goes_back_to_its_page_without_a_referer() {
    let app = app_with(&[]).await;
    for (server_fn, link_page) in [
        ("/api/continuer", "/mot-de-passe/creer"),
        ("/api/ce-n-est-pas-nous", "/ce-n-est-pas-nous"),
    ] {
        // A plain form post (no JavaScript) from a link page, which sends no Referer.
        let res = app
            .client
            .post(format!("{}{server_fn}", app.base))
            .header("accept", "text/html")
            .form(&[("token", "0".repeat(64))])
            .send()
            .await
            .unwrap();
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            location.starts_with(&format!("{link_page}?jeton={}&__path=", "0".repeat(64))),
            "{server_fn}: {location}"
        );
        let (status, body) = page(&app, &location, None).await;
        assert_eq!(status, 200);
        assert!(
            body.contains(r#"data-problem="link.invalid""#),
            "{server_fn}: {body}"
        );
    }
}

/// What the live SIRET check decides.
async fn verdict(app: &TestApp, siret: &str) -> Verdict {
    check_siret(app, siret).await.verdict()
}

#[tokio::test]
async fn ten_signups_naming_an_address_with_an_account_email_it_once_and_look_like_any_signup() {
    for (db, url) in support::all_databases().await {
        let app = app_with(&[("DATABASE_URL", &url), ("HUBPRO_RATE_SIGNUP", "1000")]).await;
        sign_up(&app, FORMATRANS, "Formatrans", "victime@example.fr").await;
        // Ten signups from a script naming the victim's address, for nine SIRETs: each goes
        // through as any signup does (the tenth finds its SIRET held, as after any signup).
        for (n, siret) in OTHER_SIRETS.iter().chain([&ECOLE_ROUTIERE]).enumerate() {
            let res = signup_as(&app, siret, "victime@example.fr").await;
            if n < OTHER_SIRETS.len() {
                res.assert_ok();
            } else {
                res.assert_refused(422, "ineligible.pending");
            }
        }
        let notices = app
            .store
            .recent_emails(200)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| {
                m.email.to == "victime@example.fr" && m.email.subject.contains("déjà un compte")
            })
            .count();
        assert_eq!(notices, 1, "{db}: one notice a day, whatever the signups");
        // Each SIRET reads as held, exactly as the victim's own (a signup with an address that
        // had no account yet).
        for siret in [FORMATRANS, CFA_RHONE, ECOLE_ROUTIERE] {
            assert_eq!(
                verdict(&app, siret).await,
                Verdict::registered("ineligible.pending"),
                "{db}: {siret}"
            );
        }
        // And a second signup for either is refused the same way.
        for siret in [FORMATRANS, ECOLE_ROUTIERE] {
            signup_as(&app, siret, "paul@example.fr")
                .await
                .assert_refused(422, "ineligible.pending");
        }
        // The centre's official address is told as of any signup, and its « Ce n'est pas
        // nous » ends the hold and keeps the SIRET for it.
        let notice = not_us_notice(&app, "route-academie@example.fr").await;
        assert!(notice.email.text.contains("v***@example.fr"), "{db}");
        let token = not_us_token(&app, "route-academie@example.fr").await;
        call(&app, "/api/ce-n-est-pas-nous", &[("token", &token)], None)
            .await
            .assert_ok();
        // Single use: a replay (or a second tab) finds the link spent.
        call(&app, "/api/ce-n-est-pas-nous", &[("token", &token)], None)
            .await
            .assert_refused(422, "link.invalid");
        assert_eq!(
            verdict(&app, "64128793500010").await,
            Verdict::Eligible,
            "{db}"
        );
        signup_as(&app, "64128793500010", "guetteur@example.fr")
            .await
            .assert_refused(422, "ineligible.contested");
        // The centre's own address is never kept out by such a hold.
        signup_as(&app, ECOLE_ROUTIERE, "ecole-routiere@example.fr")
            .await
            .assert_ok();
    }
}

#[tokio::test]
async fn the_owners_browser_logs_in_after_failures_from_many_addresses_a_stranger_waits() {
    for (db, url) in support::all_databases().await {
        let app = app_with(&[
            ("DATABASE_URL", &url),
            ("HUBPRO_TRUSTED_PROXIES", "127.0.0.1"),
        ])
        .await;
        active_account(&app, FORMATRANS, "claire@example.fr", PASSWORD).await;
        // The owner logged in once from this browser: it keeps a device cookie.
        let first = login_from(&app, "203.0.113.1", "claire@example.fr", PASSWORD, None).await;
        assert_eq!(first.status(), 200, "{db}");
        let device = cookie_pair(&first, "hubpro_device").expect("device cookie");
        // 60 wrong passwords from 12 addresses.
        for status in failures_from_twelve_addresses(&app, "claire@example.fr").await {
            assert!([401, 429].contains(&status), "{db}");
        }
        // The owner's browser, from a 13th address, is judged by its own failures: none.
        let owner = login_from(
            &app,
            "192.0.2.13",
            "claire@example.fr",
            PASSWORD,
            Some(&device),
        )
        .await;
        assert_eq!(owner.status(), 200, "{db}: {}", owner.text().await.unwrap());
        // An unknown browser, with the right password, is slowed down.
        let stranger = login_from(&app, "192.0.2.14", "claire@example.fr", PASSWORD, None).await;
        Reply::of(stranger).await.assert_waits("too_many_attempts");
        // A device cookie of another account is no key to this one.
        active_account(&app, ECOLE_ROUTIERE, "paul@example.fr", PASSWORD).await;
        let other = login_from(&app, "192.0.2.15", "paul@example.fr", PASSWORD, None).await;
        let other_device = cookie_pair(&other, "hubpro_device").unwrap();
        let borrowed = login_from(
            &app,
            "192.0.2.16",
            "claire@example.fr",
            PASSWORD,
            Some(&other_device),
        )
        .await;
        Reply::of(borrowed).await.assert_waits("too_many_attempts");
    }
}

#[tokio::test]
async fn a_new_password_forgets_the_known_browsers() {
    let app = app_with(&[("HUBPRO_TRUSTED_PROXIES", "127.0.0.1")]).await;
    active_account(&app, FORMATRANS, "claire@example.fr", PASSWORD).await;
    let first = login_from(&app, "203.0.113.1", "claire@example.fr", PASSWORD, None).await;
    let device = cookie_pair(&first, "hubpro_device").expect("device cookie");
    // A new password through « Mot de passe oublié ».
    call(
        &app,
        "/api/mot-de-passe-oublie",
        &[("email", "claire@example.fr")],
        None,
    )
    .await
    .assert_ok();
    let token = link_token_for(&app, "claire@example.fr").await;
    let renewed = "Trottinette du Vieux-Lille!";
    assert_eq!(
        set_password(&app, &token, renewed, renewed).await.status(),
        200
    );
    // Strangers reach the account's ceiling; the browser known with the old password is a
    // stranger too now, until it logs in again.
    failures_from_twelve_addresses(&app, "claire@example.fr").await;
    let before = login_from(
        &app,
        "192.0.2.13",
        "claire@example.fr",
        renewed,
        Some(&device),
    )
    .await;
    Reply::of(before).await.assert_waits("too_many_attempts");
}

#[tokio::test]
async fn ipv6_guesses_are_counted_per_56_as_well_as_per_64() {
    let app = app_with(&[("HUBPRO_TRUSTED_PROXIES", "127.0.0.1")]).await;
    // 60 addresses, each in a /64 of its own, all in one /56; a new address to guess each time.
    let mut refused = 0;
    for n in 0..60 {
        let ip = format!("2001:db8:1:2{n:02x}::1");
        let res = login_from(&app, &ip, &format!("x{n}@example.fr"), "Mauvais!", None).await;
        if res.status() == 429 {
            refused += 1;
        }
    }
    assert!(refused > 0, "the /56 waits once its budget is spent");
}

#[tokio::test]
async fn after_ce_nest_pas_nous_only_the_official_address_may_sign_the_siret_up() {
    for (db, url) in support::all_databases().await {
        let app = app_with(&[("DATABASE_URL", &url)]).await;
        sign_up(&app, FORMATRANS, "Formatrans", "squatteur@example.fr").await;
        // The check says « en attente », without a date.
        let held = check_siret(&app, FORMATRANS).await;
        assert_eq!(
            held.verdict(),
            Verdict::registered("ineligible.pending"),
            "{db}"
        );
        // Dates are written in words now: no day number, no year either.
        let message = held.message();
        assert!(
            !message.chars().any(|c| c.is_ascii_digit()),
            "{db}: no date in {message}"
        );

        let token = not_us_token(&app, FORMATRANS_OFFICIAL).await;
        call(&app, "/api/ce-n-est-pas-nous", &[("token", &token)], None)
            .await
            .assert_ok();

        // The watcher signs up again at once: refused, sent to support.
        let again = try_sign_up(&app, FORMATRANS, "Formatrans", "guetteur@example.fr").await;
        again.assert_refused(422, "ineligible.contested");
        assert!(
            again.body.contains("support@"),
            "{db}: the support contact is named"
        );
        // The centre's official address may.
        sign_up(&app, FORMATRANS, "Formatrans", FORMATRANS_OFFICIAL).await;
    }
}

#[tokio::test]
async fn a_prefilled_signup_page_asks_insee_only_for_a_top_level_navigation() {
    let insee = FakeInsee::default();
    insee.set(
        FORMATRANS,
        Answer::Active {
            name: "FORMATRANS",
            town: "LILLE",
        },
    );
    let sirene_url = fakes::start_insee(insee.clone()).await;
    let app = app_with(&[
        ("HUBPRO_SIRENE_URL", &sirene_url),
        ("HUBPRO_SIRENE_API_KEY", fakes::API_KEY),
    ])
    .await;
    let get = |mode: Option<&'static str>, dest: Option<&'static str>| {
        let mut req = app
            .client
            .get(format!("{}/inscription?siret={FORMATRANS}", app.base));
        if let Some(mode) = mode {
            req = req.header("sec-fetch-mode", mode);
        }
        if let Some(dest) = dest {
            req = req.header("sec-fetch-dest", dest);
        }
        async move {
            let res = req.send().await.unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    // Another site's page: an image, a frame, a script's fetch.
    for (mode, dest) in [
        ("no-cors", "image"),
        ("navigate", "iframe"),
        ("cors", "empty"),
    ] {
        let (status, body) = get(Some(mode), Some(dest)).await;
        assert_eq!(status, 200);
        assert!(!body.contains(r#"<span class="check">"#), "{mode}/{dest}");
    }
    assert_eq!(
        insee.calls_for(FORMATRANS),
        0,
        "no INSEE call for other sites' pages"
    );
    // A person opening the page (or a client without such headers): checked before sending.
    let (_, body) = get(Some("navigate"), Some("document")).await;
    assert!(
        body.contains(r#"<span class="check">"#),
        "the eligible status is in the page: {body}"
    );
    assert_eq!(insee.calls_for(FORMATRANS), 1);
    // One call, and one of the budget: the page's check ran once (Suspense builds the form
    // twice; a second check, dropped halfway, once spent the budget for nothing).
    let budget: i64 = sqlx::Row::try_get(
        &sqlx::query("SELECT COUNT(*) AS n FROM insee_calls")
            .fetch_one(app.store.pool())
            .await
            .unwrap(),
        "n",
    )
    .unwrap();
    assert_eq!(budget, 1);
}
