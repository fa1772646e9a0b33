//! The client's address: what budgets and the audit trail know of who is asking.

use std::net::IpAddr;

/// The client's address, as resolved for this request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientIp {
    addr: IpAddr,
    text: String,
}

impl ClientIp {
    pub fn new(addr: IpAddr) -> Self {
        let addr = addr.to_canonical();
        ClientIp {
            addr,
            text: addr.to_string(),
        }
    }

    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    /// The full address, as the audit trail records it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The key budgets are counted under: the address, or its /64 for IPv6 (one subscriber
    /// usually holds a whole /64 and could otherwise take a fresh address per request).
    pub fn budget_key(&self) -> String {
        match self.addr {
            IpAddr::V4(a) => a.to_string(),
            IpAddr::V6(a) => {
                let s = a.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        }
    }
}

/// How many /64s of one IPv6 /56 may each spend a whole budget before the /56 itself waits:
/// a subscriber holding a /56 cannot multiply its budgets by 256 by hopping between its /64s.
pub const V6_56_SHARE: u32 = 2;

impl ClientIp {
    /// Every key a budget is counted under, with the budget's multiple for that key: the
    /// address (its /64 for IPv6), and for IPv6 its /56 as well.
    pub fn budget_keys(&self) -> Vec<(String, u32)> {
        match self.addr {
            IpAddr::V4(_) => vec![(self.budget_key(), 1)],
            IpAddr::V6(a) => {
                let s = a.segments();
                let wide = format!("{:x}:{:x}:{:x}:{:x}::/56", s[0], s[1], s[2], s[3] & 0xff00);
                vec![(self.budget_key(), 1), (wide, V6_56_SHARE)]
            }
        }
    }
}

impl AsRef<str> for ClientIp {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for ClientIp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}
