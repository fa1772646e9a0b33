//! From text to typed settings, group by group: each error names the variable at fault.

use super::raw::Raw;
use super::{
    ConfigError, DirectorySettings, DirectorySource, LegalSettings, Lifecycle, LogFormat,
    MailDelivery, MailSettings, MetricsAccess, OperatorSettings, RateLimits, Secret,
};
use crate::routes::PublicUrl;
use crate::server::clients::TrustedProxies;
use crate::server::sealing::SecretKey;
use leptos::config::{Env, LeptosOptions};
use std::time::Duration;

/// `HUBPRO_SECRET_KEY`: unset, the development key (production refuses that).
pub fn secret_key(raw: &Raw) -> Result<Option<SecretKey>, ConfigError> {
    raw.secret_key
        .optional()
        .map(|text| SecretKey::parse(&text).map_err(|e| raw.secret_key.error(e.to_string())))
        .transpose()
}

/// The legal notice's facts, as written (production refuses them empty: see `production`).
pub fn legal(raw: &Raw) -> LegalSettings {
    LegalSettings {
        operator: raw.legal_operator.optional().unwrap_or_default(),
        director: raw.legal_director.optional().unwrap_or_default(),
        host: raw.legal_host.optional().unwrap_or_default(),
    }
}

/// The site's address, files and mode.
pub fn leptos_options(raw: &Raw) -> Result<LeptosOptions, ConfigError> {
    let site_addr: std::net::SocketAddr = raw.site_addr.parsed()?;
    let env = raw.env.choice(
        &[
            ("DEV", Env::DEV),
            ("DEVELOPMENT", Env::DEV),
            ("PROD", Env::PROD),
            ("PRODUCTION", Env::PROD),
        ],
        "expected DEV or PROD",
    )?;
    Ok(LeptosOptions::builder()
        .output_name(raw.output_name.non_empty()?)
        .site_root(raw.site_root.non_empty()?)
        .site_pkg_dir(raw.site_pkg_dir.non_empty()?)
        // Hashed names when cargo-leptos wrote `hash.txt` beside this binary.
        .hash_files(super::beside_binary("hash.txt").is_file())
        .env(env)
        .site_addr(site_addr)
        .build())
}

impl TryFrom<&Raw> for OperatorSettings {
    type Error = ConfigError;

    fn try_from(raw: &Raw) -> Result<Self, ConfigError> {
        let database_url = raw.database_url.non_empty()?;
        if !["sqlite:", "postgres://", "postgresql://"]
            .iter()
            .any(|scheme| database_url.starts_with(scheme))
        {
            return Err(raw
                .database_url
                .error("expected sqlite://PATH or postgres://USER@HOST/DB"));
        }
        let audit_retention_days: u32 = raw.audit_retention_days.parsed()?;
        if audit_retention_days == 0 {
            return Err(raw
                .audit_retention_days
                .error("expected a number of days of at least 1"));
        }
        let public_url = PublicUrl::parse(&raw.public_url.http_url()?)
            .ok_or_else(|| raw.public_url.error("not an http(s) URL"))?;
        Ok(OperatorSettings {
            database_url,
            public_url,
            audit_retention_days,
            support_contact: raw.support_contact.non_empty()?,
            lifecycle: Lifecycle::try_from(raw)?,
        })
    }
}

impl TryFrom<&Raw> for Lifecycle {
    type Error = ConfigError;

    fn try_from(raw: &Raw) -> Result<Self, ConfigError> {
        let closed_retention_days: u32 = raw.closed_retention_days.parsed()?;
        if closed_retention_days == 0 {
            return Err(raw
                .closed_retention_days
                .error("expected a number of days of at least 1"));
        }
        let inactive_notice_months: u32 = raw.inactive_notice_months.parsed()?;
        if !(1..=120).contains(&inactive_notice_months) {
            return Err(raw
                .inactive_notice_months
                .error("expected a number of months between 1 and 120"));
        }
        let inactive_close_months: u32 = raw.inactive_close_months.parsed()?;
        if inactive_close_months <= inactive_notice_months || inactive_close_months > 240 {
            return Err(raw.inactive_close_months.error(
                "expected more months than HUBPRO_INACTIVE_NOTICE_MONTHS, and at most 240",
            ));
        }
        Ok(Lifecycle {
            closed_retention_days,
            inactive_notice_months,
            inactive_close_months,
        })
    }
}

impl TryFrom<&Raw> for DirectorySettings {
    type Error = ConfigError;

    fn try_from(raw: &Raw) -> Result<Self, ConfigError> {
        let sirene_url = raw.sirene_url.http_url()?;
        let timeout_ms: u64 = raw.sirene_timeout_ms.parsed()?;
        if !(100..=60_000).contains(&timeout_ms) {
            return Err(raw
                .sirene_timeout_ms
                .error("expected milliseconds between 100 and 60000"));
        }
        let per_minute: u32 = raw.sirene_per_minute.parsed()?;
        let per_client: u32 = raw.sirene_per_client.parsed()?;
        if per_client == 0 || per_client > per_minute {
            return Err(raw
                .sirene_per_client
                .error("expected a number of calls between 1 and HUBPRO_SIRENE_PER_MINUTE"));
        }
        let offline: bool = raw.sirene_offline.parsed()?;
        let source = match (raw.sirene_api_key.optional(), offline) {
            (Some(_), true) => {
                return Err(raw
                    .sirene_offline
                    .error("true while HUBPRO_SIRENE_API_KEY is set: unset one of them"))
            }
            (Some(key), false) => DirectorySource::Sirene(Secret(key)),
            (None, on_purpose) => DirectorySource::OfflineExtract { on_purpose },
        };
        Ok(DirectorySettings {
            source,
            sirene_url,
            timeout: Duration::from_millis(timeout_ms),
            per_minute,
            per_client,
        })
    }
}

impl TryFrom<&Raw> for MailSettings {
    type Error = ConfigError;

    fn try_from(raw: &Raw) -> Result<Self, ConfigError> {
        let smtp_url = raw.smtp_url.optional();
        if let Some(url) = &smtp_url {
            check_smtp_url(url).map_err(|reason| raw.smtp_url.error(reason))?;
        }
        let from = raw.mail_from.non_empty()?.parse().map_err(|_| {
            raw.mail_from
                .error("expected an address such as Name <no-reply@example.fr>")
        })?;
        let delivery = match (raw.dev_mailbox.parsed()?, smtp_url) {
            (true, Some(_)) => {
                return Err(raw
                    .dev_mailbox
                    .error("true while HUBPRO_SMTP_URL is set: unset one of them"))
            }
            (true, None) => MailDelivery::DevMailbox,
            (false, Some(url)) => MailDelivery::Smtp(Secret(url)),
            (false, None) => {
                return Err(raw.smtp_url.error(
                    "missing: set your SMTP server (smtps://USER:PASSWORD@HOST), or \
                     HUBPRO_DEV_MAILBOX=true to keep emails in a local dev mailbox (not in production)",
                ))
            }
        };
        Ok(MailSettings { delivery, from })
    }
}

/// An SMTP URL lettre understands, that never sends a password in clear.
fn check_smtp_url(url: &str) -> Result<(), &'static str> {
    let parsed = url::Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "smtp" | "smtps") && u.host_str().is_some())
        .ok_or("expected smtp://HOST:PORT or smtps://USER:PASSWORD@HOST")?;
    let tls_required = parsed.scheme() == "smtps"
        || parsed
            .query_pairs()
            .any(|(k, v)| k == "tls" && v == "required");
    if parsed.password().is_some() && !tls_required {
        return Err(
            "a password would travel in clear: use smtps://USER:PASSWORD@HOST \
                    or smtp://USER:PASSWORD@HOST:587?tls=required",
        );
    }
    Ok(())
}

impl TryFrom<&Raw> for MetricsAccess {
    type Error = ConfigError;

    fn try_from(raw: &Raw) -> Result<Self, ConfigError> {
        Ok(
            match (raw.metrics.parsed()?, raw.metrics_token.optional()) {
                (false, Some(_)) => {
                    return Err(raw
                        .metrics
                        .error("false while HUBPRO_METRICS_TOKEN is set: unset one of them"))
                }
                (false, None) => MetricsAccess::Off,
                (true, Some(token)) => MetricsAccess::Token(Secret(token)),
                (true, None) => MetricsAccess::Loopback,
            },
        )
    }
}

impl TryFrom<&Raw> for RateLimits {
    type Error = ConfigError;

    fn try_from(raw: &Raw) -> Result<Self, ConfigError> {
        Ok(RateLimits {
            eligibility: raw.rate_eligibility.parsed()?,
            signup: raw.rate_signup.parsed()?,
        })
    }
}

/// Whether the demo approvals are loaded: unset, outside production only.
pub fn demo_data(raw: &Raw, production: bool) -> Result<bool, ConfigError> {
    match raw.demo_data.optional() {
        None => Ok(!production),
        Some(_) => raw.demo_data.choice(
            &[("true", true), ("false", false)],
            "expected true or false",
        ),
    }
}

pub fn trusted_proxies(raw: &Raw) -> Result<TrustedProxies, ConfigError> {
    raw.trusted_proxies
        .text()?
        .parse()
        .map_err(|e: String| raw.trusted_proxies.error(e))
}

pub fn log_format(raw: &Raw) -> Result<LogFormat, ConfigError> {
    raw.log_format.choice(
        &[
            ("text", LogFormat::Text),
            ("", LogFormat::Text),
            ("json", LogFormat::Json),
        ],
        "expected text or json",
    )
}
