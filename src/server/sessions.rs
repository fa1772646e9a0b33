//! Server-side sessions in the database (shared by every app instance). The cookie holds 256
//! random bits; only their SHA-256 is stored ([`super::store`] holds the table,
//! [`super::cookies`] the cookie).

use super::cookies;
use crate::routes;

/// A session ends after this long without a request…
pub const IDLE_SECONDS: i64 = 30 * 60;
/// …and in any case this long after login.
pub const ABSOLUTE_SECONDS: i64 = 12 * 3600;

/// A visitor without a session cookie asking for the administrator's space goes to the login
/// page straight away (302, as the page itself would answer), without rendering it. Besides the
/// saved work, this avoids a rare stall of the space's fully-awaited render when its resource
/// resolves at once (seen about once in 12 runs under load).
pub async fn anonymous_space_to_login(
    axum::extract::State(https): axum::extract::State<bool>,
    request: axum::http::Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let anonymous = request.uri().path() == routes::SPACE
        && cookies::read(request.headers(), cookies::Kind::Session, https).is_none();
    if anonymous {
        return (
            axum::http::StatusCode::FOUND,
            [(header::LOCATION, routes::LOGIN)],
        )
            .into_response();
    }
    next.run(request).await
}
