//! The app's cookies, built and read with the `cookie` crate: the session (after login), the
//! password flow (between « Cliquer ici pour continuer » and « Valider ») and the device cookie
//! of a browser that logged in. All are `HttpOnly`; over https they are `Secure` and their names
//! take the `__Host-` prefix, so no sub-domain or plain-http page can set them.

use crate::server::accounts::auth::SECOND_STEP_TTL;
use crate::server::accounts::sessions::LIFETIMES;
use crate::server::accounts::tokens::PASSWORD_FLOW_TTL;
use crate::server::store::DEVICE_LIFETIME;
use axum::http::{header, HeaderMap};
use cookie::{time::Duration, Cookie, SameSite};

/// Which cookie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A logged-in session. `Lax`: following a link from an email keeps the user logged in.
    Session,
    /// An open password flow. `Strict`: only our own pages send it.
    PasswordFlow,
    /// A browser that logged into an account (OWASP device cookie): its logins are judged by
    /// its own failures. `Strict`, long-lived.
    Device,
    /// A login between its password and its second factor. `Strict`, a few minutes.
    LoginStep,
}

impl Kind {
    pub fn name(self, https: bool) -> &'static str {
        match (self, https) {
            (Kind::Session, true) => "__Host-hubpro_session",
            (Kind::Session, false) => "hubpro_session",
            (Kind::PasswordFlow, true) => "__Host-hubpro_flow",
            (Kind::PasswordFlow, false) => "hubpro_flow",
            (Kind::Device, true) => "__Host-hubpro_device",
            (Kind::Device, false) => "hubpro_device",
            (Kind::LoginStep, true) => "__Host-hubpro_login_step",
            (Kind::LoginStep, false) => "hubpro_login_step",
        }
    }

    fn max_age(self) -> Duration {
        match self {
            Kind::Session => LIFETIMES.absolute,
            Kind::PasswordFlow => PASSWORD_FLOW_TTL,
            Kind::Device => DEVICE_LIFETIME,
            Kind::LoginStep => SECOND_STEP_TTL,
        }
    }

    fn same_site(self) -> SameSite {
        match self {
            Kind::Session => SameSite::Lax,
            Kind::PasswordFlow | Kind::Device | Kind::LoginStep => SameSite::Strict,
        }
    }
}

/// The `Set-Cookie` value that stores `value`.
pub fn set(kind: Kind, value: &str, https: bool) -> String {
    build(kind, value.to_owned(), kind.max_age(), https)
}

/// The `Set-Cookie` value that removes the cookie.
pub fn clear(kind: Kind, https: bool) -> String {
    build(kind, String::new(), Duration::ZERO, https)
}

fn build(kind: Kind, value: String, max_age: Duration, https: bool) -> String {
    Cookie::build((kind.name(https), value))
        .path("/")
        .http_only(true)
        .secure(https)
        .same_site(kind.same_site())
        .max_age(max_age)
        .build()
        .to_string()
}

/// The cookie's value in a request's `Cookie` headers.
pub fn read(headers: &HeaderMap, kind: Kind, https: bool) -> Option<String> {
    let name = kind.name(https);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn cookies_are_http_only_and_host_prefixed_over_https() {
        let session = set(Kind::Session, "abc", true);
        for part in [
            "__Host-hubpro_session=abc",
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Path=/",
            &format!("Max-Age={}", LIFETIMES.absolute.whole_seconds()),
        ] {
            assert!(session.contains(part), "{session} lacks {part}");
        }
        assert!(!set(Kind::Session, "abc", false).contains("Secure"));
        for kind in [Kind::PasswordFlow, Kind::Device, Kind::LoginStep] {
            let over_https = set(kind, "v", true);
            assert!(over_https.starts_with("__Host-"), "{over_https}");
            assert!(over_https.contains("Secure") && over_https.contains("HttpOnly"));
        }
        assert!(set(Kind::Device, "d", false)
            .contains(&format!("Max-Age={}", DEVICE_LIFETIME.whole_seconds())));
        assert!(set(Kind::PasswordFlow, "f", false).contains("SameSite=Strict"));
        assert!(clear(Kind::PasswordFlow, false).contains("Max-Age=0"));
    }

    #[test]
    fn reads_the_named_cookie_only() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; hubpro_session=xyz; b=2"),
        );
        assert_eq!(read(&headers, Kind::Session, false).as_deref(), Some("xyz"));
        assert_eq!(read(&headers, Kind::Session, true), None);
        assert_eq!(read(&headers, Kind::PasswordFlow, false), None);
    }
}
