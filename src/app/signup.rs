//! Signup form « Créez votre compte » (seed: « Création du compte administrateur »).

use crate::domain::siret::{caret_after_grouping, group_digits};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

#[component]
pub fn SignupPage() -> impl IntoView {
    let query = use_query_map();
    let initial_siret = query
        .read_untracked()
        .get("siret")
        .map(|s| group_digits(&s))
        .unwrap_or_default();
    let (siret, set_siret) = signal(initial_siret);
    view! {
        <Title text="Créez votre compte"/>
        <section class="card form-card">
            <h1>"Créez votre compte"</h1>
            <p class="subtitle">"ou " <A href="/connexion">"connectez-vous"</A></p>
            <p class="banner">"CQC - Centre de Formation Agréé"</p>
            <form method="post" novalidate>
                <div class="field">
                    <label for="siret">"Numéro de SIRET *"</label>
                    <input id="siret" name="siret" type="text" inputmode="numeric"
                        autocomplete="off" maxlength="40" required
                        prop:value=siret
                        on:input=move |ev| {
                            let input: leptos::web_sys::HtmlInputElement = event_target(&ev);
                            let raw = input.value();
                            let caret = input
                                .selection_start()
                                .ok()
                                .flatten()
                                .map(|c| c as usize)
                                .unwrap_or(raw.len());
                            let grouped = group_digits(&raw);
                            let caret = caret_after_grouping(&raw, caret) as u32;
                            input.set_value(&grouped);
                            let _ = input.set_selection_range(caret, caret);
                            set_siret.set(grouped);
                        }
                    />
                </div>
            </form>
        </section>
    }
}
