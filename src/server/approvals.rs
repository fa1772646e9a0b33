//! The approvals registry (agréments): our own tables, loaded from the DREAL's CSV files with
//! `hubpro approvals import FILE.csv`.

use crate::domain::{ApprovalSummary, EmailAddress, Siret, Training, TransportType};
use crate::server::audit::{Event, EventKind};
use crate::server::emails;
use crate::server::mailer::OutgoingEmail;
use crate::server::store::{now, Store, StoreError};
use sqlx::Row;

/// The bundled demo approvals (fictitious), loaded at start-up in demo mode.
pub const DEMO_APPROVALS: &str = include_str!("../../demo/agrements-demo.csv");

const HEADER: [&str; 8] = [
    "numero_agrement",
    "siret",
    "type",
    "formations",
    "date_debut",
    "date_fin",
    "region",
    "email_notification",
];

/// One valid line of an approvals file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApprovalRecord {
    pub number: String,
    pub siret: Siret,
    pub transport_type: TransportType,
    pub trainings: Vec<Training>,
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub region: String,
    pub notification_email: EmailAddress,
}

/// A line that was not imported, with its number in the file (header = line 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RejectedLine {
    pub line: usize,
    pub reason: String,
}

/// What a file holds: the valid records and the rejected lines.
#[derive(Debug, Default)]
pub struct ParsedFile {
    pub records: Vec<ApprovalRecord>,
    pub rejected: Vec<RejectedLine>,
}

/// Counts of an import.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Notices queued: one per new approval (seed « Agrément CFA », or « nouvel agrément » when
    /// the SIRET already has an account).
    pub notified: usize,
    pub rejected: Vec<RejectedLine>,
}

/// An approval as stored, for the operator's listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredApproval {
    pub number: String,
    pub siret: String,
    pub transport_type: String,
    pub trainings: String,
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub region: String,
    pub notification_email: String,
}

/// Whether an import emails the new approvals' notices.
#[derive(Clone, Copy, Debug)]
pub enum Notices<'a> {
    /// Queue them; links point at this public URL.
    Send { public_url: &'a str },
    /// Record silently (initial load of an existing registry).
    Skip,
}

impl ApprovalRecord {
    pub fn summary(&self) -> ApprovalSummary {
        ApprovalSummary {
            number: self.number.clone(),
            transport_type: self.transport_type,
            trainings: self.trainings.clone(),
            starts_on: self.starts_on.clone(),
            ends_on: self.ends_on.clone(),
        }
    }
}

/// Parses a UTF-8, `;`-separated approvals file with its header row.
pub fn parse_file(text: &str) -> Result<ParsedFile, String> {
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines().enumerate();
    let header: Vec<String> = lines
        .next()
        .map(|(_, l)| {
            l.split(';')
                .map(|c| c.trim().to_ascii_lowercase())
                .collect()
        })
        .ok_or("empty file")?;
    if header != HEADER {
        return Err(format!("the header must be: {}", HEADER.join(";")));
    }
    let mut out = ParsedFile::default();
    let mut seen = std::collections::HashSet::new();
    for (index, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let number = index + 1;
        match parse_line(line) {
            Ok(record) if !seen.insert(record.number.clone()) => out.rejected.push(RejectedLine {
                line: number,
                reason: format!("approval {} appears twice in the file", record.number),
            }),
            Ok(record) => out.records.push(record),
            Err(reason) => out.rejected.push(RejectedLine {
                line: number,
                reason,
            }),
        }
    }
    Ok(out)
}

fn parse_line(line: &str) -> Result<ApprovalRecord, String> {
    let cells: Vec<&str> = line.split(';').map(str::trim).collect();
    if cells.len() != HEADER.len() {
        return Err(format!(
            "{} columns instead of {}",
            cells.len(),
            HEADER.len()
        ));
    }
    let number = cells[0];
    if number.is_empty()
        || number.len() > 40
        || !number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '/')
    {
        return Err(format!("numero_agrement {number:?} is not valid"));
    }
    let siret = Siret::parse(cells[1]).map_err(|e| format!("siret {:?}: {e}", cells[1]))?;
    let transport_type = TransportType::parse(cells[2])
        .ok_or_else(|| format!("type {:?}: expected voyageurs or marchandises", cells[2]))?;
    let mut trainings = Vec::new();
    for t in cells[3].split('|') {
        let training = Training::parse(t)
            .ok_or_else(|| format!("formation {t:?}: expected FIMO, PASSERELLE or FCO"))?;
        if !trainings.contains(&training) {
            trainings.push(training);
        }
    }
    trainings.sort();
    let starts_on = iso_date(cells[4])
        .ok_or_else(|| format!("date_debut {:?} is not a date YYYY-MM-DD", cells[4]))?;
    let ends_on = match cells[5] {
        "" => None,
        d => Some(iso_date(d).ok_or_else(|| format!("date_fin {d:?} is not a date YYYY-MM-DD"))?),
    };
    if ends_on
        .as_deref()
        .is_some_and(|end| end < starts_on.as_str())
    {
        return Err("date_fin is before date_debut".into());
    }
    if cells[6].is_empty() {
        return Err("region is empty".into());
    }
    if cells[6].chars().count() > 100
        || cells[6]
            .chars()
            .any(|c| crate::domain::is_invisible_or_control(c) || matches!(c, '<' | '>'))
    {
        return Err(format!("region {:?} is not a region name", cells[6]));
    }
    let notification_email = EmailAddress::parse(cells[7])
        .map_err(|e| format!("email_notification {:?}: {e}", cells[7]))?;
    Ok(ApprovalRecord {
        number: number.to_owned(),
        siret,
        transport_type,
        trainings,
        starts_on,
        ends_on,
        region: cells[6].to_owned(),
        notification_email,
    })
}

/// A real calendar date written `YYYY-MM-DD` (stored as text: it sorts like the date).
fn iso_date(input: &str) -> Option<String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(input, &format).ok()?;
    Some(input.to_owned())
}

/// Today's date in France's calendar, `YYYY-MM-DD` (UTC is close enough for day granularity).
pub fn today() -> String {
    crate::server::store::iso_day(now())
}

fn trainings_code(trainings: &[Training]) -> String {
    trainings
        .iter()
        .map(|t| t.code())
        .collect::<Vec<_>>()
        .join("|")
}

impl Store {
    /// Inserts or updates every record, all in one transaction with their notices and audit
    /// events: a failure imports, sends and records nothing. Re-importing a file sends nothing.
    pub async fn import_approvals(
        &self,
        file: ParsedFile,
        notices: Notices<'_>,
    ) -> Result<ImportReport, StoreError> {
        let mut report = ImportReport {
            rejected: file.rejected,
            ..Default::default()
        };
        let mut tx = self.begin().await?;
        for r in &file.records {
            let existing = sqlx::query(
                "SELECT siret, transport_type, trainings, starts_on, ends_on, region, \
                 notification_email FROM approvals WHERE number = $1",
            )
            .bind(&r.number)
            .fetch_optional(&mut *tx)
            .await?;
            let values = (
                r.siret.as_digits().to_owned(),
                r.transport_type.code().to_owned(),
                trainings_code(&r.trainings),
                r.starts_on.clone(),
                r.ends_on.clone(),
                r.region.clone(),
                r.notification_email.as_str().to_owned(),
            );
            match existing {
                Some(row) => {
                    let stored = (
                        row.try_get::<String, _>("siret")?,
                        row.try_get::<String, _>("transport_type")?,
                        row.try_get::<String, _>("trainings")?,
                        row.try_get::<String, _>("starts_on")?,
                        row.try_get::<Option<String>, _>("ends_on")?,
                        row.try_get::<String, _>("region")?,
                        row.try_get::<String, _>("notification_email")?,
                    );
                    if stored == values {
                        report.unchanged += 1;
                        continue;
                    }
                    sqlx::query(
                        "UPDATE approvals SET siret = $1, transport_type = $2, trainings = $3, \
                         starts_on = $4, ends_on = $5, region = $6, notification_email = $7, \
                         imported_at = $8 WHERE number = $9",
                    )
                    .bind(values.0)
                    .bind(values.1)
                    .bind(values.2)
                    .bind(values.3)
                    .bind(values.4)
                    .bind(values.5)
                    .bind(values.6)
                    .bind(now())
                    .bind(&r.number)
                    .execute(&mut *tx)
                    .await?;
                    report.updated += 1;
                    let event = Event::new(EventKind::ApprovalImported)
                        .siret(r.siret.as_digits())
                        .detail(format!("approval {} updated", r.number));
                    Store::audit_in(&mut tx, &event).await?;
                }
                None => {
                    sqlx::query(
                        "INSERT INTO approvals (number, siret, transport_type, trainings, \
                         starts_on, ends_on, region, notification_email, imported_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(&r.number)
                    .bind(values.0)
                    .bind(values.1)
                    .bind(values.2)
                    .bind(values.3)
                    .bind(values.4)
                    .bind(values.5)
                    .bind(values.6)
                    .bind(now())
                    .execute(&mut *tx)
                    .await?;
                    report.inserted += 1;
                    let event = Event::new(EventKind::ApprovalImported)
                        .siret(r.siret.as_digits())
                        .detail(format!("approval {} recorded", r.number));
                    Store::audit_in(&mut tx, &event).await?;
                    if let Notices::Send { public_url } = notices {
                        let email = notice_for(&mut tx, r, public_url).await?;
                        Store::enqueue_email(&mut tx, &email).await?;
                        report.notified += 1;
                    }
                }
            }
        }
        tx.commit().await?;
        Ok(report)
    }

    /// Every approval, or those of one SIRET, as stored (operator listing).
    pub async fn list_approvals(
        &self,
        siret: Option<&Siret>,
    ) -> Result<Vec<StoredApproval>, StoreError> {
        let rows = sqlx::query(
            "SELECT number, siret, transport_type, trainings, starts_on, ends_on, region, \
             notification_email FROM approvals WHERE $1 = '' OR siret = $2 ORDER BY siret, number",
        )
        .bind(siret.map(Siret::as_digits).unwrap_or_default())
        .bind(siret.map(Siret::as_digits).unwrap_or_default())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredApproval {
                    number: r.try_get("number")?,
                    siret: r.try_get("siret")?,
                    transport_type: r.try_get("transport_type")?,
                    trainings: r.try_get("trainings")?,
                    starts_on: r.try_get("starts_on")?,
                    ends_on: r.try_get("ends_on")?,
                    region: r.try_get("region")?,
                    notification_email: r.try_get("notification_email")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// Every approval of `siret`, in force or not, oldest first.
    pub async fn approvals_of(&self, siret: &Siret) -> Result<Vec<ApprovalSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT number, transport_type, trainings, starts_on, ends_on FROM approvals \
             WHERE siret = $1 ORDER BY starts_on, number",
        )
        .bind(siret.as_digits())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(summary)
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// The approvals of `siret` in force on `day` (`YYYY-MM-DD`).
    pub async fn approvals_in_force(
        &self,
        siret: &Siret,
        day: &str,
    ) -> Result<Vec<ApprovalSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT number, transport_type, trainings, starts_on, ends_on FROM approvals \
             WHERE siret = $1 AND starts_on <= $2 AND (ends_on IS NULL OR ends_on >= $3) \
             ORDER BY starts_on, number",
        )
        .bind(siret.as_digits())
        .bind(day)
        .bind(day)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(summary)
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }
}

/// The notice of a new approval: « nouvel agrément » to the account of the SIRET when it has
/// one, else the seed's « Agrément CFA » to the DREAL's address with a pre-filled signup link.
async fn notice_for(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    r: &ApprovalRecord,
    public_url: &str,
) -> Result<OutgoingEmail, StoreError> {
    let account = sqlx::query("SELECT email FROM accounts WHERE siret = $1")
        .bind(r.siret.as_digits())
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match account {
        Some(row) => emails::new_approval_notice(
            &row.try_get::<String, _>("email")?,
            &r.siret,
            &r.summary(),
            &format!("{public_url}/espace"),
        ),
        None => emails::approval_granted(
            r.notification_email.as_str(),
            &r.siret,
            &r.summary(),
            &format!("{public_url}/inscription?siret={}", r.siret.as_digits()),
        ),
    })
}

fn summary(row: &sqlx::any::AnyRow) -> Result<ApprovalSummary, sqlx::Error> {
    let transport: String = row.try_get("transport_type")?;
    let trainings: String = row.try_get("trainings")?;
    Ok(ApprovalSummary {
        number: row.try_get("number")?,
        transport_type: TransportType::parse(&transport).unwrap_or(TransportType::Passengers),
        trainings: trainings.split('|').filter_map(Training::parse).collect(),
        starts_on: row.try_get("starts_on")?,
        ends_on: row.try_get("ends_on")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_file_is_valid() {
        let parsed = parse_file(DEMO_APPROVALS).unwrap();
        assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
        assert_eq!(parsed.records.len(), 14);
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let text = "numero_agrement;siret;type;formations;date_debut;date_fin;region;email_notification\n\
            HDF-1;47728084603753;voyageurs;FIMO|FCO;2021-12-28;;Hauts-de-France;a@example.fr\n\
            HDF-2;47728084603754;voyageurs;FIMO;2021-12-28;;Hauts-de-France;a@example.fr\n\
            HDF-3;47728084603753;fret;FIMO;2021-12-28;;Hauts-de-France;a@example.fr\n\
            HDF-4;47728084603753;voyageurs;CACES;2021-12-28;;Hauts-de-France;a@example.fr\n\
            HDF-5;47728084603753;voyageurs;FIMO;2021-02-30;;Hauts-de-France;a@example.fr\n\
            HDF-6;47728084603753;voyageurs;FIMO;2021-12-28;2020-01-01;Hauts-de-France;a@example.fr\n\
            HDF-7;47728084603753;voyageurs;FIMO\n\
            HDF-1;47728084603753;voyageurs;FIMO;2021-12-28;;Hauts-de-France;a@example.fr\n";
        let parsed = parse_file(text).unwrap();
        assert_eq!(parsed.records.len(), 1);
        let lines: Vec<usize> = parsed.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 4, 5, 6, 7, 8, 9]);
        assert!(parsed.rejected[0].reason.contains("siret"));
        assert!(parsed.rejected[6].reason.contains("twice"));
    }

    proptest::proptest! {
        /// Any text: no panic, every line either imported or reported with its own number.
        #[test]
        fn any_file_is_parsed_without_panic(body in proptest::collection::vec(".{0,120}", 0..20)) {
            let header = HEADER.join(";");
            let text = format!("{header}\n{}", body.join("\n"));
            let parsed = parse_file(&text).unwrap();
            let lines = text.lines().count();
            proptest::prop_assert!(parsed.records.len() + parsed.rejected.len() <= lines);
            for r in &parsed.rejected {
                proptest::prop_assert!(r.line >= 2 && r.line <= lines);
            }
        }

        /// Hostile values in any column are refused or kept verbatim, never altered into
        /// something else.
        #[test]
        fn hostile_cells_never_slip_through(cell in "[<>'\"%;|\\\u{0}-\u{1f}\u{200b}a-z0-9@.-]{0,40}", column in 0usize..8) {
            let mut cells = [
                "HDF-1", "47728084603753", "voyageurs", "FIMO", "2021-12-28", "", "Hauts-de-France",
                "a@example.fr",
            ];
            cells[column] = &cell;
            let text = format!("{}\n{}\n", HEADER.join(";"), cells.join(";"));
            let parsed = parse_file(&text).unwrap();
            if let Some(r) = parsed.records.first() {
                proptest::prop_assert!(!r.number.contains(['<', '>', '\'', '"']));
                proptest::prop_assert!(!r.region.chars().any(char::is_control) || column != 6);
            }
        }
    }

    #[test]
    fn a_wrong_header_is_refused() {
        assert!(parse_file("siret;numero\n").is_err());
        assert!(parse_file("").is_err());
    }
}
