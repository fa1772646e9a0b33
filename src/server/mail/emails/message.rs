//! An email written once: its paragraphs, buttons and lists, from which the plain text and the
//! HTML are both drawn. The HTML is a Leptos view rendered on the server: every value is escaped
//! by construction, never by hand.

use crate::domain::typography::french;
use crate::server::store::OutgoingEmail;
use leptos::prelude::*;

/// The last line of every email.
pub const AUTOMATIC_NOTICE: &str =
    "Ceci est un message automatique, veuillez ne pas répondre directement à ce message.";

const SIGNATURE: &str = "Le service de délivrance Hub Pro Transport.";

/// A piece of a paragraph.
#[derive(Clone, Debug)]
pub enum Span {
    Text(String),
    /// In bold in the HTML, as is in the text.
    Strong(String),
    /// A link in the HTML; « label : address » in the text.
    Link {
        label: String,
        href: String,
    },
}

/// Text as is.
pub fn t(text: impl Into<String>) -> Span {
    Span::Text(text.into())
}

/// Text in bold.
pub fn b(text: impl Into<String>) -> Span {
    Span::Strong(text.into())
}

/// A link within a sentence.
pub fn link(label: impl Into<String>, href: impl Into<String>) -> Span {
    Span::Link {
        label: label.into(),
        href: href.into(),
    }
}

#[derive(Clone, Debug)]
enum Block {
    Paragraph(Vec<Span>),
    /// A link drawn as a button; « label : address » in the text.
    Button {
        label: String,
        href: String,
    },
    Bullets(Vec<String>),
    Numbered(Vec<Vec<Span>>),
    /// Small print.
    Note(String),
}

/// An email before it is drawn.
#[derive(Clone, Debug)]
pub struct Message {
    subject: String,
    sender_name: Option<String>,
    blocks: Vec<Block>,
}

impl Message {
    pub fn new(subject: impl Into<String>) -> Self {
        Self {
            subject: subject.into(),
            sender_name: None,
            blocks: Vec::new(),
        }
    }

    /// The sender's display name, when not the configured one (same address).
    pub fn from_name(mut self, name: &str) -> Self {
        self.sender_name = Some(name.to_owned());
        self
    }

    pub fn paragraph(mut self, spans: impl IntoIterator<Item = Span>) -> Self {
        self.blocks
            .push(Block::Paragraph(spans.into_iter().collect()));
        self
    }

    /// A paragraph of plain text.
    pub fn say(self, text: impl Into<String>) -> Self {
        self.paragraph([t(text)])
    }

    pub fn button(mut self, label: &str, href: &str) -> Self {
        self.blocks.push(Block::Button {
            label: label.to_owned(),
            href: href.to_owned(),
        });
        self
    }

    pub fn bullets(mut self, items: impl IntoIterator<Item = String>) -> Self {
        self.blocks
            .push(Block::Bullets(items.into_iter().collect()));
        self
    }

    pub fn numbered(mut self, items: impl IntoIterator<Item = Vec<Span>>) -> Self {
        self.blocks
            .push(Block::Numbered(items.into_iter().collect()));
        self
    }

    pub fn note(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Note(text.into()));
        self
    }

    /// The email to `to`, its plain text and HTML drawn from the same blocks, in French
    /// typography.
    pub fn to(self, to: &crate::domain::EmailAddress) -> OutgoingEmail {
        OutgoingEmail {
            sender_name: self.sender_name.clone(),
            to: to.as_str().to_owned(),
            subject: french(&self.subject),
            text: french(&self.text()),
            html: french(&self.html()),
        }
    }

    fn text(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            match block {
                Block::Paragraph(spans) => out.push_str(&spans_text(spans)),
                Block::Button { label, href } => out.push_str(&format!("{label}\u{a0}: {href}")),
                Block::Bullets(items) => {
                    let lines: Vec<String> = items.iter().map(|i| format!("- {i}")).collect();
                    out.push_str(&lines.join("\n"));
                }
                Block::Numbered(items) => {
                    let lines: Vec<String> = items
                        .iter()
                        .enumerate()
                        .map(|(n, spans)| format!("- {}- {}", n + 1, spans_text(spans)))
                        .collect();
                    out.push_str(&lines.join("\n"));
                }
                Block::Note(text) => out.push_str(&format!("({text})")),
            }
            out.push_str("\n\n");
        }
        out.push_str(&format!("{SIGNATURE}\n{AUTOMATIC_NOTICE}\n"));
        out
    }

    fn html(&self) -> String {
        let blocks: Vec<AnyView> = self.blocks.iter().cloned().map(block_view).collect();
        let subject = self.subject.clone();
        view! {
            <!DOCTYPE html>
            <html lang="fr">
                <head><meta charset="utf-8"/><title>{subject}</title></head>
                <body style="font-family:Arial,sans-serif;color:#1b1f29;line-height:1.5">
                    <p style="font-weight:bold;color:#1f3f8f">"Hub Pro Transport"</p>
                    {blocks}
                    <p>{SIGNATURE}</p>
                    <p style="color:#4b5366;font-size:13px">{AUTOMATIC_NOTICE}</p>
                </body>
            </html>
        }
        .to_html()
        // Hydration marks (`<!>`): nothing hydrates an email. Typed text never holds one: its `<`
        // is escaped.
        .replace("<!>", "")
    }
}

fn spans_text(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| match s {
            Span::Text(text) | Span::Strong(text) => text.clone(),
            Span::Link { label, href } => format!("{label}\u{a0}: {href}"),
        })
        .collect()
}

fn spans_view(spans: Vec<Span>) -> Vec<AnyView> {
    spans
        .into_iter()
        .map(|s| match s {
            Span::Text(text) => text.into_any(),
            Span::Strong(text) => view! { <strong>{text}</strong> }.into_any(),
            Span::Link { label, href } => view! { <a href=href>{label}</a> }.into_any(),
        })
        .collect()
}

fn block_view(block: Block) -> AnyView {
    match block {
        Block::Paragraph(spans) => view! { <p>{spans_view(spans)}</p> }.into_any(),
        Block::Button { label, href } => view! {
            <p><a href=href style="display:inline-block;background:#1f3f8f;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:bold">{label}</a></p>
        }
        .into_any(),
        Block::Bullets(items) => view! {
            <ul>{items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul>
        }
        .into_any(),
        Block::Numbered(items) => view! {
            <ol>{items.into_iter().map(|i| view! { <li>{spans_view(i)}</li> }).collect_view()}</ol>
        }
        .into_any(),
        // A sentence of its own in the HTML (in parentheses in the text).
        Block::Note(text) => {
            let mut chars = text.chars();
            let sentence = chars
                .next()
                .map(|first| format!("{}{}.", first.to_uppercase(), chars.as_str()))
                .unwrap_or_default();
            view! { <p style="color:#4b5366;font-size:13px">{sentence}</p> }.into_any()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EmailAddress;

    fn sample() -> OutgoingEmail {
        Message::new("Objet")
            .paragraph([t("Bonjour "), b("Dupont & Fils \"L'Étoile\""), t(",")])
            .button("Créer mon mot de passe", "http://x/l?jeton=abc&x=\"")
            .bullets(["<script>".to_owned()])
            .to(&EmailAddress::parse("a@example.fr").unwrap())
    }

    #[test]
    fn one_source_gives_the_text_and_the_escaped_html() {
        let mail = sample();
        assert!(mail
            .text
            .starts_with("Bonjour Dupont & Fils \"L'Étoile\",\n\n"));
        assert!(mail
            .text
            .contains("Créer mon mot de passe\u{a0}: http://x/l?jeton=abc&x=\"\n"));
        assert!(mail.text.contains("- <script>\n"));
        assert!(
            mail.html
                .contains("<strong>Dupont &amp; Fils \"L'Étoile\"</strong>"),
            "{}",
            mail.html
        );
        assert!(!mail.html.contains("<script>"), "{}", mail.html);
        assert!(mail.html.contains("jeton=abc&amp;x="), "{}", mail.html);
        assert!(mail
            .text
            .ends_with(&format!("{SIGNATURE}\n{AUTOMATIC_NOTICE}\n")));
    }
}
