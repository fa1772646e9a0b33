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
pub const LOGIN: &str = "/connexion";
/// The login's second step: the authenticator app's code, or a recovery code.
pub const LOGIN_CODE: &str = "/connexion/code";
pub const FORGOT_PASSWORD: &str = "/mot-de-passe-oublie";
/// « Ce n'est pas nous »: the centre's official address suspends an account asked for its SIRET.
pub const NOT_US: &str = "/ce-n-est-pas-nous";
/// The administrator's space.
pub const SPACE: &str = "/espace";
/// Setting up the authenticator app (its QR code, its secret, a first code).
pub const SECOND_FACTOR: &str = "/espace/double-authentification";
/// « Télécharger mes données »: the account's data as a JSON file (not a page).
pub const MY_DATA: &str = "/espace/mes-donnees";
/// New recovery codes, shown once.
pub const RECOVERY_CODES: &str = "/espace/codes-de-secours";
/// « Changer d'administrateur »: the new administrator's form, or the handover waiting.
pub const HANDOVER: &str = "/espace/administrateur";
/// « Clôturer le compte »: what closing means, and the button.
pub const CLOSURE: &str = "/espace/cloture";
/// The page after a closure.
pub const CLOSED: &str = "/compte-cloture";
/// « Je n'ai plus accès à l'adresse du compte »: the SIRET, to reach its official address.
pub const LOST_ADDRESS: &str = "/acces-perdu";
/// The official address designates the new administrator (its emailed link).
pub const DESIGNATE: &str = "/designer-administrateur";
/// « Accessibilité »: the accessibility statement (RGAA).
pub const ACCESSIBILITY: &str = "/accessibilite";
/// « Données personnelles ».
pub const PERSONAL_DATA: &str = "/donnees-personnelles";
/// « Mentions légales ».
pub const LEGAL_NOTICE: &str = "/mentions-legales";
/// Server functions.
pub const API: &str = "/api";
/// Compiled assets (WASM, JS, CSS).
pub const ASSETS: &str = "/pkg";
pub const HEALTH: &str = "/sante";
pub const METRICS: &str = "/metrics";
/// Development tools (the dev mailbox), never in production.
pub const DEV: &str = "/dev";
pub const DEV_MAILBOX: &str = "/dev/boite-mail";

/// What the server needs to know of a page, written once: the router, the middleware (cache
/// control, page cache, the session check, the referrer policy) and the front end's links read
/// this table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub path: &'static str,
    /// Belongs to one person (a form they fill in, their space, a link's secret): never stored
    /// by a browser or a proxy.
    pub private: bool,
    /// Every anonymous visitor gets it alike: rendered once per process
    /// (`server::page_cache`).
    pub cacheable: bool,
    /// Holds islands: links the WASM that holds them (the others load no WASM at all).
    pub bundle: Option<Bundle>,
    /// Its only script is the password's eye toggle: a few lines in the page, no WASM.
    pub eye_script: bool,
    /// Only with a session; without its cookie, straight to the login page.
    pub needs_session: bool,
    /// Opened from an emailed link, its secret in the query (`?jeton=`): answered with
    /// `Referrer-Policy: no-referrer`, and logged by path only (`scripts/nginx/hubpro-log.conf`).
    pub secret_in_query: bool,
}

/// The WASM of a page with islands: each holds only its page's islands (`build.rs`; built by
/// `scripts/build.sh`), so the signup page does not download the password form's rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bundle {
    Signup,
    Password,
    Space,
}

impl Bundle {
    pub const ALL: [Bundle; 3] = [Bundle::Signup, Bundle::Password, Bundle::Space];

    /// Its name in files: `hubpro-<name>.<hash>.wasm`, `hash-<name>.txt`, feature `bundle-<name>`.
    pub fn name(self) -> &'static str {
        match self {
            Bundle::Signup => "signup",
            Bundle::Password => "password",
            Bundle::Space => "space",
        }
    }
}

const fn page(path: &'static str) -> Page {
    Page {
        path,
        private: false,
        cacheable: false,
        bundle: None,
        eye_script: false,
        needs_session: false,
        secret_in_query: false,
    }
}

/// Every page of the router (`app::App`; a test holds the two together).
pub const PAGES: [Page; 22] = [
    Page {
        cacheable: true,
        ..page(HOME)
    },
    Page {
        cacheable: true,
        ..page(CREATE_ACCOUNT)
    },
    Page {
        cacheable: true,
        bundle: Some(Bundle::Signup),
        ..page(SIGNUP)
    },
    page(SIGNUP_DONE),
    Page {
        private: true,
        secret_in_query: true,
        ..page(PASSWORD_LINK)
    },
    Page {
        private: true,
        bundle: Some(Bundle::Password),
        ..page(NEW_PASSWORD)
    },
    Page {
        private: true,
        ..page(PASSWORD_SAVED)
    },
    Page {
        private: true,
        cacheable: true,
        eye_script: true,
        ..page(LOGIN)
    },
    Page {
        private: true,
        ..page(LOGIN_CODE)
    },
    Page {
        private: true,
        cacheable: true,
        ..page(FORGOT_PASSWORD)
    },
    Page {
        private: true,
        secret_in_query: true,
        ..page(NOT_US)
    },
    Page {
        private: true,
        bundle: Some(Bundle::Space),
        needs_session: true,
        ..page(SPACE)
    },
    Page {
        private: true,
        needs_session: true,
        ..page(SECOND_FACTOR)
    },
    Page {
        private: true,
        needs_session: true,
        ..page(RECOVERY_CODES)
    },
    Page {
        private: true,
        needs_session: true,
        ..page(HANDOVER)
    },
    Page {
        private: true,
        needs_session: true,
        ..page(CLOSURE)
    },
    page(CLOSED),
    Page {
        private: true,
        cacheable: true,
        ..page(LOST_ADDRESS)
    },
    Page {
        private: true,
        secret_in_query: true,
        ..page(DESIGNATE)
    },
    Page {
        cacheable: true,
        ..page(ACCESSIBILITY)
    },
    Page {
        cacheable: true,
        ..page(PERSONAL_DATA)
    },
    Page {
        cacheable: true,
        ..page(LEGAL_NOTICE)
    },
];

/// The page at `path`, if it is one of [`PAGES`].
pub fn page_at(path: &str) -> Option<&'static Page> {
    PAGES.iter().find(|p| p.path == path)
}

/// The pages opened from an emailed link, their secret in the query.
pub fn link_pages() -> impl Iterator<Item = &'static str> {
    PAGES.iter().filter(|p| p.secret_in_query).map(|p| p.path)
}

/// Every password page starts with this.
pub const PASSWORD_PAGES: &str = "/mot-de-passe";

/// What is private beyond the private pages (everything under these paths): server functions,
/// tools, and any other address under the password pages.
pub const PRIVATE_PATHS: [&str; 5] = [API, DEV, METRICS, HEALTH, PASSWORD_PAGES];

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

        /// « Désigner le nouvel administrateur », sent to the centre's official address.
        pub fn designate_link(&self, token: &str) -> String {
            self.link(&format!("{DESIGNATE}?{}={token}", query::TOKEN))
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
    fn the_router_serves_the_pages_of_the_table_and_no_other() {
        let router = include_str!("app/mod.rs");
        for page in PAGES {
            let route = format!("path!(\"{}\")", page.path);
            assert_eq!(
                router.matches(&route).count(),
                1,
                "one route for {}",
                page.path
            );
        }
        assert_eq!(router.matches("<Route path=").count(), PAGES.len());
        let paths: std::collections::HashSet<_> = PAGES.iter().map(|p| p.path).collect();
        assert_eq!(paths.len(), PAGES.len(), "each page once");
    }

    #[test]
    fn a_page_with_a_session_or_a_secret_is_private_and_never_cached() {
        for page in PAGES {
            if page.needs_session || page.secret_in_query {
                assert!(page.private && !page.cacheable, "{page:?}");
            }
        }
    }
}
