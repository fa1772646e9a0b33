//! The user interface: server-rendered pages whose interactive parts are islands hydrated in
//! the browser (`#[island]`: the signup, password, login and attach forms). The pages' French is in
//! [`texts`] or next to the markup it belongs to; the French of problems is made in one place,
//! `domain::messages`; the server layer writes none but its emails'.

pub mod closure;
pub mod codec;
pub mod establishments;
pub mod forms;
pub mod handover;
mod home;
mod layout;
pub mod legal;
pub mod login;
pub mod markup;
mod not_found;
pub mod not_us;
pub mod passkeys;
pub mod password;
mod profile;
pub mod second_factor;
pub mod signup;
pub mod space;
#[cfg(feature = "ssr")]
pub mod standalone;
pub mod texts;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    document(&options)
}

/// [`shell`] with a borrowed configuration: the pages' route renders it without a copy.
pub fn document(options: &LeptosOptions) -> impl IntoView {
    // The page's Content-Security-Policy names the nonce Leptos puts on its own scripts.
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(value) =
            axum::http::HeaderValue::from_str(&crate::server::http::security::page_policy(&nonce))
        {
            response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
    // Hashed names (hash.txt beside the binary) when the build made them.
    #[cfg(feature = "ssr")]
    let stylesheet = crate::server::http::assets::stylesheet_href(options);
    #[cfg(not(feature = "ssr"))]
    let stylesheet = {
        let _ = options;
        String::new()
    };
    // Only the pages holding an island link the front end; the others are plain HTML (the
    // password link page, opened from an email, is usable at once on a poor connection).
    #[cfg(feature = "ssr")]
    let page = use_context::<axum::http::request::Parts>()
        .and_then(|parts| crate::routes::page_at(parts.uri.path()));
    #[cfg(feature = "ssr")]
    let (bundle, eye) = (
        page.and_then(|p| p.bundle),
        page.is_some_and(|p| p.eye_script),
    );
    #[cfg(not(feature = "ssr"))]
    let (bundle, eye) = (None::<crate::routes::Bundle>, false);
    let islands = bundle.is_some();
    view! {
        <!DOCTYPE html>
        <html lang="fr">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link id="leptos" rel="stylesheet" href=stylesheet/>
                {bundle.map(|bundle| island_scripts(options, bundle))}
                {eye.then(eye_script)}
                <MetaTags/>
            </head>
            // Nothing to hydrate: the page is interactive as it arrives (the mark browser tests and
            // the first-visit bench wait for; the WASM sets it on pages with islands).
            <body data-hydrated=(!islands && !eye).then_some("true")>
                <App/>
            </body>
        </html>
    }
}

/// The links to the page's WASM and its loader, on a page with islands. Leptos' `HydrationScripts` does
/// the same but reads `hash.txt` at each render (6 % of a rendered page's time) and waits for the
/// browser to be idle before loading anything; the names are found once here, and the loader
/// starts at once (the WASM is already coming: it is preloaded).
#[cfg(feature = "ssr")]
fn island_scripts(options: &LeptosOptions, bundle: crate::routes::Bundle) -> impl IntoView {
    // Outside the islands nothing hydrates: no hydration marks in the rest of the page.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let (js, wasm) = crate::server::http::assets::front_end(options, bundle);
    view! {
        <link rel="modulepreload" href=js.as_str() crossorigin=""/>
        <link rel="preload" href=wasm.as_str() r#as="fetch" r#type="application/wasm" crossorigin=""/>
        <script type="module" nonce=leptos::nonce::use_nonce()>
            {format!("({ISLAND_LOADER})({js:?}, {wasm:?})")}
        </script>
    }
}

#[cfg(not(feature = "ssr"))]
fn island_scripts(_: &LeptosOptions, _: crate::routes::Bundle) {}

/// A page whose only script is the eye toggle: that script, in the page (deferred, as a module).
fn eye_script() -> impl IntoView {
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{forms::EYE_SCRIPT}</script> }
}

/// Loads the JS glue and the WASM, then hydrates each island: `hydrate` (lib.rs) sets up the
/// reactive root, each `<leptos-island>` names its island's function. Islands are not nested.
#[cfg(feature = "ssr")]
const ISLAND_LOADER: &str = r#"async (js, wasm) => {
  const front = await import(js);
  await front.default({ module_or_path: wasm });
  front.hydrate();
  for (const island of document.querySelectorAll("leptos-island")) {
    const hydrate = front[island.dataset.component];
    if (hydrate) hydrate(island); else console.error("island without code:", island.dataset.component);
  }
}"#;

/// Routes of the app.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Meta name="description" content=texts::META_DESCRIPTION/>
        <Title formatter=|title: String| format!("{title} · Hub Pro Transport")/>
        <Router>
            <layout::Frame>
                <Routes fallback=not_found::NotFound>
                    <Route path=path!("/") view=home::HomePage/>
                    <Route path=path!("/creer-un-compte") view=profile::ProfilePage/>
                    // In order: without JavaScript the eligibility of a pre-filled SIRET is in the HTML.
                    <Route path=path!("/inscription") view=signup::SignupPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/inscription/confirmee") view=signup::SignupDonePage/>
                    <Route path=path!("/mot-de-passe/creer") view=password::PasswordLinkPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/mot-de-passe/nouveau") view=password::NewPasswordPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/mot-de-passe/enregistre") view=password::PasswordSavedPage/>
                    <Route path=path!("/connexion") view=login::LoginPage/>
                    <Route path=path!("/connexion/code") view=login::LoginCodePage ssr=SsrMode::Async/>
                    <Route path=path!("/ce-n-est-pas-nous") view=not_us::NotUsPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/mot-de-passe-oublie") view=login::ForgotPasswordPage ssr=SsrMode::InOrder/>
                    // Async: the redirect to login must be decided before anything is sent.
                    <Route path=path!("/espace") view=space::SpacePage ssr=SsrMode::Async/>
                    <Route path=path!("/espace/double-authentification") view=second_factor::SetupPage ssr=SsrMode::Async/>
                    <Route path=path!("/espace/codes-de-secours") view=second_factor::RecoveryCodesPage ssr=SsrMode::Async/>
                    <Route path=path!("/espace/administrateur") view=handover::HandoverPage ssr=SsrMode::Async/>
                    <Route path=path!("/espace/cloture") view=closure::ClosurePage ssr=SsrMode::Async/>
                    <Route path=path!("/compte-cloture") view=closure::ClosedPage/>
                    <Route path=path!("/acces-perdu") view=handover::LostAddressPage/>
                    <Route path=path!("/designer-administrateur") view=handover::DesignatePage ssr=SsrMode::InOrder/>
                    <Route path=path!("/accessibilite") view=legal::AccessibilityPage/>
                    <Route path=path!("/donnees-personnelles") view=legal::PersonalDataPage/>
                    <Route path=path!("/mentions-legales") view=legal::LegalNoticePage/>
                </Routes>
            </layout::Frame>
        </Router>
    }
}
