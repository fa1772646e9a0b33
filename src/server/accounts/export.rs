//! « Télécharger mes données » (GDPR articles 15 and 20): what the portal keeps about a centre's
//! account, as one JSON document whose fields `docs/data-export.md` describes. Made at each
//! request; secrets (password hash, sealed keys, code hashes, session ids) never leave.

use crate::server::accounts::sessions;
use crate::server::store::{
    now, Account, Event, EventKind, OffsetDateTime, SessionId, Store, StoreError,
};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;

/// The version of the document's shape.
pub const FORMAT: &str = "hubpro-donnees-centre-v1";

#[derive(Debug, Serialize)]
pub struct CentreData {
    pub format: &'static str,
    pub generated_at: String,
    pub account: AccountData,
    pub approvals: Vec<ApprovalData>,
    /// The main establishment whose contract this one is attached to, if any.
    pub main_establishment: Option<EstablishmentRef>,
    pub attached_establishments: Vec<AttachedData>,
    pub open_sessions: Vec<SessionData>,
    pub second_factor: FactorData,
    pub audit_events: Vec<EventData>,
}

#[derive(Debug, Serialize)]
pub struct AccountData {
    pub siret: String,
    pub organisation: String,
    pub last_name: String,
    pub first_name: String,
    pub email: String,
    pub state: &'static str,
    pub created_at: String,
}

#[derive(Debug, Serialize)]
pub struct ApprovalData {
    pub number: String,
    pub trainings: Vec<String>,
    pub starts_on: String,
    pub ends_on: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct EstablishmentRef {
    pub siret: String,
    pub organisation: String,
}

#[derive(Debug, Serialize)]
pub struct AttachedData {
    pub siret: String,
    pub name: Option<String>,
    pub contact_email: String,
    pub since: String,
    pub state: &'static str,
}

#[derive(Debug, Serialize)]
pub struct SessionData {
    pub browser: Option<String>,
    pub system: Option<String>,
    pub ip: String,
    pub opened_at: String,
    pub last_seen_at: String,
    pub current: bool,
}

#[derive(Debug, Serialize)]
pub struct FactorData {
    pub authenticator_app_since: Option<String>,
    pub passkeys: Vec<PasskeyData>,
    pub recovery_codes_left: i64,
}

#[derive(Debug, Serialize)]
pub struct PasskeyData {
    pub name: String,
    pub added_at: String,
    pub last_used_at: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct EventData {
    pub at: String,
    pub kind: String,
    pub ip: Option<String>,
    pub detail: String,
}

fn instant(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

fn day(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The account's data, from the session that asks (its own is marked `current`); the request
/// is audited.
pub async fn centre_data(
    store: &Store,
    account: &Account,
    current: &SessionId,
    ip: &str,
) -> Result<CentreData, StoreError> {
    use crate::domain::AttachmentState;
    let listed = sessions::list(store, account.id, current).await?;
    let factors = store.factor_summary(account.id).await?;
    let main = store.attachment_owner(&account.siret).await?;
    let events = store
        .audit_of(&account.siret)
        .await?
        .into_iter()
        // Events of an earlier account of the SIRET are another person's.
        .filter(|e| e.account_id == Some(account.id))
        .map(|e| EventData {
            at: instant(e.at),
            kind: e.kind,
            ip: e.ip,
            detail: e.detail,
        })
        .collect();
    let data = CentreData {
        format: FORMAT,
        generated_at: instant(now()),
        account: AccountData {
            siret: account.siret.as_digits().to_owned(),
            organisation: account.organisation_name.to_string(),
            last_name: account.last_name.to_string(),
            first_name: account.first_name.to_string(),
            email: account.email.to_string(),
            state: account.state.code(),
            created_at: instant(account.created_at),
        },
        approvals: store
            .approvals_of(&account.siret)
            .await?
            .into_iter()
            .map(|a| ApprovalData {
                trainings: a.labels(),
                number: a.number,
                starts_on: day(a.starts_on),
                ends_on: a.ends_on.map(day),
            })
            .collect(),
        main_establishment: main.map(|o| EstablishmentRef {
            siret: o.main_siret.as_digits().to_owned(),
            organisation: o.main_organisation.to_string(),
        }),
        attached_establishments: store
            .attachments_of(account.id)
            .await?
            .into_iter()
            .map(|a| AttachedData {
                siret: a.siret.as_digits().to_owned(),
                name: a.name,
                contact_email: a.contact_email.to_string(),
                since: day(a.since),
                state: match a.state {
                    AttachmentState::Invited => "invited",
                    AttachmentState::AccountPending => "account_pending",
                    AttachmentState::AccountActive => "account_active",
                },
            })
            .collect(),
        open_sessions: listed
            .open
            .into_iter()
            .map(|s| SessionData {
                browser: s.browser,
                system: s.system,
                ip: s.ip,
                opened_at: instant(s.opened),
                last_seen_at: instant(s.last_seen),
                current: s.current,
            })
            .collect(),
        second_factor: FactorData {
            authenticator_app_since: factors.totp_since.map(instant),
            passkeys: store
                .passkeys_of(account.id)
                .await?
                .into_iter()
                .map(|p| PasskeyData {
                    name: p.name,
                    added_at: instant(p.created),
                    last_used_at: p.last_used.map(instant),
                })
                .collect(),
            recovery_codes_left: factors.codes_left,
        },
        audit_events: events,
    };
    let event = Event::new(EventKind::DataDownloaded)
        .siret(&account.siret)
        .account(account.id)
        .ip(ip)
        .detail("the centre downloaded its data");
    store.audit(&event).await;
    Ok(data)
}
