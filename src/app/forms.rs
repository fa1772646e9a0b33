//! Pieces shared by the account forms: the error type of their server functions, and the
//! password input with its eye toggle.

use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A refused form: the message, the field it belongs to, and what to put back in the form (never a
/// password: without JavaScript this travels in the redirect URL).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormError {
    pub message: String,
    pub field: Option<String>,
    pub kept: Option<String>,
}

impl FormError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            ..Default::default()
        }
    }

    pub fn on(mut self, field: &str) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn keeping(mut self, value: &str) -> Self {
        self.kept = Some(value.into());
        self
    }
}

impl std::fmt::Display for FormError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl FromServerFnError for FormError {
    type Encoder = JsonEncoding;
    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        FormError::new(framework_error_message(&e))
    }
}

/// Shown when a request lacks fields or cannot be decoded (never sent by our own pages).
pub const MALFORMED: &str =
    "La requête est incomplète ou mal formée\u{a0}: rechargez la page et réessayez.";

/// The French message for an error raised by the server-function machinery. Missing or
/// undecodable arguments are the client's fault: the server answers them with a 400.
pub fn framework_error_message(e: &ServerFnErrorErr) -> &'static str {
    match e {
        ServerFnErrorErr::Args(_)
        | ServerFnErrorErr::MissingArg(_)
        | ServerFnErrorErr::Deserialization(_) => {
            #[cfg(feature = "ssr")]
            crate::server::web::refuse(axum::http::StatusCode::BAD_REQUEST);
            MALFORMED
        }
        _ => super::signup::UNEXPECTED,
    }
}

/// True once the WASM has taken over the page (effects only run in the browser). Controls that
/// need JavaScript are shown, or enforced, only then: without it the form still submits.
pub fn hydrated() -> ReadSignal<bool> {
    let (done, set_done) = signal(false);
    Effect::new(move |_| set_done.set(true));
    done
}

/// A password input with a button that shows or hides what is typed.
#[component]
pub fn PasswordInput(
    id: &'static str,
    label: &'static str,
    autocomplete: &'static str,
    #[prop(into)] value: RwSignal<String>,
    #[prop(into, optional)] describedby: Option<&'static str>,
    #[prop(into, optional)] invalid: Option<Signal<bool>>,
) -> impl IntoView {
    let visible = RwSignal::new(false);
    let ready = hydrated();
    view! {
        <label for=id>{label}</label>
        <div class="password-box">
            <input id=id name=id required maxlength="200" autocomplete=autocomplete
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
            >
                <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22" fill="none"
                    stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                    <path d="M1 12s4-7 11-7 11 7 11 7-4 7-11 7S1 12 1 12z"/>
                    <circle cx="12" cy="12" r="3"/>
                    <line x1="3" y1="21" x2="21" y2="3" class="eye-slash" visibility=move || if visible.get() { "visible" } else { "hidden" }/>
                </svg>
            </button>
        </div>
    }
}

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
