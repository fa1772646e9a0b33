//! Server-side sessions in the database (shared by every app instance). The cookie holds 256
//! random bits; only their SHA-256 is stored ([`crate::server::store`] keeps the table, this module
//! decides when a session ends).

use crate::server::clients::ClientIp;
use crate::server::store::{
    now, AccountId, Duration, OffsetDateTime, SessionEntry, SessionId, SessionLifetimes,
    SessionOrigin, Store, StoreError, StoredSession,
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
    origin: &SessionOrigin,
) -> Result<SessionId, StoreError> {
    // The login succeeded: a previous session that cannot be ended now still ends on its own.
    if let Some(old) = previous {
        if let Err(e) = store.delete_session(old).await {
            tracing::warn!(error = %e, "previous session not ended at login");
        }
    }
    store
        .create_session(account, LIFETIMES.absolute, origin)
        .await
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

/// One open session, as the space lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenSession {
    /// Names it in « Terminer cette session ».
    pub handle: String,
    /// The browser and the system, as its `User-Agent` names them (`None` when it does not).
    pub browser: Option<String>,
    pub system: Option<String>,
    pub ip: String,
    pub opened: OffsetDateTime,
    pub last_seen: OffsetDateTime,
    /// The session of the request.
    pub current: bool,
}

/// The account's live sessions, the current one first, then the most recently seen.
pub async fn list(
    store: &Store,
    account: AccountId,
    current: &SessionId,
) -> Result<Vec<OpenSession>, StoreError> {
    let t = now();
    let mut open: Vec<OpenSession> = store
        .sessions_of(account, current)
        .await?
        .into_iter()
        .filter(|s| {
            let stored = StoredSession {
                account,
                last_seen: s.last_seen,
                expires: s.expires,
            };
            s.current || alive(&stored, t)
        })
        .map(describe)
        .collect();
    open.sort_by_key(|s| !s.current);
    Ok(open)
}

/// The browser and the system a `User-Agent` names, when it names them.
pub fn browser_of(user_agent: &str) -> (Option<String>, Option<String>) {
    let parsed = woothee::parser::Parser::new().parse(user_agent);
    let known =
        |v: &str| (!v.is_empty() && v != woothee::woothee::VALUE_UNKNOWN).then(|| v.to_owned());
    (
        parsed.as_ref().and_then(|p| known(p.name)),
        parsed.as_ref().and_then(|p| known(p.os)),
    )
}

fn describe(entry: SessionEntry) -> OpenSession {
    let (browser, system) = browser_of(&entry.origin.user_agent);
    OpenSession {
        browser,
        system,
        handle: entry.handle,
        ip: entry.origin.ip,
        opened: entry.opened,
        last_seen: entry.last_seen,
        current: entry.current,
    }
}

/// « Terminer cette session »: ends another session of the account; false when none is named.
pub async fn end_one(
    store: &Store,
    account: AccountId,
    current: &SessionId,
    handle: &str,
    ip: &ClientIp,
) -> Result<bool, StoreError> {
    let ended = store
        .delete_session_by_handle(account, handle, current)
        .await?;
    if ended {
        let event = Event::new(EventKind::SessionsEnded)
            .account(account)
            .ip(ip)
            .detail("one other session ended from the space");
        store.audit(&event).await;
    }
    Ok(ended)
}

/// « Terminer les autres sessions »: every session of the account but this one ends.
pub async fn end_others(
    store: &Store,
    account: AccountId,
    current: &SessionId,
    ip: &ClientIp,
) -> Result<u64, StoreError> {
    let ended = store.delete_other_sessions(account, current).await?;
    let event = Event::new(EventKind::SessionsEnded)
        .account(account)
        .ip(ip)
        .detail(format!("{ended} other session(s) ended from the space"));
    store.audit(&event).await;
    Ok(ended)
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

    #[test]
    fn a_session_names_its_browser_and_system_when_its_user_agent_does() {
        let entry = |user_agent: &str| SessionEntry {
            handle: "0123456789abcdef".into(),
            origin: SessionOrigin {
                user_agent: user_agent.into(),
                ip: "192.0.2.1".into(),
            },
            opened: now(),
            last_seen: now(),
            expires: now(),
            current: false,
        };
        let firefox = describe(entry(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0",
        ));
        assert_eq!(firefox.browser.as_deref(), Some("Firefox"));
        assert_eq!(firefox.system.as_deref(), Some("Windows 10"));
        let unknown = describe(entry(""));
        assert_eq!((unknown.browser, unknown.system), (None, None));
    }
}
