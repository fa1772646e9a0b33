//! Shared French wording of the interface.

pub const META_DESCRIPTION: &str =
    "Hub Pro Transport\u{a0}: création du compte administrateur des centres de formation agréés (FIMO, FCO, Passerelle).";
pub const SKIP_LINK: &str = "Aller au contenu";
pub const FOOTER: &str =
    "Hub Pro Transport — service de délivrance des cartes de qualification conducteur.";
/// The footer's link to the accessibility statement: the state of compliance it declares (RGAA:
/// without a complete audit, « non conforme »).
pub const ACCESSIBILITY_LINK: &str = "Accessibilité\u{a0}: non conforme";
