//! The Python frontend: lowering of each construct family (snapshots of
//! the dump), handler discovery for every registration style, the
//! catalogue entry by entry, the acceptance cases, hostile input, and the
//! real-world corpus.

use skillaudit_model::code::dump::dump;
use skillaudit_model::code::ir::*;
use skillaudit_model::code::lower::lower;
use skillaudit_syntax::code::{check, parse, Lang};

fn lower_src(src: &str) -> CodeFile {
    let parsed = parse(Lang::Python, src).expect("parses");
    lower(&parsed, src)
}

fn show(src: &str) -> String {
    dump(&lower_src(src), src)
}

// ---------------------------------------------------------------------------
// 1. Constructs
// ---------------------------------------------------------------------------

#[test]
fn functions_methods_lambdas_classes() {
    insta::assert_snapshot!(show(
        r#"
import os

def outer(a, b: int = 1, *args, c, d=None, **kw):
    """Doc."""
    def inner(x):
        return x + a
    return inner(b)

async def fetch(url, /, timeout: float = 1.0):
    await go(url)

class Runner(Base):
    LIMIT = 3

    def __init__(self, root: str):
        self.root = root

    @staticmethod
    def helper(x):
        return os.path.join(x, "y")

    async def run(self, cmd):
        f = lambda y, *z: y + cmd
        return f(cmd)

square = lambda n: n * n
"#
    ));
}

#[test]
fn destructuring_and_assignments() {
    insta::assert_snapshot!(show(
        r#"
def f(pair, items, obj, n):
    a, b = pair
    first, *rest = items
    (x, (y, z)) = obj
    [p, q] = items
    _, keep = pair
    u = v = obj.value
    self.path = a
    d[b] = x
    total: int = n
    declared: str
    s = "ls "
    s += a
    p /= b
    n -= 1
    flags |= {a}
    if (m := obj.get_match()) is not None:
        return m
    for k, val in obj.items():
        print(k, val)
"#
    ));
}

#[test]
fn control_flow() {
    insta::assert_snapshot!(show(
        r#"
def f(x, items, name):
    if x:
        a = 1
    elif not x:
        a = 2
    else:
        a = 3
    for i in items:
        if i:
            break
        continue
    else:
        done()
    while x > 0:
        x -= 1
    else:
        finished()
    try:
        risky(x)
    except (ValueError, TypeError) as e:
        handle(e)
    except Exception:
        pass
    else:
        ok(x)
    finally:
        cleanup()
    with open(x) as fh, lock:
        data = fh.read()
    match name:
        case "a" | "b":
            one()
        case Tools.RUN if x:
            two()
        case {"k": v}:
            three(v)
        case _:
            four()
    y = x if items else name
"#
    ));
}

#[test]
fn string_building() {
    insta::assert_snapshot!(show(
        r#"
import subprocess
PREFIX = "git"

def f(host, n, user, args, d):
    a = f"ping -c {n:d} {host}!r {{literal}}"
    b = "ping -c %d %s" % (n, host)
    c = "host=%(h)s port=%(p)d" % {"h": host, "p": n}
    c2 = "%(h)s" % d
    e = "git log {} -- {path}".format(user, path=host)
    g = "{0}/{name.attr}".format(host, **d)
    h = " ".join(["ls", "-la", host])
    i = "ls " + host + " | wc"
    j = "a" "b" f"{host}"
    k = r"\n" + b"\x00" + "\t\u00e9"
    l = PREFIX + " " + host
    m = sep.join(args)
    o = "{}".format(*args)
"#
    ));
}

#[test]
fn member_and_index_access() {
    insta::assert_snapshot!(show(
        r#"
import os

def f(arguments, obj, i):
    a = arguments["path"]
    b = arguments.get("cmd")
    c = arguments.get("mode", "r")
    d = obj.attr.sub
    e = obj[0]
    g = obj[i]
    h = obj[1:i]
    k = obj[i, 2]
    env = os.environ.get("HOME")
    kw = arguments.get("x", default=1)
"#
    ));
}

#[test]
fn calls_with_each_effect() {
    insta::assert_snapshot!(show(
        r#"
import os, subprocess, shlex, pickle, yaml, requests, sqlite3
from pathlib import Path

def f(x, y, n):
    subprocess.run(x, shell=True)
    subprocess.run(["git", "log", x, "--", y])
    subprocess.run(args)
    subprocess.run(["sh", "-c", x])
    subprocess.run([sys.executable, "-c", x])
    eval(x)
    pickle.loads(x)
    yaml.load(x)
    yaml.load(x, Loader=yaml.SafeLoader)
    open(x, "w")
    open(x)
    open(x, mode)
    Path(x).read_text()
    requests.get(x)
    conn = sqlite3.connect("db")
    cur = conn.cursor()
    cur.execute("SELECT * FROM t WHERE a = " + x, ())
    shlex.quote(x)
    os.path.basename(x)
    x.strip()
    x.split(",")
    int(x)
    len(x)
    os.path.exists(x)
    str(x)
"#
    ));
}

#[test]
fn imports_and_aliases() {
    insta::assert_snapshot!(show(
        r#"
import subprocess as sp
import os.path
from os import system, path as osp
from subprocess import run as r, check_output
from .utils import run_cmd
from . import helpers
from mypkg.tools import execute
from yaml import *
sh = os.system

def f(x):
    import pickle as pk
    sp.run(x, shell=True)
    os.path.join(x, "a")
    system(x)
    osp.join("a", x)
    r([x])
    check_output(x, shell=True)
    run_cmd(x)
    helpers.go(x)
    execute(x)
    sh(x)
    pk.loads(x)

def g(subprocess):
    subprocess.run(x, shell=True)
"#
    ));
}

#[test]
fn guards_and_non_guards() {
    insta::assert_snapshot!(show(
        r#"
import os
from pathlib import Path
from urllib.parse import urlparse

ROOT = "/srv/data"
ALLOWED = {"status", "log"}
HOSTS = ("api.example.com",)
API = "https://api.example.com/v1/"

def f(p, cmd, url, names, name):
    real = os.path.realpath(p)
    if not real.startswith(ROOT + os.sep):
        raise ValueError()
    if real.startswith(ROOT):
        pass
    if not str(Path(p).resolve()).startswith(str(Path(ROOT).resolve()) + os.sep):
        raise ValueError()
    joined = os.path.join(ROOT, p)
    if joined.startswith(ROOT + "/"):
        pass
    q = Path(p).resolve()
    if not q.is_relative_to(ROOT):
        raise ValueError()
    if (Path(ROOT) / p).is_relative_to(ROOT):
        pass
    if os.path.commonpath([ROOT, real]) != ROOT:
        raise ValueError()
    if os.path.commonprefix([ROOT, real]) == ROOT:
        pass
    if Path(ROOT) in q.parents:
        pass
    if cmd not in ALLOWED:
        raise ValueError()
    if cmd in ("a", "b"):
        pass
    if cmd in "abc":
        pass
    if urlparse(url).hostname in HOSTS:
        pass
    parsed = urlparse(url)
    if parsed.netloc != "api.example.com":
        raise ValueError()
    if url.startswith("https://api.example.com/"):
        pass
    if url.startswith("https://api.example.com"):
        pass
    if not all(n in ALLOWED for n in names):
        raise ValueError()
    if any(n not in ALLOWED for n in names):
        raise ValueError()
    if bad := [n for n in names if n not in ALLOWED]:
        raise ValueError(bad)
    if any(t.startswith("-") for t in names):
        raise ValueError()
    if name.startswith("-"):
        raise ValueError()
    if not name.isdigit():
        raise ValueError()
    rel = os.path.relpath(p, ROOT)
    if rel.startswith(".."):
        raise ValueError()
    try:
        q.relative_to(ROOT)
    except ValueError:
        return None
    if p.startswith("/srv/data/"):
        pass
    if url.startswith(API):
        pass
"#
    ));
}

#[test]
fn terminators() {
    insta::assert_snapshot!(show(
        r#"
import sys, os

def f(x):
    if not x:
        raise ValueError("no")
    if x == 1:
        sys.exit(1)
    if x == 2:
        exit()
    if x == 3:
        os._exit(0)
    assert x > 3, "small"
    raise
"#
    ));
}

// ---------------------------------------------------------------------------
// 2. Handler discovery
// ---------------------------------------------------------------------------

/// The handler and description lines of a file's dump.
fn handlers(src: &str) -> String {
    let file = lower_src(src);
    dump(&file, src)
        .lines()
        .filter(|l| l.starts_with("handler") || l.starts_with("description"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn fastmcp_decorators_on_any_server_variable() {
    insta::assert_snapshot!(handlers(
        r#"
from mcp.server.fastmcp import FastMCP, Context
from typing import Annotated, Literal, Optional
from enum import Enum
from pathlib import Path
from pydantic import BaseModel, Field

class Mode(str, Enum):
    FAST = "fast"
    SLOW = "slow"

class Query(BaseModel):
    text: str = Field(description="What to look for")
    limit: int = 10
    mode: Mode

TOOL_DOC = "Runs a thing."

server = FastMCP("demo", instructions="Use the tools wisely.")

@server.tool()
def plain(path: str, ctx: Context) -> str:
    """
    Read a file.

        Indented example.
    """
    return open(path).read()

@server.tool
def bare(count: int, ratio: float, flag: bool, kind: Literal["a", "b"], mode: Mode,
         n: Annotated[int, Field(description="how many")], maybe: Optional[int] = None,
         ids: list[int] = [], text: Annotated[str, Field(description="the text")] = "",
         note: str = Field(default="", description="a note")) -> str:
    return text

@server.tool(name="custom_name", description=TOOL_DOC)
async def renamed(query: Query, p: Path) -> str:
    return query.text

@server.tool("positional_name")
def positional(x: str) -> str:
    return x

@server.prompt()
def review(code: str) -> str:
    """Review this code."""
    return code

@server.resource("notes://{name}")
def note(name: str) -> str:
    """A note."""
    return name
"#
    ));
}

#[test]
fn servers_in_classes_factories_and_other_modules() {
    insta::assert_snapshot!(handlers(
        r#"
from fastmcp import FastMCP

class Qdrant(FastMCP):
    def __init__(self):
        self.mcp = FastMCP("q")
        self.setup()

    def setup(self):
        @self.mcp.tool()
        async def find(query: str) -> str:
            return query

        async def store(info: str) -> str:
            return info

        store_alias = store
        self.tool(store_alias, name="qdrant-store", description="Store it.")

def create_server():
    app = FastMCP("factory")

    @app.tool()
    def ping(host: str) -> str:
        """Ping a host."""
        return host

    return app
"#
    ));
    // A server imported from the repository's own module, no MCP import here.
    insta::assert_snapshot!(handlers(
        r#"
from src.common.server import mcp

@mcp.tool()
async def get(key: str) -> str:
    """Get a value."""
    return key
"#
    ));
}

#[test]
fn registration_by_call() {
    insta::assert_snapshot!(handlers(
        r#"
from fastmcp import FastMCP
from fastmcp.tools import Tool
from fastmcp.prompts import Prompt

mcp = FastMCP("calls")

def run_query(query: str) -> str:
    """Docstring of run_query."""
    return query

def list_tables(db: str) -> str:
    return db

def chdb_prompt() -> str:
    return "x"

def direct(x: str) -> str:
    return x

def curried(y: str) -> str:
    """Curried doc."""
    return y

mcp.add_tool(run_query, name="run_sql", description="Execute SQL")
mcp.add_tool(Tool.from_function(list_tables, name="tables", description="List tables"))
prompt = Prompt.from_function(chdb_prompt, name="chdb", description="chDB help")
mcp.add_prompt(prompt)
mcp.tool(direct)
mcp.tool(name="curried_tool")(curried)
mcp.add_tool(elsewhere.fn, name="unknown")
"#
    ));
}

#[test]
fn low_level_sdk() {
    insta::assert_snapshot!(handlers(
        r#"
from mcp.server import Server
import mcp.types as types

app = Server("lowlevel")

@app.list_tools()
async def list_tools() -> list[types.Tool]:
    return [
        types.Tool(
            name="run",
            description="Run a command",
            inputSchema={
                "type": "object",
                "properties": {
                    "command": {"type": "string", "description": "The command"},
                    "timeout": {"type": "integer"},
                    "mode": {"type": "string", "enum": ["a", "b"]},
                },
            },
        ),
        types.Tool(name="other", description="Other", inputSchema={"properties": {"timeout": {"type": "string"}}}),
    ]

@app.call_tool()
async def call_tool(name: str, arguments: dict) -> list:
    if name == "run":
        return run(arguments["command"])
    raise ValueError(name)

@app.get_prompt()
async def get_prompt(name: str, arguments: dict | None) -> str:
    return name

@app.read_resource()
async def read_resource(uri: str) -> str:
    return open(uri).read()
"#
    ));
}

#[test]
fn project_wrappers_and_non_servers() {
    insta::assert_snapshot!(handlers(
        r#"
from dbt_mcp.tools.definitions import ToolDefinition, dbt_mcp_tool
from pydantic import Field

@dbt_mcp_tool(description="Get models", title="Models")
async def get_models(context: DiscoveryToolContext, name: str) -> list:
    return []

def make():
    def build(selector: str = Field(default=None, description="which nodes")) -> str:
        return selector
    return [ToolDefinition(fn=build, description="dbt build"), ToolDefinition(fn=wrap(build))]
"#
    ));
    // pydantic-ai's `@agent.tool` is not an MCP registration.
    assert!(handlers(
        r#"
from pydantic_ai import Agent
agent = Agent("model")

@agent.tool
def lookup(ctx, q: str) -> str:
    return q
"#
    )
    .is_empty());
    // Nor is an arbitrary object's `.tool` in a file with no MCP import.
    assert!(handlers("@thing.tool()\ndef f(x):\n    return x\n").is_empty());
}

// ---------------------------------------------------------------------------
// 3. Catalogue, table-driven: (statement in `def f(x, y, z)`, expected dump
//    fragment). Every entry of the catalogue appears at least once.
// ---------------------------------------------------------------------------

const PRELUDE: &str = "import os, io, sys, subprocess, asyncio, shlex, pipes, pickle, marshal, dill, jsonpickle, torch, joblib, yaml, requests, httpx, aiohttp, urllib, urllib.request, urllib.parse, sqlite3, shutil, glob, pandas as pd, numpy as np, json, base64, html, re, codecs, aiofiles, pty, pexpect, anyio, runpy, tarfile, zipfile, linecache, fileinput, uuid, hashlib, copy, typing, textwrap, commands, platform, shelve, git, duckdb, sqlalchemy, http.client, socket, websockets, ftplib, psycopg, asyncpg\nfrom pathlib import Path\nfrom flask import send_file\nfrom starlette.responses import FileResponse\nfrom werkzeug.utils import secure_filename\nfrom urllib.parse import urlparse\n";

const CATALOGUE: &[(&str, &str)] = &[
    // shell
    (
        "subprocess.run(x, shell=True)",
        "Shell@0 \"subprocess.run(shell=True)\"",
    ),
    (
        "subprocess.call(x, shell=True)",
        "Shell@0 \"subprocess.call(shell=True)\"",
    ),
    ("subprocess.check_call(x, shell=True)", "Shell@0"),
    ("subprocess.check_output(x, shell=True)", "Shell@0"),
    ("subprocess.Popen(args=x, shell=True)", "Shell@args="),
    (
        "subprocess.getoutput(x)",
        "Shell@0 \"subprocess.getoutput\"",
    ),
    ("subprocess.getstatusoutput(x)", "Shell@0"),
    ("os.system(x)", "Shell@0 \"os.system\""),
    ("os.popen(x)", "Shell@0 \"os.popen\""),
    (
        "asyncio.create_subprocess_shell(x)",
        "Shell@0 \"asyncio.create_subprocess_shell\"",
    ),
    ("commands.getoutput(x)", "Shell@0 \"commands.getoutput\""),
    ("commands.getstatusoutput(x)", "Shell@0"),
    ("platform.popen(x)", "Shell@0"),
    ("client.exec_command(x)", "Shell@0 \"exec_command\""),
    (
        "anyio.run_process(f\"ls {x}\")",
        "Shell@0 \"anyio.run_process\"",
    ),
    // processes without a shell
    (
        "subprocess.run([x, y])",
        "Program@0[0] \"subprocess.run\"; ProgramArg { after_dashes: false }@0[1]",
    ),
    (
        "subprocess.run([\"git\", \"--\", y])",
        "ProgramArg { after_dashes: true }@0[2]",
    ),
    ("subprocess.run([\"git\", *y])", "ProgramArgs@0[1]"),
    ("subprocess.run(y)", "ProgramArgs@0 \"subprocess.run\""),
    ("subprocess.run(f\"ls {y}\")", "Program@0"),
    ("subprocess.run(shlex.split(y))", "ProgramArgs@0"),
    (
        "subprocess.run([\"ls\"], executable=y)",
        "Program@executable=",
    ),
    ("subprocess.run([\"bash\", \"-lc\", y])", "Shell@0[2]"),
    (
        "subprocess.run([\"sudo\", \"sh\", \"-c\", y, \"arg0\", x])",
        "Shell@0[3]",
    ),
    ("subprocess.run([\"cmd\", \"/c\", y])", "Shell@0[2]"),
    ("subprocess.run([\"python3\", \"-c\", y])", "Eval@0[2]"),
    ("subprocess.run([sys.executable, \"-c\", y])", "Eval@0[2]"),
    ("subprocess.run([\"node\", \"-e\", y])", "Eval@0[2]"),
    ("subprocess.run([\"perl\", \"-e\", y])", "Eval@0[2]"),
    ("subprocess.run([\"php\", \"-r\", y])", "Eval@0[2]"),
    (
        "asyncio.create_subprocess_exec(x, y)",
        "Program@0 \"asyncio.create_subprocess_exec\"; ProgramArg { after_dashes: false }@1",
    ),
    ("asyncio.create_subprocess_exec(*x)", "ProgramArgs@0"),
    (
        "asyncio.create_subprocess_exec(\"bash\", \"-c\", y)",
        "Shell@2",
    ),
    (
        "asyncio.create_subprocess_exec(\"git\", \"--\", y)",
        "ProgramArg { after_dashes: true }@2",
    ),
    (
        "os.execv(x, [\"x\", y])",
        "Program@0 \"os.execv\"; ProgramArg { after_dashes: false }@1[1]",
    ),
    ("os.execvp(x, y)", "ProgramArgs@1"),
    ("os.execve(x, y, {})", "ProgramArgs@1"),
    (
        "os.execl(x, \"x\", y)",
        "ProgramArg { after_dashes: false }@2",
    ),
    ("os.execlp(x, \"x\", y)", "Program@0"),
    (
        "os.spawnv(os.P_WAIT, x, y)",
        "Program@1 \"os.spawnv\"; ProgramArgs@2",
    ),
    (
        "os.spawnl(os.P_WAIT, x, \"x\", y)",
        "ProgramArg { after_dashes: false }@3",
    ),
    ("os.posix_spawn(x, y, {})", "Program@0"),
    ("pty.spawn(y)", "ProgramArgs@0"),
    ("pexpect.spawn(y)", "ProgramArgs@0 \"pexpect.spawn\""),
    (
        "pexpect.spawn(\"ssh\", [y])",
        "ProgramArg { after_dashes: false }@1[0]",
    ),
    ("pexpect.run(y)", "ProgramArgs@0"),
    (
        "anyio.open_process([\"git\", y])",
        "ProgramArg { after_dashes: false }@0[1]",
    ),
    (
        "asyncio.to_thread(subprocess.run, x, shell=True)",
        "Shell@0 \"subprocess.run(shell=True)\"",
    ),
    (
        "loop.run_in_executor(None, os.system, x)",
        "Shell@0 \"os.system\"",
    ),
    (
        "repo.git.diff(x)",
        "ProgramArg { after_dashes: false }@0 \"git diff\"",
    ),
    (
        "repo.git.log(\"--\", x)",
        "ProgramArg { after_dashes: true }@1",
    ),
    // code evaluation and deserialisation
    ("eval(x)", "Eval@0 \"eval\""),
    ("exec(x)", "Eval@0 \"exec\""),
    ("compile(x, \"f\", \"exec\")", "Eval@0 \"compile\""),
    ("runpy.run_path(x)", "Eval@0"),
    ("runpy.run_module(x)", "Eval@0"),
    ("pickle.loads(x)", "Deserialize@0 \"pickle.loads\""),
    ("pickle.load(x)", "Deserialize@0"),
    ("marshal.loads(x)", "Deserialize@0 \"marshal.loads\""),
    ("marshal.load(x)", "Deserialize@0"),
    ("dill.loads(x)", "Deserialize@0"),
    ("dill.load(x)", "Deserialize@0"),
    (
        "jsonpickle.decode(x)",
        "Deserialize@0 \"jsonpickle.decode\"",
    ),
    ("jsonpickle.loads(x)", "Deserialize@0"),
    ("torch.load(x)", "Deserialize@0 \"torch.load\""),
    ("joblib.load(x)", "Deserialize@0"),
    ("pd.read_pickle(x)", "Deserialize@0 \"pandas.read_pickle\""),
    ("shelve.open(x)", "Deserialize@0"),
    (
        "np.load(x, allow_pickle=True)",
        "Deserialize@0 \"numpy.load\"",
    ),
    ("yaml.load(x)", "Deserialize@0 \"yaml.load\""),
    ("yaml.load_all(x, Loader=yaml.FullLoader)", "Deserialize@0"),
    ("yaml.load(x, yaml.CSafeLoader)", "!propagate[0]"),
    ("yaml.load(x, Loader=yaml.BaseLoader)", "!propagate[0]"),
    ("yaml.unsafe_load(x)", "Deserialize@0 \"yaml.unsafe_load\""),
    ("yaml.unsafe_load_all(x)", "Deserialize@0"),
    ("yaml.safe_load(x)", "!propagate[0]"),
    ("yaml.safe_load_all(x)", "!propagate[0]"),
    // files
    ("open(x)", "Path(Read)@0 \"open\""),
    ("open(x, \"rb\")", "Path(Read)@0"),
    ("open(x, \"a\")", "Path(Write)@0"),
    ("open(x, mode=\"r+\")", "Path(Write)@0"),
    ("open(x, y)", "Path(Open)@0"),
    ("open(file=x)", "Path(Read)@file="),
    ("io.open(x, \"w\")", "Path(Write)@0 \"io.open\""),
    ("codecs.open(x)", "Path(Read)@0 \"codecs.open\""),
    (
        "aiofiles.open(x, \"wb\")",
        "Path(Write)@0 \"aiofiles.open\"",
    ),
    ("os.open(x, os.O_RDONLY)", "Path(Open)@0 \"os.open\""),
    ("os.remove(x)", "Path(Delete)@0 \"os.remove\""),
    ("os.unlink(x)", "Path(Delete)@0"),
    ("os.rmdir(x)", "Path(Delete)@0"),
    ("os.removedirs(x)", "Path(Delete)@0"),
    ("shutil.rmtree(x)", "Path(Delete)@0 \"shutil.rmtree\""),
    ("os.listdir(x)", "Path(List)@0 \"os.listdir\""),
    ("os.listdir()", "os.listdir() <os.listdir> !clean"),
    ("os.scandir(path=x)", "Path(List)@path="),
    ("os.walk(x)", "Path(List)@0 \"os.walk\""),
    ("glob.glob(x)", "Path(List)@0 \"glob.glob\""),
    ("glob.iglob(x)", "Path(List)@0"),
    ("os.makedirs(x)", "Path(Write)@0 \"os.makedirs\""),
    ("os.mkdir(x)", "Path(Write)@0"),
    ("os.chmod(x, 0o777)", "Path(Write)@0"),
    ("os.chown(x, 0, 0)", "Path(Write)@0"),
    ("os.truncate(x, 0)", "Path(Write)@0"),
    ("shutil.make_archive(x, \"zip\")", "Path(Write)@0"),
    ("os.readlink(x)", "Path(Read)@0"),
    (
        "os.rename(x, y)",
        "Path(Write)@0 \"os.rename\"; Path(Write)@1",
    ),
    ("os.replace(x, y)", "Path(Write)@1"),
    ("os.symlink(x, y)", "Path(Write)@0"),
    (
        "shutil.copy(x, y)",
        "Path(Read)@0 \"shutil.copy\"; Path(Write)@1",
    ),
    ("shutil.copyfile(x, y)", "Path(Read)@0"),
    ("shutil.copytree(x, y)", "Path(Write)@1"),
    ("shutil.unpack_archive(x, y)", "Path(Write)@1"),
    (
        "shutil.move(x, y)",
        "Path(Delete)@0 \"shutil.move\"; Path(Write)@1",
    ),
    ("send_file(x)", "Path(Serve)@0 \"flask.send_file\""),
    (
        "FileResponse(x)",
        "Path(Serve)@0 \"starlette.responses.FileResponse\"",
    ),
    ("tarfile.open(x)", "Path(Read)@0 \"tarfile.open\""),
    (
        "zipfile.ZipFile(x, \"w\")",
        "Path(Write)@0 \"zipfile.ZipFile\"",
    ),
    ("linecache.getline(x, 1)", "Path(Read)@0"),
    ("fileinput.input(x)", "Path(Read)@0"),
    ("np.load(x)", "Path(Read)@0 \"numpy.load\""),
    ("pd.read_csv(x)", "Path(Read)@0 \"pandas.read_csv\""),
    ("git.Repo(x)", "Path(Read)@0 \"git.Repo\""),
    ("git.Repo.init(x)", "Path(Write)@0 \"git.Repo.init\""),
    (
        "git.Repo.clone_from(x, y)",
        "Url@0 \"git.Repo.clone_from\"; Path(Write)@1",
    ),
    ("Path(x).read_text()", "Path(Read)@recv \"read_text\""),
    ("Path(x).read_bytes()", "Path(Read)@recv"),
    ("Path(x).write_text(y)", "Path(Write)@recv \"write_text\""),
    ("Path(x).write_bytes(y)", "Path(Write)@recv"),
    ("Path(x).unlink()", "Path(Delete)@recv \"unlink\""),
    ("Path(x).rmdir()", "Path(Delete)@recv"),
    ("Path(x).iterdir()", "Path(List)@recv \"iterdir\""),
    ("Path(x).glob(y)", "Path(List)@recv \"glob\"; Path(List)@0"),
    ("Path(x).rglob(\"*\")", "Path(List)@recv"),
    ("Path(x).open(\"w\")", "Path(Write)@recv \"open\""),
    ("Path(x).open()", "Path(Read)@recv \"open\""),
    ("Path(x).touch()", "Path(Write)@recv \"touch\""),
    ("Path(x).mkdir()", "Path(Write)@recv \"mkdir\""),
    (
        "Path(x).rename(y)",
        "Path(Write)@recv \"rename\"; Path(Write)@0",
    ),
    ("Path(x).symlink_to(y)", "Path(Write)@recv"),
    ("(Path(\"/r\") / x).read_text()", "Path(Read)@recv"),
    ("x.replace(\"a\", \"b\")", "!propagate[recv,1]"),
    ("x.open()", "x.open()"),
    // requests
    ("requests.get(x)", "Url@0 \"requests.get\""),
    ("requests.post(url=x)", "Url@url= \"requests.post\""),
    ("requests.put(x)", "Url@0"),
    ("requests.delete(x)", "Url@0"),
    ("requests.patch(x)", "Url@0"),
    ("requests.head(x)", "Url@0"),
    ("requests.options(x)", "Url@0"),
    ("requests.request(\"GET\", x)", "Url@1 \"requests.request\""),
    ("httpx.get(x)", "Url@0 \"httpx.get\""),
    ("httpx.post(x)", "Url@0"),
    ("httpx.request(\"GET\", x)", "Url@1"),
    ("httpx.stream(\"GET\", x)", "Url@1"),
    ("aiohttp.request(\"GET\", x)", "Url@1"),
    (
        "urllib.request.urlopen(x)",
        "Url@0 \"urllib.request.urlopen\"",
    ),
    (
        "urllib.request.Request(x)",
        "Url@0 \"urllib.request.Request\"",
    ),
    (
        "urllib.request.urlretrieve(x, y)",
        "Url@0 \"urllib.request.urlretrieve\"; Path(Write)@1",
    ),
    ("http.client.HTTPSConnection(x)", "Url@0"),
    ("socket.create_connection(x)", "Url@0"),
    ("websockets.connect(x)", "Url@0"),
    ("ftplib.FTP(x)", "Url@0"),
    ("c = httpx.Client()\n    c.get(x)", "Url@0 \"get\""),
    (
        "c = httpx.AsyncClient()\n    c.request(\"GET\", x)",
        "Url@1 \"request\"",
    ),
    ("s = requests.Session()\n    s.post(x)", "Url@0 \"post\""),
    ("s = aiohttp.ClientSession()\n    s.ws_connect(x)", "Url@0"),
    (
        "self.client = httpx.AsyncClient()\n    self.client.get(x)",
        "Url@0 \"get\"",
    ),
    ("client.get(x)", "client.get(x)"),
    // SQL
    ("cursor.execute(x, (y,))", "Sql@0 \"execute\""),
    ("cur.executemany(x, y)", "Sql@0 \"executemany\""),
    ("conn.executescript(x)", "Sql@0"),
    ("self._conn.execute(x)", "Sql@0"),
    ("db_session.execute(sqlalchemy.text(x))", "Sql@0"),
    ("engine.exec_driver_sql(x)", "Sql@0"),
    (
        "c = sqlite3.connect(\"d\")\n    c.cursor().execute(x)",
        "Sql@0",
    ),
    (
        "c = psycopg.connect(\"d\")\n    c.execute(query=x)",
        "Sql@query=",
    ),
    (
        "p = asyncpg.create_pool()\n    p.fetch(x)",
        "Sql@0 \"fetch\"",
    ),
    ("pd.read_sql(x, conn)", "Sql@0 \"pandas.read_sql\""),
    ("pd.read_sql_query(x, conn)", "Sql@0"),
    ("duckdb.sql(x)", "Sql@0 \"duckdb.sql\""),
    ("duckdb.execute(x)", "Sql@0"),
    ("tool.execute(x)", "tool.execute(x)"),
    // sanitizers
    ("shlex.quote(x)", "!sanitize[shell 0]"),
    ("pipes.quote(x)", "!sanitize[shell 0]"),
    ("shlex.join(x)", "!sanitize[shell 0]"),
    ("os.path.basename(x)", "!sanitize[path 0]"),
    ("secure_filename(x)", "!sanitize[shell|path 0]"),
    ("Path(x).name", "!sanitize[path recv]"),
    ("Path(x).stem", "!sanitize[path recv]"),
    ("obj.name", "obj.name"),
    // clean
    ("int(x)", "int(x) !clean"),
    ("float(x)", "!clean"),
    ("bool(x)", "!clean"),
    ("len(x)", "!clean"),
    ("uuid.UUID(x)", "<uuid.UUID> !clean"),
    ("hashlib.sha256(x)", "!clean"),
    ("isinstance(x, str)", "!clean"),
    ("os.path.exists(x)", "<os.path.exists> !clean"),
    ("os.path.isfile(x)", "!clean"),
    ("os.path.isdir(x)", "!clean"),
    ("os.path.getsize(x)", "!clean"),
    ("Path(x).exists()", "!clean"),
    ("Path(x).is_file()", "!clean"),
    ("Path(x).stat()", "!clean"),
    ("x.count(\"a\")", "!clean"),
    // propagators
    ("str(x)", "!propagate[0 whole]"),
    ("list(x)", "!propagate[0 whole]"),
    ("os.fspath(x)", "!propagate[0 whole]"),
    ("copy.deepcopy(x)", "!propagate[0 whole]"),
    ("typing.cast(str, x)", "!propagate[1 whole]"),
    ("shlex.split(x)", "!propagate[0 whole]"),
    ("sqlalchemy.text(x)", "!propagate[0 whole]"),
    ("Path(x)", "!propagate[0.. whole]"),
    ("Path(x, y)", "!propagate[0..]"),
    ("os.path.join(x, y)", "!propagate[0..]"),
    ("os.path.abspath(x)", "!propagate[0..]"),
    ("os.path.normpath(x)", "!propagate[0..]"),
    ("os.path.realpath(x)", "!propagate[0..]"),
    ("os.path.expanduser(x)", "!propagate[0..]"),
    ("os.path.dirname(x)", "!propagate[0..]"),
    (
        "urllib.parse.urljoin(\"https://a.example/\", x)",
        "!propagate[0..]",
    ),
    ("urllib.parse.quote(x)", "!propagate[0..]"),
    ("json.loads(x)", "!propagate[0]"),
    ("json.dumps(x)", "!propagate[0]"),
    ("base64.b64decode(x)", "!propagate[0..]"),
    ("html.escape(x)", "!propagate[0..]"),
    ("textwrap.dedent(x)", "!propagate[0..]"),
    ("re.escape(x)", "!propagate[0..]"),
    ("re.sub(\"a\", y, x)", "!propagate[1,2]"),
    ("repr(x)", "!propagate[0..]"),
    ("sorted(x)", "!propagate[0..]"),
    ("x.strip()", "!propagate[recv whole]"),
    ("x.lower()", "!propagate[recv whole]"),
    ("x.upper()", "!propagate[recv whole]"),
    ("x.removeprefix(\"a\")", "!propagate[recv whole]"),
    ("x.encode()", "!propagate[recv whole]"),
    ("x.split()", "!propagate[recv]"),
    ("x.splitlines()", "!propagate[recv]"),
    ("x.format(y)", "!propagate[recv,0..]"),
    ("\"-\".join(x)", "!propagate[recv,0..]"),
    ("Path(x).resolve()", "!propagate[recv,0..]"),
    ("Path(x).absolute()", "!propagate[recv,0..]"),
    ("Path(x).joinpath(y)", "!propagate[recv,0..]"),
];

#[test]
fn catalogue_entries() {
    let mut failures = Vec::new();
    for (stmt, expected) in CATALOGUE {
        let src = format!("{PRELUDE}\ndef f(self, x, y, z):\n    {stmt}\n");
        let out = show(&src);
        let body: String = out
            .lines()
            .skip_while(|l| !l.starts_with("func#1"))
            .collect::<Vec<_>>()
            .join("\n");
        if !body.contains(expected) {
            failures.push(format!("{stmt}\n  expected: {expected}\n  got:\n{body}\n"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} catalogue rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn annotated_parameters_are_clients_handles_and_paths() {
    let src = r#"
import httpx, sqlite3
from requests import Session
from sqlalchemy.orm import Session as DbSession
from pathlib import Path

def f(c: httpx.AsyncClient, s: Session, cur: "sqlite3.Cursor", db: DbSession, p: Path | None, u, q):
    c.get(u)
    s.post(u)
    cur.execute(q)
    db.query(q)
    p.open()
"#;
    let out = show(src);
    for expected in [
        "c.get(u) !sink[Url@0",
        "s.post(u) !sink[Url@0",
        "cur.execute(q) !sink[Sql@0",
        "db.query(q) !sink[Sql@0",
        "p.open() !sink[Path(Read)@recv",
    ] {
        assert!(out.contains(expected), "{expected}\n{out}");
    }
    // A parameter hides the module's client of the same name.
    let src =
        "import httpx\nc = httpx.Client()\ndef f(c, u):\n    c.get(u)\ndef g(u):\n    c.get(u)\n";
    let out = show(src);
    assert!(out.contains("  c.get(u)\nfunc#2"), "{out}");
    assert!(
        out.trim_end().ends_with("c.get(u) !sink[Url@0 \"get\"]"),
        "{out}"
    );
}

#[test]
fn terminator_calls_only_when_not_shadowed() {
    let out = show("def exit(code):\n    pass\n\ndef f():\n    exit(1)\n");
    assert!(
        out.contains("  exit(#num)") && !out.contains("throw"),
        "{out}"
    );
    let out = show("import sys\ndef f():\n    sys.exit(1)\n");
    assert!(out.contains("throw #num"), "{out}");
}

// ---------------------------------------------------------------------------
// Acceptance cases
// ---------------------------------------------------------------------------

fn acceptance(rel: &str) -> Option<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/acceptance/cases/"
    )
    .to_string()
        + rel;
    std::fs::read_to_string(path).ok()
}

fn line_of(src: &str, span: skillaudit_model::Span) -> usize {
    src[..span.start as usize].matches('\n').count() + 1
}

fn sinks_in(file: &CodeFile) -> Vec<(SinkKind, skillaudit_model::Span)> {
    fn walk_expr(e: &Expr, out: &mut Vec<(SinkKind, skillaudit_model::Span)>) {
        match e {
            Expr::Call(c) => {
                if let Effect::Sinks(sites) = &c.effect {
                    for s in sites {
                        out.push((s.kind, c.span));
                    }
                }
                walk_expr(&c.callee, out);
                for a in &c.args {
                    walk_expr(&a.value, out);
                }
            }
            Expr::Template { parts, .. } => parts.iter().for_each(|p| walk_expr(p, out)),
            Expr::Array { items, .. } => items.iter().for_each(|p| walk_expr(p, out)),
            Expr::Opaque { children, .. } => children.iter().for_each(|p| walk_expr(p, out)),
            Expr::Member { obj, .. } => walk_expr(obj, out),
            Expr::Binary { left, right, .. } => {
                walk_expr(left, out);
                walk_expr(right, out);
            }
            Expr::Unary { expr, .. } | Expr::Spread(expr, _) => walk_expr(expr, out),
            Expr::Guard { check, .. } => walk_expr(check, out),
            _ => {}
        }
    }
    fn walk(stmts: &[Stmt], out: &mut Vec<(SinkKind, skillaudit_model::Span)>) {
        for s in stmts {
            match s {
                Stmt::Assign { value, .. } => walk_expr(value, out),
                Stmt::Expr(e) | Stmt::Return(Some(e), _) | Stmt::Throw(Some(e), _) => {
                    walk_expr(e, out)
                }
                Stmt::If {
                    cond, then, els, ..
                } => {
                    walk_expr(cond, out);
                    walk(then, out);
                    walk(els, out);
                }
                Stmt::Loop { body, .. } | Stmt::Block(body) => walk(body, out),
                Stmt::Try {
                    body,
                    catches,
                    finally,
                } => {
                    walk(body, out);
                    for (_, b) in catches {
                        walk(b, out);
                    }
                    walk(finally, out);
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for f in &file.funcs {
        walk(&f.body, &mut out);
    }
    out
}

#[test]
fn acceptance_code_py_fastmcp() {
    let Some(src) = acceptance("code-py-fastmcp/repo/src/notes_mcp/server.py") else {
        return;
    };
    let file = lower_src(&src);
    let names: Vec<_> = file
        .handlers
        .iter()
        .map(|h| h.name.clone().unwrap_or_default())
        .collect();
    assert_eq!(names, ["read_note", "read_note_safely", "word_count"]);
    for h in &file.handlers {
        assert_eq!(h.sources.len(), 1);
        assert_eq!(h.sources[0].name.as_deref(), Some("name"));
    }
    let sinks: Vec<_> = sinks_in(&file)
        .into_iter()
        .map(|(k, s)| (k, line_of(&src, s)))
        .collect();
    assert!(
        sinks.contains(&(SinkKind::Path(FileOp::Read), 15)),
        "{sinks:?}"
    );
    assert!(sinks.contains(&(SinkKind::Shell, 31)), "{sinks:?}");
    assert!(
        sinks.contains(&(SinkKind::Path(FileOp::Read), 25)),
        "{sinks:?}"
    );
    // The containment check of read_note_safely is a guard on `path`.
    let out = dump(&file, &src);
    assert!(out.contains("if Not(guard[path](path))"), "{out}");
}

#[test]
fn acceptance_code_tool_poisoning() {
    let Some(src) = acceptance("code-tool-poisoning/repo/src/server.py") else {
        return;
    };
    let file = lower_src(&src);
    let lines: Vec<(String, usize)> = file
        .descriptions
        .iter()
        .map(|d| (d.owner.clone().unwrap_or_default(), line_of(&src, d.span)))
        .collect();
    assert_eq!(
        lines,
        [
            ("get_forecast".to_string(), 8),
            ("convert".to_string(), 19),
            ("get_alerts".to_string(), 26)
        ]
    );
    let forecast = &file.descriptions[0].text;
    assert!(
        forecast.starts_with("Get the weather forecast for a city.\n\n<IMPORTANT>\nBefore using"),
        "{forecast:?}"
    );
    assert!(file.descriptions[1].text.contains('\u{E0073}'));
    // `value: float` is not a source.
    let convert = &file.handlers[1];
    assert_eq!(
        convert.sources.iter().map(|s| s.param).collect::<Vec<_>>(),
        [1]
    );
}

// ---------------------------------------------------------------------------
// 4. Hostile input
// ---------------------------------------------------------------------------

#[test]
fn deep_nesting_is_bounded() {
    let n = 10_000;
    for src in [
        format!("x = {}a{}\n", "(".repeat(n), ")".repeat(n)),
        format!("x = {}a{}\n", "[".repeat(n), "]".repeat(n)),
        format!("x = {}a{}\n", "f(".repeat(n), ")".repeat(n)),
        format!("x = a{}\n", " + a".repeat(n)),
        format!("x = a{}\n", " or a".repeat(n)),
        format!("x = a{}\n", " < a".repeat(n)),
        format!("x = a{}\n", ".b".repeat(n)),
        format!("x = \"%s\" % {}a{}\n", "(".repeat(n), ")".repeat(n)),
        format!("{}a{} = 1\n", "(".repeat(n), ",)".repeat(n)),
        format!("x = {}a\n", "lambda: ".repeat(n)),
        format!("x = {}a\n", "not ".repeat(n)),
        format!(
            "def f():\n{}\n",
            (0..100)
                .map(|i| format!("{}if x:\n", " ".repeat(i + 1)))
                .collect::<String>()
                + &" ".repeat(101)
                + "pass"
        ),
    ] {
        let file = lower_src(&src);
        let _ = dump(&file, &src);
    }
    let file = lower_src(&format!("x = {}a{}\n", "(".repeat(n), ")".repeat(n)));
    assert!(file.truncated.is_some());
}

#[test]
fn oversized_and_odd_files() {
    // One 5 MB line is not parsed at all.
    let big = format!("x = \"{}\"\n", "a".repeat(5 << 20));
    assert!(check("big.py", &big).is_err());
    // A 200 KB single-line but valid file is lowered.
    let line = "x = 1; ".repeat(200_000 / 7);
    let file = lower_src(&line);
    assert_eq!(file.funcs.len(), 1);
    assert!(file.funcs[0].body.len() > 20_000);
    // Invalid UTF-8, decoded lossily.
    let bytes = b"import os\nos.system(\"\xff\xfe\")\ndef f(\xc3\x28):\n    pass\n";
    let text = String::from_utf8_lossy(bytes);
    let _ = dump(&lower_src(&text), &text);
    // Empty.
    let empty = lower_src("");
    assert_eq!(empty.funcs.len(), 1);
    assert!(empty.handlers.is_empty());
    // All ERROR nodes.
    let junk = ")]}:=@@ ** ,, ;; ) def class ( ( ] lambda : : :".repeat(200);
    let parsed = parse(Lang::Python, &junk).unwrap();
    assert!(parsed.partial);
    let _ = dump(&lower(&parsed, &junk), &junk);
}

// ---------------------------------------------------------------------------
// 5. The corpus
// ---------------------------------------------------------------------------

fn python_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            python_files(&p, out);
        } else if ft.is_file() && p.extension().is_some_and(|x| x == "py") {
            out.push(p);
        }
    }
}

#[test]
fn corpus_lowers_without_panic_and_finds_handlers() {
    let root = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus"
    ));
    if !root.is_dir() {
        return;
    }
    let mut files = Vec::new();
    python_files(root, &mut files);
    files.sort();
    let mut handlers = 0;
    let mut by_repo = std::collections::BTreeMap::<String, usize>::new();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let display = path.to_string_lossy();
        if check(&display, &text).is_err() {
            continue;
        }
        let Ok(parsed) = parse(Lang::Python, &text) else {
            continue;
        };
        let file = lower(&parsed, &text);
        let _ = dump(&file, &text);
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .to_string();
        let in_tests = rel.split('/').any(|c| c == "tests" || c == "test");
        if !in_tests {
            handlers += file.handlers.len();
            *by_repo
                .entry(rel.split('/').next().unwrap().to_string())
                .or_default() += file.handlers.len();
        }
    }
    // Counted by reading the repositories (tool, prompt, resource and
    // dispatcher registrations outside their tests): mcp-atlassian 98
    // (63 Jira + 35 Confluence decorators), dbt-mcp 82 (80 project tool
    // definitions, one add_tool loop, one app resource), redis 53,
    // chroma 12, postgres 10 (8 decorators, 2 add_tool), docker's
    // reference servers 9, prometheus 6, ClickHouse 5, qdrant 2.
    let expected = [
        ("sooperset__mcp-atlassian", 98),
        ("dbt-labs__dbt-mcp", 82),
        ("redis__mcp-redis", 53),
        ("chroma-core__chroma-mcp", 12),
        ("crystaldba__postgres-mcp", 10),
        ("docker__mcp-servers", 9),
        ("pab1it0__prometheus-mcp-server", 6),
        ("ClickHouse__mcp-clickhouse", 5),
        ("qdrant__mcp-server-qdrant", 2),
    ];
    for (repo, n) in expected {
        if root.join(repo).is_dir() {
            assert!(
                by_repo.get(repo).copied().unwrap_or(0) >= n,
                "{repo}: {by_repo:?}"
            );
        }
    }
    assert!(
        handlers >= 270 || !root.join("sooperset__mcp-atlassian").is_dir(),
        "{handlers}: {by_repo:?}"
    );
}
