//! How long links and flows live ([`crate::server::store::LinkToken`] is the secret itself, and
//! [`crate::server::store::LinkPurpose`] says what a link opens).

use crate::server::store::Duration;

/// How long a signup's password link stays valid.
pub const PASSWORD_SETUP_TTL: Duration = Duration::hours(72);
/// How long a « Mot de passe oublié » link stays valid.
pub const PASSWORD_RESET_TTL: Duration = Duration::hours(1);
/// How long the flow opened by « Cliquer ici pour continuer » stays open.
pub const PASSWORD_FLOW_TTL: Duration = Duration::minutes(30);

/// How long the official address's « Ce n'est pas nous » link stays valid.
pub const NOT_US_TTL: Duration = Duration::days(30);

/// How long a handover's link to the new administrator stays valid.
pub const HANDOVER_TTL: Duration = Duration::hours(72);
/// How long the official address's link to designate a new administrator stays valid.
pub const HANDOVER_REQUEST_TTL: Duration = Duration::hours(72);

/// The longest any emailed link stays valid (it is made in the transaction that queues its
/// email): an email older than this holds only dead links. The flow is not emailed.
pub const LONGEST_EMAILED_LINK_TTL: Duration = {
    let mut longest = PASSWORD_SETUP_TTL;
    if PASSWORD_RESET_TTL.whole_seconds() > longest.whole_seconds() {
        longest = PASSWORD_RESET_TTL;
    }
    if NOT_US_TTL.whole_seconds() > longest.whole_seconds() {
        longest = NOT_US_TTL;
    }
    if HANDOVER_TTL.whole_seconds() > longest.whole_seconds() {
        longest = HANDOVER_TTL;
    }
    if HANDOVER_REQUEST_TTL.whole_seconds() > longest.whole_seconds() {
        longest = HANDOVER_REQUEST_TTL;
    }
    longest
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_emailed_link_outlives_the_longest() {
        for ttl in [
            PASSWORD_SETUP_TTL,
            PASSWORD_RESET_TTL,
            NOT_US_TTL,
            HANDOVER_TTL,
            HANDOVER_REQUEST_TTL,
        ] {
            assert!(ttl <= LONGEST_EMAILED_LINK_TTL);
        }
        assert_eq!(LONGEST_EMAILED_LINK_TTL, Duration::days(30));
    }
}
