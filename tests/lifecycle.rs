//! The account's life beyond its first administrator: for now, « Télécharger mes données »
//! (GDPR articles 15 and 20).

mod support;

use support::journey::{active_account, login, post};

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
