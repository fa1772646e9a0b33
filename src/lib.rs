//! Hub Pro Transport: the portal where an approved driver-training centre creates the
//! administrator account it needs to send its trainees' data to the card issuer.
//!
//! - [`domain`]: pure types and rules, shared by the browser (WASM) and the server;
//! - [`app`]: the Leptos user interface (server-rendered; its islands hydrate in the browser);
//! - [`routes`]: every path, and the links built from them;
//! - `server` (feature `ssr`): configuration, storage, external services, HTTP wiring.

pub mod app;
pub mod domain;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod server;

/// Browser entry point: Leptos' script calls it, then hydrates each island of the page (the
/// interactive parts; the rest of the page is plain HTML).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // A server function's redirect (after « CRÉER », « Valider ») loads the page it names.
    let _ = leptos::server_fn::redirect::set_redirect_hook(|to: &str| {
        let _ = leptos::prelude::window().location().set_href(to);
    });
    leptos::mount::hydrate_islands();
    // The islands are hydrated in the same task, right after this returns: the mark that lets
    // browser tests (and the first-visit bench) wait for interactivity comes in the next one.
    leptos::prelude::set_timeout(
        || {
            if let Some(body) = leptos::prelude::document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
