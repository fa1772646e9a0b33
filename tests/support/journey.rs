//! Steps of the user journey over HTTP, shared by the integration tests.

use super::api::{call, Reply};
use super::TestApp;
use reqwest::header::{COOKIE, SET_COOKIE};

/// The administrator's space as a browser with `session` gets it: its status and its HTML
/// (302 to the login page once the session is over).
pub async fn space(app: &TestApp, session: &str) -> (u16, String) {
    let res = app
        .client
        .get(format!("{}/espace", app.base))
        .header(COOKIE, session)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Posts a form (as the no-JS browser or the hydrated page does) with an optional cookie.
pub async fn post(
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut req = app.client.post(format!("{}{path}", app.base)).form(form);
    if let Some(c) = cookie {
        req = req.header(COOKIE, c);
    }
    req.send().await.unwrap()
}

/// The `name=value` part of a `Set-Cookie` of the response.
pub fn cookie_pair(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

/// The signup form for `siret` by Claire Dupont of `organisation`, `email` typed twice.
pub fn signup_form<'a>(
    siret: &'a str,
    organisation: &'a str,
    email: &'a str,
) -> [(&'static str, &'a str); 6] {
    [
        ("siret", siret),
        ("organisation", organisation),
        ("last_name", "Dupont"),
        ("first_name", "Claire"),
        ("email", email),
        ("email_confirmation", email),
    ]
}

/// « CRÉER » with the given SIRET and address, whatever the answer.
pub async fn try_sign_up(app: &TestApp, siret: &str, organisation: &str, email: &str) -> Reply {
    call(
        app,
        "/api/creer-compte",
        &signup_form(siret, organisation, email),
        None,
    )
    .await
}

/// « CRÉER » with the given SIRET and address; asserts it went through.
pub async fn sign_up(app: &TestApp, siret: &str, organisation: &str, email: &str) {
    try_sign_up(app, siret, organisation, email)
        .await
        .assert_ok();
}

/// The token of the newest password link emailed to `to`.
pub async fn link_token_for(app: &TestApp, to: &str) -> String {
    let mails = app.store.recent_emails(100).await.unwrap();
    let mail = mails
        .iter()
        .find(|m| m.email.to == to && m.email.text.contains("jeton="))
        .unwrap_or_else(|| panic!("no link emailed to {to}"));
    let text = &mail.email.text;
    let start = text.find("jeton=").unwrap() + 6;
    text[start..start + 64].to_owned()
}

/// Follows the emailed link: continue, then set the password. Returns the final response.
pub async fn set_password(
    app: &TestApp,
    token: &str,
    password: &str,
    confirmation: &str,
) -> reqwest::Response {
    let res = post(app, "/api/continuer", &[("token", token)], None).await;
    let status = res.status();
    let flow = cookie_pair(&res, "hubpro_flow");
    assert_eq!(status, 200, "continue: {}", res.text().await.unwrap());
    let flow = flow.expect("flow cookie");
    post(
        app,
        "/api/valider-mot-de-passe",
        &[("password", password), ("confirmation", confirmation)],
        Some(&flow),
    )
    .await
}

/// Logs in; returns the `name=value` of the session cookie.
pub async fn login(app: &TestApp, email: &str, password: &str) -> String {
    let res = post(
        app,
        "/api/connexion",
        &[("email", email), ("password", password)],
        None,
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    // On an https public URL the cookie carries the __Host- prefix.
    cookie_pair(&res, "hubpro_session")
        .or_else(|| cookie_pair(&res, "__Host-hubpro_session"))
        .expect("session cookie")
}

/// An active account for `email` on `siret`, its password set through the emailed link.
pub async fn active_account(app: &TestApp, siret: &str, email: &str, password: &str) {
    sign_up(app, siret, "Centre", email).await;
    let token = link_token_for(app, email).await;
    assert_eq!(
        set_password(app, &token, password, password).await.status(),
        200
    );
}

/// A login from `ip` (the app trusts the loopback proxy), with the browser's cookies.
pub async fn login_from(
    app: &TestApp,
    ip: &str,
    email: &str,
    password: &str,
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(format!("{}/api/connexion", app.base))
        .header("x-forwarded-for", ip)
        .form(&[("email", email), ("password", password)]);
    if let Some(c) = cookie {
        req = req.header(COOKIE, c);
    }
    req.send().await.unwrap()
}

/// The newest « un compte administrateur a été demandé » notice to `to`.
pub async fn not_us_notice(app: &TestApp, to: &str) -> hubpro::server::store::StoredEmail {
    app.store
        .recent_emails(200)
        .await
        .unwrap()
        .into_iter()
        .find(|m| {
            m.email.to == to
                && m.email
                    .subject
                    .contains("un compte administrateur a été demandé pour votre SIRET")
        })
        .unwrap_or_else(|| panic!("no notice to {to}"))
}

/// The « Ce n'est pas nous » token in the newest notice to `to`.
pub async fn not_us_token(app: &TestApp, to: &str) -> String {
    let text = not_us_notice(app, to).await.email.text;
    let start = text.find("ce-n-est-pas-nous?jeton=").unwrap() + 24;
    text[start..start + 64].to_owned()
}

/// Waits (up to 5 s) until `to` has been sent `n` emails; returns how many it has then.
pub async fn wait_for_emails(app: &TestApp, to: &str, n: usize) -> usize {
    for _ in 0..50 {
        let count = super::emails_to(&app.store, to).await.len();
        if count >= n {
            return count;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    super::emails_to(&app.store, to).await.len()
}

/// The token of the newest link to `path` (`/designer-administrateur`…) emailed to `to`.
/// (Waits up to 5 s: some emails are queued after the answer.)
pub async fn emailed_token(app: &TestApp, to: &str, path: &str) -> String {
    let marker = format!("{path}?jeton=");
    let mut found = None;
    for _ in 0..50 {
        found = super::emails_to(&app.store, to)
            .await
            .into_iter()
            .rev()
            .find(|e| e.text.contains(&marker));
        if found.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mail = found.unwrap_or_else(|| panic!("no {path} link emailed to {to}"));
    let start = mail.text.find(&marker).unwrap() + marker.len();
    mail.text[start..start + 64].to_owned()
}

/// The session's password was typed long ago: a sensitive change asks for it again.
pub async fn age_sessions(app: &TestApp) {
    let mut tx = app.store.begin().await.unwrap();
    tx.execute_raw("UPDATE sessions SET authenticated_at = authenticated_at - 3600")
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// A login from `client` (one bound to its own loopback address: the app sees that address).
pub async fn login_via(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> Reply {
    let res = client
        .post(format!("{}/api/connexion", app.base))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    Reply::of(res).await
}
