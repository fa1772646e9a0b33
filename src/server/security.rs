//! Cross-site request forgery guard: Leptos server functions have no token of their own, so every
//! state-changing request must come from our own pages (same origin).

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Decides from `Sec-Fetch-Site` (modern browsers) or else `Origin` whether a request may change
/// state. Requests with neither header (non-browser clients, old browsers) are allowed: a browser
/// that forges a cross-site request always sends one of them.
pub fn is_same_origin(
    method: &Method,
    sec_fetch_site: Option<&str>,
    origin: Option<&str>,
    host: Option<&str>,
) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if let Some(site) = sec_fetch_site {
        return matches!(site, "same-origin" | "none");
    }
    match (origin, host) {
        (Some("null"), _) => false,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .map(|(_, rest)| rest.trim_end_matches('/') == host)
            .unwrap_or(false),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

pub async fn reject_cross_site(request: Request<Body>, next: Next) -> Response {
    let headers = request.headers();
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if !is_same_origin(
        request.method(),
        get("sec-fetch-site"),
        get(header::ORIGIN.as_str()),
        get(header::HOST.as_str()),
    ) {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Requête refusée : elle ne provient pas de Hub Pro Transport.",
        )
            .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_origin_posts_pass() {
        let post = Method::POST;
        assert!(is_same_origin(&post, Some("same-origin"), None, None));
        assert!(!is_same_origin(&post, Some("cross-site"), None, None));
        assert!(!is_same_origin(&post, Some("same-site"), None, None));
        assert!(is_same_origin(
            &post,
            None,
            Some("http://127.0.0.1:3000"),
            Some("127.0.0.1:3000")
        ));
        assert!(!is_same_origin(
            &post,
            None,
            Some("https://evil.example"),
            Some("127.0.0.1:3000")
        ));
        assert!(!is_same_origin(
            &post,
            None,
            Some("null"),
            Some("127.0.0.1:3000")
        ));
        assert!(is_same_origin(&post, None, None, Some("127.0.0.1:3000")));
        assert!(is_same_origin(&Method::GET, Some("cross-site"), None, None));
    }
}
