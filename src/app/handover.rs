//! « Changer d'administrateur »: the space's page (the new administrator's form, or the handover
//! waiting, which can be cancelled), « Je n'ai plus accès à l'adresse du compte » (the SIRET,
//! to reach its official address) and the official address's page that designates the new
//! administrator. Plain forms: no script.

use super::forms::{FieldError, Refused};
use crate::domain::email::EMAIL_MAX;
use crate::domain::messages::french_date;
use crate::domain::names::PERSON_NAME_MAX;
use crate::domain::siret::SIRET_INPUT_MAX;
use crate::domain::{Field, FormProblem, HandoverForm};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};
use serde::{Deserialize, Serialize};

/// Why the new administrator's form did nothing, with the form as typed.
pub type HandoverProblem = FormProblem<HandoverForm>;

/// The page's content: the handover waiting, or what the form needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverView {
    pub waiting: Option<WaitingView>,
    pub recent_login: bool,
    pub needs_code: bool,
    pub passkey: bool,
}

/// A handover waiting for its new administrator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingView {
    pub name: String,
    pub email: String,
    pub since: time::Date,
    pub until: time::Date,
}

/// The space's handover page; without a session, off to the login page.
#[server(prefix = "/api", endpoint = "administrateur", output = super::codec::JsonOut)]
pub async fn handover_status() -> Result<Option<HandoverView>, Refused> {
    use crate::server::{accounts::space, http::web};
    let state = web::state();
    let Some(caller) = web::caller(&state).await else {
        leptos_axum::redirect(routes::LOGIN);
        return Ok(None);
    };
    let (account, offered) = (&caller.account, state.webauthn.is_some());
    let waiting = state.store.handover_of(account.id).await;
    let confirm = space::confirmation(&state.store, account, &caller.session, offered).await;
    let (waiting, confirm) = waiting
        .and_then(|w| Ok((w, confirm?)))
        .map_err(|e| web::refused((), e))?;
    Ok(Some(HandoverView::of(waiting, confirm)))
}

#[cfg(feature = "ssr")]
impl HandoverView {
    fn of(
        waiting: Option<crate::server::store::Handover>,
        confirm: crate::server::accounts::space::Confirmation,
    ) -> Self {
        use crate::server::store::HandoverOrigin;
        HandoverView {
            waiting: waiting.map(|h| WaitingView {
                name: format!("{} {}", h.successor.first_name, h.successor.last_name),
                // Typed by someone else (the approvals' address, support): shown masked.
                email: match h.origin {
                    HandoverOrigin::Administrator => h.successor.email.to_string(),
                    _ => h.successor.email.masked(),
                },
                since: h.created_at.date(),
                until: h.expires_at.date(),
            }),
            recent_login: confirm.recent_login,
            needs_code: confirm.needs_code,
            passkey: confirm.passkey,
        }
    }
}

/// « Envoyer le lien au nouvel administrateur ».
#[server(prefix = "/api", endpoint = "changer-administrateur", output = super::codec::JsonOut)]
pub async fn start_handover(
    last_name: String,
    first_name: String,
    email: String,
    email_confirmation: String,
) -> Result<(), HandoverProblem> {
    use crate::server::{accounts::handover, http::web};
    let form = HandoverForm {
        last_name,
        first_name,
        email,
        email_confirmation,
    };
    let state = web::state();
    let Some(caller) = web::caller(&state).await else {
        return Err(web::session_ended(form));
    };
    let notices = state.notices();
    let started = handover::start_from_space(&state.store, &notices, &caller, &form).await;
    started.map_err(|e| web::refused(form, e))?;
    state.outbox_wake.notify_one();
    leptos_axum::redirect(routes::HANDOVER);
    Ok(())
}

/// « Annuler le changement d'administrateur ».
#[server(prefix = "/api", endpoint = "annuler-changement-administrateur", output = super::codec::JsonOut)]
pub async fn cancel_handover() -> Result<(), Refused> {
    use crate::server::{accounts::handover, http::web};
    let state = web::state();
    let caller = web::signed_in(&state).await?;
    let cancelled = handover::cancel(&state.store, &caller.account, &caller.ip).await;
    cancelled.map_err(|e| web::refused((), e))?;
    leptos_axum::redirect(routes::HANDOVER);
    Ok(())
}

/// « Je n'ai plus accès à l'adresse du compte »: the same answer whatever the SIRET, at once
/// (the work is done after it: its timing tells nothing of the SIRET).
#[server(prefix = "/api", endpoint = "acces-perdu", output = super::codec::JsonOut)]
pub async fn lost_address(siret: String) -> Result<(), FormProblem<String>> {
    use crate::server::{accounts::handover, http::web};
    let state = web::state();
    let ip = web::client_ip().await;
    if let Err(seconds) = state.limits.signup.take(&ip).await {
        return Err(web::too_many(siret, seconds));
    }
    let parsed = handover::parse_siret(&siret).map_err(|e| web::refused(siret, e))?;
    tokio::spawn(async move {
        let requested = handover::request(&state.store, &state.notices(), &parsed, &ip).await;
        match requested {
            Ok(()) => state.outbox_wake.notify_one(),
            Err(e) => tracing::error!(error = %e, "a lost address's request failed"),
        }
    });
    leptos_axum::redirect(&format!(
        "{}?{}=1",
        routes::LOST_ADDRESS,
        routes::query::SENT
    ));
    Ok(())
}

/// Whether a designation link is still usable (without using it).
#[server(prefix = "/api", endpoint = "lien-designation", output = super::codec::JsonOut)]
pub async fn designation_link_is_valid(token: String) -> Result<bool, Refused> {
    use crate::server::{accounts::handover, http::web, store::LinkToken};
    let state = web::state();
    let Some(token) = LinkToken::parse(&token) else {
        return Ok(false);
    };
    let valid = handover::designation_link_is_valid(&state.store, &token).await;
    valid.map_err(|e| web::refused((), e))
}

/// The official address designates the new administrator.
#[server(prefix = "/api", endpoint = "designer-administrateur", output = super::codec::JsonOut)]
pub async fn designate(
    token: String,
    last_name: String,
    first_name: String,
    email: String,
    email_confirmation: String,
) -> Result<(), HandoverProblem> {
    use crate::server::{accounts::handover, http::web};
    let form = HandoverForm {
        last_name,
        first_name,
        email,
        email_confirmation,
    };
    let state = web::state();
    let ip = web::client_ip().await;
    let designated = handover::designate(&state.store, &state.notices(), &token, &form, &ip).await;
    if let Err(e) = designated {
        let path = <Designate as leptos::server_fn::ServerFn>::PATH;
        return Err(web::refused_back_to(
            form,
            e,
            path,
            routes::DESIGNATE,
            &token,
        ));
    }
    state.outbox_wake.notify_one();
    leptos_axum::redirect(&format!("{}?{}=1", routes::DESIGNATE, routes::query::DONE));
    Ok(())
}

/// The new administrator's Nom, Prénom and address typed twice, each with its refusal.
#[component]
fn SuccessorFields(problem: Option<HandoverProblem>) -> impl IntoView {
    let kept = problem.as_ref().map(|p| p.form.clone()).unwrap_or_default();
    let message = |field: Field| problem.as_ref().and_then(|p| p.message(field));
    let field = |id: &'static str,
                 name: &'static str,
                 label: &'static str,
                 kind: &'static str,
                 max: usize,
                 value: String,
                 error: Option<String>| {
        let error_id = match id {
            "last_name" => "last_name-error",
            "first_name" => "first_name-error",
            "email" => "email-error",
            _ => "email_confirmation-error",
        };
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id name=name type=kind required autocomplete="off"
                    maxlength=max.to_string() value=value aria-describedby=error_id
                    aria-invalid=error.as_ref().map(|_| "true")/>
                <FieldError id=error_id message=Signal::stored(error)/>
            </div>
        }
    };
    view! {
        {field("last_name", "last_name", "Nom du nouvel administrateur *", "text", PERSON_NAME_MAX,
            kept.last_name.clone(), message(Field::LastName))}
        {field("first_name", "first_name", "Prénom du nouvel administrateur *", "text", PERSON_NAME_MAX,
            kept.first_name.clone(), message(Field::FirstName))}
        {field("email", "email", "Adresse électronique du nouvel administrateur *", "email", EMAIL_MAX,
            kept.email.clone(), message(Field::Email))}
        {field("email_confirmation", "email_confirmation", "Confirmez l'adresse électronique *", "email",
            EMAIL_MAX, kept.email_confirmation.clone(), message(Field::EmailConfirmation))}
        <p class="hint">
            "Cette adresse deviendra l'identifiant du compte\u{a0}: préférez une adresse de service "
            "plutôt qu'une adresse nominative."
        </p>
    }
}

/// « Changer d'administrateur », in the space.
#[component]
pub fn HandoverPage() -> impl IntoView {
    let status = Resource::new(|| (), |_| async move { handover_status().await });
    view! {
        <Title text="Changer d'administrateur"/>
        <leptos_meta::Stylesheet href=super::second_factor::STYLESHEET/>
        <Suspense fallback=|| view! { <section class="card"><p>"Chargement…"</p></section> }>
            {move || status.get().map(|r| match r {
                Ok(Some(view)) => view! { <HandoverContent view/> }.into_any(),
                Ok(None) => view! { <section class="card"><p>"Redirection vers la connexion…"</p></section> }.into_any(),
                Err(p) => view! { <section class="card"><p class="notice error">{p.general_message()}</p></section> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn HandoverContent(view: HandoverView) -> impl IntoView {
    let start = ServerAction::<StartHandover>::new();
    let cancel = ServerAction::<CancelHandover>::new();
    let problem = super::forms::rendered_problem::<StartHandover, _>();
    let general = super::space::confirm_refusal("handover-reauth")
        .and_then(|p| Some((p.general_code()?, p.general_message()?)))
        .or_else(|| {
            problem
                .as_ref()
                .and_then(|p| Some((p.general_code()?, p.general_message()?)))
        })
        .or_else(|| {
            super::forms::rendered_problem::<CancelHandover, _>()
                .and_then(|p| Some((p.general_code()?, p.general_message()?)))
        });
    let body = match view.waiting {
        Some(w) => view! {
            <p class="notice ok" role="status" data-handover="waiting">
                "Un lien a été envoyé le " {french_date(w.since)} " à " <strong>{w.email.clone()}</strong>
                " (" {w.name.clone()} ")\u{a0}: dès que cette personne aura créé son mot de passe, elle "
                "deviendra l'administrateur du compte, et vous n'y aurez plus accès. Le lien est valable "
                "jusqu'au " {french_date(w.until)} "."
            </p>
            <ActionForm action=cancel>
                <button type="submit" class="button secondary">"Annuler le changement d'administrateur"</button>
            </ActionForm>
        }
        .into_any(),
        None if !view.recent_login => view! {
            <super::space::ConfirmIdentity id="handover-reauth"
                label="Confirmez votre mot de passe pour changer d'administrateur *"
                needs_code=view.needs_code passkey=view.passkey describedby="handover-error"/>
        }
        .into_any(),
        None => view! {
            <ActionForm action=start attr:novalidate=true>
                <SuccessorFields problem/>
                <button type="submit" class="button primary">"Envoyer le lien au nouvel administrateur"</button>
            </ActionForm>
        }
        .into_any(),
    };
    view! {
        <section class="card form-card" aria-labelledby="handover-title">
            <h1 id="handover-title">"Changer d'administrateur"</h1>
            <p>
                "Le nouvel administrateur recevra un lien pour créer son mot de passe. Dès qu'il l'aura créé, "
                "le compte lui sera transmis\u{a0}: vous ne pourrez plus vous y connecter, et vos sessions et "
                "votre double authentification prendront fin. L'adresse électronique à laquelle la DREAL "
                "notifie les agréments du centre en sera informée."
            </p>
            <div id="handover-error" aria-live="assertive">
                {general.map(|(code, m)| view! { <p class="notice error" role="alert" data-problem=code>{m}</p> })}
            </div>
            {body}
            <p><A href=routes::SPACE>"Revenir à mon espace"</A></p>
        </section>
    }
}

/// « Je n'ai plus accès à l'adresse du compte ».
#[component]
pub fn LostAddressPage() -> impl IntoView {
    let query = use_query_map();
    let sent = query.read_untracked().get(routes::query::SENT).is_some();
    let action = ServerAction::<LostAddress>::new();
    let problem = super::forms::rendered_problem::<LostAddress, _>();
    let kept = problem.as_ref().map(|p| p.form.clone()).unwrap_or_default();
    let general = problem.as_ref().and_then(|p| p.general_message());
    let siret_error = problem.as_ref().and_then(|p| p.message(Field::Siret));
    view! {
        <Title text="Je n'ai plus accès à l'adresse du compte"/>
        <section class="card form-card">
            <h1>"Je n'ai plus accès à l'adresse du compte"</h1>
            {if sent {
                view! {
                    <p class="notice ok" role="status">
                        "Si ce numéro de SIRET correspond à un compte actif, un lien sera envoyé dans quelques "
                        "minutes aux adresses électroniques auxquelles la DREAL notifie les agréments du centre. "
                        "Depuis ce lien, valable 72\u{a0}heures, la personne qui les consulte désigne le nouvel "
                        "administrateur du compte. Une seule demande par heure est prise en compte."
                    </p>
                    <p><A href=routes::LOGIN>"Revenir à la connexion"</A></p>
                }
                .into_any()
            } else {
                view! {
                    <p>
                        "L'administrateur du compte a quitté le centre, ou son adresse électronique n'existe "
                        "plus\u{a0}? Saisissez le numéro de SIRET du centre\u{a0}: un lien sera envoyé à l'adresse "
                        "électronique à laquelle la DREAL notifie ses agréments, et la personne qui la consulte "
                        "pourra désigner le nouvel administrateur."
                    </p>
                    <ActionForm action=action attr:novalidate=true>
                        {general.map(|m| view! { <p class="notice error" role="alert">{m}</p> })}
                        <div class="field">
                            <label for="siret">"Numéro de SIRET *"</label>
                            <input id="siret" name="siret" type="text" inputmode="numeric" required
                                autocomplete="off" maxlength=SIRET_INPUT_MAX.to_string() value=kept
                                aria-describedby="siret-error" aria-invalid=siret_error.as_ref().map(|_| "true")/>
                            <FieldError id="siret-error" message=Signal::stored(siret_error)/>
                        </div>
                        <button type="submit" class="button primary wide">"Envoyer le lien au centre"</button>
                    </ActionForm>
                }
                .into_any()
            }}
            <p class="hint">
                "Une question\u{202f}? Contactez le service support\u{a0}: " <super::login::SupportContact/>
            </p>
        </section>
    }
}

/// The official address designates the new administrator (from its emailed link).
#[component]
pub fn DesignatePage() -> impl IntoView {
    let query = use_query_map();
    let token = query
        .read_untracked()
        .get(routes::query::TOKEN)
        .unwrap_or_default();
    let done = query.read_untracked().get(routes::query::DONE).is_some();
    let valid = Resource::new(
        move || token.clone(),
        |t| async move { designation_link_is_valid(t).await.unwrap_or(false) },
    );
    let token = StoredValue::new(
        query
            .read_untracked()
            .get(routes::query::TOKEN)
            .unwrap_or_default(),
    );
    let action = ServerAction::<Designate>::new();
    let problem = StoredValue::new(super::forms::rendered_problem::<Designate, _>());
    view! {
        <Title text="Désigner le nouvel administrateur"/>
        <section class="card form-card">
            <h1>"Désigner le nouvel administrateur"</h1>
            {if done {
                view! {
                    <p class="notice ok" role="status">
                        "C'est fait\u{a0}: un lien va être envoyé au nouvel administrateur pour créer son mot de "
                        "passe (valable 72\u{a0}heures). L'administrateur actuel en est informé et peut annuler ce "
                        "changement tant que le nouvel administrateur n'a pas créé son mot de passe."
                    </p>
                }
                .into_any()
            } else {
                view! {
                    <Suspense fallback=|| view! { <p>"Vérification du lien…"</p> }>
                        {move || valid.get().map(|ok| if ok {
                            let problem = problem.get_value();
                            let general = problem.as_ref().and_then(|p| p.general_message());
                            view! {
                                <p>
                                    "Votre adresse est celle à laquelle la DREAL notifie les agréments du centre\u{a0}: "
                                    "désignez la personne qui administrera désormais le compte Hub Pro Transport du "
                                    "centre. Elle recevra un lien pour créer son mot de passe."
                                </p>
                                <ActionForm action=action attr:novalidate=true>
                                    {general.map(|m| view! { <p class="notice error" role="alert">{m}</p> })}
                                    <input type="hidden" name="token" value=token.get_value()/>
                                    <SuccessorFields problem/>
                                    <button type="submit" class="button primary">"Désigner le nouvel administrateur"</button>
                                </ActionForm>
                            }
                            .into_any()
                        } else {
                            view! {
                                <p class="notice error" role="alert">
                                    "Ce lien n'est plus valable\u{a0}: il a déjà servi ou il a expiré. Vous pouvez en "
                                    "demander un nouveau depuis «\u{a0}Je n'ai plus accès à l'adresse du compte\u{a0}»."
                                </p>
                                <p><A href=routes::LOST_ADDRESS>"Je n'ai plus accès à l'adresse du compte"</A></p>
                            }
                            .into_any()
                        })}
                    </Suspense>
                }
                .into_any()
            }}
            <p class="hint">
                "Une question\u{202f}? Contactez le service support\u{a0}: " <super::login::SupportContact/>
            </p>
        </section>
    }
}
