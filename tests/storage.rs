//! The storage layer behaves the same on SQLite and PostgreSQL.

mod support;

use hubpro::domain::{EmailAddress, OrganisationName, PersonName, Siret};
use hubpro::server::store::{AccountId, NewAccount, Store, StoreError, Unique};

fn account(siret: &str, email: &str) -> NewAccount {
    NewAccount {
        siret: Siret::parse(siret).unwrap(),
        email: EmailAddress::parse(email).unwrap(),
        organisation_name: OrganisationName::parse("Formatrans").unwrap(),
        last_name: PersonName::parse("Dupont").unwrap(),
        first_name: PersonName::parse("Claire").unwrap(),
    }
}

async fn insert(store: &Store, a: &NewAccount) -> Result<AccountId, StoreError> {
    let mut tx = store.begin().await.unwrap();
    let id = tx.insert_pending_account(a, far_future()).await?;
    tx.commit().await.unwrap();
    Ok(id)
}

#[tokio::test]
async fn migrations_create_the_schema_and_can_run_twice() {
    for (name, url) in support::all_databases().await {
        let store = support::open_store(&url).await;
        assert!(store.ping().await, "{name}");
        assert_eq!(store.count_accounts().await.unwrap(), 0, "{name}");
        store.close().await;
        // Reopening runs the migrator again: nothing to do, no error.
        let again = support::open_store(&url).await;
        assert_eq!(again.count_accounts().await.unwrap(), 0, "{name}");
    }
}

#[tokio::test]
async fn one_account_per_siret_and_per_email_whatever_the_case() {
    for (name, url) in support::all_databases().await {
        let store = support::open_store(&url).await;
        let first = account("47728084603753", "cfa-lille@example.fr");
        let id = insert(&store, &first).await.unwrap();
        assert!(id.0 > 0);

        let same_siret = account("47728084603753", "autre@example.fr");
        assert!(
            matches!(
                insert(&store, &same_siret).await,
                Err(StoreError::Conflict(Unique::AccountSiret))
            ),
            "{name}"
        );
        let same_email = account("35600000000048", "CFA-Lille@Example.FR");
        assert!(
            matches!(
                insert(&store, &same_email).await,
                Err(StoreError::Conflict(Unique::AccountEmail))
            ),
            "{name}"
        );
        assert_eq!(store.count_accounts().await.unwrap(), 1, "{name}");

        let found = store
            .account_by_email(&EmailAddress::parse("CFA-LILLE@example.fr").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.id, id);
        assert_eq!(found.state.code(), "pending");
        assert_eq!(found.email.as_str(), "cfa-lille@example.fr");
        let by_siret = store
            .account_by_siret(&Siret::parse("477 280 846 03753").unwrap())
            .await
            .unwrap();
        assert_eq!(by_siret, Some(found), "{name}");
    }
}

#[tokio::test]
async fn a_rolled_back_transaction_leaves_nothing() {
    for (name, url) in support::all_databases().await {
        let store = support::open_store(&url).await;
        let mut tx = store.begin().await.unwrap();
        tx.insert_pending_account(&account("47728084603753", "a@example.fr"), far_future())
            .await
            .unwrap();
        drop(tx);
        assert_eq!(store.count_accounts().await.unwrap(), 0, "{name}");
    }
}

#[tokio::test]
async fn a_stored_row_that_does_not_parse_is_an_error_not_a_default() {
    for (name, url) in support::all_databases().await {
        let store = support::open_store(&url).await;
        let id = insert(&store, &account("47728084603753", "a@example.fr"))
            .await
            .unwrap();
        for (column, bad) in [
            ("siret", "47728084603754"),
            ("email", "pas-une-adresse"),
            ("state", "active"),
            ("first_name", "<b>"),
        ] {
            let mut broken = store.begin().await.unwrap();
            broken
                .execute_raw(&format!(
                    "UPDATE accounts SET {column} = '{bad}' WHERE id = {}",
                    id.0
                ))
                .await
                .unwrap();
            broken.commit().await.unwrap();
            let read = store.account_by_id(id).await;
            assert!(
                matches!(read, Err(StoreError::Corrupt { .. })),
                "{name} {column}: {read:?}"
            );
            // Put it back for the next column.
            let mut fix = store.begin().await.unwrap();
            fix.execute_raw(&format!(
                "UPDATE accounts SET siret = '47728084603753', email = 'a@example.fr', \
                 state = 'pending', first_name = 'Claire' WHERE id = {}",
                id.0
            ))
            .await
            .unwrap();
            fix.commit().await.unwrap();
            assert!(store.account_by_id(id).await.unwrap().is_some(), "{name}");
        }
    }
}

#[tokio::test]
async fn the_sqlite_file_and_its_folder_are_created() {
    let url = support::sqlite_url();
    let path = url.trim_start_matches("sqlite://").to_owned();
    assert!(!std::path::Path::new(&path).exists());
    support::open_store(&url).await;
    assert!(std::path::Path::new(&path).exists());
}

#[tokio::test]
async fn undelivered_emails_lose_their_bodies_once_every_link_they_may_hold_is_dead() {
    use hubpro::server::mail::mailer::OutgoingEmail;
    use hubpro::server::store::{now, Duration};
    // The longest-lived emailed link is « Ce n'est pas nous » (30 days).
    let longest = hubpro::server::accounts::tokens::NOT_US_TTL;
    for (name, url) in support::all_databases().await {
        let store = support::open_store(&url).await;
        let mut ids = Vec::new();
        for n in 0..5 {
            let mut tx = store.begin().await.unwrap();
            tx.enqueue_email(&OutgoingEmail {
                sender_name: None,
                to: format!("centre{n}@example.fr"),
                subject: "Ce n'est pas nous".into(),
                text: format!("https://hub.example/ce-n-est-pas-nous?jeton=secret{n}"),
                html: format!("<a href=\"https://hub.example/ce-n-est-pas-nous?jeton=secret{n}\">"),
            })
            .await
            .unwrap();
            tx.commit().await.unwrap();
            ids.push(store.recent_emails(1).await.unwrap()[0].id);
        }
        let [old_failed, old_abandoned, young_failed, young_abandoned, old_waiting] = ids[..]
        else {
            unreachable!()
        };
        for id in [old_failed, young_failed] {
            store
                .mark_failed(id, 0, "550 mailbox full", now())
                .await
                .unwrap();
        }
        for id in [old_abandoned, young_abandoned] {
            store.mark_abandoned(id, "invalid recipient").await.unwrap();
        }
        let t = now();
        // Past the longest link's life (and its day of grace), or still within it.
        for (id, created_at) in [
            (old_failed, t - longest - Duration::days(2)),
            (old_abandoned, t - longest - Duration::days(2)),
            (young_failed, t - longest + Duration::hours(1)),
            (young_abandoned, t - longest + Duration::hours(1)),
            (old_waiting, t - longest - Duration::days(2)),
        ] {
            sqlx::query("UPDATE outbox SET created_at = $1 WHERE id = $2")
                .bind(created_at.unix_timestamp())
                .bind(id)
                .execute(store.pool())
                .await
                .unwrap();
        }
        store
            .purge(
                hubpro::server::ops::retention::policy(365, &Default::default()),
                t,
            )
            .await
            .unwrap();
        let body = |id: i64| {
            let store = store.clone();
            async move {
                let e = store.email_by_id(id).await.unwrap().unwrap().email;
                (e.text, e.html)
            }
        };
        for id in [old_failed, old_abandoned] {
            assert_eq!(
                body(id).await,
                (String::new(), String::new()),
                "{name}: {id}"
            );
        }
        for id in [young_failed, young_abandoned, old_waiting] {
            let (text, html) = body(id).await;
            assert!(
                text.contains("jeton=") && html.contains("jeton="),
                "{name}: {id}"
            );
        }
        // An emptied email is never sent empty: neither the worker nor `outbox retry` takes it.
        assert_eq!(
            store.retry_failed_emails(Some(old_failed)).await.unwrap(),
            0,
            "{name}"
        );
        let due: Vec<i64> = store
            .due_emails(100)
            .await
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert!(!due.contains(&old_failed), "{name}: {due:?}");
        // The rows stay (operators still see them failed) until the audit retention.
        assert_eq!(store.unsent_emails().await.unwrap().len(), 5, "{name}");
        store.close().await;
    }
}

/// A pending account's end nobody reaches during a test.
fn far_future() -> hubpro::server::store::OffsetDateTime {
    hubpro::server::store::now() + hubpro::server::store::Duration::days(3650)
}

/// The change tables the instances watch lose only their oldest rows, by number: a purge always
/// moves the lowest number, which makes every instance drop what it holds (a row in the middle
/// could go unseen beside a change committed late; see `store::watched`).
#[tokio::test]
async fn change_tables_are_purged_from_their_oldest_row_only() {
    for (name, url) in support::all_databases().await {
        let store = support::open_store(&url).await;
        let t = hubpro::server::store::now();
        let (old, young) = (t.unix_timestamp() - 2 * 86_400, t.unix_timestamp());
        // PostgreSQL dates a row by its transaction's start: a later number can be older.
        for at in [old, young, old, young] {
            sqlx::query("INSERT INTO session_changes (at, scope) VALUES ($1, '1')")
                .bind(at)
                .execute(store.pool())
                .await
                .unwrap();
        }
        let numbers = || async {
            sqlx::query_scalar::<_, i64>("SELECT n FROM session_changes ORDER BY n")
                .fetch_all(store.pool())
                .await
                .unwrap()
        };
        let before = numbers().await;
        store
            .purge(
                hubpro::server::ops::retention::policy(365, &Default::default()),
                t,
            )
            .await
            .unwrap();
        assert_eq!(numbers().await, before[3..], "{name}");
    }
}
