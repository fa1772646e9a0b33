//! « Établissements rattachés »: in the main establishment's space, the establishments attached
//! to its contract, the form that attaches (and invites) one, and detaching.

use super::forms::FieldError;
use crate::domain::siret::group_digits;
use crate::domain::{AttachErrors, AttachForm, AttachedEstablishment, AttachmentState};
use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Why « Rattacher et inviter » did nothing: the form as typed and the messages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachProblem {
    pub form: AttachForm,
    pub errors: AttachErrors,
    pub general: Option<String>,
}

impl std::fmt::Display for AttachProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.general.as_deref().unwrap_or("attachment refused"))
    }
}

impl FromServerFnError for AttachProblem {
    type Encoder = JsonEncoding;
    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        AttachProblem {
            general: Some(super::forms::framework_error_message(&e).into()),
            ..Default::default()
        }
    }
}

/// Shown when the session ended while the page was open.
#[cfg(feature = "ssr")]
const SESSION_ENDED: &str = "Votre session a expiré\u{a0}: reconnectez-vous pour continuer.";

/// « Rattacher et inviter »: same INSEE and approvals checks as a signup, then the invitation.
#[server(prefix = "/api", endpoint = "rattacher")]
pub async fn attach_establishment(
    siret: String,
    contact_email: String,
) -> Result<String, AttachProblem> {
    use crate::domain::UserMessage;
    use crate::server::establishments::{attach, AttachError};
    use crate::server::web;
    use axum::http::StatusCode;
    let form = AttachForm {
        siret,
        contact_email,
    };
    let problem = |errors: AttachErrors, general: Option<String>| AttachProblem {
        form: form.clone(),
        errors,
        general,
    };
    let state = expect_context::<crate::server::state::AppState>();
    let Some(main) = web::current_account(&state).await else {
        web::refuse(StatusCode::UNAUTHORIZED);
        return Err(problem(AttachErrors::default(), Some(SESSION_ENDED.into())));
    };
    let ip = web::client_ip().await;
    match attach(&state.signup_deps(), &main, &form, &ip).await {
        Ok(siret) => {
            state.outbox_wake.notify_one();
            Ok(format!(
                "L'établissement {} est rattaché à votre contrat\u{a0}: une invitation à créer son compte a été envoyée à {}.",
                siret.grouped(),
                form.contact_email.trim()
            ))
        }
        Err(AttachError::Invalid(errors)) => {
            web::refuse(StatusCode::UNPROCESSABLE_ENTITY);
            Err(problem(errors, None))
        }
        Err(AttachError::Refused(reason)) => {
            web::refuse(StatusCode::UNPROCESSABLE_ENTITY);
            Err(problem(
                AttachErrors {
                    siret: Some(reason.user_message()),
                    contact_email: None,
                },
                None,
            ))
        }
        Err(AttachError::DirectoryUnavailable(e)) => {
            tracing::warn!(error = %e, "attach: INSEE unavailable");
            web::refuse(StatusCode::SERVICE_UNAVAILABLE);
            Err(problem(
                AttachErrors::default(),
                Some(super::signup::INSEE_UNAVAILABLE.into()),
            ))
        }
        Err(e) => {
            tracing::error!(error = %e, "attach failed");
            Err(problem(
                AttachErrors::default(),
                Some(super::signup::UNEXPECTED.into()),
            ))
        }
    }
}

/// « Confirmer le détachement ».
#[server(prefix = "/api", endpoint = "detacher")]
pub async fn detach_establishment(siret: String) -> Result<(), ServerFnError> {
    use crate::server::{establishments, web};
    let state = expect_context::<crate::server::state::AppState>();
    let Some(main) = web::current_account(&state).await else {
        web::refuse(axum::http::StatusCode::UNAUTHORIZED);
        return Err(ServerFnError::new(SESSION_ENDED));
    };
    let ip = web::client_ip().await;
    match establishments::detach(&state.store, &main, &siret, &ip).await {
        Ok(_) => Ok(()),
        Err(e) => {
            tracing::error!(error = %e, "detach failed");
            Err(ServerFnError::new(super::signup::UNEXPECTED))
        }
    }
}

/// The section of the main establishment's space.
#[component]
pub fn AttachedEstablishments(
    list: Vec<AttachedEstablishment>,
    attach: ServerAction<AttachEstablishment>,
    detach: ServerAction<DetachEstablishment>,
) -> impl IntoView {
    let empty = list.is_empty();
    view! {
        <section class="card" id="etablissements" aria-labelledby="etablissements-titre">
            <h2 id="etablissements-titre">"Établissements rattachés"</h2>
            <p class="hint">
                "Rattachez à votre contrat les autres établissements de votre centre\u{a0}: chacun reçoit "
                "une invitation à créer son propre compte administrateur."
            </p>
            {empty.then(|| view! { <p>"Aucun établissement rattaché pour l'instant."</p> })}
            <ul class="attachments">
                {list.into_iter().map(|a| view! { <AttachedItem item=a detach=detach/> }).collect_view()}
            </ul>
            <AttachFormView attach=attach/>
        </section>
    }
}

#[component]
fn AttachedItem(
    item: AttachedEstablishment,
    detach: ServerAction<DetachEstablishment>,
) -> impl IntoView {
    let grouped = crate::domain::siret::display_grouped(&item.siret);
    let name = item.name.clone().unwrap_or_else(|| "Établissement".into());
    let state_class = match item.state {
        AttachmentState::Invited => "state invited",
        AttachmentState::AccountPending => "state pending",
        AttachmentState::AccountActive => "state active",
    };
    view! {
        <li>
            <div class="attachment-head">
                <strong>{name.clone()}</strong>
                <span class=state_class>{item.state.label()}</span>
            </div>
            <span>"SIRET " {grouped.clone()}</span>
            <br/>
            <span class="hint">
                "Contact\u{a0}: " {item.contact_email.clone()} " · rattaché le " {super::space::french_date(&item.since)}
            </span>
            <details class="detach">
                <summary>"Détacher" <span class="visually-hidden">{format!(" l'établissement {grouped}")}</span></summary>
                <ActionForm action=detach>
                    <input type="hidden" name="siret" value=item.siret.clone()/>
                    <p>
                        {format!("{name} (SIRET {grouped}) ne sera plus rattaché à votre contrat. ")}
                        "Son compte, s'il en a créé un, reste actif."
                    </p>
                    <button type="submit" class="button secondary">"Confirmer le détachement"</button>
                </ActionForm>
            </details>
        </li>
    }
}

#[component]
fn AttachFormView(attach: ServerAction<AttachEstablishment>) -> impl IntoView {
    let problem = move || attach.value().get().and_then(|r| r.err());
    // The form as sent, when it was refused (also without JavaScript, through the redirect).
    let returned = attach
        .value()
        .get_untracked()
        .and_then(|r| r.err())
        .map(|p| p.form)
        .unwrap_or_default();
    let done = move || attach.value().get().and_then(|r| r.ok());
    let siret_error = move || problem().and_then(|p| p.errors.siret);
    let email_error = move || problem().and_then(|p| p.errors.contact_email);
    Effect::new(move |_| {
        let first = match problem() {
            Some(p) if p.errors.siret.is_some() => "attach-siret",
            Some(p) if p.errors.contact_email.is_some() => "attach-contact",
            _ => return,
        };
        super::forms::focus_by_id(first);
    });
    // After a success, the form is emptied for the next establishment.
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if done().is_some() {
            if let Some(form) = form_ref.get() {
                form.reset();
            }
        }
    });
    let pending = attach.pending();
    view! {
        <h3 class="small-title">"Rattacher un établissement"</h3>
        <div aria-live="polite">
            {move || done().map(|m| view! { <p class="notice ok" role="status">{m}</p> })}
        </div>
        <ActionForm action=attach node_ref=form_ref attr:novalidate="" attr:class="attach-form">
            {move || problem().and_then(|p| p.general).map(|m| view! {
                <p class="notice error" role="alert">{m}</p>
            })}
            <div class="field">
                <label for="attach-siret">"SIRET de l'établissement *"</label>
                <input id="attach-siret" name="siret" type="text" inputmode="numeric"
                    autocomplete="off" maxlength="40" required
                    value=group_digits(&returned.siret)
                    aria-describedby="attach-siret-hint attach-siret-error"
                    aria-invalid=move || siret_error().map(|_| "true")
                    on:input=move |ev| { super::forms::regroup_siret_input(&ev); }
                />
                <p class="hint" id="attach-siret-hint">
                    "Il doit être actif à l'INSEE et avoir au moins un agrément en cours."
                </p>
                <FieldError id="attach-siret-error" message=Signal::derive(siret_error)/>
            </div>
            <div class="field">
                <label for="attach-contact">"Adresse électronique du contact *"</label>
                <input id="attach-contact" name="contact_email" type="email" required
                    autocomplete="off" maxlength="254" value=returned.contact_email.clone()
                    aria-describedby="attach-contact-hint attach-contact-error"
                    aria-invalid=move || email_error().map(|_| "true")
                />
                <p class="hint" id="attach-contact-hint">
                    "L'invitation à créer le compte de l'établissement est envoyée à cette adresse."
                </p>
                <FieldError id="attach-contact-error" message=Signal::derive(email_error)/>
            </div>
            <button type="submit" class="button primary" disabled=move || pending.get()>
                {move || if pending.get() { "Envoi en cours…" } else { "Rattacher et inviter" }}
            </button>
        </ActionForm>
    }
}
