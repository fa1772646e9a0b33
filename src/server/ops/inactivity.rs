//! Inactive accounts: without a login for `inactive_notice_months`, the account is told it will
//! be closed; for `inactive_close_months` (and told at least [`NOTICE_AHEAD`] before), it is
//! closed as « Clôturer le compte » would. Run with the hourly purge; `hubpro accounts inactive`
//! lists what happens in the next 30 days.

use crate::routes::PublicUrl;
use crate::server::accounts::closure::{self, Closure};
use crate::server::config::Lifecycle;
use crate::server::mail::emails::{self, Centre, ClosedBy};
use crate::server::store::{
    Account, Duration, Event, EventKind, Inactive, OffsetDateTime, Store, StoreError,
};

/// The notice comes at least this long before the closure.
pub const NOTICE_AHEAD: Duration = Duration::days(30);

/// A month, for these periods: a twelfth of a year.
fn months(n: u32) -> Duration {
    Duration::days(i64::from(n) * 365 / 12)
}

/// What happens to an inactive account, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Notice,
    Closure,
}

/// One account's next step.
#[derive(Clone, Debug)]
pub struct Upcoming {
    pub account: Account,
    pub last_login: OffsetDateTime,
    pub step: Step,
    pub on: OffsetDateTime,
}

/// When `inactive`'s next step falls due under `lifecycle`.
fn next_step(inactive: &Inactive, lifecycle: &Lifecycle) -> (Step, OffsetDateTime) {
    match inactive.noticed {
        None => (
            Step::Notice,
            inactive.last_login + months(lifecycle.inactive_notice_months),
        ),
        Some(noticed) => (
            Step::Closure,
            (inactive.last_login + months(lifecycle.inactive_close_months))
                .max(noticed + NOTICE_AHEAD)
                .max(inactive.announced.unwrap_or(noticed)),
        ),
    }
}

/// The steps due by `until` (an operator's preview: nothing is changed).
pub async fn upcoming(
    store: &Store,
    lifecycle: &Lifecycle,
    now: OffsetDateTime,
    until: OffsetDateTime,
) -> Result<Vec<Upcoming>, StoreError> {
    let cutoff = until - months(lifecycle.inactive_notice_months);
    let mut steps = Vec::new();
    for inactive in store.inactive_accounts(cutoff).await? {
        let (step, due) = next_step(&inactive, lifecycle);
        // A notice not sent yet is followed by its closure: both are listed.
        if step == Step::Notice && due.max(now) + NOTICE_AHEAD <= until {
            let closure = (inactive.last_login + months(lifecycle.inactive_close_months))
                .max(due.max(now) + NOTICE_AHEAD);
            if closure <= until {
                steps.push(Upcoming {
                    account: inactive.account.clone(),
                    last_login: inactive.last_login,
                    step: Step::Closure,
                    on: closure,
                });
            }
        }
        if due <= until {
            steps.push(Upcoming {
                account: inactive.account,
                last_login: inactive.last_login,
                step,
                on: due.max(now),
            });
        }
    }
    steps.sort_by_key(|s| (s.on, s.account.id.0));
    Ok(steps)
}

/// How many accounts were told, and closed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub noticed: u64,
    pub closed: u64,
}

/// Sends the notices and makes the closures due at `now`.
pub async fn sweep(
    store: &Store,
    lifecycle: &Lifecycle,
    links: (&PublicUrl, &str),
    now: OffsetDateTime,
) -> Result<Swept, StoreError> {
    let (public_url, support) = links;
    let notice_cutoff = now - months(lifecycle.inactive_notice_months);
    let mut swept = Swept::default();
    for inactive in store.inactive_accounts(notice_cutoff).await? {
        let (step, due) = next_step(&inactive, lifecycle);
        if due > now {
            continue;
        }
        let account = &inactive.account;
        match step {
            Step::Notice => {
                let closing_on = (inactive.last_login + months(lifecycle.inactive_close_months))
                    .max(now + NOTICE_AHEAD);
                let mut tx = store.begin().await?;
                tx.lock_account(account.id).await?;
                if !tx
                    .mark_inactivity_notice(account.id, notice_cutoff, closing_on)
                    .await?
                {
                    continue;
                }
                tx.enqueue_email(&emails::inactivity_notice(
                    &account.email,
                    &account.first_name,
                    &Centre {
                        organisation: &account.organisation_name,
                        siret: &account.siret,
                    },
                    inactive.last_login,
                    closing_on.date(),
                    public_url,
                ))
                .await?;
                tx.audit(
                    &Event::new(EventKind::InactivityNotice)
                        .siret(&account.siret)
                        .account(account.id)
                        .detail(format!(
                            "no login since {}: told it closes on {}",
                            inactive.last_login.date(),
                            closing_on.date()
                        )),
                )
                .await?;
                tx.commit().await?;
                swept.noticed += 1;
            }
            Step::Closure => {
                let closure = Closure {
                    owner: None,
                    by: ClosedBy::Inactivity {
                        months: lifecycle.inactive_close_months,
                    },
                    retention_days: lifecycle.closed_retention_days,
                    support,
                    ip: None,
                };
                let unused_since = now - months(lifecycle.inactive_close_months);
                if closure::close(store, account.id, Some(unused_since), &closure).await? {
                    swept.closed += 1;
                }
            }
        }
    }
    Ok(swept)
}
