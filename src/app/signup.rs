//! Signup form « Créez votre compte » (seed: « Création du compte administrateur »), its server
//! functions, and the confirmation page.

use super::forms::FieldError;
use crate::domain::signup::email_confirmation_error;
use crate::domain::siret::{digit_count, group_digits};
use crate::domain::{
    ApprovalSummary, EstablishmentSummary, FieldErrors, Refusal, SignupField, SignupForm, Siret,
    UserMessage,
};
use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};
use serde::{Deserialize, Serialize};

/// Shown when the server could not finish for a reason the user cannot fix.
pub const UNEXPECTED: &str =
    "Une erreur inattendue est survenue. Vos informations sont conservées\u{a0}: réessayez dans un instant.";
/// Shown when INSEE cannot be reached, is slow or answers garbage.
pub const INSEE_UNAVAILABLE: &str =
    "Le service INSEE est momentanément indisponible\u{a0}: réessayez dans quelques instants. Vos informations sont conservées.";

/// The answer to the live SIRET check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SiretCheck {
    Eligible {
        establishment: EstablishmentSummary,
        approvals: Vec<ApprovalSummary>,
    },
    Refused {
        reason: Refusal,
        message: String,
    },
    Invalid(String),
    Unavailable(String),
}

/// Why « CRÉER » did not create the account: the form as typed, so nothing is lost (also without
/// JavaScript, where it travels back in the redirect), and the messages to show.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupProblem {
    pub form: SignupForm,
    pub errors: FieldErrors,
    pub general: Option<String>,
}

impl std::fmt::Display for SignupProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.general.as_deref().unwrap_or("signup refused"))
    }
}

impl FromServerFnError for SignupProblem {
    type Encoder = JsonEncoding;
    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        SignupProblem {
            general: Some(super::forms::framework_error_message(&e).into()),
            ..Default::default()
        }
    }
}

/// Live eligibility of a complete SIRET.
#[server(prefix = "/api", endpoint = "verifier-siret")]
pub async fn check_siret(siret: String) -> Result<SiretCheck, ServerFnError> {
    use crate::server::signup::{eligibility, SignupError};
    use crate::server::web;
    use axum::http::StatusCode;
    let state = expect_context::<crate::server::state::AppState>();
    let counted = |outcome: &'static str| {
        metrics::counter!("hubpro_siret_checks_total", "outcome" => outcome).increment(1);
    };
    if let Err(wait) = state.limits.eligibility.take(&web::client_ip().await).await {
        counted("throttled");
        web::refuse(StatusCode::TOO_MANY_REQUESTS);
        return Err(ServerFnError::new(web::too_many_requests(wait)));
    }
    let siret = match Siret::parse(&siret) {
        Ok(s) => s,
        Err(e) => {
            counted("invalid");
            return Ok(SiretCheck::Invalid(e.user_message()));
        }
    };
    let check = match eligibility(&state.signup_deps(), &siret).await {
        Ok(crate::domain::Eligibility::Eligible {
            establishment,
            approvals,
        }) => SiretCheck::Eligible {
            establishment,
            approvals,
        },
        Ok(crate::domain::Eligibility::Refused(reason)) => SiretCheck::Refused {
            reason,
            message: reason.message_with_support(&state.settings.support_contact),
        },
        Err(SignupError::DirectoryUnavailable(e)) => {
            tracing::warn!(error = %e, "eligibility: INSEE unavailable");
            SiretCheck::Unavailable(INSEE_UNAVAILABLE.into())
        }
        Err(e) => {
            tracing::error!(error = %e, "eligibility check failed");
            SiretCheck::Unavailable(UNEXPECTED.into())
        }
    };
    counted(match &check {
        SiretCheck::Eligible { .. } => "eligible",
        SiretCheck::Refused { .. } => "refused",
        SiretCheck::Invalid(_) => "invalid",
        SiretCheck::Unavailable(_) => "unavailable",
    });
    Ok(check)
}

/// « CRÉER »: the server re-checks everything, creates the pending account and queues its email.
#[server(prefix = "/api", endpoint = "creer-compte")]
pub async fn create_account(
    siret: String,
    organisation: String,
    last_name: String,
    first_name: String,
    email: String,
    email_confirmation: String,
) -> Result<(), SignupProblem> {
    use crate::server::signup::{sign_up, SignupError};
    use crate::server::web::{self, refuse};
    use axum::http::StatusCode;
    let form = SignupForm {
        siret,
        organisation,
        last_name,
        first_name,
        email,
        email_confirmation,
    };
    let state = expect_context::<crate::server::state::AppState>();
    let problem = |errors: FieldErrors, general: Option<String>| SignupProblem {
        form: form.clone(),
        errors,
        general,
    };
    let ip = web::client_ip().await;
    if let Err(wait) = state.limits.signup.take(&ip).await {
        refuse(StatusCode::TOO_MANY_REQUESTS);
        return Err(problem(
            FieldErrors::default(),
            Some(web::too_many_requests(wait)),
        ));
    }
    match sign_up(&state.signup_deps(), &form, &ip).await {
        Ok(signup) => {
            metrics::counter!("hubpro_signups_total").increment(1);
            state.outbox_wake.notify_one();
            let target = format!(
                "/inscription/confirmee?adresse={}",
                crate::server::http::query_escape(signup.email.as_str())
            );
            leptos_axum::redirect(&target);
            Ok(())
        }
        Err(SignupError::Invalid(errors)) => {
            refuse(StatusCode::UNPROCESSABLE_ENTITY);
            Err(problem(errors, None))
        }
        Err(SignupError::Refused(reason)) => {
            refuse(StatusCode::UNPROCESSABLE_ENTITY);
            let mut errors = FieldErrors::default();
            errors.set(
                SignupField::Siret,
                reason.message_with_support(&state.settings.support_contact),
            );
            Err(problem(errors, None))
        }
        Err(SignupError::DirectoryUnavailable(e)) => {
            tracing::warn!(error = %e, "signup: INSEE unavailable");
            refuse(StatusCode::SERVICE_UNAVAILABLE);
            Err(problem(
                FieldErrors::default(),
                Some(INSEE_UNAVAILABLE.into()),
            ))
        }
        Err(e) => {
            tracing::error!(error = %e, "signup failed");
            Err(problem(FieldErrors::default(), Some(UNEXPECTED.into())))
        }
    }
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let query = use_query_map();
    let create = ServerAction::<CreateAccount>::new();
    // After a refused submission without JavaScript, the form comes back in the action's value.
    let returned = create
        .value()
        .get_untracked()
        .and_then(|r| r.err())
        .map(|p| p.form)
        .unwrap_or_else(|| {
            // Links in the approval notice and in invitations pre-fill the form.
            let query = query.read_untracked();
            SignupForm {
                siret: query.get("siret").unwrap_or_default(),
                email: query.get("adresse").unwrap_or_default(),
                ..Default::default()
            }
        });
    let initial_siret = group_digits(&returned.siret);

    let (siret_text, set_siret_text) = signal(initial_siret.clone());
    let complete = |s: &str| (digit_count(s) == 14).then(|| s.to_owned());
    let checked_siret = RwSignal::new(complete(&initial_siret).filter(|s| Siret::parse(s).is_ok()));
    let check = Resource::new(
        move || checked_siret.get(),
        |siret| async move {
            match siret {
                Some(s) => Some(check_siret(s).await),
                None => None,
            }
        },
    );

    let (email, set_email) = signal(returned.email.clone());
    let (confirmation, set_confirmation) = signal(returned.email_confirmation.clone());
    let organisation_ref = NodeRef::<leptos::html::Input>::new();

    let problem = move || create.value().get().and_then(|r| r.err());
    let server_error =
        move |field: SignupField| problem().and_then(|p| p.errors.get(field).map(str::to_owned));
    // A wrong check digit is shown as soon as the 14th digit is typed.
    let siret_live_error = move || {
        let text = siret_text.get();
        (digit_count(&text) == 14)
            .then(|| Siret::parse(&text).err().map(|e| e.user_message()))
            .flatten()
    };
    let confirmation_hint = move || {
        let c = confirmation.get();
        if c.trim().is_empty() {
            None
        } else {
            Some(email_confirmation_error(&email.get(), &c).is_none())
        }
    };

    // Pre-fill the organisation name from INSEE when the user has not typed one.
    Effect::new(move |_| {
        if let Some(Some(Ok(SiretCheck::Eligible { establishment, .. }))) = check.get() {
            if let (Some(name), Some(input)) = (establishment.name, organisation_ref.get()) {
                if input.value().trim().is_empty() {
                    input.set_value(&name);
                }
            }
        }
    });
    // Move focus to the first field in error after a refused submission.
    Effect::new(move |_| {
        if let Some((field, _)) = problem().and_then(|p| p.errors.0.first().cloned()) {
            super::forms::focus_by_id(field.id());
        }
    });

    let on_siret_input = move |ev: leptos::ev::Event| {
        let grouped = super::forms::regroup_siret_input(&ev);
        let next = complete(&grouped).filter(|s| Siret::parse(s).is_ok());
        if next != checked_siret.get_untracked() {
            checked_siret.set(next);
        }
        set_siret_text.set(grouped);
    };

    let pending = create.pending();
    view! {
        <Title text="Créez votre compte"/>
        <section class="card form-card">
            <h1>"Créez votre compte"</h1>
            <p class="subtitle">"ou " <A href="/connexion">"connectez-vous"</A></p>
            <p class="banner">"CQC - Centre de Formation Agréé"</p>
            <ActionForm action=create attr:novalidate="">
                {move || problem().and_then(|p| p.general).map(|m| view! {
                    <p class="notice error" role="alert">{m}</p>
                })}
                <div class="field">
                    <label for="siret">"Numéro de SIRET *"</label>
                    <input id="siret" name="siret" type="text" inputmode="numeric"
                        autocomplete="off" maxlength="40" required
                        aria-describedby="siret-hint siret-status siret-error"
                        aria-invalid=move || (server_error(SignupField::Siret).is_some() || siret_live_error().is_some()).then_some("true")
                        value=initial_siret
                        on:input=on_siret_input
                    />
                    <p class="hint" id="siret-hint">
                        "14 chiffres\u{a0}: SIREN (9 premiers chiffres) et NIC (5 derniers chiffres)."
                    </p>
                    <div id="siret-status" aria-live="polite">
                        <Transition fallback=|| view! { <p class="hint">"Vérification du SIRET…"</p> }>
                            {move || check.get().flatten().map(|r| view! { <SiretStatus check=r/> })}
                        </Transition>
                    </div>
                    <FieldError id="siret-error" message=Signal::derive(move || {
                        siret_live_error().or_else(|| server_error(SignupField::Siret))
                    })/>
                </div>
                <div class="field">
                    <label for="organisation">"Nom de l'organisme *"</label>
                    <input id="organisation" name="organisation" type="text" required
                        autocomplete="organization" maxlength="250"
                        node_ref=organisation_ref
                        value=returned.organisation.clone()
                        aria-describedby="organisation-error"
                        aria-invalid=move || server_error(SignupField::Organisation).map(|_| "true")
                    />
                    <FieldError id="organisation-error" message=Signal::derive(move || server_error(SignupField::Organisation))/>
                </div>
                <div class="field-row">
                    <div class="field">
                        <label for="last_name">"Nom *"</label>
                        <input id="last_name" name="last_name" type="text" required
                            autocomplete="family-name" maxlength="120"
                            value=returned.last_name.clone()
                            aria-describedby="last_name-error"
                            aria-invalid=move || server_error(SignupField::LastName).map(|_| "true")
                        />
                        <FieldError id="last_name-error" message=Signal::derive(move || server_error(SignupField::LastName))/>
                    </div>
                    <div class="field">
                        <label for="first_name">"Prénom *"</label>
                        <input id="first_name" name="first_name" type="text" required
                            autocomplete="given-name" maxlength="120"
                            value=returned.first_name.clone()
                            aria-describedby="first_name-error"
                            aria-invalid=move || server_error(SignupField::FirstName).map(|_| "true")
                        />
                        <FieldError id="first_name-error" message=Signal::derive(move || server_error(SignupField::FirstName))/>
                    </div>
                </div>
                <div class="field">
                    <label for="email">"Adresse électronique *"</label>
                    <input id="email" name="email" type="email" required autocomplete="email"
                        maxlength="254" value=returned.email.clone()
                        aria-describedby="email-hint email-error"
                        aria-invalid=move || server_error(SignupField::Email).map(|_| "true")
                        on:input=move |ev| set_email.set(event_target_value(&ev))
                    />
                    <p class="hint" id="email-hint">
                        "Cette adresse sera votre identifiant\u{a0}: elle est unique et ne pourra pas être modifiée. "
                        "Préférez une adresse qui restera valable (par exemple une adresse de service)."
                    </p>
                    <FieldError id="email-error" message=Signal::derive(move || server_error(SignupField::Email))/>
                </div>
                <div class="field">
                    <label for="email_confirmation">"Confirmer votre adresse électronique *"</label>
                    <input id="email_confirmation" name="email_confirmation" type="email" required
                        autocomplete="email" maxlength="254"
                        value=returned.email_confirmation.clone()
                        aria-describedby="email_confirmation-status email_confirmation-error"
                        aria-invalid=move || (server_error(SignupField::EmailConfirmation).is_some() || confirmation_hint() == Some(false)).then_some("true")
                        on:input=move |ev| set_confirmation.set(event_target_value(&ev))
                    />
                    <div id="email_confirmation-status" aria-live="polite">
                        {move || (confirmation_hint() == Some(true)).then(|| view! {
                            <p class="ok">"✓ Les deux adresses sont identiques."</p>
                        })}
                    </div>
                    <FieldError id="email_confirmation-error" message=Signal::derive(move || {
                        match confirmation_hint() {
                            Some(true) => None,
                            Some(false) => Some(crate::domain::signup::EMAIL_MISMATCH.to_owned()),
                            None => server_error(SignupField::EmailConfirmation),
                        }
                    })/>
                </div>
                <button type="submit" class="button primary wide" disabled=move || pending.get()>
                    {move || if pending.get() { "Création en cours…" } else { "CRÉER" }}
                </button>
                <p class="hint">"* champ obligatoire"</p>
            </ActionForm>
        </section>
    }
}

/// What the live SIRET check found.
#[component]
fn SiretStatus(check: Result<SiretCheck, ServerFnError>) -> impl IntoView {
    match check {
        Ok(SiretCheck::Eligible {
            establishment,
            approvals,
        }) => view! {
            <div class="notice ok">
                <p>
                    <span class="check">"✓ Établissement actif"</span>
                    {establishment.name.map(|n| format!("\u{a0}: {n}"))}
                    {establishment.town.map(|t| format!(" ({t})"))}
                    {establishment.demo.then(|| view! { <span class="demo-tag">"données de démonstration"</span> })}
                </p>
                {establishment.main_establishment.map(|m| view! {
                    <p>
                        "Établissement rattaché au contrat de l'établissement principal "
                        <strong>{m.organisation}</strong> " (SIRET " {m.siret} ")."
                    </p>
                })}
                <p>"Agréments en cours\u{a0}:"</p>
                <ul>
                    {approvals.iter().map(|a| view! {
                        <li>{a.labels().join(", ")} " — n°\u{a0}" {a.number.clone()}</li>
                    }).collect_view()}
                </ul>
            </div>
        }
        .into_any(),
        Ok(SiretCheck::Refused { reason, message }) => view! {
            <div class="notice error" role="status">
                <p>{message}</p>
                {(reason == Refusal::AlreadyRegistered).then(|| view! {
                    <p><A href="/connexion">"Se connecter"</A> " · " <A href="/mot-de-passe-oublie">"Mot de passe oublié"</A></p>
                })}
            </div>
        }
        .into_any(),
        Ok(SiretCheck::Invalid(message)) | Ok(SiretCheck::Unavailable(message)) => view! {
            <p class="notice error" role="status">{message}</p>
        }
        .into_any(),
        // A server message (too many checks) is shown as is; a network failure is explained.
        Err(ServerFnError::ServerError(message)) => view! {
            <p class="notice error" role="status">{message}</p>
        }
        .into_any(),
        Err(_) => view! { <p class="notice error">{INSEE_UNAVAILABLE}</p> }.into_any(),
    }
}

/// « Votre compte a bien été créé » with the address to check.
#[component]
pub fn SignupDonePage() -> impl IntoView {
    let query = use_query_map();
    let address = move || query.read().get("adresse").unwrap_or_default();
    view! {
        <Title text="Compte créé"/>
        <section class="card">
            <h1>"Votre compte a bien été créé."</h1>
            <p>
                "Veuillez consulter votre messagerie électronique "
                <strong>{address}</strong>
                " afin de confirmer votre inscription."
            </p>
            <p class="hint">
                "Le message «\u{a0}Hub Pro Transport\u{a0}: Créer mon mot de passe\u{a0}» peut mettre quelques minutes à arriver."
            </p>
            <p><A href="/connexion" attr:class="button primary">"SE CONNECTER"</A></p>
            <h2 class="small-title">"Vous n'avez pas reçu le message\u{202f}?"</h2>
            <ol class="hint">
                <li>"Vérifiez vos courriers indésirables (spam)."</li>
                <li>
                    "Demandez un nouveau lien avec "
                    <A href="/mot-de-passe-oublie">"«\u{a0}Mot de passe oublié\u{a0}»"</A>
                    "."
                </li>
                <li>"Toujours rien\u{202f}? Contactez le service support\u{a0}: " <super::login::SupportContact/></li>
            </ol>
        </section>
    }
}
