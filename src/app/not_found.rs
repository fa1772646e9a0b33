//! The page for unknown addresses, served with status 404.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <Title text="Page introuvable"/>
        <section class="card">
            <h1>"Page introuvable"</h1>
            <p>"L'adresse demandée n'existe pas ou a été déplacée."</p>
            <p><A href="/" attr:class="button primary">"Revenir à l'accueil"</A></p>
        </section>
    }
}
