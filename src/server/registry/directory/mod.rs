//! The directory of establishments (INSEE Sirene): does a SIRET exist, is it active, what is it
//! called. Two implementations: the real API Sirene client and the bundled offline demo extract.

mod extract;
mod sirene;

pub use extract::OfflineExtract;
pub use sirene::SireneClient;

use crate::domain::Siret;
use crate::server::clients::ClientIp;

/// An establishment as the directory describes it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Establishment {
    /// Trading or legal name; `None` when not diffusible (`[ND]`) or absent.
    pub name: Option<String>,
    /// Street address without the town; `None` when not diffusible.
    pub street: Option<String>,
    pub postcode: Option<String>,
    pub town: Option<String>,
    /// Current period's `etatAdministratifEtablissement` is `A`.
    pub establishment_active: bool,
    /// `etatAdministratifUniteLegale` is not `C`.
    pub legal_unit_active: bool,
}

impl Establishment {
    /// « street, postcode town », with what INSEE diffuses.
    pub fn postal_address(&self) -> Option<String> {
        let town = [self.postcode.as_deref(), self.town.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let parts: Vec<&str> = [self.street.as_deref(), (!town.is_empty()).then_some(&*town)]
            .into_iter()
            .flatten()
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// What the directory answers for a SIRET.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Lookup {
    Found(Establishment),
    NotFound,
    /// 403 of the API: the establishment exists but its data may not be diffused.
    NotDiffusible,
}

/// Why the directory could not answer (the user is asked to try again later).
#[derive(Clone, Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error("INSEE quota exceeded")]
    RateLimited,
    /// This client spent its share of the INSEE budget: it waits, others do not.
    #[error("client's INSEE share spent, wait {0} s")]
    ClientQuota(i64),
    #[error("INSEE unavailable: {0}")]
    Unavailable(String),
    #[error("INSEE answer not understood: {0}")]
    BadAnswer(String),
    /// Not known without calling INSEE, which this request may not cause ([`KnownOnly`]).
    #[error("INSEE not asked for this request")]
    NotAsked,
}

impl DirectoryError {
    /// What the user is told: its own share of INSEE calls is spent (it waits, alone), or INSEE
    /// cannot answer now.
    pub fn problem(&self) -> crate::domain::Problem {
        use crate::domain::Problem;
        match self {
            Self::ClientQuota(seconds) => Problem::TooManyRequests { seconds: *seconds },
            other => {
                tracing::warn!(error = %other, "INSEE unavailable");
                Problem::DirectoryUnavailable
            }
        }
    }
}

/// The narrow interface the signup needs; tests can swap implementations.
#[async_trait::async_trait]
pub trait Directory: Send + Sync + std::fmt::Debug {
    async fn lookup(&self, siret: &Siret) -> Result<Lookup, DirectoryError>;
    /// A lookup asked by `client`: an INSEE call it causes counts against its share of the
    /// budget ([`DirectoryError::ClientQuota`] beyond).
    async fn lookup_for(&self, siret: &Siret, client: &ClientIp) -> Result<Lookup, DirectoryError> {
        let _ = client;
        self.lookup(siret).await
    }
    /// An answer already known (cached, or free to read), without calling INSEE.
    async fn known(&self, siret: &Siret) -> Option<Lookup> {
        let _ = siret;
        None
    }
    /// True for the bundled demo extract, so the page can say the data is a demo.
    fn is_demo(&self) -> bool;
}

/// A directory that never calls INSEE: what it already knows, else [`DirectoryError::NotAsked`].
/// Pages rendered for something other than a top-level navigation use it, so another site's
/// page cannot make its visitors' browsers spend our INSEE quota.
#[derive(Debug)]
pub struct KnownOnly<'a>(pub &'a dyn Directory);

#[async_trait::async_trait]
impl Directory for KnownOnly<'_> {
    async fn lookup(&self, siret: &Siret) -> Result<Lookup, DirectoryError> {
        self.0.known(siret).await.ok_or(DirectoryError::NotAsked)
    }

    fn is_demo(&self) -> bool {
        self.0.is_demo()
    }
}

/// INSEE's placeholder for protected values (partially diffusible establishments).
const NOT_DIFFUSED: &str = "[ND]";

/// Keeps a value unless it is empty or INSEE's `[ND]`.
fn diffused(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty() && !v.contains(NOT_DIFFUSED))
        .map(str::to_owned)
}

/// Joins address parts, skipping the missing ones.
fn street(parts: &[Option<String>]) -> Option<String> {
    let joined = parts
        .iter()
        .flatten()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    (!joined.is_empty()).then_some(joined)
}
