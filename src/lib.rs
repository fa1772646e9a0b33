//! Hub Pro Transport: the portal where an approved driver-training centre creates the
//! administrator account it needs to send its trainees' data to the card issuer.
//!
//! - [`domain`]: pure types and rules, shared by the browser (WASM) and the server;
//! - [`app`]: the Leptos user interface (server-rendered, hydrated in the browser);
//! - [`routes`]: every path, and the links built from them;
//! - `server` (feature `ssr`): configuration, storage, external services, HTTP wiring.

pub mod app;
pub mod domain;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod server;

/// Browser entry point: attaches the interactive behaviour to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Lets browser tests wait for interactivity instead of guessing.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
