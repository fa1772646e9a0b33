//! « Ce n'est pas nous »: the page the centre's official address opens from its notice. A GET only
//! shows it (mail scanners open links); the button suspends the account.

use super::forms::Refused;
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

/// Whether a « Ce n'est pas nous » link is still usable (without using it).
#[server(prefix = "/api", endpoint = "lien-pas-nous", output = super::codec::JsonOut)]
pub async fn not_us_link_is_valid(token: String) -> Result<bool, Refused> {
    use crate::server::{accounts::ownership, http::web, store::LinkToken};
    let state = web::state();
    let Some(token) = LinkToken::parse(&token) else {
        return Ok(false);
    };
    ownership::not_us_link_is_valid(&state.store, &token)
        .await
        .map_err(|e| web::refused((), e))
}

/// « Suspendre ce compte »: suspends the account at once.
#[server(prefix = "/api", endpoint = "ce-n-est-pas-nous", output = super::codec::JsonOut)]
pub async fn confirm_not_us(token: String) -> Result<(), Refused> {
    use crate::server::{accounts::ownership, http::web};
    let state = web::state();
    let ip = web::client_ip().await;
    let support = &state.settings.support_contact;
    if let Err(e) = ownership::suspend(&state.store, &token, &ip, support).await {
        let path = <ConfirmNotUs as leptos::server_fn::ServerFn>::PATH;
        return Err(web::refused_back_to((), e, path, routes::NOT_US, &token));
    }
    state.outbox_wake.notify_one();
    leptos_axum::redirect(&format!("{}?{}=1", routes::NOT_US, routes::query::DONE));
    Ok(())
}

#[component]
pub fn NotUsPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get(routes::query::TOKEN).unwrap_or_default();
    let done = move || query.read().get(routes::query::DONE).is_some();
    let valid = Resource::new(token, |t| async move {
        not_us_link_is_valid(t).await.unwrap_or(false)
    });
    let confirm = ServerAction::<ConfirmNotUs>::new();
    let refused = StoredValue::new(super::forms::rendered_problem::<ConfirmNotUs, _>());
    let error = move || refused.with_value(|r| r.as_ref().and_then(|p| p.general_message()));
    view! {
        <Title text="Cette demande ne vient pas de votre centre\u{202f}?"/>
        <section class="card">
            <Show when=move || !done() fallback=|| view! {
                <h1>"Le compte a été suspendu."</h1>
                <p role="status">
                    "Ses sessions et ses liens ne fonctionnent plus, et le SIRET est de nouveau libre\u{a0}: "
                    "votre centre peut créer son propre compte administrateur. Pendant 30\u{a0}jours, seule "
                    "votre adresse (celle des agréments du centre) peut le faire."
                </p>
                <p><A href=routes::SIGNUP attr:class="button primary">"Créer le compte de votre centre"</A></p>
                <p class="hint">"Une question\u{202f}? Contactez le service support\u{a0}: " <super::login::SupportContact/></p>
            }>
                <Suspense fallback=|| view! { <p>"Vérification du lien…"</p> }>
                    {move || valid.get().map(|ok| if ok {
                        view! {
                            <h1>"Cette demande ne vient pas de votre centre\u{202f}?"</h1>
                            <p>
                                "Un compte administrateur a été demandé pour le SIRET de votre centre avec une autre adresse "
                                "que la vôtre. Si cette demande ne vient pas de votre centre, suspendez ce compte\u{a0}: "
                                "il ne pourra plus se connecter et le SIRET redeviendra libre."
                            </p>
                            {move || error().map(|m| view! { <p class="notice error" role="alert">{m}</p> })}
                            <ActionForm action=confirm>
                                <input type="hidden" name="token" value=token/>
                                <button type="submit" class="button primary">"Suspendre ce compte"</button>
                            </ActionForm>
                            <p class="hint">"Si la demande vient bien de votre centre, fermez simplement cette page."</p>
                        }.into_any()
                    } else {
                        view! {
                            <h1>"Lien expiré ou déjà utilisé"</h1>
                            <p data-problem=crate::domain::Problem::LinkInvalid.code()>"Ce lien n'est plus valable\u{a0}: il a déjà servi, ou ses 30\u{a0}jours sont passés."</p>
                            <p class="hint">"Contactez le service support\u{a0}: " <super::login::SupportContact/></p>
                        }.into_any()
                    })}
                </Suspense>
            </Show>
        </section>
    }
}
