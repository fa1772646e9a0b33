//! Attachments of secondary establishments to a main establishment's account.

use super::{
    conflict_or, corrupt, instant, unix, unix_now, AccountId, OffsetDateTime, Store, StoreError, Tx,
};
use crate::domain::{
    AttachedEstablishment, AttachmentState, EmailAddress, OrganisationName, Siret,
};
use sqlx::Row;

/// The main establishment's account an active attachment points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentOwner {
    pub main_account_id: AccountId,
    pub main_siret: Siret,
    pub main_organisation: OrganisationName,
}

/// The owner an attachment row names, parsed.
pub(super) fn owner(
    main_account_id: AccountId,
    main_siret: &str,
    main_organisation: &str,
) -> Result<AttachmentOwner, StoreError> {
    Ok(AttachmentOwner {
        main_account_id,
        main_siret: Siret::parse(main_siret).map_err(|e| corrupt("accounts.siret", e))?,
        main_organisation: OrganisationName::parse(main_organisation)
            .map_err(|e| corrupt("accounts.organisation_name", e))?,
    })
}

impl Tx {
    /// Attaches `siret` to `main`. The partial unique index makes two concurrent attachments of
    /// one SIRET succeed once (`Conflict(ActiveAttachment)` for the other).
    pub async fn insert_attachment(
        &mut self,
        main: AccountId,
        siret: &Siret,
        organisation_name: Option<&str>,
        contact_email: &EmailAddress,
        invited: bool,
    ) -> Result<(), StoreError> {
        let t = unix_now();
        sqlx::query(
            "INSERT INTO attachments (main_account_id, siret, organisation_name, contact_email, \
             created_at, invited_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(main.0)
        .bind(siret.as_digits())
        .bind(organisation_name)
        .bind(contact_email.as_str())
        .bind(t)
        .bind(invited.then_some(t))
        .execute(self.conn())
        .await
        .map_err(conflict_or)?;
        Ok(())
    }

    /// Ends an active attachment; false when there was none for this main establishment.
    pub async fn detach(&mut self, main: AccountId, siret: &Siret) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE attachments SET detached_at = $1 WHERE main_account_id = $2 AND siret = $3 \
             AND detached_at IS NULL",
        )
        .bind(unix_now())
        .bind(main.0)
        .bind(siret.as_digits())
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Invitations sent since `since`: by this main establishment, for this SIRET (by anyone),
    /// and for this SIRET by this main establishment. Read in the transaction that invites, so
    /// that the count cannot be stale (see [`Tx::lock_account`]).
    pub async fn invitations_since(
        &mut self,
        main: AccountId,
        siret: &Siret,
        since: OffsetDateTime,
    ) -> Result<(i64, i64, i64), StoreError> {
        let row = sqlx::query(
            "SELECT COALESCE(SUM(CASE WHEN main_account_id = $1 THEN 1 ELSE 0 END), 0) AS by_main, \
             COALESCE(SUM(CASE WHEN siret = $2 THEN 1 ELSE 0 END), 0) AS for_siret, \
             COALESCE(SUM(CASE WHEN main_account_id = $1 AND siret = $2 THEN 1 ELSE 0 END), 0) \
             AS pair FROM attachments WHERE invited_at >= $3",
        )
        .bind(main.0)
        .bind(siret.as_digits())
        .bind(unix(since))
        .fetch_one(self.conn())
        .await?;
        Ok((
            row.try_get("by_main")?,
            row.try_get("for_siret")?,
            row.try_get("pair")?,
        ))
    }
}

impl Store {
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
        let Some(r) = row else { return Ok(None) };
        owner(
            AccountId(r.try_get("main_account_id")?),
            &r.try_get::<String, _>("siret")?,
            &r.try_get::<String, _>("organisation_name")?,
        )
        .map(Some)
    }

    /// The establishments attached to a main establishment now, oldest first, with the state
    /// of their own account.
    pub async fn attachments_of(
        &self,
        main: AccountId,
    ) -> Result<Vec<AttachedEstablishment>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.siret, a.organisation_name, a.contact_email, a.created_at, s.state \
             FROM attachments a LEFT JOIN accounts s ON s.siret = a.siret \
             WHERE a.main_account_id = $1 AND a.detached_at IS NULL ORDER BY a.id",
        )
        .bind(main.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let state: Option<String> = r.try_get("state")?;
                let siret: String = r.try_get("siret")?;
                let contact: String = r.try_get("contact_email")?;
                Ok(AttachedEstablishment {
                    siret: Siret::parse(&siret).map_err(|e| corrupt("attachments.siret", e))?,
                    name: r.try_get("organisation_name")?,
                    contact_email: EmailAddress::parse(&contact)
                        .map_err(|e| corrupt("attachments.contact_email", e))?,
                    since: instant("attachments.created_at", r.try_get("created_at")?)?.date(),
                    state: match state.as_deref() {
                        None => AttachmentState::Invited,
                        Some("active") => AttachmentState::AccountActive,
                        Some("pending") => AttachmentState::AccountPending,
                        Some(other) => return Err(corrupt("accounts.state", other)),
                    },
                })
            })
            .collect()
    }
}
