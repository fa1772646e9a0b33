//! One virtual centre's journey, from the approval notice's link to its space. Each step is
//! recorded as a named Goose request timed to the end of its answer (Goose's own HTTP timing
//! stops at the headers, before a streamed page's slow part), a redirect's page included.

use crate::{bench, Centre};
use base64::Engine;
use goose::prelude::*;
use reqwest::header::{ACCEPT, LOCATION, ORIGIN, REFERER, RETRY_AFTER};
use reqwest::RequestBuilder;
use std::time::{Duration, Instant};

pub const PASSWORD: &str = "Vélo-Cargo sur le Pont Neuf!";

/// How long a person waits before asking again when INSEE cannot answer yet.
const RETRY_LATER: Duration = Duration::from_secs(5);

/// An answer read to its end.
pub struct Answer {
    pub status: u16,
    pub location: String,
    retry_after: Option<u64>,
    pub body: String,
    pub took: Duration,
}

pub async fn send(request: RequestBuilder) -> Result<Answer, Box<TransactionError>> {
    let started = Instant::now();
    let res = request.send().await.map_err(|e| e.to_string())?;
    let header = |name: reqwest::header::HeaderName| {
        let value = res.headers().get(name)?.to_str().ok()?;
        Some(value.to_owned())
    };
    let (location, retry_after) = (header(LOCATION), header(RETRY_AFTER));
    let status = res.status().as_u16();
    let body = res.text().await.map_err(|e| e.to_string())?;
    Ok(Answer {
        status,
        location: location.unwrap_or_default(),
        retry_after: retry_after.and_then(|s| s.parse().ok()),
        body,
        took: started.elapsed(),
    })
}

/// Records step `name` as a Goose request; a problem fails it, and the transaction with it.
pub async fn record(
    user: &mut GooseUser,
    method: &str,
    name: &str,
    took: Duration,
    status: u16,
    problem: Option<String>,
) -> TransactionResult {
    let error = problem.as_ref().map(|p| format!("{name}: {p}"));
    user.record_custom_request_duration(
        method,
        name,
        took,
        error.is_none(),
        Some(status),
        error.as_deref(),
    )
    .await?;
    match error {
        None => Ok(()),
        Some(e) => Err(e.into()),
    }
}

/// Records a wait the app asked for (its back-pressure, or INSEE's quota), under `name`.
async fn waited(user: &mut GooseUser, name: &str, wait: Duration) -> TransactionResult {
    tokio::time::sleep(wait).await;
    user.record_custom_request_duration("WAIT", name, wait, true, None, None)
        .await
}

/// A form posted from page `from` as a current browser without JavaScript does. A page with
/// a secret in its address (`None`) asks for no referrer: the browser then sends `Origin: null`.
/// (Without a `Referer`, a refusal comes back as a bare redirect to `/`, its reason lost.)
fn form(
    user: &GooseUser,
    from: Option<&str>,
    path: &str,
    fields: &[(&str, &str)],
) -> Result<RequestBuilder, Box<TransactionError>> {
    let host = &bench().settings.host;
    let post = user
        .get_request_builder(&GooseMethod::Post, path)?
        .header("sec-fetch-site", "same-origin")
        .header(ACCEPT, "text/html")
        .form(fields);
    Ok(match from {
        Some(page) => post
            .header(ORIGIN, host)
            .header(REFERER, format!("{host}{page}")),
        None => post.header(ORIGIN, "null"),
    })
}

/// The code of a refusal the app redirected a form back with (`__err`, base64 JSON).
fn refusal(location: &str) -> Option<String> {
    let url = reqwest::Url::parse("http://x").ok()?.join(location).ok()?;
    let (_, err) = url.query_pairs().find(|(k, _)| k == "__err")?;
    let json = base64::engine::general_purpose::URL_SAFE.decode(err.as_bytes());
    let value: serde_json::Value = serde_json::from_slice(&json.ok()?).ok()?;
    Some(match value["general"]["code"].as_str() {
        Some(code) => code.to_owned(),
        None => value["fields"].to_string(),
    })
}

/// Seconds to wait when a refusal asks to (`too_many_requests:5`…): the app's back-pressure.
fn asks_to_wait(code: &str) -> Option<u64> {
    let (kind, seconds) = code.split_once(':')?;
    kind.starts_with("too_many_")
        .then(|| seconds.parse().ok())?
}

/// Submits a form from page `from` without JavaScript: the answer redirects to `expected` when
/// it went through (whose page is then read, unless `follow` is false), back to the form with
/// its refusal otherwise. A refusal that asks to wait is waited out and the form sent again.
/// Returns the last answer (the page's when followed) and when the post itself was answered.
pub async fn submit(
    user: &mut GooseUser,
    name: &str,
    from: Option<&str>,
    path: &str,
    fields: &[(&str, &str)],
    expected: &str,
    follow: bool,
) -> Result<(Answer, Instant), Box<TransactionError>> {
    loop {
        let post = send(form(user, from, path, fields)?).await?;
        let answered = Instant::now();
        let code = refusal(&post.location);
        if let Some(seconds) = code.as_deref().and_then(asks_to_wait) {
            let label = format!("{name}: attente demandée");
            waited(user, &label, Duration::from_secs(seconds.max(1))).await?;
            continue;
        }
        let location_path = post.location.split('?').next().unwrap_or_default();
        let problem = match (&code, post.status) {
            (Some(code), _) => Some(format!("refused: {code}")),
            (None, 302 | 303) if location_path == expected => None,
            (None, status) => Some(format!("{status}, location {location_path:?}")),
        };
        if problem.is_some() || !follow {
            record(user, "POST", name, post.took, post.status, problem).await?;
            return Ok((post, answered));
        }
        let page = send(user.get_request_builder(&GooseMethod::Get, &post.location)?).await?;
        let problem = (page.status != 200).then(|| format!("page {expected}: {}", page.status));
        let took = post.took + page.took;
        record(user, "POST", name, took, page.status, problem).await?;
        return Ok((page, answered));
    }
}

/// The user's browser from now on: the cookies of `jar`, and `client_address` in
/// `X-Forwarded-For` (nginx appends the address it sees; the app, trusting nginx, takes the one
/// before).
pub async fn new_browser(
    user: &mut GooseUser,
    jar: std::sync::Arc<reqwest::cookie::Jar>,
    client_address: &str,
) -> TransactionResult {
    let mut headers = reqwest::header::HeaderMap::new();
    let address = client_address.parse().map_err(|_| "bad client address")?;
    headers.insert("x-forwarded-for", address);
    let builder = reqwest::Client::builder()
        .user_agent("Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0")
        .default_headers(headers)
        .cookie_provider(jar)
        .gzip(true)
        // Redirects are read step by step: they tell whether a form went through.
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60));
    user.set_client_builder(builder).await?;
    Ok(())
}

/// The whole journey of one new centre; it counts once it saw its space.
pub async fn centre_journey(user: &mut GooseUser) -> TransactionResult {
    let bench = bench();
    if bench.time_left().is_zero() {
        // The run is ending: no journey starts that could not finish.
        tokio::time::sleep(Duration::from_millis(200)).await;
        return Ok(());
    }
    let centre = bench.new_centre().ok_or("no approved bench SIRET left")?;
    let started = Instant::now();
    new_browser(user, centre.jar.clone(), &centre.client_address).await?;

    // 1. The approval notice's link: the form pre-filled, its SIRET checked with INSEE.
    let path = format!("/inscription?siret={}", centre.siret);
    let page = send(user.get_request_builder(&GooseMethod::Get, &path)?).await?;
    let problem = (page.status != 200).then(|| format!("status {}", page.status));
    let name = "1 /inscription?siret= (lien de l'avis)";
    record(user, "GET", name, page.took, page.status, problem).await?;

    // 2. The live SIRET check (the island's call); INSEE's quota may make it wait.
    if !eligible(user, &centre).await? {
        bench.gave_up();
        return Ok(());
    }

    // 3. « CRÉER »: the answer redirects to the page asking to check the mailbox.
    let fields = [
        ("siret", centre.siret.as_str()),
        ("organisation", centre.organisation.as_str()),
        ("last_name", "Dupont"),
        ("first_name", "Claire"),
        ("email", centre.email.as_str()),
        ("email_confirmation", centre.email.as_str()),
    ];
    let name = "3 /api/creer-compte (« CRÉER ») → page";
    let done = "/inscription/confirmee";
    let created = submit(
        user,
        name,
        Some(&path),
        "/api/creer-compte",
        &fields,
        done,
        true,
    );
    let (_, created) = created.await?;

    // 4. The email « Créer mon mot de passe », from the moment « CRÉER » was answered.
    let name = "4 e-mail « Créer mon mot de passe » (après « CRÉER »)";
    let marker = "mot-de-passe/creer?jeton=";
    let wait = Duration::from_secs(60);
    let mail = bench
        .sink
        .wait_for(&centre.email, |m| m.text.contains(marker), wait)
        .await;
    let Some(mail) = mail else {
        let problem = Some("no email in 60 s".to_owned());
        return record(user, "SMTP", name, wait, 0, problem).await;
    };
    let took = mail.at.saturating_duration_since(created);
    record(user, "SMTP", name, took, 250, None).await?;
    let start = mail.text.find(marker).unwrap() + marker.len();
    let token: String = mail.text[start..].chars().take(64).collect();

    // 5. The link's page, then « Cliquer ici pour continuer ».
    let path = format!("/mot-de-passe/creer?jeton={token}");
    let page = send(user.get_request_builder(&GooseMethod::Get, &path)?).await?;
    let problem = match (
        page.status,
        page.body.contains("Cliquer ici pour continuer"),
    ) {
        (200, true) => None,
        (status, _) => Some(format!(
            "status {status}, no « Cliquer ici pour continuer »"
        )),
    };
    let name = "5a /mot-de-passe/creer?jeton= (lien de l'e-mail)";
    record(user, "GET", name, page.took, page.status, problem).await?;
    let name = "5b /api/continuer (« Cliquer ici pour continuer ») → page";
    let fields = [("token", token.as_str())];
    let form_page = "/mot-de-passe/nouveau";
    submit(user, name, None, "/api/continuer", &fields, form_page, true).await?;

    // 6. The password.
    let name = "6 /api/valider-mot-de-passe → page";
    let fields = [("password", PASSWORD), ("confirmation", PASSWORD)];
    let saved = "/mot-de-passe/enregistre";
    submit(
        user,
        name,
        Some("/mot-de-passe/nouveau"),
        "/api/valider-mot-de-passe",
        &fields,
        saved,
        true,
    )
    .await?;

    // 7. The login (the browser is new to the account: its first login).
    login(user, "7 /api/connexion", &centre).await?;

    // 8. The space, with the session cookie: it names the centre.
    let page = send(user.get_request_builder(&GooseMethod::Get, "/espace")?).await?;
    let problem = match (page.status, page.body.contains(&centre.organisation)) {
        (200, true) => None,
        (status, _) => Some(format!("status {status}, the centre is not named")),
    };
    record(user, "GET", "8 /espace", page.took, page.status, problem).await?;
    let name = "9 parcours complet, 1 → 8 (attentes comprises)";
    record(user, "ALL", name, started.elapsed(), 200, None).await?;
    bench.completed(centre);
    Ok(())
}

/// Step 2 until the SIRET is eligible, waiting as a person would when INSEE cannot answer yet
/// (the app's INSEE budget is spent) or the app asks to; false when the run ended first.
async fn eligible(user: &mut GooseUser, centre: &Centre) -> Result<bool, Box<TransactionError>> {
    let name = "2 /api/verifier-siret";
    let wait_name = "2 attente: INSEE pas encore interrogeable (quota)";
    let mut waited_for = Duration::ZERO;
    loop {
        let check = user
            .get_request_builder(&GooseMethod::Post, "/api/verifier-siret")?
            .header(ORIGIN, &bench().settings.host)
            .header(ACCEPT, "application/json")
            .form(&[("siret", centre.siret.as_str())]);
        let answer = send(check).await?;
        let wait = match answer.status {
            200 if answer.body.contains("\"Eligible\"") => {
                record(user, "POST", name, answer.took, 200, None).await?;
                if !waited_for.is_zero() {
                    user.record_custom_request_duration(
                        "WAIT", wait_name, waited_for, true, None, None,
                    )
                    .await?;
                }
                return Ok(true);
            }
            200 if answer.body.contains("directory.unavailable") => RETRY_LATER,
            429 => Duration::from_secs(answer.retry_after.unwrap_or(5).max(1)),
            status => {
                let body: String = answer.body.chars().take(200).collect();
                let problem = Some(format!("status {status}: {body}"));
                // Fails the step, and the journey.
                return record(user, "POST", name, answer.took, status, problem)
                    .await
                    .map(|()| false);
            }
        };
        // No retry after the run's end: it would count a journey the run did not admit.
        let left = bench().time_left();
        if wait >= left {
            tokio::time::sleep(left).await;
            return Ok(false);
        }
        tokio::time::sleep(wait).await;
        waited_for += answer.took + wait;
    }
}

/// « Se connecter » from the login page, with the centre's address and password.
pub async fn login(user: &mut GooseUser, name: &str, centre: &Centre) -> TransactionResult {
    let fields = [("email", centre.email.as_str()), ("password", PASSWORD)];
    submit(
        user,
        name,
        Some("/connexion"),
        "/api/connexion",
        &fields,
        "/espace",
        false,
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_read_from_the_redirect() {
        let err = base64::engine::general_purpose::URL_SAFE
            .encode(r#"{"form":"a@b.fr","fields":[],"general":{"code":"too_many_requests:5"}}"#);
        let location = format!("/connexion?__path=%2Fapi%2Fconnexion&__err={err}");
        let code = refusal(&location).unwrap();
        assert_eq!(code, "too_many_requests:5");
        assert_eq!(asks_to_wait(&code), Some(5));
        assert_eq!(asks_to_wait("login.bad_credentials"), None);
        assert_eq!(refusal("/espace"), None);
    }
}
