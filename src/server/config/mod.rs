//! Typed configuration, loaded once at start-up: the embedded `Leptos.toml` defaults, each key
//! overridden by its environment variable.
//!
//! `raw` describes each setting once (variable, section, key) and reads its text; `typed` turns
//! that text into the groups below, each error naming its variable; `production` holds what
//! production mode refuses.

mod production;
mod raw;
#[cfg(test)]
mod tests;
mod typed;

use crate::routes::PublicUrl;
use crate::server::clients::TrustedProxies;
use crate::server::sealing::SecretKey;
use leptos::config::{Env, LeptosOptions};
use lettre::message::Mailbox;
use raw::Raw;
use std::time::Duration;

/// The defaults shipped inside the binary.
const EMBEDDED: &str = include_str!("../../../Leptos.toml");

/// A value that must never be printed (API keys, SMTP credentials).
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[secret]")
    }
}

/// A configuration value that is wrong; its `Display` is the one line shown at start-up.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {key}: {reason}")]
pub struct ConfigError {
    pub key: &'static str,
    pub reason: String,
}

/// Where establishments are looked up.
#[derive(Clone, Debug)]
pub enum DirectorySource {
    /// INSEE's API Sirene with this integration key.
    Sirene(Secret),
    /// The bundled offline demo extract: asked for on purpose (`HUBPRO_SIRENE_OFFLINE=true`),
    /// or for want of a key (never in production).
    OfflineExtract { on_purpose: bool },
}

/// The establishment directory: its source, and INSEE's address, patience and budgets.
#[derive(Clone, Debug)]
pub struct DirectorySettings {
    pub source: DirectorySource,
    /// INSEE's API Sirene, without trailing slash.
    pub sirene_url: String,
    /// How long one INSEE request may take.
    pub timeout: Duration,
    /// INSEE calls allowed per minute (the key's quota, minus a margin).
    pub per_minute: u32,
    /// The share of `per_minute` one client address may spend.
    pub per_client: u32,
}

/// How emails leave.
#[derive(Clone, Debug)]
pub enum MailDelivery {
    /// Through this SMTP server (lettre URL).
    Smtp(Secret),
    /// Kept in the database and shown at `/dev/boite-mail` (never in production).
    DevMailbox,
}

/// Emails: how they leave, and their sender.
#[derive(Clone, Debug)]
pub struct MailSettings {
    pub delivery: MailDelivery,
    /// The sender of every email.
    pub from: Mailbox,
}

/// Requests allowed per minute and per client IP.
#[derive(Clone, Copy, Debug)]
pub struct RateLimits {
    /// SIRET eligibility checks.
    pub eligibility: u32,
    /// Signup submissions.
    pub signup: u32,
}

/// Who may read `GET /metrics`.
#[derive(Clone, Debug)]
pub enum MetricsAccess {
    /// Whoever sends `Authorization: Bearer <token>`.
    Token(Secret),
    /// Clients on this machine that came through no proxy (never in production: a TLS
    /// terminator on the same host would make every request local).
    Loopback,
    /// `/metrics` is not served (404): `HUBPRO_METRICS=false`.
    Off,
}

/// How long the account's life keeps things: a closed account's address, inactive accounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifecycle {
    /// Days a closed (or handed-over) account's address is kept after its end.
    pub closed_retention_days: u32,
    /// Months without a login before the account is told it will be closed.
    pub inactive_notice_months: u32,
    /// Months without a login before it is closed (told at least 30 days before).
    pub inactive_close_months: u32,
}

impl Default for Lifecycle {
    /// The embedded defaults (`Leptos.toml`).
    fn default() -> Self {
        Lifecycle {
            closed_retention_days: 30,
            inactive_notice_months: 24,
            inactive_close_months: 36,
        }
    }
}

/// The legal notice's facts (« Mentions légales »): empty outside production when unset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LegalSettings {
    pub operator: String,
    pub director: String,
    pub host: String,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    /// One JSON object per line (`HUBPRO_LOG_FORMAT=json`).
    Json,
}

/// Everything the server reads from its configuration.
#[derive(Clone, Debug)]
pub struct Settings {
    pub leptos: LeptosOptions,
    pub database_url: String,
    pub public_url: PublicUrl,
    pub support_contact: String,
    /// Days audit events are kept.
    pub audit_retention_days: u32,
    pub lifecycle: Lifecycle,
    /// Production mode (`LEPTOS_ENV=PROD` or an https public URL): unsafe settings were refused.
    pub production: bool,
    pub directory: DirectorySettings,
    pub mail: MailSettings,
    pub limits: RateLimits,
    pub demo_data: bool,
    /// Reverse proxies whose `X-Forwarded-For` and `X-Request-Id` are believed.
    pub trusted_proxies: TrustedProxies,
    /// Who may read `/metrics`.
    pub metrics: MetricsAccess,
    pub log_format: LogFormat,
    pub legal: LegalSettings,
    /// Seals the authenticator apps' secrets and hashes the recovery codes.
    pub secret_key: SecretKey,
    /// `HUBPRO_SECRET_KEY` is set (else the development key: refused in production).
    pub secret_key_configured: bool,
}

impl Settings {
    /// Embedded defaults overridden by the process environment.
    pub fn load() -> Result<Self, ConfigError> {
        Self::from_sources(EMBEDDED, |k| std::env::var(k).ok())
    }

    /// Defaults from `toml_text`, overridden by `env` (a function so tests need not touch the
    /// process environment).
    pub fn from_sources(
        toml_text: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let raw = read(toml_text, &env)?;
        let leptos = typed::leptos_options(&raw)?;
        let OperatorSettings {
            database_url,
            public_url,
            audit_retention_days,
            support_contact,
            lifecycle,
        } = OperatorSettings::try_from(&raw)?;
        let production = leptos.env == Env::PROD || public_url.is_https();
        let secret_key = typed::secret_key(&raw)?;
        let settings = Settings {
            leptos,
            database_url,
            public_url,
            support_contact,
            audit_retention_days,
            lifecycle,
            production,
            directory: DirectorySettings::try_from(&raw)?,
            mail: MailSettings::try_from(&raw)?,
            demo_data: typed::demo_data(&raw, production)?,
            trusted_proxies: typed::trusted_proxies(&raw)?,
            metrics: MetricsAccess::try_from(&raw)?,
            log_format: typed::log_format(&raw)?,
            legal: typed::legal(&raw),
            limits: RateLimits::try_from(&raw)?,
            secret_key_configured: secret_key.is_some(),
            secret_key: secret_key.unwrap_or_else(SecretKey::development),
        };
        if production {
            production::check(&settings)?;
        }
        Ok(settings)
    }

    /// The part operator commands use.
    pub fn operator(&self) -> OperatorSettings {
        OperatorSettings {
            database_url: self.database_url.clone(),
            public_url: self.public_url.clone(),
            audit_retention_days: self.audit_retention_days,
            support_contact: self.support_contact.clone(),
            lifecycle: self.lifecycle,
        }
    }

    /// Whether `/dev/boite-mail` is served (never in production).
    pub fn dev_mailbox_enabled(&self) -> bool {
        matches!(self.mail.delivery, MailDelivery::DevMailbox)
    }
}

/// What the operator commands need: the database, the links' base and the retention. They run
/// beside a server without its email or INSEE settings.
#[derive(Clone, Debug)]
pub struct OperatorSettings {
    pub database_url: String,
    pub public_url: PublicUrl,
    pub audit_retention_days: u32,
    /// Named in the emails operator commands send.
    pub support_contact: String,
    pub lifecycle: Lifecycle,
}

impl OperatorSettings {
    /// Embedded defaults overridden by the process environment; the other settings unread.
    pub fn load() -> Result<Self, ConfigError> {
        Self::try_from(&read(EMBEDDED, &|k| std::env::var(k).ok())?)
    }
}

/// Every setting's text: `toml_text`'s, overridden by `env`.
fn read(toml_text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Raw, ConfigError> {
    let table: toml::Table = toml_text.parse().map_err(|e| ConfigError {
        key: "Leptos.toml",
        reason: format!("not valid TOML: {e}"),
    })?;
    Ok(Raw::read(&table, env))
}

pub(crate) fn beside_binary(name: &str) -> std::path::PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(std::path::Path::to_path_buf))
        .unwrap_or_default()
        .join(name)
}
