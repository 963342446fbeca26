//! The hash maps and sets of the taint analysis and the resolver, keyed by
//! the scanned code's names: foldhash's quality hasher instead of the
//! standard SipHash (about 2 % of a one-core source scan). Its seed is
//! random per process, like SipHash's, so a repository cannot choose names
//! that collide.

pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::quality::RandomState>;
pub(crate) type HashSet<T> = std::collections::HashSet<T, foldhash::quality::RandomState>;
