//! Passkeys (WebAuthn, with webauthn-rs): added from the space after a recent login, used as
//! the login's second factor, as a one-step sign-in (discoverable credential: the passkey
//! names its account) and to confirm a session before a change. Each ceremony's state waits
//! server-side, sealed, between its two requests, and is used once. User verification (PIN,
//! fingerprint…) is required, so a passkey alone counts as two factors.

use crate::routes::PublicUrl;
use crate::server::accounts::second_factor::{Asker, Factors};
use crate::server::accounts::sessions;
use crate::server::accounts::{auth_error::AuthError, notices::Notices};
use crate::server::mail::emails::FactorChange;
use crate::server::sealing::SecretKey;
use crate::server::store::{
    AccountId, Ceremony, Duration, Event, EventKind, LinkToken, Store, StoredPasskey,
};
use serde::{de::DeserializeOwned, Serialize};
use webauthn_rs::prelude::{
    DiscoverableAuthentication, DiscoverableKey, Passkey, PasskeyAuthentication,
    PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential, Url, Uuid, Webauthn,
    WebauthnBuilder,
};

/// How long a ceremony waits for the browser's answer (longer than the browser's own 5 minutes).
const CEREMONY_TTL: Duration = Duration::minutes(7);
/// Longest name of a passkey.
pub const NAME_MAX: usize = 60;
const STATE_PURPOSE: &str = "webauthn";

/// The relying party: the public URL's host and origin. `None` when the host cannot be one
/// (an IP address: browsers refuse passkeys there), and passkeys are then not offered.
pub fn relying_party(public_url: &PublicUrl) -> Option<Webauthn> {
    let url = Url::parse(public_url.as_str()).ok()?;
    let host = url.host_str()?.to_owned();
    if host.parse::<std::net::IpAddr>().is_ok() {
        return None;
    }
    WebauthnBuilder::new(&host, &url)
        .and_then(|b| b.rp_name("Hub Pro Transport").build())
        .map_err(|e| tracing::warn!(error = %e, "passkeys unavailable"))
        .ok()
}

/// A ceremony the browser is to perform: its id and the options for
/// `navigator.credentials.create` or `.get` (JSON).
#[derive(Debug)]
pub struct Challenge {
    pub ceremony: LinkToken,
    pub options: String,
}

/// One passkey, as the space lists it.
pub type PasskeyEntry = StoredPasskey;

/// The passkeys service.
#[derive(Clone, Copy)]
pub struct Passkeys<'a> {
    pub store: &'a Store,
    pub key: &'a SecretKey,
    pub webauthn: &'a Webauthn,
    pub notices: Notices<'a>,
}

fn refused(e: impl std::fmt::Display) -> AuthError {
    tracing::info!(error = %e, "passkey refused");
    AuthError::PasskeyRefused
}

fn credential_key(id: &[u8]) -> String {
    hex::encode(id)
}

fn parse_passkey(stored: &StoredPasskey) -> Result<Passkey, AuthError> {
    serde_json::from_str(&stored.credential).map_err(|e| {
        AuthError::Store(crate::server::store::StoreError::Corrupt {
            column: "passkeys.passkey",
            detail: e.to_string(),
        })
    })
}

impl Passkeys<'_> {
    fn factors(&self) -> Factors<'_> {
        Factors {
            store: self.store,
            key: self.key,
            notices: self.notices,
        }
    }

    /// The WebAuthn user handle of an account: derived from the key, stable, and naming no
    /// one (not its address, not its number).
    fn user_handle(&self, account: AccountId) -> Uuid {
        Uuid::from_bytes(self.key.user_handle(account))
    }

    fn seal<T: Serialize>(
        &self,
        account: Option<AccountId>,
        state: &T,
    ) -> Result<crate::server::store::Sealed, AuthError> {
        let json = serde_json::to_vec(state).map_err(refused)?;
        Ok(self
            .key
            .seal(account.unwrap_or(AccountId(0)), STATE_PURPOSE, &json))
    }

    async fn take<T: DeserializeOwned>(
        &self,
        ceremony: &str,
        purpose: Ceremony,
    ) -> Result<(Option<AccountId>, T), AuthError> {
        let id = LinkToken::parse(ceremony).ok_or(AuthError::PasskeyRefused)?;
        let mut tx = self.store.begin().await?;
        let (account, sealed) = tx
            .take_ceremony(&id, purpose)
            .await?
            .ok_or(AuthError::PasskeyRefused)?;
        tx.commit().await?;
        // Another key since it began (a deploy): refused, not an error.
        let json = self
            .key
            .open(account.unwrap_or(AccountId(0)), STATE_PURPOSE, &sealed)
            .map_err(refused)?;
        Ok((account, serde_json::from_slice(&json).map_err(refused)?))
    }

    async fn begin(
        &self,
        account: Option<AccountId>,
        purpose: Ceremony,
        state: &impl Serialize,
        options: &impl Serialize,
    ) -> Result<Challenge, AuthError> {
        let sealed = self.seal(account, state)?;
        let mut tx = self.store.begin().await?;
        let ceremony = tx
            .insert_ceremony(account, purpose, &sealed, CEREMONY_TTL)
            .await?;
        tx.commit().await?;
        Ok(Challenge {
            ceremony,
            options: serde_json::to_string(options).map_err(refused)?,
        })
    }

    /// « Ajouter une clé d'accès »: the options to create one. Needs a recent login.
    pub async fn start_registration(&self, asker: &Asker<'_>) -> Result<Challenge, AuthError> {
        sessions::require_recent_login(self.store, asker.session).await?;
        let account = asker.account;
        let mut exclude = Vec::new();
        for stored in self.store.passkeys_of(account.id).await? {
            exclude.push(parse_passkey(&stored)?.cred_id().clone());
        }
        let display = format!("{} {}", account.first_name, account.last_name);
        let (options, state): (_, PasskeyRegistration) = self
            .webauthn
            .start_passkey_registration(
                self.user_handle(account.id),
                account.email.as_str(),
                &display,
                Some(exclude),
            )
            .map_err(refused)?;
        // Kept on the device, so that it can also sign in in one step (no address typed).
        let mut options = serde_json::to_value(&options).map_err(refused)?;
        if let Some(selection) = options
            .pointer_mut("/publicKey/authenticatorSelection")
            .and_then(|v| v.as_object_mut())
        {
            selection.insert("residentKey".into(), "required".into());
            selection.insert("requireResidentKey".into(), true.into());
        }
        self.begin(Some(account.id), Ceremony::Register, &state, &options)
            .await
    }

    /// The browser created the passkey: it is checked and kept under `name`. Returns whether
    /// it is the account's first second factor (its recovery codes were then made).
    pub async fn finish_registration(
        &self,
        asker: &Asker<'_>,
        ceremony: &str,
        name: &str,
        response: &str,
    ) -> Result<bool, AuthError> {
        sessions::require_recent_login(self.store, asker.session).await?;
        let account = asker.account;
        let (owner, state): (_, PasskeyRegistration) =
            self.take(ceremony, Ceremony::Register).await?;
        if owner != Some(account.id) {
            return Err(AuthError::PasskeyRefused);
        }
        let response: RegisterPublicKeyCredential =
            serde_json::from_str(response).map_err(refused)?;
        let passkey = self
            .webauthn
            .finish_passkey_registration(&response, &state)
            .map_err(refused)?;
        let name = passkey_name(name);
        let first = !self.store.has_second_factor(account.id).await?;
        let credential = serde_json::to_string(&passkey).map_err(refused)?;
        let mut tx = self.store.begin().await?;
        if !tx
            .insert_passkey(
                account.id,
                &credential_key(passkey.cred_id().as_ref()),
                &name,
                &credential,
            )
            .await?
        {
            return Err(AuthError::PasskeyRefused);
        }
        let factors = self.factors();
        if first {
            factors
                .new_codes(&mut tx, account.id, asker.session)
                .await?;
        }
        factors
            .tell(
                &mut tx,
                asker.origin(),
                FactorChange::PasskeyAdded,
                &format!("passkey « {name} » added"),
            )
            .await?;
        tx.commit().await?;
        Ok(first)
    }

    /// « Supprimer » a passkey. Needs a recent login.
    pub async fn remove(&self, asker: &Asker<'_>, id: i64) -> Result<(), AuthError> {
        sessions::require_recent_login(self.store, asker.session).await?;
        let account = asker.account.id;
        let mut tx = self.store.begin().await?;
        if !tx.delete_passkey(account, id).await? {
            return Err(AuthError::FactorChanged);
        }
        tx.forget_codes_without_factor(account).await?;
        self.factors()
            .tell(
                &mut tx,
                asker.origin(),
                FactorChange::PasskeyRemoved,
                "passkey removed",
            )
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The options to use one of `account`'s passkeys (a second step, a confirmation), or,
    /// without an account, any passkey of this site (a one-step sign-in).
    pub async fn start_use(
        &self,
        purpose: Ceremony,
        account: Option<AccountId>,
    ) -> Result<Challenge, AuthError> {
        match account {
            Some(account) => {
                let mut passkeys = Vec::new();
                for stored in self.store.passkeys_of(account).await? {
                    passkeys.push(parse_passkey(&stored)?);
                }
                if passkeys.is_empty() {
                    return Err(AuthError::NoPasskey);
                }
                let (options, state): (_, PasskeyAuthentication) = self
                    .webauthn
                    .start_passkey_authentication(&passkeys)
                    .map_err(refused)?;
                self.begin(Some(account), purpose, &state, &options).await
            }
            None => {
                let (mut options, state): (_, DiscoverableAuthentication) = self
                    .webauthn
                    .start_discoverable_authentication()
                    .map_err(refused)?;
                // A button asks for it: the browser's own dialog, not the autofill list.
                options.mediation = None;
                self.begin(None, Ceremony::SignIn, &state, &options).await
            }
        }
    }

    /// The browser used a passkey: checked against the ceremony, its counter kept. Returns
    /// the account it opens (for a second step or a confirmation, it must be `expected`).
    pub async fn finish_use(
        &self,
        purpose: Ceremony,
        ceremony: &str,
        response: &str,
        expected: Option<AccountId>,
    ) -> Result<AccountId, AuthError> {
        let response: PublicKeyCredential = serde_json::from_str(response).map_err(refused)?;
        let (stored, result) = if purpose == Ceremony::SignIn {
            let (_, state): (_, DiscoverableAuthentication) = self.take(ceremony, purpose).await?;
            let (handle, credential) = self
                .webauthn
                .identify_discoverable_authentication(&response)
                .map_err(refused)?;
            let stored = self
                .store
                .passkey_by_credential(&credential_key(credential))
                .await?
                .ok_or(AuthError::PasskeyRefused)?;
            if self.user_handle(stored.account) != handle {
                return Err(AuthError::PasskeyRefused);
            }
            let key = DiscoverableKey::from(&parse_passkey(&stored)?);
            let result = self
                .webauthn
                .finish_discoverable_authentication(&response, state, &[key])
                .map_err(refused)?;
            (stored, result)
        } else {
            let (owner, state): (_, PasskeyAuthentication) = self.take(ceremony, purpose).await?;
            if owner.is_none() || owner != expected {
                return Err(AuthError::PasskeyRefused);
            }
            let result = self
                .webauthn
                .finish_passkey_authentication(&response, &state)
                .map_err(refused)?;
            let stored = self
                .store
                .passkey_by_credential(&credential_key(result.cred_id().as_ref()))
                .await?
                .filter(|s| Some(s.account) == owner)
                .ok_or(AuthError::PasskeyRefused)?;
            (stored, result)
        };
        let mut passkey = parse_passkey(&stored)?;
        // A counting authenticator's counter only grows: an equal or smaller one is a cloned
        // key or a replay (checked against the row as it is now, not as the ceremony began).
        let before = serde_json::from_str::<serde_json::Value>(&stored.credential)
            .ok()
            .and_then(|v| v.pointer("/cred/counter").and_then(|c| c.as_u64()))
            .unwrap_or(0);
        if result.counter() != 0 && u64::from(result.counter()) <= before {
            return Err(refused("signature counter did not grow"));
        }
        passkey.update_credential(&result);
        let credential = serde_json::to_string(&passkey).map_err(refused)?;
        let mut tx = self.store.begin().await?;
        if !tx
            .passkey_used(stored.id, &stored.credential, &credential)
            .await?
        {
            return Err(refused("the passkey was used meanwhile"));
        }
        tx.commit().await?;
        Ok(stored.account)
    }

    /// « Confirmer avec une clé d'accès », before a sensitive change.
    pub async fn reauthenticate(
        &self,
        asker: &Asker<'_>,
        ceremony: &str,
        response: &str,
    ) -> Result<(), AuthError> {
        let account = asker.account;
        self.finish_use(
            Ceremony::Reauthenticate,
            ceremony,
            response,
            Some(account.id),
        )
        .await?;
        let event = Event::new(EventKind::LoginSucceeded)
            .siret(&account.siret)
            .account(account.id)
            .ip(asker.ip)
            .detail("session confirmed with a passkey");
        self.store.audit(&event).await;
        self.store
            .reauthenticate_session(asker.session, crate::server::store::now())
            .await?;
        Ok(())
    }
}

/// A passkey's name as typed: trimmed, control characters out, bounded; a default when empty.
pub fn passkey_name(typed: &str) -> String {
    let name: String = crate::domain::fold_spaces(typed)
        .chars()
        .filter(|c| !c.is_control())
        .take(NAME_MAX)
        .collect();
    if name.is_empty() {
        "Clé d'accès".to_owned()
    } else {
        name
    }
}
