//! Browser-side protections: the cross-site request forgery guard (Leptos server functions have
//! no token of their own, so every state-changing request must come from our own pages) and the
//! security headers of every response, with a per-response nonce in the pages' policy.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Decides from `Sec-Fetch-Site` (modern browsers) or else `Origin` whether a request may change
/// state. `Origin` may be the public URL's (behind a proxy that rewrites `Host`, such as nginx's
/// `$host`, which drops the port) or match `Host`. Requests with neither header (non-browser
/// clients, old browsers) are allowed: a browser that forges a cross-site request always sends
/// one of them.
pub fn is_same_origin(
    method: &Method,
    sec_fetch_site: Option<&str>,
    origin: Option<&str>,
    host: Option<&str>,
    public_origin: &str,
) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if let Some(site) = sec_fetch_site {
        return matches!(site, "same-origin" | "none");
    }
    match (origin, host) {
        (Some("null"), _) => false,
        (Some(origin), _) if origin.trim_end_matches('/') == public_origin => true,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .map(|(_, rest)| rest.trim_end_matches('/') == host)
            .unwrap_or(false),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

pub async fn reject_cross_site(
    axum::extract::State(public_origin): axum::extract::State<std::sync::Arc<String>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let headers = request.headers();
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if !is_same_origin(
        request.method(),
        get("sec-fetch-site"),
        get(header::ORIGIN.as_str()),
        get(header::HOST.as_str()),
        &public_origin,
    ) {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        use crate::domain::{Problem, UserMessage};
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            Problem::CrossSite.user_message(),
        )
            .into_response();
    }
    next.run(request).await
}

/// The Content-Security-Policy of a Leptos page: only our files and the scripts carrying this
/// response's nonce (Leptos' hydration and streaming scripts) run; `'wasm-unsafe-eval'` lets the
/// WebAssembly module compile. No inline style, no plugin, no framing, no `<base>`.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The policy of every other response (static files, health, dev mailbox whose emails carry
/// inline styles): no script at all.
pub const FALLBACK_POLICY: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The `Referrer-Policy` of a response to `path`. Link pages send none at all: their address
/// holds the link's secret, which would otherwise travel in the `Referer` of every request they
/// cause (their files, their form's post), into access logs. Elsewhere `same-origin`, not
/// `no-referrer`: under `no-referrer` browsers send `Origin: null` with form posts (Fetch
/// standard), which the cross-site guard refuses from browsers without `Sec-Fetch-Site` (all
/// current ones send it). On link pages the secret weighs more than those old browsers' button.
pub fn referrer_policy(path: &str) -> &'static str {
    let path = match path.trim_end_matches('/') {
        "" => "/",
        p => p,
    };
    if crate::routes::page_at(path).is_some_and(|p| p.secret_in_query) {
        "no-referrer"
    } else {
        "same-origin"
    }
}

/// Adds the security headers to every response; pages set their own nonce policy first.
pub async fn security_headers(
    axum::extract::State(https): axum::extract::State<bool>,
    request: Request<Body>,
    next: Next,
) -> Response {
    use axum::http::HeaderValue;
    let referrer = referrer_policy(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(FALLBACK_POLICY),
        );
    }
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, referrer),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=()",
        ),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_policy_allows_only_nonced_scripts() {
        let policy = page_policy("abc123");
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(!policy.contains("unsafe-inline"));
        for directive in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(policy.contains(directive), "{directive}");
        }
    }

    #[test]
    fn link_pages_alone_send_no_referrer() {
        for path in crate::routes::link_pages() {
            assert_eq!(referrer_policy(path), "no-referrer");
            assert_eq!(referrer_policy(&format!("{path}/")), "no-referrer");
        }
        for path in [
            "/",
            "/inscription",
            "/mot-de-passe/nouveau",
            "/mot-de-passe",
        ] {
            assert_eq!(referrer_policy(path), "same-origin", "{path}");
        }
    }

    #[test]
    fn only_same_origin_posts_pass() {
        let post = Method::POST;
        let public = "http://127.0.0.1:3000";
        let is_same_origin =
            |m: &Method, site: Option<&str>, origin: Option<&str>, host: Option<&str>| {
                is_same_origin(m, site, origin, host, public)
            };
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

    #[test]
    fn behind_a_proxy_that_drops_the_port_the_public_origin_passes() {
        let public = crate::routes::PublicUrl::parse("https://hub.example:8443/")
            .unwrap()
            .origin();
        assert_eq!(public, "https://hub.example:8443");
        let post = Method::POST;
        let origin = Some("https://hub.example:8443");
        assert!(is_same_origin(
            &post,
            None,
            origin,
            Some("hub.example"),
            &public
        ));
        assert!(!is_same_origin(
            &post,
            None,
            Some("https://evil.example"),
            Some("hub.example"),
            &public
        ));
    }
}
