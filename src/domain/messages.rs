//! The French wording of every domain error, gathered here so it can be reviewed in one place.

use super::password::PolicyRefusal;
use super::{
    AttachRefusal, AttachmentState, EmailError, Field, NameError, PasswordError, PasswordRule,
    Problem, Refusal, SiretError, Strength,
};

/// A message meant for the person filling the form, in French.
pub trait UserMessage {
    fn user_message(&self) -> String;
}

impl UserMessage for Problem {
    fn user_message(&self) -> String {
        match self {
            Problem::Siret(e) => e.user_message(),
            Problem::Email(e) => e.user_message(),
            Problem::Name(e) => e.user_message(),
            Problem::Password(e) => e.user_message(),
            Problem::PasswordPolicy(e) => e.user_message(),
            Problem::EmailConfirmationMissing => "Confirmez votre adresse électronique.".into(),
            Problem::EmailMismatch => {
                "Les deux adresses électroniques ne sont pas identiques\u{a0}: vérifiez la confirmation.".into()
            }
            Problem::PasswordsDiffer => "Les deux mots de passe ne sont pas identiques.".into(),
            Problem::Ineligible {
                refusal: Refusal::NotDiffusible,
                support,
            } => format!(
                "Les informations de cet établissement ne sont pas diffusibles par l'INSEE\u{a0}: contactez le service support ({support}) pour créer votre compte."
            ),
            Problem::Ineligible {
                refusal: Refusal::Contested,
                support,
            } => format!(
                "L'adresse officielle de ce centre (celle de ses agréments) a récemment signalé une demande de compte qui ne venait pas de lui\u{a0}: pendant 30 jours, seule cette adresse peut créer le compte de ce SIRET. Contactez le service support ({support}) si vous êtes le centre."
            ),
            Problem::Ineligible { refusal, .. } => refusal.user_message(),
            Problem::Attach(e) => e.user_message(),
            Problem::BadCredentials => "Adresse électronique ou mot de passe incorrect.".into(),
            Problem::AccountSuspended { support } => format!(
                "Ce compte a été suspendu\u{a0}: le centre de formation a signalé, depuis l'adresse électronique à laquelle il reçoit ses agréments, qu'il n'avait pas demandé ce compte. Si vous pensez qu'il s'agit d'une erreur, contactez le service support\u{a0}: {support}."
            ),
            Problem::LinkInvalid => {
                "Ce lien n'est plus valable\u{a0}: il a déjà servi ou il a expiré. Demandez un nouveau lien avec «\u{a0}Mot de passe oublié\u{a0}».".into()
            }
            Problem::SessionEnded => {
                "Votre session a expiré\u{a0}: reconnectez-vous pour continuer.".into()
            }
            Problem::RecentLoginRequired => {
                "Pour cette opération, confirmez d'abord votre mot de passe.".into()
            }
            Problem::WrongPassword => {
                "Ce mot de passe n'est pas celui de votre compte. Vérifiez-le et réessayez.".into()
            }
            #[cfg(feature = "ssr")]
            Problem::CodeInvalid => {
                "Ce code n'est pas valable\u{a0}: saisissez le code à 6 chiffres affiché en ce moment par votre application, ou l'un de vos codes de secours (chacun ne sert qu'une fois).".into()
            }
            #[cfg(feature = "ssr")]
            Problem::LoginStepExpired => {
                "Votre connexion a expiré\u{a0}: saisissez à nouveau votre adresse électronique et votre mot de passe.".into()
            }
            #[cfg(feature = "ssr")]
            Problem::FactorChanged => {
                "La double authentification de votre compte a changé entre-temps (dans un autre onglet, peut-être)\u{a0}: voici son état actuel.".into()
            }
            #[cfg(feature = "ssr")]
            Problem::PasskeyRefused => {
                "La clé d'accès n'a pas été acceptée\u{a0}: l'opération a été annulée, a pris trop de temps, ou cette clé n'est pas enregistrée pour votre compte. Réessayez, ou utilisez une autre méthode.".into()
            }
            #[cfg(feature = "ssr")]
            Problem::NoPasskey => {
                "Aucune clé d'accès n'est enregistrée pour ce compte\u{a0}: saisissez le code de votre application d'authentification ou un code de secours.".into()
            }
            #[cfg(feature = "ssr")]
            Problem::HandoverWaiting => {
                "Un changement d'administrateur est déjà en attente\u{a0}: seul l'administrateur actuel peut l'annuler, depuis son espace, pour en demander un autre.".into()
            }
            #[cfg(feature = "ssr")]
            Problem::HandoverSameAddress => {
                "Cette adresse est déjà celle du compte\u{a0}: saisissez l'adresse du nouvel administrateur.".into()
            }
            #[cfg(feature = "ssr")]
            Problem::HandoverTooOften => {
                "Trois changements d'administrateur ont déjà été demandés aujourd'hui pour ce compte\u{a0}: réessayez demain, ou contactez le service support.".into()
            }
            #[cfg(feature = "ssr")]
            Problem::AddressTaken => {
                "Cette adresse électronique est déjà l'identifiant d'un autre compte Hub Pro Transport (une adresse ne sert qu'à un seul compte)\u{a0}: le changement d'administrateur n'a pas eu lieu. Demandez à la personne qui vous a désigné d'annuler ce changement, puis d'indiquer une autre adresse.".into()
            }
            Problem::TooManyRequests { seconds } => format!(
                "Trop de demandes depuis votre connexion. Patientez {} avant de réessayer\u{202f}; ce que vous avez saisi est conservé.",
                french_wait(*seconds)
            ),
            Problem::TooManyAttempts { seconds } => format!(
                "Trop de tentatives. Pour protéger votre compte, réessayez dans {}.",
                french_wait(*seconds)
            ),
            Problem::DirectoryUnavailable => {
                "Le service INSEE est momentanément indisponible\u{a0}: réessayez dans quelques instants. Vos informations sont conservées.".into()
            }
            Problem::Malformed => {
                "Votre demande n'a pas pu être traitée\u{a0}: elle est incomplète, ou la page n'était plus à jour. Rechargez la page, puis réessayez.".into()
            }
            Problem::CrossSite => {
                "Par sécurité, cette demande a été bloquée\u{a0}: elle ne vient pas d'une page du site Hub Pro Transport. Ouvrez directement le site Hub Pro Transport, puis réessayez.".into()
            }
            Problem::Unexpected => {
                "Une erreur inattendue est survenue. Vos informations sont conservées\u{a0}: réessayez dans un instant.".into()
            }
            #[cfg(not(feature = "ssr"))]
            Problem::Shown { message, .. } => message.clone(),
        }
    }
}

impl Problem {
    /// The message of this problem on `field`, naming the field where the message is about it
    /// (« Le prénom ne peut pas dépasser 80 caractères. »). A refusal travels with these
    /// messages ([`super::FieldProblems`]), and pages show them.
    pub fn message_on(&self, field: Field) -> String {
        match self {
            Problem::Name(e) => e.message_about(field.subject()),
            other => other.user_message(),
        }
    }
}

impl Field {
    /// How a message names the field, as the subject of its sentence: « Le nom de l'organisme ».
    pub fn subject(self) -> &'static str {
        match self {
            Field::Organisation => "Le nom de l'organisme",
            Field::LastName => "Le nom",
            Field::FirstName => "Le prénom",
            Field::Siret | Field::AttachSiret => "Le numéro de SIRET",
            Field::Email | Field::EmailConfirmation | Field::ContactEmail => {
                "L'adresse électronique"
            }
            Field::Password | Field::Confirmation => "Le mot de passe",
        }
    }
}

impl Problem {
    /// The HTTP status of an answer refused for this problem.
    pub fn status(&self) -> u16 {
        match self {
            Problem::Malformed => 400,
            Problem::BadCredentials
            | Problem::AccountSuspended { .. }
            | Problem::SessionEnded
            | Problem::RecentLoginRequired
            | Problem::WrongPassword => 401,
            #[cfg(feature = "ssr")]
            Problem::CodeInvalid | Problem::LoginStepExpired | Problem::PasskeyRefused => 401,
            Problem::CrossSite => 403,
            Problem::TooManyRequests { .. } | Problem::TooManyAttempts { .. } => 429,
            Problem::DirectoryUnavailable => 503,
            Problem::Unexpected => 500,
            _ => 422,
        }
    }
}

impl Problem {
    /// The seconds to wait before trying again, for problems that ask the client to wait
    /// (`Retry-After`).
    pub fn retry_after(&self) -> Option<i64> {
        match self {
            Problem::TooManyRequests { seconds } | Problem::TooManyAttempts { seconds } => {
                Some(*seconds)
            }
            _ => None,
        }
    }
}

impl AttachmentState {
    pub fn label(self) -> &'static str {
        match self {
            Self::Invited => "Invitation envoyée",
            Self::AccountPending => "Compte créé, mot de passe à définir",
            Self::AccountActive => "Compte actif",
        }
    }
}

impl UserMessage for AttachRefusal {
    fn user_message(&self) -> String {
        match self {
            Self::OwnSiret => {
                "C'est le SIRET de votre propre établissement\u{a0}: saisissez celui de l'établissement à rattacher.".into()
            }
            Self::AlreadyAttachedHere => {
                "Cet établissement est déjà rattaché à votre contrat.".into()
            }
            Self::AttachedElsewhere => {
                "Cet établissement est déjà rattaché au contrat d'un autre établissement principal.".into()
            }
            Self::HasOwnAccount => {
                "Cet établissement a déjà son propre compte Hub Pro Transport\u{a0}: il ne peut pas être rattaché.".into()
            }
            Self::MainIsAttached => {
                "Votre établissement est lui-même rattaché à un établissement principal\u{a0}: seul celui-ci peut rattacher des établissements.".into()
            }
            Self::Ineligible(reason) => reason.user_message(),
            Self::OtherCentre => {
                "Cet établissement appartient à une autre entreprise que la vôtre (les 9 premiers chiffres de son SIRET sont différents). Pour le rattacher, saisissez comme adresse du contact celle à laquelle il reçoit les notifications de ses agréments (l'adresse renseignée par la DREAL).".into()
            }
            Self::TooManyInvitations => {
                "Vous avez envoyé beaucoup d'invitations aujourd'hui\u{a0}: réessayez demain, ou contactez le service support.".into()
            }
            Self::InvitedTooOften => {
                "Cet établissement a déjà reçu plusieurs invitations aujourd'hui\u{a0}: réessayez demain.".into()
            }
        }
    }
}

/// A day the French way, in words: « 1er janvier 2024 », « 25 novembre 2026 » (the day keeps a
/// no-break space to its month, the month to its year).
pub fn french_date(day: time::Date) -> String {
    const MONTHS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    let number = match day.day() {
        1 => "1er".to_owned(),
        n => n.to_string(),
    };
    let month = MONTHS[usize::from(u8::from(day.month())) - 1];
    format!("{number}\u{a0}{month}\u{a0}{}", day.year())
}

/// A time of day the French way: « 15 h 02 », « 9 h 00 ».
pub fn french_time(hour: u8, minute: u8) -> String {
    format!("{hour}\u{a0}h\u{a0}{minute:02}")
}

/// A browser as people name it: « Firefox sur Windows 10 », or what of it its `User-Agent` said.
pub fn browser_label(browser: Option<&str>, system: Option<&str>) -> String {
    match (browser, system) {
        (Some(b), Some(o)) => format!("{b} sur {o}"),
        (Some(b), None) => b.to_owned(),
        (None, Some(o)) => format!("Navigateur sur {o}"),
        (None, None) => "Navigateur inconnu".to_owned(),
    }
}

/// A wait in French: « 1 seconde », « 40 secondes », « 3 minutes » (rounded up).
pub fn french_wait(seconds: i64) -> String {
    match seconds {
        ..=1 => "1\u{a0}seconde".to_owned(),
        2..90 => format!("{seconds}\u{a0}secondes"),
        _ => format!("{}\u{a0}minutes", (seconds + 59) / 60),
    }
}

impl UserMessage for SiretError {
    fn user_message(&self) -> String {
        match self {
            SiretError::Empty => {
                "Saisissez le numéro de SIRET de votre centre (14 chiffres).".into()
            }
            SiretError::InvalidCharacter => {
                "Le numéro de SIRET ne contient que des chiffres (les espaces sont acceptés)."
                    .into()
            }
            SiretError::WrongLength(n) => {
                format!("Le numéro de SIRET compte 14 chiffres\u{202f}; vous en avez saisi {n}.")
            }
            SiretError::Checksum => {
                "Ce numéro de SIRET n'est pas valide\u{a0}: vérifiez les chiffres saisis.".into()
            }
        }
    }
}

impl UserMessage for EmailError {
    fn user_message(&self) -> String {
        match self {
            EmailError::Empty => "Saisissez votre adresse électronique.".into(),
            EmailError::TooLong => format!(
                "L'adresse électronique ne peut pas dépasser {}\u{a0}caractères.",
                super::email::EMAIL_MAX
            ),
            EmailError::MissingAt => {
                "L'adresse électronique doit contenir un seul «\u{a0}@\u{a0}», par exemple nom@exemple.fr."
                    .into()
            }
            EmailError::InvalidLocalPart => {
                "La partie avant «\u{a0}@\u{a0}» contient des caractères non autorisés (lettres sans accent, chiffres, . - _ +)."
                    .into()
            }
            EmailError::InvalidDomain => {
                "La partie après «\u{a0}@\u{a0}» n'est pas un nom de domaine valide, par exemple exemple.fr."
                    .into()
            }
        }
    }
}

/// A name's problem without its field: the page always knows it ([`Problem::message_on`]).
impl UserMessage for NameError {
    fn user_message(&self) -> String {
        self.message_about("Ce champ")
    }
}

/// The advice for an invisible character, the one a copy-and-paste brings along.
const INVISIBLE_CHARACTER: &str =
    "contient un caractère invisible, souvent ajouté par un copier-coller\u{a0}: effacez-le, puis saisissez-le de nouveau au clavier.";

impl NameError {
    /// The message, naming the field with `subject` (« Le nom », a masculine subject).
    pub fn message_about(&self, subject: &str) -> String {
        match self {
            NameError::Empty => "Ce champ est obligatoire.".into(),
            NameError::TooLong(max) => {
                format!("{subject} ne peut pas dépasser {max}\u{a0}caractères.")
            }
            NameError::ControlCharacter => format!("{subject} {INVISIBLE_CHARACTER}"),
            NameError::InvalidCharacter => {
                "Seuls les lettres, espaces, traits d'union, apostrophes et points sont acceptés."
                    .into()
            }
            NameError::Markup => {
                "Les caractères «\u{a0}<\u{a0}» et «\u{a0}>\u{a0}» ne sont pas acceptés.".into()
            }
            NameError::NoLetter => "Ce champ doit commencer par une lettre.".into(),
        }
    }
}

impl UserMessage for PasswordRule {
    fn user_message(&self) -> String {
        match self {
            PasswordRule::MinLength => "12 caractères minimum",
            PasswordRule::Uppercase => "1 majuscule",
            PasswordRule::Lowercase => "1 minuscule",
            // The guide's examples, each sign kept from the line's start by a no-break space.
            PasswordRule::Special => {
                "1 caractère spécial (par exemple\u{a0}:\u{a0}?\u{a0}! * # . –)"
            }
        }
        .into()
    }
}

impl PasswordRule {
    /// What a screen reader hears after the rule in the checklist, agreeing with it:
    /// « 1 majuscule : respectée », « 12 caractères minimum : atteint ».
    pub fn state_message(self, met: bool) -> &'static str {
        match (self, met) {
            (PasswordRule::MinLength, true) => "atteint",
            (PasswordRule::MinLength, false) => "non atteint",
            (PasswordRule::Uppercase | PasswordRule::Lowercase, true) => "respectée",
            (PasswordRule::Uppercase | PasswordRule::Lowercase, false) => "non respectée",
            (PasswordRule::Special, true) => "respecté",
            (PasswordRule::Special, false) => "non respecté",
        }
    }
}

impl UserMessage for PasswordError {
    fn user_message(&self) -> String {
        match self {
            PasswordError::Unmet(rules) => format!(
                "Le mot de passe doit contenir\u{a0}: {}.",
                rules
                    .iter()
                    .map(UserMessage::user_message)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            PasswordError::TooLong => format!(
                "Le mot de passe ne peut pas dépasser {}\u{a0}caractères.",
                super::password::PASSWORD_MAX
            ),
            PasswordError::ControlCharacter => format!("Le mot de passe {INVISIBLE_CHARACTER}"),
        }
    }
}

impl UserMessage for Refusal {
    fn user_message(&self) -> String {
        match self {
            Refusal::UnknownSiret => {
                "Ce numéro de SIRET est inconnu de la base INSEE\u{a0}: vérifiez-le.".into()
            }
            Refusal::EstablishmentClosed => {
                "Cet établissement est fermé dans la base INSEE\u{a0}: seul un établissement actif peut créer un compte."
                    .into()
            }
            Refusal::LegalUnitCeased => {
                "L'entreprise de cet établissement a cessé son activité selon la base INSEE\u{a0}: seul un établissement actif peut créer un compte."
                    .into()
            }
            Refusal::NotDiffusible => {
                "Les informations de cet établissement ne sont pas diffusibles par l'INSEE\u{a0}: contactez le service support pour créer votre compte."
                    .into()
            }
            Refusal::NoApproval => {
                "Aucun agrément en cours de validité n'est enregistré pour ce SIRET\u{a0}: un agrément est nécessaire pour créer un compte."
                    .into()
            }
            Refusal::AlreadyRegistered => {
                "Un compte existe déjà pour ce SIRET. Connectez-vous, ou utilisez «\u{a0}Mot de passe oublié\u{a0}» si vous n'avez plus votre mot de passe."
                    .into()
            }
            Refusal::Pending => {
                "Une création de compte est en attente de confirmation pour ce SIRET\u{a0}: si elle vient de vous, suivez le lien «\u{a0}Créer mon mot de passe\u{a0}» reçu par courriel, ou demandez-en un nouveau avec «\u{a0}Mot de passe oublié\u{a0}»."
                    .into()
            }
            Refusal::Contested => {
                "L'adresse officielle de ce centre a récemment signalé une demande de compte qui ne venait pas de lui\u{a0}: pendant 30 jours, seule cette adresse peut créer le compte de ce SIRET."
                    .into()
            }
        }
    }
}

impl UserMessage for PolicyRefusal {
    fn user_message(&self) -> String {
        match self {
            PolicyRefusal::Common => {
                "Ce mot de passe est trop courant (un mot usuel ou une suite de touches, avec des chiffres ou symboles)\u{a0}: choisissez-en un autre, par exemple une courte phrase."
            }
            PolicyRefusal::ContainsSiret => "Le mot de passe ne doit pas contenir votre numéro de SIRET ou de SIREN.",
            PolicyRefusal::ContainsOrganisation => "Le mot de passe ne doit pas contenir le nom de votre organisme.",
            PolicyRefusal::ContainsName => "Le mot de passe ne doit pas contenir votre nom ou votre prénom.",
            PolicyRefusal::ContainsEmail => "Le mot de passe ne doit pas contenir votre adresse électronique.",
        }
        .into()
    }
}

impl UserMessage for Strength {
    fn user_message(&self) -> String {
        match self {
            Strength::VeryWeak => "très faible",
            Strength::Weak => "faible",
            Strength::Fair => "moyenne",
            Strength::Strong => "forte",
            Strength::VeryStrong => "très forte",
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::typography::has_plain_space_before_sign;

    /// Every problem a user can meet, nested errors included. The match below has no wildcard:
    /// a new variant does not compile until it is listed here.
    fn every_problem() -> Vec<Problem> {
        let refusals = [
            Refusal::UnknownSiret,
            Refusal::EstablishmentClosed,
            Refusal::LegalUnitCeased,
            Refusal::NotDiffusible,
            Refusal::NoApproval,
            Refusal::AlreadyRegistered,
            Refusal::Pending,
            Refusal::Contested,
        ];
        let mut all: Vec<Problem> = Vec::new();
        all.extend(
            [
                SiretError::Empty,
                SiretError::InvalidCharacter,
                SiretError::WrongLength(13),
                SiretError::Checksum,
            ]
            .map(Problem::Siret),
        );
        all.extend(
            [
                EmailError::Empty,
                EmailError::TooLong,
                EmailError::MissingAt,
                EmailError::InvalidLocalPart,
                EmailError::InvalidDomain,
            ]
            .map(Problem::Email),
        );
        all.extend(
            [
                NameError::Empty,
                NameError::TooLong(80),
                NameError::ControlCharacter,
                NameError::InvalidCharacter,
                NameError::Markup,
                NameError::NoLetter,
            ]
            .map(Problem::Name),
        );
        all.extend(
            [
                PasswordError::Unmet(PasswordRule::ALL.to_vec()),
                PasswordError::Unmet(vec![PasswordRule::Special]),
                PasswordError::TooLong,
                PasswordError::ControlCharacter,
            ]
            .map(Problem::Password),
        );
        all.extend(
            [
                PolicyRefusal::Common,
                PolicyRefusal::ContainsSiret,
                PolicyRefusal::ContainsOrganisation,
                PolicyRefusal::ContainsName,
                PolicyRefusal::ContainsEmail,
            ]
            .map(Problem::PasswordPolicy),
        );
        all.extend(refusals.map(|refusal| Problem::Ineligible {
            refusal,
            support: SUPPORT.into(),
        }));
        all.extend(
            [
                AttachRefusal::OwnSiret,
                AttachRefusal::AlreadyAttachedHere,
                AttachRefusal::AttachedElsewhere,
                AttachRefusal::HasOwnAccount,
                AttachRefusal::MainIsAttached,
                AttachRefusal::OtherCentre,
                AttachRefusal::TooManyInvitations,
                AttachRefusal::InvitedTooOften,
            ]
            .into_iter()
            .chain(refusals.map(AttachRefusal::Ineligible))
            .map(Problem::Attach),
        );
        all.extend([
            Problem::EmailConfirmationMissing,
            Problem::EmailMismatch,
            Problem::PasswordsDiffer,
            Problem::BadCredentials,
            Problem::AccountSuspended {
                support: SUPPORT.into(),
            },
            Problem::LinkInvalid,
            Problem::SessionEnded,
            Problem::RecentLoginRequired,
            Problem::WrongPassword,
            Problem::CodeInvalid,
            Problem::LoginStepExpired,
            Problem::FactorChanged,
            Problem::PasskeyRefused,
            Problem::NoPasskey,
            Problem::HandoverWaiting,
            Problem::HandoverSameAddress,
            Problem::HandoverTooOften,
            Problem::AddressTaken,
            Problem::TooManyRequests { seconds: 1 },
            Problem::TooManyRequests { seconds: 900 },
            Problem::TooManyAttempts { seconds: 30 },
            Problem::DirectoryUnavailable,
            Problem::Malformed,
            Problem::CrossSite,
            Problem::Unexpected,
        ]);
        for p in &all {
            match p {
                Problem::Siret(_)
                | Problem::Email(_)
                | Problem::Name(_)
                | Problem::Password(_)
                | Problem::PasswordPolicy(_)
                | Problem::EmailConfirmationMissing
                | Problem::EmailMismatch
                | Problem::PasswordsDiffer
                | Problem::Ineligible { .. }
                | Problem::Attach(_)
                | Problem::BadCredentials
                | Problem::AccountSuspended { .. }
                | Problem::LinkInvalid
                | Problem::SessionEnded
                | Problem::RecentLoginRequired
                | Problem::WrongPassword
                | Problem::CodeInvalid
                | Problem::LoginStepExpired
                | Problem::FactorChanged
                | Problem::PasskeyRefused
                | Problem::NoPasskey
                | Problem::HandoverWaiting
                | Problem::HandoverSameAddress
                | Problem::HandoverTooOften
                | Problem::AddressTaken
                | Problem::TooManyRequests { .. }
                | Problem::TooManyAttempts { .. }
                | Problem::DirectoryUnavailable
                | Problem::Malformed
                | Problem::CrossSite
                | Problem::Unexpected => {}
                // Another problem's wording, as received: nothing of its own to list.
                #[cfg(not(feature = "ssr"))]
                Problem::Shown { .. } => {}
            }
        }
        all
    }

    /// The support contact as the configuration names it.
    const SUPPORT: &str = "support@hubpro.example";

    #[test]
    fn problems_travel_as_their_code_and_message() {
        let mut codes = std::collections::HashSet::new();
        for p in every_problem() {
            let json: serde_json::Value = serde_json::to_value(&p).unwrap();
            assert_eq!(json["code"], p.code(), "{p:?}");
            assert_eq!(json["message"], p.user_message(), "{p:?}");
            // Read back from the code alone (the message is not even looked at).
            let forged = serde_json::json!({"code": p.code(), "message": "Appelez le 08 99 …"});
            let back: Problem = serde_json::from_value(forged).unwrap();
            assert_eq!(back.naming_support(SUPPORT), p, "{}", p.code());
            assert!(codes.insert(p.code()), "one code per problem: {}", p.code());
        }
    }

    #[test]
    fn text_from_outside_is_never_shown_as_a_message() {
        for code in [
            "Compte bloqué : appelez le 08 99 00 00 00",
            "too_many_attempts:99999999",
            "too_many_attempts:-5",
            "too_many_attempts:",
            "siret.length:1000",
            "name.too_long:3",
            "password.unmet:uppercase,appelez",
            "password.unmet:",
            "ineligible.appelez",
            "login.bad_credentials:08 99",
            "",
        ] {
            let back: Problem =
                serde_json::from_value(serde_json::json!({"code": code, "message": code})).unwrap();
            assert_eq!(back, Problem::Unexpected, "{code:?}");
        }
        // A bare string (the former wire format) is not a problem at all.
        assert!(serde_json::from_str::<Problem>("\"Appelez le 08 99\"").is_err());
    }

    #[test]
    fn every_message_is_french_and_non_empty() {
        let all = every_problem();
        let mut seen = std::collections::HashSet::new();
        for problem in &all {
            let m = problem.user_message();
            assert!(
                m.chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()),
                "{problem:?}: {m}"
            );
            assert!(m.ends_with('.'), "{problem:?} ends with a full stop: {m}");
            assert!(!has_plain_space_before_sign(&m), "{problem:?}: {m}");
            assert!(
                !m.contains("  ") && m.trim() == m,
                "{problem:?}: spaces in {m:?}"
            );
            assert!(
                [400, 401, 403, 422, 429, 500, 503].contains(&problem.status()),
                "{problem:?}"
            );
            // As shown next to a field, too.
            for field in [Field::Organisation, Field::LastName, Field::FirstName] {
                let on = problem.message_on(field);
                assert!(
                    on.ends_with('.') && !has_plain_space_before_sign(&on),
                    "{problem:?} on {field:?}: {on}"
                );
            }
            seen.insert(m);
        }
        // Distinct situations read distinctly (the attach form reuses the signup refusals).
        assert!(
            seen.len() >= all.len() - 6,
            "{} of {}",
            seen.len(),
            all.len()
        );
        assert_eq!(
            Problem::Siret(SiretError::WrongLength(13)).user_message(),
            "Le numéro de SIRET compte 14 chiffres\u{202f}; vous en avez saisi 13."
        );
        assert!(Problem::Password(PasswordError::Unmet(vec![
            PasswordRule::Uppercase,
            PasswordRule::Special
        ]))
        .user_message()
        .contains("1 majuscule, 1 caractère spécial"));
        assert!(Problem::Ineligible {
            refusal: Refusal::NotDiffusible,
            support: "support@hubpro.example".into()
        }
        .user_message()
        .contains("(support@hubpro.example)"));
        for rule in PasswordRule::ALL {
            assert!(!rule.user_message().is_empty());
        }
        for strength in [
            Strength::VeryWeak,
            Strength::Weak,
            Strength::Fair,
            Strength::Strong,
            Strength::VeryStrong,
        ] {
            assert!(!strength.user_message().is_empty());
        }
    }

    #[test]
    fn the_checklist_tells_each_rule_met_or_not_in_agreement_with_it() {
        let heard = |rule: PasswordRule, met| {
            format!("{}\u{a0}: {}", rule.user_message(), rule.state_message(met))
        };
        let expected = [
            (PasswordRule::MinLength, "12 caractères minimum", "atteint"),
            (PasswordRule::Uppercase, "1 majuscule", "respectée"),
            (PasswordRule::Lowercase, "1 minuscule", "respectée"),
            (
                PasswordRule::Special,
                "1 caractère spécial (par exemple\u{a0}:\u{a0}?\u{a0}! * # . –)",
                "respecté",
            ),
        ];
        assert_eq!(expected.map(|(r, ..)| r), PasswordRule::ALL);
        for (rule, text, met) in expected {
            assert_eq!(heard(rule, true), format!("{text}\u{a0}: {met}"));
            assert_eq!(heard(rule, false), format!("{text}\u{a0}: non {met}"));
            assert!(!has_plain_space_before_sign(&heard(rule, false)));
        }
    }

    #[test]
    fn the_special_characters_are_the_guides() {
        // The guide: « (par exemple : ? ! * # . – etc. ...) », its en dash (U+2013) included.
        let special = PasswordRule::Special.user_message();
        assert_eq!(
            special.replace('\u{a0}', " "),
            "1 caractère spécial (par exemple : ? ! * # . \u{2013})"
        );
        assert!(!has_plain_space_before_sign(&special));
        assert!(
            !special.contains('\u{202f}'),
            "one kind of space: {special:?}"
        );
    }

    #[test]
    fn a_length_refusal_names_its_field() {
        use crate::domain::names::{ORGANISATION_NAME_MAX, PERSON_NAME_MAX};
        use crate::domain::{FieldProblems, FormProblem};
        let person = Problem::Name(NameError::TooLong(PERSON_NAME_MAX));
        let organisation = Problem::Name(NameError::TooLong(ORGANISATION_NAME_MAX));
        let last_name = "Le nom ne peut pas dépasser 80\u{a0}caractères.";
        let first_name = "Le prénom ne peut pas dépasser 80\u{a0}caractères.";
        assert_eq!(person.message_on(Field::LastName), last_name);
        assert_eq!(person.message_on(Field::FirstName), first_name);
        assert_eq!(
            organisation.message_on(Field::Organisation),
            "Le nom de l'organisme ne peut pas dépasser 200\u{a0}caractères."
        );
        // On the page rendered from the code alone (no JavaScript), and as the browser gets it.
        let refused = FormProblem::keeping(
            (),
            FieldProblems::from([
                (Field::LastName, person.clone()),
                (Field::FirstName, person.clone()),
            ]),
            None,
        );
        assert_eq!(
            refused.message(Field::FirstName).as_deref(),
            Some(first_name)
        );
        let json = serde_json::to_value(&refused).unwrap();
        assert_eq!(json["fields"][0][1]["code"], "name.too_long:80");
        assert_eq!(json["fields"][0][1]["message"], last_name);
        assert_eq!(json["fields"][1][1]["message"], first_name);
        let back: FormProblem<()> = serde_json::from_value(json).unwrap();
        assert_eq!(back, refused);
        // The other lengths name theirs in any case.
        for (problem, subject) in [
            (Problem::Password(PasswordError::TooLong), "Le mot de passe"),
            (
                Problem::Email(EmailError::TooLong),
                "L'adresse électronique",
            ),
        ] {
            let m = problem.user_message();
            assert!(
                m.starts_with(&format!("{subject} ne peut pas dépasser ")),
                "{m}"
            );
        }
    }

    #[test]
    fn the_weakest_refusals_speak_plainly_and_say_what_to_do() {
        let refusals = [
            Problem::Malformed.user_message(),
            Problem::CrossSite.user_message(),
            Problem::Name(NameError::ControlCharacter).message_on(Field::LastName),
            Problem::Password(PasswordError::ControlCharacter).user_message(),
            Problem::AccountSuspended {
                support: SUPPORT.into(),
            }
            .user_message(),
            Problem::Attach(AttachRefusal::OtherCentre).user_message(),
        ];
        for m in &refusals {
            for jargon in [
                "requête",
                "mal formée",
                "contrôle",
                "provient",
                "adresse officielle",
                "adresse de notification",
                "(SIREN)",
            ] {
                assert!(!m.contains(jargon), "« {jargon} » in {m}");
            }
            assert!(
                ["Rechargez", "Ouvrez", "saisissez", "contactez"]
                    .iter()
                    .any(|next| m.contains(next)),
                "what to do next: {m}"
            );
        }
        assert!(refusals[2].starts_with("Le nom contient un caractère invisible"));
        assert!(refusals[4].ends_with(&format!("service support\u{a0}: {SUPPORT}.")));
    }

    #[test]
    fn statuses_follow_the_kind_of_problem() {
        assert_eq!(Problem::Malformed.status(), 400);
        assert_eq!(Problem::BadCredentials.status(), 401);
        assert_eq!(Problem::EmailMismatch.status(), 422);
        assert_eq!(Problem::TooManyAttempts { seconds: 3 }.status(), 429);
        assert_eq!(Problem::DirectoryUnavailable.status(), 503);
        assert_eq!(Problem::Unexpected.status(), 500);
    }

    #[test]
    fn dates_are_shown_the_french_way() {
        assert_eq!(
            french_date(time::macros::date!(2024 - 01 - 05)),
            "5\u{a0}janvier\u{a0}2024"
        );
        assert_eq!(
            french_date(time::macros::date!(2026 - 11 - 01)),
            "1er\u{a0}novembre\u{a0}2026"
        );
        assert_eq!(french_wait(1), "1\u{a0}seconde");
        assert_eq!(french_wait(0), "1\u{a0}seconde");
        assert_eq!(french_wait(40), "40\u{a0}secondes");
        assert_eq!(french_wait(900), "15\u{a0}minutes");
    }
}
