//! Hostile input through every server function and form: over-long values, control and
//! zero-width characters, markup, SQL-looking strings, wrong or missing fields. Always a clear
//! answer, never a 500, nothing stored or rendered unescaped.

mod support;

use support::journey::{cookie_pair, link_token_for, login, post, set_password, sign_up};
use support::TestApp;

const SCRIPT: &str = "<script>alert(1)</script>";

fn corpus() -> Vec<String> {
    vec![
        String::new(),
        " ".repeat(300),
        "a".repeat(10_000),
        "é".repeat(5_000),
        SCRIPT.into(),
        "<img src=x onerror=alert(1)>".into(),
        "\"><svg onload=alert(1)>".into(),
        "'; DROP TABLE accounts; --".into(),
        "Robert'); DELETE FROM approvals WHERE ('1'='1".into(),
        "\u{0}\u{7}\u{1b}[31m".into(),
        "Dupont\u{200B}".into(),
        "\u{202E}tnoprud".into(),
        "\u{FEFF}477 280 846 03753".into(),
        "4772808460375３".into(),
        "🚚🚛".into(),
        "%00%FF".into(),
        "claire@example.fr\r\nBcc: victim@example.fr".into(),
        "{\"siret\":1}".into(),
    ]
}

async fn app() -> TestApp {
    support::spawn_app(support::settings(&[
        ("HUBPRO_RATE_ELIGIBILITY", "100000"),
        ("HUBPRO_RATE_SIGNUP", "100000"),
    ]))
    .await
}

/// What a server function needs before it looks at its arguments.
#[derive(Clone, Copy, PartialEq)]
enum Needs {
    Nothing,
    /// A logged-in session.
    Session,
    /// An open password flow.
    Flow,
}

/// Every server function with a form, and what it needs to reach its code.
const ENDPOINTS: [(&str, &[&str], Needs); 10] = [
    ("/api/verifier-siret", &["siret"], Needs::Nothing),
    (
        "/api/creer-compte",
        &[
            "siret",
            "organisation",
            "last_name",
            "first_name",
            "email",
            "email_confirmation",
        ],
        Needs::Nothing,
    ),
    ("/api/connexion", &["email", "password"], Needs::Nothing),
    ("/api/mot-de-passe-oublie", &["email"], Needs::Nothing),
    ("/api/continuer", &["token"], Needs::Nothing),
    (
        "/api/valider-mot-de-passe",
        &["password", "confirmation"],
        Needs::Flow,
    ),
    (
        "/api/rattacher",
        &["siret", "contact_email"],
        Needs::Session,
    ),
    ("/api/detacher", &["siret"], Needs::Session),
    // No argument: the attach island reads the list again with the session.
    ("/api/etablissements-rattaches", &[], Needs::Session),
    // No argument: hostile values cannot reach it; without a session it only clears the cookie.
    ("/api/deconnexion", &[], Needs::Nothing),
];

const MAIN: &str = "53210987600013";
const PENDING: &str = "53210987600021";
const PASSWORD: &str = "Vélo-Cargo sur le Pont Neuf!";

/// A logged-in administrator's session, and the open password flow of another (pending)
/// account: with them, hostile values reach the code behind the session and flow checks.
async fn session_and_flow(app: &TestApp) -> (String, String) {
    sign_up(app, MAIN, "BFR Rennes", "rennes@example.fr").await;
    let token = link_token_for(app, "rennes@example.fr").await;
    let saved = set_password(app, &token, PASSWORD, PASSWORD).await;
    assert_eq!(saved.status(), 200);
    let session = login(app, "rennes@example.fr", PASSWORD).await;
    sign_up(app, PENDING, "BFR Brest", "brest@example.fr").await;
    let token = link_token_for(app, "brest@example.fr").await;
    let opened = post(app, "/api/continuer", &[("token", &token)], None).await;
    let flow = cookie_pair(&opened, "hubpro_flow").expect("flow cookie");
    (session, flow)
}

fn assert_clear(path: &str, value: &str, status: u16, content_type: &str, body: &str) {
    assert!(
        [200, 302, 401, 422, 429].contains(&status),
        "{path} with {value:?}: status {status}: {body}"
    );
    // What was typed comes back to the form as JSON data (nosniff), never as markup.
    assert!(
        !body.contains(SCRIPT) || content_type.starts_with("application/json"),
        "{path}: markup echoed raw as {content_type}: {body}"
    );
    assert!(
        !body.to_lowercase().contains("sqlx") && !body.contains("panicked"),
        "{body}"
    );
}

#[tokio::test]
async fn every_server_function_answers_hostile_values_clearly() {
    let app = app().await;
    let (session, flow) = session_and_flow(&app).await;
    for value in corpus() {
        for (path, fields, needs) in ENDPOINTS {
            // A confirmation that differs keeps the flow open when a value happens to be a valid
            // password (the SQL-looking one is): every value is still judged.
            let differing = format!("{value}~");
            let form: Vec<(&str, &str)> = fields
                .iter()
                .map(|f| match *f {
                    "confirmation" => (*f, differing.as_str()),
                    _ => (*f, value.as_str()),
                })
                .collect();
            let cookie = match needs {
                Needs::Nothing => None,
                Needs::Session => Some(session.as_str()),
                Needs::Flow => Some(flow.as_str()),
            };
            let res = post(&app, path, &form, cookie).await;
            let status = res.status().as_u16();
            let content_type = res
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default();
            let body = res.text().await.unwrap();
            assert_clear(path, &value, status, &content_type, &body);
            // Past the session or flow check: the values themselves were judged.
            if needs != Needs::Nothing && status != 200 {
                let codes = support::codes(&body);
                assert!(
                    !codes.contains("session.ended") && !codes.contains("link.invalid"),
                    "{path} with {value:?} stopped at the door: {codes}"
                );
            }
        }
    }
    // Only the two accounts made above; the main one still attaches nothing.
    assert_eq!(app.store.count_accounts().await.unwrap(), 2);
    let main = app
        .store
        .account_by_email(&hubpro::domain::EmailAddress::parse("rennes@example.fr").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(app.store.attachments_of(main.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn missing_fields_wrong_encodings_and_garbage_bodies_are_refused_without_a_500() {
    let app = app().await;
    for (path, fields, _) in ENDPOINTS {
        for body in [
            String::new(),
            "garbage=%ZZ&&&".into(),
            "siret=%FF%FE".into(),
            fields
                .iter()
                .map(|f| format!("{f}=1&{f}=2"))
                .collect::<Vec<_>>()
                .join("&"),
        ] {
            let res = app
                .client
                .post(format!("{}{path}", app.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.clone())
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let text = res.text().await.unwrap();
            assert!(status < 500, "{path} with {body:?}: {status} {text}");
        }
        let res = app
            .client
            .post(format!("{}{path}", app.base))
            .header("content-type", "application/json")
            .body("{\"siret\": [1, 2]}")
            .send()
            .await
            .unwrap();
        assert!(res.status().as_u16() < 500, "{path} json: {}", res.status());
    }
}

#[tokio::test]
async fn hostile_values_are_never_rendered_unescaped_in_pages() {
    let app = app().await;
    for value in corpus() {
        let escaped = url::form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>();
        for path in [
            format!("/inscription?siret={escaped}&adresse={escaped}"),
            format!("/inscription/confirmee?adresse={escaped}"),
            format!("/mot-de-passe/creer?jeton={escaped}"),
            format!("/connexion?x={escaped}"),
            format!("/{escaped}"),
        ] {
            let res = app
                .client
                .get(format!("{}{path}", app.base))
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let html = res.text().await.unwrap();
            assert!(status == 200 || status == 404, "{path}: {status}");
            assert!(
                !html.contains(SCRIPT) && !html.contains("<img src=x"),
                "{path}"
            );
            assert!(!html.contains("<svg onload"), "{path}");
        }
    }
}

#[tokio::test]
async fn budgets_per_ip_answer_429_in_french() {
    let app = support::spawn_app(support::settings(&[
        ("HUBPRO_RATE_ELIGIBILITY", "3"),
        ("HUBPRO_RATE_SIGNUP", "2"),
    ]))
    .await;
    for _ in 0..3 {
        let res = post(
            &app,
            "/api/verifier-siret",
            &[("siret", "47728084603753")],
            None,
        )
        .await;
        assert_eq!(res.status(), 200);
    }
    let res = post(
        &app,
        "/api/verifier-siret",
        &[("siret", "47728084603753")],
        None,
    )
    .await;
    assert_eq!(res.status(), 429);
    assert!(support::codes(&res.text().await.unwrap()).starts_with("too_many_requests:"));

    let form = [
        ("siret", "1"),
        ("organisation", "x"),
        ("last_name", "x"),
        ("first_name", "x"),
        ("email", "x"),
        ("email_confirmation", "x"),
    ];
    for _ in 0..2 {
        let res = post(&app, "/api/creer-compte", &form, None).await;
        assert_eq!(res.status(), 422);
    }
    let res = post(&app, "/api/creer-compte", &form, None).await;
    assert_eq!(res.status(), 429);
    let text = res.text().await.unwrap();
    assert!(
        support::codes(&text).starts_with("too_many_requests:"),
        "{text}"
    );
    let body: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["form"]["siret"], "1", "what was typed comes back");

    // Login: 20 free attempts per IP, then 429 with the wait.
    let mut last = 0;
    for i in 0..22 {
        let email = format!("inconnu{i}@example.fr");
        let res = post(
            &app,
            "/api/connexion",
            &[("email", email.as_str()), ("password", "x")],
            None,
        )
        .await;
        last = res.status().as_u16();
    }
    assert_eq!(last, 429);
}
