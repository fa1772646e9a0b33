//! Profile choice before signup.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <Title text="Créer un compte"/>
        <section class="card">
            <h1>"Créer un compte"</h1>
            <p>"Choisissez votre profil\u{a0}:"</p>
            <ul class="profiles">
                <li>
                    <A href=crate::routes::SIGNUP attr:class="profile-choice">
                        <span class="profile-title">"Centre de formation agréé"</span>
                        <span class="profile-detail">
                            "Vous disposez d'un agrément FIMO, FCO ou Passerelle (Voyageurs ou "
                            "Marchandises) et souhaitez créer le compte administrateur de votre centre."
                        </span>
                    </A>
                </li>
            </ul>
            <p class="muted">"Vous avez déjà un compte\u{202f}? " <A href=crate::routes::LOGIN>"Connectez-vous"</A></p>
        </section>
    }
}
