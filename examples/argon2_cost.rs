//! Cost of one password hash with the app's argon2id parameters, one at a time:
//! `cargo run --release --example argon2_cost --features ssr` (called by `bench/run.sh`).

use std::time::Instant;

#[tokio::main]
async fn main() {
    let rounds = 20;
    // The first hash also builds the dummy hash and the thread pool: not counted.
    let _ = hubpro::server::accounts::hashing::hash("Mot-de-passe-préalable!".into()).await;
    let start = Instant::now();
    for i in 0..rounds {
        hubpro::server::accounts::hashing::hash(format!("Vélo-Cargo n°{i} sur le Pont!"))
            .await
            .expect("hashing works");
    }
    let per_hash = start.elapsed().as_secs_f64() * 1000.0 / f64::from(rounds);
    println!("argon2id m=19456 KiB t=2 p=1: {per_hash:.1} ms per hash");
}
