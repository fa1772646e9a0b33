//! The French emails the app sends. Each is written once ([`Message`]); its plain text and its
//! HTML are drawn from it, every value escaped in the HTML by construction.

use crate::domain::{EmailAddress, PersonName, ValidSignup};
use crate::routes::PublicUrl;
use crate::server::store::{Duration, OutgoingEmail};

mod establishments;
mod lifecycle;
mod message;
mod ownership;
mod second_factor;
pub use establishments::{
    approval_granted, attachment_invitation, new_approval_notice, Invitation,
};
pub use lifecycle::{
    account_closed, attachment_ended_by_closure, handed_over, handover_invitation,
    handover_request_link, handover_requested, inactivity_notice, Centre, ClosedBy,
};
pub use message::{b, link, t, Message, AUTOMATIC_NOTICE};
pub use ownership::{account_requested, account_suspended, AccountRequested};
pub use second_factor::{second_factor_changed, FactorChange, FactorNotice};

/// « une heure », « 72 heures », « 30 minutes »: a link's validity, said one way everywhere.
pub fn validity(ttl: Duration) -> String {
    match ttl.whole_minutes() {
        60 => "une heure".to_owned(),
        m if m % 60 == 0 => format!("{} heures", m / 60),
        m => format!("{m} minutes"),
    }
}

const IGNORE: &str = "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.";

/// Sent at signup: the link to create the password.
pub fn password_setup(
    signup: &ValidSignup,
    link: &str,
    valid: Duration,
    support: &str,
) -> OutgoingEmail {
    Message::new("Hub Pro Transport\u{a0}: Créer mon mot de passe")
        .say(format!(
            "Bonjour {} {},",
            signup.first_name.as_str(),
            signup.last_name.as_str()
        ))
        .paragraph([
            t("Le compte administrateur de "),
            b(signup.organisation.as_str()),
            t(format!(
                " (SIRET {}) a bien été créé sur Hub Pro Transport.",
                signup.siret.grouped()
            )),
        ])
        .say("Pour finaliser votre inscription, créez votre mot de passe\u{a0}:")
        .button("Créer mon mot de passe", link)
        .say(format!(
            "Ce lien reste valable {}, jusqu'à ce que votre mot de passe soit enregistré. Passé ce \
             délai, utilisez «\u{a0}Mot de passe oublié\u{a0}» sur la page de connexion.",
            validity(valid)
        ))
        .paragraph([
            t("Un problème\u{202f}? Contactez le service support\u{a0}: "),
            b(support),
        ])
        .say(IGNORE)
        .to(&signup.email)
}

/// Sent instead of a second account when the address already has one (the page says nothing).
pub fn account_already_exists(to: &EmailAddress, public_url: &PublicUrl) -> OutgoingEmail {
    Message::new("Hub Pro Transport\u{a0}: vous avez déjà un compte")
        .say("Bonjour,")
        .say(
            "Une demande de création de compte vient d'être faite avec votre adresse \
             électronique, mais un compte Hub Pro Transport existe déjà pour cette adresse\u{a0}: \
             aucun second compte n'a été créé.",
        )
        .button("Se connecter", &public_url.login())
        .button("Mot de passe oublié", &public_url.forgot_password())
        .say(IGNORE)
        .to(to)
}

/// Sent by « Mot de passe oublié » when the address has an account.
pub fn password_reset(
    to: &EmailAddress,
    first_name: &PersonName,
    link: &str,
    valid: Duration,
    support: &str,
    has_password: bool,
) -> OutgoingEmail {
    // A pending account has no password yet: nothing « stays valid ».
    let ignore = if has_password {
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message\u{a0}: votre mot de \
         passe actuel reste valable."
    } else {
        IGNORE
    };
    Message::new("Hub Pro Transport\u{a0}: nouveau lien pour votre mot de passe")
        .say(format!("Bonjour {first_name},"))
        .say("Vous avez demandé un nouveau lien pour choisir votre mot de passe Hub Pro Transport.")
        .button("Créer mon mot de passe", link)
        .say(format!(
            "Ce lien est valable {}, jusqu'à ce que votre mot de passe soit enregistré\u{202f}; \
             les liens envoyés avant celui-ci ne fonctionnent plus.",
            validity(valid)
        ))
        .say(ignore)
        .say(format!(
            "Besoin d'aide\u{202f}? Contactez le service support\u{a0}: {support}"
        ))
        .to(to)
}

/// What happened to the account, for a security notice: when and from which address.
pub struct Change<'a> {
    pub at: crate::server::store::OffsetDateTime,
    pub ip: &'a str,
}

/// Sent after a password is set, so an unexpected change is noticed.
pub fn password_changed(
    to: &EmailAddress,
    first_name: &PersonName,
    change: &Change<'_>,
    public_url: &PublicUrl,
    support: &str,
) -> OutgoingEmail {
    Message::new("Hub Pro Transport\u{a0}: votre mot de passe a été enregistré")
        .say(format!("Bonjour {first_name},"))
        .say(
            "Le mot de passe de votre compte Hub Pro Transport vient d'être enregistré\u{a0}; \
             les sessions ouvertes avec l'ancien ont été fermées.",
        )
        .bullets([
            format!("quand\u{a0}: {}", in_france(change.at)),
            format!("adresse IP\u{a0}: {}", change.ip),
        ])
        .say("Vous pouvez vous connecter\u{a0}:")
        .button("Se connecter", &public_url.login())
        .say(format!(
            "Si vous n'êtes pas à l'origine de ce changement, contactez immédiatement le service \
             support\u{a0}: {support}"
        ))
        .to(to)
}

/// « le 30 novembre 2026 à 15 h 02 (heure de Paris) »: France's time, whatever the server's.
fn in_france(t: crate::server::store::OffsetDateTime) -> String {
    use crate::domain::messages::{french_date, french_time};
    let zoned = jiff::Timestamp::from_second(t.unix_timestamp())
        .ok()
        .zip(jiff::tz::TimeZone::get("Europe/Paris").ok())
        .map(|(at, paris)| at.to_zoned(paris));
    match zoned {
        Some(z) => {
            let day = time::Date::from_calendar_date(
                i32::from(z.year()),
                time::Month::try_from(z.month() as u8).unwrap_or(time::Month::January),
                z.day() as u8,
            )
            .unwrap_or(t.date());
            format!(
                "le {} à {} (heure de Paris)",
                french_date(day),
                french_time(z.hour() as u8, z.minute() as u8)
            )
        }
        None => format!(
            "le {} à {} (UTC)",
            french_date(t.date()),
            french_time(t.hour(), t.minute())
        ),
    }
}

/// What « connexion depuis un nouveau navigateur » says.
pub struct NewBrowser<'a> {
    pub to: &'a EmailAddress,
    pub first_name: &'a PersonName,
    pub at: crate::server::store::OffsetDateTime,
    /// « Firefox sur Windows 10 ».
    pub browser: &'a str,
    pub ip: &'a str,
    pub public_url: &'a PublicUrl,
    pub support: &'a str,
}

/// Sent when the account logs in from a browser it had not seen (it has known others).
pub fn new_browser_login(n: &NewBrowser<'_>) -> OutgoingEmail {
    Message::new("Hub Pro Transport\u{a0}: connexion depuis un nouveau navigateur")
        .say(format!("Bonjour {},", n.first_name))
        .say(
            "Votre compte Hub Pro Transport vient d'être ouvert depuis un navigateur qui ne s'y \
             était encore jamais connecté\u{a0}:",
        )
        .bullets([
            format!("quand\u{a0}: {}", in_france(n.at)),
            format!("navigateur\u{a0}: {}", n.browser),
            format!("adresse IP\u{a0}: {}", n.ip),
        ])
        .say("Si c'était vous, vous n'avez rien à faire.")
        .say(
            "Sinon, changez votre mot de passe sans attendre\u{a0}: toutes les sessions ouvertes \
             seront fermées.",
        )
        .button("Mot de passe oublié", &n.public_url.forgot_password())
        .say(format!(
            "Besoin d'aide\u{202f}? Contactez le service support\u{a0}: {}",
            n.support
        ))
        .to(n.to)
}

/// Sent when support closed every session of the account.
pub fn sessions_ended_by_support(
    to: &EmailAddress,
    first_name: &PersonName,
    at: crate::server::store::OffsetDateTime,
    public_url: &PublicUrl,
    support: &str,
) -> OutgoingEmail {
    Message::new("Hub Pro Transport\u{a0}: vos sessions ont été fermées par le service support")
        .say(format!("Bonjour {first_name},"))
        .say(format!(
            "Le service support a fermé toutes les sessions ouvertes de votre compte Hub Pro \
             Transport, {}. Pour continuer, reconnectez-vous\u{a0}:",
            in_france(at)
        ))
        .button("Se connecter", &public_url.login())
        .say(
            "Si vous n'avez pas demandé cette intervention, changez votre mot de passe sans \
             attendre\u{a0}:",
        )
        .button("Mot de passe oublié", &public_url.forgot_password())
        .say(format!(
            "Une question\u{202f}? Contactez le service support\u{a0}: {support}"
        ))
        .to(to)
}

/// Sent once when failed logins on the account, from every address, reach its ceiling.
pub fn unusual_login_attempts(
    to: &EmailAddress,
    first_name: &PersonName,
    public_url: &PublicUrl,
    support: &str,
) -> OutgoingEmail {
    Message::new("Hub Pro Transport\u{a0}: tentatives de connexion inhabituelles")
        .say(format!("Bonjour {first_name},"))
        .say(
            "De nombreuses tentatives de connexion avec un mot de passe erroné viennent d'être \
             faites sur votre compte Hub Pro Transport. Par précaution, les connexions à votre \
             compte sont ralenties pendant quelques minutes.",
        )
        .say("Si c'était vous, choisissez un nouveau mot de passe\u{a0}:")
        .button("Mot de passe oublié", &public_url.forgot_password())
        .say(format!(
            "Sinon, votre mot de passe reste valable\u{a0}; contactez le service support si cela \
             se reproduit\u{a0}: {support}"
        ))
        .to(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SignupForm;

    #[test]
    fn every_plain_text_email_ends_with_the_automatic_notice_and_pending_accounts_hear_no_password_talk(
    ) {
        use crate::domain::{ApprovalSummary, OrganisationName, Siret, Training, TransportType};
        let to = EmailAddress::parse("a@b.fr").unwrap();
        let lea = PersonName::parse("Léa").unwrap();
        let url = PublicUrl::parse("http://x").unwrap();
        let siret = Siret::parse("40073444800477").unwrap();
        let other = Siret::parse("40073444800014").unwrap();
        let approval = ApprovalSummary {
            number: "OCC-2021-V-0013".into(),
            transport_type: TransportType::Passengers,
            trainings: vec![Training::Fimo],
            starts_on: time::macros::date!(2021 - 12 - 28),
            ends_on: None,
        };
        let signup = SignupForm {
            siret: "47728084603753".into(),
            organisation: "Formatrans".into(),
            last_name: "Dupont".into(),
            first_name: "Claire".into(),
            email: "a@example.fr".into(),
            email_confirmation: "a@example.fr".into(),
        }
        .parse()
        .unwrap();
        let mails = [
            account_already_exists(&to, &url),
            password_reset(&to, &lea, "http://x/l", Duration::hours(1), "s@x.fr", true),
            password_reset(&to, &lea, "http://x/l", Duration::hours(1), "s@x.fr", false),
            password_changed(
                &to,
                &lea,
                &Change {
                    at: crate::server::store::now(),
                    ip: "192.0.2.1",
                },
                &url,
                "s@x.fr",
            ),
            sessions_ended_by_support(&to, &lea, crate::server::store::now(), &url, "s@x.fr"),
            unusual_login_attempts(&to, &lea, &url, "s@x.fr"),
            password_setup(&signup, "http://x/l", Duration::hours(72), "s@x.fr"),
            approval_granted(&to, &siret, &approval, "http://x/l"),
            new_approval_notice(&to, &siret, &approval, "http://x/l"),
            attachment_invitation(&Invitation {
                to: &to,
                siret: &other,
                main_organisation: &OrganisationName::parse("Formatrans").unwrap(),
                main_siret: &siret,
                signup_link: "http://x/l",
            }),
            account_requested(&AccountRequested {
                to: &to,
                siret: &siret,
                masked_address: "c***@exemple.fr",
                date: "25\u{a0}novembre\u{a0}2026",
                not_us_link: "http://x/l",
                valid: Duration::days(30),
                support: "s@x.fr",
            }),
            account_suspended(&to, &lea, &siret, "s@x.fr"),
            new_browser_login(&NewBrowser {
                to: &to,
                first_name: &lea,
                at: crate::server::store::now(),
                browser: "Firefox sur Windows 10",
                ip: "192.0.2.1",
                public_url: &url,
                support: "s@x.fr",
            }),
        ];
        for mail in &mails {
            assert!(
                mail.text.trim_end().ends_with(AUTOMATIC_NOTICE),
                "{}",
                mail.text
            );
            assert!(
                mail.html
                    .ends_with(&format!("{AUTOMATIC_NOTICE}</p></body></html>")),
                "{}",
                mail.html
            );
            assert!(mail.html.starts_with("<!DOCTYPE html>"), "{}", mail.html);
        }
        assert!(mails[1].text.contains("valable une heure"));
        assert!(mails[1].text.contains("mot de passe actuel reste valable"));
        assert!(!mails[2].text.contains("actuel"));
        assert_eq!(validity(Duration::hours(72)), "72 heures");
        assert_eq!(validity(Duration::minutes(30)), "30 minutes");
    }

    #[test]
    fn times_are_told_in_france() {
        use time::macros::datetime;
        // Winter: UTC+1; summer: UTC+2.
        assert_eq!(
            in_france(datetime!(2026-11-30 14:02 UTC)),
            "le 30\u{a0}novembre\u{a0}2026 à 15\u{a0}h\u{a0}02 (heure de Paris)"
        );
        assert_eq!(
            in_france(datetime!(2026-07-14 22:30 UTC)),
            "le 15\u{a0}juillet\u{a0}2026 à 0\u{a0}h\u{a0}30 (heure de Paris)"
        );
    }

    #[test]
    fn typed_values_are_escaped_in_html() {
        let signup = SignupForm {
            siret: "47728084603753".into(),
            organisation: "Dupont & Fils \"L'Étoile\"".into(),
            last_name: "Dupont".into(),
            first_name: "Claire".into(),
            email: "a@example.fr".into(),
            email_confirmation: "a@example.fr".into(),
        }
        .parse()
        .unwrap();
        let mail = password_setup(
            &signup,
            "http://x/mot-de-passe?jeton=abc&x=\"",
            Duration::hours(72),
            "support@example.fr",
        );
        assert!(mail.html.contains("Dupont &amp; Fils"), "{}", mail.html);
        assert!(!mail.html.contains("Dupont & Fils"), "{}", mail.html);
        assert!(
            mail.html.contains("jeton=abc&amp;x=&quot;"),
            "{}",
            mail.html
        );
        assert!(mail.text.contains("SIRET 477\u{a0}280\u{a0}846\u{a0}03753"));
        assert!(mail
            .text
            .contains("Créer mon mot de passe\u{a0}: http://x/"));
        assert!(mail.html.contains("Créer mon mot de passe</a>"));
    }
}
