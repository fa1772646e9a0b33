//! Emails that keep a SIRET with its centre: the notice to the centre's official address when an
//! account is asked for with another address, and the notice to a suspended account.

use super::{b, t, Message};
use crate::domain::{EmailAddress, PersonName, Siret};
use crate::server::store::{Duration, OutgoingEmail};

/// What the official address is told.
pub struct AccountRequested<'a> {
    /// The notification address of the SIRET's approvals (the DREAL's file).
    pub to: &'a EmailAddress,
    pub siret: &'a Siret,
    /// The address the account was asked with, masked: `c***@exemple.fr`.
    pub masked_address: &'a str,
    /// `25 novembre 2026`.
    pub date: &'a str,
    pub not_us_link: &'a str,
    pub valid: Duration,
    pub support: &'a str,
}

/// « Hub Pro Transport : un compte administrateur a été demandé pour votre SIRET ».
pub fn account_requested(n: &AccountRequested<'_>) -> OutgoingEmail {
    Message::new(
        "Hub Pro Transport\u{a0}: un compte administrateur a été demandé pour votre SIRET",
    )
    .say("Madame, Monsieur,")
    .paragraph([
        t(format!(
            "Le {}, un compte administrateur Hub Pro Transport a été demandé pour votre organisme \
             SIRET {}, avec l'adresse électronique ",
            n.date,
            n.siret.grouped()
        )),
        b(n.masked_address),
        t("."),
    ])
    .say("Si cette demande vient bien de votre centre, vous n'avez rien à faire.")
    .say(
        "Sinon, suspendez ce compte aussitôt\u{a0}: le SIRET redeviendra libre pour votre propre \
         inscription.",
    )
    .button("Suspendre ce compte", n.not_us_link)
    .note(format!(
        "lien valable {}\u{a0}jours, une seule fois",
        n.valid.whole_days()
    ))
    .say(format!(
        "Une question\u{202f}? Contactez le service support\u{a0}: {}",
        n.support
    ))
    .to(n.to)
}

/// Sent to the address of an account the centre's official address suspended.
pub fn account_suspended(
    to: &EmailAddress,
    first_name: &PersonName,
    siret: &Siret,
    support: &str,
) -> OutgoingEmail {
    Message::new("Hub Pro Transport\u{a0}: votre compte a été suspendu")
        .say(format!("Bonjour {first_name},"))
        .say(format!(
            "Le compte administrateur Hub Pro Transport demandé avec votre adresse pour le SIRET \
             {} a été suspendu à la demande de l'adresse officielle de ce centre (celle de ses \
             agréments).",
            siret.grouped()
        ))
        .say(format!(
            "S'il s'agit d'une erreur, contactez le service support\u{a0}: {support}"
        ))
        .to(to)
}
