//! A flood of wrong passwords (its own test binary: the hashing lanes are per process, so the
//! flood would make other tests' logins wait).

mod support;

use std::time::Duration;
use support::api::Reply;
use support::app_with;
use support::journey::{active_account, cookie_pair, login_from};

const PASSWORD: &str = "Vélo-Cargo sur le Pont Neuf!";
const FORMATRANS: &str = "47728084603753";

#[tokio::test]
async fn a_flood_of_wrong_passwords_is_refused_at_once_beyond_the_queue_and_the_owner_gets_in() {
    let app = app_with(&[("HUBPRO_TRUSTED_PROXIES", "127.0.0.1")]).await;
    active_account(&app, FORMATRANS, "claire@example.fr", PASSWORD).await;
    let first = login_from(&app, "203.0.113.1", "claire@example.fr", PASSWORD, None).await;
    let device = cookie_pair(&first, "hubpro_device").expect("device cookie");
    // 300 concurrent wrong logins from 60 addresses, 5 each (within their free tries).
    let flood: Vec<_> = (0..300)
        .map(|i| {
            let (client, base) = (app.client.clone(), app.base.clone());
            tokio::spawn(async move {
                let res = client
                    .post(format!("{base}/api/connexion"))
                    .header("x-forwarded-for", format!("198.51.100.{}", i % 60 + 1))
                    .form(&[
                        ("email", format!("inconnu{i}@example.fr")),
                        ("password", "x".into()),
                    ])
                    .send()
                    .await
                    .unwrap();
                Reply::of(res).await
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let owner = login_from(
        &app,
        "192.0.2.1",
        "claire@example.fr",
        PASSWORD,
        Some(&device),
    )
    .await;
    assert_eq!(owner.status(), 200);
    let mut busy = 0;
    for task in flood {
        let reply = task.await.unwrap();
        if reply.status == 429 {
            reply.assert_waits("too_many_requests");
            busy += 1;
        } else {
            reply.assert_refused(401, "login.bad_credentials");
        }
    }
    assert!(busy > 0, "beyond the queue, refused at once");
}
