//! The reverse proxies in front of the app, from the configuration: only they may name the
//! client (`X-Forwarded-For`).

use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// The addresses and networks of the reverse proxies in front of the app.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl std::str::FromStr for TrustedProxies {
    type Err = String;

    /// Comma-separated addresses or CIDRs; empty: no proxy is trusted. A network of every
    /// address (`0.0.0.0/0`, `::/0`) is refused: any client could then choose its address.
    fn from_str(text: &str) -> Result<Self, String> {
        text.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                let net = p
                    .parse::<IpNet>()
                    .or_else(|_| p.parse::<IpAddr>().map(IpNet::from))
                    .map(|net| net.trunc())
                    .map_err(|_| format!("{p:?} is not an IP address or CIDR (e.g. 10.0.0.0/8)"))?;
                if net.prefix_len() == 0 {
                    return Err(format!(
                        "{p:?} trusts every address, so any client could choose the address it \
                         is counted under: list your proxies' own addresses"
                    ));
                }
                Ok(net)
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }
}

impl TrustedProxies {
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request that came from `peer` with these `X-Forwarded-For` values.
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        let hops = forwarded_for.iter().rev().flat_map(|h| h.rsplit(','));
        for hop in hops {
            // A hop our proxies did not write (garbage, `unknown`): stop at the last one they did.
            let Some(ip) = parse_hop(hop) else { break };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`[v6]:port`, `v4:port`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}
