//! The pages every visitor gets alike (home, profile choice, empty signup form, login, forgotten
//! password) are rendered once per process and then served from memory, each response with a
//! fresh CSP nonce swapped into the page's scripts and policy. A request with a query string or a
//! cookie is always rendered: what it shows may depend on them.

use crate::routes;
use crate::server::http::security::page_policy;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// A rendered page cut where its nonce goes.
#[derive(Debug)]
struct CachedPage {
    headers: HeaderMap,
    parts: Vec<Bytes>,
}

#[derive(Debug, Default)]
pub struct PageCache {
    pages: RwLock<HashMap<&'static str, Arc<CachedPage>>>,
}

impl PageCache {
    fn get(&self, path: &str) -> Option<Arc<CachedPage>> {
        self.pages
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
            .cloned()
    }

    fn put(&self, path: &'static str, page: CachedPage) {
        self.pages
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path, Arc::new(page));
    }
}

fn cacheable(request: &Request<Body>) -> Option<&'static str> {
    if request.method() != Method::GET
        || request.uri().query().is_some()
        || request.headers().contains_key(header::COOKIE)
    {
        return None;
    }
    // Pages whose anonymous rendering never changes while the process runs.
    routes::page_at(request.uri().path())
        .filter(|p| p.cacheable)
        .map(|p| p.path)
}

/// The nonce named by a page's policy.
fn nonce_of(headers: &HeaderMap) -> Option<String> {
    let policy = headers
        .get(header::CONTENT_SECURITY_POLICY)?
        .to_str()
        .ok()?;
    let rest = policy.split("'nonce-").nth(1)?;
    Some(rest.split('\'').next()?.to_owned())
}

/// Cuts the page at every occurrence of its nonce (Leptos writes it in `nonce` and `crossorigin`
/// attributes); 128 random bits never occur by chance elsewhere.
fn split_on_nonce(body: &[u8], nonce: &str) -> Vec<Bytes> {
    let text = String::from_utf8_lossy(body);
    text.split(nonce)
        .map(|p| Bytes::from(p.to_owned()))
        .collect()
}

fn serve(page: &CachedPage) -> Response {
    let nonce = leptos::nonce::Nonce::new().to_string();
    let marker = nonce.as_bytes();
    let mut body = Vec::with_capacity(page.parts.iter().map(Bytes::len).sum::<usize>() + 256);
    for (i, part) in page.parts.iter().enumerate() {
        if i > 0 {
            body.extend_from_slice(marker);
        }
        body.extend_from_slice(part);
    }
    let mut response = Response::new(Body::from(body));
    *response.headers_mut() = page.headers.clone();
    if let Ok(policy) = HeaderValue::from_str(&page_policy(&nonce)) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

pub async fn cached_pages(
    axum::extract::State(cache): axum::extract::State<Arc<PageCache>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let Some(path) = cacheable(&request) else {
        return next.run(request).await;
    };
    if let Some(page) = cache.get(path) {
        return serve(&page);
    }
    let response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if response.status() != StatusCode::OK
        || !html
        || response.headers().contains_key(header::SET_COOKIE)
    {
        return response;
    }
    let Some(nonce) = nonce_of(response.headers()) else {
        return response;
    };
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 2 * 1024 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let mut headers = parts.headers.clone();
    headers.remove(header::CONTENT_LENGTH);
    headers.remove(header::CONTENT_SECURITY_POLICY);
    let page = CachedPage {
        headers,
        parts: split_on_nonce(&bytes, &nonce),
    };
    let fresh = serve(&page);
    cache.put(path, page);
    fresh
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nonce_is_found_and_every_use_replaced() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&page_policy("AbC_12-x")).unwrap(),
        );
        assert_eq!(nonce_of(&headers).as_deref(), Some("AbC_12-x"));
        let parts = split_on_nonce(
            b"<link crossorigin=\"AbC_12-x\"><script nonce=\"AbC_12-x\">a</script>",
            "AbC_12-x",
        );
        assert_eq!(parts.len(), 3, "every occurrence");
        let page = CachedPage { headers, parts };
        let res = serve(&page);
        let nonce = nonce_of(res.headers()).unwrap();
        assert_ne!(nonce, "AbC_12-x");
    }
}
