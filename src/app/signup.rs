//! Signup form « Créez votre compte » (seed: « Création du compte administrateur »), its server
//! functions, and the confirmation page.

use super::forms::{FieldError, Refused};
use super::markup::Markup;
use crate::domain::email::EMAIL_MAX;
use crate::domain::names::{ORGANISATION_NAME_MAX, PERSON_NAME_MAX};
use crate::domain::signup::email_confirmation_error;
use crate::domain::siret::SIRET_INPUT_MAX;
use crate::domain::siret::{digit_count, group_digits};
use crate::domain::{
    ApprovalSummary, EstablishmentSummary, Field, FormProblem, Problem, SignupForm, Siret,
    UserMessage,
};
use crate::routes;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};
use serde::{Deserialize, Serialize};

/// The answer to the live SIRET check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SiretCheck {
    Eligible {
        establishment: EstablishmentSummary,
        approvals: Vec<ApprovalSummary>,
    },
    /// The SIRET has an account already, active or awaiting its password: the page offers to
    /// log in.
    Registered(Problem),
    /// Not eligible, not a SIRET, or not checkable now.
    Refused(Problem),
}

/// The answer to the live SIRET check, as the page uses it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiretAnswer {
    /// What the page shows, drawn on the server ([`SiretStatus`]): the WASM has no code for it.
    pub status: Markup,
    /// INSEE's name of an eligible establishment, to pre-fill « Nom de l'organisme ».
    pub organisation: Option<String>,
    /// The check itself, for the server's tests and tools; the browser skips it.
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub check: Option<SiretCheck>,
}

#[cfg(feature = "ssr")]
impl SiretAnswer {
    fn of(check: SiretCheck) -> Self {
        let organisation = match &check {
            SiretCheck::Eligible { establishment, .. } => establishment.name.clone(),
            _ => None,
        };
        SiretAnswer {
            status: Markup::render(view! { <SiretStatus check=check.clone()/> }),
            organisation,
            check: Some(check),
        }
    }
}

/// Why « CRÉER » did not create the account, with the form as typed.
pub type SignupProblem = FormProblem<SignupForm>;

/// Live eligibility of a complete SIRET.
#[server(prefix = "/api", endpoint = "verifier-siret", output = super::codec::JsonOut)]
pub async fn check_siret(siret: String) -> Result<SiretAnswer, Refused> {
    answer_siret(siret, true).await.unwrap_or_else(|| {
        use crate::server::http::{refusals::Refusal, web};
        let cause = "SIRET check: INSEE not asked while allowed";
        Err(web::refused((), Refusal::unexpected(&cause)))
    })
}

/// The SIRET check; `None` when it needs an INSEE call and `may_ask_insee` is false (the page
/// then leaves the check to its island).
#[cfg(feature = "ssr")]
async fn answer_siret(siret: String, may_ask_insee: bool) -> Option<Result<SiretAnswer, Refused>> {
    use crate::server::accounts::signup::eligibility;
    use crate::server::http::web;
    use crate::server::registry::directory::KnownOnly;
    let state = web::state();
    let client = web::client_ip().await;
    if let Err(seconds) = state.limits.eligibility.take(&client).await {
        counted("throttled");
        return Some(Err(web::too_many((), seconds)));
    }
    let siret = match Siret::parse(&siret) {
        Ok(s) => s,
        Err(e) => {
            return Some(Ok(answered(
                "invalid",
                SiretCheck::Refused(Problem::Siret(e)),
            )))
        }
    };
    let known_only = KnownOnly(state.directory.as_ref());
    let mut deps = state.signup_deps();
    if !may_ask_insee {
        deps.directory = &known_only;
    }
    let checked = eligibility(&deps, &siret, &client).await;
    siret_check(checked, &state.settings.support_contact)
}

#[cfg(feature = "ssr")]
fn counted(outcome: &'static str) {
    metrics::counter!("hubpro_siret_checks_total", "outcome" => outcome).increment(1);
}

#[cfg(feature = "ssr")]
fn answered(outcome: &'static str, check: SiretCheck) -> SiretAnswer {
    counted(outcome);
    SiretAnswer::of(check)
}

/// An eligibility as the live check tells it. A refused eligibility and a failed check are told
/// as the same problems « CRÉER » would get ([`crate::server::http::refusals`]); `None` when
/// INSEE was not asked.
#[cfg(feature = "ssr")]
fn siret_check(
    checked: Result<crate::domain::Eligibility, crate::server::accounts::signup::SignupError>,
    support: &str,
) -> Option<Result<SiretAnswer, Refused>> {
    use crate::domain::Eligibility;
    use crate::server::accounts::signup::SignupError;
    use crate::server::http::{refusals::Refusal, web};
    use crate::server::registry::directory::DirectoryError;
    let refusal = match checked {
        Ok(Eligibility::Eligible {
            establishment,
            approvals,
        }) => {
            let eligible = SiretCheck::Eligible {
                establishment,
                approvals,
            };
            return Some(Ok(answered("eligible", eligible)));
        }
        Ok(Eligibility::Refused(refusal)) => {
            let registered = refusal.has_account();
            let problem =
                crate::server::http::refusals::ineligible(refusal).naming_support(support);
            let check = if registered {
                SiretCheck::Registered
            } else {
                SiretCheck::Refused
            };
            return Some(Ok(answered("refused", check(problem))));
        }
        Err(SignupError::DirectoryUnavailable(DirectoryError::NotAsked)) => return None,
        Err(e) => Refusal::from(e),
    };
    let problem = refusal.general.unwrap_or(Problem::Unexpected);
    if let Problem::TooManyRequests { .. } = problem {
        // This client's share of INSEE calls is spent: the check itself is refused.
        counted("throttled");
        return Some(Err(web::refused((), Refusal::general(problem))));
    }
    Some(Ok(answered("unavailable", SiretCheck::Refused(problem))))
}

/// The check of a SIRET the page is opened with, drawn into the page. INSEE is asked only for a
/// top-level navigation (a person opening the page): any other site's page could otherwise make
/// its visitors' browsers spend our INSEE quota. `None`: the island checks it once loaded.
#[cfg(feature = "ssr")]
async fn prefilled_check(siret: String) -> Option<Result<SiretAnswer, Refused>> {
    let navigation = crate::server::http::web::is_top_level_navigation();
    answer_siret(siret, navigation).await
}

#[cfg(not(feature = "ssr"))]
async fn prefilled_check(siret: String) -> Option<Result<SiretAnswer, Refused>> {
    Some(check_siret(siret).await)
}

/// « CRÉER »: the server re-checks everything, creates the pending account and queues its email.
#[server(prefix = "/api", endpoint = "creer-compte", output = super::codec::JsonOut)]
pub async fn create_account(
    siret: String,
    organisation: String,
    last_name: String,
    first_name: String,
    email: String,
    email_confirmation: String,
) -> Result<(), SignupProblem> {
    use crate::server::{accounts::signup::sign_up, http::web};
    let form = SignupForm {
        siret,
        organisation,
        last_name,
        first_name,
        email,
        email_confirmation,
    };
    let (state, ip) = (web::state(), web::client_ip().await);
    if let Err(seconds) = state.limits.signup.take(&ip).await {
        return Err(web::too_many(form, seconds));
    }
    let signup = match sign_up(&state.signup_deps(), &form, &ip).await {
        Ok(signup) => signup,
        Err(e) => return Err(web::refused(form, e)),
    };
    metrics::counter!("hubpro_signups_total").increment(1);
    state.outbox_wake.notify_one();
    leptos_axum::redirect(&routes::signup_done(&signup.email));
    Ok(())
}

/// A SIRET worth checking: 14 digits with a right check digit.
fn checkable(text: &str) -> Option<String> {
    (digit_count(text) == 14 && Siret::parse(text).is_ok()).then(|| text.to_owned())
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let query = use_query_map();
    let problem = super::forms::rendered_problem::<CreateAccount, _>();
    // After a refused submission without JavaScript, the form comes back with its refusal.
    let form = problem.as_ref().map(|p| p.form.clone()).unwrap_or_else(|| {
        // Links in the approval notice and in invitations pre-fill the form.
        let query = query.read_untracked();
        SignupForm {
            siret: query.get(routes::query::SIRET).unwrap_or_default(),
            email: query.get(routes::query::ADDRESS).unwrap_or_default(),
            ..Default::default()
        }
    });
    // A pre-filled SIRET is checked before the page is sent: its eligibility is in the HTML.
    let fields = match checkable(&group_digits(&form.siret)) {
        None => view! { <SignupFields form problem check=None/> }.into_any(),
        Some(siret) => {
            // One check per page: Suspense builds its children twice (a first pass only starts
            // what they wait for, then drops it), and a dropped check could have spent an INSEE
            // call of the budget. Both passes share this one.
            let check = futures::FutureExt::shared(prefilled_check(siret));
            let checked = move || {
                let (form, problem, check) = (form.clone(), problem.clone(), check.clone());
                Suspend::new(async move {
                    // The island only shows the status: the check itself stays out of its props.
                    let check = check.await.map(|answer| {
                        answer.map(|answer| SiretAnswer {
                            check: None,
                            ..answer
                        })
                    });
                    view! { <SignupFields form problem check/> }
                })
            };
            view! {
                <Suspense fallback=|| view! { <p class="hint">"Vérification du SIRET…"</p> }>{checked}</Suspense>
            }
            .into_any()
        }
    };
    view! {
        <Title text="Créez votre compte"/>
        <section class="card form-card">
            <h1>"Créez votre compte"</h1>
            <p class="subtitle">"ou " <A href=routes::LOGIN>"connectez-vous"</A></p>
            <p class="banner">"CQC - Centre de Formation Agréé"</p>
            {fields}
        </section>
    }
}

/// The signup form (an island): SIRET grouped and checked as it is typed, the organisation name
/// filled from INSEE, the two addresses compared, refusals shown next to their fields.
#[cfg_attr(island_signup, island)]
#[cfg_attr(not(island_signup), component)]
fn SignupFields(
    form: SignupForm,
    problem: Option<SignupProblem>,
    check: Option<Result<SiretAnswer, Refused>>,
) -> impl IntoView {
    let create = super::forms::submission::<CreateAccount>();
    let problem = super::forms::shown_problem(create, problem);
    let initial_siret = group_digits(&form.siret);

    let (siret_text, set_siret_text) = signal(initial_siret.clone());
    // The SIRET whose check is shown (or awaited), and that check.
    let checked_siret = RwSignal::new(checkable(&initial_siret));
    let check = RwSignal::new(check);
    let checking = RwSignal::new(false);

    let (email, set_email) = signal(form.email.clone());
    let (confirmation, set_confirmation) = signal(form.email_confirmation.clone());
    let organisation_ref = NodeRef::<leptos::html::Input>::new();

    let server_error = move |field: Field| problem.get().and_then(|p| p.message(field));
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
        if let Some(Ok(SiretAnswer {
            organisation: Some(name),
            ..
        })) = check.get()
        {
            if let Some(input) = organisation_ref.get() {
                if input.value().trim().is_empty() {
                    input.set_value(&name);
                }
            }
        }
    });
    // Move focus to the first field in error after a refused submission.
    Effect::new(move |_| {
        if let Some(field) = problem.get().and_then(|p| p.fields.first()) {
            super::forms::focus_by_id(field.id());
        }
    });

    let start_check = move |siret: String| {
        checking.set(true);
        leptos::task::spawn_local(async move {
            let answer = check_siret(siret.clone()).await;
            // Only the answer for the SIRET still in the field is shown.
            if checked_siret.get_untracked().as_ref() == Some(&siret) {
                check.set(Some(answer));
                checking.set(false);
            }
        });
    };
    // A pre-filled SIRET the page could not check (not a top-level navigation): checked now.
    Effect::new(move |_| {
        if check.get_untracked().is_none() {
            if let Some(siret) = checked_siret.get_untracked() {
                start_check(siret);
            }
        }
    });
    let on_siret_input = move |ev: leptos::ev::Event| {
        let grouped = super::forms::regroup_siret_input(&ev);
        let next = checkable(&grouped);
        if next != checked_siret.get_untracked() {
            checked_siret.set(next.clone());
            check.set(None);
            checking.set(false);
            if let Some(siret) = next {
                start_check(siret);
            }
        }
        set_siret_text.set(grouped);
    };

    let pending = create.pending();
    view! {
        <form action=CreateAccount::url() method="post" novalidate
            on:submit=super::forms::on_submit(create, |f| CreateAccount {
                siret: f.text("siret"),
                organisation: f.text("organisation"),
                last_name: f.text("last_name"),
                first_name: f.text("first_name"),
                email: f.text("email"),
                email_confirmation: f.text("email_confirmation"),
            })
        >
            {move || problem.get().and_then(|p| p.general_message()).map(|m| view! {
                <p class="notice error" role="alert">{m}</p>
            })}
            <div class="field">
                <label for="siret">"Numéro de SIRET *"</label>
                <input id="siret" name="siret" type="text" inputmode="numeric"
                    autocomplete="off" maxlength=SIRET_INPUT_MAX.to_string() required
                    aria-describedby="siret-hint siret-status siret-error"
                    aria-invalid=move || (server_error(Field::Siret).is_some() || siret_live_error().is_some()).then_some("true")
                    value=initial_siret
                    on:input=on_siret_input
                />
                <p class="hint" id="siret-hint">
                    "14 chiffres\u{a0}: SIREN (9 premiers chiffres) et NIC (5 derniers chiffres)."
                </p>
                <div id="siret-status" aria-live="polite">
                    {move || if checking.get() {
                        Some(view! { <p class="hint">"Vérification du SIRET…"</p> }.into_any())
                    } else {
                        check.get().map(|answer| match answer {
                            Ok(answer) => view! { <div inner_html=answer.status.into_html()></div> }.into_any(),
                            // A refusal of the check itself (too many checks), or the network failing.
                            Err(problem) => view! {
                                <p class="notice error" role="status">
                                    {problem.general_message().unwrap_or_else(|| Problem::DirectoryUnavailable.user_message())}
                                </p>
                            }
                            .into_any(),
                        })
                    }}
                </div>
                <FieldError id="siret-error" message=Signal::derive(move || {
                    siret_live_error().or_else(|| server_error(Field::Siret))
                })/>
            </div>
            <div class="field">
                <label for="organisation">"Nom de l'organisme *"</label>
                <input id="organisation" name="organisation" type="text" required
                    autocomplete="organization" maxlength=ORGANISATION_NAME_MAX.to_string()
                    node_ref=organisation_ref
                    value=form.organisation.clone()
                    aria-describedby="organisation-error"
                    aria-invalid=move || server_error(Field::Organisation).map(|_| "true")
                />
                <FieldError id="organisation-error" message=Signal::derive(move || server_error(Field::Organisation))/>
            </div>
            <div class="field-row">
                <div class="field">
                    <label for="last_name">"Nom *"</label>
                    <input id="last_name" name="last_name" type="text" required
                        autocomplete="family-name" maxlength=PERSON_NAME_MAX.to_string()
                        value=form.last_name.clone()
                        aria-describedby="last_name-error"
                        aria-invalid=move || server_error(Field::LastName).map(|_| "true")
                    />
                    <FieldError id="last_name-error" message=Signal::derive(move || server_error(Field::LastName))/>
                </div>
                <div class="field">
                    <label for="first_name">"Prénom *"</label>
                    <input id="first_name" name="first_name" type="text" required
                        autocomplete="given-name" maxlength=PERSON_NAME_MAX.to_string()
                        value=form.first_name.clone()
                        aria-describedby="first_name-error"
                        aria-invalid=move || server_error(Field::FirstName).map(|_| "true")
                    />
                    <FieldError id="first_name-error" message=Signal::derive(move || server_error(Field::FirstName))/>
                </div>
            </div>
            <div class="field">
                <label for="email">"Adresse électronique *"</label>
                <input id="email" name="email" type="email" required autocomplete="email"
                    maxlength=EMAIL_MAX.to_string() value=form.email.clone()
                    aria-describedby="email-hint email-error"
                    aria-invalid=move || server_error(Field::Email).map(|_| "true")
                    on:input=move |ev| set_email.set(event_target_value(&ev))
                />
                <p class="hint" id="email-hint">
                    "Cette adresse sera votre identifiant\u{a0}: elle est unique et ne pourra pas être modifiée. "
                    "Préférez une adresse qui restera valable (par exemple une adresse de service)."
                </p>
                <FieldError id="email-error" message=Signal::derive(move || server_error(Field::Email))/>
            </div>
            <div class="field">
                <label for="email_confirmation">"Confirmer votre adresse électronique *"</label>
                <input id="email_confirmation" name="email_confirmation" type="email" required
                    autocomplete="email" maxlength=EMAIL_MAX.to_string()
                    value=form.email_confirmation.clone()
                    aria-describedby="email_confirmation-status email_confirmation-error"
                    aria-invalid=move || (server_error(Field::EmailConfirmation).is_some() || confirmation_hint() == Some(false)).then_some("true")
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
                        Some(false) => Some(Problem::EmailMismatch.user_message()),
                        None => server_error(Field::EmailConfirmation),
                    }
                })/>
            </div>
            <button type="submit" class="button primary wide" disabled=move || pending.get()>
                {move || if pending.get() { "Création en cours…" } else { "CRÉER" }}
            </button>
            <p class="hint">"* champ obligatoire"</p>
        </form>
    }
}

/// What the live SIRET check found (drawn on the server only).
#[cfg(feature = "ssr")]
#[component]
fn SiretStatus(check: SiretCheck) -> impl IntoView {
    let registered = matches!(check, SiretCheck::Registered(_));
    match check {
        SiretCheck::Eligible {
            establishment,
            approvals,
        } => view! {
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
                        <strong>{m.organisation.to_string()}</strong> " (SIRET " {m.siret.grouped()} ")."
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
        SiretCheck::Registered(problem) | SiretCheck::Refused(problem) => {
            view! {
                <div class="notice error" role="status">
                    <p data-problem=problem.code()>{problem.user_message()}</p>
                    {registered.then(|| view! {
                        <p><a href=routes::LOGIN>"Se connecter"</a> " · " <a href=routes::FORGOT_PASSWORD>"Mot de passe oublié"</a></p>
                    })}
                </div>
            }
            .into_any()
        }
    }
}

/// « Votre compte a bien été créé » with the address to check.
#[component]
pub fn SignupDonePage() -> impl IntoView {
    let query = use_query_map();
    // Named only when it is an address: the URL is anyone's to write, the page is ours.
    let address = query
        .read_untracked()
        .get(routes::query::ADDRESS)
        .and_then(|a| crate::domain::EmailAddress::parse(&a).ok());
    view! {
        <Title text="Compte créé"/>
        <section class="card">
            <h1>"Votre compte a bien été créé."</h1>
            <p>
                "Veuillez consulter votre messagerie électronique "
                {address.map(|a| view! { <strong>{a.as_str().to_owned()}</strong> " " })}
                "afin de confirmer votre inscription."
            </p>
            <p class="hint">
                "Le message «\u{a0}Hub Pro Transport\u{a0}: Créer mon mot de passe\u{a0}» peut mettre quelques minutes à arriver."
            </p>
            <p><A href=routes::LOGIN attr:class="button primary">"SE CONNECTER"</A></p>
            <h2 class="small-title">"Vous n'avez pas reçu le message\u{202f}?"</h2>
            <ol class="hint">
                <li>"Vérifiez vos courriers indésirables (spam)."</li>
                <li>
                    "Demandez un nouveau lien avec "
                    <A href=routes::FORGOT_PASSWORD>"«\u{a0}Mot de passe oublié\u{a0}»"</A>
                    "."
                </li>
                <li>"Toujours rien\u{202f}? Contactez le service support\u{a0}: " <super::login::SupportContact/></li>
            </ol>
        </section>
    }
}
