//! Who the client is behind reverse proxies. The TCP peer is the client unless it is one of the
//! trusted proxies (`HUBPRO_TRUSTED_PROXIES`); then the client is the right-most address of
//! `X-Forwarded-For` that is not itself trusted. From any other peer the header is ignored, so
//! nobody can choose the address their budgets are counted under; in production it is also
//! counted and logged once, as the sign of a proxy missing from the list.

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, SocketAddr};

pub use crate::server::clients::{ClientIp, TrustedProxies, V6_56_SHARE};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What [`resolve_client`] is told at start-up.
#[derive(Clone, Debug)]
pub struct ClientIpPolicy {
    pub proxies: TrustedProxies,
    /// Production: an `X-Forwarded-For` from an untrusted peer is reported (in development a
    /// header typed by hand is no sign of a wrong proxy list).
    pub production: bool,
}

/// Resolves the client once per request and leaves it in the request's extensions. The request
/// id a proxy would set is dropped when the peer is not a trusted proxy (a new one is made).
pub async fn resolve_client(
    State(policy): State<Arc<ClientIpPolicy>>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_canonical())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let trusted = policy.proxies.trusts(peer);
    let client = policy
        .proxies
        .client(peer, &forwarded_for(request.headers()));
    if !trusted {
        if policy.production && request.headers().contains_key("x-forwarded-for") {
            report_untrusted_forwarded_for(peer);
        }
        request.headers_mut().remove("x-request-id");
    }
    request.extensions_mut().insert(ClientIp::new(client));
    next.run(request).await
}

/// A proxy left out of `HUBPRO_TRUSTED_PROXIES` makes every client look like that proxy (one
/// budget for all): counted at each request, logged once per process (it would come with every
/// request, and an attacker could otherwise fill the logs).
fn report_untrusted_forwarded_for(peer: IpAddr) {
    static LOGGED: AtomicBool = AtomicBool::new(false);
    metrics::counter!("hubpro_untrusted_forwarded_for_total").increment(1);
    if !LOGGED.swap(true, Ordering::Relaxed) {
        tracing::warn!(
            %peer,
            "X-Forwarded-For from a peer that is not a trusted proxy, ignored: the proxy list \
             (HUBPRO_TRUSTED_PROXIES) is probably wrong (logged once; counted in \
             hubpro_untrusted_forwarded_for_total)"
        );
    }
}

fn forwarded_for(headers: &HeaderMap) -> Vec<&str> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn addresses_and_networks_parse_and_garbage_is_named() {
        let p: TrustedProxies = "10.0.0.1, 192.168.0.0/16,::1, fd00::/8".parse().unwrap();
        assert!(p.trusts(ip("10.0.0.1")) && !p.trusts(ip("10.0.0.2")));
        assert!(p.trusts(ip("192.168.44.3")) && p.trusts(ip("::1")));
        assert!(p.trusts(ip("::ffff:10.0.0.1")), "IPv4-mapped IPv6");
        assert_eq!(
            "".parse::<TrustedProxies>().unwrap(),
            TrustedProxies::default()
        );
        let err = "10.0.0.1, nope".parse::<TrustedProxies>().unwrap_err();
        assert!(err.contains("\"nope\""), "{err}");
    }

    #[test]
    fn a_network_of_every_address_is_refused() {
        // Trusting everyone would let any client choose the address its budgets count under.
        for every in ["0.0.0.0/0", "::/0", "10.0.0.1, ::/0", "192.0.2.7/0"] {
            let err = every.parse::<TrustedProxies>().unwrap_err();
            assert!(err.contains("/0\""), "{every}: {err}");
        }
        assert!("0.0.0.0/8, ::1/128".parse::<TrustedProxies>().is_ok());
    }

    #[test]
    fn an_untrusted_peer_cannot_choose_its_address() {
        let p: TrustedProxies = "10.0.0.1".parse().unwrap();
        assert_eq!(p.client(ip("203.0.113.9"), &["1.2.3.4"]), ip("203.0.113.9"));
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("127.0.0.1"), &["1.2.3.4"]), ip("127.0.0.1"));
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client() {
        let p: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        // The client forged a first entry; the proxy appended the real address.
        assert_eq!(
            p.client(ip("10.0.0.1"), &["6.6.6.6, 198.51.100.7"]),
            ip("198.51.100.7")
        );
        // Two proxies in a chain, entries in two headers.
        assert_eq!(
            p.client(ip("10.0.0.1"), &["198.51.100.7", "10.0.0.2"]),
            ip("198.51.100.7")
        );
        assert_eq!(
            p.client(ip("10.0.0.1"), &["[2001:db8::7]:4711"]),
            ip("2001:db8::7")
        );
        // No header, or garbage after the proxy's own entry: the last trusted hop.
        assert_eq!(p.client(ip("10.0.0.1"), &[]), ip("10.0.0.1"));
        assert_eq!(
            p.client(ip("10.0.0.1"), &["unknown, 10.0.0.3"]),
            ip("10.0.0.3")
        );
    }

    #[test]
    fn ipv6_clients_are_counted_per_64() {
        let a = ClientIp::new(ip("2001:db8:1:2:aaaa::1"));
        let b = ClientIp::new(ip("2001:db8:1:2:bbbb::9"));
        let c = ClientIp::new(ip("2001:db8:1:3::1"));
        assert_eq!(a.budget_key(), b.budget_key());
        assert_ne!(a.budget_key(), c.budget_key());
        assert_eq!(a.as_str(), "2001:db8:1:2:aaaa::1");
        assert_eq!(ClientIp::new(ip("::ffff:1.2.3.4")).budget_key(), "1.2.3.4");
    }

    #[test]
    fn ipv6_clients_are_also_counted_per_56() {
        let keys = |s: &str| ClientIp::new(ip(s)).budget_keys();
        let a = keys("2001:db8:1:2aa::1");
        let b = keys("2001:db8:1:2ff:9::9");
        assert_ne!(a[0], b[0], "two /64s");
        assert_eq!(a[1], b[1], "one /56");
        assert_eq!(a[1], ("2001:db8:1:200::/56".to_owned(), V6_56_SHARE));
        assert_ne!(a[1], keys("2001:db8:1:300::1")[1]);
        assert_eq!(keys("1.2.3.4"), vec![("1.2.3.4".to_owned(), 1)]);
    }
}
