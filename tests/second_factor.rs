//! The second factor over HTTP, with the real app: the authenticator app set up from the space
//! (its secret read from the page, codes computed here as a phone would), the login's second
//! step (wrong, replayed and right codes), recovery codes (once each, shown once), the
//! recent-login check before changes, the notices, and support's reset.

mod support;

use hubpro::domain::Siret;
use support::api::call;
use support::journey::{active_account, cookie_pair, login, post};
use support::TestApp;
use totp_rs::{Algorithm, Secret, TOTP};

const FORMATRANS: &str = "47728084603753";
const EMAIL: &str = "claire@example.fr";
const PASSWORD: &str = "Vélo-Cargo sur le Pont Neuf!";

/// A page as the browser with `cookie` gets it.
async fn page(app: &TestApp, path: &str, cookie: &str) -> (u16, String) {
    let res = app
        .client
        .get(format!("{}{path}", app.base))
        .header("cookie", cookie)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// The authenticator app a phone holds, from the secret the set-up page shows.
fn phone(page: &str) -> TOTP {
    let start = page.find("data-secret=\"").expect("secret shown") + 13;
    let secret = &page[start..start + page[start..].find('"').unwrap()];
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().unwrap();
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes, None, EMAIL.into()).unwrap()
}

fn code_at(app: &TOTP, steps_from_now: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    app.generate((now + 30 * steps_from_now) as u64)
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The codes the recovery page lists.
fn listed_codes(page: &str) -> Vec<String> {
    page.split("<li><code>")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_owned())
        .collect()
}

/// The subjects of the emails sent to the account so far.
async fn subjects(app: &TestApp) -> Vec<String> {
    app.store
        .recent_emails(200)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.email.to == EMAIL)
        .map(|m| m.email.subject)
        .collect()
}

/// Password right: the second step's cookie, and no session yet.
async fn password_step(app: &TestApp) -> String {
    let res = post(
        app,
        "/api/connexion",
        &[("email", EMAIL), ("password", PASSWORD)],
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    assert!(
        cookie_pair(&res, "hubpro_session").is_none(),
        "no session before the code"
    );
    cookie_pair(&res, "hubpro_login_step").expect("second step cookie")
}

/// The app as turned on from the space.
struct TurnedOn {
    phone: TOTP,
    /// The code that confirmed it (a replay of it must fail).
    first_code: String,
    /// The recovery codes shown.
    codes: Vec<String>,
}

/// Turns the app on from the space.
async fn turn_on(app: &TestApp, session: &str) -> TurnedOn {
    call(
        app,
        "/api/activer-double-authentification",
        &[],
        Some(session),
    )
    .await
    .assert_ok();
    let (status, setup) = page(app, "/espace/double-authentification", session).await;
    assert_eq!(status, 200);
    assert!(setup.contains("<svg"), "QR code drawn: {setup}");
    let phone = phone(&setup);
    call(
        app,
        "/api/confirmer-double-authentification",
        &[("code", "000000")],
        Some(session),
    )
    .await
    .assert_refused(401, "second_factor.invalid");
    let first_code = code_at(&phone, 0);
    call(
        app,
        "/api/confirmer-double-authentification",
        &[("code", &first_code)],
        Some(session),
    )
    .await
    .assert_ok();
    let (_, shown) = page(app, "/espace/codes-de-secours", session).await;
    let codes = listed_codes(&shown);
    assert_eq!(codes.len(), 10, "{shown}");
    assert!(
        shown.contains("data:text/plain;charset=utf-8,"),
        "download offered"
    );
    // Shown once.
    let (_, again) = page(app, "/espace/codes-de-secours", session).await;
    assert!(listed_codes(&again).is_empty(), "{again}");
    TurnedOn {
        phone,
        first_code,
        codes,
    }
}

#[tokio::test]
async fn an_authenticator_app_guards_the_login_on_both_databases() {
    for (name, url) in support::all_databases().await {
        let app = support::demo_app(&url).await;
        active_account(&app, FORMATRANS, EMAIL, PASSWORD).await;
        let session = login(&app, EMAIL, PASSWORD).await;
        let TurnedOn {
            phone,
            first_code,
            codes,
        } = turn_on(&app, &session).await;
        let (_, space) = page(&app, "/espace", &session).await;
        assert!(space.contains(r#"data-factor="on""#), "{name}: {space}");
        // At rest, the app's secret is sealed: the database holds neither it nor its bytes.
        let row = sqlx::query("SELECT sealed FROM totp_factors")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        let sealed: String = sqlx::Row::get(&row, "sealed");
        assert!(sealed.starts_with("v1:"), "{sealed}");
        assert!(!sealed.contains(&phone.get_secret_base32()));
        assert!(!sealed.contains(&hex_of(&phone.secret)));
        // Nor the recovery codes: salted hashes only.
        let hashes: Vec<String> = sqlx::query("SELECT code_hash FROM recovery_codes")
            .fetch_all(app.store.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| sqlx::Row::get(r, "code_hash"))
            .collect();
        assert_eq!(hashes.len(), 10);
        for code in &codes {
            let canonical = code.replace('-', "");
            assert!(hashes
                .iter()
                .all(|h| !h.contains(&canonical) && h.contains(':')));
        }
        assert!(subjects(&app)
            .await
            .iter()
            .any(|s| s.contains("double authentification activée")));

        // The login now asks for a code: a wrong one, the one already used to confirm (the
        // same step: a replay) and a malformed one are refused; the next step's is accepted.
        let step = password_step(&app).await;
        for wrong in ["123456", &first_code, "pas un code"] {
            call(&app, "/api/connexion-code", &[("code", wrong)], Some(&step))
                .await
                .assert_refused(401, "second_factor.invalid");
        }
        let right = call(
            &app,
            "/api/connexion-code",
            &[("code", &code_at(&phone, 1))],
            Some(&step),
        )
        .await;
        right.assert_ok();
        let opened = right.cookie("hubpro_session").expect("a session at last");
        assert_eq!(page(&app, "/espace", &opened).await.0, 200, "{name}");
        // The step is spent.
        call(
            &app,
            "/api/connexion-code",
            &[("code", &codes[0])],
            Some(&step),
        )
        .await
        .assert_refused(401, "second_factor.expired");
        call(&app, "/api/connexion-code", &[("code", "123456")], None)
            .await
            .assert_refused(401, "second_factor.expired");

        // A recovery code works once, typed in lower case without its dash.
        let typed = codes[0].replace('-', "").to_lowercase();
        let step = password_step(&app).await;
        call(
            &app,
            "/api/connexion-code",
            &[("code", &typed)],
            Some(&step),
        )
        .await
        .assert_ok();
        let step = password_step(&app).await;
        call(
            &app,
            "/api/connexion-code",
            &[("code", &codes[0])],
            Some(&step),
        )
        .await
        .assert_refused(401, "second_factor.invalid");
        assert!(subjects(&app)
            .await
            .iter()
            .any(|s| s.contains("un code de secours a été utilisé")));
        // The replayed code is told apart from a wrong one in the trail, with its address.
        let trail = app
            .store
            .audit_of(&Siret::parse(FORMATRANS).unwrap())
            .await
            .unwrap();
        assert!(
            trail
                .iter()
                .any(|e| e.detail == "second-factor code replayed" && e.ip.is_some()),
            "{name}: {trail:?}"
        );
        let (_, space) = page(&app, "/espace", &opened).await;
        assert!(
            space.contains("Il vous reste 9 codes de secours."),
            "{name}: {space}"
        );
    }
}

#[tokio::test]
async fn wrong_codes_are_slowed_down_like_wrong_passwords() {
    let app = support::demo_app(&support::sqlite_url()).await;
    active_account(&app, FORMATRANS, EMAIL, PASSWORD).await;
    let session = login(&app, EMAIL, PASSWORD).await;
    let phone = turn_on(&app, &session).await.phone;
    let step = password_step(&app).await;
    for _ in 0..5 {
        call(
            &app,
            "/api/connexion-code",
            &[("code", "000000")],
            Some(&step),
        )
        .await
        .assert_refused(401, "second_factor.invalid");
    }
    call(
        &app,
        "/api/connexion-code",
        &[("code", &code_at(&phone, 1))],
        Some(&step),
    )
    .await
    .assert_waits("too_many_attempts");
    // Whoever typed them knew the password: the owner is told, once.
    let told = subjects(&app)
        .await
        .into_iter()
        .filter(|s| s.contains("votre mot de passe a été saisi, suivi de codes erronés"))
        .count();
    assert_eq!(told, 1);
}

#[tokio::test]
async fn a_strangers_forgotten_password_does_not_cut_a_login_short() {
    let app = support::demo_app(&support::sqlite_url()).await;
    active_account(&app, FORMATRANS, EMAIL, PASSWORD).await;
    let session = login(&app, EMAIL, PASSWORD).await;
    let phone = turn_on(&app, &session).await.phone;
    let step = password_step(&app).await;
    call(&app, "/api/mot-de-passe-oublie", &[("email", EMAIL)], None)
        .await
        .assert_ok();
    call(
        &app,
        "/api/connexion-code",
        &[("code", &code_at(&phone, 1))],
        Some(&step),
    )
    .await
    .assert_ok();
    // A new password, though, ends the logins waiting for their code.
    let step = password_step(&app).await;
    let token = support::journey::link_token_for(&app, EMAIL).await;
    let saved = support::journey::set_password(&app, &token, PASSWORD, PASSWORD).await;
    assert_eq!(saved.status(), 200);
    call(
        &app,
        "/api/connexion-code",
        &[("code", "123456")],
        Some(&step),
    )
    .await
    .assert_refused(401, "second_factor.expired");
}

#[tokio::test]
async fn changes_ask_for_the_password_and_the_code_once_the_login_is_old() {
    let app = support::demo_app(&support::sqlite_url()).await;
    active_account(&app, FORMATRANS, EMAIL, PASSWORD).await;
    let session = login(&app, EMAIL, PASSWORD).await;
    let TurnedOn { phone, codes, .. } = turn_on(&app, &session).await;
    // Eleven minutes later (the session's login made old in the database).
    let mut tx = app.store.begin().await.unwrap();
    tx.execute_raw("UPDATE sessions SET authenticated_at = authenticated_at - 660")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for change in [
        "/api/desactiver-double-authentification",
        "/api/renouveler-codes-de-secours",
        "/api/activer-double-authentification",
    ] {
        call(&app, change, &[], Some(&session))
            .await
            .assert_refused(401, "session.recent_login");
    }
    let (_, space) = page(&app, "/espace", &session).await;
    assert!(
        space.contains(r#"id="factor-reauth-code""#),
        "code asked: {space}"
    );
    // The password alone is not enough once the app is on.
    call(
        &app,
        "/api/confirmer-mot-de-passe",
        &[("password", PASSWORD)],
        Some(&session),
    )
    .await
    .assert_refused(401, "second_factor.invalid");
    call(
        &app,
        "/api/confirmer-mot-de-passe",
        &[("password", PASSWORD), ("code", &code_at(&phone, 1))],
        Some(&session),
    )
    .await
    .assert_ok();
    // Another browser of the account (logged in with a recovery code).
    let step = password_step(&app).await;
    let other = call(
        &app,
        "/api/connexion-code",
        &[("code", &codes[3])],
        Some(&step),
    )
    .await;
    let other = other.assert_ok().cookie("hubpro_session").unwrap();
    // New codes: the old ones stop working; they are shown to the session that asked only.
    call(
        &app,
        "/api/renouveler-codes-de-secours",
        &[],
        Some(&session),
    )
    .await
    .assert_ok();
    let (_, elsewhere) = page(&app, "/espace/codes-de-secours", &other).await;
    assert!(listed_codes(&elsewhere).is_empty(), "{elsewhere}");
    let (_, shown) = page(&app, "/espace/codes-de-secours", &session).await;
    let renewed = listed_codes(&shown);
    assert_eq!(renewed.len(), 10);
    assert!(renewed.iter().all(|c| !codes.contains(c)));
    let step = password_step(&app).await;
    call(
        &app,
        "/api/connexion-code",
        &[("code", &codes[1])],
        Some(&step),
    )
    .await
    .assert_refused(401, "second_factor.invalid");
    // Turned off: the password alone opens the account again.
    call(
        &app,
        "/api/desactiver-double-authentification",
        &[],
        Some(&session),
    )
    .await
    .assert_ok();
    login(&app, EMAIL, PASSWORD).await;
    let sent = subjects(&app).await;
    for subject in [
        "nouveaux codes de secours",
        "double authentification désactivée",
    ] {
        assert!(
            sent.iter().any(|s| s.contains(subject)),
            "{subject}: {sent:?}"
        );
    }
    let trail = app
        .store
        .audit_of(&Siret::parse(FORMATRANS).unwrap())
        .await
        .unwrap();
    assert_eq!(
        trail
            .iter()
            .filter(|e| e.kind == "second_factor_changed")
            .count(),
        4,
        "on, a recovery code used, renewed, off: {trail:?}"
    );
}

#[tokio::test]
async fn support_resets_a_lost_second_factor() {
    let app = support::demo_app(&support::sqlite_url()).await;
    active_account(&app, FORMATRANS, EMAIL, PASSWORD).await;
    let session = login(&app, EMAIL, PASSWORD).await;
    turn_on(&app, &session).await;
    let siret = Siret::parse(FORMATRANS).unwrap();
    let public_url = hubpro::routes::PublicUrl::parse("http://hubpro.example").unwrap();
    let reset = |reason: &'static str| {
        let (store, public_url, siret) = (app.store.clone(), public_url.clone(), siret.clone());
        async move {
            hubpro::server::accounts::ownership::reset_second_factor(
                &store,
                &public_url,
                "support@hubpro.example",
                &siret,
                reason,
            )
            .await
        }
    };
    assert!(reset("  ").await.is_err(), "a reason is required");
    assert!(reset("phone lost, identity checked").await.unwrap());
    assert!(!reset("again").await.unwrap(), "nothing left to reset");
    // The password alone opens the account; the owner was told.
    login(&app, EMAIL, PASSWORD).await;
    assert!(subjects(&app)
        .await
        .iter()
        .any(|s| s.contains("désactivée par le service support")));
    let trail = app.store.audit_of(&siret).await.unwrap();
    assert!(trail
        .iter()
        .any(|e| e.detail.contains("reset by support: phone lost")));
}

/// The passkey ceremonies' server side (the browser side runs in `end2end/tests/passkeys.spec.ts`
/// with Chromium's virtual authenticator): who may start which, and what is refused.
#[tokio::test]
async fn passkey_ceremonies_start_only_for_whom_they_are() {
    let app = support::demo_app(&support::sqlite_url()).await;
    active_account(&app, FORMATRANS, EMAIL, PASSWORD).await;
    let session = login(&app, EMAIL, PASSWORD).await;
    // A one-step sign-in may start for anyone: the options name this site only.
    let sign_in = call(
        &app,
        "/api/cle-d-acces-demande",
        &[("purpose", "connexion")],
        None,
    )
    .await;
    let options: serde_json::Value =
        serde_json::from_str(sign_in.assert_ok().json()["options"].as_str().unwrap()).unwrap();
    assert_eq!(options["publicKey"]["rpId"], "hubpro.example");
    assert_eq!(options["publicKey"]["userVerification"], "required");
    // The second step needs its cookie; a confirmation needs a session.
    call(
        &app,
        "/api/cle-d-acces-demande",
        &[("purpose", "code")],
        None,
    )
    .await
    .assert_refused(401, "second_factor.expired");
    call(
        &app,
        "/api/cle-d-acces-demande",
        &[("purpose", "confirmation")],
        None,
    )
    .await
    .assert_refused(401, "session.ended");
    call(
        &app,
        "/api/cle-d-acces-demande",
        &[("purpose", "autre")],
        None,
    )
    .await
    .assert_refused(401, "passkey.refused");
    // Adding one: the options ask for a discoverable credential, with user verification.
    let add = call(&app, "/api/cle-d-acces-ajout", &[], Some(&session)).await;
    let options: serde_json::Value =
        serde_json::from_str(add.assert_ok().json()["options"].as_str().unwrap()).unwrap();
    let selection = &options["publicKey"]["authenticatorSelection"];
    assert_eq!(selection["residentKey"], "required", "{options}");
    assert_eq!(selection["userVerification"], "required");
    // A forged answer, an unknown ceremony, a ceremony used twice: refused.
    let ceremony = add.json()["ceremony"].as_str().unwrap().to_owned();
    for (ceremony, credential) in [
        (ceremony.as_str(), "{}"),
        (ceremony.as_str(), "{}"),
        (&"0".repeat(64)[..], "{}"),
    ] {
        call(
            &app,
            "/api/cle-d-acces-enregistrer",
            &[
                ("ceremony", ceremony),
                ("name", "x"),
                ("credential", credential),
            ],
            Some(&session),
        )
        .await
        .assert_refused(401, "passkey.refused");
    }
    // Old login: adding one asks for the password again.
    let mut tx = app.store.begin().await.unwrap();
    tx.execute_raw("UPDATE sessions SET authenticated_at = authenticated_at - 660")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    call(&app, "/api/cle-d-acces-ajout", &[], Some(&session))
        .await
        .assert_refused(401, "session.recent_login");
    // With the app on and no passkey, the second step says there is none.
    let mut tx = app.store.begin().await.unwrap();
    tx.execute_raw("UPDATE sessions SET authenticated_at = authenticated_at + 660")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    turn_on(&app, &session).await;
    let step = password_step(&app).await;
    call(
        &app,
        "/api/cle-d-acces-demande",
        &[("purpose", "code")],
        Some(&step),
    )
    .await
    .assert_refused(422, "passkey.none");
    // A passkey (as the store keeps it) is listed, and removing it tells the owner.
    let account = app
        .store
        .account_by_email(&hubpro::domain::EmailAddress::parse(EMAIL).unwrap())
        .await
        .unwrap()
        .unwrap();
    let mut tx = app.store.begin().await.unwrap();
    assert!(tx
        .insert_passkey(account.id, "00ff", "Clé de test", "{}")
        .await
        .unwrap());
    tx.commit().await.unwrap();
    let (_, space) = page(&app, "/espace", &session).await;
    assert!(
        space.contains("Clé de test") && space.contains("jamais utilisée"),
        "{space}"
    );
    let id = app.store.passkeys_of(account.id).await.unwrap()[0]
        .id
        .to_string();
    call(
        &app,
        "/api/cle-d-acces-supprimer",
        &[("id", &id)],
        Some(&session),
    )
    .await
    .assert_ok();
    assert!(app.store.passkeys_of(account.id).await.unwrap().is_empty());
    assert!(subjects(&app)
        .await
        .iter()
        .any(|s| s.contains("clé d'accès supprimée")));
    // Someone else's, or none: nothing to remove.
    call(
        &app,
        "/api/cle-d-acces-supprimer",
        &[("id", &id)],
        Some(&session),
    )
    .await
    .assert_refused(422, "second_factor.changed");
}
