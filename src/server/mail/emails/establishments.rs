//! Emails about establishments: the approval notice (seed « Agrément CFA »), the « nouvel
//! agrément » notice to a centre that already has an account, and the invitation a main
//! establishment sends to an attached (secondary) establishment.

use super::{b, link, t, Message};
use crate::domain::{ApprovalSummary, EmailAddress, OrganisationName, Siret};
use crate::server::store::OutgoingEmail;

fn trainings(approval: &ApprovalSummary) -> Vec<String> {
    approval.labels().iter().map(ToString::to_string).collect()
}

/// Seed « Agrément CFA »: sent to the address the DREAL gave when an approval is recorded for a
/// SIRET without an account. `signup_link` opens the signup form pre-filled with the SIRET.
pub fn approval_granted(
    to: &EmailAddress,
    siret: &Siret,
    approval: &ApprovalSummary,
    signup_link: &str,
) -> OutgoingEmail {
    // `400 734 448 00477`, with no-break spaces.
    let grouped = siret.grouped();
    Message::new(format!(
        "Agrément CFA\u{a0}: organisme SIRET n°\u{a0}{grouped}"
    ))
    // The guide's sender: « Agrément CFA », at the app's address.
    .from_name("Agrément CFA")
    .say("Madame, Monsieur,")
    .say(format!(
        "Votre organisme SIRET n°\u{a0}{grouped} vient d'être agréé pour le type {} pour les \
             formations suivantes\u{a0}:",
        approval.transport_type.label()
    ))
    .bullets(trainings(approval))
    .note(format!("agrément n°\u{a0}{}", approval.number))
    .paragraph([b("Deux cas possibles\u{a0}:")])
    .numbered([
        vec![
            t(
                "Votre établissement souhaite contractualiser avec IN Groupe\u{a0}: veuillez \
                   vous enrôler depuis le portail ",
            ),
            // Last: nothing may follow the address in the plain text.
            link("Hub Pro Transport", signup_link),
        ],
        vec![t(
            "Votre établissement est rattaché au contrat d'un établissement principal\u{a0}: \
                 veuillez attendre de recevoir une notification de cet établissement pour créer \
                 votre compte.",
        )],
    ])
    .say("Cordialement,")
    .to(to)
}

/// « Nouvel agrément »: a new approval for a SIRET that already has an account.
pub fn new_approval_notice(
    to: &EmailAddress,
    siret: &Siret,
    approval: &ApprovalSummary,
    space_link: &str,
) -> OutgoingEmail {
    let grouped = siret.grouped();
    Message::new(format!(
        "Hub Pro Transport\u{a0}: nouvel agrément pour le SIRET {grouped}"
    ))
    .say("Madame, Monsieur,")
    .say(format!(
        "Un nouvel agrément (n°\u{a0}{}) a été enregistré pour votre organisme SIRET {grouped}, \
         type {}, pour les formations suivantes\u{a0}:",
        approval.number,
        approval.transport_type.label()
    ))
    .bullets(trainings(approval))
    .say("Il figure désormais dans votre espace\u{a0}:")
    .button("Accéder à mon espace", space_link)
    .say("Cordialement,")
    .to(to)
}

/// What the invitation of an attached establishment says.
pub struct Invitation<'a> {
    pub to: &'a EmailAddress,
    pub siret: &'a Siret,
    pub main_organisation: &'a OrganisationName,
    pub main_siret: &'a Siret,
    pub signup_link: &'a str,
}

/// Sent when a main establishment attaches another establishment to its contract (case 2).
pub fn attachment_invitation(invitation: &Invitation<'_>) -> OutgoingEmail {
    // Never a typed name in a subject: it would let anyone write the subject of our emails.
    Message::new("Hub Pro Transport\u{a0}: invitation à créer le compte de votre établissement")
        .say("Madame, Monsieur,")
        .paragraph([
            t("L'établissement principal "),
            b(invitation.main_organisation.as_str()),
            t(format!(
                " (SIRET {}) a rattaché votre établissement SIRET {} à son contrat Hub Pro \
                 Transport.",
                invitation.main_siret.grouped(),
                invitation.siret.grouped()
            )),
        ])
        .say("Vous pouvez maintenant créer le compte administrateur de votre établissement\u{a0}:")
        .button("Créer mon compte", invitation.signup_link)
        .say("Si vous ne connaissez pas cet établissement, ignorez ce message.")
        .say("Cordialement,")
        .to(invitation.to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Training, TransportType};

    fn approval() -> ApprovalSummary {
        ApprovalSummary {
            number: "OCC-2021-V-0013".into(),
            transport_type: TransportType::Passengers,
            trainings: vec![Training::Fco, Training::Fimo, Training::Passerelle],
            starts_on: time::macros::date!(2021 - 12 - 28),
            ends_on: None,
        }
    }

    #[test]
    fn the_approval_notice_says_what_the_seed_says() {
        let siret = Siret::parse("40073444800477").unwrap();
        let link = "https://hub.example/inscription?siret=40073444800477";
        let to = EmailAddress::parse("ecole@example.fr").unwrap();
        let mail = approval_granted(&to, &siret, &approval(), link);
        assert!(mail.text.contains(
            "Votre organisme SIRET n°\u{a0}400\u{a0}734\u{a0}448\u{a0}00477 vient d'être agréé pour le type Voyageurs pour les formations suivantes\u{a0}:\n\n\
             - FIMO Voyageurs\n- Passerelle Voyageurs\n- FCO Voyageurs\n"
        ), "{}", mail.text);
        assert_eq!(
            mail.subject,
            "Agrément CFA\u{a0}: organisme SIRET n°\u{a0}400\u{a0}734\u{a0}448\u{a0}00477"
        );
        assert!(mail.text.contains("Deux cas possibles"));
        assert!(mail
            .text
            .contains(&format!("portail Hub Pro Transport\u{a0}: {link}\n")));
        assert!(mail.text.contains("attendre de recevoir une notification"));
        assert!(mail
            .html
            .contains(&format!("<a href=\"{link}\">Hub Pro Transport</a>")));
        assert!(mail.html.contains("<li>Passerelle Voyageurs</li>"));
        // The guide's sender name, at the app's address; the automatic notice last.
        assert_eq!(mail.sender_name.as_deref(), Some("Agrément CFA"));
        assert!(mail
            .text
            .trim_end()
            .ends_with(super::super::AUTOMATIC_NOTICE));
    }

    #[test]
    fn the_invitation_escapes_the_main_organisation() {
        let siret = Siret::parse("40073444800014").unwrap();
        let mail = attachment_invitation(&Invitation {
            to: &EmailAddress::parse("nimes@example.fr").unwrap(),
            siret: &siret,
            main_organisation: &OrganisationName::parse("ERS & Cie \"L'Étoile\"").unwrap(),
            main_siret: &Siret::parse("40073444800477").unwrap(),
            signup_link: "https://hub.example/inscription?siret=40073444800014&adresse=x",
        });
        assert!(
            mail.html.contains("ERS &amp; Cie \"L'Étoile\""),
            "{}",
            mail.html
        );
        assert!(mail.html.contains("siret=40073444800014&amp;adresse=x"));
        assert!(mail
            .text
            .contains("SIRET 400\u{a0}734\u{a0}448\u{a0}00014 à son contrat"));
    }
}
