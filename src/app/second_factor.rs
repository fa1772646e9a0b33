//! « Double authentification »: the space's card (turn the authenticator app on or off, new
//! recovery codes), the set-up page (QR code, secret as text, a first code) and the page that
//! shows new recovery codes once. Plain forms: no script.

use super::forms::Refused;
use crate::domain::messages::french_date;
use crate::domain::second_factor::CODE_MAX;
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

/// The second factor's styles, linked by its pages only (not by the signup page).
pub const STYLESHEET: &str = "/second-factor.css";

/// What the space shows of the second factor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactorView {
    /// When the authenticator app was turned on.
    pub on_since: Option<time::Date>,
    pub codes_left: i64,
    pub passkeys: Vec<super::passkeys::PasskeyView>,
    /// This address offers passkeys (not an IP address).
    pub passkeys_offered: bool,
}

/// The set-up page's content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupView {
    /// The QR code, an SVG drawn on the server from our own data.
    pub qr_svg: String,
    pub secret_grouped: String,
}

/// New recovery codes, and the same as a text file to download.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodesView {
    pub codes: Vec<String>,
    /// A `data:` address of the text file.
    pub download: String,
}

/// « Activer la double authentification »: a new secret, then its set-up page.
#[server(prefix = "/api", endpoint = "activer-double-authentification", output = super::codec::JsonOut)]
pub async fn start_app() -> Result<(), Refused> {
    use crate::server::http::web;
    let state = web::state();
    let caller = web::signed_in(&state).await?;
    let started = state.factors().start(&caller.asker()).await;
    started.map_err(|e| web::refused((), e))?;
    leptos_axum::redirect(routes::SECOND_FACTOR);
    Ok(())
}

/// The first code confirms the app: it is on, and the recovery codes are shown.
#[server(prefix = "/api", endpoint = "confirmer-double-authentification", output = super::codec::JsonOut)]
pub async fn confirm_app(code: String) -> Result<(), Refused> {
    use crate::server::http::web;
    let state = web::state();
    let caller = web::signed_in(&state).await?;
    let confirmed = state.factors().confirm(&caller.asker(), &code).await;
    confirmed.map_err(|e| web::refused((), e))?;
    state.outbox_wake.notify_one();
    leptos_axum::redirect(routes::RECOVERY_CODES);
    Ok(())
}

/// « Désactiver la double authentification ».
#[server(prefix = "/api", endpoint = "desactiver-double-authentification", output = super::codec::JsonOut)]
pub async fn remove_app() -> Result<(), Refused> {
    use crate::server::http::web;
    let state = web::state();
    let caller = web::signed_in(&state).await?;
    let removed = state.factors().remove(&caller.asker()).await;
    removed.map_err(|e| web::refused((), e))?;
    state.outbox_wake.notify_one();
    leptos_axum::redirect(routes::SPACE);
    Ok(())
}

/// « Créer de nouveaux codes de secours »: the old ones stop working.
#[server(prefix = "/api", endpoint = "renouveler-codes-de-secours", output = super::codec::JsonOut)]
pub async fn renew_codes() -> Result<(), Refused> {
    use crate::server::http::web;
    let state = web::state();
    let caller = web::signed_in(&state).await?;
    let renewed = state.factors().renew_codes(&caller.asker()).await;
    renewed.map_err(|e| web::refused((), e))?;
    state.outbox_wake.notify_one();
    leptos_axum::redirect(routes::RECOVERY_CODES);
    Ok(())
}

/// The app being set up; without a session, off to the login page.
#[server(prefix = "/api", endpoint = "double-authentification", output = super::codec::JsonOut)]
pub async fn app_setup() -> Result<Option<SetupView>, Refused> {
    use crate::server::http::web;
    let state = web::state();
    let Some(caller) = web::caller(&state).await else {
        leptos_axum::redirect(routes::LOGIN);
        return Ok(None);
    };
    let setup = state.factors().setup(&caller.asker()).await;
    Ok(setup.map_err(|e| web::refused((), e))?.map(|s| SetupView {
        qr_svg: s.qr_svg,
        secret_grouped: s.secret_grouped,
    }))
}

/// The new recovery codes, once (a second visit finds none).
#[server(prefix = "/api", endpoint = "codes-de-secours", output = super::codec::JsonOut)]
pub async fn unseen_codes() -> Result<Option<CodesView>, Refused> {
    use crate::server::http::web;
    let state = web::state();
    let Some(caller) = web::caller(&state).await else {
        leptos_axum::redirect(routes::LOGIN);
        return Ok(None);
    };
    let codes = state.factors().take_unseen_codes(&caller.asker()).await;
    let codes = codes.map_err(|e| web::refused((), e))?;
    Ok(codes.map(|codes| CodesView::of(&caller.account.email, codes)))
}

#[cfg(feature = "ssr")]
impl CodesView {
    /// The codes, and the same as a text file naming the account and the day.
    fn of(email: &crate::domain::EmailAddress, codes: Vec<String>) -> Self {
        let text = format!(
            "Hub Pro Transport — codes de secours\nCompte\u{a0}: {}\nCréés le {}\n\n{}\n\nChaque code permet une seule connexion, si vous n'avez plus accès à votre application d'authentification.\n",
            email,
            french_date(crate::server::store::now().date()),
            codes.join("\n")
        );
        CodesView {
            download: format!("data:text/plain;charset=utf-8,{}", percent_encoded(&text)),
            codes,
        }
    }
}

/// Every byte but the unreserved ones, as `%XX` (a `data:` address).
#[cfg(feature = "ssr")]
fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect()
}

/// The space's « Double authentification » card: the authenticator app, the passkeys, the
/// recovery codes. Changes need a recent login (else the confirmation form shows).
#[component]
pub fn SecondFactorCard(factor: FactorView, recent_login: bool) -> impl IntoView {
    use super::forms::rendered_problem;
    use super::passkeys::RemovePasskey;
    let start = ServerAction::<StartApp>::new();
    let remove = ServerAction::<RemoveApp>::new();
    let renew = ServerAction::<RenewCodes>::new();
    let remove_passkey = ServerAction::<RemovePasskey>::new();
    let refused = super::space::confirm_refusal("factor-reauth")
        .or_else(rendered_problem::<StartApp, _>)
        .or_else(rendered_problem::<RemoveApp, _>)
        .or_else(rendered_problem::<RenewCodes, _>)
        .or_else(rendered_problem::<RemovePasskey, _>)
        .and_then(|p| Some((p.general_code()?, p.general_message()?)));
    let on = factor.on_since.is_some() || !factor.passkeys.is_empty();
    let passkey = factor.passkeys_offered && !factor.passkeys.is_empty();
    let confirm = (!recent_login).then(|| {
        view! {
            <super::space::ConfirmIdentity id="factor-reauth"
                label="Confirmez votre mot de passe pour modifier la double authentification *"
                needs_code=on passkey describedby="factor-error"/>
        }
    });
    let summary = if on {
        view! {
            <p class="notice ok" data-factor="on">
                "Activée\u{a0}: après le mot de passe, chaque connexion demande un code de votre application "
                "d'authentification ou une clé d'accès."
            </p>
        }
        .into_any()
    } else {
        view! {
            <p data-factor="off">
                "Désactivée. Protégez mieux votre compte\u{a0}: en plus du mot de passe, chaque connexion "
                "demandera le code à 6 chiffres affiché par une application d'authentification sur votre "
                "téléphone, ou une clé d'accès."
            </p>
        }
        .into_any()
    };
    let app = match factor.on_since {
        Some(since) => view! {
            <p>"Activée le " {french_date(since)} "."</p>
            {recent_login.then(|| view! {
                <ActionForm action=remove>
                    <button type="submit" class="button secondary">"Retirer l'application d'authentification"</button>
                </ActionForm>
            })}
        }
        .into_any(),
        None => view! {
            {recent_login.then(|| view! {
                <ActionForm action=start>
                    <button type="submit" class="button primary">
                        {if on { "Ajouter une application d'authentification" } else { "Activer la double authentification" }}
                    </button>
                </ActionForm>
            })}
        }
        .into_any(),
    };
    let passkeys = factor.passkeys_offered.then(|| {
        let list = factor.passkeys.clone();
        let count = list.len().to_string();
        view! {
            <h3 class="small-title">"Clés d'accès"</h3>
            <p class="hint">
                "Une clé d'accès (empreinte, visage ou code PIN de votre appareil, ou clé de sécurité) "
                "remplace le code de l'application, et permet même de se connecter sans mot de passe."
            </p>
            <ul class="sessions" data-passkeys=count>
                {list.into_iter().map(|p| view! {
                    <li>
                        <strong>{p.name.clone()}</strong>
                        <br/>
                        <span class="hint">
                            {format!("ajoutée le {} · {}", french_date(p.added_on),
                                p.used_on.map_or("jamais utilisée".to_owned(), |d| format!("utilisée le {}", french_date(d))))}
                        </span>
                        {recent_login.then(|| view! {
                            <ActionForm action=remove_passkey>
                                <input type="hidden" name="id" value=p.id.to_string()/>
                                <button type="submit" class="button secondary">"Supprimer cette clé"</button>
                            </ActionForm>
                        })}
                    </li>
                }).collect_view()}
            </ul>
            {recent_login.then(|| view! {
                <div class="field">
                    <label for="passkey-name">"Nom de la nouvelle clé (facultatif)"</label>
                    <input id="passkey-name" type="text" maxlength="60" autocomplete="off"
                        placeholder="Ordinateur du bureau"/>
                </div>
                <button type="button" class="button secondary" id="passkey-add" hidden
                    data-passkey="add" data-status="passkey-add-status">"Ajouter une clé d'accès"</button>
                <p class="error" id="passkey-add-status" role="alert"></p>
                <noscript><p class="hint">"L'ajout d'une clé d'accès nécessite JavaScript."</p></noscript>
                <script src="/passkeys.js" defer></script>
            })}
        }
    });
    let codes = on.then(|| view! {
        <h3 class="small-title">"Codes de secours"</h3>
        <p>
            {match factor.codes_left {
                0 => "Il ne vous reste aucun code de secours\u{a0}: créez-en de nouveaux.".to_owned(),
                1 => "Il vous reste 1 code de secours.".to_owned(),
                n => format!("Il vous reste {n} codes de secours."),
            }}
        </p>
        {recent_login.then(|| view! {
            <ActionForm action=renew>
                <button type="submit" class="button secondary">"Créer de nouveaux codes de secours"</button>
            </ActionForm>
        })}
    });
    view! {
        <section class="card" aria-labelledby="factor-title">
            <h2 id="factor-title">"Double authentification"</h2>
            <div id="factor-error" aria-live="assertive">
                {refused.map(|(code, m)| view! { <p class="notice error" role="alert" data-problem=code>{m}</p> })}
            </div>
            {summary}
            {confirm}
            <h3 class="small-title">"Application d'authentification"</h3>
            {app}
            {passkeys}
            {codes}
        </section>
    }
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let setup = Resource::new(|| (), |_| async move { app_setup().await });
    let confirm = ServerAction::<ConfirmApp>::new();
    let error = StoredValue::new(
        super::forms::rendered_problem::<ConfirmApp, _>()
            .and_then(|p| Some((p.general_code()?, p.general_message()?))),
    );
    view! {
        <Title text="Activer la double authentification"/>
        <leptos_meta::Stylesheet href=STYLESHEET/>
        <Suspense fallback=|| view! { <section class="card"><p>"Chargement…"</p></section> }>
            {move || setup.get().map(|r| match r {
                Ok(Some(s)) => view! {
                    <section class="card form-card">
                        <h1>"Activer la double authentification"</h1>
                        <ol class="steps">
                            <li>
                                "Installez sur votre téléphone une application d'authentification, si vous n'en avez pas "
                                "(par exemple Google Authenticator, Microsoft Authenticator ou FreeOTP)."
                            </li>
                            <li>
                                "Dans l'application, ajoutez un compte en scannant ce QR code\u{a0}:"
                                <div class="qr" role="img" aria-label="QR code à scanner avec l'application d'authentification" inner_html=s.qr_svg></div>
                                "Si vous ne pouvez pas le scanner, saisissez plutôt cette clé dans l'application\u{a0}:"
                                <p><code class="secret" data-secret=s.secret_grouped.replace(' ', "")>{s.secret_grouped.clone()}</code></p>
                            </li>
                            <li>
                                <ActionForm action=confirm>
                                    <div id="setup-error" aria-live="assertive">
                                        {error.get_value().map(|(code, m)| view! { <p class="notice error" role="alert" data-problem=code>{m}</p> })}
                                    </div>
                                    <div class="field">
                                        <label for="code">"Code à 6 chiffres affiché par l'application *"</label>
                                        <input id="code" name="code" type="text" required inputmode="numeric"
                                            autocomplete="one-time-code" maxlength=CODE_MAX.to_string() spellcheck="false"
                                            aria-describedby="setup-error" class="code-input"/>
                                    </div>
                                    <button type="submit" class="button primary wide">"Confirmer"</button>
                                </ActionForm>
                            </li>
                        </ol>
                        <p><A href=routes::SPACE>"Annuler et revenir à mon espace"</A></p>
                    </section>
                }
                .into_any(),
                Ok(None) => view! {
                    <section class="card">
                        <h1>"Double authentification"</h1>
                        <p>"Aucune activation n'est en cours\u{a0}: revenez à votre espace pour l'activer ou la gérer."</p>
                        <p><A href=routes::SPACE>"Revenir à mon espace"</A></p>
                    </section>
                }
                .into_any(),
                Err(e) => view! { <section class="card"><p class="notice error">{e.general_message()}</p></section> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
pub fn RecoveryCodesPage() -> impl IntoView {
    let codes = Resource::new(|| (), |_| async move { unseen_codes().await });
    view! {
        <Title text="Vos codes de secours"/>
        <leptos_meta::Stylesheet href=STYLESHEET/>
        <Suspense fallback=|| view! { <section class="card"><p>"Chargement…"</p></section> }>
            {move || codes.get().map(|r| match r {
                Ok(Some(c)) => view! {
                    <section class="card form-card">
                        <h1>"Vos codes de secours"</h1>
                        <p class="notice ok" role="status">"La double authentification est activée."</p>
                        <p>
                            "Si vous n'avez plus accès à votre application d'authentification, chacun de ces codes "
                            "permet de vous connecter, une seule fois. "
                            <strong>"Notez-les ou téléchargez-les maintenant et gardez-les en lieu sûr\u{a0}: ils ne seront plus affichés."</strong>
                        </p>
                        <ol class="recovery-codes">
                            {c.codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
                        </ol>
                        <p>
                            <a class="button secondary" href=c.download download="codes-de-secours-hub-pro-transport.txt">
                                "Télécharger les codes (fichier texte)"
                            </a>
                        </p>
                        <p><A href=routes::SPACE attr:class="button primary">"J'ai noté mes codes, revenir à mon espace"</A></p>
                    </section>
                }
                .into_any(),
                Ok(None) => view! {
                    <section class="card">
                        <h1>"Vos codes de secours"</h1>
                        <p>
                            "Vos codes de secours ont déjà été affichés\u{a0}: ils ne le sont qu'une fois. Si vous ne les "
                            "avez plus, créez-en de nouveaux depuis votre espace (les anciens ne fonctionneront plus)."
                        </p>
                        <p><A href=routes::SPACE>"Revenir à mon espace"</A></p>
                    </section>
                }
                .into_any(),
                Err(e) => view! { <section class="card"><p class="notice error">{e.general_message()}</p></section> }.into_any(),
            })}
        </Suspense>
    }
}
