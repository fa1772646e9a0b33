//! INSEE API Sirene 3.11 client: `GET {base}/siret/{siret}` with the integration key header.
//! Answers are cached for a while (in memory, and in the database for every instance and across
//! restarts), and calls stay under the public quota whatever the traffic and however many
//! instances share the key: the call budget is counted in the database.

use super::{diffused, street, Directory, DirectoryError, Establishment, Lookup};
use crate::domain::Siret;
use crate::server::clients::Budget;
use crate::server::clients::ClientIp;
use crate::server::config::Secret;
use crate::server::store::{now, now_ms, Store};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// API Sirene's public quota is 30 requests a minute per key: the budget (`HUBPRO_SIRENE_PER_MINUTE`,
// 28 by default) keeps a margin, and can be raised for a key with a larger quota.
/// How long an answer is reused: establishments rarely change state within minutes.
const CACHE_TTL: Duration = Duration::from_secs(600);
const CACHE_MAX: usize = 10_000;

type Flight = Arc<tokio::sync::OnceCell<Result<Lookup, DirectoryError>>>;

#[derive(Debug)]
pub struct SireneClient {
    http: reqwest::Client,
    base_url: String,
    api_key: Secret,
    cache: Mutex<HashMap<String, (Instant, Lookup)>>,
    /// The shared cache and call budget.
    store: Store,
    per_minute: u32,
    /// Each client's share of the budget.
    per_client: Budget,
    /// The call under way per SIRET: concurrent first checks of one SIRET share one call and its
    /// answer, so a burst neither spends the budget on duplicates nor queues behind a slow INSEE.
    in_flight: Mutex<HashMap<String, Flight>>,
}

impl SireneClient {
    pub fn new(
        base_url: &str,
        api_key: Secret,
        timeout: Duration,
        per_minute: u32,
        per_client: u32,
        store: Store,
    ) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(2)))
            .user_agent("HubProTransport/1.0")
            .build()
            .expect("a TLS backend is compiled in");
        Self {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            api_key,
            cache: Mutex::new(HashMap::new()),
            per_client: Budget::new(&store, "insee-client", per_client),
            store,
            per_minute: per_minute.max(1),
            in_flight: Mutex::new(HashMap::new()),
        }
    }

    fn cached(&self, siret: &str) -> Option<Lookup> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .get(siret)
            .filter(|(at, _)| at.elapsed() < CACHE_TTL)
            .map(|(_, l)| l.clone())
    }

    fn remember(&self, siret: &str, lookup: &Lookup) {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= CACHE_MAX {
            cache.retain(|_, (at, _)| at.elapsed() < CACHE_TTL);
            if cache.len() >= CACHE_MAX {
                cache.clear();
            }
        }
        cache.insert(siret.to_owned(), (Instant::now(), lookup.clone()));
    }

    async fn fetch(&self, siret: &Siret) -> Result<Lookup, DirectoryError> {
        let url = format!("{}/siret/{}", self.base_url, siret.as_digits());
        let response = self
            .http
            .get(&url)
            .header("X-INSEE-Api-Key-Integration", self.api_key.expose())
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(|e| DirectoryError::Unavailable(format!("request failed: {e}")))?;
        let status = response.status().as_u16();
        match status {
            200 => {
                let body = response
                    .bytes()
                    .await
                    .map_err(|e| DirectoryError::Unavailable(format!("body: {e}")))?;
                parse_answer(&body)
            }
            404 => Ok(Lookup::NotFound),
            403 => Ok(Lookup::NotDiffusible),
            429 => Err(DirectoryError::RateLimited),
            other => Err(DirectoryError::Unavailable(format!("HTTP status {other}"))),
        }
    }
}

#[async_trait::async_trait]
impl Directory for SireneClient {
    #[tracing::instrument(name = "sirene_lookup", skip(self), fields(siret = %siret.as_digits()))]
    async fn lookup(&self, siret: &Siret) -> Result<Lookup, DirectoryError> {
        if let Some(hit) = self.cached(siret.as_digits()) {
            return Ok(hit);
        }
        let key = siret.as_digits().to_owned();
        let flight: Flight = self
            .in_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key.clone())
            .or_default()
            .clone();
        let result = flight.get_or_init(|| self.fetch_once(siret)).await.clone();
        // Done: later checks read the cache, or start a new call after an error.
        let mut in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        if in_flight.get(&key).is_some_and(|f| Arc::ptr_eq(f, &flight)) {
            in_flight.remove(&key);
        }
        result
    }

    async fn lookup_for(&self, siret: &Siret, client: &ClientIp) -> Result<Lookup, DirectoryError> {
        // Known here or to another instance (the shared cache): no call, nothing of the client's
        // share spent.
        if let Some(hit) = self.known(siret).await {
            return Ok(hit);
        }
        // A likely call: it comes out of this client's share first.
        if let Err(wait) = self.per_client.take(client).await {
            metrics::counter!("hubpro_insee_client_waits_total").increment(1);
            return Err(DirectoryError::ClientQuota(wait));
        }
        self.lookup(siret).await
    }

    async fn known(&self, siret: &Siret) -> Option<Lookup> {
        let digits = siret.as_digits();
        if let Some(hit) = self.cached(digits) {
            return Some(hit);
        }
        let shared = self
            .store
            .cached_insee_answer(digits, now().unix_timestamp())
            .await
            .ok()??;
        self.remember(digits, &shared);
        Some(shared)
    }

    fn is_demo(&self) -> bool {
        false
    }
}

impl SireneClient {
    /// The caches again (filled by a call that ended while this one started, here or on another
    /// instance), else one call.
    async fn fetch_once(&self, siret: &Siret) -> Result<Lookup, DirectoryError> {
        let digits = siret.as_digits();
        if let Some(hit) = self.cached(digits) {
            return Ok(hit);
        }
        let unavailable = |e: crate::server::store::StoreError| {
            DirectoryError::Unavailable(format!("shared cache or budget: {e}"))
        };
        if let Some(hit) = self
            .store
            .cached_insee_answer(digits, now().unix_timestamp())
            .await
            .map_err(unavailable)?
        {
            self.remember(digits, &hit);
            return Ok(hit);
        }
        if !self
            .store
            .take_insee_call(self.per_minute, now_ms())
            .await
            .map_err(unavailable)?
        {
            tracing::warn!("INSEE call budget spent for this minute");
            metrics::counter!("hubpro_insee_quota_waits_total").increment(1);
            return Err(DirectoryError::RateLimited);
        }
        let started = Instant::now();
        let result = self.fetch(siret).await;
        tracing::info!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            ok = result.is_ok(),
            "INSEE answered"
        );
        metrics::counter!("hubpro_insee_calls_total", "outcome" => call_outcome(&result))
            .increment(1);
        metrics::histogram!("hubpro_insee_call_seconds").record(started.elapsed().as_secs_f64());
        if let Ok(lookup) = &result {
            self.remember(digits, lookup);
            let expires = now().unix_timestamp() + CACHE_TTL.as_secs() as i64;
            if let Err(e) = self
                .store
                .remember_insee_answer(digits, lookup, expires)
                .await
            {
                tracing::warn!(error = %e, "INSEE answer not shared");
            }
        }
        result
    }
}

/// How an INSEE call ended, as counted in the metrics.
fn call_outcome(result: &Result<Lookup, DirectoryError>) -> &'static str {
    match result {
        Ok(Lookup::Found(_)) => "found",
        Ok(Lookup::NotFound) => "not_found",
        Ok(Lookup::NotDiffusible) => "not_diffusible",
        Err(DirectoryError::RateLimited | DirectoryError::ClientQuota(_)) => "rate_limited",
        Err(DirectoryError::Unavailable(_)) => "unavailable",
        Err(DirectoryError::BadAnswer(_)) => "bad_answer",
        Err(DirectoryError::NotAsked) => "not_asked",
    }
}

#[derive(Deserialize)]
struct Envelope {
    etablissement: Option<Etablissement>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Etablissement {
    #[serde(default)]
    unite_legale: Option<UniteLegale>,
    #[serde(default)]
    adresse_etablissement: Option<Adresse>,
    #[serde(default)]
    periodes_etablissement: Vec<Periode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UniteLegale {
    etat_administratif_unite_legale: Option<String>,
    denomination_unite_legale: Option<String>,
    denomination_usuelle1_unite_legale: Option<String>,
    nom_unite_legale: Option<String>,
    nom_usage_unite_legale: Option<String>,
    prenom1_unite_legale: Option<String>,
    prenom_usuel_unite_legale: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Adresse {
    numero_voie_etablissement: Option<String>,
    type_voie_etablissement: Option<String>,
    libelle_voie_etablissement: Option<String>,
    code_postal_etablissement: Option<String>,
    libelle_commune_etablissement: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Periode {
    date_fin: Option<String>,
    etat_administratif_etablissement: Option<String>,
    enseigne1_etablissement: Option<String>,
    denomination_usuelle_etablissement: Option<String>,
}

/// Reads a 200 answer. Protected values (`[ND]`) are dropped, never shown.
fn parse_answer(body: &[u8]) -> Result<Lookup, DirectoryError> {
    let envelope: Envelope = serde_json::from_slice(body)
        .map_err(|e| DirectoryError::BadAnswer(format!("JSON: {e}")))?;
    let e = envelope
        .etablissement
        .ok_or_else(|| DirectoryError::BadAnswer("no etablissement".into()))?;
    // The current period is the one still open; INSEE lists it first.
    let current = e
        .periodes_etablissement
        .iter()
        .find(|p| p.date_fin.is_none())
        .or(e.periodes_etablissement.first())
        .ok_or_else(|| DirectoryError::BadAnswer("no period".into()))?;
    let unit = e.unite_legale.as_ref();
    let unit_field =
        |f: fn(&UniteLegale) -> &Option<String>| diffused(unit.and_then(|u| f(u).as_deref()));
    let sole_trader = match (
        unit_field(|u| &u.prenom_usuel_unite_legale)
            .or_else(|| unit_field(|u| &u.prenom1_unite_legale)),
        unit_field(|u| &u.nom_usage_unite_legale).or_else(|| unit_field(|u| &u.nom_unite_legale)),
    ) {
        (Some(first), Some(last)) => Some(format!("{first} {last}")),
        (None, Some(last)) => Some(last),
        _ => None,
    };
    let name = diffused(current.enseigne1_etablissement.as_deref())
        .or_else(|| diffused(current.denomination_usuelle_etablissement.as_deref()))
        .or_else(|| unit_field(|u| &u.denomination_unite_legale))
        .or_else(|| unit_field(|u| &u.denomination_usuelle1_unite_legale))
        .or(sole_trader);
    let address = e.adresse_etablissement.as_ref();
    let addr = |f: fn(&Adresse) -> &Option<String>| diffused(address.and_then(|a| f(a).as_deref()));
    Ok(Lookup::Found(Establishment {
        name,
        street: street(&[
            addr(|a| &a.numero_voie_etablissement),
            addr(|a| &a.type_voie_etablissement),
            addr(|a| &a.libelle_voie_etablissement),
        ]),
        postcode: addr(|a| &a.code_postal_etablissement),
        town: addr(|a| &a.libelle_commune_etablissement),
        establishment_active: current.etat_administratif_etablissement.as_deref() == Some("A"),
        legal_unit_active: unit.and_then(|u| u.etat_administratif_unite_legale.as_deref())
            != Some("C"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTRACT_EXAMPLE: &str = r#"{"header":{"statut":200,"message":"ok"},
 "etablissement":{
  "siren":"477280846","nic":"03753","siret":"47728084603753",
  "statutDiffusionEtablissement":"O","etablissementSiege":false,
  "uniteLegale":{"etatAdministratifUniteLegale":"A","statutDiffusionUniteLegale":"O",
    "denominationUniteLegale":"FORMATRANS","sigleUniteLegale":null,
    "denominationUsuelle1UniteLegale":null,"nomUniteLegale":null,"nomUsageUniteLegale":null,
    "prenom1UniteLegale":null,"prenomUsuelUniteLegale":null,"categorieJuridiqueUniteLegale":"5710",
    "activitePrincipaleUniteLegale":"85.53Z"},
  "adresseEtablissement":{"numeroVoieEtablissement":"12","typeVoieEtablissement":"RUE",
    "libelleVoieEtablissement":"DES TRANSPORTEURS","complementAdresseEtablissement":null,
    "codePostalEtablissement":"59000","libelleCommuneEtablissement":"LILLE"},
  "periodesEtablissement":[
    {"dateFin":null,"dateDebut":"2019-01-01","etatAdministratifEtablissement":"A",
     "enseigne1Etablissement":null,"denominationUsuelleEtablissement":null,
     "activitePrincipaleEtablissement":"85.53Z"},
    {"dateFin":"2018-12-31","dateDebut":"2011-03-01","etatAdministratifEtablissement":"A"}]}}"#;

    #[test]
    fn reads_the_contract_example() {
        let Lookup::Found(e) = parse_answer(CONTRACT_EXAMPLE.as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!(e.name.as_deref(), Some("FORMATRANS"));
        assert_eq!(e.street.as_deref(), Some("12 RUE DES TRANSPORTEURS"));
        assert_eq!(e.postcode.as_deref(), Some("59000"));
        assert_eq!(e.town.as_deref(), Some("LILLE"));
        assert!(e.establishment_active && e.legal_unit_active);
    }

    #[test]
    fn closed_ceased_and_protected_values() {
        let closed = CONTRACT_EXAMPLE.replacen(
            r#""dateFin":null,"dateDebut":"2019-01-01","etatAdministratifEtablissement":"A""#,
            r#""dateFin":null,"dateDebut":"2019-01-01","etatAdministratifEtablissement":"F""#,
            1,
        );
        let Lookup::Found(e) = parse_answer(closed.as_bytes()).unwrap() else {
            panic!()
        };
        assert!(!e.establishment_active);

        let ceased = CONTRACT_EXAMPLE.replace(
            r#""etatAdministratifUniteLegale":"A""#,
            r#""etatAdministratifUniteLegale":"C""#,
        );
        let Lookup::Found(e) = parse_answer(ceased.as_bytes()).unwrap() else {
            panic!()
        };
        assert!(!e.legal_unit_active);

        let protected = CONTRACT_EXAMPLE
            .replace("\"FORMATRANS\"", "\"[ND]\"")
            .replace("\"DES TRANSPORTEURS\"", "\"[ND]\"")
            .replace("\"12\"", "\"[ND]\"")
            .replace("\"RUE\"", "\"[ND]\"");
        let Lookup::Found(e) = parse_answer(protected.as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!(e.name, None);
        assert_eq!(e.street, None);
    }

    #[test]
    fn sole_trader_name_and_trading_name() {
        let sole = CONTRACT_EXAMPLE
            .replace(
                r#""denominationUniteLegale":"FORMATRANS""#,
                r#""denominationUniteLegale":null"#,
            )
            .replace(r#""nomUniteLegale":null"#, r#""nomUniteLegale":"MARTIN""#)
            .replace(
                r#""prenom1UniteLegale":null"#,
                r#""prenom1UniteLegale":"PAUL""#,
            );
        let Lookup::Found(e) = parse_answer(sole.as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!(e.name.as_deref(), Some("PAUL MARTIN"));
        let sign = CONTRACT_EXAMPLE.replacen(
            r#""enseigne1Etablissement":null"#,
            r#""enseigne1Etablissement":"AUTO-ECOLE DU NORD""#,
            1,
        );
        let Lookup::Found(e) = parse_answer(sign.as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!(e.name.as_deref(), Some("AUTO-ECOLE DU NORD"));
    }

    #[test]
    fn garbage_is_a_bad_answer_not_a_crash() {
        for body in [
            "",
            "<html>",
            "{}",
            r#"{"etablissement":{"periodesEtablissement":[]}}"#,
            "null",
        ] {
            assert!(
                matches!(
                    parse_answer(body.as_bytes()),
                    Err(DirectoryError::BadAnswer(_))
                ),
                "{body}"
            );
        }
    }
}
