//! Hostile input through every server function and form: over-long values, control and
//! zero-width characters, markup, SQL-looking strings, wrong or missing fields. Always a clear
//! answer, never a 500, nothing stored or rendered unescaped.

mod support;

use leptos::server_fn::ServerFn;
use reqwest::header::COOKIE;
use reqwest::Method;
use support::api::Reply;
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
    support::app_with(&[
        ("HUBPRO_RATE_ELIGIBILITY", "100000"),
        ("HUBPRO_RATE_SIGNUP", "100000"),
    ])
    .await
}

/// What a server function needs before it looks at its arguments.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Needs {
    Nothing,
    /// A logged-in session.
    Session,
    /// An open password flow.
    Flow,
}

/// The path of a server function, named by its type.
fn path<S: ServerFn>() -> &'static str {
    S::PATH
}

/// What each server function takes (its form's fields) and needs to reach its code. Which
/// server functions there are comes from the registry ([`endpoints`]): one missing here fails
/// [`every_registered_server_function_is_described`].
fn described() -> Vec<(&'static str, &'static [&'static str], Needs)> {
    use hubpro::app::{
        closure, establishments, handover, login, not_us, passkeys, password, second_factor,
        signup, space,
    };
    vec![
        (path::<signup::CheckSiret>(), &["siret"], Needs::Nothing),
        (
            path::<signup::CreateAccount>(),
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
        (
            path::<login::Login>(),
            &["email", "password"],
            Needs::Nothing,
        ),
        (path::<login::RequestReset>(), &["email"], Needs::Nothing),
        (path::<password::LinkIsValid>(), &["token"], Needs::Nothing),
        (path::<password::OpenFlow>(), &["token"], Needs::Nothing),
        // No argument: it reads the flow cookie.
        (path::<password::FlowStatus>(), &[], Needs::Flow),
        (
            path::<password::SetPassword>(),
            &["password", "confirmation"],
            Needs::Flow,
        ),
        (
            path::<not_us::NotUsLinkIsValid>(),
            &["token"],
            Needs::Nothing,
        ),
        (path::<not_us::ConfirmNotUs>(), &["token"], Needs::Nothing),
        (
            path::<establishments::AttachEstablishment>(),
            &["siret", "contact_email"],
            Needs::Session,
        ),
        (
            path::<establishments::DetachEstablishment>(),
            &["siret"],
            Needs::Session,
        ),
        // No argument: the attach island reads the list again with the session.
        (
            path::<establishments::AttachedEstablishments>(),
            &[],
            Needs::Session,
        ),
        // No argument: the space reads the session.
        (path::<space::MySpace>(), &[], Needs::Session),
        // No argument: hostile values cannot reach it; without a session it only clears the cookie.
        (path::<space::Logout>(), &[], Needs::Nothing),
        (path::<space::EndSession>(), &["handle"], Needs::Session),
        (path::<space::EndOtherSessions>(), &[], Needs::Session),
        (
            path::<space::ConfirmPassword>(),
            &["password", "code", "from"],
            Needs::Session,
        ),
        // Without a password step's cookie, refused before the code is read; with one, the
        // code is parsed (`tests/second_factor.rs` sends it malformed codes).
        (path::<login::LoginCode>(), &["code"], Needs::Nothing),
        (path::<second_factor::StartApp>(), &[], Needs::Session),
        (
            path::<second_factor::ConfirmApp>(),
            &["code"],
            Needs::Session,
        ),
        (path::<second_factor::RemoveApp>(), &[], Needs::Session),
        (path::<second_factor::RenewCodes>(), &[], Needs::Session),
        (path::<second_factor::AppSetup>(), &[], Needs::Session),
        (path::<second_factor::UnseenCodes>(), &[], Needs::Session),
        (path::<passkeys::StartPasskey>(), &[], Needs::Session),
        // No argument: it reads the login step's cookie.
        (path::<passkeys::StepHasPasskey>(), &[], Needs::Nothing),
        (
            path::<passkeys::SavePasskey>(),
            &["ceremony", "name", "credential"],
            Needs::Session,
        ),
        (path::<passkeys::RemovePasskey>(), &["id"], Needs::Session),
        // The one-step sign-in needs nothing; the others refuse without their cookie.
        (
            path::<passkeys::PasskeyRequest>(),
            &["purpose"],
            Needs::Nothing,
        ),
        (
            path::<passkeys::UsePasskey>(),
            &["purpose", "ceremony", "credential"],
            Needs::Nothing,
        ),
        (path::<handover::HandoverStatus>(), &[], Needs::Session),
        (
            path::<handover::StartHandover>(),
            &["last_name", "first_name", "email", "email_confirmation"],
            Needs::Session,
        ),
        // No argument: hostile values cannot reach it; with a session it would cancel nothing.
        (path::<handover::CancelHandover>(), &[], Needs::Nothing),
        (path::<handover::LostAddress>(), &["siret"], Needs::Nothing),
        (
            path::<handover::DesignationLinkIsValid>(),
            &["token"],
            Needs::Nothing,
        ),
        (
            path::<handover::Designate>(),
            &[
                "token",
                "last_name",
                "first_name",
                "email",
                "email_confirmation",
            ],
            Needs::Nothing,
        ),
        (path::<closure::ClosureStatus>(), &[], Needs::Session),
        // No argument: hostile values cannot reach it; with a session it would close the
        // account the other calls need.
        (path::<closure::CloseAccount>(), &[], Needs::Nothing),
    ]
}

/// A server function the app serves, as the hostile tests call it.
struct Endpoint {
    path: String,
    method: Method,
    fields: &'static [&'static str],
    needs: Needs,
}

/// Every server function the app registers (Leptos' registry), each with its description.
fn endpoints() -> Vec<Endpoint> {
    let described = described();
    let endpoints: Vec<Endpoint> = support::api::server_functions()
        .into_iter()
        .map(|(path, method)| {
            let (_, fields, needs) =
                described
                    .iter()
                    .find(|(p, ..)| *p == path)
                    .unwrap_or_else(|| {
                        panic!("{path}: registered, but not described to the hostile tests")
                    });
            Endpoint {
                path,
                method,
                fields,
                needs: *needs,
            }
        })
        .collect();
    assert!(!endpoints.is_empty(), "no server function registered");
    endpoints
}

/// Sends `form` to a server function the way its method says (a form body, or the query).
fn request(app: &TestApp, endpoint: &Endpoint, form: &[(&str, &str)]) -> reqwest::RequestBuilder {
    let req = app.client.request(
        endpoint.method.clone(),
        format!("{}{}", app.base, endpoint.path),
    );
    if endpoint.method == Method::GET {
        req.query(form)
    } else {
        req.form(form)
    }
}

#[test]
fn every_registered_server_function_is_described() {
    let registered: Vec<String> = support::api::server_functions()
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    let mut described: Vec<String> = described()
        .into_iter()
        .map(|(path, ..)| path.to_owned())
        .collect();
    described.sort();
    assert_eq!(
        registered, described,
        "the server functions registered under /api and those the hostile tests describe"
    );
}

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
    let endpoints = endpoints();
    for value in corpus() {
        for endpoint in &endpoints {
            let path = endpoint.path.as_str();
            // A confirmation that differs keeps the flow open when a value happens to be a valid
            // password (the SQL-looking one is): every value is still judged.
            let differing = format!("{value}~");
            let form: Vec<(&str, &str)> = endpoint
                .fields
                .iter()
                .map(|f| match *f {
                    "confirmation" => (*f, differing.as_str()),
                    _ => (*f, value.as_str()),
                })
                .collect();
            let cookie = match endpoint.needs {
                Needs::Nothing => None,
                Needs::Session => Some(session.as_str()),
                Needs::Flow => Some(flow.as_str()),
            };
            let mut req = request(&app, endpoint, &form);
            if let Some(c) = cookie {
                req = req.header(COOKIE, c);
            }
            let res = Reply::of(req.send().await.unwrap()).await;
            let content_type = res.header("content-type").unwrap_or_default();
            assert_clear(path, &value, res.status, content_type, &res.body);
            // Past the session or flow check: the values themselves were judged.
            if endpoint.needs != Needs::Nothing && res.status != 200 {
                let codes = res.codes();
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
    for endpoint in endpoints() {
        let path = endpoint.path.as_str();
        // What the server function answers to a well-formed call without a cookie: a garbage body
        // changes nothing for one that takes no argument.
        let clean = Reply::of(request(&app, &endpoint, &[]).send().await.unwrap()).await;
        let duplicated = endpoint
            .fields
            .iter()
            .map(|f| format!("{f}=1&{f}=2"))
            .collect::<Vec<_>>()
            .join("&");
        for (content_type, body) in [
            ("application/x-www-form-urlencoded", String::new()),
            ("application/x-www-form-urlencoded", "garbage=%ZZ&&&".into()),
            ("application/x-www-form-urlencoded", "siret=%FF%FE".into()),
            ("application/x-www-form-urlencoded", duplicated),
            ("application/json", "{\"siret\": [1, 2]}".into()),
        ] {
            let res = app
                .client
                .request(endpoint.method.clone(), format!("{}{path}", app.base))
                .header("content-type", content_type)
                .body(body.clone())
                .send()
                .await
                .unwrap();
            let res = Reply::of(res).await;
            if endpoint.fields == ["siret"] && body == "siret=%FF%FE" {
                // All its arguments, bytes that are not UTF-8 read as U+FFFD: judged as typed.
                let typed = request(&app, &endpoint, &[("siret", "\u{FFFD}\u{FFFD}")]);
                let typed = Reply::of(typed.send().await.unwrap()).await;
                assert_eq!(
                    (res.status, &res.body),
                    (typed.status, &typed.body),
                    "{path} with {body:?}"
                );
            } else if endpoint.fields.is_empty() && content_type != "application/json" {
                assert_eq!(
                    (res.status, &res.body),
                    (clean.status, &clean.body),
                    "{path} with {body:?}"
                );
            } else {
                // Server functions take forms: a JSON body is as malformed as a missing field.
                assert_eq!(res.status, 400, "{path} with {body:?}: {}", res.body);
                assert_eq!(res.codes(), "request.malformed", "{path} with {body:?}");
            }
        }
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
    let app = support::app_with(&[
        ("HUBPRO_RATE_ELIGIBILITY", "3"),
        ("HUBPRO_RATE_SIGNUP", "2"),
    ])
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
    Reply::of(res).await.assert_waits("too_many_requests");

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
    let res = Reply::of(post(&app, "/api/creer-compte", &form, None).await).await;
    res.assert_waits("too_many_requests");
    assert_eq!(
        res.json()["form"]["siret"],
        "1",
        "what was typed comes back"
    );

    // Login: 20 free attempts per IP, then 429 with the wait.
    let mut last = None;
    for i in 0..22 {
        let email = format!("inconnu{i}@example.fr");
        let res = post(
            &app,
            "/api/connexion",
            &[("email", email.as_str()), ("password", "x")],
            None,
        )
        .await;
        last = Some(Reply::of(res).await);
    }
    last.unwrap().assert_waits("too_many_attempts");
}
