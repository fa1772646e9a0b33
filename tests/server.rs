//! The HTTP application: pages, status codes, health.

mod support;

#[tokio::test]
async fn serves_french_pages_and_a_404() {
    let app = support::spawn_app(support::settings(&[])).await;
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
    let app = support::spawn_app(support::settings(&[])).await;
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
    let Some(url) = support::postgres_url().await else {
        return;
    };
    let app = support::spawn_app(support::settings(&[("DATABASE_URL", &url)])).await;
    let res = app.client.get(&app.base).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[test]
fn a_wrong_setting_stops_the_binary_with_one_line() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hubpro"))
        .env("HUBPRO_PUBLIC_URL", "pas une url")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with("configuration error: HUBPRO_PUBLIC_URL: "));
}
