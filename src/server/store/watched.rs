//! What each app instance holds in memory from the database (live sessions with their accounts,
//! approvals), so that a page costs no round trip for what rarely changes. Triggers add a row
//! to a change table whenever the rows behind it change; every instance looks at that table
//! five times a second and drops all it holds when it moved, and trusts what it holds only
//! while its last look is fresh: a session ended on one instance is refused by the others
//! within a second. The instance that writes drops it at once.

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

/// Values read from the database, by key, kept while `table` (a change table written by
/// triggers) does not move.
#[derive(Debug)]
pub(super) struct Watched<V> {
    table: &'static str,
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
    held: HashMap<String, V>,
}

impl<V> Inner<V> {
    fn trusted(&self) -> bool {
        self.looked.is_some_and(|at| at.elapsed() < TRUSTED_FOR)
    }

    fn drop_all(&mut self) {
        self.generation += 1;
        self.held.clear();
    }
}

/// The generation a database read started in: its result is kept only if nothing was dropped
/// in between (it may have read a row that has changed since).
#[derive(Clone, Copy, Debug)]
pub(super) struct Ticket(u64);

impl<V: Clone> Watched<V> {
    pub fn new(table: &'static str) -> Self {
        Watched {
            table,
            inner: Mutex::new(Inner {
                generation: 0,
                seen: None,
                looked: None,
                held: HashMap::new(),
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
        inner.held.get(key).cloned()
    }

    pub fn ticket(&self) -> Ticket {
        Ticket(self.inner().generation)
    }

    pub fn keep(&self, ticket: Ticket, key: String, value: V) {
        let mut inner = self.inner();
        if inner.generation != ticket.0 || !inner.trusted() {
            return;
        }
        if inner.held.len() >= MOST {
            inner.held.clear();
        }
        inner.held.insert(key, value);
    }

    /// Changes a held value after this instance wrote the same change.
    pub fn update(&self, key: &str, change: impl FnOnce(&mut V)) {
        if let Some(value) = self.inner().held.get_mut(key) {
            change(value);
        }
    }

    /// After a write of this instance that the change table will show.
    pub fn drop_all(&self) {
        self.inner().drop_all();
    }

    /// `now` as the table was when the look started `at` (what is held is trusted from then, not
    /// from when a slow answer came).
    fn looked(&self, now: (i64, i64, i64), at: Instant) {
        let mut inner = self.inner();
        if inner.seen != Some(now) {
            inner.drop_all();
            inner.seen = Some(now);
        }
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
            // The count sees a change committed late with a lower number; the highest number
            // sees new rows, the lowest a purge (together they could leave the count as it was).
            let sql = format!(
                "SELECT COUNT(*) AS n, COALESCE(MIN(n), 0) AS low, COALESCE(MAX(n), 0) AS top \
                 FROM {}",
                cache.table
            );
            let started = Instant::now();
            let looked = sqlx::query(&sql).fetch_one(&pool).await.and_then(|row| {
                Ok((
                    row.try_get::<i64, _>("n")?,
                    row.try_get::<i64, _>("low")?,
                    row.try_get::<i64, _>("top")?,
                ))
            });
            match looked {
                Ok(now) => cache.looked(now, started),
                Err(e) => {
                    tracing::warn!(error = %e, table = cache.table, "change table not read: reading the database")
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_used_before_a_look_nor_kept_across_a_change() {
        let cache = Watched::new("session_changes");
        let ticket = cache.ticket();
        cache.keep(ticket, "a".into(), 7u32);
        assert!(cache.get("a").is_none(), "no look yet: nothing is trusted");

        cache.looked((0, 0, 0), Instant::now());
        let ticket = cache.ticket();
        cache.keep(ticket, "a".into(), 7u32);
        assert!(cache.get("a").is_some());

        // A read that started before a change is not kept.
        let before = cache.ticket();
        cache.looked((1, 1, 1), Instant::now());
        assert!(cache.get("a").is_none(), "a change drops everything");
        cache.keep(before, "b".into(), 7u32);
        assert!(cache.get("b").is_none());

        // The same look again keeps what is held.
        let ticket = cache.ticket();
        cache.keep(ticket, "c".into(), 7u32);
        cache.looked((1, 1, 1), Instant::now());
        assert!(cache.get("c").is_some());
        cache.drop_all();
        assert!(cache.get("c").is_none());
    }
}
