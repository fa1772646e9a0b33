//! Attachments of secondary establishments to a main establishment's account.

use super::{now, unique_violation, Store, StoreError};
use crate::domain::{AttachedEstablishment, AttachmentState, EmailAddress, Siret};
use sqlx::Row;

/// The main establishment's account an active attachment points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentOwner {
    pub main_account_id: i64,
    pub main_siret: String,
    pub main_organisation: String,
}

impl Store {
    /// Attaches `siret` to `main_account_id` inside `tx`. The partial unique index makes two
    /// concurrent attachments of one SIRET succeed once (`Conflict(Siret)` for the other).
    pub async fn insert_attachment(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        main_account_id: i64,
        siret: &Siret,
        organisation_name: Option<&str>,
        contact_email: &EmailAddress,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO attachments (main_account_id, siret, organisation_name, contact_email, \
             created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(main_account_id)
        .bind(siret.as_digits())
        .bind(organisation_name)
        .bind(contact_email.as_str())
        .bind(now())
        .execute(&mut **tx)
        .await
        .map_err(|e| match unique_violation(&e) {
            Some(rule) => StoreError::Conflict(rule),
            None => StoreError::Database(e),
        })?;
        Ok(())
    }

    /// Ends an active attachment; false when there was none for this main establishment.
    pub async fn detach(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        main_account_id: i64,
        siret: &Siret,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE attachments SET detached_at = $1 WHERE main_account_id = $2 AND siret = $3 \
             AND detached_at IS NULL",
        )
        .bind(now())
        .bind(main_account_id)
        .bind(siret.as_digits())
        .execute(&mut **tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Who `siret` is attached to now, if anyone.
    pub async fn attachment_owner(
        &self,
        siret: &Siret,
    ) -> Result<Option<AttachmentOwner>, StoreError> {
        let row = sqlx::query(
            "SELECT a.main_account_id, m.siret, m.organisation_name FROM attachments a \
             JOIN accounts m ON m.id = a.main_account_id \
             WHERE a.siret = $1 AND a.detached_at IS NULL",
        )
        .bind(siret.as_digits())
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(AttachmentOwner {
                main_account_id: r.try_get("main_account_id")?,
                main_siret: r.try_get("siret")?,
                main_organisation: r.try_get("organisation_name")?,
            })
        })
        .transpose()
        .map_err(|e: sqlx::Error| e.into())
    }

    /// The establishments attached to a main establishment now, oldest first, with the state
    /// of their own account.
    pub async fn attachments_of(
        &self,
        main_account_id: i64,
    ) -> Result<Vec<AttachedEstablishment>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.siret, a.organisation_name, a.contact_email, a.created_at, s.state \
             FROM attachments a LEFT JOIN accounts s ON s.siret = a.siret \
             WHERE a.main_account_id = $1 AND a.detached_at IS NULL ORDER BY a.id",
        )
        .bind(main_account_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let state: Option<String> = r.try_get("state")?;
                Ok(AttachedEstablishment {
                    siret: r.try_get("siret")?,
                    name: r.try_get("organisation_name")?,
                    contact_email: r.try_get("contact_email")?,
                    since: iso_day(r.try_get("created_at")?),
                    state: match state.as_deref() {
                        None => AttachmentState::Invited,
                        Some("active") => AttachmentState::AccountActive,
                        Some(_) => AttachmentState::AccountPending,
                    },
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }
}

/// `YYYY-MM-DD` of a Unix time (UTC).
pub fn iso_day(unix: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.date().format(&format).ok())
        .unwrap_or_default()
}
