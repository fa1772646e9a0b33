//! The figures written to the summary: each step's count and percentiles from Goose's metrics,
//! the emails each centre got, logins per second.

use crate::sink::Sink;
use crate::Centre;
use goose::metrics::{GooseMetrics, GooseRequestMetricTimingData};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::Duration;

const SETUP: &str = "Hub Pro Transport\u{a0}: Créer mon mot de passe";
const SAVED: &str = "Hub Pro Transport\u{a0}: votre mot de passe a été enregistré";
const NEW_BROWSER: &str = "Hub Pro Transport\u{a0}: connexion depuis un nouveau navigateur";
const REQUESTED: &str =
    "Hub Pro Transport\u{a0}: un compte administrateur a été demandé pour votre SIRET";

fn ms(times: &GooseRequestMetricTimingData, percent: f32) -> f64 {
    times.percentile_us(percent) as f64 / 1000.0
}

/// One line per recorded step, in the journey's order.
fn steps(metrics: &GooseMetrics) -> String {
    let mut rows: Vec<_> = metrics.requests.values().collect();
    rows.sort_by(|a, b| a.path.cmp(&b.path));
    let mut out = format!(
        "  {:<62} {:>5} {:>7} {:>6} {:>9} {:>9} {:>9}\n",
        "step", "", "n", "errors", "p50 ms", "p99 ms", "max ms"
    );
    for row in rows {
        let t = &row.raw_data;
        let _ = writeln!(
            out,
            "  {:<62} {:>5} {:>7} {:>6} {:>9.1} {:>9.1} {:>9.1}",
            row.path,
            row.custom_method,
            row.success_count,
            row.fail_count,
            ms(t, 0.5),
            ms(t, 0.99),
            t.maximum_time_us as f64 / 1000.0
        );
    }
    out
}

/// Every distinct error, with how often it happened.
fn errors(metrics: &GooseMetrics) -> (usize, String) {
    let total = metrics.errors.values().map(|e| e.occurrences).sum();
    let mut out = String::new();
    for e in metrics.errors.values() {
        let _ = writeln!(out, "    {} × {}", e.occurrences, e.error);
    }
    (total, out)
}

pub fn journeys(
    metrics: &GooseMetrics,
    completed: usize,
    gave_up: u64,
    elapsed: Duration,
    users: usize,
) -> String {
    let minutes = elapsed.as_secs_f64() / 60.0;
    let (error_count, error_list) = errors(metrics);
    let mut out = format!(
        "journeys: {completed} completed in {:.1} s by {users} users: {:.1} journeys/min\n\
         errors: {error_count} (goal 0)\n{error_list}",
        elapsed.as_secs_f64(),
        completed as f64 / minutes,
    );
    if gave_up > 0 {
        let _ = writeln!(
            out,
            "  {gave_up} journeys were still at step 2 when the run ended, told to wait (INSEE's \
             budget spent, or « INSEE indisponible »): nothing created"
        );
    }
    out += &steps(metrics);
    out
}

/// Whether each completed journey's addresses got exactly one email of each kind, and nothing
/// else; waits (up to 60 s) for the outbox to send what it still holds.
pub async fn emails(sink: &Sink, done: &[Centre]) -> String {
    let expected = |c: &Centre| {
        [
            (c.email.clone(), vec![SETUP, SAVED]),
            (c.official.clone(), vec![REQUESTED]),
        ]
    };
    let all_arrived = |sink: &Sink| {
        done.iter()
            .flat_map(expected)
            .all(|(to, subjects)| sink.to(&to).len() >= subjects.len())
    };
    let settled = sink.settle(Duration::from_secs(60), all_arrived).await;
    // A late duplicate would come within a few seconds.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut by_subject: BTreeMap<String, usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    let mut expected_addresses = std::collections::HashSet::new();
    for (to, mut subjects) in done.iter().flat_map(expected) {
        let mut got: Vec<String> = sink.to(&to).iter().map(|m| m.subject.clone()).collect();
        got.sort();
        subjects.sort();
        if got != subjects {
            wrong.push(format!("{to}: {got:?}"));
        }
        expected_addresses.insert(to);
    }
    let mut stray = 0;
    for (to, mails) in sink.all() {
        for mail in &mails {
            *by_subject.entry(mail.subject.clone()).or_default() += 1;
        }
        if !expected_addresses.contains(&to) {
            stray += mails.len();
        }
    }
    let mut out = format!(
        "emails in the SMTP sink{}:\n",
        if settled {
            ""
        } else {
            " (still missing after 60 s)"
        }
    );
    for (subject, n) in &by_subject {
        let _ = writeln!(out, "  {n:>6} × « {subject} »");
    }
    let verdict = if wrong.is_empty() && stray == 0 {
        "OK"
    } else {
        "NOT OK"
    };
    let _ = writeln!(
        out,
        "  check: each of the {} centres' account address got exactly one « Créer mon mot de \
         passe » and one « mot de passe enregistré », its approval's address exactly one « un \
         compte administrateur a été demandé », nothing else: {verdict} ({} addresses wrong, {stray} \
         messages to other addresses)",
        done.len(),
        wrong.len()
    );
    for line in wrong.iter().take(5) {
        let _ = writeln!(out, "    {line}");
    }
    out
}

/// Waits (up to 60 s) until the sink holds one « nouveau navigateur » email per login from a
/// new browser, so that the outbox is empty when the bench stops; says how many arrived.
pub async fn new_browser_emails(sink: &Sink, metrics: &GooseMetrics) -> String {
    let logins: usize = metrics
        .requests
        .values()
        .filter(|r| r.path.starts_with("L2") && !r.path.contains("attente"))
        .map(|r| r.success_count)
        .sum();
    let count = |sink: &Sink| {
        let all = sink.all();
        let mails = all.values().flatten();
        mails.filter(|m| m.subject == NEW_BROWSER).count()
    };
    sink.settle(Duration::from_secs(60), |s| count(s) >= logins)
        .await;
    let got = count(sink);
    let verdict = if got == logins { "OK" } else { "NOT OK" };
    format!("  « {NEW_BROWSER} »: {got} emails for {logins} logins from a new browser: {verdict}\n")
}

pub fn logins(metrics: &GooseMetrics, elapsed: Duration, users: usize) -> String {
    let ok: usize = metrics
        .requests
        .values()
        .filter(|r| r.path.starts_with('L') && !r.path.contains("attente"))
        .map(|r| r.success_count)
        .sum();
    let per_second = ok as f64 / elapsed.as_secs_f64();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (error_count, error_list) = errors(metrics);
    let mut out = format!(
        "password logins: {ok} in {:.1} s by {users} users (half from the browser the account \
         knows, half from a new browser each time): {per_second:.1} logins/s, {:.1} per core \
         ({cores} cores, shared with nginx, the database and this load generator); Keycloak's \
         sizing guide: ≈ 15 password logins/s per vCPU\nerrors: {error_count} (goal 0)\n{error_list}",
        elapsed.as_secs_f64(),
        per_second / cores as f64,
    );
    out += &steps(metrics);
    out
}
