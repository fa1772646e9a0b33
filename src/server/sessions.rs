//! Server-side sessions in the database (shared by every app instance). The cookie holds 256
//! random bits; only their SHA-256 is stored.

use super::store::{now, Store, StoreError};
use super::tokens;
use sqlx::Row;

/// A session ends after this long without a request…
pub const IDLE_SECONDS: i64 = 30 * 60;
/// …and in any case this long after login.
pub const ABSOLUTE_SECONDS: i64 = 12 * 3600;

/// The session cookie's name: `__Host-` prefixed when served over https (so no sub-domain or
/// plain-http page can set it).
pub fn cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-hubpro_session"
    } else {
        "hubpro_session"
    }
}

pub fn set_cookie(id: &str, https: bool) -> String {
    format!(
        "{}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age={ABSOLUTE_SECONDS}{}",
        cookie_name(https),
        if https { "; Secure" } else { "" }
    )
}

pub fn clear_cookie(https: bool) -> String {
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        cookie_name(https),
        if https { "; Secure" } else { "" }
    )
}

/// The value of cookie `name` in a `Cookie` header.
pub fn read_cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl Store {
    /// Opens a session for `account_id`; returns the cookie value.
    pub async fn create_session(&self, account_id: i64) -> Result<String, StoreError> {
        let (id, id_hash) = tokens::generate();
        let t = now();
        sqlx::query(
            "INSERT INTO sessions (id_hash, account_id, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id_hash)
        .bind(account_id)
        .bind(t)
        .bind(t)
        .bind(t + ABSOLUTE_SECONDS)
        .execute(self.pool())
        .await?;
        Ok(id)
    }

    /// The account of a live session, refreshing its idle timer; expired sessions are deleted.
    pub async fn session_account(&self, id: &str) -> Result<Option<i64>, StoreError> {
        let id_hash = tokens::hash(id);
        let t = now();
        let row = sqlx::query(
            "SELECT account_id, last_seen_at, expires_at FROM sessions WHERE id_hash = $1",
        )
        .bind(&id_hash)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let last_seen: i64 = row.try_get("last_seen_at")?;
        let expires: i64 = row.try_get("expires_at")?;
        if t >= expires || t - last_seen >= IDLE_SECONDS {
            self.delete_session(id).await?;
            return Ok(None);
        }
        if t > last_seen {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
                .bind(t)
                .bind(&id_hash)
                .execute(self.pool())
                .await?;
        }
        Ok(Some(row.try_get("account_id")?))
    }

    pub async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(tokens::hash(id))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Ends every session of an account (after a password change).
    pub async fn delete_account_sessions(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        account_id: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE account_id = $1")
            .bind(account_id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

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
    let anonymous = request.uri().path() == "/espace"
        && !request
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|h| read_cookie(h, cookie_name(https)).is_some());
    if anonymous {
        return (
            axum::http::StatusCode::FOUND,
            [(header::LOCATION, "/connexion")],
        )
            .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_lax_and_host_prefixed_over_https() {
        assert_eq!(
            set_cookie("abc", true),
            format!("__Host-hubpro_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age={ABSOLUTE_SECONDS}; Secure")
        );
        assert!(!set_cookie("abc", false).contains("Secure"));
        assert_eq!(
            read_cookie("a=1; hubpro_session=xyz; b=2", "hubpro_session"),
            Some("xyz")
        );
        assert_eq!(read_cookie("a=1", "hubpro_session"), None);
    }
}
