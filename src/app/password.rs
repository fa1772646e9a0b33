//! Password creation (seed: « Personnalisation du mot de passe »): the emailed link, « Cliquer
//! ici pour continuer », the password form, the confirmation.

use super::forms::{hydrated, FormError, PasswordInput};
use crate::domain::password::unmet_rules;
use crate::domain::{policy_refusal, PasswordContext, PasswordRule, Strength, UserMessage};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

/// The cookie that carries an open password flow between « continuer » and « Valider ».
#[cfg(feature = "ssr")]
const FLOW_COOKIE: &str = "hubpro_flow";

#[cfg(feature = "ssr")]
fn flow_cookie(value: &str, max_age: i64, https: bool) -> String {
    format!(
        "{FLOW_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if https { "; Secure" } else { "" }
    )
}

/// Whether an emailed link is still usable (a GET never uses it: mail scanners open links).
#[server(prefix = "/api", endpoint = "lien-valide")]
pub async fn link_is_valid(token: String) -> Result<bool, ServerFnError> {
    use crate::server::tokens;
    let state = expect_context::<crate::server::state::AppState>();
    let valid = state
        .store
        .peek_token(&token, &[tokens::PASSWORD_SETUP, tokens::PASSWORD_RESET])
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "link check failed");
            ServerFnError::new(super::signup::UNEXPECTED)
        })?;
    Ok(valid.is_some())
}

/// « Cliquer ici pour continuer »: uses the link and opens the password form.
#[server(prefix = "/api", endpoint = "continuer")]
pub async fn open_flow(token: String) -> Result<(), FormError> {
    use crate::server::{auth, tokens, web};
    let state = expect_context::<crate::server::state::AppState>();
    let ip = web::client_ip().await;
    match auth::open_password_flow(&state.store, &token, &ip).await {
        Ok(flow) => {
            web::set_cookie(&flow_cookie(
                &flow,
                tokens::PASSWORD_FLOW_TTL_SECONDS,
                web::https(&state),
            ));
            leptos_axum::redirect("/mot-de-passe/nouveau");
            Ok(())
        }
        Err(auth::AuthError::LinkInvalid) => {
            web::refuse(axum::http::StatusCode::UNPROCESSABLE_ENTITY);
            Err(FormError::new(LINK_INVALID))
        }
        Err(e) => {
            tracing::error!(error = %e, "opening a password flow failed");
            Err(FormError::new(super::signup::UNEXPECTED))
        }
    }
}

/// The account's values the password rules use (its first name greets), when the flow is open:
/// the page applies the server's rules live with them.
#[server(prefix = "/api", endpoint = "flux-mot-de-passe")]
pub async fn flow_status() -> Result<Option<PasswordContext>, ServerFnError> {
    use crate::server::{auth, web};
    let state = expect_context::<crate::server::state::AppState>();
    let Some(flow) = web::cookie(FLOW_COOKIE) else {
        return Ok(None);
    };
    Ok(auth::flow_account(&state.store, &flow)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "flow lookup failed");
            ServerFnError::new(super::signup::UNEXPECTED)
        })?
        .map(|a| auth::password_context(&a)))
}

/// « Valider »: the server re-checks every rule.
#[server(prefix = "/api", endpoint = "valider-mot-de-passe")]
pub async fn set_password(password: String, confirmation: String) -> Result<(), FormError> {
    use crate::server::{auth, web};
    let state = expect_context::<crate::server::state::AppState>();
    let Some(flow) = web::cookie(FLOW_COOKIE) else {
        web::refuse(axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        return Err(FormError::new(LINK_INVALID));
    };
    match auth::set_password(
        &state.store,
        &state.settings.public_url,
        &state.settings.support_contact,
        &flow,
        &password,
        &confirmation,
        &web::client_ip().await,
    )
    .await
    {
        Ok(()) => {
            state.outbox_wake.notify_one();
            web::set_cookie(&flow_cookie("", 0, web::https(&state)));
            leptos_axum::redirect("/mot-de-passe/enregistre");
            Ok(())
        }
        Err(auth::AuthError::LinkInvalid) => {
            web::refuse(axum::http::StatusCode::UNPROCESSABLE_ENTITY);
            Err(FormError::new(LINK_INVALID))
        }
        Err(auth::AuthError::PasswordRefused(message)) => {
            web::refuse(axum::http::StatusCode::UNPROCESSABLE_ENTITY);
            let field = if message == auth::PASSWORDS_DIFFER {
                "confirmation"
            } else {
                "password"
            };
            Err(FormError::new(message).on(field))
        }
        Err(e) => {
            tracing::error!(error = %e, "setting a password failed");
            Err(FormError::new(super::signup::UNEXPECTED))
        }
    }
}

pub const LINK_INVALID: &str =
    "Ce lien n'est plus valable\u{a0}: il a déjà servi ou il a expiré. Demandez un nouveau lien avec «\u{a0}Mot de passe oublié\u{a0}».";

#[component]
fn LinkInvalid() -> impl IntoView {
    view! {
        <h1>"Lien expiré ou déjà utilisé"</h1>
        <p>{LINK_INVALID}</p>
        <p><A href="/mot-de-passe-oublie" attr:class="button primary">"Recevoir un nouveau lien"</A></p>
    }
}

/// The page the email's « Créer mon mot de passe » opens.
#[component]
pub fn PasswordLinkPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("jeton").unwrap_or_default();
    let valid = Resource::new(
        token,
        |t| async move { link_is_valid(t).await.unwrap_or(false) },
    );
    let open = ServerAction::<OpenFlow>::new();
    let error = move || open.value().get().and_then(|r| r.err());
    view! {
        <Title text="Créer mon mot de passe"/>
        <section class="card">
            <Suspense fallback=|| view! { <p>"Vérification du lien…"</p> }>
                {move || valid.get().map(|ok| if ok {
                    view! {
                        <h1>"Créer mon mot de passe"</h1>
                        <p>"Cette étape est indispensable pour accéder à votre espace."</p>
                        {move || error().map(|e| view! { <p class="notice error" role="alert">{e.message}</p> })}
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
    let save = ServerAction::<SetPassword>::new();
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let ready = hydrated();
    let error = move || save.value().get().and_then(|r| r.err());
    let error_on = move |field: &'static str| {
        error()
            .filter(|e| e.field.as_deref() == Some(field))
            .map(|e| e.message)
    };
    let general = move || error().filter(|e| e.field.is_none()).map(|e| e.message);
    let context = move || status.get().flatten().unwrap_or_default();
    let rules_met = move || unmet_rules(&password.get()).is_empty();
    // The server's other rules, on the same shared code: shown once the four are met.
    let refusal = move || {
        rules_met()
            .then(|| policy_refusal(&password.get(), &context()))
            .flatten()
    };
    let same = move || !confirmation.get().is_empty() && password.get() == confirmation.get();
    let can_submit = move || rules_met() && refusal().is_none() && same();
    view! {
        <Title text="Nouveau mot de passe"/>
        <section class="card form-card">
            <Suspense fallback=|| view! { <p>"Chargement…"</p> }>
                {move || status.get().map(|flow| match flow {
                    None => view! { <LinkInvalid/> }.into_any(),
                    Some(PasswordContext { first_name: name, .. }) => view! {
                        <h1>"Personnalisez votre mot de passe"</h1>
                        <p>{format!("Bonjour {name}, choisissez le mot de passe de votre compte.")}</p>
                        {move || general().map(|m| view! { <p class="notice error" role="alert">{m}</p> })}
                        <ActionForm action=save>
                            <div class="field">
                                <PasswordInput id="password" label="Nouveau mot de passe *"
                                    autocomplete="new-password" value=password
                                    describedby="password-rules password-policy password-error"
                                    invalid=Signal::derive(move || error_on("password").is_some() || refusal().is_some())/>
                                <ul class="rules" id="password-rules" aria-label="Règles du mot de passe">
                                    {PasswordRule::ALL.into_iter().map(|rule| {
                                        let met = move || rule.is_met_by(&password.get());
                                        view! {
                                            <li class:met=met>
                                                <span aria-hidden="true">{move || if met() { "✓ " } else { "○ " }}</span>
                                                {rule.user_message()}
                                                <span class="visually-hidden">{move || if met() { "\u{a0}: respecté" } else { "\u{a0}: non respecté" }}</span>
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
                                <p class="error" id="password-error" hidden=move || error_on("password").is_none()>
                                    {move || error_on("password")}
                                </p>
                            </div>
                            <div class="field">
                                <PasswordInput id="confirmation" label="Confirmer le mot de passe *"
                                    autocomplete="new-password" value=confirmation
                                    describedby="confirmation-status"
                                    invalid=Signal::derive(move || (!confirmation.get().is_empty() && !same()) || error_on("confirmation").is_some())/>
                                <div id="confirmation-status" aria-live="polite">
                                    {move || {
                                        if confirmation.get().is_empty() {
                                            error_on("confirmation").map(|m| view! { <p class="error">{m}</p> }.into_any())
                                        } else if same() {
                                            Some(view! { <p class="ok">"✓ Les deux mots de passe sont identiques."</p> }.into_any())
                                        } else {
                                            Some(view! { <p class="error">"Les deux mots de passe ne sont pas identiques."</p> }.into_any())
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
                        </ActionForm>
                    }.into_any(),
                })}
            </Suspense>
        </section>
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
            <p><A href="/connexion" attr:class="button primary">"Revenir à l'application"</A></p>
        </section>
    }
}
