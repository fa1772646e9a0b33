//! « Se connecter » and « Mot de passe oublié ».

use super::forms::{FormError, PasswordInput};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

pub const BAD_CREDENTIALS: &str = "Adresse électronique ou mot de passe incorrect.";
pub const PENDING: &str = "Votre compte n'est pas encore activé\u{a0}: ouvrez le lien «\u{a0}Créer mon mot de passe\u{a0}» reçu par courriel, ou demandez un nouveau lien avec «\u{a0}Mot de passe oublié\u{a0}».";

#[server(prefix = "/api", endpoint = "connexion")]
pub async fn login(email: String, password: String) -> Result<(), FormError> {
    use crate::server::{auth, sessions, web};
    use axum::http::StatusCode;
    let state = expect_context::<crate::server::state::AppState>();
    let ip = web::client_ip().await;
    match auth::login(&state.store, &email, &password, &ip).await {
        Ok(account_id) => {
            // A new session id at every login; the previous one, if any, is ended.
            if let Some(old) = web::session_id(&state) {
                let _ = state.store.delete_session(&old).await;
            }
            let id = state.store.create_session(account_id).await.map_err(|e| {
                tracing::error!(error = %e, "session creation failed");
                FormError::new(super::signup::UNEXPECTED).keeping(&email)
            })?;
            web::set_cookie(&sessions::set_cookie(&id, web::https(&state)));
            leptos_axum::redirect("/espace");
            Ok(())
        }
        Err(auth::AuthError::InvalidCredentials) => {
            web::refuse(StatusCode::UNAUTHORIZED);
            Err(FormError::new(BAD_CREDENTIALS).keeping(&email))
        }
        Err(auth::AuthError::Pending) => {
            web::refuse(StatusCode::UNAUTHORIZED);
            Err(FormError::new(PENDING).keeping(&email))
        }
        Err(auth::AuthError::Throttled(s)) => {
            web::refuse(StatusCode::TOO_MANY_REQUESTS);
            Err(FormError::new(auth::retry_message(s)).keeping(&email))
        }
        Err(e) => {
            tracing::error!(error = %e, "login failed");
            Err(FormError::new(super::signup::UNEXPECTED).keeping(&email))
        }
    }
}

#[server(prefix = "/api", endpoint = "mot-de-passe-oublie")]
pub async fn request_reset(email: String) -> Result<(), FormError> {
    use crate::server::{auth, web};
    use axum::http::StatusCode;
    let state = expect_context::<crate::server::state::AppState>();
    let ip = web::client_ip().await;
    match auth::request_reset(
        &state.store,
        &state.settings.public_url,
        &state.settings.support_contact,
        &email,
        &ip,
    )
    .await
    {
        Ok(()) => {
            state.outbox_wake.notify_one();
            leptos_axum::redirect("/mot-de-passe-oublie?envoye=1");
            Ok(())
        }
        Err(auth::AuthError::InvalidEmail(m)) => {
            web::refuse(StatusCode::UNPROCESSABLE_ENTITY);
            Err(FormError::new(m).on("email").keeping(&email))
        }
        Err(auth::AuthError::Throttled(s)) => {
            web::refuse(StatusCode::TOO_MANY_REQUESTS);
            Err(FormError::new(auth::retry_message(s)).keeping(&email))
        }
        Err(e) => {
            tracing::error!(error = %e, "reset request failed");
            Err(FormError::new(super::signup::UNEXPECTED).keeping(&email))
        }
    }
}

/// The support contact to show when no email arrives.
#[server(prefix = "/api", endpoint = "support")]
pub async fn support_contact() -> Result<String, ServerFnError> {
    let state = expect_context::<crate::server::state::AppState>();
    Ok(state.settings.support_contact.clone())
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let kept = action
        .value()
        .get_untracked()
        .and_then(|r| r.err())
        .and_then(|e| e.kept)
        .unwrap_or_default();
    let error = move || {
        action
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.message)
    };
    let password = RwSignal::new(String::new());
    view! {
        <Title text="Connexion"/>
        <section class="card form-card">
            <h1>"Connectez-vous"</h1>
            <p class="subtitle">"ou " <A href="/creer-un-compte">"créez votre compte"</A></p>
            <ActionForm action=action>
                <div id="login-error" aria-live="assertive">
                    {move || error().map(|m| view! { <p class="notice error" role="alert">{m}</p> })}
                </div>
                <div class="field">
                    <label for="email">"Adresse électronique *"</label>
                    <input id="email" name="email" type="email" required autocomplete="username"
                        maxlength="254" value=kept aria-describedby="login-error"/>
                </div>
                <div class="field">
                    <PasswordInput id="password" label="Mot de passe *" autocomplete="current-password"
                        value=password describedby="login-error"/>
                </div>
                <button type="submit" class="button primary wide" disabled=move || action.pending().get()>
                    "Se connecter"
                </button>
            </ActionForm>
            <p><A href="/mot-de-passe-oublie">"Mot de passe oublié\u{202f}?"</A></p>
        </section>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let sent = move || query.read().get("envoye").is_some();
    let action = ServerAction::<RequestReset>::new();
    let kept = StoredValue::new(
        action
            .value()
            .get_untracked()
            .and_then(|r| r.err())
            .and_then(|e| e.kept)
            .unwrap_or_default(),
    );
    let error = move || action.value().get().and_then(|r| r.err());
    view! {
        <Title text="Mot de passe oublié"/>
        <section class="card form-card">
            <h1>"Mot de passe oublié"</h1>
            <Show when=sent fallback=move || view! {
                <p>"Renseignez l'adresse électronique fournie lors de la création de votre compte\u{a0}: vous recevrez un lien pour choisir un nouveau mot de passe."</p>
                <ActionForm action=action>
                    {move || error().filter(|e| e.field.is_none()).map(|e| view! { <p class="notice error" role="alert">{e.message}</p> })}
                    <div class="field">
                        <label for="email">"Adresse électronique *"</label>
                        <input id="email" name="email" type="email" required autocomplete="email"
                            maxlength="254" value=kept.get_value() aria-describedby="email-error"
                            aria-invalid=move || error().and_then(|e| e.field).map(|_| "true")/>
                        <p class="error" id="email-error" hidden=move || error().and_then(|e| e.field).is_none()>
                            {move || error().filter(|e| e.field.is_some()).map(|e| e.message)}
                        </p>
                    </div>
                    <button type="submit" class="button primary wide" disabled=move || action.pending().get()>
                        "Recevoir un lien"
                    </button>
                </ActionForm>
            }>
                <p class="notice ok" role="status">
                    "Si un compte existe pour cette adresse, un message contenant un lien pour choisir votre mot de passe vient de lui être envoyé. Le lien est valable une heure."
                </p>
                <p><A href="/connexion">"Revenir à la connexion"</A></p>
            </Show>
            <h2 class="small-title">"Aucun message reçu\u{202f}?"</h2>
            <p class="hint">
                "Vérifiez vos courriers indésirables, puis contactez le service support\u{a0}: "
                <SupportContact/>
            </p>
        </section>
    }
}

/// The configured support contact, in bold (where the guide sends users to support).
#[component]
pub fn SupportContact() -> impl IntoView {
    let support = Resource::new(
        || (),
        |_| async move { support_contact().await.unwrap_or_default() },
    );
    view! {
        <Suspense fallback=|| "…">{move || support.get().map(|s| view! { <strong>{s}</strong> })}</Suspense>
    }
}
