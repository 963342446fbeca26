//! The Python catalogue: what a call does with the data given to it.
//!
//! Functions are looked up by their library name (`subprocess.run`,
//! `os.path.join`, `builtins.open`); methods by their name and what is known
//! about the receiver (a `pathlib` path, an HTTP client, a database cursor,
//! or any string for string methods). Processes are in [`super::process`].

use super::args::{at, kw, pos, positional_count, site};
use super::process;
use super::track::{fact_of_value, is_pathish, Obj};
use super::Ctx;
use crate::code::ir::{ArgRef, Call, Effect, Expr, FileOp, Kinds, Lit, SinkKind, SinkSite};

pub fn effect(cx: &Ctx<'_>, call: &Call, key: Option<&str>) -> Effect {
    if let Some(k) = key {
        if let Some(e) = function(call, k) {
            return e;
        }
        if key.is_some_and(|k| k.starts_with("builtins.")) || call.qualified.is_some() {
            return Effect::Unknown;
        }
    }
    if let Expr::Member { obj, prop, .. } = &call.callee {
        if let Some(e) = method(cx, call, obj, prop) {
            return e;
        }
    }
    Effect::Unknown
}

/// A known sink function; called without the dangerous argument its
/// result is simply clean.
fn sinks(sites: Vec<SinkSite>) -> Option<Effect> {
    if sites.is_empty() {
        return Some(Effect::Clean);
    }
    Some(Effect::Sinks(sites))
}

/// One sink at argument `n` (or keyword `name`); a call without that
/// argument is no sink (`os.listdir()`).
fn one(call: &Call, kind: SinkKind, n: usize, name: &str, what: &str) -> Option<Effect> {
    let sites = at(call, n, name)
        .map(|a| site(kind, a, what))
        .into_iter()
        .collect();
    sinks(sites)
}

fn two(
    call: &Call,
    first: SinkKind,
    second: SinkKind,
    names: [&str; 2],
    what: &str,
) -> Option<Effect> {
    let mut sites = Vec::new();
    if let Some(a) = at(call, 0, names[0]) {
        sites.push(site(first, a, what));
    }
    if let Some(a) = at(call, 1, names[1]) {
        sites.push(site(second, a, what));
    }
    sinks(sites)
}

fn propagate(from: Vec<ArgRef>, keeps_whole: bool) -> Option<Effect> {
    Some(Effect::Propagate { from, keeps_whole })
}

fn sanitize(kinds: Kinds) -> Option<Effect> {
    Some(Effect::Sanitize {
        from: ArgRef::Arg(0),
        kinds,
    })
}

const P: fn(FileOp) -> SinkKind = SinkKind::Path;

fn function(call: &Call, key: &str) -> Option<Effect> {
    process::function(call, key)
        .or_else(|| evaluation(call, key))
        .or_else(|| files(call, key))
        .or_else(|| network(call, key))
        .or_else(|| values(key))
        .or_else(|| pass_through(call, key))
}

/// Code evaluation and deserialisation.
fn evaluation(call: &Call, key: &str) -> Option<Effect> {
    let short = key.strip_prefix("builtins.").unwrap_or(key);
    match key {
        // Code evaluation and deserialisation.
        "builtins.eval" | "builtins.exec" | "builtins.compile" => {
            one(call, SinkKind::Eval, 0, "source", short)
        }
        "runpy.run_path" | "runpy.run_module" => one(call, SinkKind::Eval, 0, "path_name", key),
        "pickle.loads"
        | "pickle.load"
        | "dill.loads"
        | "dill.load"
        | "marshal.loads"
        | "marshal.load"
        | "jsonpickle.decode"
        | "jsonpickle.loads"
        | "torch.load"
        | "joblib.load"
        | "pandas.read_pickle"
        | "yaml.unsafe_load"
        | "yaml.unsafe_load_all"
        | "cloudpickle.loads"
        | "shelve.open" => one(call, SinkKind::Deserialize, 0, "data", key),
        "numpy.load"
            if matches!(
                kw(call, "allow_pickle"),
                Some(Expr::Lit(Lit::Bool(true), _))
            ) =>
        {
            one(call, SinkKind::Deserialize, 0, "file", key)
        }
        "yaml.load" | "yaml.load_all" => {
            let loader = pos(call, 1).or_else(|| kw(call, "Loader"));
            if loader.is_some_and(safe_loader) {
                propagate(vec![ArgRef::Arg(0)], false)
            } else {
                one(call, SinkKind::Deserialize, 0, "stream", key)
            }
        }
        "yaml.safe_load" | "yaml.safe_load_all" | "json.loads" | "json.dumps" | "tomllib.loads" => {
            propagate(vec![ArgRef::Arg(0)], false)
        }
        _ => None,
    }
}

/// Files.
fn files(call: &Call, key: &str) -> Option<Effect> {
    let short = key.strip_prefix("builtins.").unwrap_or(key);
    match key {
        // Files.
        "builtins.open" | "io.open" | "codecs.open" | "aiofiles.open" | "gzip.open"
        | "bz2.open" | "lzma.open" => open(call, 0, 1, short),
        "os.open" => one(call, P(FileOp::Open), 0, "path", key),
        "os.remove" | "os.unlink" | "os.rmdir" | "os.removedirs" | "shutil.rmtree" => {
            one(call, P(FileOp::Delete), 0, "path", key)
        }
        "os.listdir" | "os.scandir" | "os.walk" | "os.fwalk" | "glob.glob" | "glob.iglob" => {
            let name = if key.ends_with("walk") {
                "top"
            } else if key.starts_with("glob") {
                "pathname"
            } else {
                "path"
            };
            one(call, P(FileOp::List), 0, name, key)
        }
        "os.makedirs"
        | "os.mkdir"
        | "os.mkfifo"
        | "os.chmod"
        | "os.chown"
        | "os.lchown"
        | "os.utime"
        | "os.truncate"
        | "shutil.make_archive"
        | "git.Repo.init" => one(call, P(FileOp::Write), 0, "path", key),
        "os.readlink"
        | "linecache.getline"
        | "fileinput.input"
        | "numpy.load"
        | "numpy.loadtxt"
        | "numpy.genfromtxt"
        | "pandas.read_csv"
        | "pandas.read_json"
        | "pandas.read_excel"
        | "pandas.read_parquet"
        | "pandas.read_table"
        | "tarfile.open" => one(call, P(FileOp::Read), 0, "path", key),
        "git.Repo" => one(call, P(FileOp::Read), 0, "path", key),
        "zipfile.ZipFile" => open(call, 0, 1, key),
        "os.rename" | "os.replace" | "os.renames" | "os.symlink" | "os.link" => two(
            call,
            P(FileOp::Write),
            P(FileOp::Write),
            ["src", "dst"],
            key,
        ),
        "shutil.copy"
        | "shutil.copy2"
        | "shutil.copyfile"
        | "shutil.copytree"
        | "shutil.copymode"
        | "shutil.copystat"
        | "shutil.unpack_archive" => {
            two(call, P(FileOp::Read), P(FileOp::Write), ["src", "dst"], key)
        }
        "shutil.move" => two(
            call,
            P(FileOp::Delete),
            P(FileOp::Write),
            ["src", "dst"],
            key,
        ),
        "flask.send_file" | "flask.helpers.send_file" => {
            one(call, P(FileOp::Serve), 0, "path_or_file", key)
        }
        "starlette.responses.FileResponse"
        | "fastapi.responses.FileResponse"
        | "fastapi.FileResponse" => one(call, P(FileOp::Serve), 0, "path", key),
        _ => None,
    }
}

/// Outgoing requests and SQL text.
fn network(call: &Call, key: &str) -> Option<Effect> {
    match key {
        // Outgoing requests.
        "requests.get"
        | "requests.post"
        | "requests.put"
        | "requests.delete"
        | "requests.patch"
        | "requests.head"
        | "requests.options"
        | "httpx.get"
        | "httpx.post"
        | "httpx.put"
        | "httpx.delete"
        | "httpx.patch"
        | "httpx.head"
        | "httpx.options"
        | "urllib.request.urlopen"
        | "urllib.request.Request"
        | "urllib.urlopen"
        | "websockets.connect"
        | "websockets.client.connect"
        | "socket.create_connection"
        | "ftplib.FTP"
        | "http.client.HTTPConnection"
        | "http.client.HTTPSConnection"
        | "requests.api.get"
        | "requests.api.post" => {
            let name = if key.starts_with("http.client") || key.starts_with("ftplib") {
                "host"
            } else {
                "url"
            };
            one(call, SinkKind::Url, 0, name, key)
        }
        "requests.request"
        | "requests.api.request"
        | "httpx.request"
        | "httpx.stream"
        | "aiohttp.request" => one(call, SinkKind::Url, 1, "url", key),
        "urllib.request.urlretrieve" => two(
            call,
            SinkKind::Url,
            P(FileOp::Write),
            ["url", "filename"],
            key,
        ),
        "git.Repo.clone_from" => two(
            call,
            SinkKind::Url,
            P(FileOp::Write),
            ["url", "to_path"],
            key,
        ),
        // SQL text.
        "pandas.read_sql" | "pandas.read_sql_query" => one(call, SinkKind::Sql, 0, "sql", key),
        "duckdb.sql" | "duckdb.query" | "duckdb.execute" => {
            one(call, SinkKind::Sql, 0, "query", key)
        }
        "sqlalchemy.text" | "sqlalchemy.sql.text" | "sqlalchemy.sql.expression.text" => {
            propagate(vec![ArgRef::Arg(0)], true)
        }
        _ => None,
    }
}

/// Sanitizers and functions whose result is never text.
fn values(key: &str) -> Option<Effect> {
    match key {
        // Sanitizers.
        "shlex.quote" | "pipes.quote" | "shlex.join" => sanitize(Kinds::SHELL),
        "os.path.basename" => sanitize(Kinds::PATH),
        "werkzeug.utils.secure_filename" | "werkzeug.secure_filename" => {
            sanitize(Kinds::PATH | Kinds::SHELL)
        }
        // Never text.
        "builtins.int"
        | "builtins.float"
        | "builtins.bool"
        | "builtins.len"
        | "builtins.complex"
        | "builtins.hash"
        | "builtins.ord"
        | "builtins.abs"
        | "builtins.round"
        | "builtins.isinstance"
        | "builtins.issubclass"
        | "builtins.callable"
        | "builtins.hasattr"
        | "builtins.id"
        | "builtins.any"
        | "builtins.all"
        | "builtins.sum"
        | "builtins.divmod"
        | "builtins.pow"
        | "os.path.exists"
        | "os.path.isfile"
        | "os.path.isdir"
        | "os.path.islink"
        | "os.path.lexists"
        | "os.path.getsize"
        | "os.path.getmtime"
        | "os.path.getctime"
        | "os.path.getatime"
        | "os.path.isabs"
        | "os.path.samefile"
        | "os.path.ismount"
        | "os.getpid"
        | "decimal.Decimal" => Some(Effect::Clean),
        _ if ["uuid.", "hashlib.", "hmac.", "secrets.", "math.", "time."]
            .iter()
            .any(|p| key.starts_with(p)) =>
        {
            Some(Effect::Clean)
        }
        "random.random" | "random.randint" | "random.uniform" | "random.randrange" => {
            Some(Effect::Clean)
        }
        _ => None,
    }
}

/// Functions whose result carries the taint of some arguments.
fn pass_through(call: &Call, key: &str) -> Option<Effect> {
    match key {
        // Pass-through.
        "builtins.str" | "builtins.bytes" | "builtins.list" | "builtins.tuple" | "os.fspath"
        | "os.fsdecode" | "os.fsencode" | "copy.copy" | "copy.deepcopy" | "shlex.split" => {
            propagate(vec![ArgRef::Arg(0)], true)
        }
        "typing.cast" => propagate(vec![ArgRef::Arg(1)], true),
        "pathlib.Path"
        | "pathlib.PurePath"
        | "pathlib.PosixPath"
        | "pathlib.WindowsPath"
        | "pathlib.PurePosixPath" => propagate(vec![ArgRef::From(0)], positional_count(call) == 1),
        "builtins.repr"
        | "builtins.ascii"
        | "builtins.format"
        | "builtins.sorted"
        | "builtins.set"
        | "builtins.frozenset"
        | "builtins.reversed"
        | "builtins.iter"
        | "builtins.next"
        | "builtins.min"
        | "builtins.max"
        | "builtins.dict"
        | "builtins.enumerate"
        | "builtins.zip"
        | "builtins.filter"
        | "builtins.map"
        | "os.path.join"
        | "os.path.abspath"
        | "os.path.normpath"
        | "os.path.realpath"
        | "os.path.expanduser"
        | "os.path.expandvars"
        | "os.path.dirname"
        | "os.path.relpath"
        | "os.path.splitext"
        | "os.path.split"
        | "urllib.parse.quote"
        | "urllib.parse.quote_plus"
        | "urllib.parse.unquote"
        | "urllib.parse.unquote_plus"
        | "urllib.parse.urlencode"
        | "urllib.parse.urlunparse"
        | "urllib.parse.urlunsplit"
        | "urllib.parse.urljoin"
        | "html.escape"
        | "html.unescape"
        | "textwrap.dedent"
        | "textwrap.indent"
        | "re.escape"
        | "base64.b64decode"
        | "base64.b64encode"
        | "base64.urlsafe_b64decode"
        | "base64.urlsafe_b64encode"
        | "base64.b32decode"
        | "base64.b16decode" => propagate(vec![ArgRef::From(0)], false),
        "re.sub" | "re.subn" => propagate(vec![ArgRef::Arg(1), ArgRef::Arg(2)], false),
        _ => None,
    }
}

/// `Loader=yaml.SafeLoader` and the other loaders that build no objects.
fn safe_loader(e: &Expr) -> bool {
    let name = match e {
        Expr::Name(n, _) => n.as_str(),
        Expr::Member { prop, .. } => prop.as_str(),
        _ => return false,
    };
    matches!(
        name,
        "SafeLoader" | "CSafeLoader" | "BaseLoader" | "CBaseLoader"
    )
}

/// `open(path, mode)`: the mode literal decides read or write.
fn open(call: &Call, path_at: usize, mode_at: usize, what: &str) -> Option<Effect> {
    let Some(target) = at(call, path_at, "file") else {
        return sinks(Vec::new());
    };
    let op = file_op(pos(call, mode_at).or_else(|| kw(call, "mode")));
    sinks(vec![site(SinkKind::Path(op), target, what)])
}

fn file_op(mode: Option<&Expr>) -> FileOp {
    match mode {
        None => FileOp::Read,
        Some(Expr::Lit(Lit::Str(m), _)) if m.contains(['w', 'a', 'x', '+']) => FileOp::Write,
        Some(Expr::Lit(Lit::Str(_), _)) => FileOp::Read,
        Some(_) => FileOp::Open,
    }
}

/// String methods whose result is still the whole value.
const WHOLE_STR: &[&str] = &[
    "strip",
    "lstrip",
    "rstrip",
    "lower",
    "upper",
    "casefold",
    "title",
    "capitalize",
    "swapcase",
    "removeprefix",
    "removesuffix",
    "expandtabs",
    "encode",
    "decode",
];

/// String and container methods whose result is derived from the value.
const DERIVED: &[&str] = &[
    "split",
    "rsplit",
    "splitlines",
    "partition",
    "rpartition",
    "zfill",
    "ljust",
    "rjust",
    "center",
    "translate",
    "copy",
    "values",
    "keys",
    "items",
];

const CLEAN_METHODS: &[&str] = &[
    "count",
    "find",
    "rfind",
    "index",
    "rindex",
    "startswith",
    "endswith",
    "exists",
    "is_file",
    "is_dir",
    "is_symlink",
    "is_absolute",
    "is_relative_to",
    "stat",
    "lstat",
    "bit_length",
    "isspace",
    "isupper",
    "islower",
    "istitle",
    "isprintable",
    "isascii",
    "__len__",
];

/// Methods of a database handle that run SQL text.
const SQL_METHODS: &[&str] = &[
    "execute",
    "executemany",
    "executescript",
    "exec_driver_sql",
    "fetch",
    "fetchrow",
    "fetchval",
    "query",
    "command",
    "sql",
    "query_df",
    "query_arrow",
    "raw",
];

/// Variable names that are database handles by convention.
const DB_NAMES: &[&str] = &[
    "cursor",
    "cur",
    "conn",
    "connection",
    "con",
    "db",
    "session",
    "engine",
    "tx",
    "txn",
    "transaction",
    "c",
];

const HTTP_METHODS: &[&str] = &["get", "post", "put", "delete", "patch", "head", "options"];

fn method(cx: &Ctx<'_>, call: &Call, obj: &Expr, prop: &str) -> Option<Effect> {
    let lookup = |e: &Expr| cx.fact_of(e);
    let obj_kind = match obj {
        Expr::Name(..) | Expr::Member { .. } => cx.obj_of(obj),
        other => fact_of_value(other, &lookup).and_then(|f| f.obj),
    };
    let pathish = is_pathish(obj, &lookup);
    if let Some(e) = path_method(call, prop, pathish) {
        return Some(e);
    }
    if obj_kind == Some(Obj::Http) {
        if HTTP_METHODS.contains(&prop) {
            return one(call, SinkKind::Url, 0, "url", prop);
        }
        if matches!(prop, "request" | "stream" | "build_request") {
            return one(call, SinkKind::Url, 1, "url", prop);
        }
        if prop == "ws_connect" {
            return one(call, SinkKind::Url, 0, "url", prop);
        }
    }
    if SQL_METHODS.contains(&prop)
        && (obj_kind == Some(Obj::Db) || db_named(obj) && is_execute(prop))
    {
        let name = ["query", "sql", "operation", "statement"]
            .into_iter()
            .find(|k| kw(call, k).is_some())
            .unwrap_or("query");
        return one(call, SinkKind::Sql, 0, name, prop);
    }
    if let Some(e) = process::method(cx, call, obj, prop) {
        return Some(e);
    }
    if WHOLE_STR.contains(&prop) {
        return propagate(vec![ArgRef::Receiver], true);
    }
    if DERIVED.contains(&prop) {
        return propagate(vec![ArgRef::Receiver], false);
    }
    if matches!(prop, "replace" | "join" | "format" | "format_map") && !pathish {
        let mut from = vec![ArgRef::Receiver];
        from.push(if prop == "replace" {
            ArgRef::Arg(1)
        } else {
            ArgRef::From(0)
        });
        return propagate(from, false);
    }
    if CLEAN_METHODS.contains(&prop) {
        return Some(Effect::Clean);
    }
    None
}

fn is_execute(prop: &str) -> bool {
    matches!(
        prop,
        "execute" | "executemany" | "executescript" | "exec_driver_sql"
    )
}

/// `cursor`, `self._conn`, `db_session`: a database handle by its name.
fn db_named(obj: &Expr) -> bool {
    let name = match obj {
        Expr::Name(n, _) => n.as_str(),
        Expr::Member { prop, .. } => prop.as_str(),
        _ => return false,
    };
    let n = name.trim_start_matches('_').to_ascii_lowercase();
    DB_NAMES.contains(&n.as_str())
        || [
            "_cursor",
            "_conn",
            "_connection",
            "_db",
            "_session",
            "_engine",
            "cursor",
        ]
        .iter()
        .any(|s| n.ends_with(s))
}

/// `pathlib` methods: sinks on the path itself.
fn path_method(call: &Call, prop: &str, pathish: bool) -> Option<Effect> {
    let recv = |op: FileOp| sinks(vec![site(SinkKind::Path(op), ArgRef::Receiver, prop)]);
    match prop {
        "read_text" | "read_bytes" => recv(FileOp::Read),
        "write_text" | "write_bytes" => recv(FileOp::Write),
        "unlink" | "rmdir" => recv(FileOp::Delete),
        "iterdir" => recv(FileOp::List),
        "glob" | "rglob" => {
            let mut sites = vec![site(SinkKind::Path(FileOp::List), ArgRef::Receiver, prop)];
            if let Some(a) = at(call, 0, "pattern") {
                sites.push(site(SinkKind::Path(FileOp::List), a, prop));
            }
            sinks(sites)
        }
        "open" if pathish => {
            let op = file_op(pos(call, 0).or_else(|| kw(call, "mode")));
            recv(op)
        }
        "touch" | "mkdir" | "symlink_to" | "hardlink_to" | "chmod" if pathish => {
            recv(FileOp::Write)
        }
        "rename" | "replace" if pathish => {
            let mut sites = vec![site(SinkKind::Path(FileOp::Write), ArgRef::Receiver, prop)];
            if let Some(a) = at(call, 0, "target") {
                sites.push(site(SinkKind::Path(FileOp::Write), a, prop));
            }
            sinks(sites)
        }
        "walk" if pathish => recv(FileOp::List),
        "resolve" | "absolute" | "expanduser" | "with_name" | "with_suffix" | "with_stem"
        | "joinpath" | "relative_to"
            if pathish =>
        {
            propagate(vec![ArgRef::Receiver, ArgRef::From(0)], false)
        }
        _ => None,
    }
}
