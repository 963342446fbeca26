//! Per-client token buckets.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use crate::RateLimit;

/// Buckets are pruned (full ones dropped) once there are this many…
const PRUNE_AT: usize = 4096;
/// …at most this often.
const PRUNE_EVERY: Duration = Duration::from_secs(10);
/// Past this many clients at once, the table is cleared (memory bound).
const MAX_CLIENTS: usize = 100_000;

/// The key a client is limited by: its IPv4 address (IPv4-mapped IPv6
/// included), or the /64 prefix of its IPv6 address (one subscriber's
/// allocation, so rotating the interface id does not buy more audits).
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(bits.into())
            }
        },
    }
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

pub struct Limiter {
    rate: RateLimit,
    buckets: HashMap<IpAddr, Bucket>,
    last_prune: Instant,
}

impl Limiter {
    pub fn new(rate: RateLimit) -> Limiter {
        Limiter {
            rate,
            buckets: HashMap::new(),
            last_prune: Instant::now(),
        }
    }

    fn capacity(&self) -> f64 {
        f64::from(self.rate.burst.max(1))
    }

    fn per_second(&self) -> f64 {
        f64::from(self.rate.per_minute) / 60.0
    }

    fn refill(&self, b: &mut Bucket, now: Instant) {
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed * self.per_second()).min(self.capacity());
        b.at = now;
    }

    /// Take one token for `client`, or say how long until one is there.
    pub fn take(&mut self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        if self.rate.per_minute == 0 {
            return Ok(());
        }
        self.prune(now);
        let capacity = self.capacity();
        let per_second = self.per_second();
        let mut bucket = self.buckets.remove(&client_key(client)).unwrap_or(Bucket {
            tokens: capacity,
            at: now,
        });
        self.refill(&mut bucket, now);
        let result = if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / per_second;
            Err(Duration::from_millis((wait * 1000.0).ceil() as u64).max(Duration::from_millis(1)))
        };
        self.buckets.insert(client_key(client), bucket);
        result
    }

    /// Give back the token of a submission that was refused after all.
    pub fn refund(&mut self, client: IpAddr) {
        let capacity = self.capacity();
        if let Some(b) = self.buckets.get_mut(&client_key(client)) {
            b.tokens = (b.tokens + 1.0).min(capacity);
        }
    }

    fn prune(&mut self, now: Instant) {
        if self.buckets.len() < PRUNE_AT
            || now.saturating_duration_since(self.last_prune) < PRUNE_EVERY
        {
            return;
        }
        self.last_prune = now;
        let (capacity, per_second) = (self.capacity(), self.per_second());
        self.buckets.retain(|_, b| {
            let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
            b.tokens + elapsed * per_second < capacity
        });
        if self.buckets.len() > MAX_CLIENTS {
            self.buckets.clear();
        }
    }

    #[cfg(test)]
    fn clients(&self) -> usize {
        self.buckets.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn keys() {
        assert_eq!(client_key(ip("192.0.2.7")), ip("192.0.2.7"));
        assert_eq!(client_key(ip("::ffff:192.0.2.7")), ip("192.0.2.7"));
        assert_eq!(
            client_key(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd")),
            ip("2001:db8:1:2::")
        );
        assert_eq!(
            client_key(ip("2001:db8:1:2::1")),
            client_key(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(
            client_key(ip("2001:db8:1:2::1")),
            client_key(ip("2001:db8:1:3::1"))
        );
    }

    #[test]
    fn burst_then_refill() {
        let mut l = Limiter::new(RateLimit {
            per_minute: 6,
            burst: 2,
        });
        let t0 = Instant::now();
        let a = ip("198.51.100.1");
        assert!(l.take(a, t0).is_ok());
        assert!(l.take(a, t0).is_ok());
        // 6/min: one token every 10 s.
        let wait = l.take(a, t0).unwrap_err();
        assert!(
            wait > Duration::from_secs(9) && wait <= Duration::from_secs(10),
            "{wait:?}"
        );
        // Another client is not affected; the same /64 is.
        assert!(l.take(ip("198.51.100.2"), t0).is_ok());
        assert!(l.take(ip("2001:db8::1"), t0).is_ok());
        assert!(l.take(ip("2001:db8::2"), t0).is_ok());
        assert!(l.take(ip("2001:db8::3"), t0).is_err());
        // Half the wait: still refused, with half the time left.
        let later = l.take(a, t0 + Duration::from_secs(5)).unwrap_err();
        assert!(
            later <= Duration::from_secs(5) && later > Duration::from_secs(4),
            "{later:?}"
        );
        assert!(l.take(a, t0 + Duration::from_secs(10)).is_ok());
        assert!(l.take(a, t0 + Duration::from_secs(10)).is_err());
        // Never more than the burst, however long the client waited.
        let t1 = t0 + Duration::from_secs(3600);
        assert!(l.take(a, t1).is_ok());
        assert!(l.take(a, t1).is_ok());
        assert!(l.take(a, t1).is_err());
        // A refund gives the token back.
        l.refund(a);
        assert!(l.take(a, t1).is_ok());
    }

    #[test]
    fn disabled_and_zero_burst() {
        let mut off = Limiter::new(RateLimit {
            per_minute: 0,
            burst: 0,
        });
        let t0 = Instant::now();
        for _ in 0..1000 {
            assert!(off.take(ip("198.51.100.1"), t0).is_ok());
        }
        assert_eq!(off.clients(), 0);
        // burst 0 still lets one through.
        let mut one = Limiter::new(RateLimit {
            per_minute: 60,
            burst: 0,
        });
        assert!(one.take(ip("198.51.100.1"), t0).is_ok());
        assert!(one.take(ip("198.51.100.1"), t0).is_err());
    }

    #[test]
    fn full_buckets_are_pruned() {
        let mut l = Limiter::new(RateLimit {
            per_minute: 60,
            burst: 1,
        });
        let t0 = Instant::now();
        for i in 0..PRUNE_AT as u32 {
            assert!(l.take(IpAddr::V4((0x0a00_0000 + i).into()), t0).is_ok());
        }
        assert_eq!(l.clients(), PRUNE_AT);
        // A minute later every bucket is full again: all but the new one go.
        assert!(l
            .take(ip("198.51.100.1"), t0 + Duration::from_secs(60))
            .is_ok());
        assert_eq!(l.clients(), 1);
    }
}
