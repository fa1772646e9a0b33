//! « Se connecter » and « Mot de passe oublié ».

use super::forms::PasswordField;
use crate::domain::email::EMAIL_MAX;
use crate::domain::{Field, FormProblem};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

/// A refused login or reset request, keeping the address as typed (never the password).
pub type AddressProblem = FormProblem<String>;

#[server(prefix = "/api", endpoint = "connexion", output = super::codec::JsonOut)]
pub async fn login(email: String, password: String) -> Result<(), AddressProblem> {
    use crate::server::accounts::auth::{self, LoginOutcome};
    use crate::server::http::{cookies, web};
    let state = web::state();
    let (context, notices) = (web::LoginContext::of(&state).await, state.notices());
    let browser = context.browser();
    let outcome = auth::login(&state.store, &notices, &email, &password, &browser).await;
    match outcome.map_err(|e| web::refused(email, e))? {
        LoginOutcome::Done(done) => web::logged_in(&state, &done),
        LoginOutcome::SecondStep(step) => {
            web::set_cookie(&state, cookies::Kind::LoginStep, step.expose());
            leptos_axum::redirect(routes::LOGIN_CODE);
            return Ok(());
        }
    }
    leptos_axum::redirect(routes::SPACE);
    Ok(())
}

/// The login's second step: a code of the authenticator app, or a recovery code.
#[server(prefix = "/api", endpoint = "connexion-code", output = super::codec::JsonOut)]
pub async fn login_code(code: String) -> Result<(), super::forms::Refused> {
    use crate::server::accounts::auth::{self, AuthError};
    use crate::server::http::{cookies, web};
    let state = web::state();
    let step = web::login_step_or_refuse(&state)?;
    let context = web::LoginContext::of(&state).await;
    let (factors, browser) = (state.factors(), context.browser());
    let done = auth::second_step(&factors, &step, &code, &browser).await;
    if let Err(AuthError::LoginExpired) = done {
        web::clear_cookie(&state, cookies::Kind::LoginStep);
    }
    web::logged_in(&state, &done.map_err(|e| web::refused((), e))?);
    leptos_axum::redirect(routes::SPACE);
    Ok(())
}

/// « Double authentification », the login's second step: the code of the authenticator app or
/// a recovery code (two forms, one server function), or a passkey when the account has one (its
/// button is the page's only script).
#[component]
pub fn LoginCodePage() -> impl IntoView {
    use crate::domain::second_factor::CODE_MAX;
    let action = ServerAction::<LoginCode>::new();
    // A passkey is offered to an account that has one.
    let passkey = Resource::new(|| (), |_| super::passkeys::step_has_passkey());
    let error = super::forms::rendered_problem::<LoginCode, _>()
        .and_then(|p| Some((p.general_code()?, p.general_message()?)));
    view! {
        <Title text="Double authentification"/>
        <leptos_meta::Stylesheet href=super::second_factor::STYLESHEET/>
        <section class="card form-card">
            <h1>"Double authentification"</h1>
            <div id="code-error" aria-live="assertive">
                {error.map(|(code, m)| view! { <p class="notice error" role="alert" data-problem=code>{m}</p> })}
            </div>
            <ActionForm action=action>
                <div class="field">
                    <label for="code">"Code à 6 chiffres de votre application d'authentification *"</label>
                    <p class="hint" id="code-hint">"Ouvrez l'application (Google Authenticator, Microsoft Authenticator, FreeOTP…) et saisissez le code affiché pour Hub Pro Transport."</p>
                    <input id="code" name="code" type="text" required inputmode="numeric"
                        autocomplete="one-time-code" maxlength=CODE_MAX.to_string() spellcheck="false"
                        aria-describedby="code-hint code-error" class="code-input"/>
                </div>
                <button type="submit" class="button primary wide">"Valider"</button>
            </ActionForm>
            <Suspense fallback=|| ()>
                {move || passkey.get().and_then(Result::ok).unwrap_or(false).then(|| view! {
                    <super::passkeys::PasskeyButton purpose="code"
                        label="Utiliser plutôt une clé d'accès" id="passkey-code".to_owned()/>
                })}
            </Suspense>
            <h2 class="small-title">"Vous n'avez pas votre téléphone\u{202f}?"</h2>
            <ActionForm action=action>
                <div class="field">
                    <label for="recovery-code">"Code de secours *"</label>
                    <p class="hint" id="recovery-hint">"L'un des 10 codes de secours reçus en activant la double authentification (de la forme ABCDE-12345). Chacun ne sert qu'une fois."</p>
                    <input id="recovery-code" name="code" type="text" required
                        autocomplete="off" autocapitalize="characters" maxlength=CODE_MAX.to_string()
                        spellcheck="false" aria-describedby="recovery-hint code-error" class="code-input"/>
                </div>
                <button type="submit" class="button secondary wide">"Utiliser ce code de secours"</button>
            </ActionForm>
            <p class="hint">
                "Plus de téléphone ni de code de secours\u{202f}? Contactez le service support\u{a0}: "
                <SupportContact/>
            </p>
            <p><A href=routes::LOGIN>"Revenir à la connexion"</A></p>
        </section>
    }
}

#[server(prefix = "/api", endpoint = "mot-de-passe-oublie", output = super::codec::JsonOut)]
pub async fn request_reset(email: String) -> Result<(), AddressProblem> {
    use crate::server::{accounts::auth, http::web};
    let state = web::state();
    let ip = web::client_ip().await;
    match auth::request_reset(&state.store, &state.notices(), &email, &ip).await {
        Ok(()) => {
            state.outbox_wake.notify_one();
            leptos_axum::redirect(&routes::reset_sent());
            Ok(())
        }
        Err(e) => Err(web::refused(email, e)),
    }
}

/// The login form is plain HTML posting to the server function (a refusal comes back in the
/// page, the address kept, never the password); its eye toggle is a few lines of script, so the
/// page loads no WASM.
#[component]
pub fn LoginPage() -> impl IntoView {
    let problem = super::forms::rendered_problem::<Login, _>();
    let error = problem
        .as_ref()
        .and_then(|p| Some((p.general_code()?, p.general_message()?)));
    let kept = problem.map(|p| p.form).unwrap_or_default();
    let action = ServerAction::<Login>::new();
    view! {
        <Title text="Connexion"/>
        <section class="card form-card">
            <h1>"Connectez-vous"</h1>
            <p class="subtitle">"ou " <A href=routes::CREATE_ACCOUNT>"créez votre compte"</A></p>
            <ActionForm action=action>
                <div id="login-error" aria-live="assertive">
                    {error.map(|(code, m)| view! { <p class="notice error" role="alert" data-problem=code>{m}</p> })}
                </div>
                <div class="field">
                    <label for="email">"Adresse électronique *"</label>
                    <input id="email" name="email" type="email" required autocomplete="username"
                        maxlength=EMAIL_MAX.to_string() value=kept aria-describedby="login-error"/>
                </div>
                <div class="field">
                    <PasswordField id="password" label="Mot de passe *"
                        autocomplete="current-password" describedby="login-error"/>
                </div>
                <button type="submit" class="button primary wide">"Se connecter"</button>
            </ActionForm>
            <p><A href=routes::FORGOT_PASSWORD>"Mot de passe oublié\u{202f}?"</A></p>
            <p><A href=routes::LOST_ADDRESS>"Je n'ai plus accès à l'adresse du compte"</A></p>
            <super::passkeys::PasskeyButton purpose="connexion"
                label="Se connecter avec une clé d'accès" id="passkey-sign-in".to_owned()/>
        </section>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let sent = move || query.read().get(routes::query::SENT).is_some();
    let action = ServerAction::<RequestReset>::new();
    let refused = StoredValue::new(super::forms::rendered_problem::<RequestReset, _>());
    let kept = StoredValue::new(
        refused.with_value(|r| r.as_ref().map(|e| e.form.clone()).unwrap_or_default()),
    );
    let error = move || refused.get_value();
    view! {
        <Title text="Mot de passe oublié"/>
        <section class="card form-card">
            <h1>"Mot de passe oublié"</h1>
            <Show when=sent fallback=move || view! {
                <p>"Renseignez l'adresse électronique fournie lors de la création de votre compte\u{a0}: vous recevrez un lien pour choisir un nouveau mot de passe."</p>
                <ActionForm action=action>
                    {move || error().and_then(|e| e.general_message()).map(|m| view! { <p class="notice error" role="alert">{m}</p> })}
                    <div class="field">
                        <label for="email">"Adresse électronique *"</label>
                        <input id="email" name="email" type="email" required autocomplete="email"
                            maxlength=EMAIL_MAX.to_string() value=kept.get_value() aria-describedby="email-error"
                            aria-invalid=move || error().and_then(|e| e.message(Field::Email)).map(|_| "true")/>
                        <p class="error" id="email-error" hidden=move || error().and_then(|e| e.message(Field::Email)).is_none()>
                            {move || error().and_then(|e| e.message(Field::Email))}
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
                <p><A href=routes::LOGIN>"Revenir à la connexion"</A></p>
            </Show>
            <p><A href=routes::LOST_ADDRESS>"Je n'ai plus accès à l'adresse du compte"</A></p>
            <h2 class="small-title">"Aucun message reçu\u{202f}?"</h2>
            <p class="hint">
                "Vérifiez vos courriers indésirables, puis contactez le service support\u{a0}: "
                <SupportContact/>
            </p>
        </section>
    }
}

/// The configured support contact, in bold (where the guide sends users to support). Pages are
/// rendered on the server only (islands aside): it is read from the settings there.
#[component]
pub fn SupportContact() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let support = use_context::<crate::server::http::state::AppState>()
        .map(|state| state.settings.support_contact.clone())
        .unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let support = String::new();
    view! { <strong>{support}</strong> }
}
