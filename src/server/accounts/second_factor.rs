//! The second factor: an authenticator app (RFC 6238: 6 digits, 30-second steps, one step of
//! clock drift either way, each code accepted once) and ten recovery codes, each usable once.
//! Turning it on, off, or renewing the codes asks for a recent login; wrong codes are slowed
//! down like wrong passwords; every change is audited and told to the account's address.

use crate::domain::messages::browser_label;
use crate::domain::{FactorCode, RecoveryCode};
use crate::server::accounts::sessions;
use crate::server::accounts::throttle::{self, Turn};
use crate::server::accounts::{auth_error::AuthError, notices::Notices};
use crate::server::clients::ClientIp;
use crate::server::mail::emails::{self, FactorChange, FactorNotice};
use crate::server::sealing::{SecretKey, Unsealable};
use crate::server::store::{
    now, Account, AccountId, Event, EventKind, SessionId, Store, StoreError, Tx,
};
use totp_rs::{Algorithm, TOTP};

/// The name authenticator apps show beside the account.
pub const ISSUER: &str = "Hub Pro Transport";
/// Seconds per code.
const STEP: u64 = 30;
/// Random bytes of an app's secret (160 bits, RFC 4226's recommendation).
const SECRET_BYTES: usize = 20;
/// Recovery codes given at a time.
pub const RECOVERY_CODES: usize = 10;
const TOTP_PURPOSE: &str = "totp";
const CODES_PURPOSE: &str = "recovery codes";

/// What the set-up page shows: the secret as a QR code and as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setup {
    /// The `otpauth://` address as an SVG QR code, drawn here.
    pub qr_svg: String,
    /// The secret in base 32, grouped by four for people who type it.
    pub secret_grouped: String,
}

/// Who asks, and from where: the session and its browser, for the recent-login check and the
/// notices.
pub struct Asker<'a> {
    pub account: &'a Account,
    pub session: &'a SessionId,
    pub ip: &'a ClientIp,
    pub user_agent: &'a str,
}

impl<'a> Asker<'a> {
    pub fn origin(&self) -> Origin<'a> {
        Origin {
            account: self.account,
            ip: self.ip,
            user_agent: self.user_agent,
        }
    }
}

/// Whose account, and from where, a change came: what its notice says.
#[derive(Clone, Copy)]
pub struct Origin<'a> {
    pub account: &'a Account,
    pub ip: &'a ClientIp,
    pub user_agent: &'a str,
}

/// Services of this module: the store, the key and where notices point to.
#[derive(Clone, Copy)]
pub struct Factors<'a> {
    pub store: &'a Store,
    pub key: &'a SecretKey,
    pub notices: Notices<'a>,
}

impl From<Unsealable> for AuthError {
    fn from(e: Unsealable) -> Self {
        AuthError::Store(StoreError::Corrupt {
            column: "totp_factors.sealed",
            detail: e.to_string(),
        })
    }
}

impl Factors<'_> {
    /// « Activer »: a new secret, waiting for its first code (a previous unconfirmed one is
    /// replaced). Needs a recent login.
    pub async fn start(&self, asker: &Asker<'_>) -> Result<(), AuthError> {
        sessions::require_recent_login(self.store, asker.session).await?;
        let secret: [u8; SECRET_BYTES] = rand::random();
        let sealed = self.key.seal(asker.account.id, TOTP_PURPOSE, &secret);
        let mut tx = self.store.begin().await?;
        if !tx.begin_totp(asker.account.id, &sealed).await? {
            return Err(AuthError::FactorChanged);
        }
        tx.commit().await?;
        Ok(())
    }

    /// The app being set up, as its page shows it; `None` when none is waiting. Its secret is
    /// shown to a recent login only (not to an old session of the account).
    pub async fn setup(&self, asker: &Asker<'_>) -> Result<Option<Setup>, AuthError> {
        let account = asker.account;
        sessions::require_recent_login(self.store, asker.session).await?;
        let Some(factor) = self.store.totp(account.id).await? else {
            return Ok(None);
        };
        if factor.confirmed.is_some() {
            return Ok(None);
        }
        let totp = self.app(account, &factor.sealed)?;
        let secret = totp.get_secret_base32();
        let qr = qrcode::QrCode::new(totp.get_url().as_bytes()).map_err(|e| {
            AuthError::Store(StoreError::Corrupt {
                column: "totp_factors.sealed",
                detail: e.to_string(),
            })
        })?;
        let qr_svg = qr
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build();
        Ok(Some(Setup {
            qr_svg,
            secret_grouped: group_by_four(&secret),
        }))
    }

    /// « Confirmer » with a first code: the app is on, ten recovery codes are made (waiting to
    /// be shown once), the owner is told.
    pub async fn confirm(&self, asker: &Asker<'_>, code: &str) -> Result<(), AuthError> {
        let account = asker.account;
        self.take_turn(account.id).await?;
        let factor = self
            .store
            .totp(account.id)
            .await?
            .filter(|f| f.confirmed.is_none())
            .ok_or(AuthError::FactorChanged)?;
        let Ok(FactorCode::App(digits)) = FactorCode::parse(code) else {
            return Err(AuthError::CodeInvalid);
        };
        let totp = self.app(account, &factor.sealed)?;
        let steps = matching_steps(&totp, &digits, unix_seconds());
        let mut tx = self.store.begin().await?;
        if !take_first(&mut tx, account.id, &steps, true).await? {
            return Err(AuthError::CodeInvalid);
        }
        self.new_codes(&mut tx, account.id, asker.session).await?;
        self.tell(
            &mut tx,
            asker.origin(),
            FactorChange::AppAdded,
            "authenticator app turned on",
        )
        .await?;
        tx.commit().await?;
        self.store.reset_turns(&turn_key(account.id)).await?;
        Ok(())
    }

    /// « Retirer l'application »: the app goes (and the recovery codes, when no passkey is
    /// left). Needs a recent login.
    pub async fn remove(&self, asker: &Asker<'_>) -> Result<(), AuthError> {
        sessions::require_recent_login(self.store, asker.session).await?;
        let mut tx = self.store.begin().await?;
        if !tx.remove_totp(asker.account.id).await? {
            return Err(AuthError::FactorChanged);
        }
        self.tell(
            &mut tx,
            asker.origin(),
            FactorChange::AppRemoved,
            "second factor turned off",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// « Créer de nouveaux codes »: the old ones stop working. Needs a recent login and the app.
    pub async fn renew_codes(&self, asker: &Asker<'_>) -> Result<(), AuthError> {
        sessions::require_recent_login(self.store, asker.session).await?;
        if !self.is_on(asker.account.id).await? {
            return Err(AuthError::FactorChanged);
        }
        let mut tx = self.store.begin().await?;
        self.new_codes(&mut tx, asker.account.id, asker.session)
            .await?;
        self.tell(
            &mut tx,
            asker.origin(),
            FactorChange::CodesRenewed,
            "recovery codes renewed",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The new recovery codes, once, to the session that made them and for a few minutes:
    /// the page that shows them takes them.
    pub async fn take_unseen_codes(
        &self,
        asker: &Asker<'_>,
    ) -> Result<Option<Vec<String>>, AuthError> {
        let account = asker.account.id;
        let mut tx = self.store.begin().await?;
        let since = now() - sessions::RECENT_LOGIN;
        let Some(sealed) = tx.take_unseen_codes(account, asker.session, since).await? else {
            return Ok(None);
        };
        tx.commit().await?;
        let text = self.key.open(account, CODES_PURPOSE, &sealed)?;
        Ok(Some(
            String::from_utf8_lossy(&text)
                .split(' ')
                .filter_map(RecoveryCode::parse)
                .map(|c| c.display())
                .collect(),
        ))
    }

    /// Whether the login asks this account for a second factor (an app or a passkey).
    pub async fn is_on(&self, account: AccountId) -> Result<bool, AuthError> {
        Ok(self.store.has_second_factor(account).await?)
    }

    /// Checks a code typed at the login's second step (or to confirm a sensitive change):
    /// the app's code of this step (or the one before or after), once; or an unused recovery
    /// code, used up. Wrong codes are slowed down per account (a success resets that), under
    /// a ceiling a success does not reset; the owner hears of a run of wrong codes, since
    /// whoever typed them knew the password.
    pub async fn verify(&self, origin: Origin<'_>, code: &str) -> Result<Verified, AuthError> {
        let account = origin.account;
        let key = turn_key(account.id);
        let ceiling = ceiling_key(account.id);
        if let Some(s) = self.store.current_wait(&ceiling).await? {
            return Err(AuthError::Throttled(s));
        }
        let attempt = match self.store.take_turn(&key, throttle::LOGIN_PAIR).await? {
            Turn::Wait(s) => return Err(AuthError::Throttled(s)),
            Turn::Granted(n) => n,
        };
        let (verified, detail) = match FactorCode::parse(code) {
            Ok(FactorCode::App(digits)) => self.verify_app(account, &digits).await?,
            Ok(FactorCode::Recovery(recovery)) => self.verify_recovery(account, &recovery).await?,
            Err(_) => (None, "second-factor code malformed"),
        };
        if let Some(v) = verified {
            self.store.reset_turns(&key).await?;
            return Ok(v);
        }
        let event = Event::new(EventKind::LoginFailed)
            .siret(&account.siret)
            .account(account.id)
            .ip(origin.ip)
            .detail(detail);
        self.store.audit(&event).await;
        self.store
            .take_turn(&ceiling, throttle::LOGIN_ACCOUNT_CEILING)
            .await?;
        if attempt == throttle::LOGIN_PAIR.free {
            let mut tx = self.store.begin().await?;
            self.tell(
                &mut tx,
                origin,
                FactorChange::WrongCodes,
                "right password, then wrong second-factor codes: owner emailed",
            )
            .await?;
            tx.commit().await?;
        }
        Err(AuthError::CodeInvalid)
    }

    async fn verify_app(
        &self,
        account: &Account,
        digits: &str,
    ) -> Result<(Option<Verified>, &'static str), AuthError> {
        let Some(factor) = self
            .store
            .totp(account.id)
            .await?
            .filter(|f| f.confirmed.is_some())
        else {
            return Ok((None, "app code, but no authenticator app"));
        };
        let totp = self.app(account, &factor.sealed)?;
        let steps = matching_steps(&totp, digits, unix_seconds());
        if steps.is_empty() {
            return Ok((None, "second-factor code wrong"));
        }
        let mut tx = self.store.begin().await?;
        let taken = take_first(&mut tx, account.id, &steps, false).await?;
        tx.commit().await?;
        Ok(if taken {
            (Some(Verified::App), "")
        } else {
            // The right code, already used: someone saw it (ASVS 2.8.5).
            (None, "second-factor code replayed")
        })
    }

    async fn verify_recovery(
        &self,
        account: &Account,
        recovery: &RecoveryCode,
    ) -> Result<(Option<Verified>, &'static str), AuthError> {
        let unused = self.store.unused_recovery_codes(account.id).await?;
        let Some(hash) = unused
            .iter()
            .find(|h| self.key.code_matches(account.id, recovery, h))
        else {
            return Ok((None, "recovery code wrong or used"));
        };
        let mut tx = self.store.begin().await?;
        let used = tx.use_recovery_code(account.id, hash).await?;
        tx.commit().await?;
        if !used {
            return Ok((None, "recovery code used meanwhile"));
        }
        let left = self.store.factor_summary(account.id).await?.codes_left;
        Ok((Some(Verified::RecoveryCode { left }), ""))
    }

    /// A recovery code opened a session: its owner is told, with how many are left.
    pub async fn tell_code_used(&self, origin: Origin<'_>, left: i64) -> Result<(), AuthError> {
        let mut tx = self.store.begin().await?;
        self.tell(
            &mut tx,
            origin,
            FactorChange::CodeUsed { left },
            &format!("recovery code used at login, {left} left"),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    fn app(
        &self,
        account: &Account,
        sealed: &crate::server::store::Sealed,
    ) -> Result<TOTP, AuthError> {
        let secret = self.key.open(account.id, TOTP_PURPOSE, sealed)?;
        TOTP::new(
            Algorithm::SHA1,
            6,
            1,
            STEP,
            secret,
            Some(ISSUER.to_owned()),
            account.email.to_string(),
        )
        .map_err(|e| {
            AuthError::Store(StoreError::Corrupt {
                column: "totp_factors.sealed",
                detail: format!("{e:?}"),
            })
        })
    }

    /// A turn of the code slow-down, for codes typed while setting the app up.
    async fn take_turn(&self, account: AccountId) -> Result<(), AuthError> {
        match self
            .store
            .take_turn(&turn_key(account), throttle::LOGIN_PAIR)
            .await?
        {
            Turn::Wait(s) => Err(AuthError::Throttled(s)),
            Turn::Granted(_) => Ok(()),
        }
    }

    /// Ten new recovery codes replace the old ones; their text waits, sealed, to be shown.
    pub(crate) async fn new_codes(
        &self,
        tx: &mut Tx,
        account: AccountId,
        session: &SessionId,
    ) -> Result<(), AuthError> {
        let codes: Vec<RecoveryCode> = (0..RECOVERY_CODES)
            .map(|_| RecoveryCode::from_indices(rand::random::<[u8; 10]>().map(|b| b % 32)))
            .collect();
        let hashes: Vec<_> = codes
            .iter()
            .map(|c| self.key.code_hash(account, c))
            .collect();
        let text = codes
            .iter()
            .map(RecoveryCode::expose)
            .collect::<Vec<_>>()
            .join(" ");
        let unseen = self.key.seal(account, CODES_PURPOSE, text.as_bytes());
        tx.replace_recovery_codes(account, &hashes, &unseen, session)
            .await?;
        Ok(())
    }

    pub(crate) async fn tell(
        &self,
        tx: &mut Tx,
        origin: Origin<'_>,
        change: FactorChange,
        detail: &str,
    ) -> Result<(), AuthError> {
        let account = origin.account;
        let (name, system) = sessions::browser_of(origin.user_agent);
        let browser = browser_label(name.as_deref(), system.as_deref());
        tx.enqueue_email(&emails::second_factor_changed(&FactorNotice {
            to: &account.email,
            first_name: &account.first_name,
            change,
            at: now(),
            from: Some((&browser, origin.ip.as_str())),
            public_url: self.notices.public_url,
            support: self.notices.support,
        }))
        .await?;
        tx.audit(
            &Event::new(EventKind::SecondFactorChanged)
                .siret(&account.siret)
                .account(account.id)
                .ip(origin.ip)
                .detail(detail),
        )
        .await?;
        Ok(())
    }
}

/// What a good code was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verified {
    App,
    RecoveryCode { left: i64 },
}

fn turn_key(account: AccountId) -> String {
    format!("login:code:{account}")
}

fn ceiling_key(account: AccountId) -> String {
    format!("login:code-ceiling:{account}")
}

fn unix_seconds() -> u64 {
    now().unix_timestamp().max(0) as u64
}

/// The time steps (the current one, the one before and the one after) whose code is `digits`.
fn matching_steps(totp: &TOTP, digits: &str, t: u64) -> Vec<i64> {
    let step = t / STEP;
    [step.saturating_sub(1), step, step + 1]
        .into_iter()
        .filter(|s| {
            let code = totp.generate(s * STEP);
            constant_time_eq(code.as_bytes(), digits.as_bytes())
        })
        .map(|s| s as i64)
        .collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Takes the first of `steps` not taken yet (a code is accepted once: a step at or before the
/// last one taken is refused).
async fn take_first(
    tx: &mut Tx,
    account: AccountId,
    steps: &[i64],
    confirming: bool,
) -> Result<bool, AuthError> {
    for step in steps {
        if tx.take_totp_step(account, *step, confirming).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn group_by_four(text: &str) -> String {
    text.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> TOTP {
        TOTP::new(
            Algorithm::SHA1,
            6,
            1,
            STEP,
            vec![7; SECRET_BYTES],
            None,
            "a".into(),
        )
        .unwrap()
    }

    #[test]
    fn a_code_matches_its_step_and_one_step_of_drift() {
        let totp = app();
        let t = 1_800_000_000;
        let step = (t / STEP) as i64;
        let now = totp.generate(t);
        assert!(matching_steps(&totp, &now, t).contains(&step));
        let before = totp.generate(t - STEP);
        assert!(matching_steps(&totp, &before, t).contains(&(step - 1)));
        let after = totp.generate(t + STEP);
        assert!(matching_steps(&totp, &after, t).contains(&(step + 1)));
        let too_old = totp.generate(t - 2 * STEP);
        assert!(!matching_steps(&totp, &too_old, t).contains(&(step - 2)));
    }

    #[test]
    fn secrets_are_shown_by_groups_of_four() {
        assert_eq!(group_by_four("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }
}
