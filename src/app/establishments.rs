//! « Établissements rattachés »: in the main establishment's space, the establishments attached
//! to its contract, the form that attaches (and invites) one, and detaching.

use super::forms::{on_submit, submission, FieldError, Refused, Submission};
use super::markup::Markup;
use crate::domain::email::EMAIL_MAX;
#[cfg(feature = "ssr")]
use crate::domain::messages::french_date;
use crate::domain::siret::{group_digits, SIRET_INPUT_MAX};
use crate::domain::{AttachForm, Field, FormProblem};
#[cfg(feature = "ssr")]
use crate::domain::{AttachedEstablishment, AttachmentState};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// Why « Rattacher et inviter » did nothing, with the form as typed.
pub type AttachProblem = FormProblem<AttachForm>;

/// « Rattacher et inviter »: same INSEE and approvals checks as a signup, then the invitation.
#[server(prefix = "/api", endpoint = "rattacher", output = super::codec::JsonOut)]
pub async fn attach_establishment(
    siret: String,
    contact_email: String,
) -> Result<String, AttachProblem> {
    use crate::server::{accounts::establishments::attach, http::web};
    let form = AttachForm {
        siret,
        contact_email,
    };
    let state = web::state();
    let Some(caller) = web::caller(&state).await else {
        return Err(web::session_ended(form));
    };
    match attach(&state.signup_deps(), &caller.account, &form, &caller.ip).await {
        Ok(attached) => {
            state.outbox_wake.notify_one();
            Ok(attached_message(&attached, &form))
        }
        Err(e) => Err(web::refused(form, e)),
    }
}

/// What the page says once an establishment is attached.
#[cfg(feature = "ssr")]
fn attached_message(
    attached: &crate::server::accounts::establishments::Attached,
    form: &AttachForm,
) -> String {
    let siret = attached.siret.grouped();
    if attached.invited {
        format!(
            "L'établissement {siret} est rattaché à votre contrat\u{a0}: une invitation à créer son compte a été envoyée à {}.",
            form.contact_email.trim()
        )
    } else {
        format!(
            "L'établissement {siret} est de nouveau rattaché à votre contrat\u{a0}; son invitation du jour a déjà été envoyée."
        )
    }
}

/// « Confirmer le détachement ».
#[server(prefix = "/api", endpoint = "detacher", output = super::codec::JsonOut)]
pub async fn detach_establishment(siret: String) -> Result<(), Refused> {
    use crate::server::{accounts::establishments, http::web};
    let state = web::state();
    let caller = web::signed_in(&state).await?;
    // Only our own page posts here, with a SIRET it listed: anything else detaches nothing.
    let Ok(siret) = crate::domain::Siret::parse(&siret) else {
        return Ok(());
    };
    let detached = establishments::detach(&state.store, &caller.account, &siret, &caller.ip).await;
    detached.map(|_| ()).map_err(|e| web::refused((), e))
}

/// The establishments the logged-in account has attached, as the page shows them (the list, read
/// again after a change).
#[server(prefix = "/api", endpoint = "etablissements-rattaches", output = super::codec::JsonOut)]
pub async fn attached_establishments() -> Result<Markup, Refused> {
    use crate::server::http::web;
    let state = web::state();
    let caller = web::signed_in(&state).await?;
    let list = state.store.attachments_of(caller.account.id).await;
    list.map(attached_list).map_err(|e| web::refused((), e))
}

/// The list as the page shows it, drawn on the server: the WASM has no code for it.
#[cfg(feature = "ssr")]
pub fn attached_list(list: Vec<AttachedEstablishment>) -> Markup {
    Markup::render(view! { <AttachedList list/> })
}

/// The section of the main establishment's space (an island): the list, refreshed after each
/// attachment or detachment, and the attach form.
#[cfg_attr(island_space, island)]
#[cfg_attr(not(island_space), component)]
pub fn AttachedEstablishments(list: Markup, problem: Option<AttachProblem>) -> impl IntoView {
    let attach = submission::<AttachEstablishment>();
    let detach = submission::<DetachEstablishment>();
    let list = RwSignal::new(list);
    // Both versions move when an action ends: the list is then read again.
    Effect::new(move |before: Option<(usize, usize)>| {
        let now = (attach.version().get(), detach.version().get());
        if before.is_some_and(|b| b != now) {
            leptos::task::spawn_local(async move {
                if let Ok(now) = attached_establishments().await {
                    list.set(now);
                }
            });
        }
        now
    });
    view! {
        <section class="card" id="etablissements" aria-labelledby="etablissements-titre">
            <h2 id="etablissements-titre">"Établissements rattachés"</h2>
            <p class="hint">
                "Rattachez à votre contrat les autres établissements de votre centre\u{a0}: chacun reçoit "
                "une invitation à créer son propre compte administrateur."
            </p>
            // The detach forms are in the server's markup: their submissions bubble up to here.
            <div
                inner_html=move || list.get().into_html()
                on:submit=on_submit(detach, |f| DetachEstablishment { siret: f.text("siret") })
            ></div>
            <AttachFormView attach=attach problem=problem/>
        </section>
    }
}

#[cfg(feature = "ssr")]
#[component]
fn AttachedList(list: Vec<AttachedEstablishment>) -> impl IntoView {
    let empty = list.is_empty();
    view! {
        {empty.then(|| view! { <p>"Aucun établissement rattaché pour l'instant."</p> })}
        <ul class="attachments">
            {list.into_iter().map(|item| view! { <AttachedItem item/> }).collect_view()}
        </ul>
    }
}

#[cfg(feature = "ssr")]
#[component]
fn AttachedItem(item: AttachedEstablishment) -> impl IntoView {
    let grouped = item.siret.grouped();
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
                "Contact\u{a0}: " {item.contact_email.to_string()} " · rattaché le " {french_date(item.since)}
            </span>
            <details class="detach">
                <summary>"Détacher" <span class="visually-hidden">{format!(" l'établissement {grouped}")}</span></summary>
                <form action=DetachEstablishment::url() method="post">
                    <input type="hidden" name="siret" value=item.siret.as_digits().to_owned()/>
                    <p>
                        {format!("{name} (SIRET {grouped}) ne sera plus rattaché à votre contrat. ")}
                        "Son compte, s'il en a créé un, reste actif."
                    </p>
                    <button type="submit" class="button secondary">"Confirmer le détachement"</button>
                </form>
            </details>
        </li>
    }
}

#[component]
fn AttachFormView(
    attach: Submission<AttachEstablishment>,
    problem: Option<AttachProblem>,
) -> impl IntoView {
    // The form as sent, when it was refused (also without JavaScript, through the redirect).
    let returned = problem.as_ref().map(|p| p.form.clone()).unwrap_or_default();
    let problem = super::forms::shown_problem(attach, problem);
    let problem = move || problem.get();
    let done = move || attach.value().get().and_then(|r| r.ok());
    let siret_error = move || problem().and_then(|p| p.message(Field::AttachSiret));
    let email_error = move || problem().and_then(|p| p.message(Field::ContactEmail));
    Effect::new(move |_| {
        if let Some(field) = problem().and_then(|p| p.fields.first()) {
            super::forms::focus_by_id(field.id());
        }
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
        <form action=AttachEstablishment::url() method="post" node_ref=form_ref novalidate class="attach-form"
            on:submit=on_submit(attach, |f| AttachEstablishment {
                siret: f.text("siret"),
                contact_email: f.text("contact_email"),
            })
        >
            {move || problem().and_then(|p| p.general_message()).map(|m| view! {
                <p class="notice error" role="alert">{m}</p>
            })}
            <div class="field">
                <label for="attach-siret">"SIRET de l'établissement *"</label>
                <input id="attach-siret" name="siret" type="text" inputmode="numeric"
                    autocomplete="off" maxlength=SIRET_INPUT_MAX.to_string() required
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
                    autocomplete="off" maxlength=EMAIL_MAX.to_string() value=returned.contact_email.clone()
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
        </form>
    }
}
