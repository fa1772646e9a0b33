//! Server-side sessions in the database (shared by every app instance). The cookie holds 256
//! random bits; only their SHA-256 is stored ([`crate::server::store`] keeps the table, this module
//! decides when a session ends).

use crate::server::accounts::auth_error::AuthError;
use crate::server::clients::ClientIp;
use crate::server::store::{
    now, Account, AccountId, Duration, OffsetDateTime, SessionEntry, SessionId, SessionLifetimes,
    SessionOrigin, Store, StoreError,
};
use crate::server::store::{Event, EventKind};

pub const LIFETIMES: SessionLifetimes = SessionLifetimes {
    idle: Duration::minutes(30),
    absolute: Duration::hours(12),
};

/// How long after its password was typed a session may make a sensitive change (end other
/// sessions…) without typing it again (OWASP ASVS 3.7.1).
pub const RECENT_LOGIN: Duration = Duration::minutes(10);

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

/// A live session's idle timer is written at most this often, so that a page costs no write
/// (the idle limit may thus end a session up to this much early).
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// The account of a live session, refreshing its idle timer; an ended session is deleted.
pub async fn account(store: &Store, id: &SessionId) -> Result<Option<Account>, StoreError> {
    let Some((session, account)) = store.session_with_account(id).await? else {
        return Ok(None);
    };
    let t = now();
    let mut last_seen = session.last_seen;
    if !alive(last_seen, session.expires, t) {
        // Another instance may have seen it since this one read it: the stored timer decides.
        match store.session(id).await? {
            Some(stored) if alive(stored.last_seen, stored.expires, t) => {
                last_seen = stored.last_seen
            }
            _ => {
                store.delete_session(id).await?;
                return Ok(None);
            }
        }
    }
    if t - last_seen >= TOUCH_EVERY {
        store.touch_session(id, t).await?;
    }
    Ok(Some(account))
}

fn alive(last_seen: OffsetDateTime, expires: OffsetDateTime, t: OffsetDateTime) -> bool {
    t < expires && t - last_seen < LIFETIMES.idle
}

/// Whether the session's password was typed recently enough for a sensitive change.
pub async fn is_recent(store: &Store, id: &SessionId) -> Result<bool, StoreError> {
    Ok(store
        .session(id)
        .await?
        .is_some_and(|s| recent(s.authenticated, now())))
}

fn recent(authenticated: OffsetDateTime, t: OffsetDateTime) -> bool {
    t - authenticated < RECENT_LOGIN
}

/// A sensitive change may go on: the session's password is recent, else it is asked again.
pub async fn require_recent_login(store: &Store, id: &SessionId) -> Result<(), AuthError> {
    if is_recent(store, id).await? {
        Ok(())
    } else {
        Err(AuthError::RecentLoginRequired)
    }
}

/// « Se déconnecter »: the session ends, and the trail says who left (a live session only; the
/// event takes its account's SIRET).
pub async fn close(store: &Store, id: &SessionId, ip: &ClientIp) -> Result<(), StoreError> {
    match store.session(id).await {
        Ok(Some(session)) if alive(session.last_seen, session.expires, now()) => {
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

/// The account's live sessions, and whether the current one may make a sensitive change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionList {
    /// The current session first, then the most recently seen.
    pub open: Vec<OpenSession>,
    /// The current session's password is recent ([`require_recent_login`] would let it pass).
    pub recent_login: bool,
}

/// The account's live sessions, read once for the list and the current one's password age.
pub async fn list(
    store: &Store,
    account: AccountId,
    current: &SessionId,
) -> Result<SessionList, StoreError> {
    let t = now();
    let entries = store.sessions_of(account, current).await?;
    let recent_login = entries
        .iter()
        .any(|s| s.current && recent(s.authenticated, t));
    let mut open: Vec<OpenSession> = entries
        .into_iter()
        .filter(|s| s.current || alive(s.last_seen, s.expires, t))
        .map(describe)
        .collect();
    open.sort_by_key(|s| !s.current);
    Ok(SessionList { open, recent_login })
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

/// « Terminer cette session »: ends another session of the account (its password recent); false
/// when none is named.
pub async fn end_one(
    store: &Store,
    account: AccountId,
    current: &SessionId,
    handle: &str,
    ip: &ClientIp,
) -> Result<bool, AuthError> {
    require_recent_login(store, current).await?;
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

/// « Terminer les autres sessions »: every session of the account but this one ends (its
/// password recent).
pub async fn end_others(
    store: &Store,
    account: AccountId,
    current: &SessionId,
    ip: &ClientIp,
) -> Result<u64, AuthError> {
    require_recent_login(store, current).await?;
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
        assert!(alive(t, t + Duration::hours(1), t));
        assert!(!alive(t - LIFETIMES.idle, t + Duration::hours(1), t));
        assert!(!alive(t, t, t));
        assert!(recent(t - Duration::minutes(9), t));
        assert!(!recent(t - RECENT_LOGIN, t));
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
            authenticated: now(),
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
