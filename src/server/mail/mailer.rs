//! Sending email: a real SMTP client (lettre), or the dev mailbox when no SMTP server is
//! configured (the message then stays readable at /dev/boite-mail).

use crate::server::config::{MailDelivery, Secret, Settings};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub use crate::server::store::OutgoingEmail;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid message: {0}")]
    Invalid(String),
    #[error("SMTP delivery failed: {0}")]
    Delivery(String),
}

/// The narrow interface the outbox needs.
#[async_trait::async_trait]
pub trait Mailer: Send + Sync + std::fmt::Debug {
    async fn send(&self, email: &OutgoingEmail) -> Result<(), MailError>;
    /// Whether the outbox row is the only copy the recipient reads (dev mailbox): then its
    /// bodies are kept after sending.
    fn keeps_copies(&self) -> bool {
        false
    }
}

/// Delivers through an SMTP server.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SmtpMailer")
    }
}

impl SmtpMailer {
    pub fn new(url: &Secret, from: Mailbox) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .map_err(|e| MailError::Invalid(format!("SMTP URL: {e}")))?
            .timeout(Some(std::time::Duration::from_secs(10)))
            .build();
        Ok(Self { transport, from })
    }
}

#[async_trait::async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<(), MailError> {
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|e| MailError::Invalid(format!("recipient: {e}")))?;
        let from = match &email.sender_name {
            Some(name) => Mailbox::new(Some(name.clone()), self.from.email.clone()),
            None => self.from.clone(),
        };
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(&email.subject)
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .header(ContentTransferEncoding::QuotedPrintable)
                            .body(email.text.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .header(ContentTransferEncoding::QuotedPrintable)
                            .body(email.html.clone()),
                    ),
            )
            .map_err(|e| MailError::Invalid(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map_err(|e| MailError::Delivery(e.to_string()))?;
        Ok(())
    }
}

/// Development delivery: nothing leaves the machine; the outbox row marked sent is the mailbox.
#[derive(Debug, Default)]
pub struct DevMailbox;

#[async_trait::async_trait]
impl Mailer for DevMailbox {
    async fn send(&self, email: &OutgoingEmail) -> Result<(), MailError> {
        tracing::info!(to = %email.to, subject = %email.subject, "email kept in the dev mailbox");
        Ok(())
    }

    fn keeps_copies(&self) -> bool {
        true
    }
}

/// The mailer the configuration asks for.
pub fn from_settings(settings: &Settings) -> Result<std::sync::Arc<dyn Mailer>, MailError> {
    Ok(match &settings.mail.delivery {
        MailDelivery::Smtp(url) => {
            std::sync::Arc::new(SmtpMailer::new(url, settings.mail.from.clone())?)
        }
        MailDelivery::DevMailbox => std::sync::Arc::new(DevMailbox),
    })
}
