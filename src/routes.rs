//! Every path of the app, and the links built from them: pages, redirects, emails and the
//! server's middleware name a path only through this module. (The router's `path!` macro needs
//! literals: `tests` below checks they match.)

/// Home page.
pub const HOME: &str = "/";
/// « Créer un compte »: the profile choice.
pub const CREATE_ACCOUNT: &str = "/creer-un-compte";
/// The signup form.
pub const SIGNUP: &str = "/inscription";
/// « Votre compte a bien été créé ».
pub const SIGNUP_DONE: &str = "/inscription/confirmee";
/// The page the emailed password link opens.
pub const PASSWORD_LINK: &str = "/mot-de-passe/creer";
/// The password form, once the link was followed.
pub const NEW_PASSWORD: &str = "/mot-de-passe/nouveau";
/// « Votre mot de passe a bien été enregistré ».
pub const PASSWORD_SAVED: &str = "/mot-de-passe/enregistre";
/// Every password page starts with this.
pub const PASSWORD_PAGES: &str = "/mot-de-passe";
pub const LOGIN: &str = "/connexion";
pub const FORGOT_PASSWORD: &str = "/mot-de-passe-oublie";
/// « Ce n'est pas nous »: the centre's official address suspends an account asked for its SIRET.
pub const NOT_US: &str = "/ce-n-est-pas-nous";
/// The pages an emailed link opens, its secret in the query (`?jeton=`): answered with
/// `Referrer-Policy: no-referrer`, and logged by path only (`scripts/nginx/hubpro-log.conf`).
pub const LINK_PAGES: [&str; 2] = [PASSWORD_LINK, NOT_US];
/// The administrator's space.
pub const SPACE: &str = "/espace";
/// Server functions.
pub const API: &str = "/api";
/// Compiled assets (WASM, JS, CSS).
pub const ASSETS: &str = "/pkg";
pub const HEALTH: &str = "/sante";
pub const METRICS: &str = "/metrics";
/// Development tools (the dev mailbox), never in production.
pub const DEV: &str = "/dev";
pub const DEV_MAILBOX: &str = "/dev/boite-mail";

/// The query parameters pages read.
pub mod query {
    /// The SIRET that pre-fills the signup form.
    pub const SIRET: &str = "siret";
    /// The address that pre-fills the signup form, or that the success page names.
    pub const ADDRESS: &str = "adresse";
    /// The emailed link's token.
    pub const TOKEN: &str = "jeton";
    /// Set once « Mot de passe oublié » has sent its email.
    pub const SENT: &str = "envoye";
    /// Set once « Ce n'est pas nous » has suspended the account.
    pub const DONE: &str = "fait";
}

/// The page « Mot de passe oublié » shows once its email is queued.
pub fn reset_sent() -> String {
    format!("{FORGOT_PASSWORD}?{}=1", query::SENT)
}

#[cfg(feature = "ssr")]
pub use public::PublicUrl;

#[cfg(feature = "ssr")]
mod public {
    use super::*;
    use crate::domain::{EmailAddress, Siret};

    fn escape(value: &str) -> String {
        url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
    }

    /// The success page naming the address to check.
    pub fn signup_done(email: &EmailAddress) -> String {
        format!(
            "{SIGNUP_DONE}?{}={}",
            query::ADDRESS,
            escape(email.as_str())
        )
    }

    /// Where users reach the app (`scheme://host[:port]`, no trailing slash), the base of every
    /// link sent by email.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct PublicUrl(String);

    impl PublicUrl {
        /// An http(s) URL with a host; its trailing slash is dropped.
        pub fn parse(input: &str) -> Option<Self> {
            match url::Url::parse(input) {
                Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
                    Some(Self(input.trim_end_matches('/').to_owned()))
                }
                _ => None,
            }
        }

        pub fn as_str(&self) -> &str {
            &self.0
        }

        /// Served over https: cookies are `Secure` and `__Host-`, HSTS is sent.
        pub fn is_https(&self) -> bool {
            self.0.starts_with("https://")
        }

        /// `scheme://host[:port]`, as browsers send it in `Origin`.
        pub fn origin(&self) -> String {
            url::Url::parse(&self.0)
                .map(|u| u.origin().ascii_serialization())
                .unwrap_or_else(|_| self.0.clone())
        }

        fn link(&self, path_and_query: &str) -> String {
            format!("{}{path_and_query}", self.0)
        }

        /// « Créer mon mot de passe »: the emailed link with its token.
        pub fn password_link(&self, token: &str) -> String {
            self.link(&format!("{PASSWORD_LINK}?{}={token}", query::TOKEN))
        }

        /// The signup form pre-filled with a SIRET (and the invited contact's address).
        pub fn signup_prefilled(&self, siret: &Siret, email: Option<&EmailAddress>) -> String {
            let mut link = format!("{SIGNUP}?{}={}", query::SIRET, siret.as_digits());
            if let Some(email) = email {
                link.push_str(&format!("&{}={}", query::ADDRESS, escape(email.as_str())));
            }
            self.link(&link)
        }

        /// « Ce n'est pas nous », sent to the centre's official address.
        pub fn not_us_link(&self, token: &str) -> String {
            self.link(&format!("{NOT_US}?{}={token}", query::TOKEN))
        }

        pub fn login(&self) -> String {
            self.link(LOGIN)
        }

        pub fn forgot_password(&self) -> String {
            self.link(FORGOT_PASSWORD)
        }

        pub fn space(&self) -> String {
            self.link(SPACE)
        }
    }

    impl std::fmt::Display for PublicUrl {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }
}

#[cfg(feature = "ssr")]
pub use public::signup_done;

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::domain::{EmailAddress, Siret};

    #[test]
    fn links_are_absolute_and_escaped() {
        let url = PublicUrl::parse("https://hub.example/").unwrap();
        assert!(url.is_https());
        assert_eq!(url.origin(), "https://hub.example");
        let siret = Siret::parse("47728084603753").unwrap();
        let email = EmailAddress::parse("a+b@example.fr").unwrap();
        assert_eq!(
            url.signup_prefilled(&siret, Some(&email)),
            "https://hub.example/inscription?siret=47728084603753&adresse=a%2Bb%40example.fr"
        );
        assert_eq!(
            url.password_link("abc"),
            "https://hub.example/mot-de-passe/creer?jeton=abc"
        );
        assert_eq!(
            signup_done(&email),
            "/inscription/confirmee?adresse=a%2Bb%40example.fr"
        );
        assert!(PublicUrl::parse("ftp://hub.example").is_none());
        assert!(PublicUrl::parse("hub.example").is_none());
    }

    #[test]
    fn the_router_serves_these_paths() {
        let router = include_str!("app/mod.rs");
        for path in [
            HOME,
            CREATE_ACCOUNT,
            SIGNUP,
            SIGNUP_DONE,
            PASSWORD_LINK,
            NEW_PASSWORD,
            PASSWORD_SAVED,
            LOGIN,
            FORGOT_PASSWORD,
            SPACE,
            NOT_US,
        ] {
            assert!(
                router.contains(&format!("path!(\"{path}\")")),
                "no route for {path}"
            );
        }
    }
}
