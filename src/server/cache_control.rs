//! `Cache-Control` of every response. What belongs to one person (the administrator's space,
//! password and link pages, `/api` answers, anything setting a cookie) is never stored by a
//! browser or a proxy; the rest is revalidated on each use, since the static files' names do not
//! change with their content.

use crate::routes;
use axum::body::Body;
use axum::http::{header, HeaderValue, Request};
use axum::middleware::Next;
use axum::response::Response;

/// Paths (and everything under them) whose answers are private.
const PRIVATE: [&str; 9] = [
    routes::NOT_US,
    routes::API,
    routes::SPACE,
    routes::PASSWORD_PAGES,
    routes::FORGOT_PASSWORD,
    routes::LOGIN,
    routes::DEV,
    routes::METRICS,
    routes::HEALTH,
];

pub fn policy(path: &str, sets_cookie: bool) -> &'static str {
    let private = PRIVATE.iter().any(|p| {
        path == *p
            || path
                .strip_prefix(p)
                .is_some_and(|rest| rest.starts_with('/'))
    });
    if private || sets_cookie {
        "no-store"
    } else {
        "no-cache"
    }
}

pub async fn cache_control(request: Request<Body>, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let sets_cookie = response.headers().contains_key(header::SET_COOKIE);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(policy(&path, sets_cookie)),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::policy;

    #[test]
    fn private_pages_are_never_stored() {
        for path in [
            "/api/connexion",
            "/espace",
            "/mot-de-passe/creer",
            "/mot-de-passe/nouveau",
            "/mot-de-passe-oublie",
            "/dev/boite-mail/3",
        ] {
            assert_eq!(policy(path, false), "no-store", "{path}");
        }
        assert_eq!(policy("/inscription", true), "no-store");
        assert_eq!(policy("/inscription", false), "no-cache");
        assert_eq!(policy("/pkg/hubpro.wasm", false), "no-cache");
        assert_eq!(policy("/espacement", false), "no-cache");
    }
}
