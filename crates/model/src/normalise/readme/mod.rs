//! README code blocks → Containers, with the README's positions.
//!
//! Most MCP servers show their container setup only in the README, and users
//! copy it verbatim, so fenced code blocks are read like the real thing. A
//! block is recognised by its **content**, as files are; its fence language
//! only rules some readings out (a `python` block is never a shell script):
//!
//! * **JSON** — a `json`/`jsonc`/`json5` block, or any block whose content
//!   starts with `{` or `"` (```` ```js ````, ```` ```json:mcp.json ````, no
//!   language …): an MCP client configuration, a `server.json`, a bare
//!   server map (`{"github": {"command": "docker", …}}`) or a single server
//!   (`{"command": "docker", …}`, described by its command line unless it
//!   has a `name`). READMEs often show *fragments* — `"github": {…}` without
//!   the outer braces, possibly with a trailing comma, or several such
//!   entries: when the block does not parse and starts with a string, it is
//!   parsed again wrapped in `{` … `}`. Comments, trailing commas and
//!   unquoted keys (a JavaScript object) are accepted.
//! * **YAML** — a compose file (top-level `services:` of compose services),
//!   Kubernetes manifests (`apiVersion` + `kind`; Helm templates are
//!   skipped) or an MCP configuration (Continue's `mcpServers:` list), in a
//!   `yaml` block or any other that is not a shell or programming language.
//!   A block that does not parse is not read.
//! * **TOML** — an MCP configuration (Codex `[mcp_servers.x]`).
//! * **Shell** — any other block, except programming and data languages,
//!   PowerShell/cmd, and Dockerfile content: every `docker run` /
//!   `podman run` the shell would execute (not one that is only
//!   `echo`ed), and `claude|codex|gemini mcp add NAME -- docker run …` /
//!   `claude mcp add-json NAME '{…}'` / `code --add-mcp '{…}'` installer
//!   commands. It is documentation, so `<placeholder>` text inside a word
//!   or after `=` (`-e TOKEN=<your-token>`) is part of the word, not a
//!   redirection ([`shell::parse_documentation`]), and `...`/`…` standing for
//!   "more arguments" is not an argument. In a block with `$ ` prompts, only
//!   the prompt lines and their `\` continuations are commands; the rest is
//!   output. `# ` is always read as a comment, never as a root prompt: real
//!   transcripts mix `# Start the server` comments with `$ ` prompts, and a
//!   block of `# comment` + unprompted commands is common, so reading `# `
//!   as a prompt would both run commented-out commands and drop real ones.
//!
//! Prose is never a container, nor are indented (unfenced) code blocks. A
//! code span of the prose that is a whole `docker build -t TAG …` ("2. Run
//! `docker build -t hub .`") is read as a build, for linking only: a
//! container the README runs as `hub` runs the Dockerfile it builds.
//!
//! Every position ends up as a README byte offset: a block is parsed on its
//! own (or on a derived text: the wrapped fragment, the prompt lines), the
//! normaliser runs with positions in that text, and every span of the
//! Containers it returns is then mapped back through the derived text's map
//! and the block's [`OffsetMap`](skillaudit_syntax::OffsetMap) (see [`map_spans`]).

mod shell;
mod tree;

pub use tree::{json_block_tree, JsonBlockTree};

use skillaudit_syntax::markdown::{self, CodeBlock};

use crate::container::BuildCommand;
use crate::container::Found;
use crate::file::FileId;
use crate::Span;

/// Languages of JSON blocks.
const JSON_LANGS: &[&str] = &["json", "jsonc", "json5"];
/// Languages of shell blocks.
const SHELL_LANGS: &[&str] = &[
    "sh",
    "bash",
    "shell",
    "zsh",
    "ksh",
    "fish",
    "shellscript",
    "shell-script",
    "console",
    "shell-session",
    "shellsession",
    "sh-session",
    "bash-session",
    "terminal",
];
/// Languages whose blocks are never shell commands: programming and data
/// languages (a `docker run` there is inside a string or a comment),
/// Windows shells (their quoting and line continuations differ), Dockerfiles.
const NOT_SHELL: &[&str] = &[
    "python",
    "py",
    "python3",
    "ipython",
    "pycon",
    "javascript",
    "js",
    "jsx",
    "mjs",
    "cjs",
    "typescript",
    "ts",
    "tsx",
    "go",
    "golang",
    "rust",
    "rs",
    "java",
    "kotlin",
    "kt",
    "scala",
    "c",
    "h",
    "cpp",
    "c++",
    "cs",
    "csharp",
    "c#",
    "fsharp",
    "ruby",
    "rb",
    "php",
    "swift",
    "lua",
    "perl",
    "r",
    "dart",
    "elixir",
    "ex",
    "haskell",
    "hs",
    "clojure",
    "groovy",
    "zig",
    "nim",
    "json",
    "jsonc",
    "json5",
    "yaml",
    "yml",
    "toml",
    "xml",
    "html",
    "css",
    "ini",
    "env",
    "dotenv",
    "properties",
    "hcl",
    "tf",
    "terraform",
    "nix",
    "sql",
    "graphql",
    "csv",
    "mermaid",
    "http",
    "markdown",
    "md",
    "diff",
    "patch",
    "dockerfile",
    "containerfile",
    "makefile",
    "make",
    "cmake",
    "powershell",
    "ps1",
    "pwsh",
    "ps",
    "posh",
    "cmd",
    "bat",
    "batch",
    "dos",
    "vb",
    "vba",
    "applescript",
];
/// Languages whose blocks are never compose, Kubernetes or MCP YAML.
const NOT_YAML: &[&str] = &["dockerfile", "containerfile", "diff", "patch"];

/// Every container the README's code blocks describe, in block order
/// (with the command line of each that one starts).
pub fn containers(file: FileId, text: &str) -> Vec<Found> {
    read(file, text).0
}

/// The containers of the README's code blocks, and the `docker build -t`
/// commands of its shell blocks (so a `docker run TAG` the README builds
/// first is linked to the Dockerfile).
pub fn read(file: FileId, text: &str) -> (Vec<Found>, Vec<BuildCommand>) {
    let mut out = Vec::new();
    let mut builds = Vec::new();
    for block in markdown::code_blocks(text) {
        out.extend(block_containers(file, &block, &mut builds));
    }
    builds.extend(shell::prose_builds(text));
    (out, builds)
}

/// The language a fence's info string names: `json:mcp.json` → `json`,
/// `{.bash}` → `bash` (the block's `lang` is already its first word, lower-cased).
fn base_language(lang: &str) -> &str {
    let lang = lang.trim_start_matches(['{', '.']);
    let end = lang
        .char_indices()
        .find(|&(_, ch)| !(ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '+' | '#')))
        .map_or(lang.len(), |(i, _)| i);
    &lang[..end]
}

/// The containers of one block, by what its content is (see the module docs).
fn block_containers(file: FileId, block: &CodeBlock, builds: &mut Vec<BuildCommand>) -> Vec<Found> {
    let lang = base_language(&block.lang);
    let shellish = SHELL_LANGS.contains(&lang);
    let first = first_significant(&block.content);
    let json_lang = JSON_LANGS.contains(&lang);
    if json_lang || matches!(first, Some('{' | '"')) {
        let found = tree::json_block(file, block);
        // `{…}` that is not a configuration is some other object (or a shell
        // group `{ …; }` in a shell block); `"…"` may be a quoted command path.
        if !found.is_empty() || json_lang || (first == Some('{') && !shellish) {
            return found;
        }
    }
    if !shellish && !NOT_YAML.contains(&lang) && (!NOT_SHELL.contains(&lang) || is_yaml_lang(lang))
    {
        if let Some(found) = tree::yaml_block(file, block) {
            return found;
        }
    }
    if let Some(found) = tree::toml_block(file, block) {
        return found;
    }
    if NOT_SHELL.contains(&lang) || looks_like_dockerfile(&block.content) {
        return Vec::new();
    }
    shell::shell_block(file, block, builds)
}

fn is_yaml_lang(lang: &str) -> bool {
    matches!(lang, "yaml" | "yml")
}

/// Does the text start like a Dockerfile (`FROM …`, or `ARG …` lines and
/// then `FROM`)? Such a block shows how an image is built, not a command.
fn looks_like_dockerfile(text: &str) -> bool {
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    loop {
        let Some(line) = lines.next() else {
            return false;
        };
        let word = line.split_whitespace().next().unwrap_or("");
        if word.eq_ignore_ascii_case("FROM") {
            return true;
        }
        if !word.eq_ignore_ascii_case("ARG") {
            return false;
        }
    }
}

/// The first character that is not whitespace or inside a `//` / `/* */` comment.
fn first_significant(text: &str) -> Option<char> {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |i| &after[i..]);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |i| &after[i + 2..]);
        } else {
            return rest.chars().next();
        }
    }
}

// ---------------------------------------------------------------------------
// Positions
// ---------------------------------------------------------------------------

/// Map every span of a Container (its definition and the origin of every
/// value, anchors included) and of its command line through `f`.
pub fn map_spans(c: &mut Found, f: &dyn Fn(Span) -> Span) {
    c.container.definition = f(c.container.definition);
    c.for_each_origin(|origin| {
        origin.span = f(origin.span);
        origin.anchor = origin.anchor.map(f);
    });
}

#[cfg(test)]
mod corpus;
#[cfg(test)]
mod tests;
