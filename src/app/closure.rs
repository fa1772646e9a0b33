//! « Clôturer le compte »: what closing means and its button (after a recent login), and the
//! page shown once the account is closed. Plain forms: no script.

use super::forms::Refused;
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

/// What the closure page needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosureView {
    pub organisation: String,
    pub siret: String,
    pub attached: usize,
    pub retention_days: u32,
    /// Days the audit trail is kept.
    pub audit_days: u32,
    pub recent_login: bool,
    pub needs_code: bool,
    pub passkey: bool,
}

/// The closure page; without a session, off to the login page.
#[server(prefix = "/api", endpoint = "cloture", output = super::codec::JsonOut)]
pub async fn closure_status() -> Result<Option<ClosureView>, Refused> {
    use crate::server::{accounts::space, http::web};
    let state = web::state();
    let Some(caller) = web::caller(&state).await else {
        leptos_axum::redirect(routes::LOGIN);
        return Ok(None);
    };
    let (account, offered) = (&caller.account, state.webauthn.is_some());
    let attached = state.store.attachments_of(account.id).await;
    let confirm = space::confirmation(&state.store, account, &caller.session, offered).await;
    let (attached, confirm) = attached
        .and_then(|a| Ok((a.len(), confirm?)))
        .map_err(|e| web::refused((), e))?;
    Ok(Some(ClosureView::of(
        account,
        attached,
        confirm,
        &state.settings,
    )))
}

#[cfg(feature = "ssr")]
impl ClosureView {
    fn of(
        account: &crate::server::store::Account,
        attached: usize,
        confirm: crate::server::accounts::space::Confirmation,
        settings: &crate::server::config::Settings,
    ) -> Self {
        ClosureView {
            organisation: account.organisation_name.to_string(),
            siret: account.siret.grouped(),
            attached,
            retention_days: settings.lifecycle.closed_retention_days,
            audit_days: settings.audit_retention_days,
            recent_login: confirm.recent_login,
            needs_code: confirm.needs_code,
            passkey: confirm.passkey,
        }
    }
}

/// « Clôturer définitivement le compte ».
#[server(prefix = "/api", endpoint = "cloturer-compte", output = super::codec::JsonOut)]
pub async fn close_account() -> Result<(), Refused> {
    use crate::server::accounts::closure;
    use crate::server::http::{cookies, web};
    let state = web::state();
    let caller = web::caller(&state).await;
    let caller = caller.ok_or_else(|| web::session_ended(()))?;
    let closed = closure::close_from_space(&state.store, &caller, &state.settings).await;
    if !closed.map_err(|e| web::refused((), e))? {
        return Err(web::session_ended(()));
    }
    state.outbox_wake.notify_one();
    web::clear_cookie(&state, cookies::Kind::Session);
    leptos_axum::redirect(routes::CLOSED);
    Ok(())
}

#[component]
pub fn ClosurePage() -> impl IntoView {
    let status = Resource::new(|| (), |_| async move { closure_status().await });
    view! {
        <Title text="Clôturer le compte"/>
        <leptos_meta::Stylesheet href=super::second_factor::STYLESHEET/>
        <Suspense fallback=|| view! { <section class="card"><p>"Chargement…"</p></section> }>
            {move || status.get().map(|r| match r {
                Ok(Some(view)) => view! { <ClosureContent view/> }.into_any(),
                Ok(None) => view! { <section class="card"><p>"Redirection vers la connexion…"</p></section> }.into_any(),
                Err(p) => view! { <section class="card"><p class="notice error">{p.general_message()}</p></section> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn ClosureContent(view: ClosureView) -> impl IntoView {
    let close = ServerAction::<CloseAccount>::new();
    let refused = super::space::confirm_refusal("closure-reauth")
        .or_else(super::forms::rendered_problem::<CloseAccount, _>)
        .and_then(|p| Some((p.general_code()?, p.general_message()?)));
    let attached = match view.attached {
        0 => None,
        1 => Some("L'établissement rattaché à votre contrat en est informé et n'y est plus rattaché.".to_owned()),
        n => Some(format!(
            "Les {n} établissements rattachés à votre contrat en sont informés et n'y sont plus rattachés."
        )),
    };
    let action = if view.recent_login {
        view! {
            <ActionForm action=close>
                <button type="submit" class="button danger">"Clôturer définitivement le compte"</button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! {
            <super::space::ConfirmIdentity id="closure-reauth"
                label="Confirmez votre mot de passe pour clôturer le compte *"
                needs_code=view.needs_code passkey=view.passkey describedby="closure-error"/>
        }
        .into_any()
    };
    view! {
        <section class="card form-card" aria-labelledby="closure-title">
            <h1 id="closure-title">"Clôturer le compte"</h1>
            <p>
                "Vous allez clôturer le compte Hub Pro Transport de " <strong>{view.organisation.clone()}</strong>
                " (SIRET " {view.siret.clone()} ")\u{a0}:"
            </p>
            <ul>
                <li>"toutes ses sessions et tous ses liens cesseront aussitôt de fonctionner\u{202f};"</li>
                <li>"le SIRET redeviendra libre\u{a0}: votre centre pourra créer un nouveau compte, s'il dispose toujours d'un agrément et d'un SIRET actif\u{202f};"</li>
                {attached.map(|a| view! { <li>{a}</li> })}
                <li>{format!(
                    "votre adresse électronique sera conservée {}\u{a0}jours pour répondre à une éventuelle question, puis effacée\u{202f}; l'historique de sécurité est conservé {}\u{a0}jours.",
                    view.retention_days, view.audit_days
                )}</li>
            </ul>
            <p>
                "Si seul l'administrateur change, préférez "
                <A href=routes::HANDOVER>"«\u{a0}Changer d'administrateur\u{a0}»"</A>
                "\u{a0}: le compte et ses établissements rattachés sont conservés. Pensez aussi à "
                <a href=routes::MY_DATA download>"télécharger vos données"</a> " avant de clôturer."
            </p>
            <div id="closure-error" aria-live="assertive">
                {refused.map(|(code, m)| view! { <p class="notice error" role="alert" data-problem=code>{m}</p> })}
            </div>
            {action}
            <p><A href=routes::SPACE>"Revenir à mon espace"</A></p>
        </section>
    }
}

/// After the closure.
#[component]
pub fn ClosedPage() -> impl IntoView {
    view! {
        <Title text="Compte clôturé"/>
        <section class="card form-card">
            <h1>"Votre compte a été clôturé."</h1>
            <p role="status">
                "Un message de confirmation va être envoyé à l'adresse électronique du compte. Le SIRET est "
                "de nouveau libre\u{a0}: votre centre peut créer un nouveau compte, s'il dispose toujours d'un "
                "agrément et d'un SIRET actif."
            </p>
            <p><A href=routes::HOME attr:class="button secondary">"Revenir à l'accueil"</A></p>
        </section>
    }
}
