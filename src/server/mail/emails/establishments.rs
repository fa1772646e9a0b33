//! Emails about establishments: the approval notice (seed « Agrément CFA »), the « nouvel
//! agrément » notice to a centre that already has an account, and the invitation a main
//! establishment sends to an attached (secondary) establishment.

use super::{button, escape, finish, html_page, AUTOMATIC_NOTICE};
use crate::domain::{ApprovalSummary, EmailAddress, OrganisationName, Siret};
use crate::server::mail::mailer::OutgoingEmail;

const SIGNATURE_TEXT: &str = "Cordialement,\n\n\
    Le service de délivrance Hub Pro Transport.\n";

fn list_text(approval: &ApprovalSummary) -> String {
    approval
        .labels()
        .iter()
        .map(|l| format!("- {l}\n"))
        .collect()
}

fn list_html(approval: &ApprovalSummary) -> String {
    let items: String = approval
        .labels()
        .iter()
        .map(|l| format!("<li>{}</li>", escape(l)))
        .collect();
    format!("<ul>{items}</ul>")
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
    let kind = approval.transport_type.label();
    let subject = format!("Agrément CFA\u{a0}: organisme SIRET n°\u{a0}{grouped}");
    let text = format!(
        "Madame, Monsieur,\n\n\
         Votre organisme SIRET n°\u{a0}{grouped} vient d'être agréé pour le type {kind} pour les formations suivantes\u{a0}:\n\n\
         {list}\n\
         (agrément n°\u{a0}{number})\n\n\
         Deux cas possibles\u{a0}:\n\n\
         - 1- Votre établissement souhaite contractualiser avec IN Groupe\u{a0}: veuillez vous enrôler depuis le portail Hub Pro Transport\u{a0}: {signup_link}\n\
         - 2- Votre établissement est rattaché au contrat d'un établissement principal\u{a0}: veuillez attendre de recevoir une notification de cet établissement pour créer votre compte.\n\n\
         {SIGNATURE_TEXT}{AUTOMATIC_NOTICE}\n",
        list = list_text(approval),
        number = approval.number,
    );
    let html = html_page(
        &subject,
        &format!(
            "<p>Madame, Monsieur,</p>\
             <p>Votre organisme SIRET n°\u{a0}{grouped} vient d'être agréé pour le type {kind} pour les formations suivantes :</p>\
             {list}<p style=\"color:#4b5366;font-size:13px\">Agrément n°\u{a0}{number}</p>\
             <p><strong>Deux cas possibles :</strong></p>\
             <ol>\
             <li>Votre établissement souhaite contractualiser avec IN Groupe\u{a0}: veuillez vous enrôler depuis le portail \
             <a href=\"{href}\">Hub Pro Transport</a>.</li>\
             <li>Votre établissement est rattaché au contrat d'un établissement principal\u{a0}: veuillez attendre de recevoir \
             une notification de cet établissement pour créer votre compte.</li>\
             </ol>\
             <p>Cordialement,</p><p>Le service de délivrance Hub Pro Transport.</p>",
            list = list_html(approval),
            number = escape(&approval.number),
            href = escape(signup_link),
        ),
    );
    finish(OutgoingEmail {
        // The guide's sender: « Agrément CFA », at the app's address.
        sender_name: Some("Agrément CFA".to_owned()),
        to: to.as_str().to_owned(),
        subject,
        text,
        html,
    })
}

/// « Nouvel agrément »: a new approval for a SIRET that already has an account.
pub fn new_approval_notice(
    to: &EmailAddress,
    siret: &Siret,
    approval: &ApprovalSummary,
    space_link: &str,
) -> OutgoingEmail {
    let grouped = siret.grouped();
    let kind = approval.transport_type.label();
    let subject = format!("Hub Pro Transport\u{a0}: nouvel agrément pour le SIRET {grouped}");
    let text = format!(
        "Madame, Monsieur,\n\n\
         Un nouvel agrément (n°\u{a0}{number}) a été enregistré pour votre organisme SIRET {grouped}, \
         type {kind}, pour les formations suivantes\u{a0}:\n\n{list}\n\
         Il figure désormais dans votre espace\u{a0}: {space_link}\n\n\
         {SIGNATURE_TEXT}{AUTOMATIC_NOTICE}\n",
        number = approval.number,
        list = list_text(approval),
    );
    let html = html_page(
        &subject,
        &format!(
            "<p>Madame, Monsieur,</p>\
             <p>Un nouvel agrément (n°\u{a0}{number}) a été enregistré pour votre organisme SIRET {grouped}, \
             type {kind}, pour les formations suivantes :</p>{list}\
             <p>Il figure désormais dans votre espace.</p>{button}\
             <p>Cordialement,</p><p>Le service de délivrance Hub Pro Transport.</p>",
            number = escape(&approval.number),
            list = list_html(approval),
            button = button(space_link, "Accéder à mon espace"),
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
    let grouped = invitation.siret.grouped();
    let main = invitation.main_organisation.as_str();
    let main_siret = invitation.main_siret.grouped();
    let link = invitation.signup_link;
    // Never a typed name in a subject: it would let anyone write the subject of our emails.
    let subject =
        "Hub Pro Transport\u{a0}: invitation à créer le compte de votre établissement".to_owned();
    let text = format!(
        "Madame, Monsieur,\n\n\
         L'établissement principal {main} (SIRET {main_siret}) a rattaché votre établissement \
         SIRET {grouped} à son contrat Hub Pro Transport.\n\n\
         Vous pouvez maintenant créer le compte administrateur de votre établissement\u{a0}:\n\
         Créer mon compte\u{a0}: {link}\n\n\
         Si vous ne connaissez pas cet établissement, ignorez ce message.\n\n\
         {SIGNATURE_TEXT}{AUTOMATIC_NOTICE}\n"
    );
    let html = html_page(
        &subject,
        &format!(
            "<p>Madame, Monsieur,</p>\
             <p>L'établissement principal <strong>{main}</strong> (SIRET {main_siret}) a rattaché votre \
             établissement SIRET {grouped} à son contrat Hub Pro Transport.</p>\
             <p>Vous pouvez maintenant créer le compte administrateur de votre établissement :</p>{button}\
             <p>Si vous ne connaissez pas cet établissement, ignorez ce message.</p>\
             <p>Cordialement,</p><p>Le service de délivrance Hub Pro Transport.</p>",
            main = escape(main),
            main_siret = escape(&main_siret),
            button = button(link, "Créer mon compte"),
        ),
    );
    finish(OutgoingEmail {
        sender_name: None,
        to: invitation.to.as_str().to_owned(),
        subject,
        text,
        html,
    })
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
            .contains(&format!("portail Hub Pro Transport\u{a0}: {link}")));
        assert!(mail.text.contains("attendre de recevoir une notification"));
        assert!(mail
            .html
            .contains(&format!("<a href=\"{link}\">Hub Pro Transport</a>")));
        assert!(mail.html.contains("<li>Passerelle Voyageurs</li>"));
        // The guide's sender name, at the app's address; the automatic notice last.
        assert_eq!(mail.sender_name.as_deref(), Some("Agrément CFA"));
        assert!(mail.text.trim_end().ends_with(super::AUTOMATIC_NOTICE));
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
        assert!(mail.html.contains("ERS &amp; Cie &quot;L&#39;Étoile&quot;"));
        assert!(mail.html.contains("siret=40073444800014&amp;adresse=x"));
        assert!(mail
            .text
            .contains("SIRET 400\u{a0}734\u{a0}448\u{a0}00014 à son contrat"));
    }
}
