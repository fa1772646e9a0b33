//! Page frame: skip link, header with the product name, main landmark, footer.

use super::texts;
use leptos::prelude::*;

#[component]
pub fn Frame(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#contenu">{texts::SKIP_LINK}</a>
        <header class="site-header">
            // A plain link: the frame is drawn outside the router too (`standalone`).
            <a href="/" class="brand">
                <span class="brand-mark" aria-hidden="true">"HPT"</span>
                <span class="brand-name">"Hub Pro Transport"</span>
            </a>
        </header>
        <main id="contenu" tabindex="-1">{children()}</main>
        <footer class="site-footer">
            <p>{texts::FOOTER}</p>
            // Plain links: the frame is drawn outside the router too.
            <nav aria-label="Informations légales">
                <ul class="footer-links">
                    <li><a href=crate::routes::ACCESSIBILITY>{texts::ACCESSIBILITY_LINK}</a></li>
                    <li><a href=crate::routes::PERSONAL_DATA>"Données personnelles"</a></li>
                    <li><a href=crate::routes::LEGAL_NOTICE>"Mentions légales"</a></li>
                </ul>
            </nav>
        </footer>
    }
}
