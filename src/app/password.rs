//! Password creation (seed: « Personnalisation du mot de passe »): the emailed link, « Cliquer
//! ici pour continuer », the password form, the confirmation.

use super::forms::{hydrated, PasswordInput, Refused};
use crate::domain::password::unmet_rules;
use crate::domain::{
    policy_refusal, Field, PasswordContext, PasswordRule, Problem, Strength, UserMessage,
};
use crate::routes;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

/// Whether an emailed link is still usable (a GET never uses it: mail scanners open links).
#[server(prefix = "/api", endpoint = "lien-valide", output = super::codec::JsonOut)]
pub async fn link_is_valid(token: String) -> Result<bool, Refused> {
    use crate::server::{accounts::auth, http::web, store::LinkToken};
    let state = web::state();
    let Some(token) = LinkToken::parse(&token) else {
        return Ok(false);
    };
    let valid = auth::emailed_link_is_valid(&state.store, &token).await;
    valid.map_err(|e| web::refused((), e))
}

/// « Cliquer ici pour continuer »: opens the password form (the link stays valid until a
/// password is saved).
#[server(prefix = "/api", endpoint = "continuer", output = super::codec::JsonOut)]
pub async fn open_flow(token: String) -> Result<(), Refused> {
    use crate::server::{accounts::auth, http::cookies, http::web};
    let state = web::state();
    let ip = web::client_ip().await;
    match auth::open_password_flow(&state.store, &token, &ip).await {
        Ok(flow) => web::set_cookie(&state, cookies::Kind::PasswordFlow, flow.expose()),
        Err(e) => {
            let path = <OpenFlow as ServerFn>::PATH;
            return Err(web::refused_back_to(
                (),
                e,
                path,
                routes::PASSWORD_LINK,
                &token,
            ));
        }
    }
    leptos_axum::redirect(routes::NEW_PASSWORD);
    Ok(())
}

/// The account's values the password rules use (its first name greets), when the flow is open:
/// the page applies the server's rules live with them.
#[server(prefix = "/api", endpoint = "flux-mot-de-passe", output = super::codec::JsonOut)]
pub async fn flow_status() -> Result<Option<PasswordContext>, Refused> {
    use crate::server::{accounts::auth, http::web};
    let state = web::state();
    let Some(flow) = web::password_flow(&state) else {
        return Ok(None);
    };
    let owner = auth::flow_owner(&state.store, &flow).await;
    let owner = owner.map_err(|e| web::refused((), e))?;
    Ok(owner.map(|o| o.password_context()))
}

/// « Valider »: the server re-checks every rule.
#[server(prefix = "/api", endpoint = "valider-mot-de-passe", output = super::codec::JsonOut)]
pub async fn set_password(password: String, confirmation: String) -> Result<(), Refused> {
    use crate::server::accounts::auth::{self, AuthError};
    use crate::server::{http::cookies, http::web};
    let state = web::state();
    let flow =
        web::password_flow(&state).ok_or_else(|| web::refused((), AuthError::LinkInvalid))?;
    let (ip, notices) = (web::client_ip().await, state.notices());
    let saved = auth::set_password(&state.store, &notices, &flow, &password, &confirmation, &ip);
    saved.await.map_err(|e| web::refused((), e))?;
    state.outbox_wake.notify_one();
    web::clear_cookie(&state, cookies::Kind::PasswordFlow);
    leptos_axum::redirect(routes::PASSWORD_SAVED);
    Ok(())
}

#[component]
fn LinkInvalid() -> impl IntoView {
    view! {
        <h1>"Lien expiré ou déjà utilisé"</h1>
        <p data-problem=Problem::LinkInvalid.code()>{Problem::LinkInvalid.user_message()}</p>
        <p><A href=routes::FORGOT_PASSWORD attr:class="button primary">"Recevoir un nouveau lien"</A></p>
    }
}

/// The page the email's « Créer mon mot de passe » opens.
#[component]
pub fn PasswordLinkPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get(routes::query::TOKEN).unwrap_or_default();
    let valid = Resource::new(
        token,
        |t| async move { link_is_valid(t).await.unwrap_or(false) },
    );
    let open = ServerAction::<OpenFlow>::new();
    let refused = StoredValue::new(super::forms::rendered_problem::<OpenFlow, _>());
    let error = move || refused.get_value();
    view! {
        <Title text="Créer mon mot de passe"/>
        <section class="card">
            <Suspense fallback=|| view! { <p>"Vérification du lien…"</p> }>
                {move || valid.get().map(|ok| if ok {
                    view! {
                        <h1>"Créer mon mot de passe"</h1>
                        <p>"Cette étape est indispensable pour accéder à votre espace."</p>
                        {move || error().and_then(|e| e.general_message()).map(|m| view! { <p class="notice error" role="alert">{m}</p> })}
                        <ActionForm action=open>
                            <input type="hidden" name="token" value=token/>
                            <button type="submit" class="button primary">"Cliquer ici pour continuer"</button>
                        </ActionForm>
                        <p class="hint">
                            "Un problème\u{202f}? Contactez le service support\u{a0}: "
                            <super::login::SupportContact/>
                        </p>
                    }.into_any()
                } else {
                    view! { <LinkInvalid/> }.into_any()
                })}
            </Suspense>
        </section>
    }
}

/// « Nouveau mot de passe » / « Confirmer le mot de passe » / « Valider ».
#[component]
pub fn NewPasswordPage() -> impl IntoView {
    let status = Resource::new(|| (), |_| async move { flow_status().await.ok().flatten() });
    let problem = super::forms::rendered_problem::<SetPassword, _>();
    view! {
        <Title text="Nouveau mot de passe"/>
        <section class="card form-card">
            <Suspense fallback=|| view! { <p>"Chargement…"</p> }>
                {move || status.get().map(|flow| match flow {
                    None => view! { <LinkInvalid/> }.into_any(),
                    Some(context) => view! {
                        <h1>"Personnalisez votre mot de passe"</h1>
                        <p>{format!("Bonjour {}, choisissez le mot de passe de votre compte.", context.first_name)}</p>
                        <NewPasswordForm context problem=problem.clone()/>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

/// The password form (an island): the rules checked as typed, the strength, the eye toggles, the
/// two entries compared; « Valider » enabled exactly when the server would accept.
#[cfg_attr(island_password, island)]
#[cfg_attr(not(island_password), component)]
fn NewPasswordForm(context: PasswordContext, problem: Option<Refused>) -> impl IntoView {
    let save = super::forms::submission::<SetPassword>();
    let error = super::forms::shown_problem(save, problem);
    let context = StoredValue::new(context);
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let ready = hydrated();
    let error_on = move |field: Field| error.get().and_then(|e| e.message(field));
    let general = move || error.get().and_then(|e| e.general_message());
    let rules_met = move || unmet_rules(&password.get()).is_empty();
    // The server's other rules, on the same shared code: shown once the four are met.
    let refusal = move || {
        rules_met()
            .then(|| context.with_value(|c| policy_refusal(&password.get(), c)))
            .flatten()
    };
    let same = move || !confirmation.get().is_empty() && password.get() == confirmation.get();
    let can_submit = move || rules_met() && refusal().is_none() && same();
    view! {
        {move || general().map(|m| view! { <p class="notice error" role="alert">{m}</p> })}
        <form action=SetPassword::url() method="post"
            on:submit=super::forms::on_submit(save, |f| SetPassword {
                password: f.text("password"),
                confirmation: f.text("confirmation"),
            })
        >
            <div class="field">
                <PasswordInput id="password" label="Nouveau mot de passe *"
                    autocomplete="new-password" value=password
                    describedby="password-rules password-policy password-error"
                    invalid=Signal::derive(move || error_on(Field::Password).is_some() || refusal().is_some())/>
                <ul class="rules" id="password-rules" aria-label="Règles du mot de passe">
                    {PasswordRule::ALL.into_iter().map(|rule| {
                        let met = move || rule.is_met_by(&password.get());
                        view! {
                            <li class:met=met>
                                <span aria-hidden="true">{move || if met() { "✓ " } else { "○ " }}</span>
                                {rule.user_message()}
                                <span class="visually-hidden">{move || format!("\u{a0}: {}", rule.state_message(met()))}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <p class="strength" hidden=move || password.get().is_empty() || refusal().is_some()>
                    "Robustesse\u{a0}: "
                    <strong>{move || Strength::estimate(&password.get()).user_message()}</strong>
                    <meter min="0" max="4" value=move || Strength::estimate(&password.get()) as u8 aria-hidden="true"></meter>
                </p>
                <p class="error" id="password-policy" aria-live="polite" hidden=move || refusal().is_none()>
                    {move || refusal().map(|r| r.user_message())}
                </p>
                <p class="error" id="password-error" hidden=move || error_on(Field::Password).is_none()>
                    {move || error_on(Field::Password)}
                </p>
            </div>
            <div class="field">
                <PasswordInput id="confirmation" label="Confirmer le mot de passe *"
                    autocomplete="new-password" value=confirmation
                    describedby="confirmation-status"
                    invalid=Signal::derive(move || (!confirmation.get().is_empty() && !same()) || error_on(Field::Confirmation).is_some())/>
                <div id="confirmation-status" aria-live="polite">
                    {move || {
                        if confirmation.get().is_empty() {
                            error_on(Field::Confirmation).map(|m| view! { <p class="error">{m}</p> }.into_any())
                        } else if same() {
                            Some(view! { <p class="ok">"✓ Les deux mots de passe sont identiques."</p> }.into_any())
                        } else {
                            Some(view! { <p class="error">{Problem::PasswordsDiffer.user_message()}</p> }.into_any())
                        }
                    }}
                </div>
            </div>
            <button type="submit" class="button primary wide"
                disabled=move || save.pending().get() || (ready.get() && !can_submit())>
                "Valider"
            </button>
            <p class="hint" hidden=move || !ready.get() || can_submit()>
                "«\u{a0}Valider\u{a0}» s'active quand le mot de passe respecte les règles et que les deux saisies sont identiques."
            </p>
        </form>
    }
}

/// Step 4: the password is saved.
#[component]
pub fn PasswordSavedPage() -> impl IntoView {
    view! {
        <Title text="Mot de passe enregistré"/>
        <section class="card">
            <h1>"Votre mot de passe a bien été enregistré."</h1>
            <p>
                "Votre compte est créé. Vous pouvez désormais vous connecter avec votre identifiant "
                "(l'adresse électronique renseignée lors de la création du compte) et ce mot de passe."
            </p>
            <p><A href=routes::LOGIN attr:class="button primary">"Revenir à l'application"</A></p>
        </section>
    }
}
