//! Typed configuration, loaded once at start-up: the embedded `Leptos.toml` defaults, each key
//! overridden by its environment variable.

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

/// Everything the server reads from its configuration.
#[derive(Clone, Debug)]
pub struct Settings {
    pub leptos: LeptosOptions,
    pub database_url: String,
    pub public_url: String,
    pub sirene_url: String,
    /// `None`: no INSEE key, the offline demo extract answers instead.
    pub sirene_api_key: Option<Secret>,
    pub sirene_timeout_ms: u64,
    /// `None`: emails go to the dev mailbox.
    pub smtp_url: Option<Secret>,
    pub mail_from: String,
    pub support_contact: String,
    pub demo_data: bool,
    /// INSEE calls allowed per minute (the key's quota, minus a margin).
    pub sirene_per_minute: u32,
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
        let leptos = LeptosOptions::builder()
            .output_name(source.non_empty("LEPTOS_OUTPUT_NAME", "site", "output-name")?)
            .site_root(source.non_empty("LEPTOS_SITE_ROOT", "site", "site-root")?)
            .site_pkg_dir(source.non_empty("LEPTOS_SITE_PKG_DIR", "site", "site-pkg-dir")?)
            .env(leptos_env)
            .site_addr(site_addr)
            .build();

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
        let public_url = source.http_url("HUBPRO_PUBLIC_URL", "public-url")?;
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
            let scheme_ok = url::Url::parse(url)
                .map(|u| matches!(u.scheme(), "smtp" | "smtps") && u.host_str().is_some())
                .unwrap_or(false);
            if !scheme_ok {
                return Err(source.error(
                    "HUBPRO_SMTP_URL",
                    "expected smtp://HOST:PORT or smtps://USER:PASSWORD@HOST",
                ));
            }
        }
        let mail_from = source.non_empty("HUBPRO_MAIL_FROM", "hubpro", "mail-from")?;
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(source.error(
                "HUBPRO_MAIL_FROM",
                "expected an address such as Name <no-reply@example.fr>",
            ));
        }
        Ok(Settings {
            leptos,
            database_url,
            public_url,
            sirene_url,
            sirene_api_key,
            sirene_timeout_ms,
            smtp_url: smtp_url.map(Secret),
            mail_from,
            support_contact: source.non_empty(
                "HUBPRO_SUPPORT_CONTACT",
                "hubpro",
                "support-contact",
            )?,
            demo_data: source.parsed("HUBPRO_DEMO_DATA", "hubpro", "demo-data")?,
            sirene_per_minute: source.parsed(
                "HUBPRO_SIRENE_PER_MINUTE",
                "hubpro",
                "sirene-per-minute",
            )?,
            rate_eligibility: source.parsed(
                "HUBPRO_RATE_ELIGIBILITY",
                "hubpro",
                "rate-eligibility",
            )?,
            rate_signup: source.parsed("HUBPRO_RATE_SIGNUP", "hubpro", "rate-signup")?,
        })
    }

    /// Demo mode: no INSEE key and no SMTP server, so the dev mailbox and demo data are shown.
    pub fn dev_mailbox_enabled(&self) -> bool {
        self.smtp_url.is_none()
    }
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
        let s = load(&[]).unwrap();
        assert_eq!(s.leptos.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(s.database_url, "sqlite://data/hubpro.db");
        assert_eq!(s.public_url, "http://127.0.0.1:3000");
        assert_eq!(s.sirene_url, "https://api.insee.fr/api-sirene/3.11");
        assert!(s.sirene_api_key.is_none());
        assert!(s.smtp_url.is_none() && s.dev_mailbox_enabled());
        assert!(s.demo_data);
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
        ])
        .unwrap();
        assert_eq!(s.leptos.site_addr.port(), 0);
        assert!(s.database_url.starts_with("postgres://"));
        assert_eq!(s.public_url, "https://hubprotransport.example");
        assert_eq!(s.sirene_api_key.as_ref().unwrap().expose(), "k3y");
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
        ] {
            let err = load(&[(var, value)]).unwrap_err();
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
        let s = load(&[("HUBPRO_SMTP_URL", "smtps://user:hunter2@mail.example.fr")]).unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
