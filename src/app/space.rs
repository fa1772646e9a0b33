//! The administrator's space: the centre, its approvals, the administrator; logout.

use super::establishments::{AttachEstablishment, AttachedEstablishments, DetachEstablishment};
use crate::domain::{ApprovalSummary, AttachedEstablishment, MainEstablishment};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// What the space shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceView {
    pub organisation: String,
    pub siret: String,
    pub address: Option<String>,
    pub approvals: Vec<ApprovalSummary>,
    pub today: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub demo: bool,
    /// Set when this establishment is attached to a main establishment's contract.
    pub main_establishment: Option<MainEstablishment>,
    /// The establishments this one has attached (it is then the main establishment).
    pub attachments: Vec<AttachedEstablishment>,
}

/// The logged-in administrator's space; without a session, a redirect to the login page.
#[server(prefix = "/api", endpoint = "espace")]
pub async fn my_space() -> Result<Option<SpaceView>, ServerFnError> {
    use crate::domain::Siret;
    use crate::server::directory::Lookup;
    use crate::server::web;
    let state = expect_context::<crate::server::state::AppState>();
    let Some(account) = web::current_account(&state).await else {
        leptos_axum::redirect("/connexion");
        return Ok(None);
    };
    let unexpected = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "space failed");
        ServerFnError::new(super::signup::UNEXPECTED)
    };
    let siret = Siret::parse(&account.siret).map_err(|e| unexpected(&e))?;
    // The address is a nicety: INSEE being down must not hide the space.
    let address = match state.directory.lookup(&siret).await {
        Ok(Lookup::Found(e)) => {
            let town = [e.postcode, e.town]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let parts: Vec<String> = [e.street, (!town.is_empty()).then_some(town)]
                .into_iter()
                .flatten()
                .collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        _ => None,
    };
    let approvals = state
        .store
        .approvals_of(&siret)
        .await
        .map_err(|e| unexpected(&e))?;
    let main_establishment = state
        .store
        .attachment_owner(&siret)
        .await
        .map_err(|e| unexpected(&e))?
        .map(|o| MainEstablishment {
            organisation: o.main_organisation,
            siret: crate::domain::siret::display_grouped(&o.main_siret),
        });
    let attachments = state
        .store
        .attachments_of(account.id)
        .await
        .map_err(|e| unexpected(&e))?;
    Ok(Some(SpaceView {
        organisation: account.organisation_name,
        siret: siret.grouped(),
        address,
        approvals,
        today: crate::server::approvals::today(),
        first_name: account.first_name,
        last_name: account.last_name,
        email: account.email,
        demo: state.directory.is_demo(),
        main_establishment,
        attachments,
    }))
}

#[server(prefix = "/api", endpoint = "deconnexion")]
pub async fn logout() -> Result<(), ServerFnError> {
    use crate::server::{sessions, web};
    let state = expect_context::<crate::server::state::AppState>();
    if let Some(account) = web::current_account(&state).await {
        use crate::server::audit::{Event, EventKind};
        let ip = web::client_ip().await;
        let event = Event::new(EventKind::Logout)
            .siret(&account.siret)
            .account(account.id)
            .ip(Some(ip.as_str()))
            .detail("logout");
        state.store.audit(&event).await;
    }
    if let Some(id) = web::session_id(&state) {
        if let Err(e) = state.store.delete_session(&id).await {
            tracing::error!(error = %e, "logout failed");
            return Err(ServerFnError::new(super::signup::UNEXPECTED));
        }
    }
    web::set_cookie(&sessions::clear_cookie(web::https(&state)));
    leptos_axum::redirect("/connexion");
    Ok(())
}

#[component]
pub fn SpacePage() -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let attach = ServerAction::<AttachEstablishment>::new();
    let detach = ServerAction::<DetachEstablishment>::new();
    // Reloaded after each attachment or detachment.
    let space = Resource::new(
        move || (attach.version().get(), detach.version().get()),
        |_| async move { my_space().await },
    );
    view! {
        <Title text="Mon espace"/>
        <Transition fallback=|| view! { <section class="card"><p>"Chargement…"</p></section> }>
            {move || space.get().map(|r| match r {
                Ok(Some(s)) => view! { <SpaceContent space=s logout=logout attach=attach detach=detach/> }.into_any(),
                Ok(None) => view! { <section class="card"><p>"Redirection vers la connexion…"</p></section> }.into_any(),
                Err(_) => view! { <section class="card"><p class="notice error">{super::signup::UNEXPECTED}</p></section> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn SpaceContent(
    space: SpaceView,
    logout: ServerAction<Logout>,
    attach: ServerAction<AttachEstablishment>,
    detach: ServerAction<DetachEstablishment>,
) -> impl IntoView {
    let today = space.today.clone();
    let establishments = match space.main_establishment.clone() {
        Some(main) => view! {
            <section class="card">
                <h2>"Contrat"</h2>
                <p>
                    "Votre établissement est rattaché au contrat de l'établissement principal "
                    <strong>{main.organisation}</strong> " (SIRET " {main.siret} ")."
                </p>
            </section>
        }
        .into_any(),
        None => view! {
            <AttachedEstablishments list=space.attachments.clone() attach=attach detach=detach/>
        }
        .into_any(),
    };
    view! {
        <section class="card">
            <div class="space-head">
                <h1>{space.organisation.clone()}</h1>
                <ActionForm action=logout>
                    <button type="submit" class="button secondary">"Se déconnecter"</button>
                </ActionForm>
            </div>
            <dl class="facts">
                <dt>"SIRET"</dt><dd>{space.siret.clone()}</dd>
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
                    let in_force = a.starts_on.as_str() <= today.as_str()
                        && a.ends_on.as_deref().is_none_or(|end| end >= today.as_str());
                    let validity = match &a.ends_on {
                        Some(end) => format!("du {} au {}", french_date(&a.starts_on), french_date(end)),
                        None => format!("depuis le {}", french_date(&a.starts_on)),
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
                <dd>{space.email.clone()} <span class="hint">" — non modifiable"</span></dd>
            </dl>
        </section>
    }
}

/// `2024-01-15` → `15/01/2024`; anything else is shown as it is.
pub fn french_date(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_shown_the_french_way() {
        assert_eq!(super::french_date("2024-01-15"), "15/01/2024");
        assert_eq!(super::french_date("bientôt"), "bientôt");
    }
}
