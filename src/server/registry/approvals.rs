//! The approvals registry (agréments): our own tables, loaded from the DREAL's CSV files with
//! `hubpro approvals import FILE.csv`.

use crate::domain::{EmailAddress, Siret, Training, TransportType};
use crate::routes::PublicUrl;
use crate::server::mail::emails;
use crate::server::mail::mailer::OutgoingEmail;
use crate::server::store::{now, Approval, Store, StoreError, Tx};
use crate::server::store::{Event, EventKind};

/// The bundled demo approvals (fictitious), loaded at start-up in demo mode.
pub const DEMO_APPROVALS: &str = include_str!("../../../demo/agrements-demo.csv");

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

/// A line that was not imported, with its number in the file (header = line 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RejectedLine {
    pub line: usize,
    pub reason: String,
}

/// What a file holds: the valid records and the rejected lines.
#[derive(Debug, Default)]
pub struct ParsedFile {
    pub records: Vec<Approval>,
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

/// Whether an import emails the new approvals' notices.
#[derive(Clone, Copy, Debug)]
pub enum Notices<'a> {
    /// Queue them; links point at this public URL.
    Send { public_url: &'a PublicUrl },
    /// Record silently (initial load of an existing registry).
    Skip,
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

fn parse_line(line: &str) -> Result<Approval, String> {
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
    if ends_on.is_some_and(|end| end < starts_on) {
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
    Ok(Approval {
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

/// A real calendar date written `YYYY-MM-DD`.
fn iso_date(input: &str) -> Option<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(input, &format).ok()
}

/// Today in France's calendar (UTC is close enough for day granularity).
pub fn today() -> time::Date {
    now().date()
}

/// Inserts or updates every record, all in one transaction with their notices and audit events:
/// a failure imports, sends and records nothing. Re-importing a file sends nothing.
pub async fn import(
    store: &Store,
    file: ParsedFile,
    notices: Notices<'_>,
) -> Result<ImportReport, StoreError> {
    let mut report = ImportReport {
        rejected: file.rejected,
        ..Default::default()
    };
    let mut tx = store.begin().await?;
    for r in &file.records {
        let existing = tx.approval(&r.number).await?;
        if existing.as_ref() == Some(r) {
            report.unchanged += 1;
            continue;
        }
        tx.upsert_approval(r).await?;
        let detail = if existing.is_some() {
            report.updated += 1;
            format!("approval {} updated", r.number)
        } else {
            report.inserted += 1;
            format!("approval {} recorded", r.number)
        };
        tx.audit(
            &Event::new(EventKind::ApprovalImported)
                .siret(&r.siret)
                .detail(detail),
        )
        .await?;
        if let (None, Notices::Send { public_url }) = (&existing, notices) {
            let email = notice_for(&mut tx, r, public_url).await?;
            tx.enqueue_email(&email).await?;
            report.notified += 1;
        }
    }
    tx.commit().await?;
    Ok(report)
}

/// The notice of a new approval: « nouvel agrément » to the account of the SIRET when it has
/// one, else the seed's « Agrément CFA » to the DREAL's address with a pre-filled signup link.
async fn notice_for(
    tx: &mut Tx,
    r: &Approval,
    public_url: &PublicUrl,
) -> Result<OutgoingEmail, StoreError> {
    Ok(match tx.account_by_siret(&r.siret).await? {
        Some(account) => {
            emails::new_approval_notice(&account.email, &r.siret, &r.summary(), &public_url.space())
        }
        None => emails::approval_granted(
            &r.notification_email,
            &r.siret,
            &r.summary(),
            &public_url.signup_prefilled(&r.siret, None),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_file_is_valid() {
        let parsed = parse_file(DEMO_APPROVALS).unwrap();
        assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
        assert_eq!(parsed.records.len(), 18);
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

    use proptest::prelude::*;

    /// Column names, as rejection reasons name them.
    const COLUMN_WORDS: [&str; 8] = [
        "numero_agrement",
        "siret",
        "type",
        "formation",
        "date_debut",
        "date_fin",
        "region",
        "email_notification",
    ];

    fn valid_siret() -> impl Strategy<Value = Siret> {
        "[0-9]{13}".prop_map(|stem| {
            (0..10)
                .find_map(|d| Siret::parse(&format!("{stem}{d}")).ok())
                .expect("one check digit of ten fits")
        })
    }

    fn day() -> impl Strategy<Value = time::Date> {
        (2000i32..2040, 1u16..=365).prop_map(|(y, d)| time::Date::from_ordinal_date(y, d).unwrap())
    }

    prop_compose! {
        fn approval()(
            number in "[A-Z]{2,4}-[0-9]{4}-[VM]-[0-9]{1,6}",
            siret in valid_siret(),
            goods in any::<bool>(),
            trainings in proptest::sample::subsequence(
                vec![Training::Fimo, Training::Passerelle, Training::Fco], 1..=3),
            starts_on in day(),
            length in proptest::option::of(0i64..4000),
            region in "[A-Z][a-zé]{2,12}(-[A-Z][a-zé]{2,12}){0,2}",
            email in "[a-z]{1,10}(\\.[a-z]{1,5})?@[a-z]{2,10}\\.(fr|com)",
        ) -> Approval {
            Approval {
                number,
                siret,
                transport_type: if goods { TransportType::Goods } else { TransportType::Passengers },
                trainings,
                starts_on,
                ends_on: length.map(|days| starts_on + time::Duration::days(days)),
                region,
                notification_email: EmailAddress::parse(&email).unwrap(),
            }
        }
    }

    /// The line of a file that holds `a`, written as the DREAL writes it.
    fn line_of(a: &Approval) -> String {
        let iso =
            |d: time::Date| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
        [
            a.number.clone(),
            a.siret.as_digits().to_owned(),
            a.transport_type.code().to_owned(),
            a.trainings
                .iter()
                .map(|t| t.code())
                .collect::<Vec<_>>()
                .join("|"),
            iso(a.starts_on),
            a.ends_on.map(iso).unwrap_or_default(),
            a.region.clone(),
            a.notification_email.to_string(),
        ]
        .join(";")
    }

    proptest! {
        /// Any text: no panic, and every non-blank line after the header is accounted for exactly
        /// once, as a record or as a rejection naming its own line.
        #[test]
        fn every_line_is_imported_or_reported_once(body in proptest::collection::vec(".{0,120}", 0..20)) {
            let text = format!("{}\n{}", HEADER.join(";"), body.join("\n"));
            let parsed = parse_file(&text).unwrap();
            let non_blank: Vec<usize> = text
                .lines()
                .enumerate()
                .skip(1)
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, _)| i + 1)
                .collect();
            prop_assert_eq!(parsed.records.len() + parsed.rejected.len(), non_blank.len());
            let mut reported: Vec<usize> = parsed.rejected.iter().map(|r| r.line).collect();
            reported.dedup();
            prop_assert_eq!(reported.len(), parsed.rejected.len(), "a line reported twice");
            for line in reported {
                prop_assert!(non_blank.contains(&line), "line {} is not a line of the file", line);
            }
        }

        /// Valid approvals written to a file come back exactly as they were.
        #[test]
        fn valid_lines_round_trip(approvals in proptest::collection::vec(approval(), 1..8)) {
            let mut seen = std::collections::HashSet::new();
            let unique: Vec<Approval> = approvals
                .into_iter()
                .filter(|a| seen.insert(a.number.clone()))
                .collect();
            let text = format!(
                "{}\n{}\n",
                HEADER.join(";"),
                unique.iter().map(line_of).collect::<Vec<_>>().join("\n")
            );
            let parsed = parse_file(&text).unwrap();
            prop_assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
            let mut expected = unique;
            for a in &mut expected {
                a.trainings.sort();
            }
            prop_assert_eq!(parsed.records, expected);
        }

        /// A hostile value in any column is either rejected with a reason naming that column,
        /// or kept as typed (outer spaces aside): never altered into something else.
        #[test]
        fn hostile_cells_are_refused_by_name_or_kept_verbatim(
            cell in "[<>'\"%;|\\\u{0}-\u{1f}\u{200b}a-zA-Z0-9@. -]{0,40}",
            column in 0usize..8,
        ) {
            // A line break makes two lines: the first property covers that.
            prop_assume!(!cell.contains(['\n', '\r']));
            let mut cells = [
                "HDF-1", "47728084603753", "voyageurs", "FIMO", "2021-12-28", "", "Hauts-de-France",
                "a@example.fr",
            ];
            cells[column] = &cell;
            let text = format!("{}\n{}\n", HEADER.join(";"), cells.join(";"));
            let parsed = parse_file(&text).unwrap();
            match (parsed.records.first(), parsed.rejected.first()) {
                (Some(r), None) => {
                    let kept = cell.trim();
                    match column {
                        0 => prop_assert_eq!(r.number.as_str(), kept),
                        1 => {
                            let digits: String = cell.chars().filter(char::is_ascii_digit).collect();
                            prop_assert_eq!(r.siret.as_digits(), digits.as_str());
                            prop_assert!(cell.chars().all(|c| c.is_ascii_digit() || c.is_whitespace()));
                        }
                        6 => prop_assert_eq!(r.region.as_str(), kept),
                        7 => prop_assert_eq!(r.notification_email.as_str(), kept),
                        _ => {}
                    }
                }
                (None, Some(rejected)) => {
                    // A `;` moves every later cell: the line is then refused for its columns.
                    prop_assert!(
                        rejected.reason.contains(COLUMN_WORDS[column])
                            || (cell.contains(';') && rejected.reason.contains("columns")),
                        "column {} refused for {:?}", COLUMN_WORDS[column], rejected.reason
                    );
                }
                other => prop_assert!(false, "one line, one outcome: {:?}", other),
            }
        }
    }

    #[test]
    fn a_wrong_header_is_refused() {
        assert!(parse_file("siret;numero\n").is_err());
        assert!(parse_file("").is_err());
    }
}
