//! Approval notices, main / secondary establishments, the audit trail and the operator commands,
//! with the real app (demo extract, dev mailbox) on SQLite and PostgreSQL.

mod support;

use hubpro::server::registry::approvals::{self, Notices};
use support::api::{call, check_siret, Reply};
use support::journey::{link_token_for, login, set_password, sign_up};
use support::{demo_app, emails_to, TestApp};

const RENNES: &str = "53210987600013";
const BREST: &str = "53210987600021";
const QUIMPER: &str = "53210987600039";
const LYON: &str = "61234567800009";
const NO_APPROVAL: &str = "84567891200013";
const PASSWORD: &str = "Vélo-Cargo sur le Pont Neuf!";
const HEADER: &str =
    "numero_agrement;siret;type;formations;date_debut;date_fin;region;email_notification\n";

/// A main establishment (BFR Rennes) with an active account, logged in: its session cookie.
async fn main_session(app: &TestApp) -> String {
    sign_up(app, RENNES, "BFR Rennes", "rennes@example.fr").await;
    let token = link_token_for(app, "rennes@example.fr").await;
    assert_eq!(
        set_password(app, &token, PASSWORD, PASSWORD).await.status(),
        200
    );
    login(app, "rennes@example.fr", PASSWORD).await
}

/// « Rattacher » `siret` with its contact's address, from `session`.
async fn attach(app: &TestApp, session: &str, siret: &str, contact: &str) -> Reply {
    call(
        app,
        "/api/rattacher",
        &[("siret", siret), ("contact_email", contact)],
        Some(session),
    )
    .await
}

#[tokio::test]
async fn each_new_approval_is_notified_once_and_accounts_get_a_short_notice() {
    for (db, url) in support::all_databases().await {
        let store = support::open_store(&url).await;
        let public_url = hubpro::routes::PublicUrl::parse("http://hubpro.example").unwrap();
        let public = Notices::Send {
            public_url: &public_url,
        };
        let file = format!(
            "{HEADER}OCC-2021-V-0013;40073444800477;voyageurs;FIMO|PASSERELLE|FCO;2021-12-28;;Occitanie;ecole@example.fr\n\
             HDF-2021-V-0042;47728084603753;voyageurs;FCO;2021-12-28;;Hauts-de-France;lille@example.fr\n"
        );
        let report = hubpro::server::registry::approvals::import(
            &store,
            approvals::parse_file(&file).unwrap(),
            public,
        )
        .await
        .unwrap();
        assert_eq!((report.inserted, report.notified), (2, 2), "{db}");
        let mail = &emails_to(&store, "ecole@example.fr").await[0];
        assert!(mail.text.contains(
            "Votre organisme SIRET n°\u{a0}400\u{a0}734\u{a0}448\u{a0}00477 vient d'être agréé pour le type Voyageurs pour les formations suivantes\u{a0}:\n\n\
             - FIMO Voyageurs\n- Passerelle Voyageurs\n- FCO Voyageurs\n"), "{db}: {}", mail.text);
        assert!(mail.text.contains("Deux cas possibles"));
        assert!(mail.html.contains(
            "href=\"http://hubpro.example/inscription?siret=40073444800477\">Hub Pro Transport</a>"
        ));

        // The same file again, then with a changed line: nothing new is sent.
        let again = hubpro::server::registry::approvals::import(
            &store,
            approvals::parse_file(&file).unwrap(),
            public,
        )
        .await
        .unwrap();
        assert_eq!((again.unchanged, again.notified), (2, 0), "{db}");
        let changed = file.replace("FCO;2021-12-28;;Hauts", "FIMO|FCO;2021-12-28;;Hauts");
        let update = hubpro::server::registry::approvals::import(
            &store,
            approvals::parse_file(&changed).unwrap(),
            public,
        )
        .await
        .unwrap();
        assert_eq!((update.updated, update.notified), (1, 0), "{db}");
        assert_eq!(store.recent_emails(100).await.unwrap().len(), 2, "{db}");

        // A SIRET with an account: « nouvel agrément » to the account, not the DREAL address.
        let mut tx = store.begin().await.unwrap();
        tx.insert_pending_account(
            &hubpro::server::store::NewAccount {
                siret: hubpro::domain::Siret::parse("47728084603753").unwrap(),
                email: hubpro::domain::EmailAddress::parse("claire@example.fr").unwrap(),
                organisation_name: hubpro::domain::OrganisationName::parse("Formatrans").unwrap(),
                last_name: hubpro::domain::PersonName::parse("Dupont").unwrap(),
                first_name: hubpro::domain::PersonName::parse("Claire").unwrap(),
            },
            hubpro::server::store::now() + hubpro::server::store::Duration::days(3650),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let new = format!(
            "{HEADER}HDF-2022-M-0107;47728084603753;marchandises;FIMO|FCO;2022-03-01;;Hauts-de-France;lille@example.fr\n"
        );
        let report = hubpro::server::registry::approvals::import(
            &store,
            approvals::parse_file(&new).unwrap(),
            public,
        )
        .await
        .unwrap();
        assert_eq!(report.notified, 1);
        let notice = &emails_to(&store, "claire@example.fr").await[0];
        assert!(notice.subject.contains("nouvel agrément"), "{db}");
        assert!(notice
            .text
            .contains("- FIMO Marchandises\n- FCO Marchandises\n"));
        assert_eq!(emails_to(&store, "lille@example.fr").await.len(), 1, "{db}");

        // --no-notify: recorded, audited, silent.
        let silent = format!(
            "{HEADER}BRE-2022-V-0017;53210987600013;voyageurs;FCO;2022-02-01;;Bretagne;rennes@example.fr\n"
        );
        let report = hubpro::server::registry::approvals::import(
            &store,
            approvals::parse_file(&silent).unwrap(),
            Notices::Skip,
        )
        .await
        .unwrap();
        assert_eq!((report.inserted, report.notified), (1, 0));
        let trail = store
            .audit_of(&hubpro::domain::Siret::parse(RENNES).unwrap())
            .await
            .unwrap();
        assert_eq!(trail.len(), 1);
        assert_eq!(trail[0].kind, "approval_imported");
    }
}

#[tokio::test]
async fn a_main_establishment_attaches_invites_lists_and_detaches() {
    for (db, url) in support::all_databases().await {
        let app = demo_app(&url).await;
        let session = main_session(&app).await;

        // Refusals, each next to its field.
        attach(&app, &session, RENNES, "x@example.fr")
            .await
            .assert_refused(422, "attach.own_siret");
        attach(&app, &session, NO_APPROVAL, "x@example.fr")
            .await
            .assert_refused(422, "attach.ineligible.no_approval");
        let refused = attach(&app, &session, "532 109 876 0002", "pas-une-adresse").await;
        refused.assert_refused(422, "siret.length:13\nemail.missing_at");
        assert_eq!(
            refused.json()["form"]["contact_email"],
            "pas-une-adresse",
            "kept"
        );
        call(
            &app,
            "/api/rattacher",
            &[("siret", BREST), ("contact_email", "brest@example.fr")],
            None,
        )
        .await
        .assert_refused(401, "session.ended");

        // Attached: the contact is invited with a pre-filled link.
        let attached = attach(&app, &session, "532 109 876 00021", "Brest@Example.fr").await;
        attached.assert_ok();
        assert!(attached
            .json()
            .as_str()
            .unwrap()
            .contains("532\u{a0}109\u{a0}876\u{a0}00021"));
        let invitation = &emails_to(&app.store, "Brest@Example.fr").await[0];
        assert!(
            invitation
                .text
                .contains("BFR Rennes (SIRET 532\u{a0}109\u{a0}876\u{a0}00013)"),
            "{}",
            invitation.text
        );
        assert!(
            invitation.text.contains(
                "http://hubpro.example/inscription?siret=53210987600021&adresse=Brest%40Example.fr"
            ),
            "{}",
            invitation.text
        );
        attach(&app, &session, BREST, "brest@example.fr")
            .await
            .assert_refused(422, "attach.attached_here");

        // The secondary's signup shows its main establishment, then its account is listed.
        let check = check_siret(&app, BREST).await;
        assert_eq!(
            check.eligible()["establishment"]["main_establishment"]["organisation"],
            "BFR Rennes",
            "{db}: {check:?}"
        );
        sign_up(&app, BREST, "BFR Brest", "brest@example.fr").await;
        let main_id = app
            .store
            .account_by_siret(&hubpro::domain::Siret::parse(RENNES).unwrap())
            .await
            .unwrap()
            .unwrap()
            .id;
        let list = app.store.attachments_of(main_id).await.unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(
            list[0].state,
            hubpro::domain::AttachmentState::AccountPending,
            "{db}"
        );
        assert_eq!(list[0].name.as_deref(), Some("BFR BREST"));

        // A secondary cannot attach others; an establishment with its own account cannot be
        // attached; another main cannot take an attached one.
        let brest_token = link_token_for(&app, "brest@example.fr").await;
        set_password(&app, &brest_token, PASSWORD, PASSWORD).await;
        let brest_session = login(&app, "brest@example.fr", PASSWORD).await;
        attach(&app, &brest_session, QUIMPER, "q@example.fr")
            .await
            .assert_refused(422, "attach.main_attached");
        sign_up(&app, LYON, "CFA Lyon", "lyon@example.fr").await;
        attach(&app, &session, LYON, "lyon@example.fr")
            .await
            .assert_refused(422, "attach.own_account");

        // Detach: gone from the list, logged on both trails, signup no longer shows the link.
        call(&app, "/api/detacher", &[("siret", BREST)], Some(&session))
            .await
            .assert_ok();
        assert!(app.store.attachments_of(main_id).await.unwrap().is_empty());
        let kinds = |trail: Vec<hubpro::server::store::StoredEvent>| {
            trail.into_iter().map(|e| e.kind).collect::<Vec<_>>()
        };
        let brest_trail = kinds(
            app.store
                .audit_of(&hubpro::domain::Siret::parse(BREST).unwrap())
                .await
                .unwrap(),
        );
        assert!(
            brest_trail.contains(&"establishment_attached".to_owned()),
            "{brest_trail:?}"
        );
        assert!(brest_trail.contains(&"establishment_detached".to_owned()));
        let rennes_trail = kinds(
            app.store
                .audit_of(&hubpro::domain::Siret::parse(RENNES).unwrap())
                .await
                .unwrap(),
        );
        assert!(rennes_trail.contains(&"establishment_detached".to_owned()));
        // Re-attaching after a detachment is possible.
        attach(&app, &session, QUIMPER, "quimper@example.fr")
            .await
            .assert_ok();
    }
}

#[tokio::test]
async fn the_audit_trail_records_the_journey_with_ip_and_never_a_secret() {
    let app = demo_app(&support::sqlite_url()).await;
    sign_up(&app, LYON, "CFA Lyon", "lyon@example.fr").await;
    let token = link_token_for(&app, "lyon@example.fr").await;
    set_password(&app, &token, PASSWORD, PASSWORD).await;
    call(
        &app,
        "/api/connexion",
        &[
            ("email", "lyon@example.fr"),
            ("password", "Mauvais-mot-de-passe-1"),
        ],
        None,
    )
    .await
    .assert_refused(401, "login.bad_credentials");
    login(&app, "lyon@example.fr", PASSWORD).await;
    call(
        &app,
        "/api/mot-de-passe-oublie",
        &[("email", "lyon@example.fr")],
        None,
    )
    .await
    .assert_ok();
    let trail = app
        .store
        .audit_of(&hubpro::domain::Siret::parse(LYON).unwrap())
        .await
        .unwrap();
    let kinds: Vec<&str> = trail.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "approval_imported",
            "official_address_told",
            "signup",
            "link_used",
            "password_changed",
            "login_failed",
            "login_succeeded",
            "password_reset_requested"
        ]
    );
    for e in &trail[1..] {
        assert_eq!(e.ip.as_deref(), Some("127.0.0.1"), "{e:?}");
        assert!(!e.detail.contains(PASSWORD) && !e.detail.contains(&token));
    }
    assert!(trail[5].detail.contains("wrong"), "{:?}", trail[5]);
}

#[tokio::test]
async fn operator_commands_answer_what_support_asks() {
    // The SMTP server is down: every email fails and waits in the outbox.
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = support::sqlite_url();
    let smtp = format!("smtp://127.0.0.1:{closed_port}");
    let app = support::app_with(&[("DATABASE_URL", &url), ("HUBPRO_SMTP_URL", &smtp)]).await;
    sign_up(&app, LYON, "CFA Lyon", "lyon@example.fr").await;
    call(
        &app,
        "/api/connexion",
        &[("email", "lyon@example.fr"), ("password", "pas-le-bon")],
        None,
    )
    .await
    .assert_refused(401, "login.bad_credentials");
    for _ in 0..100 {
        let unsent = app.store.unsent_emails().await.unwrap();
        if unsent.len() == 19 && unsent.iter().all(|e| e.attempts > 0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    let run = support::cli(&url, &["accounts", "list"]);
    assert_eq!(run.code, Some(0), "{}", run.err);
    assert!(
        run.out.contains("612 345 678 00009  pending"),
        "{}",
        run.out
    );
    assert!(
        run.out
            .contains("lyon@example.fr  CFA Lyon (Claire Dupont)"),
        "{}",
        run.out
    );
    assert!(run.out.ends_with("1 account(s)\n"));

    let run = support::cli(&url, &["approvals", "list", "--siret", "612 345 678 00009"]);
    assert_eq!(run.code, Some(0), "{}", run.err);
    assert!(run.out.contains("ARA-2024-V-0101"), "{}", run.out);
    assert!(run.out.contains("en cours"));
    assert!(run.out.ends_with("1 approval(s)\n"), "{}", run.out);
    let run = support::cli(&url, &["approvals", "list"]);
    assert!(run.out.ends_with("18 approval(s)\n"), "{}", run.out);
    let run = support::cli(&url, &["approvals", "list", "--siret", "123"]);
    assert_eq!(run.code, Some(2), "a usage error: {}", run.err);
    assert!(run.err.contains("SIRET \"123\""), "{}", run.err);

    let run = support::cli(&url, &["outbox", "status"]);
    assert_eq!(run.code, Some(0), "{}", run.err);
    assert!(
        run.out.contains("0 sent, 0 waiting (first try), 20 failed"),
        "{}",
        run.out
    );
    assert!(
        run.out.contains("last error: SMTP delivery failed"),
        "{}",
        run.out
    );
    assert!(run
        .out
        .contains("« Hub Pro Transport\u{a0}: Créer mon mot de passe »"));
    let run = support::cli(&url, &["outbox", "retry", "--all"]);
    assert_eq!(run.code, Some(0), "{}", run.err);
    assert!(
        run.out.starts_with("20 failed email(s) due now"),
        "{}",
        run.out
    );
    let run = support::cli(&url, &["outbox", "retry", "zéro"]);
    assert_eq!(run.code, Some(2), "a usage error: {}", run.err);

    let run = support::cli(&url, &["audit", "--siret", LYON]);
    assert_eq!(run.code, Some(0), "{}", run.err);
    let lines: Vec<&str> = run.out.lines().collect();
    assert_eq!(lines.len(), 5, "{}", run.out);
    assert!(lines[0].contains("approval_imported") && lines[0].contains("ip -"));
    assert!(lines[1].contains("official_address_told") && lines[1].contains("cfa-rhone@"));
    assert!(lines[2].contains("signup") && lines[2].contains("ip 127.0.0.1"));
    assert!(lines[3].contains("login_failed") && lines[3].contains("account still pending"));
    assert_eq!(lines[4], "4 event(s) for SIRET 612 345 678 00009");
}

#[tokio::test]
async fn only_the_same_centre_or_its_official_address_and_one_invitation_a_day() {
    let url = support::sqlite_url();
    let app = demo_app(&url).await;
    let session = main_session(&app).await;

    // Another company's establishment: only through its approvals' notification address.
    attach(&app, &session, LYON, "x@example.fr")
        .await
        .assert_refused(422, "attach.other_centre");
    assert!(emails_to(&app.store, "x@example.fr").await.is_empty());
    attach(&app, &session, LYON, "cfa-rhone@example.fr")
        .await
        .assert_ok();

    // Attach, detach, attach the same day: attached again, invited once.
    attach(&app, &session, QUIMPER, "quimper@example.fr")
        .await
        .assert_ok();
    call(&app, "/api/detacher", &[("siret", QUIMPER)], Some(&session))
        .await
        .assert_ok();
    let again = attach(&app, &session, QUIMPER, "quimper@example.fr").await;
    again.assert_ok();
    assert!(
        again
            .json()
            .as_str()
            .unwrap()
            .contains("de nouveau rattaché"),
        "{}",
        again.body
    );
    let invitations = emails_to(&app.store, "quimper@example.fr").await;
    assert_eq!(invitations.len(), 1);
    // A typed name never makes an email's subject.
    assert!(
        !invitations[0].subject.contains("BFR"),
        "{}",
        invitations[0].subject
    );
    assert!(invitations[0].text.contains("BFR Rennes"));
}
