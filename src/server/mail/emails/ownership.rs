//! Emails that keep a SIRET with its centre: the notice to the centre's official address when an
//! account is asked for with another address, and the notice to a suspended account.

use super::{button, escape, finish, html_page, AUTOMATIC_NOTICE};
use crate::domain::{EmailAddress, PersonName, Siret};
use crate::server::mail::mailer::OutgoingEmail;

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
    pub valid_days: i64,
    pub support: &'a str,
}

/// « Hub Pro Transport : un compte administrateur a été demandé pour votre SIRET ».
pub fn account_requested(n: &AccountRequested<'_>) -> OutgoingEmail {
    let subject =
        "Hub Pro Transport\u{a0}: un compte administrateur a été demandé pour votre SIRET"
            .to_owned();
    let siret = n.siret.grouped();
    let (masked, date, link, days, support) = (
        n.masked_address,
        n.date,
        n.not_us_link,
        n.valid_days,
        n.support,
    );
    let text = format!(
        "Madame, Monsieur,\n\n\
         Le {date}, un compte administrateur Hub Pro Transport a été demandé pour votre organisme \
         SIRET {siret}, avec l'adresse électronique {masked}.\n\n\
         Si cette demande vient bien de votre centre, vous n'avez rien à faire.\n\n\
         Sinon, suspendez ce compte aussitôt\u{a0}: le SIRET redeviendra libre pour votre propre inscription.\n\
         Suspendre ce compte\u{a0}: {link}\n\
         (lien valable {days}\u{a0}jours, une seule fois)\n\n\
         Une question\u{202f}? Contactez le service support\u{a0}: {support}\n\n\
         Le service de délivrance Hub Pro Transport.\n\
         {AUTOMATIC_NOTICE}\n"
    );
    let html = html_page(
        &subject,
        &format!(
            "<p>Madame, Monsieur,</p>\
             <p>Le {date}, un compte administrateur Hub Pro Transport a été demandé pour votre organisme \
             SIRET {siret}, avec l'adresse électronique <strong>{masked}</strong>.</p>\
             <p>Si cette demande vient bien de votre centre, vous n'avez rien à faire.</p>\
             <p>Sinon, suspendez ce compte aussitôt\u{a0}: le SIRET redeviendra libre pour votre propre inscription.</p>\
             {button}\
             <p>Lien valable {days}\u{a0}jours, une seule fois.</p>\
             <p>Une question\u{202f}? Contactez le service support\u{a0}: {support}</p>",
            siret = escape(&siret),
            masked = escape(masked),
            button = button(link, "Suspendre ce compte"),
            support = escape(support),
        ),
    );
    finish(OutgoingEmail {
        sender_name: None,
        to: n.to.as_str().to_owned(),
        subject,
        text,
        html,
    })
}

/// Sent to the address of an account the centre's official address suspended.
pub fn account_suspended(
    to: &EmailAddress,
    first_name: &PersonName,
    siret: &Siret,
    support: &str,
) -> OutgoingEmail {
    let subject = "Hub Pro Transport\u{a0}: votre compte a été suspendu".to_owned();
    let siret = siret.grouped();
    let text = format!(
        "Bonjour {first_name},\n\n\
         Le compte administrateur Hub Pro Transport demandé avec votre adresse pour le SIRET {siret} \
         a été suspendu à la demande de l'adresse officielle de ce centre (celle de ses agréments).\n\n\
         S'il s'agit d'une erreur, contactez le service support\u{a0}: {support}\n\n\
         Le service de délivrance Hub Pro Transport.\n\
         {AUTOMATIC_NOTICE}\n"
    );
    let html = html_page(
        &subject,
        &format!(
            "<p>Bonjour {first_name},</p>\
             <p>Le compte administrateur Hub Pro Transport demandé avec votre adresse pour le SIRET {siret} \
             a été suspendu à la demande de l'adresse officielle de ce centre (celle de ses agréments).</p>\
             <p>S'il s'agit d'une erreur, contactez le service support\u{a0}: {support}</p>",
            first_name = escape(first_name.as_str()),
            siret = escape(&siret),
            support = escape(support),
        ),
    );
    finish(OutgoingEmail {
        sender_name: None,
        to: to.as_str().to_owned(),
        subject,
        text,
        html,
    })
}
