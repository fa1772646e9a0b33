//! Home page: the two ways in.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Accueil"/>
        <section class="card hero">
            <h1>"Bienvenue sur Hub Pro Transport"</h1>
            <p class="lead">
                "La plateforme où les centres de formation agréés (FIMO, FCO, Passerelle — "
                "Voyageurs ou Marchandises) transmettent les informations de leurs stagiaires "
                "pour la délivrance des cartes de qualification conducteur."
            </p>
            <div class="actions">
                <A href=crate::routes::CREATE_ACCOUNT attr:class="button primary">"Créer un compte"</A>
                <A href=crate::routes::LOGIN attr:class="button secondary">"Se connecter"</A>
            </div>
            <p class="hint"><A href=crate::routes::FORGOT_PASSWORD>"Mot de passe oublié\u{202f}?"</A></p>
        </section>
        <section class="card">
            <h2>"Avant de commencer"</h2>
            <p>"Pour créer un compte, deux conditions doivent être réunies\u{a0}:"</p>
            <ul>
                <li>"disposer d'au moins un agrément\u{202f};"</li>
                <li>"avoir un numéro de SIRET actif dans la base INSEE."</li>
            </ul>
            <p>
                "Un seul compte est possible par numéro de SIRET\u{a0}: si votre centre dispose de "
                "plusieurs agréments, un unique compte suffit."
            </p>
            <p class="hint">
                "Une question\u{202f}? Contactez le service support\u{a0}: "
                <super::login::SupportContact/>
            </p>
        </section>
    }
}
