//! Server-side sessions in the database (shared by every app instance). The cookie holds 256
//! random bits; only their SHA-256 is stored ([`crate::server::store`] keeps the table, this module
//! decides when a session ends).

use crate::server::clients::ClientIp;
use crate::server::store::{
    now, AccountId, Duration, SessionId, SessionLifetimes, Store, StoreError, StoredSession,
};
use crate::server::store::{Event, EventKind};

pub const LIFETIMES: SessionLifetimes = SessionLifetimes {
    idle: Duration::minutes(30),
    absolute: Duration::hours(12),
};

/// Opens a session after a login. The previous one, if any, is ended: a new id at each login.
pub async fn open(
    store: &Store,
    account: AccountId,
    previous: Option<&SessionId>,
) -> Result<SessionId, StoreError> {
    // The login succeeded: a previous session that cannot be ended now still ends on its own.
    if let Some(old) = previous {
        if let Err(e) = store.delete_session(old).await {
            tracing::warn!(error = %e, "previous session not ended at login");
        }
    }
    store.create_session(account, LIFETIMES.absolute).await
}

/// The account of a live session, refreshing its idle timer; an ended session is deleted.
pub async fn account(store: &Store, id: &SessionId) -> Result<Option<AccountId>, StoreError> {
    let Some(session) = store.session(id).await? else {
        return Ok(None);
    };
    let t = now();
    if !alive(&session, t) {
        store.delete_session(id).await?;
        return Ok(None);
    }
    if t > session.last_seen {
        store.touch_session(id, t).await?;
    }
    Ok(Some(session.account))
}

fn alive(session: &StoredSession, t: crate::server::store::OffsetDateTime) -> bool {
    t < session.expires && t - session.last_seen < LIFETIMES.idle
}

/// « Se déconnecter »: the session ends, and the trail says who left (a live session only; the
/// event takes its account's SIRET).
pub async fn close(store: &Store, id: &SessionId, ip: &ClientIp) -> Result<(), StoreError> {
    match store.session(id).await {
        Ok(Some(session)) if alive(&session, now()) => {
            let event = Event::new(EventKind::Logout)
                .account(session.account)
                .ip(ip)
                .detail("logout");
            store.audit(&event).await;
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "session not read at logout"),
    }
    store.delete_session(id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_ends_when_idle_or_old() {
        let t = now();
        let session = |last_seen, expires| StoredSession {
            account: AccountId(1),
            last_seen,
            expires,
        };
        assert!(alive(&session(t, t + Duration::hours(1)), t));
        assert!(!alive(
            &session(t - LIFETIMES.idle, t + Duration::hours(1)),
            t
        ));
        assert!(!alive(&session(t, t), t));
    }
}
