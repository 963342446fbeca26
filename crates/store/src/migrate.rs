//! Schema migrations: the numbered `.sql` files of `crates/store/migrations`,
//! compiled in, applied in order, each recorded in `schema_version`.
//!
//! A migration is never edited once released; a change to the schema is a
//! new file with the next number (and a line in [`MIGRATIONS`]; a test
//! checks the list against the directory).

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::{now_ms, Result, StoreError};

/// One migration: its number, file name and SQL.
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_init.sql",
        sql: include_str!("../migrations/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "0002_snippets.sql",
        sql: include_str!("../migrations/0002_snippets.sql"),
    },
    Migration {
        version: 3,
        name: "0003_hosted.sql",
        sql: include_str!("../migrations/0003_hosted.sql"),
    },
    Migration {
        version: 4,
        name: "0004_shared_queue.sql",
        sql: include_str!("../migrations/0004_shared_queue.sql"),
    },
];

/// The schema version this program writes.
pub fn latest() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

const VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_version (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
)";

fn sql_error(what: &str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |e| StoreError(format!("{what}: {e}"))
}

/// A migration's SQL as PostgreSQL runs it: SQLite's row-id keys
/// (`INTEGER PRIMARY KEY`) become identity columns, and every `INTEGER`
/// is a `BIGINT` (times are milliseconds). Nothing else differs: the
/// files are written in the subset both databases accept.
pub fn postgres_sql(sql: &str) -> String {
    sql.replace(
        "INTEGER PRIMARY KEY",
        "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    )
    .replace("INTEGER", "BIGINT")
}

/// The version a database is at (0 for a new one).
pub fn current(conn: &Connection) -> Result<u32> {
    conn.execute_batch(VERSION_TABLE)
        .map_err(sql_error("cannot create the schema_version table"))?;
    let v: Option<u32> = conn
        .query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0))
        .optional()
        .map_err(sql_error("cannot read the schema version"))?
        .flatten();
    Ok(v.unwrap_or(0))
}

/// Bring the database to [`latest`]; returns the versions applied. Runs in
/// one immediate transaction, so two processes opening a new file at once
/// do not both migrate it. A database newer than this program is refused.
pub fn apply(conn: &mut Connection) -> Result<Vec<u32>> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql_error("cannot lock the database to migrate it"))?;
    let at = current(&tx)?;
    if at > latest() {
        return Err(StoreError(format!("the database is at schema version {at}, newer than this skillaudit knows ({}); use a newer skillaudit", latest())));
    }
    let mut applied = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| m.version > at) {
        tx.execute_batch(m.sql)
            .map_err(|e| StoreError(format!("migration {} failed: {e}", m.name)))?;
        tx.execute(
            "INSERT INTO schema_version (version, name, applied_at) VALUES (?1, ?2, ?3)",
            params![m.version, m.name, now_ms()],
        )
        .map_err(sql_error("cannot record the migration"))?;
        applied.push(m.version);
    }
    tx.commit()
        .map_err(sql_error("cannot commit the migration"))?;
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_matches_the_migrations_directory() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        let listed: Vec<&str> = MIGRATIONS.iter().map(|m| m.name).collect();
        assert_eq!(
            files, listed,
            "every file in migrations/ must be listed in MIGRATIONS, in order"
        );
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(
                m.version as usize,
                i + 1,
                "{} is not numbered consecutively",
                m.name
            );
            assert!(
                m.name.starts_with(&format!("{:04}_", m.version)),
                "{} does not start with its number",
                m.name
            );
            assert_eq!(m.sql, std::fs::read_to_string(dir.join(m.name)).unwrap());
        }
    }

    #[test]
    fn a_fresh_database_is_migrated_once() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(current(&conn).unwrap(), 0);
        assert_eq!(
            apply(&mut conn).unwrap(),
            (1..=latest()).collect::<Vec<_>>()
        );
        assert_eq!(current(&conn).unwrap(), latest());
        assert_eq!(apply(&mut conn).unwrap(), Vec::<u32>::new());
        let names: Vec<String> = conn
            .prepare("SELECT name FROM schema_version ORDER BY version")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(
            names,
            MIGRATIONS
                .iter()
                .map(|m| m.name.to_string())
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO schema_version (version, name, applied_at) VALUES (?1, 'future.sql', 0)",
            params![latest() + 1],
        )
        .unwrap();
        let e = apply(&mut conn).unwrap_err();
        assert!(e.0.contains("newer than this skillaudit"), "{e}");
    }
}
