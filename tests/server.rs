//! The HTTP application: pages, status codes, health.

mod support;

#[tokio::test]
async fn serves_french_pages_and_a_404() {
    let app = support::app_with(&[]).await;
    let home = app.client.get(&app.base).send().await.unwrap();
    assert_eq!(home.status(), 200);
    let body = home.text().await.unwrap();
    assert!(body.contains("<html lang=\"fr\""), "{body}");
    assert!(body.contains("Créer un compte"));

    let missing = app
        .client
        .get(format!("{}/nulle-part", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("Page introuvable"));
}

#[tokio::test]
async fn health_reports_the_database() {
    let app = support::app_with(&[]).await;
    let res = app
        .client
        .get(format!("{}/sante", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), r#"{"database":true}"#);
}

#[tokio::test]
async fn runs_on_postgres_too() {
    let url = support::postgres_url().await;
    let app = support::app_with(&[("DATABASE_URL", &url)]).await;
    let res = app.client.get(&app.base).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[test]
fn a_wrong_setting_stops_the_binary_with_one_line() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hubpro"))
        .env("HUBPRO_PUBLIC_URL", "pas une url")
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "a configuration error: {stderr}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with("configuration error: HUBPRO_PUBLIC_URL: "));
}

#[test]
fn approvals_import_is_all_or_nothing_and_idempotent() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}/hubpro.db", dir.display());
    let header =
        "numero_agrement;siret;type;formations;date_debut;date_fin;region;email_notification\n";
    let good = "HDF-2021-V-0042;47728084603753;voyageurs;FIMO|FCO;2021-12-28;;Hauts-de-France;a@example.fr\n";
    let bad =
        "HDF-2021-V-0043;47728084603754;voyageurs;FIMO;2021-12-28;;Hauts-de-France;a@example.fr\n";
    let file = dir.join("agrements.csv");
    let run = |content: &str, extra: &[&str]| {
        std::fs::write(&file, content).unwrap();
        let mut args = vec!["approvals", "import", file.to_str().unwrap()];
        args.extend_from_slice(extra);
        support::cli(&db, &args)
    };
    let refused = run(&format!("{header}{good}{bad}"), &[]);
    assert_eq!(refused.code, Some(1), "{}", refused.err);
    assert!(refused.err.contains("line 3: siret"), "{}", refused.err);
    assert!(refused.err.contains("nothing imported"), "{}", refused.err);
    assert_eq!(
        support::cli(&db, &["approvals", "list"]).out,
        "0 approval(s)\n",
        "nothing half-imported"
    );
    let imported = run(&format!("{header}{good}"), &[]);
    assert_eq!(imported.code, Some(0), "{}", imported.err);
    assert!(
        imported
            .out
            .contains("1 new, 0 updated, 0 unchanged, 0 rejected; 1 notice(s) queued"),
        "{}",
        imported.out
    );
    let again = run(&format!("{header}{good}"), &[]);
    assert_eq!(again.code, Some(0), "{}", again.err);
    assert!(
        again.out.contains("0 new, 0 updated, 1 unchanged"),
        "{}",
        again.out
    );
    let skipped = run(&format!("{header}{good}{bad}"), &["--skip-invalid"]);
    assert_eq!(
        skipped.code,
        Some(1),
        "rejected lines still fail the command: {}",
        skipped.err
    );
    assert!(
        skipped.out.contains("1 unchanged, 1 rejected"),
        "{}",
        skipped.out
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_pages_a_fresh_nonce() {
    let app = support::app_with(&[]).await;
    let mut nonces = Vec::new();
    for _ in 0..2 {
        let res = app
            .client
            .get(format!("{}/inscription", app.base))
            .send()
            .await
            .unwrap();
        let headers = res.headers().clone();
        let policy = headers["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("a nonce in the policy")
            .to_owned();
        assert!(nonce.len() >= 22, "128 bits");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert!(policy.contains("'wasm-unsafe-eval'") && policy.contains("frame-ancestors 'none'"));
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "same-origin");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert!(
            headers.get("strict-transport-security").is_none(),
            "plain http"
        );
        let html = res.text().await.unwrap();
        let scripts = html.matches("<script").count();
        assert!(scripts > 0);
        assert_eq!(
            html.matches(&format!("nonce=\"{nonce}\"")).count(),
            scripts,
            "every script carries the nonce"
        );
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1], "one nonce per response");
    let health = app
        .client
        .get(format!("{}/sante", app.base))
        .send()
        .await
        .unwrap();
    let policy = health.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(policy.starts_with("default-src 'none'"), "{policy}");

    // An https public URL is production: real email and INSEE settings are required.
    let https = support::app_with(&[
        ("HUBPRO_PUBLIC_URL", "https://hubpro.example"),
        ("HUBPRO_SMTP_URL", "smtp://127.0.0.1:9"),
        ("HUBPRO_SIRENE_API_KEY", "unused"),
        ("HUBPRO_METRICS_TOKEN", "unused"),
        (
            "HUBPRO_LEGAL_OPERATOR",
            "Exploitant, 1 rue de l'Exemple, 75000 Paris",
        ),
        ("HUBPRO_LEGAL_DIRECTOR", "Directrice de la publication"),
        (
            "HUBPRO_LEGAL_HOST",
            "Hébergeur, 2 rue de l'Exemple, 75000 Paris, 01 00 00 00 00",
        ),
        (
            "HUBPRO_SECRET_KEY",
            "5e1f0c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f",
        ),
    ])
    .await;
    let res = https.client.get(&https.base).send().await.unwrap();
    assert!(res.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
}

#[tokio::test]
async fn pages_opened_by_an_emailed_link_send_no_referrer() {
    // Their address holds the link's secret: no request they cause (their files, their form's
    // post, a link followed) may carry it in `Referer`, to us or anyone.
    let app = support::app_with(&[]).await;
    for (path, policy) in [
        ("/mot-de-passe/creer?jeton=0123abcd", "no-referrer"),
        ("/ce-n-est-pas-nous?jeton=0123abcd", "no-referrer"),
        ("/ce-n-est-pas-nous?fait=1", "no-referrer"),
        ("/inscription", "same-origin"),
        ("/mot-de-passe/nouveau", "same-origin"),
    ] {
        let res = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.headers()["referrer-policy"], policy, "{path}");
    }
}

/// The page with its nonce (named by its policy) blanked, wherever Leptos wrote it.
fn without_nonce(policy: &str, html: &str) -> String {
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert!(html.contains(nonce));
    html.replace(nonce, "N")
}

#[tokio::test]
async fn pages_alike_for_everyone_come_from_memory_and_the_others_are_rendered() {
    let app = support::app_with(&[]).await;
    let get = |path: &'static str, cookie: Option<&'static str>| {
        let (client, base) = (app.client.clone(), app.base.clone());
        async move {
            let mut req = client.get(format!("{base}{path}"));
            if let Some(c) = cookie {
                req = req.header("cookie", c);
            }
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), 200);
            let policy = res.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .to_owned();
            let html = res.text().await.unwrap();
            (html.clone(), without_nonce(&policy, &html))
        }
    };
    let (rendered, rendered_page) = get("/inscription", None).await;
    let (cached, cached_page) = get("/inscription", None).await;
    assert_ne!(rendered, cached, "fresh nonces");
    assert_eq!(
        rendered_page, cached_page,
        "same page, nonce swapped everywhere"
    );
    let (_, with_cookie) = get("/inscription", Some("hubpro_flow=abc")).await;
    assert_eq!(with_cookie, rendered_page);
    // A query string is rendered for what it asks.
    let (prefilled, _) = get("/inscription?siret=47728084603753", None).await;
    assert!(prefilled.contains("FORMATRANS"));
    assert!(!get("/inscription", None).await.0.contains("FORMATRANS"));
}

/// The front-end files are sent in the precompressed variant the client accepts (brotli, gzip,
/// else as built), marked to be cached per encoding; pages are compressed on the fly.
#[tokio::test]
async fn front_end_files_come_precompressed_and_pages_compressed() {
    let site = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("site-{}", std::process::id()));
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    for (name, body) in [
        ("hubpro.wasm", "as built"),
        ("hubpro.wasm.br", "brotli"),
        ("hubpro.wasm.gz", "gzip"),
    ] {
        std::fs::write(pkg.join(name), body).unwrap();
    }
    let root = site.to_str().unwrap();
    let app = support::app_with(&[("LEPTOS_SITE_ROOT", root)]).await;
    let wasm = format!("{}/pkg/hubpro.wasm", app.base);
    for (accepted, encoding, body) in [
        ("br, gzip", Some("br"), "brotli"),
        ("gzip", Some("gzip"), "gzip"),
        ("identity", None, "as built"),
    ] {
        let res = app
            .client
            .get(&wasm)
            .header("accept-encoding", accepted)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let header = |name: &str| {
            res.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        assert_eq!(
            header("content-encoding").as_deref(),
            encoding,
            "{accepted}"
        );
        assert_eq!(header("vary").as_deref(), Some("accept-encoding"));
        // A test binary has no hash.txt beside it: plain names, revalidated.
        assert_eq!(header("cache-control").as_deref(), Some("no-cache"));
        assert_eq!(res.text().await.unwrap(), body);
    }
    let page = app
        .client
        .get(format!("{}/inscription", app.base))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-encoding"], "gzip");
    let plain = app
        .client
        .get(format!("{}/inscription", app.base))
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert!(plain.text().await.unwrap().contains("Créez votre compte"));
}

/// A page loads the WASM exactly when it holds an island: the others are interactive as HTML,
/// the login page with the eye toggle's few lines of script in the page.
#[tokio::test]
async fn only_pages_with_an_island_load_the_wasm() {
    let app = support::app_with(&[]).await;
    for (path, island, eye) in [
        ("/", false, false),
        ("/creer-un-compte", false, false),
        ("/inscription", true, false),
        ("/inscription?siret=47728084603753", true, false),
        ("/connexion", false, true),
        ("/mot-de-passe-oublie", false, false),
        ("/mot-de-passe/creer?jeton=0", false, false),
        ("/nulle-part", false, false),
    ] {
        let body = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(body.contains("<leptos-island"), island, "{path}");
        assert_eq!(body.contains(".wasm"), island, "{path}: WASM iff island");
        assert_eq!(
            body.contains("button.eye[aria-controls]"),
            eye,
            "{path}: the eye's script"
        );
        assert_eq!(
            body.contains("data-hydrated=\"true\""),
            !island && !eye,
            "{path}: marked interactive as sent iff nothing to hydrate"
        );
    }
}
