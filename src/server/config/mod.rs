//! Typed configuration, loaded once at start-up: the embedded `Leptos.toml` defaults, each key
//! overridden by its environment variable.

use crate::routes::PublicUrl;
use crate::server::clients::TrustedProxies;
use leptos::config::{Env, LeptosOptions};
use std::net::SocketAddr;

/// The defaults shipped inside the binary.
const EMBEDDED: &str = include_str!("../../Leptos.toml");

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
    /// The bundled offline demo extract.
    OfflineExtract,
}

/// How emails leave.
#[derive(Clone, Debug)]
pub enum MailDelivery {
    /// Through this SMTP server (lettre URL).
    Smtp(Secret),
    /// Kept in the database and shown at `/dev/boite-mail` (never in production).
    DevMailbox,
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
    pub sirene_url: String,
    /// Where establishments are looked up.
    pub directory: DirectorySource,
    pub sirene_timeout_ms: u64,
    /// How emails leave.
    pub mail: MailDelivery,
    pub mail_from: String,
    pub support_contact: String,
    /// Production mode (`LEPTOS_ENV=PROD` or an https public URL): unsafe settings were refused.
    pub production: bool,
    pub demo_data: bool,
    /// Reverse proxies whose `X-Forwarded-For` and `X-Request-Id` are believed.
    pub trusted_proxies: TrustedProxies,
    /// Who may read `/metrics`.
    pub metrics: MetricsAccess,
    pub log_format: LogFormat,
    /// Days audit events are kept.
    pub audit_retention_days: u32,
    /// INSEE calls allowed per minute (the key's quota, minus a margin).
    pub sirene_per_minute: u32,
    /// The share of `sirene_per_minute` one client address may spend.
    pub sirene_per_client: u32,
    /// Eligibility checks per minute and per IP.
    pub rate_eligibility: u32,
    /// Signup submissions per minute and per IP.
    pub rate_signup: u32,
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
        let table: toml::Table = toml_text.parse().map_err(|e| ConfigError {
            key: "Leptos.toml",
            reason: format!("not valid TOML: {e}"),
        })?;
        let source = Source { table, env };
        let site_addr: SocketAddr = source.parsed("LEPTOS_SITE_ADDR", "site", "site-addr")?;
        let env_name = source.text("LEPTOS_ENV", "site", "env")?;
        let leptos_env = match env_name.to_ascii_uppercase().as_str() {
            "DEV" | "DEVELOPMENT" => Env::DEV,
            "PROD" | "PRODUCTION" => Env::PROD,
            _ => return Err(source.error("LEPTOS_ENV", "expected DEV or PROD")),
        };
        let prod_env = leptos_env == Env::PROD;
        let leptos = LeptosOptions::builder()
            .output_name(source.non_empty("LEPTOS_OUTPUT_NAME", "site", "output-name")?)
            .site_root(source.non_empty("LEPTOS_SITE_ROOT", "site", "site-root")?)
            .site_pkg_dir(source.non_empty("LEPTOS_SITE_PKG_DIR", "site", "site-pkg-dir")?)
            .hash_files(hashed_build("hash.txt"))
            .env(leptos_env)
            .site_addr(site_addr)
            .build();

        let OperatorSettings {
            database_url,
            public_url,
            audit_retention_days,
            support_contact,
        } = OperatorSettings::read(&source)?;
        let sirene_url = source.http_url("HUBPRO_SIRENE_URL", "sirene-url")?;
        let sirene_api_key = source
            .optional("HUBPRO_SIRENE_API_KEY", "hubpro", "sirene-api-key")?
            .map(Secret);
        let sirene_timeout_ms: u64 =
            source.parsed("HUBPRO_SIRENE_TIMEOUT_MS", "hubpro", "sirene-timeout-ms")?;
        if !(100..=60_000).contains(&sirene_timeout_ms) {
            return Err(source.error(
                "HUBPRO_SIRENE_TIMEOUT_MS",
                "expected milliseconds between 100 and 60000",
            ));
        }
        let smtp_url = source.optional("HUBPRO_SMTP_URL", "hubpro", "smtp-url")?;
        if let Some(url) = &smtp_url {
            check_smtp_url(url).map_err(|reason| source.error("HUBPRO_SMTP_URL", reason))?;
        }
        let mail_from = source.non_empty("HUBPRO_MAIL_FROM", "hubpro", "mail-from")?;
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(source.error(
                "HUBPRO_MAIL_FROM",
                "expected an address such as Name <no-reply@example.fr>",
            ));
        }
        let production = prod_env || public_url.is_https();
        let sirene_per_minute: u32 =
            source.parsed("HUBPRO_SIRENE_PER_MINUTE", "hubpro", "sirene-per-minute")?;
        let sirene_per_client: u32 =
            source.parsed("HUBPRO_SIRENE_PER_CLIENT", "hubpro", "sirene-per-client")?;
        if sirene_per_client == 0 || sirene_per_client > sirene_per_minute {
            return Err(source.error(
                "HUBPRO_SIRENE_PER_CLIENT",
                "expected a number of calls between 1 and HUBPRO_SIRENE_PER_MINUTE",
            ));
        }
        let dev_mailbox: bool = source.parsed("HUBPRO_DEV_MAILBOX", "hubpro", "dev-mailbox")?;
        let mail = match (dev_mailbox, smtp_url) {
            (true, _) if production => {
                return Err(source.error(
                    "HUBPRO_DEV_MAILBOX",
                    "refused in production: /dev/boite-mail would show every email, password \
                     links included, to anyone; unset it and set HUBPRO_SMTP_URL",
                ))
            }
            (true, Some(_)) => {
                return Err(source.error(
                    "HUBPRO_DEV_MAILBOX",
                    "true while HUBPRO_SMTP_URL is set: unset one of them",
                ))
            }
            (true, None) => MailDelivery::DevMailbox,
            (false, Some(url)) => MailDelivery::Smtp(Secret(url)),
            (false, None) => {
                return Err(source.error(
                    "HUBPRO_SMTP_URL",
                    "missing: set your SMTP server (smtps://USER:PASSWORD@HOST), or \
                     HUBPRO_DEV_MAILBOX=true to keep emails in a local dev mailbox (not in production)",
                ))
            }
        };
        let offline: bool = source.parsed("HUBPRO_SIRENE_OFFLINE", "hubpro", "sirene-offline")?;
        let directory = match (sirene_api_key, offline) {
            (Some(_), true) => {
                return Err(source.error(
                    "HUBPRO_SIRENE_OFFLINE",
                    "true while HUBPRO_SIRENE_API_KEY is set: unset one of them",
                ))
            }
            (Some(key), false) => DirectorySource::Sirene(key),
            (None, false) if production => {
                return Err(source.error(
                    "HUBPRO_SIRENE_API_KEY",
                    "missing in production: set your INSEE integration key (or \
                     HUBPRO_SIRENE_OFFLINE=true to answer from the bundled offline extract on purpose)",
                ))
            }
            (None, _) => DirectorySource::OfflineExtract,
        };
        let demo_data =
            match source.optional("HUBPRO_DEMO_DATA", "hubpro", "demo-data")? {
                None => !production,
                Some(v) => match v.to_ascii_lowercase().as_str() {
                    "true" if production => return Err(source.error(
                        "HUBPRO_DEMO_DATA",
                        "refused in production: the demo approvals would enter the registry and \
                         their notices would be sent; set HUBPRO_DEMO_DATA=false or unset it",
                    )),
                    "true" => true,
                    "false" => false,
                    _ => return Err(source.error("HUBPRO_DEMO_DATA", "expected true or false")),
                },
            };
        let trusted_proxies = source
            .text("HUBPRO_TRUSTED_PROXIES", "hubpro", "trusted-proxies")?
            .parse::<TrustedProxies>()
            .map_err(|e| source.error("HUBPRO_TRUSTED_PROXIES", &e))?;
        let metrics_on: bool = source.parsed("HUBPRO_METRICS", "hubpro", "metrics")?;
        let metrics_token = source
            .optional("HUBPRO_METRICS_TOKEN", "hubpro", "metrics-token")?
            .map(Secret);
        let metrics = match (metrics_on, metrics_token) {
            (false, Some(_)) => {
                return Err(source.error(
                    "HUBPRO_METRICS",
                    "false while HUBPRO_METRICS_TOKEN is set: unset one of them",
                ))
            }
            (false, None) => MetricsAccess::Off,
            (true, Some(token)) => MetricsAccess::Token(token),
            (true, None) if production => {
                return Err(source.error(
                    "HUBPRO_METRICS_TOKEN",
                    "missing in production: set a bearer token for GET /metrics (openssl rand \
                     -hex 32), or HUBPRO_METRICS=false to turn it off; without a token only this \
                     machine may read it, and behind a TLS proxy on this machine that is everyone",
                ))
            }
            (true, None) => MetricsAccess::Loopback,
        };
        let log_format = match source
            .text("HUBPRO_LOG_FORMAT", "hubpro", "log-format")?
            .to_ascii_lowercase()
            .as_str()
        {
            "text" | "" => LogFormat::Text,
            "json" => LogFormat::Json,
            _ => return Err(source.error("HUBPRO_LOG_FORMAT", "expected text or json")),
        };
        Ok(Settings {
            leptos,
            database_url,
            public_url,
            sirene_url,
            directory,
            sirene_timeout_ms,
            mail,
            mail_from,
            support_contact,
            production,
            demo_data,
            sirene_per_minute,
            sirene_per_client,
            rate_eligibility: source.parsed(
                "HUBPRO_RATE_ELIGIBILITY",
                "hubpro",
                "rate-eligibility",
            )?,
            rate_signup: source.parsed("HUBPRO_RATE_SIGNUP", "hubpro", "rate-signup")?,
            trusted_proxies,
            metrics,
            log_format,
            audit_retention_days,
        })
    }

    /// The part operator commands use.
    pub fn operator(&self) -> OperatorSettings {
        OperatorSettings {
            database_url: self.database_url.clone(),
            public_url: self.public_url.clone(),
            audit_retention_days: self.audit_retention_days,
            support_contact: self.support_contact.clone(),
        }
    }

    /// Whether `/dev/boite-mail` is served (never in production).
    pub fn dev_mailbox_enabled(&self) -> bool {
        matches!(self.mail, MailDelivery::DevMailbox)
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
}

impl OperatorSettings {
    pub fn load() -> Result<Self, ConfigError> {
        let table = EMBEDDED.parse().map_err(|e| ConfigError {
            key: "Leptos.toml",
            reason: format!("not valid TOML: {e}"),
        })?;
        Self::read(&Source {
            table,
            env: |k: &str| std::env::var(k).ok(),
        })
    }

    fn read<F: Fn(&str) -> Option<String>>(source: &Source<F>) -> Result<Self, ConfigError> {
        let database_url = source.non_empty("DATABASE_URL", "hubpro", "database-url")?;
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(source.error(
                "DATABASE_URL",
                "expected sqlite://PATH or postgres://USER@HOST/DB",
            ));
        }
        let audit_retention_days: u32 = source.parsed(
            "HUBPRO_AUDIT_RETENTION_DAYS",
            "hubpro",
            "audit-retention-days",
        )?;
        if audit_retention_days == 0 {
            return Err(source.error(
                "HUBPRO_AUDIT_RETENTION_DAYS",
                "expected a number of days of at least 1",
            ));
        }
        Ok(OperatorSettings {
            database_url,
            public_url: PublicUrl::parse(&source.http_url("HUBPRO_PUBLIC_URL", "public-url")?)
                .ok_or_else(|| source.error("HUBPRO_PUBLIC_URL", "not an http(s) URL"))?,
            audit_retention_days,
            support_contact: source.non_empty(
                "HUBPRO_SUPPORT_CONTACT",
                "hubpro",
                "support-contact",
            )?,
        })
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

struct Source<F> {
    table: toml::Table,
    env: F,
}

impl<F: Fn(&str) -> Option<String>> Source<F> {
    fn error(&self, key: &'static str, reason: &str) -> ConfigError {
        ConfigError {
            key,
            reason: reason.to_owned(),
        }
    }

    /// The environment value, else the file's, as text.
    fn raw(&self, var: &'static str, section: &str, key: &str) -> Option<String> {
        (self.env)(var).or_else(|| {
            self.table
                .get(section)
                .and_then(|s| s.get(key))
                .map(|v| match v {
                    toml::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
        })
    }

    fn text(&self, var: &'static str, section: &str, key: &str) -> Result<String, ConfigError> {
        self.raw(var, section, key)
            .map(|v| v.trim().to_owned())
            .ok_or_else(|| self.error(var, "missing"))
    }

    fn non_empty(
        &self,
        var: &'static str,
        section: &str,
        key: &str,
    ) -> Result<String, ConfigError> {
        let v = self.text(var, section, key)?;
        if v.is_empty() {
            return Err(self.error(var, "must not be empty"));
        }
        Ok(v)
    }

    fn optional(
        &self,
        var: &'static str,
        section: &str,
        key: &str,
    ) -> Result<Option<String>, ConfigError> {
        Ok(self
            .raw(var, section, key)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty()))
    }

    fn parsed<T: std::str::FromStr>(
        &self,
        var: &'static str,
        section: &str,
        key: &str,
    ) -> Result<T, ConfigError>
    where
        T::Err: std::fmt::Display,
    {
        let v = self.text(var, section, key)?;
        v.parse()
            .map_err(|e: T::Err| self.error(var, &format!("{v:?} is not valid: {e}")))
    }

    /// An http(s) URL, returned without its trailing slash.
    fn http_url(&self, var: &'static str, key: &str) -> Result<String, ConfigError> {
        let v = self.non_empty(var, "hubpro", key)?;
        match url::Url::parse(&v) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
                Ok(v.trim_end_matches('/').to_owned())
            }
            _ => Err(self.error(var, &format!("{v:?} is not an http(s) URL"))),
        }
    }
}

/// Whether this binary was built with hashed names (cargo-leptos wrote `name` beside it).
fn hashed_build(name: &str) -> bool {
    beside_binary(name).is_file()
}

pub(crate) fn beside_binary(name: &str) -> std::path::PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(std::path::Path::to_path_buf))
        .unwrap_or_default()
        .join(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_sources(EMBEDDED, move |k| map.get(k).cloned())
    }

    #[test]
    fn embedded_defaults_are_the_documented_ones() {
        let s = load(&[("HUBPRO_DEV_MAILBOX", "true")]).unwrap();
        assert_eq!(s.leptos.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(s.database_url, "sqlite://data/hubpro.db");
        assert_eq!(s.public_url.as_str(), "http://127.0.0.1:3000");
        assert_eq!(s.sirene_url, "https://api.insee.fr/api-sirene/3.11");
        assert!(matches!(s.directory, DirectorySource::OfflineExtract));
        assert!(!s.production && s.demo_data);
        assert_eq!(s.trusted_proxies, TrustedProxies::default());
        assert!(matches!(s.metrics, MetricsAccess::Loopback));
        assert_eq!(s.log_format, LogFormat::Text);
        assert_eq!(s.audit_retention_days, 365);
    }

    #[test]
    fn without_smtp_the_dev_mailbox_must_be_asked_for() {
        let err = load(&[]).unwrap_err();
        assert_eq!(err.key, "HUBPRO_SMTP_URL");
        assert!(err.to_string().contains("HUBPRO_DEV_MAILBOX=true"), "{err}");
        assert!(load(&[("HUBPRO_DEV_MAILBOX", "true")])
            .unwrap()
            .dev_mailbox_enabled());
        let both = load(&[
            ("HUBPRO_DEV_MAILBOX", "true"),
            ("HUBPRO_SMTP_URL", "smtp://127.0.0.1:2525"),
        ]);
        assert_eq!(both.unwrap_err().key, "HUBPRO_DEV_MAILBOX");
    }

    /// A safe production configuration (the tests take one of its settings away or change it).
    const PRODUCTION: [(&str, &str); 5] = [
        ("LEPTOS_ENV", "PROD"),
        ("HUBPRO_PUBLIC_URL", "https://hubpro.example"),
        ("HUBPRO_SMTP_URL", "smtps://u:p@mail.example"),
        ("HUBPRO_SIRENE_API_KEY", "k3y"),
        ("HUBPRO_METRICS_TOKEN", "m3trics"),
    ];

    /// `PRODUCTION` with `changes`: a `None` value removes the variable.
    fn production_with<'a>(changes: &[(&'a str, Option<&'a str>)]) -> Vec<(&'a str, &'a str)> {
        let mut vars: Vec<(&str, &str)> = PRODUCTION
            .iter()
            .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
            .copied()
            .collect();
        vars.extend(changes.iter().filter_map(|(k, v)| v.map(|v| (*k, v))));
        vars
    }

    #[test]
    fn production_refuses_unsafe_settings_with_one_line_each() {
        let s = load(&PRODUCTION).unwrap();
        assert!(s.production && !s.demo_data && !s.dev_mailbox_enabled());
        for (extra, key) in [
            (("HUBPRO_DEV_MAILBOX", "true"), "HUBPRO_DEV_MAILBOX"),
            (("HUBPRO_DEMO_DATA", "true"), "HUBPRO_DEMO_DATA"),
            (("HUBPRO_SIRENE_API_KEY", ""), "HUBPRO_SIRENE_API_KEY"),
            (
                ("HUBPRO_SMTP_URL", "smtp://u:p@mail.example"),
                "HUBPRO_SMTP_URL",
            ),
        ] {
            let err = load(&production_with(&[(extra.0, Some(extra.1))])).unwrap_err();
            assert_eq!(err.key, key, "{extra:?}");
            assert!(!err.to_string().contains('\n'));
        }
        // An https public URL alone means production too.
        let https_only = load(&[
            ("HUBPRO_PUBLIC_URL", "https://hubpro.example"),
            ("HUBPRO_DEV_MAILBOX", "true"),
        ]);
        assert_eq!(https_only.unwrap_err().key, "HUBPRO_DEV_MAILBOX");
        // The offline extract in production, when asked for by name.
        let offline = production_with(&[
            ("HUBPRO_SIRENE_API_KEY", None),
            ("HUBPRO_SIRENE_OFFLINE", Some("true")),
        ]);
        assert!(matches!(
            load(&offline).unwrap().directory,
            DirectorySource::OfflineExtract
        ));
        let tls = production_with(&[(
            "HUBPRO_SMTP_URL",
            Some("smtp://u:p@mail.example:587?tls=required"),
        )]);
        assert!(load(&tls).is_ok());
    }

    #[test]
    fn production_metrics_need_a_token_unless_turned_off() {
        // No loopback exemption: a TLS terminator on this machine makes every request local.
        let err = load(&production_with(&[("HUBPRO_METRICS_TOKEN", None)])).unwrap_err();
        assert_eq!(err.key, "HUBPRO_METRICS_TOKEN");
        assert!(!err.to_string().contains('\n'));
        let off = production_with(&[
            ("HUBPRO_METRICS_TOKEN", None),
            ("HUBPRO_METRICS", Some("false")),
        ]);
        assert!(matches!(load(&off).unwrap().metrics, MetricsAccess::Off));
        // Outside production, no token still means « from this machine only ».
        let dev = load(&[("HUBPRO_DEV_MAILBOX", "true")]).unwrap();
        assert!(matches!(dev.metrics, MetricsAccess::Loopback));
        // Turned off while a token is set: one of them is a mistake.
        let both = load(&production_with(&[("HUBPRO_METRICS", Some("false"))]));
        assert_eq!(both.unwrap_err().key, "HUBPRO_METRICS");
    }

    #[test]
    fn a_proxy_list_trusting_every_address_is_refused() {
        for every in ["0.0.0.0/0", "::/0", "10.0.0.1, 0.0.0.0/0", "192.0.2.7/0"] {
            let err = load(&[
                ("HUBPRO_DEV_MAILBOX", "true"),
                ("HUBPRO_TRUSTED_PROXIES", every),
            ])
            .unwrap_err();
            assert_eq!(err.key, "HUBPRO_TRUSTED_PROXIES", "{every}");
            assert!(!err.to_string().contains('\n'));
        }
    }

    #[test]
    fn environment_overrides_every_key() {
        let s = load(&[
            ("LEPTOS_SITE_ADDR", "127.0.0.1:0"),
            ("DATABASE_URL", "postgres://postgres@127.0.0.1/test"),
            ("HUBPRO_PUBLIC_URL", "https://hubprotransport.example/"),
            ("HUBPRO_SIRENE_API_KEY", "k3y"),
            ("HUBPRO_SMTP_URL", "smtp://127.0.0.1:2525"),
            ("HUBPRO_MAIL_FROM", "Hub <a@b.fr>"),
            ("HUBPRO_DEMO_DATA", "false"),
            ("HUBPRO_TRUSTED_PROXIES", "10.0.0.1, 172.16.0.0/12"),
            ("HUBPRO_METRICS_TOKEN", "t0ken"),
            ("HUBPRO_LOG_FORMAT", "json"),
            ("HUBPRO_AUDIT_RETENTION_DAYS", "30"),
        ])
        .unwrap();
        assert!(s.production);
        assert!(s.trusted_proxies.trusts("172.20.1.1".parse().unwrap()));
        assert!(matches!(&s.metrics, MetricsAccess::Token(t) if t.expose() == "t0ken"));
        assert_eq!(s.log_format, LogFormat::Json);
        assert_eq!(s.audit_retention_days, 30);
        assert_eq!(s.leptos.site_addr.port(), 0);
        assert!(s.database_url.starts_with("postgres://"));
        assert_eq!(s.public_url.as_str(), "https://hubprotransport.example");
        assert!(matches!(&s.directory, DirectorySource::Sirene(k) if k.expose() == "k3y"));
        assert!(!s.dev_mailbox_enabled());
        assert!(!s.demo_data);
    }

    #[test]
    fn a_wrong_value_names_its_variable() {
        for (var, value) in [
            ("LEPTOS_SITE_ADDR", "nowhere"),
            ("DATABASE_URL", "mysql://x"),
            ("HUBPRO_PUBLIC_URL", "ftp://x"),
            ("HUBPRO_SIRENE_URL", "not a url"),
            ("HUBPRO_SMTP_URL", "http://x"),
            ("HUBPRO_MAIL_FROM", "nobody"),
            ("HUBPRO_DEMO_DATA", "maybe"),
            ("HUBPRO_SIRENE_TIMEOUT_MS", "0"),
            ("LEPTOS_ENV", "STAGING"),
            ("HUBPRO_TRUSTED_PROXIES", "10.0.0.0/33"),
            ("HUBPRO_LOG_FORMAT", "xml"),
            ("HUBPRO_AUDIT_RETENTION_DAYS", "0"),
            ("HUBPRO_DEV_MAILBOX", "yes"),
            ("HUBPRO_METRICS", "maybe"),
        ] {
            let err = load(&[("HUBPRO_DEV_MAILBOX", "true"), (var, value)]).unwrap_err();
            assert_eq!(err.key, var);
            let line = err.to_string();
            assert!(
                line.starts_with(&format!("configuration error: {var}: ")),
                "{line}"
            );
            assert!(!line.contains('\n'));
        }
    }

    #[test]
    fn secrets_never_print() {
        let s = load(&[
            ("HUBPRO_SMTP_URL", "smtps://user:hunter2@mail.example.fr"),
            ("HUBPRO_METRICS_TOKEN", "hunter3"),
        ])
        .unwrap();
        assert!(!format!("{s:?}").contains("hunter3"));
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
