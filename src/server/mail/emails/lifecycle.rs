//! Emails of the account's life beyond its first administrator: a handover (the new address's
//! link, the notices), the centre's request when the account's address is gone, the closure and
//! the inactive accounts' notice.

use super::{b, in_france, t, validity, Message};
use crate::domain::messages::french_date;
use crate::domain::{EmailAddress, OrganisationName, PersonName, Siret};
use crate::routes::PublicUrl;
use crate::server::store::{Duration, OffsetDateTime, OutgoingEmail};

/// The centre an email is about.
pub struct Centre<'a> {
    pub organisation: &'a OrganisationName,
    pub siret: &'a Siret,
}

impl Centre<'_> {
    fn named(&self) -> Vec<super::message::Span> {
        vec![
            b(self.organisation.as_str()),
            t(format!(" (SIRET {})", self.siret.grouped())),
        ]
    }
}

/// To the new administrator: « Créer mon mot de passe » takes the account over.
pub fn handover_invitation(
    to: &EmailAddress,
    name: (&PersonName, &PersonName),
    centre: &Centre<'_>,
    link: &str,
    valid: Duration,
    support: &str,
) -> OutgoingEmail {
    let (first_name, last_name) = name;
    let mut intro = vec![t("L'administration du compte Hub Pro Transport de ")];
    intro.extend(centre.named());
    intro.push(t(" vous est confiée."));
    Message::new("Hub Pro Transport\u{a0}: Créer mon mot de passe")
        .say(format!("Bonjour {first_name} {last_name},"))
        .paragraph(intro)
        .say(
            "Pour prendre en charge ce compte, créez votre mot de passe\u{a0}: votre adresse \
             deviendra l'identifiant du compte, et l'administrateur actuel n'y aura plus accès.",
        )
        .button("Créer mon mot de passe", link)
        .say(format!(
            "Ce lien est valable {} et ne peut servir qu'une fois.",
            validity(valid)
        ))
        .paragraph([
            t("Un problème\u{202f}? Contactez le service support\u{a0}: "),
            b(support),
        ])
        .say(
            "Si vous ne vous attendiez pas à ce message, ignorez-le\u{a0}: le compte reste à son \
             administrateur actuel.",
        )
        .to(to)
}

/// To the current administrator, when someone else (the official address, support) asked for a
/// handover: it may still be cancelled from the space.
pub fn handover_requested(
    to: &EmailAddress,
    first_name: &PersonName,
    masked_successor: &str,
    public_url: &PublicUrl,
    support: &str,
) -> OutgoingEmail {
    Message::new("Hub Pro Transport\u{a0}: un changement d'administrateur a été demandé")
        .say(format!("Bonjour {first_name},"))
        .paragraph([
            t("Un changement d'administrateur de votre compte Hub Pro Transport a été demandé, au \
               profit de l'adresse "),
            b(masked_successor),
            t(". Dès que la personne utilisant cette adresse aura créé son mot de passe, vous \
               n'aurez plus accès au compte."),
        ])
        .say(
            "Si ce changement n'est pas voulu, annulez-le depuis votre espace («\u{a0}Changer \
             d'administrateur\u{a0}») et contactez le service support.",
        )
        .button("Mon espace", &public_url.space())
        .say(format!("Service support\u{a0}: {support}"))
        .to(to)
}

/// To the former administrator and the official addresses: the account changed hands.
pub fn handed_over(
    to: &EmailAddress,
    centre: &Centre<'_>,
    masked_successor: &str,
    at: OffsetDateTime,
    support: &str,
) -> OutgoingEmail {
    let mut what = vec![t("Le compte administrateur Hub Pro Transport de ")];
    what.extend(centre.named());
    what.push(t(format!(
        " a changé d'administrateur {}\u{a0}: il est désormais rattaché à l'adresse ",
        in_france(at)
    )));
    what.push(b(masked_successor));
    what.push(t(
        ". L'ancienne adresse ne permet plus de s'y connecter, et les sessions ouvertes avec elle \
         ont été fermées.",
    ));
    Message::new("Hub Pro Transport\u{a0}: le compte a changé d'administrateur")
        .say("Madame, Monsieur,")
        .paragraph(what)
        .say(format!(
            "Si ce changement n'est pas voulu, contactez sans attendre le service support\u{a0}: \
             {support}"
        ))
        .to(to)
}

/// To the official address (« Je n'ai plus accès à l'adresse du compte »): designate the new
/// administrator.
pub fn handover_request_link(
    to: &EmailAddress,
    centre: &Centre<'_>,
    link: &str,
    valid: Duration,
    support: &str,
) -> OutgoingEmail {
    let mut what = vec![t(
        "Quelqu'un a indiqué ne plus avoir accès à l'adresse électronique du compte \
         administrateur Hub Pro Transport de ",
    )];
    what.extend(centre.named());
    what.push(t(
        ". Cette adresse-ci est celle des agréments du centre\u{a0}: c'est à elle de désigner le \
         nouvel administrateur.",
    ));
    Message::new("Hub Pro Transport\u{a0}: désigner le nouvel administrateur du compte")
        .say("Madame, Monsieur,")
        .paragraph(what)
        .button("Désigner le nouvel administrateur", link)
        .say(format!(
            "Ce lien est valable {} et ne peut servir qu'une fois. Le nouvel administrateur \
             recevra à son tour un lien pour créer son mot de passe\u{202f}; l'administrateur \
             actuel en sera informé et pourra annuler le changement tant que le nouvel \
             administrateur n'aura pas créé son mot de passe.",
            validity(valid)
        ))
        .paragraph([
            t("Une question\u{202f}? Contactez le service support\u{a0}: "),
            b(support),
        ])
        .say(
            "Si personne dans votre centre n'a fait cette demande, ignorez ce message\u{a0}: le \
             compte reste inchangé.",
        )
        .to(to)
}

/// Why an account was closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClosedBy {
    /// Its administrator (« Clôturer le compte »).
    Administrator,
    /// No login for this many months.
    Inactivity { months: u32 },
}

/// To the closed account's address.
pub fn account_closed(
    to: &EmailAddress,
    first_name: &PersonName,
    centre: &Centre<'_>,
    by: ClosedBy,
    at: OffsetDateTime,
    retention_days: u32,
    support: &str,
) -> OutgoingEmail {
    let mut what = vec![t("Le compte administrateur Hub Pro Transport de ")];
    what.extend(centre.named());
    what.push(t(match by {
        ClosedBy::Administrator => format!(" a été clôturé {}.", in_france(at)),
        ClosedBy::Inactivity { months } => format!(
            " a été clôturé {}, faute de connexion depuis {months}\u{a0}mois.",
            in_france(at)
        ),
    }));
    Message::new("Hub Pro Transport\u{a0}: votre compte a été clôturé")
        .say(format!("Bonjour {first_name},"))
        .paragraph(what)
        .say(
            "Ses sessions et ses liens ne fonctionnent plus. Le SIRET est de nouveau libre\u{a0}: \
             votre centre peut créer un nouveau compte, s'il dispose toujours d'un agrément et \
             d'un SIRET actif.",
        )
        .say(format!(
            "Votre adresse électronique est conservée {retention_days}\u{a0}jours pour répondre à \
             une éventuelle question, puis effacée."
        ))
        .say(match by {
            ClosedBy::Administrator => format!(
                "Si vous n'êtes pas à l'origine de cette clôture, contactez sans attendre le \
                 service support\u{a0}: {support}"
            ),
            ClosedBy::Inactivity { .. } => {
                format!("Une question\u{202f}? Contactez le service support\u{a0}: {support}")
            }
        })
        .to(to)
}

/// To an establishment the closed account had attached to its contract.
pub fn attachment_ended_by_closure(to: &EmailAddress, main: &Centre<'_>) -> OutgoingEmail {
    let mut what = vec![t(
        "Le compte Hub Pro Transport de l'établissement principal ",
    )];
    what.extend(main.named());
    what.push(t(
        " a été clôturé\u{a0}: votre établissement n'est plus rattaché à son contrat. Si votre \
         établissement a son propre compte, il reste actif.",
    ));
    Message::new("Hub Pro Transport\u{a0}: fin du rattachement de votre établissement")
        .say("Madame, Monsieur,")
        .paragraph(what)
        .to(to)
}

/// To an account without a login for a long while: it will be closed on `closing_on`.
pub fn inactivity_notice(
    to: &EmailAddress,
    first_name: &PersonName,
    centre: &Centre<'_>,
    last_login: OffsetDateTime,
    closing_on: time::Date,
    public_url: &PublicUrl,
) -> OutgoingEmail {
    let mut what = vec![t("Le compte administrateur Hub Pro Transport de ")];
    what.extend(centre.named());
    what.push(t(format!(
        " n'a pas servi depuis le {}.",
        french_date(last_login.date())
    )));
    Message::new("Hub Pro Transport\u{a0}: votre compte sera bientôt clôturé")
        .say(format!("Bonjour {first_name},"))
        .paragraph(what)
        .say(format!(
            "Sans connexion d'ici le {}, il sera clôturé, puis ses données personnelles effacées \
             selon les durées indiquées dans «\u{a0}Données personnelles\u{a0}». Pour le garder, il \
             suffit de vous connecter.",
            french_date(closing_on)
        ))
        .button("Se connecter", &public_url.login())
        .to(to)
}
