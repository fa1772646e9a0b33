//! Local fakes of the outside world, started by the tests on loopback: INSEE's API Sirene
//! (real wire format) and an SMTP sink.
#![allow(dead_code)]

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// How the fake INSEE answers for one SIRET.
#[derive(Clone, Debug)]
pub enum Answer {
    Active {
        name: &'static str,
        town: &'static str,
    },
    Closed,
    Ceased,
    PartiallyDiffusible,
    Status(u16),
    Slow(Duration),
    Garbage,
}

pub const API_KEY: &str = "test-integration-key";

#[derive(Clone, Default)]
pub struct FakeInsee {
    answers: Arc<Mutex<HashMap<String, Answer>>>,
    pub calls: Arc<Mutex<Vec<String>>>,
}

impl FakeInsee {
    pub fn set(&self, siret: &str, answer: Answer) {
        self.answers.lock().unwrap().insert(siret.into(), answer);
    }
    pub fn calls_for(&self, siret: &str) -> usize {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .filter(|s| *s == siret)
            .count()
    }
}

/// Starts the fake API; returns its base URL (as HUBPRO_SIRENE_URL).
pub async fn start_insee(fake: FakeInsee) -> String {
    let app = Router::new()
        .route("/api-sirene/3.11/siret/{siret}", get(siret_handler))
        .with_state(fake);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/api-sirene/3.11")
}

fn envelope(status: u16, message: &str) -> String {
    format!(r#"{{"header":{{"statut":{status},"message":"{message}"}}}}"#)
}

fn establishment(
    siret: &str,
    unit_state: &str,
    est_state: &str,
    diffusion: &str,
    name: &str,
    town: &str,
) -> String {
    let nd = diffusion == "P";
    let v = |s: &str| {
        if nd {
            "\"[ND]\"".to_owned()
        } else {
            format!("\"{s}\"")
        }
    };
    format!(
        r#"{{"header":{{"statut":200,"message":"ok"}},
"etablissement":{{"siren":"{siren}","nic":"{nic}","siret":"{siret}",
"statutDiffusionEtablissement":"{diffusion}","etablissementSiege":false,
"uniteLegale":{{"etatAdministratifUniteLegale":"{unit_state}","statutDiffusionUniteLegale":"{diffusion}",
 "denominationUniteLegale":{name},"sigleUniteLegale":null,"denominationUsuelle1UniteLegale":null,
 "nomUniteLegale":null,"nomUsageUniteLegale":null,"prenom1UniteLegale":null,"prenomUsuelUniteLegale":null,
 "categorieJuridiqueUniteLegale":"5710","activitePrincipaleUniteLegale":"85.53Z"}},
"adresseEtablissement":{{"numeroVoieEtablissement":{num},"typeVoieEtablissement":"RUE",
 "libelleVoieEtablissement":{street},"complementAdresseEtablissement":null,
 "codePostalEtablissement":"59000","libelleCommuneEtablissement":"{town}"}},
"periodesEtablissement":[
 {{"dateFin":null,"dateDebut":"2019-01-01","etatAdministratifEtablissement":"{est_state}",
   "enseigne1Etablissement":null,"denominationUsuelleEtablissement":null,"activitePrincipaleEtablissement":"85.53Z"}},
 {{"dateFin":"2018-12-31","dateDebut":"2011-03-01","etatAdministratifEtablissement":"A"}}]}}}}"#,
        siren = &siret[..9],
        nic = &siret[9..],
        name = v(name),
        num = v("12"),
        street = v("DES TRANSPORTEURS"),
    )
}

async fn siret_handler(
    State(fake): State<FakeInsee>,
    Path(siret): Path<String>,
    headers: HeaderMap,
) -> Response {
    fake.calls.lock().unwrap().push(siret.clone());
    let json = [("content-type", "application/json;charset=utf-8")];
    if headers
        .get("X-INSEE-Api-Key-Integration")
        .and_then(|v| v.to_str().ok())
        != Some(API_KEY)
    {
        return (
            StatusCode::UNAUTHORIZED,
            json,
            envelope(401, "Invalid credentials"),
        )
            .into_response();
    }
    let answer = fake.answers.lock().unwrap().get(&siret).cloned();
    match answer {
        None => (
            StatusCode::NOT_FOUND,
            json,
            envelope(404, &format!("Aucun élément trouvé pour le siret {siret}")),
        )
            .into_response(),
        Some(Answer::Active { name, town }) => (
            StatusCode::OK,
            json,
            establishment(&siret, "A", "A", "O", name, town),
        )
            .into_response(),
        Some(Answer::Closed) => (
            StatusCode::OK,
            json,
            establishment(&siret, "A", "F", "O", "FERMEE", "LILLE"),
        )
            .into_response(),
        Some(Answer::Ceased) => (
            StatusCode::OK,
            json,
            establishment(&siret, "C", "A", "O", "CESSEE", "LILLE"),
        )
            .into_response(),
        Some(Answer::PartiallyDiffusible) => (
            StatusCode::OK,
            json,
            establishment(&siret, "A", "A", "P", "SECRET", "LYON"),
        )
            .into_response(),
        Some(Answer::Status(429)) => {
            // The gateway answers quota errors itself, not in INSEE's envelope.
            (StatusCode::TOO_MANY_REQUESTS, "Too Many Requests").into_response()
        }
        Some(Answer::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap();
            (status, json, envelope(code, "erreur")).into_response()
        }
        Some(Answer::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            (
                StatusCode::OK,
                json,
                establishment(&siret, "A", "A", "O", "LENTE", "LILLE"),
            )
                .into_response()
        }
        Some(Answer::Garbage) => {
            (StatusCode::OK, json, "{\"etablissement\": [1, 2").into_response()
        }
    }
}

/// A message the SMTP sink received.
#[derive(Clone, Debug)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

/// A minimal SMTP server that accepts everything and keeps it.
#[derive(Clone, Default)]
pub struct SmtpSink {
    pub messages: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    /// Starts the sink on `port` (0: any free port); returns its `smtp://` URL.
    pub async fn start_on(&self, port: u16) -> String {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let messages = self.messages.clone();
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let messages = messages.clone();
                tokio::spawn(async move {
                    let _ = serve_smtp(socket, messages).await;
                });
            }
        });
        format!("smtp://{addr}")
    }

    pub async fn start(&self) -> String {
        self.start_on(0).await
    }

    pub fn count(&self) -> usize {
        self.messages.lock().unwrap().len()
    }

    /// Waits until `n` messages arrived (or panics after 10 s).
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..200 {
            if self.count() >= n {
                return self.messages.lock().unwrap().clone();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("SMTP sink: expected {n} messages, got {}", self.count());
    }
}

async fn serve_smtp(
    socket: tokio::net::TcpStream,
    messages: Arc<Mutex<Vec<Received>>>,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut reader = BufReader::new(read);
    write.write_all(b"220 sink ESMTP\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") || command.starts_with("HELO") {
            write.write_all(b"250-sink\r\n250 8BITMIME\r\n").await?;
        } else if command.starts_with("MAIL FROM:") {
            from = line.trim_end()[10..].trim().to_owned();
            write.write_all(b"250 OK\r\n").await?;
        } else if command.starts_with("RCPT TO:") {
            to.push(line.trim_end()[8..].trim().to_owned());
            write.write_all(b"250 OK\r\n").await?;
        } else if command == "DATA" {
            write.write_all(b"354 go ahead\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                data.push_str(&line);
            }
            messages.lock().unwrap().push(Received {
                from: std::mem::take(&mut from),
                to: std::mem::take(&mut to),
                data,
            });
            write.write_all(b"250 OK queued\r\n").await?;
        } else if command == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"250 OK\r\n").await?;
        }
    }
}

/// Decodes a quoted-printable or base64 MIME body enough to search it (tests only).
pub fn decoded(data: &str) -> String {
    let joined = data.replace("=\r\n", "").replace("=\n", "");
    let mut out = Vec::new();
    let bytes = joined.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
