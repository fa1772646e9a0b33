//! Who is asking, and how much they may ask: the client's address (resolved by the HTTP layer
//! behind trusted proxies) and the per-client budgets of the endpoints open to anyone. Services
//! take these values; they know nothing of HTTP.

mod address;
mod budget;
mod proxies;

pub use address::{ClientIp, V6_56_SHARE};
pub use budget::{Budget, RateLimiter};
pub use proxies::TrustedProxies;
