//! `Cache-Control` of every response. What belongs to one person (the administrator's space,
//! password and link pages, `/api` answers, anything setting a cookie) is never stored by a
//! browser or a proxy; front-end files with hashed names are kept for a year (a new build gives
//! new names); the rest is revalidated on each use.

use crate::routes;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Whether the answer at `path` is private: a private page, or under a private path.
fn private(path: &str) -> bool {
    routes::PAGES
        .iter()
        .filter(|p| p.private)
        .map(|p| p.path)
        .chain(routes::PRIVATE_PATHS)
        .any(|p| under(path, p))
}

const FOR_A_YEAR: &str = "public, max-age=31536000, immutable";

fn under(path: &str, prefix: &str) -> bool {
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[derive(Debug, Clone)]
pub struct Policy {
    /// `/pkg` when its files have hashed names, else `None`.
    immutable: Option<String>,
}

impl Policy {
    pub fn new(options: &LeptosOptions) -> Self {
        Self {
            immutable: options
                .hash_files
                .then(|| crate::server::http::assets::package_path(options)),
        }
    }

    pub fn of(&self, path: &str, status: StatusCode, sets_cookie: bool) -> &'static str {
        if private(path) || sets_cookie {
            "no-store"
        } else if status == StatusCode::OK
            && self.immutable.as_deref().is_some_and(|p| under(path, p))
        {
            FOR_A_YEAR
        } else {
            "no-cache"
        }
    }
}

pub async fn cache_control(
    State(policy): State<Arc<Policy>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let sets_cookie = response.headers().contains_key(header::SET_COOKIE);
    let value = policy.of(&path, response.status(), sets_cookie);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(path: &str, sets_cookie: bool) -> &'static str {
        let hashed = LeptosOptions::builder()
            .output_name("hubpro")
            .hash_files(true)
            .build();
        Policy::new(&hashed).of(path, StatusCode::OK, sets_cookie)
    }

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
        assert_eq!(policy("/espacement", false), "no-cache");
        assert_eq!(policy("/mot-de-passe/inconnu", false), "no-store");
    }

    #[test]
    fn hashed_files_are_kept_for_a_year_and_nothing_else() {
        assert_eq!(policy("/pkg/hubpro.Xy_9.wasm", false), FOR_A_YEAR);
        assert_eq!(policy("/pkgs/hubpro.wasm", false), "no-cache");
        assert_eq!(policy("/favicon.svg", false), "no-cache");
        let hashed = Policy::new(
            &LeptosOptions::builder()
                .output_name("hubpro")
                .hash_files(true)
                .build(),
        );
        let missing = hashed.of("/pkg/hubpro.old.wasm", StatusCode::NOT_FOUND, false);
        assert_eq!(missing, "no-cache", "a 404 is not kept");
        let plain = Policy::new(&LeptosOptions::builder().output_name("hubpro").build());
        let unhashed = plain.of("/pkg/hubpro.wasm", StatusCode::OK, false);
        assert_eq!(unhashed, "no-cache", "plain names change content");
    }
}
