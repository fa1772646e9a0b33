//! The settings as text: each one described once (its variable, its place in `Leptos.toml`),
//! its value the environment's, else the file's.

use super::ConfigError;

/// Declares `Raw`, one `Field` per setting, and `SETTINGS`, the same list as data.
macro_rules! settings {
    ($($field:ident: $var:literal = $section:literal . $key:literal;)*) => {
        /// Every setting's text, read from the file and the environment.
        pub struct Raw {
            $(pub $field: Field,)*
        }

        /// Every setting: its environment variable, then its section and key in `Leptos.toml`.
        #[cfg(test)]
        pub const SETTINGS: &[(&str, &str, &str)] = &[$(($var, $section, $key),)*];

        impl Raw {
            /// The values of `table`, each replaced by its variable's when `env` has one.
            pub fn read(table: &toml::Table, env: &dyn Fn(&str) -> Option<String>) -> Self {
                Raw {
                    $($field: Field::read(table, env, $var, $section, $key),)*
                }
            }
        }
    };
}

settings! {
    site_addr: "LEPTOS_SITE_ADDR" = "site"."site-addr";
    site_root: "LEPTOS_SITE_ROOT" = "site"."site-root";
    site_pkg_dir: "LEPTOS_SITE_PKG_DIR" = "site"."site-pkg-dir";
    output_name: "LEPTOS_OUTPUT_NAME" = "site"."output-name";
    env: "LEPTOS_ENV" = "site"."env";
    database_url: "DATABASE_URL" = "hubpro"."database-url";
    public_url: "HUBPRO_PUBLIC_URL" = "hubpro"."public-url";
    sirene_url: "HUBPRO_SIRENE_URL" = "hubpro"."sirene-url";
    sirene_api_key: "HUBPRO_SIRENE_API_KEY" = "hubpro"."sirene-api-key";
    sirene_offline: "HUBPRO_SIRENE_OFFLINE" = "hubpro"."sirene-offline";
    sirene_timeout_ms: "HUBPRO_SIRENE_TIMEOUT_MS" = "hubpro"."sirene-timeout-ms";
    sirene_per_minute: "HUBPRO_SIRENE_PER_MINUTE" = "hubpro"."sirene-per-minute";
    sirene_per_client: "HUBPRO_SIRENE_PER_CLIENT" = "hubpro"."sirene-per-client";
    smtp_url: "HUBPRO_SMTP_URL" = "hubpro"."smtp-url";
    dev_mailbox: "HUBPRO_DEV_MAILBOX" = "hubpro"."dev-mailbox";
    mail_from: "HUBPRO_MAIL_FROM" = "hubpro"."mail-from";
    support_contact: "HUBPRO_SUPPORT_CONTACT" = "hubpro"."support-contact";
    rate_eligibility: "HUBPRO_RATE_ELIGIBILITY" = "hubpro"."rate-eligibility";
    rate_signup: "HUBPRO_RATE_SIGNUP" = "hubpro"."rate-signup";
    demo_data: "HUBPRO_DEMO_DATA" = "hubpro"."demo-data";
    trusted_proxies: "HUBPRO_TRUSTED_PROXIES" = "hubpro"."trusted-proxies";
    metrics: "HUBPRO_METRICS" = "hubpro"."metrics";
    metrics_token: "HUBPRO_METRICS_TOKEN" = "hubpro"."metrics-token";
    log_format: "HUBPRO_LOG_FORMAT" = "hubpro"."log-format";
    audit_retention_days: "HUBPRO_AUDIT_RETENTION_DAYS" = "hubpro"."audit-retention-days";
    closed_retention_days: "HUBPRO_CLOSED_RETENTION_DAYS" = "hubpro"."closed-retention-days";
    inactive_notice_months: "HUBPRO_INACTIVE_NOTICE_MONTHS" = "hubpro"."inactive-notice-months";
    inactive_close_months: "HUBPRO_INACTIVE_CLOSE_MONTHS" = "hubpro"."inactive-close-months";
    legal_operator: "HUBPRO_LEGAL_OPERATOR" = "hubpro"."legal-operator";
    legal_director: "HUBPRO_LEGAL_DIRECTOR" = "hubpro"."legal-director";
    legal_host: "HUBPRO_LEGAL_HOST" = "hubpro"."legal-host";
    secret_key: "HUBPRO_SECRET_KEY" = "hubpro"."secret-key";
}

/// One setting's text, and the variable its errors name.
pub struct Field {
    var: &'static str,
    value: Option<String>,
}

impl Field {
    fn read(
        table: &toml::Table,
        env: &dyn Fn(&str) -> Option<String>,
        var: &'static str,
        section: &str,
        key: &str,
    ) -> Self {
        let value = env(var).or_else(|| {
            table
                .get(section)
                .and_then(|s| s.get(key))
                .map(|v| match v {
                    toml::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
        });
        Field { var, value }
    }

    /// This setting is wrong: the error names its variable.
    pub fn error(&self, reason: impl Into<String>) -> ConfigError {
        ConfigError {
            key: self.var,
            reason: reason.into(),
        }
    }

    /// The text, trimmed; missing is an error.
    pub fn text(&self) -> Result<String, ConfigError> {
        self.value
            .as_deref()
            .map(|v| v.trim().to_owned())
            .ok_or_else(|| self.error("missing"))
    }

    pub fn non_empty(&self) -> Result<String, ConfigError> {
        let v = self.text()?;
        if v.is_empty() {
            return Err(self.error("must not be empty"));
        }
        Ok(v)
    }

    /// The text, trimmed, unless missing or empty.
    pub fn optional(&self) -> Option<String> {
        self.value
            .as_deref()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    pub fn parsed<T: std::str::FromStr>(&self) -> Result<T, ConfigError>
    where
        T::Err: std::fmt::Display,
    {
        let v = self.text()?;
        v.parse()
            .map_err(|e: T::Err| self.error(format!("{v:?} is not valid: {e}")))
    }

    /// The value named by the text among `choices` (in any case), else `expected`.
    pub fn choice<T: Clone>(
        &self,
        choices: &[(&str, T)],
        expected: &str,
    ) -> Result<T, ConfigError> {
        let v = self.text()?;
        choices
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(&v))
            .map(|(_, value)| value.clone())
            .ok_or_else(|| self.error(expected))
    }

    /// An http(s) URL, returned without its trailing slash.
    pub fn http_url(&self) -> Result<String, ConfigError> {
        let v = self.non_empty()?;
        match url::Url::parse(&v) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
                Ok(v.trim_end_matches('/').to_owned())
            }
            _ => Err(self.error(format!("{v:?} is not an http(s) URL"))),
        }
    }
}
