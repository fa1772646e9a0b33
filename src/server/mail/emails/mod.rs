//! The French emails the app sends, in plain text and HTML. Every value typed by a user is
//! escaped in the HTML part.

use crate::domain::{EmailAddress, PersonName, ValidSignup};
use crate::routes::PublicUrl;
use crate::server::mail::mailer::OutgoingEmail;

mod establishments;
mod ownership;
pub use establishments::{
    approval_granted, attachment_invitation, new_approval_notice, Invitation,
};
pub use ownership::{account_requested, account_suspended, AccountRequested};

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

pub(crate) fn html_page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body style=\"font-family:Arial,sans-serif;color:#1b1f29;line-height:1.5\">\
         <p style=\"font-weight:bold;color:#1f3f8f\">Hub Pro Transport</p>{body}\
         <p style=\"color:#4b5366;font-size:13px\">{AUTOMATIC_NOTICE}</p>\
         </body></html>",
        title = escape(title)
    )
}

pub(crate) fn button(href: &str, label: &str) -> String {
    format!(
        "<p><a href=\"{href}\" style=\"display:inline-block;background:#1f3f8f;color:#ffffff;\
         padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:bold\">{label}</a></p>",
        href = escape(href),
        label = escape(label)
    )
}

/// French typography on everything the email says (its wording and the values put in it).
fn finish(email: OutgoingEmail) -> OutgoingEmail {
    use crate::domain::typography::french;
    OutgoingEmail {
        subject: french(&email.subject),
        text: french(&email.text),
        html: french(&email.html),
        ..email
    }
}

/// The last line of every email, plain text and HTML.
pub const AUTOMATIC_NOTICE: &str =
    "Ceci est un message automatique, veuillez ne pas répondre directement à ce message.";

/// « une heure », « 72 heures », « 30 minutes »: a link's validity, said one way everywhere.
pub fn validity(minutes: i64) -> String {
    match minutes {
        60 => "une heure".to_owned(),
        m if m % 60 == 0 => format!("{} heures", m / 60),
        m => format!("{m} minutes"),
    }
}

/// Sent at signup: the link to create the password.
pub fn password_setup(
    signup: &ValidSignup,
    link: &str,
    valid_hours: i64,
    support: &str,
) -> OutgoingEmail {
    let greeting = format!(
        "Bonjour {} {},",
        signup.first_name.as_str(),
        signup.last_name.as_str()
    );
    let org = signup.organisation.as_str();
    let siret = signup.siret.grouped();
    let subject = "Hub Pro Transport\u{a0}: Créer mon mot de passe".to_owned();
    let text = format!(
        "{greeting}\n\n\
         Le compte administrateur de {org} (SIRET {siret}) a bien été créé sur Hub Pro Transport.\n\n\
         Pour finaliser votre inscription, créez votre mot de passe en ouvrant ce lien\u{a0}:\n\
         Créer mon mot de passe\u{a0}: {link}\n\n\
         Ce lien reste valable {validity}, jusqu'à ce que votre mot de passe soit \
         enregistré. Passé ce délai, utilisez «\u{a0}Mot de passe oublié\u{a0}» sur la page de connexion.\n\n\
         Un problème\u{202f}? Contactez le service support\u{a0}: {support}\n\n\
         Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.\n\n\
         Le service de délivrance Hub Pro Transport.\n\
         {AUTOMATIC_NOTICE}\n",
        validity = validity(valid_hours * 60),
    );
    let html = html_page(
        &subject,
        &format!(
            "<p>{greeting}</p>\
             <p>Le compte administrateur de <strong>{org}</strong> (SIRET {siret}) a bien été créé sur Hub Pro Transport.</p>\
             <p>Pour finaliser votre inscription, créez votre mot de passe :</p>{button}\
             <p>Ce lien reste valable {validity}, jusqu'à ce que votre mot de passe soit \
             enregistré. Passé ce délai, utilisez «\u{a0}Mot de passe oublié\u{a0}» sur la page de connexion.</p>\
             <p>Un problème\u{202f}? Contactez le service support\u{a0}: <strong>{support}</strong></p>\
             <p>Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.</p>\
             <p>Le service de délivrance Hub Pro Transport.</p>",
            greeting = escape(&greeting),
            support = escape(support),
            validity = validity(valid_hours * 60),
            org = escape(org),
            siret = escape(&siret),
            button = button(link, "Créer mon mot de passe"),
        ),
    );
    finish(OutgoingEmail {
        sender_name: None,
        to: signup.email.as_str().to_owned(),
        subject,
        text,
        html,
    })
}

/// Sent instead of a second account when the address already has one (the page says nothing).
pub fn account_already_exists(to: &EmailAddress, public_url: &PublicUrl) -> OutgoingEmail {
    let login = public_url.login();
    let reset = public_url.forgot_password();
    let subject = "Hub Pro Transport\u{a0}: vous avez déjà un compte".to_owned();
    let text = format!(
        "Bonjour,\n\n\
         Une demande de création de compte vient d'être faite avec votre adresse électronique, \
         mais un compte Hub Pro Transport existe déjà pour cette adresse\u{a0}: aucun second compte n'a été créé.\n\n\
         Se connecter\u{a0}: {login}\n\
         Mot de passe oublié\u{a0}: {reset}\n\n\
         Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.\n\n\
         Le service de délivrance Hub Pro Transport.\n\
         {AUTOMATIC_NOTICE}\n"
    );
    let html = html_page(
        &subject,
        &format!(
            "<p>Bonjour,</p>\
             <p>Une demande de création de compte vient d'être faite avec votre adresse électronique, \
             mais un compte Hub Pro Transport existe déjà pour cette adresse\u{a0}: aucun second compte n'a été créé.</p>\
             {login}{reset}\
             <p>Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.</p>\
             <p>Le service de délivrance Hub Pro Transport.</p>",
            login = button(&login, "Se connecter"),
            reset = button(&reset, "Mot de passe oublié"),
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

/// Sent by « Mot de passe oublié » when the address has an account.
pub fn password_reset(
    to: &EmailAddress,
    first_name: &PersonName,
    link: &str,
    valid_minutes: i64,
    support: &str,
    has_password: bool,
) -> OutgoingEmail {
    let subject = "Hub Pro Transport\u{a0}: nouveau lien pour votre mot de passe".to_owned();
    // A pending account has no password yet: nothing « stays valid ».
    let ignore = if has_password {
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message\u{a0}: votre mot de passe actuel reste valable."
    } else {
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message."
    };
    let validity = validity(valid_minutes);
    let text = format!(
        "Bonjour {first_name},\n\n\
         Vous avez demandé un nouveau lien pour choisir votre mot de passe Hub Pro Transport.\n\
         Créer mon mot de passe\u{a0}: {link}\n\n\
         Ce lien est valable {validity}, jusqu'à ce que votre mot de passe soit enregistré\u{202f}; les liens envoyés avant celui-ci ne fonctionnent plus.\n\
         {ignore}\n\
         Besoin d'aide\u{202f}? Contactez le service support\u{a0}: {support}\n\n\
         Le service de délivrance Hub Pro Transport.\n\
         {AUTOMATIC_NOTICE}\n"
    );
    let html = html_page(
        &subject,
        &format!(
            "<p>Bonjour {first_name},</p>\
             <p>Vous avez demandé un nouveau lien pour choisir votre mot de passe Hub Pro Transport.</p>{button}\
             <p>Ce lien est valable {validity}, jusqu'à ce que votre mot de passe soit enregistré\u{202f}; les liens envoyés avant celui-ci ne fonctionnent plus.</p>\
             <p>{ignore}</p>\
             <p>Besoin d'aide\u{202f}? Contactez le service support\u{a0}: {support}</p>",
            first_name = escape(first_name.as_str()),
            button = button(link, "Créer mon mot de passe"),
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

/// Sent after a password is set, so an unexpected change is noticed.
pub fn password_changed(
    to: &EmailAddress,
    first_name: &PersonName,
    public_url: &PublicUrl,
    support: &str,
) -> OutgoingEmail {
    let login = public_url.login();
    let subject = "Hub Pro Transport\u{a0}: votre mot de passe a été enregistré".to_owned();
    let text = format!(
        "Bonjour {first_name},\n\n\
         Le mot de passe de votre compte Hub Pro Transport vient d'être enregistré. Vous pouvez vous connecter\u{a0}: {login}\n\n\
         Si vous n'êtes pas à l'origine de ce changement, contactez immédiatement le service support\u{a0}: {support}\n\n\
         Le service de délivrance Hub Pro Transport.\n\
         {AUTOMATIC_NOTICE}\n"
    );
    let html = html_page(
        &subject,
        &format!(
            "<p>Bonjour {first_name},</p>\
             <p>Le mot de passe de votre compte Hub Pro Transport vient d'être enregistré.</p>{button}\
             <p>Si vous n'êtes pas à l'origine de ce changement, contactez immédiatement le service support\u{a0}: {support}</p>",
            first_name = escape(first_name.as_str()),
            button = button(&login, "Se connecter"),
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

/// Sent once when failed logins on the account, from every address, reach its ceiling.
pub fn unusual_login_attempts(
    to: &EmailAddress,
    first_name: &PersonName,
    public_url: &PublicUrl,
    support: &str,
) -> OutgoingEmail {
    let reset = public_url.forgot_password();
    let subject = "Hub Pro Transport\u{a0}: tentatives de connexion inhabituelles".to_owned();
    let text = format!(
        "Bonjour {first_name},\n\n\
         De nombreuses tentatives de connexion avec un mot de passe erroné viennent d'être faites sur votre compte Hub Pro Transport. \
         Par précaution, les connexions à votre compte sont ralenties pendant quelques minutes.\n\n\
         Si c'était vous, choisissez un nouveau mot de passe avec «\u{a0}Mot de passe oublié\u{a0}»\u{a0}: {reset}\n\
         Sinon, votre mot de passe reste valable\u{a0}; contactez le service support si cela se reproduit\u{a0}: {support}\n\n\
         Le service de délivrance Hub Pro Transport.\n\
         {AUTOMATIC_NOTICE}\n"
    );
    let html = html_page(
        &subject,
        &format!(
            "<p>Bonjour {first_name},</p>\
             <p>De nombreuses tentatives de connexion avec un mot de passe erroné viennent d'être faites sur votre compte Hub Pro Transport. \
             Par précaution, les connexions à votre compte sont ralenties pendant quelques minutes.</p>\
             <p>Si c'était vous, choisissez un nouveau mot de passe\u{a0}:</p>{button}\
             <p>Sinon, votre mot de passe reste valable\u{a0}; contactez le service support si cela se reproduit\u{a0}: {support}</p>",
            first_name = escape(first_name.as_str()),
            button = button(&reset, "Mot de passe oublié"),
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
            password_reset(&to, &lea, "http://x/l", 60, "s@x.fr", true),
            password_reset(&to, &lea, "http://x/l", 60, "s@x.fr", false),
            password_changed(&to, &lea, &url, "s@x.fr"),
            unusual_login_attempts(&to, &lea, &url, "s@x.fr"),
            password_setup(&signup, "http://x/l", 72, "s@x.fr"),
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
                valid_days: 30,
                support: "s@x.fr",
            }),
            account_suspended(&to, &lea, &siret, "s@x.fr"),
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
        }
        assert!(mails[1].text.contains("valable une heure"));
        assert!(mails[1].text.contains("mot de passe actuel reste valable"));
        assert!(!mails[2].text.contains("actuel"));
        assert_eq!(validity(72 * 60), "72 heures");
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
            72,
            "support@example.fr",
        );
        assert!(mail
            .html
            .contains("Dupont &amp; Fils &quot;L&#39;Étoile&quot;"));
        assert!(mail.html.contains("jeton=abc&amp;x=&quot;"));
        assert!(mail.text.contains("SIRET 477\u{a0}280\u{a0}846\u{a0}03753"));
        assert!(mail
            .text
            .contains("Créer mon mot de passe\u{a0}: http://x/"));
        assert!(mail.html.contains("Créer mon mot de passe</a>"));
    }
}
