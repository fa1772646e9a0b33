//! Server entry point: `hubpro` serves the app; `hubpro approvals import FILE.csv` and other
//! operator commands are in `server::cli`.

#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    hubpro::server::cli::main()
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser bundle has no binary; cargo-leptos builds this one with `--features ssr`.
}
