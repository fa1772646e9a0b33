//! Email: the messages, the outbox that sends them after their transaction commits, the SMTP
//! client and the dev mailbox.

pub mod emails;
pub mod mailer;
pub mod outbox;
