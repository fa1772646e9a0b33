//! What production mode (`LEPTOS_ENV=PROD` or an https public URL) refuses, in one place. (An
//! SMTP password in clear is refused everywhere: see `typed`.)

use super::{ConfigError, DirectorySource, MailDelivery, MetricsAccess, Settings};

/// The first unsafe setting of `settings`, named by its variable.
pub fn check(settings: &Settings) -> Result<(), ConfigError> {
    let refusals = [
        (
            matches!(settings.mail.delivery, MailDelivery::DevMailbox),
            "HUBPRO_DEV_MAILBOX",
            "refused in production: /dev/boite-mail would show every email, password links \
             included, to anyone; unset it and set HUBPRO_SMTP_URL",
        ),
        (
            matches!(
                settings.directory.source,
                DirectorySource::OfflineExtract { on_purpose: false }
            ),
            "HUBPRO_SIRENE_API_KEY",
            "missing in production: set your INSEE integration key (or \
             HUBPRO_SIRENE_OFFLINE=true to answer from the bundled offline extract on purpose)",
        ),
        (
            settings.demo_data,
            "HUBPRO_DEMO_DATA",
            "refused in production: the demo approvals would enter the registry and their \
             notices would be sent; set HUBPRO_DEMO_DATA=false or unset it",
        ),
        (
            matches!(settings.metrics, MetricsAccess::Loopback),
            "HUBPRO_METRICS_TOKEN",
            "missing in production: set a bearer token for GET /metrics (openssl rand -hex 32), \
             or HUBPRO_METRICS=false to turn it off; without a token only this machine may read \
             it, and behind a TLS proxy on this machine that is everyone",
        ),
        (
            !settings.secret_key_configured,
            "HUBPRO_SECRET_KEY",
            "missing in production: set 64 hexadecimal characters (openssl rand -hex 32); it \
             seals what authenticator apps share with the server and hashes the recovery codes: \
             keep a copy apart from the database's backups",
        ),
        (
            settings.legal.operator.is_empty(),
            "HUBPRO_LEGAL_OPERATOR",
            "missing in production: the legal notice (« Mentions légales ») must name who \
             publishes the service: its name, postal address and a contact",
        ),
        (
            settings.legal.director.is_empty(),
            "HUBPRO_LEGAL_DIRECTOR",
            "missing in production: the legal notice must name the publication's director",
        ),
        (
            settings.legal.host.is_empty(),
            "HUBPRO_LEGAL_HOST",
            "missing in production: the legal notice must name the host: its name, postal \
             address and telephone",
        ),
    ];
    match refusals.into_iter().find(|(refused, _, _)| *refused) {
        Some((_, key, reason)) => Err(ConfigError {
            key,
            reason: reason.to_owned(),
        }),
        None => Ok(()),
    }
}
