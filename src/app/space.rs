//! The administrator's space: the centre, its approvals, the administrator; logout.

use super::establishments::{AttachEstablishment, AttachProblem, AttachedEstablishments};
use super::forms::Refused;
use super::markup::Markup;
use crate::domain::messages::french_date;
use crate::domain::{
    ApprovalSummary, EmailAddress, FormProblem, MainEstablishment, OrganisationName, PersonName,
    Problem, Siret, UserMessage,
};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// What the space shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceView {
    pub organisation: OrganisationName,
    pub siret: Siret,
    pub address: Option<String>,
    pub approvals: Vec<ApprovalSummary>,
    pub today: time::Date,
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub email: EmailAddress,
    pub demo: bool,
    /// Set when this establishment is attached to a main establishment's contract.
    pub main_establishment: Option<MainEstablishment>,
    /// The establishments this one has attached (it is then the main establishment), as the
    /// page lists them.
    pub attachments: Markup,
    /// The account's open sessions, this one first.
    pub sessions: Vec<SessionView>,
    /// The password was typed recently enough for a sensitive change (else it is asked again).
    pub recent_login: bool,
    pub second_factor: super::second_factor::FactorView,
}

/// An open session, as the space lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub handle: String,
    pub browser: Option<String>,
    pub system: Option<String>,
    pub ip: String,
    pub opened_on: time::Date,
    /// Minutes since its last request.
    pub idle_minutes: i64,
    pub current: bool,
}

/// The logged-in administrator's space; without a session, a redirect to the login page.
#[server(prefix = "/api", endpoint = "espace", output = super::codec::JsonOut)]
pub async fn my_space() -> Result<Option<SpaceView>, Refused> {
    use crate::server::{accounts::space, http::web};
    let state = web::state();
    let Some(caller) = web::caller(&state).await else {
        leptos_axum::redirect(crate::routes::LOGIN);
        return Ok(None);
    };
    let read = space::space(&state.store, state.directory.as_ref(), &caller).await;
    let read = read.map_err(|e| web::refused((), e))?;
    let (demo, offered) = (state.directory.is_demo(), state.webauthn.is_some());
    Ok(Some(SpaceView::of(caller.account, read, demo, offered)))
}

#[cfg(feature = "ssr")]
impl SpaceView {
    fn of(
        account: crate::server::store::Account,
        space: crate::server::accounts::space::Space,
        demo: bool,
        passkeys_offered: bool,
    ) -> Self {
        let now = crate::server::store::now();
        let centre = space.centre;
        SpaceView {
            organisation: account.organisation_name,
            siret: account.siret,
            address: centre.address,
            approvals: centre.approvals,
            today: crate::server::registry::approvals::today(),
            first_name: account.first_name,
            last_name: account.last_name,
            email: account.email,
            demo,
            main_establishment: centre.main_establishment,
            attachments: super::establishments::attached_list(centre.attachments),
            sessions: space
                .sessions
                .open
                .into_iter()
                .map(|s| SessionView {
                    handle: s.handle,
                    browser: s.browser,
                    system: s.system,
                    ip: s.ip,
                    opened_on: s.opened.date(),
                    idle_minutes: (now - s.last_seen).whole_minutes().max(0),
                    current: s.current,
                })
                .collect(),
            recent_login: space.sessions.recent_login,
            second_factor: super::second_factor::FactorView {
                on_since: space.factors.totp_since.map(|t| t.date()),
                codes_left: space.factors.codes_left,
                passkeys: space
                    .passkeys
                    .into_iter()
                    .map(|p| super::passkeys::PasskeyView {
                        id: p.id,
                        name: p.name,
                        added_on: p.created.date(),
                        used_on: p.last_used.map(|t| t.date()),
                    })
                    .collect(),
                passkeys_offered,
            },
        }
    }
}

/// « Confirmer » my password (and the second factor's code, when on), before a sensitive
/// change: the session counts as recent again. No `code` without a second factor. `from` names
/// the card whose form was used: its refusal is shown there ([`ConfirmIdentity`]).
#[server(prefix = "/api", endpoint = "confirmer-mot-de-passe", output = super::codec::JsonOut)]
pub async fn confirm_password(
    password: String,
    code: Option<String>,
    from: Option<String>,
) -> Result<(), FormProblem<String>> {
    use crate::server::{accounts::auth, http::web};
    let (state, from) = (web::state(), from.unwrap_or_default());
    let Some(caller) = web::caller(&state).await else {
        return Err(web::session_ended(from));
    };
    let code = code.as_deref().unwrap_or("");
    let (factors, asker) = (state.factors(), caller.asker());
    let confirmed = auth::confirm_identity(&factors, &asker, &password, code).await;
    confirmed.map_err(|e| web::refused(from.clone(), e))?;
    state.outbox_wake.notify_one();
    leptos_axum::redirect(back_after_confirmation(&from));
    Ok(())
}

/// The page whose card asked for the confirmation, by the card's form id.
#[cfg(feature = "ssr")]
fn back_after_confirmation(from: &str) -> &'static str {
    match from {
        "handover-reauth" => crate::routes::HANDOVER,
        "closure-reauth" => crate::routes::CLOSURE,
        _ => crate::routes::SPACE,
    }
}

/// « Terminer cette session »: another session of the account ends.
#[server(prefix = "/api", endpoint = "terminer-session", output = super::codec::JsonOut)]
pub async fn end_session(handle: String) -> Result<(), Refused> {
    use crate::server::{accounts::sessions, http::web};
    let state = web::state();
    let caller = web::signed_in(&state).await?;
    let (account, current, ip) = (caller.account.id, &caller.session, &caller.ip);
    let ended = sessions::end_one(&state.store, account, current, &handle, ip).await;
    ended.map_err(|e| web::refused((), e))?;
    leptos_axum::redirect(crate::routes::SPACE);
    Ok(())
}

/// « Terminer les autres sessions »: every other session of the account ends.
#[server(prefix = "/api", endpoint = "terminer-autres-sessions", output = super::codec::JsonOut)]
pub async fn end_other_sessions() -> Result<(), Refused> {
    use crate::server::{accounts::sessions, http::web};
    let state = web::state();
    let caller = web::signed_in(&state).await?;
    let (account, current, ip) = (caller.account.id, &caller.session, &caller.ip);
    let ended = sessions::end_others(&state.store, account, current, ip).await;
    ended.map_err(|e| web::refused((), e))?;
    leptos_axum::redirect(crate::routes::SPACE);
    Ok(())
}

#[server(prefix = "/api", endpoint = "deconnexion", output = super::codec::JsonOut)]
pub async fn logout() -> Result<(), Refused> {
    use crate::server::{accounts::sessions, http::cookies, http::web};
    let state = web::state();
    if let Some(id) = web::session_id(&state) {
        let ip = web::client_ip().await;
        let closed = sessions::close(&state.store, &id, &ip).await;
        closed.map_err(|e| web::refused((), e))?;
    }
    web::clear_cookie(&state, cookies::Kind::Session);
    leptos_axum::redirect(crate::routes::LOGIN);
    Ok(())
}

#[component]
pub fn SpacePage() -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let space = Resource::new(|| (), |_| async move { my_space().await });
    let attach_problem = super::forms::rendered_problem::<AttachEstablishment, _>();
    view! {
        <Title text="Mon espace"/>
        <leptos_meta::Stylesheet href=super::second_factor::STYLESHEET/>
        <Suspense fallback=|| view! { <section class="card"><p>"Chargement…"</p></section> }>
            {move || space.get().map(|r| match r {
                Ok(Some(s)) => view! { <SpaceContent space=s logout=logout attach_problem=attach_problem.clone()/> }.into_any(),
                Ok(None) => view! { <section class="card"><p>"Redirection vers la connexion…"</p></section> }.into_any(),
                Err(_) => view! { <section class="card"><p class="notice error">{Problem::Unexpected.user_message()}</p></section> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn SpaceContent(
    space: SpaceView,
    logout: ServerAction<Logout>,
    attach_problem: Option<AttachProblem>,
) -> impl IntoView {
    let sessions = space.sessions.clone();
    let recent_login = space.recent_login;
    let factor = space.second_factor.clone();
    let needs_code = factor.on_since.is_some() || !factor.passkeys.is_empty();
    let passkey = factor.passkeys_offered && !factor.passkeys.is_empty();
    let today = space.today;
    let establishments = match space.main_establishment.clone() {
        Some(main) => view! {
            <section class="card">
                <h2>"Contrat"</h2>
                <p>
                    "Votre établissement est rattaché au contrat de l'établissement principal "
                    <strong>{main.organisation.to_string()}</strong> " (SIRET " {main.siret.grouped()} ")."
                </p>
            </section>
        }
        .into_any(),
        None => view! {
            <AttachedEstablishments list=space.attachments.clone() problem=attach_problem/>
        }
        .into_any(),
    };
    view! {
        <section class="card">
            <div class="space-head">
                <h1>{space.organisation.to_string()}</h1>
                <ActionForm action=logout>
                    <button type="submit" class="button secondary">"Se déconnecter"</button>
                </ActionForm>
            </div>
            <dl class="facts">
                <dt>"SIRET"</dt><dd>{space.siret.grouped()}</dd>
                <dt>"Adresse"</dt>
                <dd>
                    {space.address.clone().unwrap_or_else(|| "Non diffusée par l'INSEE".into())}
                    {space.demo.then(|| view! { <span class="demo-tag">"données de démonstration"</span> })}
                </dd>
            </dl>
        </section>
        <section class="card">
            <h2>"Agréments"</h2>
            <ul class="approvals">
                {space.approvals.into_iter().map(|a| {
                    let in_force = a.in_force_on(today);
                    let validity = match a.ends_on {
                        Some(end) => format!("du {} au {}", french_date(a.starts_on), french_date(end)),
                        None => format!("depuis le {}", french_date(a.starts_on)),
                    };
                    view! {
                        <li>
                            <strong>{format!("n°\u{a0}{}", a.number)}</strong>
                            " — " {a.labels().join(", ")}
                            <br/>
                            <span class="hint">{validity} " · " {if in_force { "en cours" } else { "hors période de validité" }}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        {establishments}
        <section class="card">
            <h2>"Administrateur du compte"</h2>
            <dl class="facts">
                <dt>"Nom"</dt><dd>{format!("{} {}", space.first_name, space.last_name)}</dd>
                <dt>"Adresse électronique (identifiant)"</dt>
                <dd>{space.email.to_string()} <span class="hint">" — non modifiable"</span></dd>
            </dl>
            <p class="hint">
                "Vous quittez le centre, ou votre adresse électronique va être supprimée\u{a0}? Transmettez le "
                "compte à la personne qui vous succède\u{a0}: elle choisira son propre mot de passe."
            </p>
            <p><a class="button secondary" href=crate::routes::HANDOVER>"Changer d'administrateur"</a></p>
        </section>
        <super::second_factor::SecondFactorCard factor recent_login/>
        <OpenSessions sessions recent_login needs_code passkey/>
        <section class="card" aria-labelledby="data-title">
            <h2 id="data-title">"Vos données"</h2>
            <p>
                "Tout ce que Hub Pro Transport conserve sur votre compte (le compte, ses agréments, les "
                "établissements rattachés, les sessions ouvertes et l'historique de sécurité), dans un "
                "fichier JSON."
            </p>
            <p><a class="button secondary" href=crate::routes::MY_DATA download>"Télécharger mes données"</a></p>
        </section>
        <section class="card" aria-labelledby="closure-card-title">
            <h2 id="closure-card-title">"Clôturer le compte"</h2>
            <p>
                "Votre centre n'a plus besoin de Hub Pro Transport\u{a0}? La clôture met fin au compte et libère "
                "le SIRET\u{202f}; vos données personnelles sont ensuite effacées selon les durées indiquées dans "
                "«\u{a0}Données personnelles\u{a0}»."
            </p>
            <p><a class="button secondary" href=crate::routes::CLOSURE>"Clôturer le compte"</a></p>
        </section>
    }
}

/// « Sessions ouvertes »: where the account is logged in, each other session with its button.
#[component]
fn OpenSessions(
    sessions: Vec<SessionView>,
    recent_login: bool,
    needs_code: bool,
    passkey: bool,
) -> impl IntoView {
    use super::forms::rendered_problem;
    let end_one = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let others = sessions.iter().filter(|s| !s.current).count();
    // A refusal of one of these forms, back in the URL after a post without JavaScript.
    let refused = confirm_refusal("reauth")
        .or_else(rendered_problem::<EndSession, _>)
        .or_else(rendered_problem::<EndOtherSessions, _>)
        .and_then(|p| Some((p.general_code()?, p.general_message()?)));
    // Ending a session is a sensitive change: past a few minutes, the password is asked again.
    let confirm_form = (others > 0 && !recent_login).then(|| view! {
        <ConfirmIdentity id="reauth" label="Confirmez votre mot de passe pour terminer une session *"
            needs_code passkey describedby="sessions-error"/>
    });
    view! {
        <section class="card" aria-labelledby="sessions-title">
            <h2 id="sessions-title">"Sessions ouvertes"</h2>
            <p class="hint">
                "Les navigateurs connectés à votre compte. Si vous ne reconnaissez pas l'un d'eux, "
                "terminez sa session et changez votre mot de passe avec «\u{a0}Mot de passe oublié\u{a0}»."
            </p>
            <div id="sessions-error" aria-live="assertive">
                {refused.map(|(code, m)| view! { <p class="notice error" role="alert" data-problem=code>{m}</p> })}
            </div>
            {confirm_form}
            <ul class="sessions">
                {sessions.into_iter().map(|s| {
                    let label = session_label(&s);
                    let seen = if s.current {
                        "cette session".to_owned()
                    } else {
                        last_seen(s.idle_minutes)
                    };
                    view! {
                        <li data-current=s.current.then_some("true")>
                            <strong>{label}</strong>
                            <br/>
                            <span class="hint">
                                {format!("{} · ouverte le {} · {}", s.ip, french_date(s.opened_on), seen)}
                            </span>
                            {(!s.current && recent_login).then(|| view! {
                                <ActionForm action=end_one>
                                    <input type="hidden" name="handle" value=s.handle.clone()/>
                                    <button type="submit" class="button secondary">"Terminer cette session"</button>
                                </ActionForm>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {(others > 1 && recent_login).then(|| view! {
                <ActionForm action=end_others>
                    <button type="submit" class="button secondary">"Terminer les autres sessions"</button>
                </ActionForm>
            })}
        </section>
    }
}

/// « Confirmer »: the password, and the second factor's code when it is on, typed again before a
/// sensitive change. `id` prefixes the fields' ids (two cards may show one each).
#[component]
pub fn ConfirmIdentity(
    id: &'static str,
    label: &'static str,
    needs_code: bool,
    /// The account has a passkey: it may confirm instead.
    passkey: bool,
    describedby: &'static str,
) -> impl IntoView {
    use crate::domain::second_factor::CODE_MAX;
    let confirm = ServerAction::<ConfirmPassword>::new();
    let password_id = format!("{id}-password");
    let code_id = format!("{id}-code");
    view! {
        <ActionForm action=confirm attr:class="reauth">
            <input type="hidden" name="from" value=id/>
            <div class="field">
                <label for=password_id.clone()>{label}</label>
                <input id=password_id name="password" type="password" required
                    autocomplete="current-password" aria-describedby=describedby/>
            </div>
            {needs_code.then(|| view! {
                <div class="field">
                    <label for=code_id.clone()>"Code de l'application d'authentification, ou code de secours *"</label>
                    <input id=code_id name="code" type="text" required autocomplete="one-time-code"
                        maxlength=CODE_MAX.to_string() spellcheck="false" aria-describedby=describedby
                        class="code-input"/>
                </div>
            })}
            <button type="submit" class="button secondary">"Confirmer"</button>
        </ActionForm>
        {passkey.then(|| view! {
            <super::passkeys::PasskeyButton purpose="confirmation"
                label="Confirmer plutôt avec une clé d'accès" id=format!("{id}-passkey")/>
        })}
    }
}

/// The refusal of the password confirmation sent from the card whose form is `id`, after a
/// post without JavaScript.
pub fn confirm_refusal(id: &str) -> Option<Refused> {
    super::forms::rendered_problem::<ConfirmPassword, String>()
        .filter(|p| p.form == id)
        .map(|p| FormProblem::keeping((), p.fields, p.general))
}

fn session_label(s: &SessionView) -> String {
    crate::domain::messages::browser_label(s.browser.as_deref(), s.system.as_deref())
}

/// « dernière activité à l'instant », « … il y a 5 minutes ».
fn last_seen(minutes: i64) -> String {
    match minutes {
        0 => "dernière activité à l'instant".to_owned(),
        1 => "dernière activité il y a 1 minute".to_owned(),
        m if m < 60 => format!("dernière activité il y a {m} minutes"),
        m => format!("dernière activité il y a {} h", m / 60),
    }
}
