//! Pages the server draws outside the router, in the pages' frame and with their stylesheet: the
//! « service indisponible » page (no database, no session: the app cannot render it) and the dev
//! mailbox. Rendered by Leptos like every page, so every value is escaped by construction.

use super::layout::Frame;
use leptos::prelude::*;

/// A whole page: `title`, the stylesheet at `stylesheet_href`, `content` in the frame.
fn page(title: &str, stylesheet_href: &str, content: impl IntoView + 'static) -> String {
    let title = format!("{title} · Hub Pro Transport");
    let href = stylesheet_href.to_owned();
    Owner::new().with(move || {
        view! {
            <!DOCTYPE html>
            <html lang="fr">
                <head>
                    <meta charset="utf-8"/>
                    <meta name="viewport" content="width=device-width, initial-scale=1"/>
                    <title>{title}</title>
                    <link rel="stylesheet" href=href/>
                    // Without it, browsers ask for /favicon.ico, which does not exist.
                    <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                </head>
                <body data-hydrated="true">
                    <Frame>{content}</Frame>
                </body>
            </html>
        }
        .to_html()
        // Hydration marks (`<!>`): nothing hydrates here. Text never holds one: its `<` is
        // escaped.
        .replace("<!>", "")
    })
}

/// What pages answer while the database is down.
pub fn unavailable(stylesheet_href: &str) -> String {
    page(
        "Service momentanément indisponible",
        stylesheet_href,
        view! {
            <section class="card">
                <h1>"Service momentanément indisponible"</h1>
                <p>
                    "Hub Pro Transport ne peut pas accéder à ses données pour le moment. "
                    "Aucune information n'a été perdue."
                </p>
                <p>"Réessayez dans quelques instants."</p>
                <p><a class="button primary" href="">"Réessayer"</a></p>
            </section>
        },
    )
}

/// One email in the dev mailbox's list.
pub struct MailboxEntry {
    pub href: String,
    pub subject: String,
    pub to: String,
    pub sent: bool,
}

/// The dev mailbox: the emails the app sent, newest first.
pub fn dev_mailbox(stylesheet_href: &str, entries: Vec<MailboxEntry>) -> String {
    let list = if entries.is_empty() {
        view! { <p>"Aucun message pour l'instant."</p> }.into_any()
    } else {
        view! {
            <ul class="mailbox">
                {entries.into_iter().map(|e| view! {
                    <li>
                        <a href=e.href>{e.subject}</a><br/>
                        <span class="hint">
                            {format!("à {} — {}", e.to, if e.sent { "distribué" } else { "en attente" })}
                        </span>
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    page(
        "Boîte de réception de développement",
        stylesheet_href,
        view! {
            <section class="card">
                <h1>"Boîte de réception de développement"</h1>
                <p class="hint">
                    "Aucun serveur SMTP n'est configuré\u{a0}: les messages envoyés par l'application "
                    "sont conservés ici (100 derniers). Configurez HUBPRO_SMTP_URL pour les envoyer réellement."
                </p>
                {list}
                <p><a href="/">"Revenir à l'accueil"</a></p>
            </section>
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unavailable_page_is_framed_and_links_the_stylesheet_it_is_given() {
        let html = unavailable("/pkg/hubpro.0aZ-9.css");
        assert!(
            html.contains(r#"<link rel="stylesheet" href="/pkg/hubpro.0aZ-9.css">"#),
            "{html}"
        );
        assert!(
            html.contains("class=\"site-header\""),
            "the pages' frame: {html}"
        );
        assert!(html.contains("Service momentanément indisponible"));
    }

    #[test]
    fn the_mailbox_escapes_what_emails_hold() {
        let html = dev_mailbox(
            "/pkg/hubpro.css",
            vec![MailboxEntry {
                href: "/dev/boite-mail/1".into(),
                subject: "<b>objet</b>".into(),
                to: "a@example.fr".into(),
                sent: true,
            }],
        );
        assert!(html.contains("&lt;b&gt;objet&lt;/b&gt;"), "{html}");
        assert!(html.contains("distribué"));
    }
}
