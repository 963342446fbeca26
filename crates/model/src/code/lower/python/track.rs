//! What the lowering remembers about a variable from the value last
//! assigned to it: the kind of object (HTTP client, database handle, path),
//! whether a path was normalised, what a parsed URL or a relative path was
//! computed from, whether a string ends with the path separator, whether
//! it is a collection of literals. Flow-insensitive within straight code,
//! reset on every reassignment.

use crate::code::ir::{BinOp, Call, Expr, Lit};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Obj {
    /// `requests.Session()`, `httpx.Client()`, `aiohttp.ClientSession()`.
    Http,
    /// A database connection, cursor, session, engine or client.
    Db,
    /// A `pathlib` path.
    Path,
}

#[derive(Clone, Debug, Default)]
pub struct Fact {
    pub obj: Option<Obj>,
    /// `Some(true)`: normalised (`realpath`, `resolve()`); `Some(false)`:
    /// built by joining and not normalised; `None`: unknown.
    pub resolved: Option<bool>,
    /// Ends with the path separator (`root + os.sep`).
    pub sep_ended: bool,
    /// A list/tuple/set/dict of literals.
    pub allow_list: bool,
    /// `urlparse(x)`: the `x`.
    pub parsed_of: Option<Expr>,
    /// `os.path.relpath(x, root)`: the `x`.
    pub rel_of: Option<Expr>,
}

const HTTP_CTORS: &[&str] = &[
    "requests.Session",
    "requests.session",
    "httpx.Client",
    "httpx.AsyncClient",
    "aiohttp.ClientSession",
    "urllib3.PoolManager",
];

const DB_CTORS: &[&str] = &[
    "sqlite3.connect",
    "aiosqlite.connect",
    "psycopg.connect",
    "psycopg.Connection.connect",
    "psycopg.AsyncConnection.connect",
    "psycopg2.connect",
    "psycopg_pool.ConnectionPool",
    "psycopg_pool.AsyncConnectionPool",
    "asyncpg.connect",
    "asyncpg.create_pool",
    "pymysql.connect",
    "MySQLdb.connect",
    "mysql.connector.connect",
    "duckdb.connect",
    "sqlalchemy.create_engine",
    "sqlalchemy.ext.asyncio.create_async_engine",
    "sqlalchemy.orm.Session",
    "clickhouse_connect.get_client",
    "clickhouse_connect.get_async_client",
    "snowflake.connector.connect",
];

/// Methods of a database handle that return another handle.
const DB_METHODS: &[&str] = &[
    "cursor",
    "connect",
    "acquire",
    "begin",
    "connection",
    "raw_connection",
    "session",
];

/// Methods of a path that return a path.
pub const PATH_METHODS: &[&str] = &[
    "resolve",
    "absolute",
    "expanduser",
    "with_name",
    "with_suffix",
    "with_stem",
    "joinpath",
    "relative_to",
];

impl Fact {
    pub fn is_empty(&self) -> bool {
        self.obj.is_none()
            && self.resolved.is_none()
            && !self.sep_ended
            && !self.allow_list
            && self.parsed_of.is_none()
            && self.rel_of.is_none()
    }
}

/// What `value` tells about the variable it is assigned to. `lookup`
/// gives the facts of other variables (`y = x` copies them).
pub fn fact_of_value<'a>(value: &Expr, lookup: &dyn Fn(&Expr) -> Option<&'a Fact>) -> Option<Fact> {
    let mut f = Fact::default();
    match value {
        Expr::Name(..) | Expr::Member { .. } => return lookup(value).cloned(),
        Expr::Call(c) => call_fact(c, lookup, &mut f),
        Expr::Binary {
            op: BinOp::PathJoin,
            ..
        } => {
            f.obj = Some(Obj::Path);
            f.resolved = Some(false);
        }
        Expr::Binary {
            op: BinOp::Add,
            right,
            ..
        } => {
            f.resolved = Some(false);
            f.sep_ended = is_sep(right);
        }
        Expr::Template { parts, .. } => {
            f.resolved = Some(false);
            f.sep_ended = parts.last().is_some_and(is_sep);
        }
        Expr::Array { items, .. } => f.allow_list = !items.is_empty() && items.iter().all(is_lit),
        Expr::Object { entries, .. } => {
            f.allow_list = !entries.is_empty()
                && entries
                    .iter()
                    .all(|e| matches!(e, crate::code::ir::Entry::Field(..)))
        }
        _ => {}
    }
    (!f.is_empty()).then_some(f)
}

fn call_fact<'a>(c: &Call, lookup: &dyn Fn(&Expr) -> Option<&'a Fact>, f: &mut Fact) {
    let builtin = match (&c.qualified, &c.callee) {
        (None, Expr::Name(n, _)) => format!("builtins.{n}"),
        _ => String::new(),
    };
    let q = c.qualified.as_deref().unwrap_or(&builtin);
    if HTTP_CTORS.contains(&q) {
        f.obj = Some(Obj::Http);
        return;
    }
    if DB_CTORS.contains(&q) {
        f.obj = Some(Obj::Db);
        return;
    }
    match q {
        "pathlib.Path" | "pathlib.PurePath" | "pathlib.PosixPath" | "pathlib.WindowsPath" => {
            f.obj = Some(Obj::Path);
            return;
        }
        "os.path.realpath" | "os.path.abspath" | "os.path.normpath" => {
            // abspath and normpath collapse `..` lexically.
            f.resolved = Some(true);
            return;
        }
        "os.path.join" => {
            f.resolved = Some(false);
            f.sep_ended = c
                .args
                .last()
                .is_some_and(|a| matches!(&a.value, Expr::Lit(Lit::Str(s), _) if s.is_empty()));
            return;
        }
        "urllib.parse.urlparse" | "urllib.parse.urlsplit" => {
            f.parsed_of = c.args.first().map(|a| a.value.clone());
            return;
        }
        "os.path.relpath" => {
            f.rel_of = c.args.first().map(|a| a.value.clone());
            return;
        }
        "builtins.frozenset" | "builtins.set" | "builtins.tuple" | "builtins.list" => {
            if c.args.len() == 1 {
                if let Some(inner) = fact_of_value(&c.args[0].value, lookup) {
                    f.allow_list = inner.allow_list;
                }
            }
            return;
        }
        _ => {}
    }
    let Expr::Member { obj, prop, .. } = &c.callee else {
        return;
    };
    let recv = receiver_fact(obj, lookup);
    if DB_METHODS.contains(&prop.as_str())
        && (prop == "cursor" || recv.as_ref().is_some_and(|r| r.obj == Some(Obj::Db)))
    {
        f.obj = Some(Obj::Db);
        return;
    }
    if PATH_METHODS.contains(&prop.as_str()) && is_pathish(obj, lookup) {
        f.obj = Some(Obj::Path);
        f.resolved = match prop.as_str() {
            "resolve" => Some(true),
            "expanduser" | "with_name" | "with_suffix" | "with_stem" => {
                recv.and_then(|r| r.resolved)
            }
            _ => Some(false),
        };
    }
}

fn receiver_fact<'a>(obj: &Expr, lookup: &dyn Fn(&Expr) -> Option<&'a Fact>) -> Option<Fact> {
    match obj {
        Expr::Name(..) | Expr::Member { .. } => lookup(obj).cloned(),
        other => fact_of_value(other, lookup),
    }
}

/// A `pathlib` path: `Path(...)`, `a / b`, a path method's result, or a
/// variable holding one.
pub fn is_pathish<'a>(e: &Expr, lookup: &dyn Fn(&Expr) -> Option<&'a Fact>) -> bool {
    match e {
        Expr::Binary {
            op: BinOp::PathJoin,
            ..
        } => true,
        Expr::Call(c) => {
            if c.qualified
                .as_deref()
                .is_some_and(|q| q.starts_with("pathlib."))
            {
                return true;
            }
            match &c.callee {
                Expr::Member { obj, prop, .. } => {
                    (PATH_METHODS.contains(&prop.as_str()) || prop == "parent")
                        && is_pathish(obj, lookup)
                }
                _ => false,
            }
        }
        Expr::Member { obj, prop, .. } if prop == "parent" => is_pathish(obj, lookup),
        Expr::Name(..) | Expr::Member { .. } => lookup(e).is_some_and(|f| f.obj == Some(Obj::Path)),
        _ => false,
    }
}

/// `os.sep`, `os.path.sep`, `"/"`, a literal ending with a separator.
pub fn is_sep(e: &Expr) -> bool {
    match e {
        Expr::Lit(Lit::Str(s), _) => s.ends_with('/') || s.ends_with('\\'),
        Expr::Member { obj, prop, .. } if prop == "sep" => match obj.as_ref() {
            Expr::Name(n, _) => n == "os",
            Expr::Member {
                obj: o, prop: p, ..
            } => p == "path" && matches!(o.as_ref(), Expr::Name(n, _) if n == "os"),
            _ => false,
        },
        _ => false,
    }
}

fn is_lit(e: &Expr) -> bool {
    match e {
        Expr::Lit(..) => true,
        Expr::Array { items, .. } => items.iter().all(is_lit),
        Expr::Unary { expr, .. } => is_lit(expr),
        _ => false,
    }
}
