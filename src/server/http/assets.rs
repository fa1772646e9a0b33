//! The built front end (WASM, JS, CSS under `/pkg`). `cargo leptos build --release --precompress`
//! names each file after its content (`hubpro.<hash>.wasm`, listed in `hash.txt` beside the
//! binary) and writes `.br` and `.gz` variants: a browser gets the smallest variant it accepts,
//! and keeps the file for a year since a new build gives new names. A binary with no `hash.txt`
//! beside it (a test binary, a build without hashing) links the plain names.

use crate::routes::Bundle;
use axum::http::{header, HeaderValue};
use axum::Router;
use leptos::config::LeptosOptions;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Where Leptos reads the hashed names: beside the running binary.
pub fn hash_file(options: &LeptosOptions) -> PathBuf {
    crate::server::config::beside_binary(options.hash_file.as_ref())
}

/// `css`, `js`, `wasm` → file name under the package folder, from `hash.txt` (`output_name`: the
/// files' base name, `hubpro` or a bundle's `hubpro-signup`).
fn hashed_names(output_name: &str, text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .filter(|(kind, _)| matches!(kind.trim(), "css" | "js" | "wasm"))
        .map(|(kind, hash)| {
            let kind = kind.trim();
            (
                kind.to_owned(),
                format!("{output_name}.{}.{kind}", hash.trim()),
            )
        })
        .collect()
}

/// The front-end files the pages link that the site folder lacks: such pages still work, without
/// JavaScript and styles, so start-up only warns (a site folder from another build, or none).
pub fn missing_files(options: &LeptosOptions) -> Vec<String> {
    let names: Vec<String> = if options.hash_files {
        hash_text(options)
            .map(|text| hashed_names(&options.output_name, text))
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
    static TEXT: OnceLock<Option<String>> = OnceLock::new();
    TEXT.get_or_init(|| std::fs::read_to_string(hash_file(options)).ok())
        .as_deref()
}

/// The hashed file name of `kind` (`css`, `js`, `wasm`), when the build made hashed names.
fn hashed_name(options: &LeptosOptions, kind: &str) -> Option<String> {
    let text = options.hash_files.then(|| hash_text(options)).flatten()?;
    hashed_name_in(&options.output_name, text, kind)
}

/// The name of `kind` in a hash file's `text`, for files named `output_name`.
fn hashed_name_in(output_name: &str, text: &str, kind: &str) -> Option<String> {
    hashed_names(output_name, text)
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

/// The URLs of the JS glue and the WASM a page with islands loads, found once per bundle: the
/// bundle's own when the site holds it (`scripts/build.sh`), else the WASM holding every island
/// (`cargo leptos watch` builds only that one).
pub fn front_end(options: &LeptosOptions, bundle: Bundle) -> &'static (String, String) {
    static URLS: [OnceLock<(String, String)>; Bundle::ALL.len()] =
        [const { OnceLock::new() }; Bundle::ALL.len()];
    URLS[bundle as usize].get_or_init(|| {
        bundle_front_end(options, bundle).unwrap_or_else(|| whole_front_end(options))
    })
}

/// A bundle's files, if the build made them and the site holds them: `hubpro-<name>.<hash>.wasm`
/// with the hash `hash-<name>.txt` beside the binary gives (only a release build makes them).
fn bundle_front_end(options: &LeptosOptions, bundle: Bundle) -> Option<(String, String)> {
    let hash_file = crate::server::config::beside_binary(&format!("hash-{}.txt", bundle.name()));
    bundle_files(options, bundle, &std::fs::read_to_string(hash_file).ok()?)
}

/// [`bundle_front_end`] with the bundle's hash file read.
fn bundle_files(
    options: &LeptosOptions,
    bundle: Bundle,
    hash_text: &str,
) -> Option<(String, String)> {
    let base = format!("{}-{}", options.output_name, bundle.name());
    let js = hashed_name_in(&base, hash_text, "js")?;
    let wasm = hashed_name_in(&base, hash_text, "wasm")?;
    let pkg = package_dir(options);
    if !(pkg.join(&js).is_file() && pkg.join(&wasm).is_file()) {
        return None;
    }
    let path = package_path(options);
    Some((format!("{path}/{js}"), format!("{path}/{wasm}")))
}

/// The WASM holding every island, as cargo-leptos built it. Without `hash.txt`, the names it
/// gives (`_bg` when it did not build this binary).
fn whole_front_end(options: &LeptosOptions) -> (String, String) {
    let plain_wasm = if option_env!("LEPTOS_OUTPUT_NAME").is_some() {
        format!("{}.wasm", options.output_name)
    } else {
        format!("{}_bg.wasm", options.output_name)
    };
    let js = hashed_name(options, "js").unwrap_or_else(|| format!("{}.js", options.output_name));
    let wasm = hashed_name(options, "wasm").unwrap_or(plain_wasm);
    let pkg = package_path(options);
    (format!("{pkg}/{js}"), format!("{pkg}/{wasm}"))
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
        let names = hashed_names("hubpro", "js: abc-_1\nwasm: def\ncss: ghi\nmanifest: x\n\n");
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
    fn a_page_links_its_own_wasm_only_when_the_site_holds_it() {
        let site = std::env::temp_dir().join(format!("hubpro-bundles-{}", std::process::id()));
        std::fs::create_dir_all(site.join("pkg")).unwrap();
        let options = LeptosOptions::builder()
            .output_name("hubpro")
            .site_root(site.display().to_string())
            .build();
        let hashes = "js: j1\nwasm: w1\ncss: c1\n";
        assert_eq!(bundle_files(&options, Bundle::Signup, hashes), None);
        for file in ["hubpro-signup.j1.js", "hubpro-signup.w1.wasm"] {
            std::fs::write(site.join("pkg").join(file), "").unwrap();
        }
        assert_eq!(
            bundle_files(&options, Bundle::Signup, hashes),
            Some((
                "/pkg/hubpro-signup.j1.js".to_owned(),
                "/pkg/hubpro-signup.w1.wasm".to_owned()
            ))
        );
        assert_eq!(bundle_files(&options, Bundle::Space, hashes), None);
        assert_eq!(bundle_files(&options, Bundle::Signup, "css: c1\n"), None);
        std::fs::remove_dir_all(site).unwrap();
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
