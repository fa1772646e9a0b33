//! Whether an establishment may sign up: the outcome of the INSEE and approvals checks, shared by
//! the server (which decides) and the page (which shows it).

use serde::{Deserialize, Serialize};

/// Transport type of an approval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TransportType {
    /// « Voyageurs »: passenger transport.
    Passengers,
    /// « Marchandises »: goods transport.
    Goods,
}

impl TransportType {
    /// Parses the approvals file's `type` column (`voyageurs` / `marchandises`).
    pub fn parse(input: &str) -> Option<Self> {
        match input.trim().to_ascii_lowercase().as_str() {
            "voyageurs" => Some(Self::Passengers),
            "marchandises" => Some(Self::Goods),
            _ => None,
        }
    }

    /// The value stored and written in files.
    pub fn code(self) -> &'static str {
        match self {
            Self::Passengers => "voyageurs",
            Self::Goods => "marchandises",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Passengers => "Voyageurs",
            Self::Goods => "Marchandises",
        }
    }
}

/// A training an approval covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Training {
    /// Formation initiale minimale obligatoire.
    Fimo,
    /// Bridge training between transport types.
    Passerelle,
    /// Formation continue obligatoire.
    Fco,
}

impl Training {
    pub fn parse(input: &str) -> Option<Self> {
        match input.trim().to_ascii_uppercase().as_str() {
            "FIMO" => Some(Self::Fimo),
            "PASSERELLE" => Some(Self::Passerelle),
            "FCO" => Some(Self::Fco),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Fimo => "FIMO",
            Self::Passerelle => "PASSERELLE",
            Self::Fco => "FCO",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Fimo => "FIMO",
            Self::Passerelle => "Passerelle",
            Self::Fco => "FCO",
        }
    }
}

/// An approval in force, as shown to the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalSummary {
    pub number: String,
    pub transport_type: TransportType,
    pub trainings: Vec<Training>,
    pub starts_on: time::Date,
    /// `None`: without end.
    pub ends_on: Option<time::Date>,
}

impl ApprovalSummary {
    /// Whether the approval is in force on `day` (its first and last days included): the one
    /// rule signup, the space and the operator commands use.
    pub fn in_force_on(&self, day: time::Date) -> bool {
        self.starts_on <= day && self.ends_on.is_none_or(|end| end >= day)
    }

    /// « FIMO Voyageurs », « Passerelle Voyageurs »… in the seed's order.
    pub fn labels(&self) -> Vec<String> {
        let mut trainings = self.trainings.clone();
        trainings.sort();
        trainings
            .iter()
            .map(|t| format!("{} {}", t.label(), self.transport_type.label()))
            .collect()
    }
}

/// What INSEE says of an establishment that may sign up, for display.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EstablishmentSummary {
    /// `None` when INSEE does not diffuse it: the user types the name.
    pub name: Option<String>,
    pub town: Option<String>,
    /// True when the answer comes from the bundled demo extract, not from INSEE.
    pub demo: bool,
    /// Set when a main establishment attached this one to its contract (case 2).
    pub main_establishment: Option<super::MainEstablishment>,
}

/// Why an establishment cannot sign up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Refusal {
    #[error("unknown SIRET")]
    UnknownSiret,
    #[error("establishment closed")]
    EstablishmentClosed,
    #[error("legal unit ceased")]
    LegalUnitCeased,
    #[error("establishment not diffusible")]
    NotDiffusible,
    #[error("no approval in force")]
    NoApproval,
    #[error("an account already exists for this SIRET")]
    AlreadyRegistered,
    /// An account was asked for and waits for its password; it ends with its link. Its dates
    /// are not shown: anyone may check a SIRET, and a stranger watching the end of a contested
    /// account's hold would take the SIRET the moment it ends.
    #[error("an account creation awaits confirmation for this SIRET")]
    Pending,
    /// The centre's official address said « Ce n'est pas nous » lately: for a while, only that
    /// address may sign the SIRET up (anyone else is sent to support).
    #[error("recently contested: only the official address may sign up")]
    Contested,
}

impl Refusal {
    /// The SIRET has an account, active or awaiting its password: it is the centre's own to log
    /// into, not one to sign up or attach.
    pub fn has_account(&self) -> bool {
        matches!(self, Refusal::AlreadyRegistered | Refusal::Pending)
    }
}

/// The answer to « may this SIRET sign up? ».
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Eligibility {
    Eligible {
        establishment: EstablishmentSummary,
        approvals: Vec<ApprovalSummary>,
    },
    Refused(Refusal),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_seed() {
        let a = ApprovalSummary {
            number: "HDF-2021-V-0042".into(),
            transport_type: TransportType::Passengers,
            trainings: vec![Training::Fco, Training::Fimo, Training::Passerelle],
            starts_on: time::macros::date!(2021 - 12 - 28),
            ends_on: None,
        };
        assert_eq!(
            a.labels(),
            ["FIMO Voyageurs", "Passerelle Voyageurs", "FCO Voyageurs"]
        );
    }

    #[test]
    fn in_force_includes_both_ends() {
        use time::macros::date;
        let a = ApprovalSummary {
            number: "X".into(),
            transport_type: TransportType::Goods,
            trainings: vec![Training::Fimo],
            starts_on: date!(2024 - 01 - 15),
            ends_on: Some(date!(2024 - 12 - 31)),
        };
        assert!(!a.in_force_on(date!(2024 - 01 - 14)));
        assert!(a.in_force_on(date!(2024 - 01 - 15)));
        assert!(a.in_force_on(date!(2024 - 12 - 31)));
        assert!(!a.in_force_on(date!(2025 - 01 - 01)));
        let open = ApprovalSummary { ends_on: None, ..a };
        assert!(open.in_force_on(date!(2099 - 01 - 01)));
    }

    #[test]
    fn parses_file_values() {
        assert_eq!(
            TransportType::parse(" Voyageurs"),
            Some(TransportType::Passengers)
        );
        assert_eq!(
            TransportType::parse("marchandises"),
            Some(TransportType::Goods)
        );
        assert_eq!(TransportType::parse("fret"), None);
        assert_eq!(Training::parse("passerelle"), Some(Training::Passerelle));
        assert_eq!(Training::parse("CACES"), None);
    }
}
