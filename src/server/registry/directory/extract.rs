//! The offline demo extract: establishments in the column format of INSEE's `StockEtablissement`
//! stock file (plus two columns of `StockUniteLegale`), used when no INSEE key is configured.

use super::{diffused, street, Directory, DirectoryError, Establishment, Lookup};
use crate::domain::Siret;
use std::collections::HashMap;

/// The bundled demo extract (fictitious establishments, marked as demo data in the UI).
pub const DEMO_EXTRACT: &str = include_str!("../../../../demo/etablissements-demo.csv");

#[derive(Debug)]
pub struct OfflineExtract {
    rows: HashMap<String, Row>,
}

#[derive(Debug, Clone)]
struct Row {
    diffusion: String,
    establishment: Establishment,
}

impl OfflineExtract {
    /// Parses a comma-separated extract with a header row; unknown columns are ignored.
    pub fn parse(csv: &str) -> Result<Self, String> {
        let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
        let header: Vec<&str> = lines
            .next()
            .ok_or("empty extract")?
            .split(',')
            .map(str::trim)
            .collect();
        let col = |name: &str| header.iter().position(|h| *h == name);
        let siret_col = col("siret").ok_or("no siret column")?;
        let mut rows = HashMap::new();
        for (n, line) in lines.enumerate() {
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            if cells.len() != header.len() {
                return Err(format!("line {}: {} columns", n + 2, cells.len()));
            }
            let get = |name: &str| col(name).and_then(|i| cells.get(i).copied());
            let name = diffused(get("enseigne1Etablissement"))
                .or_else(|| diffused(get("denominationUsuelleEtablissement")))
                .or_else(|| diffused(get("denominationUniteLegale")));
            let establishment = Establishment {
                name,
                street: street(&[
                    diffused(get("numeroVoieEtablissement")),
                    diffused(get("typeVoieEtablissement")),
                    diffused(get("libelleVoieEtablissement")),
                ]),
                postcode: diffused(get("codePostalEtablissement")),
                town: diffused(get("libelleCommuneEtablissement")),
                establishment_active: get("etatAdministratifEtablissement") == Some("A"),
                legal_unit_active: get("etatAdministratifUniteLegale") != Some("C"),
            };
            rows.insert(
                cells[siret_col].to_owned(),
                Row {
                    diffusion: get("statutDiffusionEtablissement")
                        .unwrap_or("O")
                        .to_owned(),
                    establishment,
                },
            );
        }
        Ok(Self { rows })
    }

    pub fn demo() -> Self {
        Self::parse(DEMO_EXTRACT).expect("the bundled demo extract is valid")
    }
}

#[async_trait::async_trait]
impl Directory for OfflineExtract {
    async fn lookup(&self, siret: &Siret) -> Result<Lookup, DirectoryError> {
        Ok(match self.rows.get(siret.as_digits()) {
            None => Lookup::NotFound,
            // `N`: the stock file's non-diffusible rows (the API's 403).
            Some(row) if row.diffusion == "N" => Lookup::NotDiffusible,
            Some(row) => Lookup::Found(row.establishment.clone()),
        })
    }

    async fn known(&self, siret: &Siret) -> Option<Lookup> {
        // The extract is local: reading it costs no INSEE call.
        self.lookup(siret).await.ok()
    }

    fn is_demo(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn siret(s: &str) -> Siret {
        Siret::parse(s).unwrap()
    }

    #[tokio::test]
    async fn the_demo_extract_covers_every_case() {
        let d = OfflineExtract::demo();
        let Lookup::Found(e) = d.lookup(&siret("47728084603753")).await.unwrap() else {
            panic!("FORMATRANS is in the demo extract");
        };
        assert_eq!(e.name.as_deref(), Some("FORMATRANS"));
        assert_eq!(e.town.as_deref(), Some("LILLE"));
        assert!(e.establishment_active && e.legal_unit_active);

        let Lookup::Found(closed) = d.lookup(&siret("81234567000010")).await.unwrap() else {
            panic!()
        };
        assert!(!closed.establishment_active);
        let Lookup::Found(ceased) = d.lookup(&siret("52345678900016")).await.unwrap() else {
            panic!()
        };
        assert!(!ceased.legal_unit_active);
        let Lookup::Found(partial) = d.lookup(&siret("73456789100019")).await.unwrap() else {
            panic!()
        };
        assert_eq!(partial.name, None, "[ND] is never shown");
        assert_eq!(partial.street, None);
        assert_eq!(
            d.lookup(&siret("35600000000048")).await.unwrap(),
            Lookup::NotFound
        );
        assert_eq!(
            d.lookup(&siret("72345678900004")).await.unwrap(),
            Lookup::NotDiffusible
        );
    }
}
