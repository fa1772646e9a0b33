//! Operator commands (`hubpro approvals list`, `accounts list`, `outbox status|retry`, `audit`):
//! what support needs when a centre calls. Each writes plain text to `out`.

use crate::domain::Siret;
use crate::server::store::{now, AccountState, Store, StoreError};
use std::io::Write;

/// Why an operator command failed.
#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
    #[error("{0}")]
    Ownership(#[from] crate::server::accounts::ownership::OwnershipError),
    #[error("{0}")]
    Handover(#[from] crate::server::accounts::handover::HandoverError),
    #[error("the new administrator: {0}")]
    Successor(String),
}

/// `2026-11-24 09:14:03 UTC`.
pub fn format_time(t: time::OffsetDateTime) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    t.format(&format)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// Stored text may come from users: never let it drive the operator's terminal.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

pub async fn list_approvals(
    store: &Store,
    siret: Option<&Siret>,
    out: &mut impl Write,
) -> Result<(), OperatorError> {
    let today = crate::server::registry::approvals::today();
    let rows = store.list_approvals(siret).await?;
    for a in &rows {
        let trainings: Vec<&str> = a.trainings.iter().map(|t| t.code()).collect();
        writeln!(
            out,
            "{number:<18} {siret}  {kind:<12} {trainings:<20} {start} → {end:<10}  {state:<9} {region} · {email}",
            number = clean(&a.number),
            siret = a.siret,
            kind = a.transport_type.code(),
            trainings = trainings.join("|"),
            start = a.starts_on,
            end = a.ends_on.map_or("…".to_owned(), |d| d.to_string()),
            state = if a.summary().in_force_on(today) { "en cours" } else { "expiré" },
            region = clean(&a.region),
            email = a.notification_email,
        )?;
    }
    writeln!(out, "{} approval(s)", rows.len())?;
    Ok(())
}

pub async fn list_accounts(store: &Store, out: &mut impl Write) -> Result<(), OperatorError> {
    let rows = store.list_accounts().await?;
    for (a, main) in &rows {
        writeln!(
            out,
            "#{id:<5} {siret}  {state:<8} {created}  {email}  {org} ({first} {last}){main}",
            id = a.id.0,
            siret = a.siret,
            state = a.state.code(),
            created = format_time(a.created_at),
            email = a.email,
            org = clean(a.organisation_name.as_str()),
            first = clean(a.first_name.as_str()),
            last = clean(a.last_name.as_str()),
            main = main
                .as_ref()
                .map(|m| format!("  attached to {m}"))
                .unwrap_or_default(),
        )?;
    }
    writeln!(out, "{} account(s)", rows.len())?;
    Ok(())
}

/// `hubpro accounts show SIRET`: who holds it, who held it, what happened last.
pub async fn show_account(
    store: &Store,
    siret: &Siret,
    out: &mut impl Write,
) -> Result<(), OperatorError> {
    writeln!(out, "SIRET {siret}")?;
    match store.account_by_siret(siret).await? {
        Some(a) => {
            let state = match a.state {
                AccountState::Active { .. } => "active".to_owned(),
                AccountState::Pending { until } if until > now() => {
                    format!("pending, holds the SIRET until {}", format_time(until))
                }
                AccountState::Pending { until } => format!(
                    "pending, link expired {} (a new signup replaces it)",
                    format_time(until)
                ),
            };
            writeln!(
                out,
                "account {}: {state}; address {}; created {}",
                a.id,
                a.email.masked(),
                format_time(a.created_at)
            )?;
        }
        None => writeln!(out, "no account: the SIRET is free")?,
    }
    let ended = store.ended_accounts_of(siret).await?;
    for e in &ended {
        writeln!(
            out,
            "ended account {}: {} {} (was {}, created {}): {}",
            e.account_id,
            e.reason,
            format_time(e.ended_at),
            e.state,
            format_time(e.created_at),
            masked(&clean(&e.detail))
        )?;
        writeln!(out, "    address {}", e.email.masked())?;
    }
    let events = store.audit_of(siret).await?;
    writeln!(out, "last events:")?;
    for e in events.iter().rev().take(10).rev() {
        writeln!(
            out,
            "  {at}  {kind:<24} {detail}",
            at = format_time(e.at),
            kind = e.kind,
            detail = masked(&clean(&e.detail)),
        )?;
    }
    Ok(())
}

/// The text with every address in it masked (`c***@exemple.fr`): `show` tells support who held
/// a SIRET without reading out whole addresses; `hubpro audit` keeps them for investigations.
fn masked(text: &str) -> String {
    text.split(' ')
        .map(|word| match crate::domain::EmailAddress::parse(word) {
            Ok(address) => address.masked(),
            Err(_) => word.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `hubpro accounts release SIRET --reason "…"`.
pub async fn release(
    store: &Store,
    siret: &Siret,
    reason: &str,
    out: &mut impl Write,
) -> Result<(), OperatorError> {
    crate::server::accounts::ownership::release(store, siret, reason).await?;
    writeln!(
        out,
        "account of SIRET {siret} released: the SIRET and its address are free"
    )?;
    Ok(())
}

/// `hubpro accounts resend SIRET`.
pub async fn resend(
    store: &Store,
    settings: &crate::server::config::OperatorSettings,
    siret: &Siret,
    out: &mut impl Write,
) -> Result<(), OperatorError> {
    crate::server::accounts::ownership::resend(
        store,
        &settings.public_url,
        &settings.support_contact,
        siret,
    )
    .await?;
    writeln!(
        out,
        "new password link queued for the pending account of SIRET {siret} (valid 72 hours); a running server sends it within seconds"
    )?;
    Ok(())
}

/// `hubpro accounts end-sessions SIRET --reason …`.
pub async fn end_sessions(
    store: &Store,
    settings: &crate::server::config::OperatorSettings,
    siret: &Siret,
    reason: &str,
    out: &mut impl Write,
) -> Result<(), OperatorError> {
    let ended = crate::server::accounts::ownership::end_sessions(
        store,
        &settings.public_url,
        &settings.support_contact,
        siret,
        reason,
    )
    .await?;
    writeln!(
        out,
        "{ended} session(s) of SIRET {siret} ended; the account is emailed (a running server sends it within seconds)"
    )?;
    Ok(())
}

pub async fn reset_second_factor(
    store: &Store,
    settings: &crate::server::config::OperatorSettings,
    siret: &Siret,
    reason: &str,
    out: &mut impl Write,
) -> Result<(), OperatorError> {
    let reset = crate::server::accounts::ownership::reset_second_factor(
        store,
        &settings.public_url,
        &settings.support_contact,
        siret,
        reason,
    )
    .await?;
    if reset {
        writeln!(
            out,
            "second factor of SIRET {siret} reset: the password alone opens the account; the account is emailed (a running server sends it within seconds)"
        )?;
    } else {
        writeln!(
            out,
            "the account of SIRET {siret} has no second factor: nothing changed"
        )?;
    }
    Ok(())
}

pub async fn outbox_status(store: &Store, out: &mut impl Write) -> Result<(), OperatorError> {
    let unsent = store.unsent_emails().await?;
    let failed = unsent.iter().filter(|e| e.attempts > 0).count();
    let abandoned = unsent.iter().filter(|e| e.abandoned).count();
    writeln!(
        out,
        "outbox: {} sent, {} waiting (first try), {} failed (retrying with backoff), {} failed for good (never sendable)",
        store.count_sent_emails().await?,
        unsent.len() - failed,
        failed - abandoned,
        abandoned
    )?;
    for e in &unsent {
        writeln!(
            out,
            "#{id:<6} queued {created}  {next}  attempts {attempts}  to {to}  « {subject} »{error}",
            id = e.id,
            created = format_time(e.created_at),
            next = if e.abandoned {
                "abandoned".to_owned()
            } else {
                format!("next try {}", format_time(e.next_attempt_at))
            },
            attempts = e.attempts,
            to = clean(&e.to),
            subject = clean(&e.subject),
            error = e
                .last_error
                .as_deref()
                .map(|m| format!("\n        last error: {}", clean(m)))
                .unwrap_or_default(),
        )?;
    }
    if failed > 0 {
        writeln!(
            out,
            "retry now: hubpro outbox retry --all (or one: hubpro outbox retry ID)"
        )?;
    }
    Ok(())
}

pub async fn outbox_retry(
    store: &Store,
    id: Option<i64>,
    out: &mut impl Write,
) -> Result<(), OperatorError> {
    let n = store.retry_failed_emails(id).await?;
    writeln!(
        out,
        "{n} failed email(s) due now; a running server sends them within seconds"
    )?;
    Ok(())
}

pub async fn audit(
    store: &Store,
    siret: &Siret,
    out: &mut impl Write,
) -> Result<(), OperatorError> {
    let events = store.audit_of(siret).await?;
    for e in &events {
        writeln!(
            out,
            "{at}  {kind:<24} ip {ip:<15} {account}{detail}",
            at = format_time(e.at),
            kind = e.kind,
            ip = e.ip.as_deref().map(clean).unwrap_or_else(|| "-".into()),
            account = e
                .account_id
                .map(|id| format!("account {id}  "))
                .unwrap_or_default(),
            detail = clean(&e.detail),
        )?;
    }
    writeln!(out, "{} event(s) for SIRET {siret}", events.len(),)?;
    Ok(())
}

/// `hubpro accounts handover SIRET --to ADDRESS --last-name … --first-name … --reason …`:
/// support designates the new administrator of an active account (the centre lost its
/// address); the new address gets its link, the current one is told.
pub async fn handover(
    store: &Store,
    settings: &crate::server::config::OperatorSettings,
    siret: &Siret,
    form: &crate::domain::HandoverForm,
    reason: &str,
    out: &mut impl Write,
) -> Result<(), OperatorError> {
    use crate::server::accounts::handover::{start_by_support, HandoverError};
    let notices = crate::server::accounts::auth::Notices {
        public_url: &settings.public_url,
        support: &settings.support_contact,
    };
    match start_by_support(store, &notices, siret, form, reason).await {
        Ok(successor) => {
            writeln!(
                out,
                "handover of SIRET {siret} to {} started: a link (72 hours) is sent to that \
                 address, the current administrator is told and may cancel it until it is \
                 accepted (a running server sends the emails within seconds)",
                successor.email
            )?;
            Ok(())
        }
        Err(HandoverError::Invalid(fields)) => Err(OperatorError::Successor(
            fields
                .iter()
                .map(|(field, problem)| problem.message_on(*field))
                .collect::<Vec<_>>()
                .join(" "),
        )),
        Err(e) => Err(e.into()),
    }
}

/// `hubpro accounts inactive`: the notices and closures of inactive accounts due in the next
/// 30 days.
pub async fn inactive(
    store: &Store,
    settings: &crate::server::config::OperatorSettings,
    out: &mut impl Write,
) -> Result<(), OperatorError> {
    use crate::server::ops::inactivity::{upcoming, Step};
    let t = now();
    let steps = upcoming(store, &settings.lifecycle, t, t + time::Duration::days(30)).await?;
    for s in &steps {
        writeln!(
            out,
            "{on}  {step:<8} {siret}  {email:<30} last login {last}",
            on = s.on.date(),
            step = match s.step {
                Step::Notice => "notice",
                Step::Closure => "closure",
            },
            siret = s.account.siret,
            email = s.account.email.masked(),
            last = s.last_login.date(),
        )?;
    }
    let lifecycle = settings.lifecycle;
    writeln!(
        out,
        "{} step(s) in the next 30 days (notice after {} months without a login, closure after {})",
        steps.len(),
        lifecycle.inactive_notice_months,
        lifecycle.inactive_close_months
    )?;
    Ok(())
}

/// `hubpro purge`: what the server's hourly purge does, now.
pub async fn purge(
    store: &Store,
    retention: crate::server::store::Retention,
    out: &mut impl Write,
) -> Result<(), OperatorError> {
    let p = store.purge(retention, crate::server::store::now()).await?;
    writeln!(
        out,
        "purged: {} session(s), {} dead link(s), {} counter(s), {} sent and {} undelivered email \
         body(ies) emptied, {} old email(s), {} audit event(s) and {} ended account(s) older than \
         {} days (closed ones: {} days), {} cached INSEE answer(s), {} browser(s) unused for a \
         year",
        p.sessions,
        p.links,
        p.counters,
        p.email_bodies,
        p.undelivered_email_bodies,
        p.emails,
        p.audit_events,
        p.ended_accounts,
        retention.audit_days,
        retention.closed_days,
        p.insee_answers,
        p.known_devices
    )?;
    Ok(())
}
