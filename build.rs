//! Which islands this build holds. The server renders all of them; a WASM built with one
//! `bundle-*` feature holds only that page's islands (`scripts/build.sh`), so each page loads
//! only what it runs. Without such a feature (`cargo leptos watch`, clippy) the WASM holds all.

const BUNDLES: [&str; 3] = ["signup", "password", "space"];

fn main() {
    // Features need nothing here (they are part of each build's identity); `sqlx::migrate!`
    // embeds the migrations, which a build script would otherwise hide from Cargo.
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=migrations");
    let chosen = |bundle: &str| {
        std::env::var_os(format!("CARGO_FEATURE_BUNDLE_{}", bundle.to_uppercase())).is_some()
    };
    let any_chosen = BUNDLES.iter().any(|b| chosen(b));
    for bundle in BUNDLES {
        println!("cargo::rustc-check-cfg=cfg(island_{bundle})");
        if !any_chosen || chosen(bundle) {
            println!("cargo::rustc-cfg=island_{bundle}");
        }
    }
}
