//! Two requests at once: what one of them settles, the other cannot undo. The services run against
//! a transaction the test holds open in the racy order, or all at once behind a barrier, on
//! SQLite and PostgreSQL.

mod support;

use hubpro::domain::{
    AttachForm, AttachRefusal, EmailAddress, OrganisationName, PersonName, Siret,
};
use hubpro::routes::PublicUrl;
use hubpro::server::accounts::auth::{self, AuthError};
use hubpro::server::accounts::establishments::{
    self, AttachError, INVITATIONS_PER_ACCOUNT_PER_DAY,
};
use hubpro::server::accounts::signup::SignupDeps;
use hubpro::server::accounts::tokens;
use hubpro::server::clients::ClientIp;
use hubpro::server::registry::directory::OfflineExtract;
use hubpro::server::store::{
    now, Account, AccountId, Dialect, LinkPurpose, LinkToken, NewAccount, Store,
};
use sqlx::Row;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

const FORMATRANS: &str = "47728084603753";
const PASSWORD: &str = "Vélo-Cargo sur le Pont Neuf!";
/// Any PHC string: nobody logs in with it.
const SOME_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";

fn ip() -> ClientIp {
    ClientIp::new([127, 0, 0, 1].into())
}

fn public_url() -> PublicUrl {
    PublicUrl::parse("http://hubpro.example").unwrap()
}

/// A pending account and its emailed password link.
async fn pending_account(store: &Store, siret: &str) -> (AccountId, LinkToken) {
    let mut tx = store.begin().await.unwrap();
    let id = tx
        .insert_pending_account(
            &NewAccount {
                siret: Siret::parse(siret).unwrap(),
                email: EmailAddress::parse(&format!("admin-{siret}@example.fr")).unwrap(),
                organisation_name: OrganisationName::parse("Centre").unwrap(),
                last_name: PersonName::parse("Martin").unwrap(),
                first_name: PersonName::parse("Léa").unwrap(),
            },
            now() + hubpro::server::store::Duration::days(3650),
        )
        .await
        .unwrap();
    let link = tx
        .insert_token(id, LinkPurpose::PasswordSetup, tokens::PASSWORD_SETUP_TTL)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (id, link)
}

/// Password flows of the account that still open the form: none may outlive a saved password.
async fn open_flows(store: &Store, account: AccountId) -> i64 {
    sqlx::query(
        "SELECT COUNT(*) AS n FROM tokens WHERE account_id = $1 AND purpose = 'password_flow' \
         AND used_at IS NULL AND expires_at > $2",
    )
    .bind(account.0)
    .bind(now().unix_timestamp())
    .fetch_one(store.pool())
    .await
    .unwrap()
    .try_get("n")
    .unwrap()
}

/// Lets `task` run until it ends or waits for a lock the test holds. PostgreSQL says when a
/// backend of this database waits for a lock; SQLite's busy wait does not, so a pause stands in.
async fn run_until_blocked<T>(store: &Store, task: &JoinHandle<T>) {
    let started = std::time::Instant::now();
    while !task.is_finished() && started.elapsed() < Duration::from_secs(3) {
        if store.dialect() == Dialect::Sqlite && started.elapsed() > Duration::from_secs(1) {
            return;
        }
        if store.dialect() == Dialect::Postgres {
            let waiting: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM pg_stat_activity \
                 WHERE datname = current_database() AND wait_event_type = 'Lock'",
            )
            .fetch_one(store.pool())
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
            if waiting > 0 {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_flow_opened_while_another_tab_saves_its_password_does_not_outlive_the_save() {
    for (db, url) in support::all_databases().await {
        let store = support::open_store(&url).await;
        let (id, link) = pending_account(&store, FORMATRANS).await;
        let first = auth::open_password_flow(&store, link.expose(), &ip())
            .await
            .unwrap();

        // The first tab saves: its transaction used its flow, activated the account and revoked
        // every link and flow (what `set_password` writes), and has not committed yet.
        let mut saving = store.begin().await.unwrap();
        let used = saving
            .consume_token(&first, &[LinkPurpose::PasswordFlow])
            .await
            .unwrap();
        assert_eq!(used, Some(id), "{db}");
        saving.activate_account(id, SOME_HASH).await.unwrap();
        saving.revoke_tokens(id).await.unwrap();

        // Meanwhile another tab clicks « Cliquer ici pour continuer » with the same link.
        let opening = tokio::spawn({
            let (store, link) = (store.clone(), link.clone());
            async move { auth::open_password_flow(&store, link.expose(), &ip()).await }
        });
        run_until_blocked(&store, &opening).await;
        saving.commit().await.unwrap();
        let opened = opening.await.unwrap();

        assert_eq!(open_flows(&store, id).await, 0, "{db}: {opened:?}");
        assert!(
            matches!(opened, Err(AuthError::LinkInvalid)),
            "{db}: {opened:?}"
        );
    }
}

#[tokio::test]
async fn a_password_saved_while_another_tab_opens_a_flow_ends_that_flow_too() {
    for (db, url) in support::all_databases().await {
        let store = support::open_store(&url).await;
        let (id, link) = pending_account(&store, FORMATRANS).await;
        let first = auth::open_password_flow(&store, link.expose(), &ip())
            .await
            .unwrap();

        // Another tab opens a flow: its transaction found the link valid and wrote the flow (what
        // `open_password_flow` writes), and has not committed yet.
        let mut opening = store.begin().await.unwrap();
        let second = opening
            .insert_token(id, LinkPurpose::PasswordFlow, tokens::PASSWORD_FLOW_TTL)
            .await
            .unwrap();

        // Meanwhile the first tab saves.
        let saving = tokio::spawn({
            let store = store.clone();
            async move {
                let url = public_url();
                let notices = auth::Notices {
                    public_url: &url,
                    support: "support@example.fr",
                };
                auth::set_password(&store, &notices, &first, PASSWORD, PASSWORD, &ip()).await
            }
        });
        run_until_blocked(&store, &saving).await;
        opening.commit().await.unwrap();
        let saved = saving.await.unwrap();

        assert!(saved.is_ok(), "{db}: {saved:?}");
        assert_eq!(open_flows(&store, id).await, 0, "{db}");
        assert!(
            auth::flow_owner(&store, &second).await.unwrap().is_none(),
            "{db}"
        );
    }
}

/// `n` valid SIRETs of one SIREN (one company's establishments).
fn establishments_of_one_company(n: usize) -> Vec<String> {
    (1..100_000)
        .map(|nic| format!("912345678{nic:05}"))
        .filter(|s| Siret::parse(s).is_ok())
        .take(n)
        .collect()
}

/// An active account for `siret`, as read back.
async fn active_account(store: &Store, siret: &str) -> Account {
    let (id, _) = pending_account(store, siret).await;
    let mut tx = store.begin().await.unwrap();
    tx.activate_account(id, SOME_HASH).await.unwrap();
    tx.commit().await.unwrap();
    store.account_by_id(id).await.unwrap().unwrap()
}

#[tokio::test]
async fn thirty_attachments_at_once_send_no_more_invitations_than_the_daily_cap() {
    const AT_ONCE: usize = 30;
    for (db, url) in support::all_databases().await {
        let store = support::open_store(&url).await;
        let sirets = establishments_of_one_company(AT_ONCE + 1);
        support::approve(&store, sirets.clone()).await;
        let mut extract = String::from(
            "siret,statutDiffusionEtablissement,etatAdministratifEtablissement,\
             denominationUniteLegale,etatAdministratifUniteLegale\n",
        );
        for s in &sirets {
            extract.push_str(&format!("{s},O,A,CENTRE TEST,A\n"));
        }
        let directory = Arc::new(OfflineExtract::parse(&extract).unwrap());
        let main = Arc::new(active_account(&store, &sirets[0]).await);

        let barrier = Arc::new(tokio::sync::Barrier::new(AT_ONCE));
        let tasks: Vec<_> = sirets[1..]
            .iter()
            .enumerate()
            .map(|(i, siret)| {
                let (store, directory, main, barrier) = (
                    store.clone(),
                    directory.clone(),
                    main.clone(),
                    barrier.clone(),
                );
                let form = AttachForm {
                    siret: siret.clone(),
                    contact_email: format!("contact{i}@example.fr"),
                };
                tokio::spawn(async move {
                    let public_url = public_url();
                    let deps = SignupDeps {
                        store: &store,
                        directory: directory.as_ref(),
                        public_url: &public_url,
                        support: "support@example.fr",
                    };
                    barrier.wait().await;
                    establishments::attach(&deps, &main, &form, &ip()).await
                })
            })
            .collect();
        let (mut invited, mut capped) = (0, 0);
        for task in tasks {
            match task.await.unwrap() {
                Ok(attached) if attached.invited => invited += 1,
                Err(AttachError::Refused(AttachRefusal::TooManyInvitations)) => capped += 1,
                other => panic!("{db}: {other:?}"),
            }
        }

        let cap = INVITATIONS_PER_ACCOUNT_PER_DAY as usize;
        assert_eq!((invited, capped), (cap, AT_ONCE - cap), "{db}");
        assert_eq!(
            store.attachments_of(main.id).await.unwrap().len(),
            cap,
            "{db}"
        );
        let sent = store.recent_emails(100).await.unwrap();
        assert_eq!(sent.len(), cap, "{db}: one invitation per attachment");
    }
}
