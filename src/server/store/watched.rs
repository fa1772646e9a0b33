//! What each app instance holds in memory from the database (live sessions with their accounts,
//! approvals), so that a page costs no round trip for what rarely changes. Triggers add a row
//! to a change table whenever the rows behind it change; every instance looks at that table
//! five times a second and drops what it holds of the changed scope (an account: its sessions),
//! or all it holds when it cannot tell what changed, and trusts what it holds only while its
//! last look is fresh: a session ended on one instance is refused by the others within a
//! second. The instance that writes drops it at once.

use sqlx::{AnyPool, Row};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

/// How often each instance looks at a change table.
const WATCH_EVERY: Duration = Duration::from_millis(200);
/// What is held is used only this long after a look that found nothing new (a look stuck on a
/// slow database must not stretch the second).
const TRUSTED_FOR: Duration = Duration::from_millis(700);
/// Bounds the memory: past this many entries, all is dropped (and read again as needed).
const MOST: usize = 20_000;
/// More new rows than this in one look (a purge of expired sessions): all is dropped.
const MOST_SCOPES: usize = 100;

/// Values read from the database, by key, kept while `table` (a change table written by
/// triggers) does not move.
#[derive(Debug)]
pub(super) struct Watched<V> {
    table: &'static str,
    /// The change table names what changed (its `scope` column): only that is dropped.
    scoped: bool,
    inner: Mutex<Inner<V>>,
}

#[derive(Debug)]
struct Inner<V> {
    /// Moves whenever what is held is dropped: a read that started before may not be kept.
    generation: u64,
    /// What the change table looked like at the last look (row count, lowest and highest
    /// number).
    seen: Option<(i64, i64, i64)>,
    looked: Option<Instant>,
    /// Value and scope by key.
    held: HashMap<String, (V, String)>,
    /// The keys held in each scope.
    keys: HashMap<String, Vec<String>>,
}

impl<V> Inner<V> {
    fn trusted(&self) -> bool {
        self.looked.is_some_and(|at| at.elapsed() < TRUSTED_FOR)
    }

    fn drop_all(&mut self) {
        self.generation += 1;
        self.held.clear();
        self.keys.clear();
    }

    /// A read under way may have seen the scope before its change: no read under way is kept.
    fn drop_scope(&mut self, scope: &str) {
        self.generation += 1;
        for key in self.keys.remove(scope).unwrap_or_default() {
            self.held.remove(&key);
        }
    }
}

/// What one look at a change table found: its row count, lowest and highest numbers, and the
/// scopes of the rows numbered above what the last look saw (`None`: it cannot tell, because
/// the table is not scoped, a row names no scope, or there were too many).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Look {
    pub count: i64,
    pub low: i64,
    pub top: i64,
    pub scopes: Option<Vec<String>>,
}

/// What a transaction changed in a scoped cache, dropped at its commit.
#[derive(Debug, Default)]
pub(super) struct Changes {
    all: bool,
    scopes: Vec<String>,
}

impl Changes {
    pub fn scope(&mut self, scope: String) {
        self.scopes.push(scope);
    }

    pub fn everything(&mut self) {
        self.all = true;
    }
}

/// The generation a database read started in: its result is kept only if nothing was dropped
/// in between (it may have read a row that has changed since).
#[derive(Clone, Copy, Debug)]
pub(super) struct Ticket(u64);

impl<V: Clone> Watched<V> {
    /// `scoped`: the change table has a `scope` column naming what changed.
    pub fn new(table: &'static str, scoped: bool) -> Self {
        Watched {
            table,
            scoped,
            inner: Mutex::new(Inner {
                generation: 0,
                seen: None,
                looked: None,
                held: HashMap::new(),
                keys: HashMap::new(),
            }),
        }
    }

    fn inner(&self) -> MutexGuard<'_, Inner<V>> {
        // A panic while holding the lock cannot leave the map inconsistent: go on with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn get(&self, key: &str) -> Option<V> {
        let inner = self.inner();
        if !inner.trusted() {
            return None;
        }
        inner.held.get(key).map(|(value, _)| value.clone())
    }

    pub fn ticket(&self) -> Ticket {
        Ticket(self.inner().generation)
    }

    /// Keeps `value`, read since `ticket`, under `key` in `scope` (the change table's name for
    /// what it depends on).
    pub fn keep(&self, ticket: Ticket, key: String, scope: String, value: V) {
        let mut inner = self.inner();
        if inner.generation != ticket.0 || !inner.trusted() {
            return;
        }
        if inner.held.len() >= MOST {
            inner.held.clear();
            inner.keys.clear();
        }
        if let Some((_, was)) = inner.held.insert(key.clone(), (value, scope.clone())) {
            if was == scope {
                return;
            }
            if let Some(keys) = inner.keys.get_mut(&was) {
                keys.retain(|k| *k != key);
            }
        }
        inner.keys.entry(scope).or_default().push(key);
    }

    /// Changes a held value after this instance wrote the same change.
    pub fn update(&self, key: &str, change: impl FnOnce(&mut V)) {
        if let Some((value, _)) = self.inner().held.get_mut(key) {
            change(value);
        }
    }

    /// After a write of this instance that the change table will show.
    pub fn drop_all(&self) {
        self.inner().drop_all();
    }

    /// After a write of this instance to `scope` that the change table will show.
    pub fn drop_scope(&self, scope: &str) {
        self.inner().drop_scope(scope);
    }

    /// After a transaction of this instance, what it changed.
    pub fn drop_changes(&self, changes: &Changes) {
        let mut inner = self.inner();
        if changes.all {
            inner.drop_all();
        } else {
            for scope in &changes.scopes {
                inner.drop_scope(scope);
            }
        }
    }

    /// The highest number the last look saw (rows above it are new).
    fn top_seen(&self) -> Option<i64> {
        self.inner().seen.map(|(_, _, top)| top)
    }

    /// What a look that started `at` found (what is held is trusted from then, not from when a
    /// slow answer came). Only the new rows' scopes are dropped when the count says they are
    /// all the change: a row committed late under a lower number, or a purge, drops all.
    fn looked(&self, look: Look, at: Instant) {
        let mut inner = self.inner();
        let now = (look.count, look.low, look.top);
        match (inner.seen, look.scopes) {
            (Some(seen), _) if seen == now => {}
            // (An empty table's lowest number means nothing.)
            (Some((count, low, _)), Some(scopes))
                if (count == 0 || low == look.low) && count + scopes.len() as i64 == look.count =>
            {
                for scope in &scopes {
                    inner.drop_scope(scope);
                }
            }
            _ => inner.drop_all(),
        }
        inner.seen = Some(now);
        inner.looked = Some(at);
    }
}

/// Looks at the change table until the store is dropped.
pub(super) fn watch<V: Clone + Send + 'static>(pool: AnyPool, cache: Weak<Watched<V>>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(WATCH_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let Some(cache) = cache.upgrade() else { break };
            if pool.is_closed() {
                break;
            }
            let started = Instant::now();
            match look(&pool, &cache).await {
                Ok(now) => cache.looked(now, started),
                Err(e) => {
                    tracing::warn!(error = %e, table = cache.table, "change table not read: reading the database")
                }
            }
        }
    });
}

/// One look at the change table, in one statement (one snapshot). The count sees a change
/// committed late with a lower number; the highest number sees new rows, the lowest a purge
/// (together they could leave the count as it was). A scoped table also gives the scopes of the
/// rows above the highest number seen last time.
async fn look<V: Clone>(pool: &AnyPool, cache: &Watched<V>) -> Result<Look, sqlx::Error> {
    let totals = format!(
        "SELECT COUNT(*) AS total, COALESCE(MIN(n), 0) AS low, COALESCE(MAX(n), 0) AS top FROM {}",
        cache.table
    );
    if !cache.scoped {
        let row = sqlx::query(&totals).fetch_one(pool).await?;
        return Ok(Look {
            count: row.try_get("total")?,
            low: row.try_get("low")?,
            top: row.try_get("top")?,
            scopes: None,
        });
    }
    // Before a first look nothing is new: only the totals.
    let after = cache.top_seen().unwrap_or(i64::MAX);
    let sql = format!(
        "SELECT c.total, c.low, c.top, s.n AS changed, s.scope FROM ({totals}) c \
         LEFT JOIN {} s ON s.n > $1 LIMIT {}",
        cache.table,
        MOST_SCOPES + 1
    );
    let rows = sqlx::query(&sql).bind(after).fetch_all(pool).await?;
    let Some(first) = rows.first() else {
        return Err(sqlx::Error::RowNotFound);
    };
    let mut scopes = Some(Vec::new());
    for row in &rows {
        if row.try_get::<Option<i64>, _>("changed")?.is_none() {
            continue;
        }
        match (row.try_get::<Option<String>, _>("scope")?, scopes.as_mut()) {
            (Some(scope), Some(list)) if rows.len() <= MOST_SCOPES => list.push(scope),
            _ => scopes = None,
        }
    }
    Ok(Look {
        count: first.try_get("total")?,
        low: first.try_get("low")?,
        top: first.try_get("top")?,
        scopes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn look(count: i64, low: i64, top: i64, scopes: Option<&[&str]>) -> Look {
        Look {
            count,
            low,
            top,
            scopes: scopes.map(|s| s.iter().map(|s| s.to_string()).collect()),
        }
    }

    fn keep(cache: &Watched<u32>, key: &str, scope: &str) {
        cache.keep(cache.ticket(), key.into(), scope.into(), 7);
    }

    #[test]
    fn nothing_is_used_before_a_look_nor_kept_across_a_change() {
        let cache = Watched::new("approval_changes", false);
        keep(&cache, "a", "a");
        assert!(cache.get("a").is_none(), "no look yet: nothing is trusted");

        cache.looked(look(0, 0, 0, None), Instant::now());
        keep(&cache, "a", "a");
        assert!(cache.get("a").is_some());

        // A read that started before a change is not kept.
        let before = cache.ticket();
        cache.looked(look(1, 1, 1, None), Instant::now());
        assert!(cache.get("a").is_none(), "a change drops everything");
        cache.keep(before, "b".into(), "b".into(), 7);
        assert!(cache.get("b").is_none());

        // The same look again keeps what is held.
        keep(&cache, "c", "c");
        cache.looked(look(1, 1, 1, None), Instant::now());
        assert!(cache.get("c").is_some());
        cache.drop_all();
        assert!(cache.get("c").is_none());
    }

    #[test]
    fn a_change_named_by_its_scope_drops_that_scope_only() {
        let cache = Watched::new("session_changes", true);
        cache.looked(look(3, 1, 3, Some(&[])), Instant::now());
        keep(&cache, "s1", "10");
        keep(&cache, "s2", "10");
        keep(&cache, "s3", "11");

        // One new row, for account 10: its sessions go, account 11's stay (the same from an
        // empty table, whose lowest number was 0).
        let from_empty = Watched::new("session_changes", true);
        from_empty.looked(look(0, 0, 0, Some(&[])), Instant::now());
        keep(&from_empty, "s3", "11");
        from_empty.looked(look(1, 7, 7, Some(&["10"])), Instant::now());
        assert!(from_empty.get("s3").is_some());
        let under_way = cache.ticket();
        cache.looked(look(4, 1, 4, Some(&["10"])), Instant::now());
        assert!(cache.get("s1").is_none() && cache.get("s2").is_none());
        assert!(cache.get("s3").is_some());
        cache.keep(under_way, "s4".into(), "12".into(), 7);
        assert!(
            cache.get("s4").is_none(),
            "a read under way across a change"
        );

        // This instance's own writes.
        keep(&cache, "s1", "10");
        let mut changes = Changes::default();
        changes.scope("10".into());
        cache.drop_changes(&changes);
        assert!(cache.get("s1").is_none() && cache.get("s3").is_some());
        cache.drop_scope("11");
        assert!(cache.get("s3").is_none());
    }

    #[test]
    fn a_change_the_count_cannot_account_for_drops_everything() {
        let cases = [
            // A row committed late under a lower number: one more row, none above the top.
            look(4, 1, 3, Some(&[])),
            // A purge and a new row together: the lowest number moved.
            look(3, 2, 4, Some(&["10"])),
            // Too many rows, or one naming no scope.
            look(200, 1, 202, None),
        ];
        for case in cases {
            let cache = Watched::new("session_changes", true);
            cache.looked(look(3, 1, 3, Some(&[])), Instant::now());
            keep(&cache, "s3", "11");
            cache.looked(case.clone(), Instant::now());
            assert!(cache.get("s3").is_none(), "{case:?}");
        }
    }
}
