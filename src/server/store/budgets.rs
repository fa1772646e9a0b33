//! Budgets and the INSEE answer cache, in the database so that every instance shares them.

use super::{Store, StoreError};
use serde::{de::DeserializeOwned, Serialize};
use sqlx::Row;

/// Milliseconds since the Unix epoch (budgets need finer steps than `now()`'s seconds).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

impl Store {
    /// Takes one token from `key`'s bucket (`per_minute` tokens, refilled continuously) in one
    /// atomic statement; `Err(seconds)` to wait when the bucket is empty.
    pub async fn take_shared_token(
        &self,
        key: &str,
        per_minute: u32,
        now_ms: i64,
    ) -> Result<Result<(), i64>, StoreError> {
        let capacity = f64::from(per_minute.max(1));
        let per_ms = capacity / 60_000.0;
        // The bucket refilled since its last use, capped at its capacity ($2).
        let refilled = "CASE WHEN rate_buckets.tokens + ($3 - rate_buckets.at_ms) * $4 > $2 \
                        THEN $2 ELSE rate_buckets.tokens + ($3 - rate_buckets.at_ms) * $4 END";
        let sql = format!(
            "INSERT INTO rate_buckets (key, tokens, at_ms, granted) VALUES ($1, $2 - 1, $3, 1) \
             ON CONFLICT (key) DO UPDATE SET \
             tokens = CASE WHEN {refilled} >= 1 THEN {refilled} - 1 ELSE {refilled} END, \
             granted = CASE WHEN {refilled} >= 1 THEN 1 ELSE 0 END, at_ms = $3 \
             RETURNING tokens, granted"
        );
        let row = sqlx::query(&sql)
            .bind(key)
            .bind(capacity)
            .bind(now_ms)
            .bind(per_ms)
            .fetch_one(self.pool())
            .await?;
        let granted: i64 = row.try_get("granted")?;
        let tokens: f64 = row.try_get("tokens")?;
        Ok(if granted == 1 {
            Ok(())
        } else {
            Err(((1.0 - tokens) / per_ms / 1000.0).ceil().max(1.0) as i64)
        })
    }

    /// Takes one INSEE call from the budget all instances share (at most `per_minute` calls in
    /// any 60 s); false when it is spent.
    pub async fn take_insee_call(&self, per_minute: u32, now_ms: i64) -> Result<bool, StoreError> {
        // Runs to its end even when the page that asked is dropped halfway (its render gave up
        // on the check): a transaction cut off between two statements was seen to leave its
        // SQLite connection in a transaction, refusing the next ones.
        let store = self.clone();
        match tokio::spawn(async move { store.count_insee_call(per_minute, now_ms).await }).await {
            Ok(taken) => taken,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            // Cancelled: the runtime is shutting down.
            Err(_) => Err(StoreError::Database(sqlx::Error::PoolClosed)),
        }
    }

    async fn count_insee_call(&self, per_minute: u32, now_ms: i64) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        // Locks the row until commit: instances count one after the other.
        sqlx::query("UPDATE budget_locks SET taken = taken + 1 WHERE name = 'insee'")
            .execute(tx.conn())
            .await?;
        sqlx::query("DELETE FROM insee_calls WHERE at_ms <= $1")
            .bind(now_ms - 60_000)
            .execute(tx.conn())
            .await?;
        // Counted and taken in one statement.
        let granted = sqlx::query(
            "INSERT INTO insee_calls (at_ms) SELECT $1 WHERE (SELECT COUNT(*) FROM insee_calls) < $2",
        )
        .bind(now_ms)
        .bind(i64::from(per_minute))
        .execute(tx.conn())
        .await?
        .rows_affected()
            == 1;
        tx.commit().await?;
        Ok(granted)
    }

    /// A cached INSEE answer still valid at `now` (seconds); an unreadable one is a miss.
    pub async fn cached_insee_answer<A: DeserializeOwned>(
        &self,
        siret: &str,
        now: i64,
    ) -> Result<Option<A>, StoreError> {
        let row =
            sqlx::query("SELECT answer FROM insee_answers WHERE siret = $1 AND expires_at > $2")
                .bind(siret)
                .bind(now)
                .fetch_optional(self.pool())
                .await?;
        let Some(row) = row else { return Ok(None) };
        let text: String = row.try_get("answer")?;
        Ok(serde_json::from_str(&text)
            .inspect_err(|e| tracing::warn!(error = %e, "unreadable cached INSEE answer"))
            .ok())
    }

    /// Keeps an INSEE answer for every instance until `expires_at` (seconds).
    pub async fn remember_insee_answer<A: Serialize>(
        &self,
        siret: &str,
        answer: &A,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let text = serde_json::to_string(answer).map_err(|e| super::corrupt("insee_answers", e))?;
        sqlx::query(
            "INSERT INTO insee_answers (siret, answer, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (siret) DO UPDATE SET answer = excluded.answer, \
             expires_at = excluded.expires_at",
        )
        .bind(siret)
        .bind(text)
        .bind(expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
