//! The whole signup journey under load (run by `bench/journey.sh`). Virtual centres follow the
//! approval notice's link to their space, each with a new approved SIRET, address and client
//! address; then returning centres log in again and again. Goose drives the users and keeps
//! every step's times; the SMTP server the app sends through runs in this process, so a
//! journey reads its own email, and every email is counted afterwards.
//!
//! Settings (environment): JOURNEY_HOST (the proxy's URL, also the app's public URL),
//! JOURNEY_USERS, JOURNEY_SECONDS, JOURNEY_LOGIN_SECONDS (0: no login phase), JOURNEY_FIRST and
//! JOURNEY_LAST (the bench SIRETs approved for this run), JOURNEY_SMTP_PORT, JOURNEY_OUT (prefix
//! of the files written: `.txt` summary, `.completed` count, Goose's `-journeys.html` and
//! `-logins.html` reports).

mod journey;
mod logins;
mod sink;
mod summary;

use goose::config::GooseConfiguration;
use goose::prelude::*;
use journey::centre_journey;
use logins::{choose_account, from_known_browser, from_new_browser};
use reqwest::cookie::Jar;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

pub struct Settings {
    pub host: String,
    pub users: usize,
    pub seconds: usize,
    pub login_seconds: usize,
    first: u64,
    last: u64,
    smtp_port: u16,
    out: String,
}

impl Settings {
    fn from_env() -> Settings {
        fn var(name: &str, default: &str) -> String {
            std::env::var(name).unwrap_or_else(|_| default.to_owned())
        }
        fn number<T: std::str::FromStr>(name: &str, default: &str) -> T {
            let value = var(name, default);
            value
                .parse()
                .unwrap_or_else(|_| panic!("{name}: {value:?} is not a number"))
        }
        Settings {
            host: var("JOURNEY_HOST", "http://127.0.0.1:3410"),
            users: number("JOURNEY_USERS", "20"),
            seconds: number("JOURNEY_SECONDS", "60"),
            login_seconds: number("JOURNEY_LOGIN_SECONDS", "20"),
            first: number("JOURNEY_FIRST", "1"),
            last: number("JOURNEY_LAST", "10000"),
            smtp_port: number("JOURNEY_SMTP_PORT", "3414"),
            out: var("JOURNEY_OUT", "target/bench/journey/run"),
        }
    }
}

/// One virtual centre: its approved SIRET, the address its account gets, the approval's
/// notification address (told of the signup), its browser's cookies and its client address.
#[derive(Clone)]
pub struct Centre {
    pub siret: String,
    pub email: String,
    pub official: String,
    pub organisation: String,
    pub client_address: String,
    pub jar: Arc<Jar>,
}

/// What the virtual users share.
pub struct Bench {
    pub settings: Settings,
    pub sink: sink::Sink,
    next: AtomicU64,
    /// No journey starts, or waits for INSEE, past this.
    deadline: Mutex<Instant>,
    done: Mutex<Vec<Centre>>,
    gave_up: AtomicU64,
    /// Picks login accounts in turn, and the new browsers' client addresses.
    logins: AtomicU64,
}

static BENCH: OnceLock<Bench> = OnceLock::new();

pub fn bench() -> &'static Bench {
    BENCH.get().expect("set in main")
}

impl Bench {
    /// How long the run still admits journeys.
    pub fn time_left(&self) -> Duration {
        self.deadline
            .lock()
            .unwrap()
            .saturating_duration_since(Instant::now())
    }

    pub fn new_centre(&self) -> Option<Centre> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        (n <= self.settings.last).then(|| Centre {
            siret: bench_siret(n),
            email: format!("centre{n}@example.com"),
            official: format!("banc{n}@example.fr"),
            organisation: format!("Centre du banc {n}"),
            client_address: client_address(n),
            jar: Arc::default(),
        })
    }

    pub fn gave_up(&self) {
        self.gave_up.fetch_add(1, Ordering::Relaxed);
    }

    pub fn completed(&self, centre: Centre) {
        self.done.lock().unwrap().push(centre);
    }

    pub fn done(&self) -> Vec<Centre> {
        self.done.lock().unwrap().clone()
    }

    /// The next account to log into, in turn.
    pub fn centre_for_login(&self) -> Centre {
        let done = self.done.lock().unwrap();
        let i = self.logins.fetch_add(1, Ordering::Relaxed) as usize;
        done[i % done.len()].clone()
    }

    /// A client address no journey used, for a login from a new browser.
    pub fn login_address(&self) -> String {
        client_address((1 << 23) + self.logins.fetch_add(1, Ordering::Relaxed))
    }
}

/// The bench family of SIRETs (bench/sirets.lua): "8", a 12-digit counter, a Luhn digit.
fn bench_siret(n: u64) -> String {
    let base = format!("8{n:012}");
    (0..10)
        .map(|d| format!("{base}{d}"))
        .find(|s| luhn(s))
        .expect("one digit completes it")
}

fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0') * if i % 2 == 1 { 2 } else { 1 };
            if d > 9 {
                d - 9
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A loopback address per client (127.1.0.0 and up: never the proxy's 127.0.0.1). It only
/// travels in `X-Forwarded-For`: the app counts its per-client budgets under it.
fn client_address(k: u64) -> String {
    format!("127.{}.{}.{}", 1 + (k >> 16) % 254, (k >> 8) & 255, k & 255)
}

/// One Goose run of `scenarios`, all users started at once.
async fn attack(
    scenarios: Vec<Scenario>,
    users: usize,
    seconds: usize,
    report: &str,
) -> Result<GooseMetrics, GooseError> {
    let mut attack = GooseAttack::initialize_with_config(GooseConfiguration::default())?;
    for scenario in scenarios {
        attack = attack.register_scenario(scenario);
    }
    attack
        .set_default(GooseDefault::Host, bench().settings.host.as_str())?
        .set_default(GooseDefault::Users, users)?
        .set_default(GooseDefault::IncreaseRate, users.to_string().as_str())?
        .set_default(GooseDefault::RunTime, seconds)?
        // Counted from the first user on: journeys started during the ramp count too.
        .set_default(GooseDefault::NoResetMetrics, true)?
        .set_default(GooseDefault::NoTelnet, true)?
        .set_default(GooseDefault::ReportFile, report)?
        .execute()
        .await
}

#[tokio::main]
async fn main() -> Result<(), GooseError> {
    let settings = Settings::from_env();
    let sink = sink::Sink::start(settings.smtp_port)
        .await
        .unwrap_or_else(|e| panic!("SMTP sink on port {}: {e}", settings.smtp_port));
    let (seconds, login_seconds, users) =
        (settings.seconds, settings.login_seconds, settings.users);
    let out = settings.out.clone();
    let first = settings.first;
    let _ = BENCH.set(Bench {
        settings,
        sink,
        next: AtomicU64::new(first),
        deadline: Mutex::new(Instant::now() + Duration::from_secs(seconds as u64)),
        done: Mutex::default(),
        gave_up: AtomicU64::new(0),
        logins: AtomicU64::new(0),
    });
    let bench = bench();

    let journeys = scenario!("Journey")
        .register_transaction(transaction!(centre_journey).set_name("parcours complet"));
    let started = Instant::now();
    let metrics = attack(
        vec![journeys],
        users,
        seconds,
        &format!("{out}-journeys.html"),
    )
    .await?;
    let elapsed = started.elapsed();
    let done = bench.done();
    let gave_up = bench.gave_up.load(Ordering::Relaxed);
    let mut text = summary::journeys(&metrics, done.len(), gave_up, elapsed, users);
    text += &summary::emails(&bench.sink, &done).await;
    std::fs::write(format!("{out}.completed"), done.len().to_string()).expect("write count");

    if login_seconds > 0 && !done.is_empty() {
        let known = scenario!("KnownBrowser")
            .register_transaction(transaction!(choose_account).set_on_start())
            .register_transaction(transaction!(from_known_browser));
        let new = scenario!("NewBrowser").register_transaction(transaction!(from_new_browser));
        let started = Instant::now();
        let report = format!("{out}-logins.html");
        let metrics = attack(vec![known, new], users, login_seconds, &report).await?;
        text += &summary::logins(&metrics, started.elapsed(), users);
        text += &summary::new_browser_emails(&bench.sink, &metrics).await;
    }
    print!("{text}");
    std::fs::write(format!("{out}.txt"), text).expect("write summary");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bench_sirets_match_bench_sirets_lua() {
        // bench_siret(1) in bench/sirets.lua and bench/run.sh.
        assert_eq!(bench_siret(1), "80000000000011");
        assert!(luhn("47728084603753") && !luhn("47728084603754"));
        assert_eq!(client_address(1), "127.1.0.1");
        assert_eq!(client_address(65536 * 3 + 258), "127.4.1.2");
    }
}
