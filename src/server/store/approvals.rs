//! The approvals registry (agréments), loaded from the DREAL's files.

use super::{corrupt, unix_now, Store, StoreError, Tx};
use crate::domain::{ApprovalSummary, EmailAddress, Siret, Training, TransportType};
use sqlx::Row;

/// One approval, as imported and as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approval {
    pub number: String,
    pub siret: Siret,
    pub transport_type: TransportType,
    pub trainings: Vec<Training>,
    pub starts_on: time::Date,
    pub ends_on: Option<time::Date>,
    pub region: String,
    pub notification_email: EmailAddress,
}

impl Approval {
    pub fn summary(&self) -> ApprovalSummary {
        ApprovalSummary {
            number: self.number.clone(),
            transport_type: self.transport_type,
            trainings: self.trainings.clone(),
            starts_on: self.starts_on,
            ends_on: self.ends_on,
        }
    }
}

const COLUMNS: &str = "number, siret, transport_type, trainings, starts_on, ends_on, region, \
                       notification_email";

const ISO_DAY: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// `YYYY-MM-DD`: stored as text, it sorts like the date.
fn iso(day: time::Date) -> String {
    day.format(ISO_DAY).unwrap_or_default()
}

fn day(text: &str, column: &'static str) -> Result<time::Date, StoreError> {
    time::Date::parse(text, ISO_DAY).map_err(|e| corrupt(column, e))
}

fn trainings_code(trainings: &[Training]) -> String {
    trainings
        .iter()
        .map(|t| t.code())
        .collect::<Vec<_>>()
        .join("|")
}

fn approval(row: &sqlx::any::AnyRow) -> Result<Approval, StoreError> {
    let text = |column: &'static str| -> Result<String, StoreError> { Ok(row.try_get(column)?) };
    let trainings = text("trainings")?
        .split('|')
        .map(|t| Training::parse(t).ok_or_else(|| corrupt("approvals.trainings", t)))
        .collect::<Result<Vec<_>, _>>()?;
    let transport = text("transport_type")?;
    let ends_on: Option<String> = row.try_get("ends_on")?;
    Ok(Approval {
        number: text("number")?,
        siret: Siret::parse(&text("siret")?).map_err(|e| corrupt("approvals.siret", e))?,
        transport_type: TransportType::parse(&transport)
            .ok_or_else(|| corrupt("approvals.transport_type", transport))?,
        trainings,
        starts_on: day(&text("starts_on")?, "approvals.starts_on")?,
        ends_on: ends_on.map(|d| day(&d, "approvals.ends_on")).transpose()?,
        region: text("region")?,
        notification_email: EmailAddress::parse(&text("notification_email")?)
            .map_err(|e| corrupt("approvals.notification_email", e))?,
    })
}

impl Tx {
    /// The stored approval with this number.
    pub async fn approval(&mut self, number: &str) -> Result<Option<Approval>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM approvals WHERE number = $1");
        let row = sqlx::query(&sql)
            .bind(number)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(approval).transpose()
    }

    /// Inserts the approval, or replaces the one with its number.
    pub async fn upsert_approval(&mut self, a: &Approval) -> Result<(), StoreError> {
        self.approvals_changed = true;
        sqlx::query(
            "INSERT INTO approvals (number, siret, transport_type, trainings, starts_on, ends_on, \
             region, notification_email, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (number) DO UPDATE SET siret = $2, transport_type = $3, trainings = $4, \
             starts_on = $5, ends_on = $6, region = $7, notification_email = $8, imported_at = $9",
        )
        .bind(&a.number)
        .bind(a.siret.as_digits())
        .bind(a.transport_type.code())
        .bind(trainings_code(&a.trainings))
        .bind(iso(a.starts_on))
        .bind(a.ends_on.map(iso))
        .bind(&a.region)
        .bind(a.notification_email.as_str())
        .bind(unix_now())
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

impl Store {
    /// Every approval, or those of one SIRET, in force or not, by SIRET then number.
    pub async fn list_approvals(&self, siret: Option<&Siret>) -> Result<Vec<Approval>, StoreError> {
        let digits = siret.map(Siret::as_digits).unwrap_or_default();
        let sql = format!(
            "SELECT {COLUMNS} FROM approvals WHERE $1 = '' OR siret = $2 ORDER BY siret, number"
        );
        let rows = sqlx::query(&sql)
            .bind(digits)
            .bind(digits)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(approval).collect()
    }

    /// Every approval of `siret`, in force or not, oldest first: from this instance's memory
    /// when it holds them (see [`super::watched`]; an import shows within a second), else in
    /// one query.
    pub async fn approvals_for(&self, siret: &Siret) -> Result<Vec<Approval>, StoreError> {
        let key = siret.as_digits();
        if let Some(held) = self.approvals.get(key) {
            return Ok(held);
        }
        let ticket = self.approvals.ticket();
        let sql =
            format!("SELECT {COLUMNS} FROM approvals WHERE siret = $1 ORDER BY starts_on, number");
        let rows = sqlx::query(&sql).bind(key).fetch_all(self.pool()).await?;
        let found = rows.iter().map(approval).collect::<Result<Vec<_>, _>>()?;
        self.approvals
            .keep(ticket, key.to_owned(), key.to_owned(), found.clone());
        Ok(found)
    }

    /// [`Store::approvals_for`], as the pages show them.
    pub async fn approvals_of(&self, siret: &Siret) -> Result<Vec<ApprovalSummary>, StoreError> {
        Ok(self
            .approvals_for(siret)
            .await?
            .iter()
            .map(Approval::summary)
            .collect())
    }
}
