//! Behind reverse proxies and on several instances: the client's address comes from a trusted
//! proxy only, budgets are per client and shared by every instance on PostgreSQL, and the
//! README's nginx configuration works as written.

mod support;

use hubpro::routes::{link_pages, query};
use std::time::Duration;
use support::api::check_siret_via;
use support::app_with;
use support::fakes::{self, Answer, FakeInsee};
use support::journey::{cookie_pair, link_token_for, set_password, signup_form};

const PASSWORD: &str = "Vélo-Cargo sur le Pont Neuf!";

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_budget() {
    let app = app_with(&[
        ("HUBPRO_TRUSTED_PROXIES", "127.0.0.1"),
        ("HUBPRO_RATE_ELIGIBILITY", "3"),
    ])
    .await;
    let siret = "47728084603753";
    for _ in 0..3 {
        assert_eq!(
            check_siret_via(&app.base, &app.client, siret, Some("198.51.100.1"))
                .await
                .status,
            200
        );
    }
    assert_eq!(
        check_siret_via(&app.base, &app.client, siret, Some("198.51.100.1"))
            .await
            .status,
        429
    );
    // A forged first entry changes nothing: the proxy's own entry (right-most) counts.
    assert_eq!(
        check_siret_via(&app.base, &app.client, siret, Some("1.1.1.1, 198.51.100.1"))
            .await
            .status,
        429
    );
    assert_eq!(
        check_siret_via(&app.base, &app.client, siret, Some("198.51.100.2"))
            .await
            .status,
        200
    );
    // IPv6 clients are counted per /64.
    for i in 1..=3 {
        let ip = format!("2001:db8:1:2::{i}");
        assert_eq!(
            check_siret_via(&app.base, &app.client, siret, Some(&ip))
                .await
                .status,
            200
        );
    }
    assert_eq!(
        check_siret_via(&app.base, &app.client, siret, Some("2001:db8:1:2::99"))
            .await
            .status,
        429
    );
    assert_eq!(
        check_siret_via(&app.base, &app.client, siret, Some("2001:db8:1:3::1"))
            .await
            .status,
        200
    );

    // The audit trail records the client's address, not the proxy's.
    let res = app
        .client
        .post(format!("{}/api/creer-compte", app.base))
        .header("x-forwarded-for", "198.51.100.7")
        .form(&signup_form(siret, "Formatrans", "claire@example.fr"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let events = app
        .store
        .audit_of(&hubpro::domain::Siret::parse(siret).unwrap())
        .await
        .unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.ip.as_deref() == Some("198.51.100.7")),
        "{events:?}"
    );
}

#[tokio::test]
async fn a_forged_header_from_an_untrusted_peer_changes_nothing() {
    let app = app_with(&[("HUBPRO_RATE_ELIGIBILITY", "3")]).await;
    let siret = "47728084603753";
    for i in 0..3 {
        let forged = format!("198.51.100.{i}");
        assert_eq!(
            check_siret_via(&app.base, &app.client, siret, Some(&forged))
                .await
                .status,
            200
        );
    }
    assert_eq!(
        check_siret_via(&app.base, &app.client, siret, Some("203.0.113.50"))
            .await
            .status,
        429
    );
    assert_eq!(
        check_siret_via(&app.base, &app.client, siret, None)
            .await
            .status,
        429
    );
}

#[tokio::test]
async fn two_instances_on_postgres_share_the_insee_quota_the_cache_and_the_client_budgets() {
    let db = support::postgres_url().await;
    let insee = FakeInsee::default();
    for i in 0..80 {
        insee.set(
            &support::numbered_siret(i),
            Answer::Active {
                name: "CENTRE",
                town: "PARIS",
            },
        );
    }
    let sirene_url = fakes::start_insee(insee.clone()).await;
    let vars = [
        ("DATABASE_URL", db.as_str()),
        ("HUBPRO_SIRENE_URL", &sirene_url),
        ("HUBPRO_SIRENE_API_KEY", fakes::API_KEY),
        ("HUBPRO_SIRENE_PER_MINUTE", "10"),
        ("HUBPRO_RATE_ELIGIBILITY", "1000"),
        ("HUBPRO_TRUSTED_PROXIES", "127.0.0.1"),
    ];
    let a = app_with(&vars).await;
    let b = app_with(&vars).await;
    support::approve(&a.store, (0..80).map(support::numbered_siret)).await;

    // 80 distinct SIRETs in a burst, spread over both instances.
    let mut checks = tokio::task::JoinSet::new();
    for i in 0..80 {
        let base = if i % 2 == 0 {
            a.base.clone()
        } else {
            b.base.clone()
        };
        let client = a.client.clone();
        checks.spawn(async move {
            let xff = format!("198.51.100.{}", i % 20);
            check_siret_via(&base, &client, &support::numbered_siret(i), Some(&xff))
                .await
                .status
        });
    }
    while let Some(status) = checks.join_next().await {
        assert_eq!(status.unwrap(), 200, "a polite answer, never an error");
    }
    let calls = insee.calls.lock().unwrap().len();
    assert_eq!(
        calls, 10,
        "the configured budget for both instances together"
    );

    // An answer one instance got is the other's too (and survives a restart: it is stored).
    let answered = insee.calls.lock().unwrap()[0].clone();
    assert_eq!(
        check_siret_via(&b.base, &b.client, &answered, None)
            .await
            .status,
        200
    );
    assert_eq!(
        check_siret_via(&a.base, &a.client, &answered, None)
            .await
            .status,
        200
    );
    assert_eq!(insee.calls_for(&answered), 1);

    // A client's budget is one across instances: 3 on A and 3 on B.
    let c = app_with(&[
        ("DATABASE_URL", db.as_str()),
        ("HUBPRO_RATE_ELIGIBILITY", "5"),
        ("HUBPRO_TRUSTED_PROXIES", "127.0.0.1"),
    ])
    .await;
    let d = app_with(&[
        ("DATABASE_URL", db.as_str()),
        ("HUBPRO_RATE_ELIGIBILITY", "5"),
        ("HUBPRO_TRUSTED_PROXIES", "127.0.0.1"),
    ])
    .await;
    let client = "203.0.113.9";
    let mut statuses = Vec::new();
    for i in 0..6 {
        let app = if i % 2 == 0 { &c } else { &d };
        statuses.push(
            check_siret_via(&app.base, &app.client, "47728084603753", Some(client))
                .await
                .status,
        );
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429]);
    assert_eq!(
        check_siret_via(&d.base, &d.client, "47728084603753", Some("203.0.113.10"))
            .await
            .status,
        200
    );
}

/// nginx in front of the app with the README's settings (`scripts/nginx/hubpro-proxy.conf` in the
/// location, `scripts/nginx/hubpro-log.conf` and its access log in `http`).
struct Nginx {
    child: std::process::Child,
    dir: std::path::PathBuf,
    port: u16,
}

impl Nginx {
    /// The access log once it holds a line for each of `paths` (nginx writes it after answering).
    fn access_log_with(&self, paths: &[&str]) -> String {
        let file = self.dir.join("access.log");
        for _ in 0..200 {
            let log = std::fs::read_to_string(&file).unwrap_or_default();
            if paths.iter().all(|p| log.contains(&format!(" {p}"))) {
                return log;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!(
            "no line for {paths:?} in the access log: {}",
            std::fs::read_to_string(&file).unwrap_or_default()
        );
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // TERM lets the master stop its workers (a KILL would leave them behind, still bound).
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_nginx(app_addr: &str) -> Nginx {
    let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("nginx is installed by scripts/setup.sh");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "nginx-{}-{}",
        std::process::id(),
        support::free_port()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let port = support::free_port();
    let include = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scripts/nginx/hubpro-proxy.conf"
    );
    let log_include = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/nginx/hubpro-log.conf");
    let d = dir.display();
    let conf = format!(
        "worker_processes 1;\nerror_log {d}/error.log;\npid {d}/nginx.pid;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  include {log_include};\n  access_log {d}/access.log hubpro;\n\
           client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
           fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
           upstream hubpro {{ server {app_addr}; keepalive 8; }}\n\
           server {{\n    listen 127.0.0.1:{port};\n    location = /metrics {{ return 404; }}\n\
             location / {{\n      include {include};\n      proxy_pass http://hubpro;\n    }}\n  }}\n}}\n"
    );
    std::fs::write(dir.join("nginx.conf"), conf).unwrap();
    let child = std::process::Command::new(nginx)
        .args([
            "-p",
            &d.to_string(),
            "-c",
            "nginx.conf",
            "-g",
            "daemon off;",
        ])
        // Its messages go to error.log; no pipe of the test stays open in its workers.
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let error_log = dir.join("error.log");
    // Owned at once: dropped (killed and waited for) however this function ends.
    let nginx = Nginx { child, dir, port };
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return nginx;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!(
        "nginx did not start: {}",
        std::fs::read_to_string(error_log).unwrap_or_default()
    );
}

#[tokio::test]
async fn through_nginx_signup_and_login_work_and_clients_keep_separate_budgets() {
    let app = app_with(&[
        ("HUBPRO_TRUSTED_PROXIES", "127.0.0.1"),
        ("HUBPRO_RATE_ELIGIBILITY", "5"),
    ])
    .await;
    let nginx = start_nginx(app.base.trim_start_matches("http://"));
    let front = format!("http://127.0.0.1:{}", nginx.port);
    let (alice, bob) = (support::client_from(2), support::client_from(3));
    let siret = "47728084603753";

    // Five checks from Alice: the sixth waits; Bob is not slowed down by her.
    for _ in 0..5 {
        assert_eq!(
            check_siret_via(&front, &alice, siret, None).await.status,
            200
        );
    }
    assert_eq!(
        check_siret_via(&front, &alice, siret, None).await.status,
        429
    );
    assert_eq!(check_siret_via(&front, &bob, siret, None).await.status, 200);

    // Bob signs up from a page whose Origin is the proxy's (Host kept with its port).
    let res = bob
        .post(format!("{front}/api/creer-compte"))
        .header("origin", &front)
        .form(&signup_form(siret, "Formatrans", "claire@example.fr"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let request_id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(
        request_id.len(),
        32,
        "nginx's $request_id, believed: {request_id}"
    );
    let events = app
        .store
        .audit_of(&hubpro::domain::Siret::parse(siret).unwrap())
        .await
        .unwrap();
    assert!(
        events.iter().any(|e| e.ip.as_deref() == Some("127.0.0.3")),
        "Bob's address in the trail: {events:?}"
    );

    let token = link_token_for(&app, "claire@example.fr").await;
    assert_eq!(
        set_password(&app, &token, PASSWORD, PASSWORD)
            .await
            .status(),
        200
    );
    let res = bob
        .post(format!("{front}/api/connexion"))
        .header("origin", &front)
        .form(&[("email", "claire@example.fr"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let session = cookie_pair(&res, "hubpro_session").expect("session cookie");
    let space = bob
        .get(format!("{front}/espace"))
        .header("cookie", session)
        .send()
        .await
        .unwrap();
    assert_eq!(space.status(), 200);
    assert_eq!(space.headers()["cache-control"], "no-store");
    assert!(space.text().await.unwrap().contains("Formatrans"));
    // The proxy keeps /metrics to itself.
    assert_eq!(
        alice
            .get(format!("{front}/metrics"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn through_nginx_the_secret_of_a_link_never_reaches_the_access_log() {
    let app = app_with(&[("HUBPRO_TRUSTED_PROXIES", "127.0.0.1")]).await;
    let nginx = start_nginx(app.base.trim_start_matches("http://"));
    let front = format!("http://127.0.0.1:{}", nginx.port);
    let secret = "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7";
    // The pages the emails link to, as the emails write them.
    let pages: Vec<&str> = link_pages().collect();
    let links: Vec<String> = pages
        .iter()
        .map(|page| format!("{page}?{}={secret}", query::TOKEN))
        .collect();
    // Each answer read to its end: nginx logs a request once it has sent all of it.
    for link in &links {
        let res = app
            .client
            .get(format!("{front}{link}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{link}");
        res.bytes().await.unwrap();
    }
    // A file asked for by such a page, by a client that sends its address as the referrer anyway.
    let res = app
        .client
        .get(format!("{front}/sante"))
        .header("referer", format!("{front}{}", links[1]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.bytes().await.unwrap();
    // Other pages keep their query in the log.
    let res = app
        .client
        .get(format!("{front}/inscription?siret=47728084603753"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.bytes().await.unwrap();

    let mut logged = pages.clone();
    logged.extend(["/sante", "/inscription?siret=47728084603753"]);
    let log = nginx.access_log_with(&logged);
    assert!(!log.contains(secret), "{log}");
    assert!(!log.contains(query::TOKEN), "{log}");
    assert!(log.contains(" \"-\" "), "no referrer written as `-`: {log}");
    let referred = log.lines().find(|l| l.contains(" /sante ")).unwrap();
    assert!(
        referred.contains(&format!("\"{front}{}\"", pages[1])),
        "the referring page stays: {referred}"
    );
}
