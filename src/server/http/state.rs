//! What every request handler and server function can reach.

use crate::server::accounts::signup::SignupDeps;
use crate::server::clients::Budget;
use crate::server::config::Settings;
use crate::server::registry::directory::Directory;
use crate::server::store::Store;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;
use tokio::sync::Notify;

/// Shared state, provided to server functions through Leptos context.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Shared: every request gets its own copy of the state (a dozen strings otherwise).
    pub leptos_options: Arc<LeptosOptions>,
    pub settings: Arc<Settings>,
    pub store: Store,
    pub directory: Arc<dyn Directory>,
    /// Wakes the outbox worker when an email is queued.
    pub outbox_wake: Arc<Notify>,
    /// Per-IP budgets of the endpoints open to anyone.
    pub limits: Arc<Limits>,
    /// Whether the database answers (pages show « service indisponible » while it does not).
    pub health: Arc<crate::server::http::health::DatabaseHealth>,
    /// The WebAuthn relying party (`None`: the public URL's host is an IP address, where
    /// browsers refuse passkeys; they are not offered).
    pub webauthn: Option<Arc<webauthn_rs::prelude::Webauthn>>,
}

/// The per-client request budgets.
#[derive(Debug)]
pub struct Limits {
    pub eligibility: Budget,
    pub signup: Budget,
    /// One-step sign-ins with a passkey begun (each keeps a ceremony for a few minutes).
    pub passkey: Budget,
}

impl AppState {
    pub fn signup_deps(&self) -> SignupDeps<'_> {
        SignupDeps {
            store: &self.store,
            directory: self.directory.as_ref(),
            public_url: &self.settings.public_url,
            support: &self.settings.support_contact,
        }
    }

    /// Where emails sent on a user's behalf point to.
    pub fn notices(&self) -> crate::server::accounts::auth::Notices<'_> {
        crate::server::accounts::auth::Notices {
            public_url: &self.settings.public_url,
            support: &self.settings.support_contact,
        }
    }
}

impl AppState {
    /// The second factors: the store, the configured key, where notices point to.
    pub fn factors(&self) -> crate::server::accounts::second_factor::Factors<'_> {
        crate::server::accounts::second_factor::Factors {
            store: &self.store,
            key: &self.settings.secret_key,
            notices: self.notices(),
        }
    }
}

impl AppState {
    /// The passkeys, when this address can offer them.
    pub fn passkeys(
        &self,
    ) -> Result<
        crate::server::accounts::passkeys::Passkeys<'_>,
        crate::server::accounts::auth::AuthError,
    > {
        Ok(crate::server::accounts::passkeys::Passkeys {
            store: &self.store,
            key: &self.settings.secret_key,
            webauthn: self
                .webauthn
                .as_deref()
                .ok_or(crate::server::accounts::auth::AuthError::PasskeysUnavailable)?,
            notices: self.notices(),
        })
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        LeptosOptions::clone(&state.leptos_options)
    }
}

impl AppState {
    /// What the legal pages state from the configuration and the lifetimes in force.
    pub fn legal_facts(&self) -> crate::app::legal::LegalFacts {
        use crate::server::accounts::{sessions::LIFETIMES, tokens};
        let s = &self.settings;
        let unset = |value: &str, var: &str| {
            if value.is_empty() {
                format!("(à renseigner par l'exploitant\u{a0}: {var})")
            } else {
                value.to_owned()
            }
        };
        crate::app::legal::LegalFacts {
            operator: unset(&s.legal.operator, "HUBPRO_LEGAL_OPERATOR"),
            publication_director: unset(&s.legal.director, "HUBPRO_LEGAL_DIRECTOR"),
            host: unset(&s.legal.host, "HUBPRO_LEGAL_HOST"),
            support: s.support_contact.clone(),
            audit_retention_days: s.audit_retention_days,
            closed_retention_days: s.lifecycle.closed_retention_days,
            inactive_notice_months: s.lifecycle.inactive_notice_months,
            inactive_close_months: s.lifecycle.inactive_close_months,
            session_idle_minutes: LIFETIMES.idle.whole_minutes(),
            session_max_hours: LIFETIMES.absolute.whole_hours(),
            password_link_hours: tokens::PASSWORD_SETUP_TTL.whole_hours(),
            reset_link_minutes: tokens::PASSWORD_RESET_TTL.whole_minutes(),
            known_browser_days: crate::server::store::DEVICE_LIFETIME.whole_days(),
        }
    }
}
