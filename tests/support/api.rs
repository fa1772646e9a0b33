//! The server functions as the tests call them: a reply read whole (status, headers, body) with
//! its problem codes, the live SIRET check and its verdict, and the registry of every server
//! function the app serves. Tests assert statuses and codes, never the wording of a refusal.

use super::TestApp;
use hubpro::domain::FormProblem;
use reqwest::header::{HeaderMap, COOKIE, SET_COOKIE};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A server function's answer, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub async fn of(res: reqwest::Response) -> Reply {
        Reply {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            body: res.text().await.unwrap(),
        }
    }

    /// The codes of the problems it carries, one per line ([`super::codes`]).
    pub fn codes(&self) -> String {
        super::codes(&self.body)
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The refusal, typed as the page receives it (`F`: the form as typed, `()` for none).
    pub fn refusal<F: DeserializeOwned>(&self) -> FormProblem<F> {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not a refusal ({e}): {}", self.body))
    }

    /// Asserts a success (200).
    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert_eq!(self.status, 200, "{}", self.body);
        self
    }

    /// Asserts a refusal: this status and exactly these codes (the general problem's first, then
    /// the fields', one per line).
    #[track_caller]
    pub fn assert_refused(&self, status: u16, codes: &str) -> &Self {
        assert_eq!(
            (self.status, self.codes().as_str()),
            (status, codes),
            "{}",
            self.body
        );
        self
    }

    /// Asserts a 429 asking to wait: a problem of this kind (`too_many_requests`,
    /// `too_many_attempts`) with its seconds, and the same wait in `Retry-After`.
    #[track_caller]
    pub fn assert_waits(&self, kind: &str) -> &Self {
        assert_eq!(self.status, 429, "{}", self.body);
        let codes = self.codes();
        let seconds = codes
            .strip_prefix(kind)
            .and_then(|rest| rest.strip_prefix(':'))
            .unwrap_or_else(|| panic!("not {kind}: {}", self.body));
        assert_eq!(self.header("retry-after"), Some(seconds), "{}", self.body);
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// The `name=value` part of one of its `Set-Cookie`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(|v| v.split(';').next().unwrap().to_owned())
    }

    /// The live SIRET check it carries (it must be a 200).
    #[track_caller]
    pub fn checked(&self) -> Checked {
        self.assert_ok();
        Checked {
            answer: self.json(),
        }
    }
}

/// Calls a server function (a form post, as the no-JS browser or the hydrated page sends it)
/// with an optional cookie: the reply, whatever it is.
pub async fn call(app: &TestApp, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Reply {
    let mut req = app.client.post(format!("{}{path}", app.base)).form(form);
    if let Some(c) = cookie {
        req = req.header(COOKIE, c);
    }
    Reply::of(req.send().await.unwrap()).await
}

/// What the live SIRET check decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Eligible,
    /// Not eligible, not a SIRET, or not checkable now: its problem's code.
    Refused(String),
    /// The SIRET has an account already (the page offers to log in): its problem's code.
    Registered(String),
}

impl Verdict {
    pub fn refused(code: &str) -> Verdict {
        Verdict::Refused(code.to_owned())
    }

    pub fn registered(code: &str) -> Verdict {
        Verdict::Registered(code.to_owned())
    }
}

/// The live SIRET check's answer: the check, the status the page shows, the name it pre-fills.
#[derive(Debug)]
pub struct Checked {
    pub answer: Value,
}

impl Checked {
    /// What the check decided, read from what travels (`{"Refused": {"code", "message"}}`…).
    pub fn verdict(&self) -> Verdict {
        let check = &self.answer["check"];
        let code = |kind: &str| {
            check[kind]["code"]
                .as_str()
                .unwrap_or_else(|| panic!("no code: {check}"))
                .to_owned()
        };
        match check
            .as_object()
            .and_then(|o| o.keys().next())
            .map(String::as_str)
        {
            Some("Eligible") => Verdict::Eligible,
            Some("Refused") => Verdict::Refused(code("Refused")),
            Some("Registered") => Verdict::Registered(code("Registered")),
            _ => panic!("not a check: {}", self.answer),
        }
    }

    /// What an eligible check says of the establishment and its approvals.
    #[track_caller]
    pub fn eligible(&self) -> &Value {
        let eligible = &self.answer["check"]["Eligible"];
        assert!(eligible.is_object(), "not eligible: {}", self.answer);
        eligible
    }

    /// The message of a refused or registered check, as the page would show it.
    pub fn message(&self) -> &str {
        let check = &self.answer["check"];
        ["Refused", "Registered"]
            .iter()
            .find_map(|kind| check[kind]["message"].as_str())
            .unwrap_or_else(|| panic!("no message: {check}"))
    }

    /// The status the page shows, drawn on the server (markup).
    pub fn shown(&self) -> &str {
        self.answer["status"].as_str().unwrap()
    }

    /// The organisation name the page pre-fills.
    pub fn organisation(&self) -> Option<&str> {
        self.answer["organisation"].as_str()
    }
}

/// Checks a SIRET as the signup page does, with the app's client: the answer (a 200).
pub async fn check_siret(app: &TestApp, siret: &str) -> Checked {
    check_siret_via(&app.base, &app.client, siret, None)
        .await
        .checked()
}

/// Checks a SIRET from any client, through any front (`base`: the app or a proxy before it),
/// with an optional `X-Forwarded-For`: the reply as it is (a spent budget answers 429).
pub async fn check_siret_via(
    base: &str,
    client: &reqwest::Client,
    siret: &str,
    forwarded_for: Option<&str>,
) -> Reply {
    let mut req = client
        .post(format!("{base}/api/verifier-siret"))
        .form(&[("siret", siret)]);
    if let Some(xff) = forwarded_for {
        req = req.header("x-forwarded-for", xff);
    }
    Reply::of(req.send().await.unwrap()).await
}

/// Every server function the app registers under `/api`, with its method, sorted: read from
/// Leptos' registry, so that a new one is listed the moment it exists.
pub fn server_functions() -> Vec<(String, reqwest::Method)> {
    let mut all: Vec<(String, reqwest::Method)> = leptos::server_fn::axum::server_fn_paths()
        .filter(|(path, _)| path.starts_with("/api/"))
        .map(|(path, method)| {
            (
                path.to_owned(),
                reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap(),
            )
        })
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}
