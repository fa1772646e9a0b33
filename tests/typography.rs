//! French typography on every page and email: no plain space before « : ; ? ! » anywhere the
//! app writes text (the hydration scripts aside).

mod support;

use hubpro::domain::typography::has_plain_space_before_sign;
use support::journey::{cookie_pair, link_token_for, login, post, sign_up};

const PASSWORD: &str = "Vélo-Cargo sur le Pont Neuf!";

/// The page without its scripts (code, not text).
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("</script>")
            .map_or("", |end| &rest[start + end + 9..]);
    }
    out.push_str(rest);
    out
}

fn assert_french(what: &str, text: &str) {
    if has_plain_space_before_sign(text) {
        let chars: Vec<char> = text.chars().collect();
        let at = (0..chars.len())
            .find(|&i| {
                has_plain_space_before_sign(
                    &chars[i..chars.len().min(i + 3)].iter().collect::<String>(),
                )
            })
            .map(|i| {
                chars[i.saturating_sub(60)..chars.len().min(i + 10)]
                    .iter()
                    .collect::<String>()
            });
        panic!("{what}: a plain space before « : ; ? ! » near {at:?}");
    }
}

#[tokio::test]
async fn no_page_or_email_has_a_plain_space_before_a_sign() {
    // On a host name (not an IP address), so that the pages offer passkeys too.
    let app = support::app_with(&[("HUBPRO_PUBLIC_URL", "http://hubpro.example")]).await;
    sign_up(&app, "47728084603753", "Formatrans", "claire@example.fr").await;
    let token = link_token_for(&app, "claire@example.fr").await;
    let get = |path: String, cookie: Option<String>| {
        let mut req = app.client.get(format!("{}{path}", app.base));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let mut pages = Vec::new();
    for path in [
        "/",
        "/creer-un-compte",
        "/inscription",
        "/inscription?siret=61234567800009",
        "/inscription?siret=72345678900004",
        "/inscription?siret=84567891200013",
        "/inscription/confirmee?adresse=claire%40example.fr",
        "/connexion",
        "/mot-de-passe-oublie",
        "/mot-de-passe/creer?jeton=0000",
        "/ce-n-est-pas-nous?jeton=0000",
        "/mot-de-passe/enregistre",
        "/page-inconnue",
        "/accessibilite",
        "/donnees-personnelles",
        "/mentions-legales",
        "/acces-perdu",
        "/acces-perdu?envoye=1",
        "/designer-administrateur?jeton=0000",
        "/compte-cloture",
    ] {
        pages.push((path.to_owned(), get(path.to_owned(), None).await));
    }
    let link = format!("/mot-de-passe/creer?jeton={token}");
    pages.push((link.clone(), get(link, None).await));
    let res = post(&app, "/api/continuer", &[("token", &token)], None).await;
    let flow = cookie_pair(&res, "hubpro_flow").unwrap();
    pages.push((
        "/mot-de-passe/nouveau".into(),
        get("/mot-de-passe/nouveau".into(), Some(flow.clone())).await,
    ));
    // Refusals and messages the server functions send.
    for (path, form) in [
        ("/api/verifier-siret", vec![("siret", "72345678900004")]),
        ("/api/verifier-siret", vec![("siret", "47728084603754")]),
        (
            "/api/connexion",
            vec![("email", "x@example.fr"), ("password", "faux")],
        ),
        (
            "/api/mot-de-passe-oublie",
            vec![("email", "pas une adresse")],
        ),
    ] {
        let body = post(&app, path, &form, None).await.text().await.unwrap();
        pages.push((path.to_owned(), body));
    }
    let res = post(
        &app,
        "/api/valider-mot-de-passe",
        &[("password", PASSWORD), ("confirmation", PASSWORD)],
        Some(&flow),
    )
    .await;
    assert_eq!(res.status(), 200);
    let session = login(&app, "claire@example.fr", PASSWORD).await;
    pages.push((
        "/espace".into(),
        get("/espace".into(), Some(session.clone())).await,
    ));
    // A second browser: the space lists two sessions, and the account hears of the new one.
    let other = login(&app, "claire@example.fr", PASSWORD).await;
    pages.push((
        "/espace (two sessions)".into(),
        get("/espace".into(), Some(session.clone())).await,
    ));
    // The password typed too long ago: the space asks it, the refusals say why.
    sqlx::query("UPDATE sessions SET authenticated_at = authenticated_at - 3600")
        .execute(app.store.pool())
        .await
        .unwrap();
    pages.push((
        "/espace (confirm the password)".into(),
        get("/espace".into(), Some(session.clone())).await,
    ));
    for (path, form) in [
        ("/api/terminer-autres-sessions", vec![]),
        (
            "/api/confirmer-mot-de-passe",
            vec![("password", "Pas le bon !")],
        ),
    ] {
        let body = post(&app, path, &form, Some(&other))
            .await
            .text()
            .await
            .unwrap();
        pages.push((path.to_owned(), body));
    }
    // The second factor: its set-up page, its codes, the login's second step, its refusals,
    // and its notices (turned on, a recovery code used, codes renewed, turned off).
    let third = login(&app, "claire@example.fr", PASSWORD).await;
    post(
        &app,
        "/api/activer-double-authentification",
        &[],
        Some(&third),
    )
    .await;
    let setup = get(
        "/espace/double-authentification".into(),
        Some(third.clone()),
    )
    .await;
    let start = setup.find("data-secret=\"").expect("secret shown") + 13;
    let secret = &setup[start..start + setup[start..].find('"').unwrap()];
    let phone = totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        totp_rs::Secret::Encoded(secret.to_owned())
            .to_bytes()
            .unwrap(),
        None,
        "claire".into(),
    )
    .unwrap();
    pages.push(("/espace/double-authentification".into(), setup.clone()));
    for code in ["000000".to_owned(), phone.generate_current().unwrap()] {
        let body = post(
            &app,
            "/api/confirmer-double-authentification",
            &[("code", &code)],
            Some(&third),
        )
        .await
        .text()
        .await
        .unwrap();
        pages.push(("/api/confirmer-double-authentification".into(), body));
    }
    let codes = get("/espace/codes-de-secours".into(), Some(third.clone())).await;
    let start = codes.find("<li><code>").expect("codes shown") + 10;
    let recovery = codes[start..start + 11].to_owned();
    pages.push(("/espace/codes-de-secours".into(), codes));
    pages.push((
        "/espace/codes-de-secours (seen)".into(),
        get("/espace/codes-de-secours".into(), Some(third.clone())).await,
    ));
    pages.push((
        "/espace (second factor on)".into(),
        get("/espace".into(), Some(third.clone())).await,
    ));
    let step = post(
        &app,
        "/api/connexion",
        &[("email", "claire@example.fr"), ("password", PASSWORD)],
        None,
    )
    .await;
    let step = cookie_pair(&step, "hubpro_login_step").expect("second step");
    pages.push((
        "/connexion/code".into(),
        get("/connexion/code".into(), Some(step.clone())).await,
    ));
    for code in ["000000", recovery.as_str()] {
        let body = post(&app, "/api/connexion-code", &[("code", code)], Some(&step))
            .await
            .text()
            .await
            .unwrap();
        pages.push(("/api/connexion-code".into(), body));
    }
    for change in [
        "/api/renouveler-codes-de-secours",
        "/api/desactiver-double-authentification",
    ] {
        post(&app, change, &[], Some(&third)).await;
    }
    // Support closes the sessions: the account is told.
    hubpro::server::accounts::ownership::end_sessions(
        &app.store,
        &hubpro::routes::PublicUrl::parse("http://hubpro.example").unwrap(),
        "support@example.fr",
        &hubpro::domain::Siret::parse("47728084603753").unwrap(),
        "ordinateur volé",
    )
    .await
    .unwrap();
    pages.push((
        "/dev/boite-mail".into(),
        get("/dev/boite-mail".into(), None).await,
    ));
    pages.push((
        "503".into(),
        hubpro::app::standalone::unavailable("/pkg/hubpro.css"),
    ));
    post(
        &app,
        "/api/mot-de-passe-oublie",
        &[("email", "claire@example.fr")],
        None,
    )
    .await;

    // The account's life: a handover from the space (its form, a refusal, the handover waiting),
    // the official address's designation, the new administrator's password, the closure.
    let fourth = login(&app, "claire@example.fr", PASSWORD).await;
    pages.push((
        "/espace/administrateur".into(),
        get("/espace/administrateur".into(), Some(fourth.clone())).await,
    ));
    let successor = |email: &'static str, confirmation: &'static str| {
        vec![
            ("last_name", "Martin"),
            ("first_name", "Léa"),
            ("email", email),
            ("email_confirmation", confirmation),
        ]
    };
    for form in [
        successor("lea@example.fr", "lea@exemple.fr"),
        successor("claire@example.fr", "claire@example.fr"),
        successor("lea@example.fr", "lea@example.fr"),
        successor("autre@example.fr", "autre@example.fr"),
    ] {
        let body = post(&app, "/api/changer-administrateur", &form, Some(&fourth))
            .await
            .text()
            .await
            .unwrap();
        pages.push(("/api/changer-administrateur".into(), body));
    }
    pages.push((
        "/espace/administrateur (waiting)".into(),
        get("/espace/administrateur".into(), Some(fourth.clone())).await,
    ));
    post(
        &app,
        "/api/annuler-changement-administrateur",
        &[],
        Some(&fourth),
    )
    .await;
    post(
        &app,
        "/api/acces-perdu",
        &[("siret", "47728084603753")],
        None,
    )
    .await;
    let designation =
        support::journey::emailed_token(&app, "cfa-lille@example.fr", "/designer-administrateur")
            .await;
    let page = format!("/designer-administrateur?jeton={designation}");
    pages.push((page.clone(), get(page, None).await));
    let mut form = successor("lea@example.fr", "lea@example.fr");
    form.push(("token", &designation));
    assert_eq!(
        post(&app, "/api/designer-administrateur", &form, None)
            .await
            .status(),
        200
    );
    let link = link_token_for(&app, "lea@example.fr").await;
    assert_eq!(
        support::journey::set_password(&app, &link, PASSWORD, PASSWORD)
            .await
            .status(),
        200
    );
    let lea = login(&app, "lea@example.fr", PASSWORD).await;
    pages.push((
        "/espace/cloture".into(),
        get("/espace/cloture".into(), Some(lea.clone())).await,
    ));
    assert_eq!(
        post(&app, "/api/cloturer-compte", &[], Some(&lea))
            .await
            .status(),
        200
    );
    let formatrans = hubpro::domain::Siret::parse("47728084603753").unwrap();
    let centre = hubpro::server::mail::emails::Centre {
        organisation: &hubpro::domain::OrganisationName::parse("Formatrans").unwrap(),
        siret: &formatrans,
    };
    let inactive = hubpro::server::mail::emails::inactivity_notice(
        &hubpro::domain::EmailAddress::parse("lea@example.fr").unwrap(),
        &hubpro::domain::PersonName::parse("Léa").unwrap(),
        &centre,
        hubpro::server::store::now(),
        hubpro::server::store::now().date(),
        &hubpro::routes::PublicUrl::parse("http://hubpro.example").unwrap(),
    );
    let attachment_ended = hubpro::server::mail::emails::attachment_ended_by_closure(
        &hubpro::domain::EmailAddress::parse("annexe@example.fr").unwrap(),
        &centre,
    );
    for mail in [inactive, attachment_ended] {
        assert_french(&mail.subject, &mail.text);
        assert_french(&mail.subject, &mail.html);
    }

    for (path, html) in &pages {
        assert_french(path, &text_of(html));
    }
    let emails = app.store.recent_emails(200).await.unwrap();
    assert!(
        emails.len() >= 16,
        "notices, link, password, reset: {}",
        emails.len()
    );
    for notice in [
        "nouveau navigateur",
        "fermées par le service support",
        "double authentification activée",
        "un code de secours a été utilisé",
        "nouveaux codes de secours",
        "double authentification désactivée",
        "un changement d'administrateur a été demandé",
        "désigner le nouvel administrateur",
        "le compte a changé d'administrateur",
        "votre compte a été clôturé",
    ] {
        assert!(
            emails.iter().any(|m| m.email.subject.contains(notice)),
            "the {notice} email is among those read"
        );
    }
    for mail in emails {
        assert_french(&mail.email.subject, &mail.email.subject);
        assert_french(&mail.email.subject, &mail.email.text);
        assert_french(&mail.email.subject, &mail.email.html);
    }
}
