//! Security notices about the second factor: the authenticator app turned on or off, recovery
//! codes renewed or used, and a reset by support. Each says what happened, when, from where,
//! and what to do if it was not the account's owner.

use super::{in_france, Message};
use crate::domain::{EmailAddress, PersonName};
use crate::routes::PublicUrl;
use crate::server::store::{OffsetDateTime, OutgoingEmail};

/// What changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactorChange {
    AppAdded,
    AppRemoved,
    CodesRenewed,
    /// A recovery code opened a session; `left` remain.
    CodeUsed {
        left: i64,
    },
    /// Support turned the second factor off (the owner had lost it).
    ResetBySupport,
    /// The right password, then a run of wrong codes: someone knows the password.
    WrongCodes,
    PasskeyAdded,
    PasskeyRemoved,
}

/// One notice: to whom, what, when and from where (none for support's change).
pub struct FactorNotice<'a> {
    pub to: &'a EmailAddress,
    pub first_name: &'a PersonName,
    pub change: FactorChange,
    pub at: OffsetDateTime,
    /// The browser and address the change came from.
    pub from: Option<(&'a str, &'a str)>,
    pub public_url: &'a PublicUrl,
    pub support: &'a str,
}

pub fn second_factor_changed(n: &FactorNotice<'_>) -> OutgoingEmail {
    let (subject, what) = match n.change {
        FactorChange::AppAdded => (
            "double authentification activée",
            "La double authentification par application a été activée sur votre compte Hub Pro \
             Transport\u{a0}: chaque connexion demandera désormais un code de l'application."
                .to_owned(),
        ),
        FactorChange::AppRemoved => (
            "double authentification désactivée",
            "La double authentification a été désactivée sur votre compte Hub Pro Transport\u{a0}: \
             le mot de passe suffit désormais pour se connecter."
                .to_owned(),
        ),
        FactorChange::CodesRenewed => (
            "nouveaux codes de secours",
            "De nouveaux codes de secours ont été créés pour votre compte Hub Pro Transport\u{202f}; \
             les précédents ne fonctionnent plus."
                .to_owned(),
        ),
        FactorChange::CodeUsed { left } => (
            "un code de secours a été utilisé",
            format!(
                "Un code de secours vient d'être utilisé pour se connecter à votre compte Hub Pro \
                 Transport. {}",
                match left {
                    0 => "Il ne vous en reste plus\u{a0}: créez-en de nouveaux depuis votre espace."
                        .to_owned(),
                    1 => "Il vous en reste 1.".to_owned(),
                    n => format!("Il vous en reste {n}."),
                }
            ),
        ),
        FactorChange::PasskeyAdded => (
            "clé d'accès ajoutée",
            "Une clé d'accès a été ajoutée à votre compte Hub Pro Transport\u{a0}: elle permet de \
             se connecter sans mot de passe, ou de confirmer une connexion."
                .to_owned(),
        ),
        FactorChange::PasskeyRemoved => (
            "clé d'accès supprimée",
            "Une clé d'accès a été supprimée de votre compte Hub Pro Transport.".to_owned(),
        ),
        FactorChange::WrongCodes => (
            "votre mot de passe a été saisi, suivi de codes erronés",
            "Le mot de passe de votre compte Hub Pro Transport vient d'être saisi correctement, puis \
             plusieurs codes de double authentification erronés ont été essayés. La double \
             authentification a bloqué ces tentatives."
                .to_owned(),
        ),
        FactorChange::ResetBySupport => (
            "double authentification désactivée par le service support",
            "À votre demande, le service support a désactivé la double authentification de votre \
             compte Hub Pro Transport\u{a0}: le mot de passe suffit pour vous connecter. \
             Réactivez-la depuis votre espace."
                .to_owned(),
        ),
    };
    let mut facts = vec![format!("quand\u{a0}: {}", in_france(n.at))];
    if let Some((browser, ip)) = n.from {
        facts.push(format!("navigateur\u{a0}: {browser}"));
        facts.push(format!("adresse IP\u{a0}: {ip}"));
    }
    Message::new(format!("Hub Pro Transport\u{a0}: {subject}"))
        .say(format!("Bonjour {},", n.first_name))
        .say(what)
        .bullets(facts)
        .say("Si c'était vous, vous n'avez rien à faire.")
        .say(
            "Sinon, changez votre mot de passe sans attendre (toutes les sessions ouvertes seront \
             fermées) et contactez le service support.",
        )
        .button("Mot de passe oublié", &n.public_url.forgot_password())
        .say(format!("Service support\u{a0}: {}", n.support))
        .to(n.to)
}
