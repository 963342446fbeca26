//! Addresses: which are public ([`is_public`]), and a host resolved with
//! every address checked.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::FetchError;

/// Is this an address anyone on the internet could reach (not loopback,
/// private, link-local, unique-local, unspecified, multicast, reserved…)?
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0 // "this network", unspecified
        || a == 10
        || a == 127
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 169 && b == 254)
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // documentation
        || (a == 192 && b == 88 && c == 99) // 6to4 relay anycast
        || (a == 192 && b == 168)
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || (a == 198 && b == 51 && c == 100) // documentation
        || (a == 203 && b == 0 && c == 113) // documentation
        || a >= 224) // multicast, reserved, broadcast
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    let embedded_v4 =
        |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    if ip.is_unspecified() || ip.is_loopback() {
        return false;
    }
    // IPv4-mapped ::ffff:a.b.c.d and the old IPv4-compatible ::a.b.c.d.
    if s[0..5] == [0, 0, 0, 0, 0] && (s[5] == 0xffff || s[5] == 0) {
        return is_public_v4(embedded_v4(s[6], s[7]));
    }
    // NAT64 64:ff9b::/96 carries an IPv4 address; 64:ff9b:1::/48 is local.
    if s[0] == 0x64 && s[1] == 0xff9b {
        return s[2..6] == [0, 0, 0, 0] && is_public_v4(embedded_v4(s[6], s[7]));
    }
    // 6to4 2002::/16 carries an IPv4 address.
    if s[0] == 0x2002 {
        return is_public_v4(embedded_v4(s[1], s[2]));
    }
    !((s[0] & 0xff00) == 0xff00 // multicast
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x0100 && s[1..4] == [0, 0, 0]) // discard-only
        || s[0] == 0) // other reserved ::/16 forms
}

/// Resolve the host (or take its IP literal) and check every address
/// (unless the host's entry allows private addresses).
pub(super) fn resolve(
    host: &str,
    port: u16,
    allow_private: bool,
    deadline: Instant,
    limit: Duration,
) -> Result<Vec<IpAddr>, FetchError> {
    let addrs: Vec<IpAddr> = if let Ok(ip) = host.parse::<IpAddr>() {
        vec![ip]
    } else {
        let (tx, rx) = std::sync::mpsc::channel();
        let target = (host.to_string(), port);
        std::thread::spawn(move || {
            let _ = tx.send(
                target
                    .to_socket_addrs()
                    .map(|a| a.map(|s: SocketAddr| s.ip()).collect::<Vec<_>>()),
            );
        });
        let wait = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(wait) {
            Ok(Ok(a)) => a,
            Ok(Err(e)) => return Err(FetchError::Resolve(format!("{}: {e}", host))),
            Err(_) => return Err(FetchError::TimedOut(limit)),
        }
    };
    if addrs.is_empty() {
        return Err(FetchError::Resolve(format!("{}: no addresses", host)));
    }
    if !allow_private {
        if let Some(bad) = addrs.iter().find(|a| !is_public(**a)) {
            return Err(FetchError::PrivateAddress {
                host: host.to_string(),
                address: *bad,
            });
        }
    }
    let mut unique = Vec::new();
    for a in addrs {
        if !unique.contains(&a) {
            unique.push(a);
        }
    }
    Ok(unique)
}
