//! The SMTP server the app sends through during the bench: it accepts everything, keeps each
//! message by recipient (decoded enough to read its subject and links), and wakes the virtual
//! users waiting for their email.

use base64::Engine;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// A message as a recipient got it.
#[derive(Debug)]
pub struct Mail {
    pub subject: String,
    /// The whole message, quoted-printable decoded (the app's parts are quoted-printable).
    pub text: String,
    pub at: Instant,
}

#[derive(Clone, Default)]
pub struct Sink {
    by_recipient: Arc<Mutex<HashMap<String, Vec<Arc<Mail>>>>>,
    arrived: Arc<Notify>,
}

impl Sink {
    /// Listens on `127.0.0.1:port` until the process ends.
    pub async fn start(port: u16) -> std::io::Result<Sink> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let sink = Sink::default();
        let accepting = sink.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let sink = accepting.clone();
                tokio::spawn(async move {
                    if let Err(e) = sink.serve(socket).await {
                        eprintln!("SMTP sink: {e}");
                    }
                });
            }
        });
        Ok(sink)
    }

    /// The messages `to` received so far.
    pub fn to(&self, to: &str) -> Vec<Arc<Mail>> {
        let all = self.by_recipient.lock().unwrap();
        all.get(to).cloned().unwrap_or_default()
    }

    /// Every recipient with its messages.
    pub fn all(&self) -> HashMap<String, Vec<Arc<Mail>>> {
        self.by_recipient.lock().unwrap().clone()
    }

    /// The first message to `to` that `wanted` accepts, waiting up to `limit` for it.
    pub async fn wait_for(
        &self,
        to: &str,
        wanted: impl Fn(&Mail) -> bool,
        limit: Duration,
    ) -> Option<Arc<Mail>> {
        let until = tokio::time::Instant::now() + limit;
        loop {
            // Created before looking: a message arriving in between still wakes it.
            let arrived = self.arrived.notified();
            if let Some(mail) = self.to(to).into_iter().find(|m| wanted(m)) {
                return Some(mail);
            }
            if tokio::time::timeout_at(until, arrived).await.is_err() {
                return None;
            }
        }
    }

    /// Waits up to `limit` until `done` says every expected message arrived.
    pub async fn settle(&self, limit: Duration, done: impl Fn(&Sink) -> bool) -> bool {
        let until = tokio::time::Instant::now() + limit;
        loop {
            let arrived = self.arrived.notified();
            if done(self) {
                return true;
            }
            if tokio::time::timeout_at(until, arrived).await.is_err() {
                return done(self);
            }
        }
    }

    fn keep(&self, to: Vec<String>, data: &str) {
        let mail = Arc::new(Mail {
            subject: subject(data),
            text: quoted_printable(data),
            at: Instant::now(),
        });
        let mut all = self.by_recipient.lock().unwrap();
        for address in to {
            all.entry(address).or_default().push(mail.clone());
        }
        drop(all);
        self.arrived.notify_waiters();
    }

    /// One SMTP session: what lettre (the app's client) says, without TLS or authentication.
    async fn serve(&self, socket: TcpStream) -> std::io::Result<()> {
        let (read, mut write) = socket.into_split();
        let mut reader = BufReader::new(read);
        write.write_all(b"220 sink ESMTP\r\n").await?;
        let mut to = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let command = line.trim_end().to_ascii_uppercase();
            if command.starts_with("EHLO") || command.starts_with("HELO") {
                write.write_all(b"250-sink\r\n250 8BITMIME\r\n").await?;
            } else if command.starts_with("RCPT TO:") {
                let address = line.trim_end()[8..].trim();
                to.push(address.trim_matches(['<', '>']).to_ascii_lowercase());
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
                    // Dot-stuffing: a line starting with "." was sent with one more.
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                self.keep(std::mem::take(&mut to), &data);
                write.write_all(b"250 OK queued\r\n").await?;
            } else if command == "QUIT" {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            } else {
                // MAIL FROM, RSET, NOOP…
                write.write_all(b"250 OK\r\n").await?;
            }
        }
    }
}

/// The `Subject:` header, unfolded, its encoded words (RFC 2047) decoded.
fn subject(data: &str) -> String {
    let head = data.split("\r\n\r\n").next().unwrap_or(data);
    let mut value: Option<String> = None;
    for line in head.lines() {
        match (&mut value, line.starts_with([' ', '\t'])) {
            (Some(v), true) => v.push_str(line),
            (Some(_), false) => break,
            (None, _) => {
                if line.len() > 8 && line[..8].eq_ignore_ascii_case("subject:") {
                    value = Some(line[8..].to_owned());
                }
            }
        }
    }
    decode_words(value.unwrap_or_default().trim())
}

/// `=?utf-8?b?…?=` and `=?utf-8?q?…?=` words decoded; the blanks between two words dropped.
fn decode_words(value: &str) -> String {
    let mut out: Vec<u8> = Vec::new();
    let mut rest = value;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let mut parts = rest[start + 2..].splitn(3, '?');
        let (Some(_charset), Some(encoding), Some(tail)) =
            (parts.next(), parts.next(), parts.next())
        else {
            break;
        };
        let Some(end) = tail.find("?=") else { break };
        let before = &rest[..start];
        if !(after_word && before.trim().is_empty()) {
            out.extend_from_slice(before.as_bytes());
        }
        let text = &tail[..end];
        if encoding.eq_ignore_ascii_case("b") {
            let engine = base64::engine::general_purpose::STANDARD;
            out.extend(engine.decode(text).unwrap_or_default());
        } else {
            out.extend(quoted_printable(&text.replace('_', " ")).into_bytes());
        }
        after_word = true;
        rest = &tail[end + 2..];
    }
    out.extend_from_slice(rest.as_bytes());
    String::from_utf8_lossy(&out).into_owned()
}

/// Quoted-printable decoded: soft line breaks joined, `=XX` replaced by its byte.
fn quoted_printable(data: &str) -> String {
    let joined = data.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match hex.filter(|_| bytes[i] == b'=') {
            Some(h) if u8::from_str_radix(h, 16).is_ok() => {
                out.push(u8::from_str_radix(h, 16).unwrap());
                i += 3;
            }
            _ => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_and_bodies_are_decoded() {
        let data = "From: x\r\nSubject: =?utf-8?b?SHViIFBybyBUcmFuc3BvcnTCoDog?=\r\n \
                    =?utf-8?b?Q3LDqWVyIG1vbiBtb3QgZGUgcGFzc2U=?=\r\nTo: y\r\n\r\n\
                    lien : http://h/mot-de-passe/creer?jeton=3Dab=\r\ncd\r\n";
        assert_eq!(
            subject(data),
            "Hub Pro Transport\u{a0}: Créer mon mot de passe"
        );
        assert!(quoted_printable(data).contains("creer?jeton=abcd"));
        assert_eq!(
            decode_words("=?utf-8?q?caf=C3=A9_cr=C3=A8me?="),
            "café crème"
        );
    }
}
