//! For tests: a fresh PostgreSQL database per test on the server named by
//! `SKILLAUDIT_TEST_POSTGRES` (`.ci/with-postgres` starts one).
//!
//! Without that variable a PostgreSQL test **fails**, saying how to get a
//! server, unless `SKILLAUDIT_SKIP_POSTGRES=1` is set: then it is skipped
//! and says so on stderr (past the test harness's capture), so a skip is
//! never silent.

use postgres::NoTls;

/// The variable naming the test server (a URL whose user may create databases).
pub const URL_VAR: &str = "SKILLAUDIT_TEST_POSTGRES";
/// The variable that skips the PostgreSQL tests on purpose.
pub const SKIP_VAR: &str = "SKILLAUDIT_SKIP_POSTGRES";

/// A database created for one test, dropped with it.
pub struct TestDb {
    server: String,
    name: String,
    url: String,
}

impl TestDb {
    /// A new empty database, or `None` when the PostgreSQL tests are
    /// skipped on purpose (`test` names the test in the notice). Panics
    /// (fails the test) when no server is configured or reachable.
    pub fn create(test: &str) -> Option<TestDb> {
        let Ok(server) = std::env::var(URL_VAR) else {
            if std::env::var(SKIP_VAR).as_deref() == Ok("1") {
                skipped(test);
                return None;
            }
            panic!(
                "{test} needs a PostgreSQL server: run the tests under .ci/with-postgres \
                 (it starts a throw-away one), or set {URL_VAR}=postgres://… (a user that may \
                 create databases), or set {SKIP_VAR}=1 to skip the PostgreSQL tests"
            );
        };
        let name = format!("sa_{}", unique());
        let mut admin = postgres::Client::connect(&server, NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to {URL_VAR}: {e}"));
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("cannot create a test database: {e}"));
        let url = with_database(&server, &name);
        Some(TestDb { server, name, url })
    }

    /// The database's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Drop the database now, under whatever is connected to it (a
    /// database server lost mid-job).
    pub fn drop_now(&self) {
        let mut admin = postgres::Client::connect(&self.server, NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to {URL_VAR}: {e}"));
        admin
            .batch_execute(&format!("DROP DATABASE {} WITH (FORCE)", self.name))
            .unwrap_or_else(|e| panic!("cannot drop the test database: {e}"));
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.server, NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// Print that `test` was skipped, past the harness's output capture.
pub fn skipped(test: &str) {
    use std::io::Write;
    let line = format!("SKIPPED PostgreSQL test ({SKIP_VAR}=1): {test}\n");
    // stderr of the process itself: the harness captures only what the
    // test prints through the standard macros.
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

fn unique() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

/// `url` naming the database `name` instead of its own.
pub fn with_database(url: &str, name: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let start = head.find("://").map_or(0, |i| i + 3);
    let base = match head[start..].find('/') {
        Some(i) => &head[..start + i],
        None => head,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_is_replaced() {
        assert_eq!(
            with_database("postgresql://u@localhost/postgres?host=/tmp/x", "t1"),
            "postgresql://u@localhost/t1?host=/tmp/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h:5/db", "t2"),
            "postgres://u:p@h:5/t2"
        );
        assert_eq!(with_database("postgres://u@h", "t3"), "postgres://u@h/t3");
    }
}
