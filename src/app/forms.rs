//! Pieces shared by the account forms: the error type of their server functions, and the
//! password input with its eye toggle.

use crate::domain::{FormProblem, Problem};
use leptos::prelude::*;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::ServerFn;
use serde::{de::DeserializeOwned, Serialize};

/// The one error type of every server function: a [`FormProblem`]. Errors raised by the
/// machinery itself (missing or undecodable arguments: never sent by our own pages) are the
/// client's fault and answered with a 400.
impl<F> FromServerFnError for FormProblem<F>
where
    F: Clone + Default + std::fmt::Debug + Send + Sync + Serialize + DeserializeOwned + 'static,
{
    type Encoder = super::codec::JsonText;
    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        let problem = match e {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => Problem::Malformed,
            _ => Problem::Unexpected,
        };
        #[cfg(feature = "ssr")]
        crate::server::http::web::set_status(problem.status());
        FormProblem::general(problem)
    }
}

/// A server function's refusal, for requests without a form.
pub type Refused = FormProblem<()>;

/// The refusal a page is rendered with: after a submission without JavaScript, Leptos brings the
/// server function's error back in the URL. Only its codes are read ([`Problem`]'s
/// `Deserialize`); the configured support contact is added here, on the server. Pages pass it to
/// their island, which has no router in the browser to read it from.
pub fn rendered_problem<S, F>() -> Option<FormProblem<F>>
where
    S: ServerFn<Error = FormProblem<F>> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
    FormProblem<F>: FromServerFnError + Clone + Send + Sync + 'static,
{
    let problem = ServerAction::<S>::new()
        .value()
        .get_untracked()
        .and_then(|r| r.err())?;
    #[cfg(feature = "ssr")]
    let problem = match use_context::<crate::server::http::state::AppState>() {
        Some(state) => problem.naming_support(&state.settings.support_contact),
        None => problem,
    };
    Some(problem)
}

/// The submissions of a form island to its server function `S`.
pub type Submission<S> = Action<S, Result<<S as ServerFn>::Output, <S as ServerFn>::Error>>;

/// A form island's submissions. Unlike `ServerAction`, nothing is read from the URL (the page
/// passes a refusal as a prop): the WASM carries no decoder of URL-borne errors.
pub fn submission<S>() -> Submission<S>
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    Action::new(|input: &S| S::run_on_client(input.clone()))
}

/// The values of a submitted form, by input name.
pub struct Fields(leptos::web_sys::FormData);

impl Fields {
    /// The text of the input called `name` (empty when absent).
    pub fn text(&self, name: &str) -> String {
        self.0.get(name).as_string().unwrap_or_default()
    }
}

/// The `submit` handler of a form island: the island sends `read(fields)` to the server
/// function instead of letting the browser post the form. Without the WASM the browser posts it
/// to the same server function (the form's `action`), so both ways share one server path.
/// Written here rather than `ActionForm`, whose generic form decoding (serde_qs) and URL-error
/// decoding weighed ≈ 35 KB of the WASM.
pub fn on_submit<S>(
    action: Submission<S>,
    read: fn(&Fields) -> S,
) -> impl Fn(leptos::ev::SubmitEvent) + 'static
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    use leptos::wasm_bindgen::JsCast;
    move |ev| {
        ev.prevent_default();
        let form = ev
            .target()
            .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlFormElement>().ok());
        if let Some(data) = form.and_then(|f| leptos::web_sys::FormData::new_with_form(&f).ok()) {
            action.dispatch(read(&Fields(data)));
        }
    }
}

/// What a form island shows: the answer to its last submission, else the refusal it was rendered
/// with.
pub fn shown_problem<S>(
    action: Submission<S>,
    rendered: Option<S::Error>,
) -> Signal<Option<S::Error>>
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
    S::Error: FromServerFnError + Clone + Send + Sync + 'static,
{
    Signal::derive(move || match action.value().get() {
        Some(answer) => answer.err(),
        None => rendered.clone(),
    })
}

/// True once the WASM has taken over the page (effects only run in the browser). Controls that
/// need JavaScript are shown, or enforced, only then: without it the form still submits.
pub fn hydrated() -> ReadSignal<bool> {
    let (done, set_done) = signal(false);
    Effect::new(move |_| set_done.set(true));
    done
}

/// The eye of the toggle; its slash shows while the password is visible (CSS on `aria-pressed`).
/// Static markup, so that hydration does not walk it.
const EYE_ICON: &str = r#"<svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M1 12s4-7 11-7 11 7 11 7-4 7-11 7S1 12 1 12z"/><circle cx="12" cy="12" r="3"/><line x1="3" y1="21" x2="21" y2="3" class="eye-slash"/></svg>"#;

/// A password input with a button that shows or hides what is typed.
#[component]
pub fn PasswordInput(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    #[prop(into)] autocomplete: String,
    #[prop(into)] value: RwSignal<String>,
    #[prop(into, optional)] describedby: Option<String>,
    #[prop(into, optional)] invalid: Option<Signal<bool>>,
) -> impl IntoView {
    let maxlength = crate::domain::password::PASSWORD_MAX.to_string();
    let visible = RwSignal::new(false);
    let ready = hydrated();
    view! {
        <label for=id.clone()>{label}</label>
        <div class="password-box">
            <input id=id.clone() name=id.clone() required maxlength=maxlength autocomplete=autocomplete
                type=move || if visible.get() { "text" } else { "password" }
                aria-describedby=describedby
                aria-invalid=move || invalid.map(|s| s.get()).unwrap_or(false).then_some("true")
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <button type="button" class="eye" hidden=move || !ready.get()
                aria-pressed=move || if visible.get() { "true" } else { "false" }
                aria-label=move || if visible.get() { "Masquer le mot de passe" } else { "Afficher le mot de passe" }
                aria-controls=id
                on:click=move |_| visible.update(|v| *v = !*v)
                inner_html=EYE_ICON
            ></button>
        </div>
    }
}

/// A password input and its eye toggle in a form that is plain HTML (the login form): no WASM,
/// the page's few lines of script ([`EYE_SCRIPT`]) show the button and make it work.
#[component]
pub fn PasswordField(
    id: &'static str,
    label: &'static str,
    autocomplete: &'static str,
    describedby: &'static str,
) -> impl IntoView {
    let maxlength = crate::domain::password::PASSWORD_MAX.to_string();
    view! {
        <label for=id>{label}</label>
        <div class="password-box">
            <input id=id name=id type="password" required maxlength=maxlength
                autocomplete=autocomplete aria-describedby=describedby/>
            <button type="button" class="eye" hidden aria-pressed="false"
                aria-label="Afficher le mot de passe" aria-controls=id inner_html=EYE_ICON></button>
        </div>
    }
}

/// The eye toggles of a page without islands, as [`PasswordInput`] does them in an island; then
/// the page says it is ready, as the WASM does elsewhere.
pub const EYE_SCRIPT: &str = r#"for (const eye of document.querySelectorAll("button.eye[aria-controls]")) {
  const input = document.getElementById(eye.getAttribute("aria-controls"));
  eye.addEventListener("click", () => {
    const show = input.type === "password";
    input.type = show ? "text" : "password";
    eye.setAttribute("aria-pressed", String(show));
    eye.setAttribute("aria-label", show ? "Masquer le mot de passe" : "Afficher le mot de passe");
  });
  eye.hidden = false;
}
document.body.dataset.hydrated = "true";"#;

/// Regroups a SIRET input as `477 280 846 03753` while the user types, keeping the caret after
/// the same digit; returns the grouped text.
pub fn regroup_siret_input(ev: &leptos::ev::Event) -> String {
    use crate::domain::siret::{caret_after_grouping, group_digits};
    let input: leptos::web_sys::HtmlInputElement = event_target(ev);
    let raw = input.value();
    let caret = input
        .selection_start()
        .ok()
        .flatten()
        .map(|c| c as usize)
        .unwrap_or(raw.len());
    let grouped = group_digits(&raw);
    if grouped != raw {
        let caret = caret_after_grouping(&raw, caret) as u32;
        input.set_value(&grouped);
        let _ = input.set_selection_range(caret, caret);
    }
    grouped
}

/// A field's error message, linked to its input by `aria-describedby`.
#[component]
pub fn FieldError(
    id: &'static str,
    #[prop(into)] message: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <p class="error" id=id hidden=move || message.get().is_none()>
            {move || message.get()}
        </p>
    }
}

/// Moves the focus to the element with this id (the first field in error after a refusal).
pub fn focus_by_id(id: &str) {
    use leptos::wasm_bindgen::JsCast;
    if let Some(el) = document()
        .get_element_by_id(id)
        .and_then(|el| el.dyn_into::<leptos::web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
