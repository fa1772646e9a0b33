//! The built front end (WASM, JS, CSS under `/pkg`). `cargo leptos build --release --precompress`
//! names each file after its content (`hubpro.<hash>.wasm`, listed in `hash.txt` beside the
//! binary) and writes `.br` and `.gz` variants: a browser gets the smallest variant it accepts,
//! and keeps the file for a year since a new build gives new names. A binary with no `hash.txt`
//! beside it (a test binary, a build without hashing) links the plain names.

use axum::http::{header, HeaderValue};
use axum::Router;
use leptos::config::LeptosOptions;
use std::path::{Path, PathBuf};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Where Leptos reads the hashed names: beside the running binary.
pub fn hash_file(options: &LeptosOptions) -> PathBuf {
    crate::server::config::beside_binary(options.hash_file.as_ref())
}

/// `css`, `js`, `wasm` → file name under the package folder, from `hash.txt`.
fn hashed_names(options: &LeptosOptions, text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .filter(|(kind, _)| matches!(kind.trim(), "css" | "js" | "wasm"))
        .map(|(kind, hash)| {
            let kind = kind.trim();
            (
                kind.to_owned(),
                format!("{}.{}.{kind}", options.output_name, hash.trim()),
            )
        })
        .collect()
}

/// The front-end files the pages link that the site folder lacks: such pages still work, without
/// JavaScript and styles, so start-up only warns (a site folder from another build, or none).
pub fn missing_files(options: &LeptosOptions) -> Vec<String> {
    let names: Vec<String> = if options.hash_files {
        hash_text(options)
            .map(|text| hashed_names(options, text))
            .unwrap_or_default()
            .into_iter()
            .map(|(_, name)| name)
            .collect()
    } else {
        ["css", "js", "wasm"]
            .iter()
            .map(|kind| format!("{}.{kind}", options.output_name))
            .collect()
    };
    let pkg = package_dir(options);
    let mut missing: Vec<String> = names
        .into_iter()
        .filter(|name| !pkg.join(name).is_file())
        .map(|name| pkg.join(name).display().to_string())
        .collect();
    if options.hash_files && missing.is_empty() && !pkg.is_dir() {
        missing.push(pkg.display().to_string());
    }
    missing
}

fn package_dir(options: &LeptosOptions) -> PathBuf {
    Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref())
}

/// The URL path the package folder is served at (`/pkg`).
pub fn package_path(options: &LeptosOptions) -> String {
    format!("/{}", options.site_pkg_dir)
}

/// `hash.txt`, read once: it belongs to the binary, which does not change while it runs.
fn hash_text(options: &LeptosOptions) -> Option<&'static str> {
    static TEXT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| std::fs::read_to_string(hash_file(options)).ok())
        .as_deref()
}

/// The hashed file name of `kind` (`css`, `js`, `wasm`), when the build made hashed names.
fn hashed_name(options: &LeptosOptions, kind: &str) -> Option<String> {
    let text = options.hash_files.then(|| hash_text(options)).flatten()?;
    hashed_names(options, text)
        .into_iter()
        .find(|(k, _)| k == kind)
        .map(|(_, name)| name)
}

/// The stylesheet's URL, for every page's head and the dev mailbox.
pub fn stylesheet_href(options: &LeptosOptions) -> String {
    let name =
        hashed_name(options, "css").unwrap_or_else(|| format!("{}.css", options.output_name));
    format!("{}/{name}", package_path(options))
}

/// The URLs of the JS glue and the WASM the pages with islands load, found once. Without
/// `hash.txt`, the names cargo-leptos gives (`_bg` when it did not build this binary).
pub fn front_end(options: &LeptosOptions) -> &'static (String, String) {
    static URLS: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    URLS.get_or_init(|| {
        let plain_wasm = if option_env!("LEPTOS_OUTPUT_NAME").is_some() {
            format!("{}.wasm", options.output_name)
        } else {
            format!("{}_bg.wasm", options.output_name)
        };
        let js =
            hashed_name(options, "js").unwrap_or_else(|| format!("{}.js", options.output_name));
        let wasm = hashed_name(options, "wasm").unwrap_or(plain_wasm);
        let pkg = package_path(options);
        (format!("{pkg}/{js}"), format!("{pkg}/{wasm}"))
    })
}

/// Serves the package folder, choosing a precompressed variant by `Accept-Encoding`.
pub fn router<S: Clone + Send + Sync + 'static>(options: &LeptosOptions) -> Router<S> {
    let files = ServeDir::new(package_dir(options))
        .precompressed_br()
        .precompressed_gzip();
    Router::new().nest_service(
        &package_path(options),
        tower::ServiceBuilder::new()
            // Shared caches must keep one copy per encoding.
            .layer(SetResponseHeaderLayer::appending(
                header::VARY,
                HeaderValue::from_static("accept-encoding"),
            ))
            .service(files),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_file_gives_one_name_per_kind() {
        let options = LeptosOptions::builder().output_name("hubpro").build();
        let names = hashed_names(&options, "js: abc-_1\nwasm: def\ncss: ghi\nmanifest: x\n\n");
        assert_eq!(
            names,
            [
                ("js".to_owned(), "hubpro.abc-_1.js".to_owned()),
                ("wasm".to_owned(), "hubpro.def.wasm".to_owned()),
                ("css".to_owned(), "hubpro.ghi.css".to_owned()),
            ]
        );
    }

    #[test]
    fn files_missing_from_the_site_are_named() {
        let options = LeptosOptions::builder()
            .output_name("hubpro")
            .site_root("no-such-site")
            .build();
        assert_eq!(
            missing_files(&options),
            [
                "no-such-site/pkg/hubpro.css",
                "no-such-site/pkg/hubpro.js",
                "no-such-site/pkg/hubpro.wasm"
            ]
        );
    }
}
