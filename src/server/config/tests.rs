//! The configuration's rules, on the embedded defaults with some variables set.

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
    assert_eq!(
        s.directory.sirene_url,
        "https://api.insee.fr/api-sirene/3.11"
    );
    assert!(matches!(
        s.directory.source,
        DirectorySource::OfflineExtract { on_purpose: false }
    ));
    assert!(!s.production && s.demo_data);
    assert_eq!(s.trusted_proxies, TrustedProxies::default());
    assert!(matches!(s.metrics, MetricsAccess::Loopback));
    assert_eq!(s.log_format, LogFormat::Text);
    assert_eq!(s.audit_retention_days, 365);
    assert_eq!(s.lifecycle, crate::server::config::Lifecycle::default());
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
const PRODUCTION: [(&str, &str); 9] = [
    ("LEPTOS_ENV", "PROD"),
    ("HUBPRO_PUBLIC_URL", "https://hubpro.example"),
    ("HUBPRO_SMTP_URL", "smtps://u:p@mail.example"),
    ("HUBPRO_SIRENE_API_KEY", "k3y"),
    ("HUBPRO_METRICS_TOKEN", "m3trics"),
    (
        "HUBPRO_SECRET_KEY",
        "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
    ),
    (
        "HUBPRO_LEGAL_OPERATOR",
        "Exploitant, 1 rue de l'Exemple, 75000 Paris",
    ),
    ("HUBPRO_LEGAL_DIRECTOR", "Directrice de la publication"),
    (
        "HUBPRO_LEGAL_HOST",
        "Hébergeur, 2 rue de l'Exemple, 75000 Paris",
    ),
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
        load(&offline).unwrap().directory.source,
        DirectorySource::OfflineExtract { on_purpose: true }
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
fn production_needs_its_own_well_formed_secret_key() {
    let err = load(&production_with(&[("HUBPRO_SECRET_KEY", None)])).unwrap_err();
    assert_eq!(err.key, "HUBPRO_SECRET_KEY");
    assert!(
        err.reason.contains("openssl rand -hex 32"),
        "{}",
        err.reason
    );
    for wrong in ["abc", &"a".repeat(64), &"g".repeat(64)] {
        let err = load(&production_with(&[("HUBPRO_SECRET_KEY", Some(wrong))])).unwrap_err();
        assert_eq!(err.key, "HUBPRO_SECRET_KEY", "{wrong}");
    }
    // Refused when malformed outside production too; unset, the development key.
    let dev = load(&[("HUBPRO_DEV_MAILBOX", "true"), ("HUBPRO_SECRET_KEY", "00")]).unwrap_err();
    assert_eq!(dev.key, "HUBPRO_SECRET_KEY");
    assert!(
        !load(&[("HUBPRO_DEV_MAILBOX", "true")])
            .unwrap()
            .secret_key_configured
    );
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
        ("HUBPRO_CLOSED_RETENTION_DAYS", "60"),
        (
            "HUBPRO_SECRET_KEY",
            "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
        ),
        ("HUBPRO_LEGAL_OPERATOR", "Exploitant"),
        ("HUBPRO_LEGAL_DIRECTOR", "Directrice"),
        ("HUBPRO_LEGAL_HOST", "Hébergeur"),
    ])
    .unwrap();
    assert!(s.production);
    assert!(s.secret_key_configured);
    assert!(s.trusted_proxies.trusts("172.20.1.1".parse().unwrap()));
    assert!(matches!(&s.metrics, MetricsAccess::Token(t) if t.expose() == "t0ken"));
    assert_eq!(s.log_format, LogFormat::Json);
    assert_eq!(s.audit_retention_days, 30);
    assert_eq!(s.lifecycle.closed_retention_days, 60);
    assert_eq!(s.leptos.site_addr.port(), 0);
    assert!(s.database_url.starts_with("postgres://"));
    assert_eq!(s.public_url.as_str(), "https://hubprotransport.example");
    assert!(matches!(&s.directory.source, DirectorySource::Sirene(k) if k.expose() == "k3y"));
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
        ("HUBPRO_SECRET_KEY", "not hexadecimal"),
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

#[test]
fn each_key_of_the_file_is_described_once_with_its_variable() {
    let table: toml::Table = EMBEDDED.parse().unwrap();
    let in_file: Vec<(String, String)> = table
        .iter()
        .flat_map(|(section, keys)| {
            let keys = keys.as_table().expect("sections only");
            keys.keys().map(move |key| (section.clone(), key.clone()))
        })
        .collect();
    assert_eq!(in_file.len(), raw::SETTINGS.len());
    for (var, section, key) in raw::SETTINGS {
        assert!(
            in_file.contains(&(section.to_string(), key.to_string())),
            "[{section}] {key}"
        );
        // The file's comment above the key names the variable that overrides it.
        assert!(EMBEDDED.contains(&format!("# {var}: ")), "{var}");
        let same_var = raw::SETTINGS.iter().filter(|(v, _, _)| v == var).count();
        assert_eq!(same_var, 1, "{var}");
    }
}

#[test]
fn groups_read_their_settings() {
    let s = load(&[
        ("HUBPRO_DEV_MAILBOX", "true"),
        ("HUBPRO_MAIL_FROM", "Hub <hub@example.fr>"),
        ("HUBPRO_SIRENE_TIMEOUT_MS", "2500"),
        ("HUBPRO_RATE_SIGNUP", "5"),
    ])
    .unwrap();
    assert_eq!(s.mail.from.email.to_string(), "hub@example.fr");
    assert_eq!(s.mail.from.name.as_deref(), Some("Hub"));
    assert_eq!(s.directory.timeout, Duration::from_millis(2500));
    assert_eq!((s.directory.per_minute, s.directory.per_client), (28, 7));
    assert_eq!((s.limits.eligibility, s.limits.signup), (60, 5));
    // Operator commands read their part alone: a wrong email setting does not stop them.
    let raw = read(EMBEDDED, &|k| {
        (k == "HUBPRO_MAIL_FROM").then(|| "nobody".to_owned())
    })
    .unwrap();
    assert_eq!(
        OperatorSettings::try_from(&raw)
            .unwrap()
            .audit_retention_days,
        365
    );
}
