//! The audit trail: security-relevant events (signup, link use, login, password change, approval
//! import, attachments) with their time, SIRET and IP, for support and investigations.
//! `hubpro audit --siret …` prints them. Never holds a secret (no password, no token).

use super::client_ip::ClientIp;
use super::store::AccountId;
use crate::domain::Siret;

/// What happened. Stored as its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// A pending account was created.
    Signup,
    /// A signup was tried with an address that already has an account (its owner was told).
    SignupExistingEmail,
    /// An emailed password link was used (« Cliquer ici pour continuer »).
    LinkUsed,
    LoginSucceeded,
    LoginFailed,
    /// Failed logins from every address reached the account's ceiling; its owner was emailed.
    LoginCeilingReached,
    Logout,
    PasswordChanged,
    PasswordResetRequested,
    /// An approval was recorded or changed by an import.
    ApprovalImported,
    EstablishmentAttached,
    EstablishmentDetached,
    /// An account ended (expired pending account replaced, released by support).
    AccountEnded,
    /// Support sent a fresh password link to a pending account.
    LinkResent,
    /// The centre's official address was told an account was asked with another address.
    OfficialAddressTold,
}

impl EventKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Signup => "signup",
            Self::SignupExistingEmail => "signup_existing_email",
            Self::LinkUsed => "link_used",
            Self::LoginSucceeded => "login_succeeded",
            Self::LoginFailed => "login_failed",
            Self::LoginCeilingReached => "login_ceiling_reached",
            Self::Logout => "logout",
            Self::PasswordChanged => "password_changed",
            Self::PasswordResetRequested => "password_reset_requested",
            Self::ApprovalImported => "approval_imported",
            Self::EstablishmentAttached => "establishment_attached",
            Self::EstablishmentDetached => "establishment_detached",
            Self::AccountEnded => "account_ended",
            Self::LinkResent => "link_resent",
            Self::OfficialAddressTold => "official_address_told",
        }
    }
}

/// One event to record.
#[derive(Clone, Debug)]
pub struct Event<'a> {
    pub kind: EventKind,
    pub siret: Option<&'a Siret>,
    pub account_id: Option<AccountId>,
    pub ip: Option<&'a ClientIp>,
    pub detail: String,
}

impl<'a> Event<'a> {
    pub fn new(kind: EventKind) -> Self {
        Event {
            kind,
            siret: None,
            account_id: None,
            ip: None,
            detail: String::new(),
        }
    }
    pub fn siret(mut self, siret: &'a Siret) -> Self {
        self.siret = Some(siret);
        self
    }
    pub fn account(mut self, id: AccountId) -> Self {
        self.account_id = Some(id);
        self
    }
    pub fn ip(mut self, ip: &'a ClientIp) -> Self {
        self.ip = Some(ip);
        self
    }
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}
