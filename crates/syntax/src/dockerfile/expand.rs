//! `${VAR}` substitution as BuildKit's shell lexer does it for ENV, ARG,
//! USER, FROM, COPY, … (moby/buildkit `frontend/dockerfile/shell/lex.go`,
//! `ProcessWord`).
//!
//! The lexer walks the word once: single quotes are literal, double quotes
//! allow `$` expansion and escape only `"`, `$` and the escape character,
//! the escape character outside quotes makes the next character literal.
//! Parameter expansion supports `$NAME`, `${NAME}` and the `-`, `+`, `?`
//! modifiers with and without `:`; defaults may nest further expansions.
//!
//! Where BuildKit would fail the build (unterminated quote, `${` without
//! `}`, unsupported modifiers such as `${VAR#pattern}`), we never fail:
//! quotes run to the end of the word and unsupported `${…}` text is kept
//! verbatim (and marks the result unresolved, as its value is unknown).

/// The result of expanding a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expanded {
    /// The word with quotes removed and variables substituted.
    pub value: String,
    /// True when a variable without a known value was referenced and no
    /// default applied (`$UNSET` or `${UNSET}` expanded to the empty string).
    /// `${UNSET:-x}` gives `x` and stays resolved.
    pub unresolved: bool,
}

/// Expand `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
/// `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?msg}`, remove quotes and process the
/// escape character, looking variables up with `lookup`.
///
/// * `${VAR+alt}` / `${VAR:+alt}` of an unset variable give the empty string
///   and stay resolved (like a default, the outcome follows from the
///   variable being unset).
/// * `${VAR?msg}` / `${VAR:?msg}` give the value; when the variable is unset
///   (or empty, with `:`) BuildKit fails the build: we give the empty string
///   and mark the result unresolved.
/// * `${VAR#pat}`, `${VAR%pat}`, `${VAR/a/b}` and malformed `${…}` are left
///   verbatim and mark the result unresolved.
pub fn expand(word: &str, escape: char, lookup: &dyn Fn(&str) -> Option<String>) -> Expanded {
    let mut lexer = Lexer::new(word, escape, Some(lookup));
    let (value, _) = lexer.process(None);
    Expanded {
        value,
        unresolved: lexer.unresolved,
    }
}

/// Remove quotes and process escapes like [`expand`], but leave every
/// `$NAME` / `${…}` exactly as written (quotes inside `${…}` included).
/// This is the value BuildKit would see with no variables defined, before
/// its own expansion, e.g. for `ENV KEY="a b"` → `a b`.
pub(super) fn unquote(word: &str, escape: char) -> String {
    Lexer::new(word, escape, None).process(None).0
}

/// How variables are looked up.
type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Nesting limit for `${a:-${b:-…}}`; deeper constructs are kept verbatim.
/// Keeps recursion (and so stack use) bounded on hostile input.
const MAX_DEPTH: usize = 32;

struct Lexer<'a> {
    src: &'a str,
    /// Byte offset of the next character; always on a char boundary.
    pos: usize,
    escape: char,
    /// `None`: keep variable references verbatim ([`unquote`]).
    lookup: Option<Lookup<'a>>,
    unresolved: bool,
    depth: usize,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str, escape: char, lookup: Option<Lookup<'a>>) -> Self {
        Lexer {
            src,
            pos: 0,
            escape,
            lookup,
            unresolved: false,
            depth: 0,
        }
    }

    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// BuildKit's `processStopOn`: process until `stop` (consumed) or the end.
    /// Returns the text and whether `stop` was found.
    fn process(&mut self, stop: Option<char>) -> (String, bool) {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if Some(c) == stop {
                self.bump();
                return (out, true);
            }
            match c {
                '$' => {
                    let piece = self.dollar();
                    out.push_str(&piece);
                }
                '\'' => self.single_quote(&mut out),
                '"' => self.double_quote(&mut out),
                _ => {
                    self.bump();
                    if c == self.escape {
                        // The escape character makes the next one literal; at
                        // the end of the word it is dropped.
                        match self.bump() {
                            Some(n) => out.push(n),
                            None => break,
                        }
                    } else {
                        out.push(c);
                    }
                }
            }
        }
        (out, stop.is_none())
    }

    /// `'…'`: everything literal up to the next `'` (or the end of the word).
    fn single_quote(&mut self, out: &mut String) {
        self.bump();
        while let Some(c) = self.bump() {
            if c == '\'' {
                return;
            }
            out.push(c);
        }
    }

    /// `"…"`: literal except `$` expansions; the escape character escapes
    /// only `"`, `$` and itself, and is kept before anything else.
    fn double_quote(&mut self, out: &mut String) {
        self.bump();
        while let Some(c) = self.peek() {
            match c {
                '"' => {
                    self.bump();
                    return;
                }
                '$' => {
                    let piece = self.dollar();
                    out.push_str(&piece);
                }
                _ => {
                    self.bump();
                    if c == self.escape {
                        match self.peek() {
                            None => continue, // escape at the very end: ignored
                            Some(n) if n == '"' || n == '$' || n == self.escape => {
                                self.bump();
                                out.push(n);
                            }
                            Some(_) => out.push(c),
                        }
                    } else {
                        out.push(c);
                    }
                }
            }
        }
    }

    /// BuildKit's `processName`: digits, one special parameter, or a run of
    /// letters, digits and `_`.
    fn name(&mut self) -> &'a str {
        let start = self.pos;
        match self.peek() {
            Some(c) if c.is_numeric() => {
                while self.peek().is_some_and(char::is_numeric) {
                    self.bump();
                }
            }
            Some('@' | '*' | '#' | '?' | '-' | '$' | '!') => {
                self.bump();
            }
            _ => {
                while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    self.bump();
                }
            }
        }
        let src = self.src;
        &src[start..self.pos]
    }

    /// Look a variable up; an unknown one expands to "" and marks the result.
    fn get(&mut self, name: &str) -> Option<String> {
        self.lookup.and_then(|f| f(name))
    }

    /// From just after `${`, move past the matching `}` (or to the end),
    /// honouring escapes, quotes and nested `${`.
    fn skip_braced(&mut self) {
        let mut depth = 1usize;
        while let Some(c) = self.bump() {
            if c == self.escape {
                self.bump();
            } else if c == '\'' {
                while self.bump().is_some_and(|c| c != '\'') {}
            } else if c == '"' {
                while let Some(c) = self.bump() {
                    if c == self.escape {
                        self.bump();
                    } else if c == '"' {
                        break;
                    }
                }
            } else if c == '$' && self.peek() == Some('{') {
                self.bump();
                depth += 1;
            } else if c == '}' {
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
        }
    }

    /// Keep `${…}` from `start` verbatim (we cannot evaluate it).
    fn verbatim_braced(&mut self, start: usize, resume: usize) -> String {
        self.pos = resume;
        self.skip_braced();
        if self.lookup.is_some() {
            self.unresolved = true;
        }
        self.src[start..self.pos].to_string()
    }

    /// BuildKit's `processDollar`, at a `$`.
    fn dollar(&mut self) -> String {
        let start = self.pos;
        self.bump();
        if self.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                return "$".to_string();
            }
            if self.lookup.is_none() {
                return self.src[start..self.pos].to_string();
            }
            return self.value(name);
        }
        self.bump(); // '{'
        let after_brace = self.pos;
        if self.lookup.is_none() || self.depth >= MAX_DEPTH {
            return self.verbatim_braced(start, after_brace);
        }
        match self.peek() {
            // `${` at the end, `${}`, `${:…}`, `${{…}`: BuildKit reports a
            // syntax error; keep `${` as text and go on after it.
            None | Some('{' | '}' | ':') => {
                self.unresolved = true;
                return self.src[start..self.pos].to_string();
            }
            _ => {}
        }
        let name = self.name();
        let after_name = self.pos;
        let (colon, op) = match self.bump() {
            Some('}') => return self.value(name),
            Some(':') => match self.bump() {
                Some(op @ ('-' | '+' | '?')) => (true, op),
                _ => return self.verbatim_braced(start, after_name),
            },
            Some(op @ ('-' | '+' | '?')) => (false, op),
            // `#`, `%`, `/` (pattern operations) and anything else.
            _ => return self.verbatim_braced(start, after_name),
        };
        if name.is_empty() {
            return self.verbatim_braced(start, after_name);
        }
        self.modifier(start, name, colon, op)
    }

    /// The value of variable `name`; empty, and unresolved, when it is not
    /// set.
    fn value(&mut self, name: &str) -> String {
        match self.get(name) {
            Some(v) => v,
            None => {
                self.unresolved = true;
                String::new()
            }
        }
    }

    /// `${name:-word}`, `${name+word}`, `${name:?word}` and the like, after
    /// the operator (`colon`: `:` before it, an empty value counts as
    /// missing).
    fn modifier(&mut self, start: usize, name: &str, colon: bool, op: char) -> String {
        // The word after the modifier, with its own unresolved state: it only
        // counts when the word is used.
        let outer_unresolved = std::mem::replace(&mut self.unresolved, false);
        self.depth += 1;
        let (word, closed) = self.process(Some('}'));
        self.depth -= 1;
        let word_unresolved = std::mem::replace(&mut self.unresolved, outer_unresolved);
        if !closed {
            // `${VAR:-…` without `}`: keep it as written.
            self.unresolved = true;
            return self.src[start..self.pos].to_string();
        }

        let value = self.get(name);
        let missing = match &value {
            None => true,
            Some(v) => colon && v.is_empty(),
        };
        match op {
            '-' => {
                if missing {
                    self.unresolved |= word_unresolved;
                    word
                } else {
                    value.unwrap_or_default()
                }
            }
            '+' => {
                if missing {
                    String::new()
                } else {
                    self.unresolved |= word_unresolved;
                    word
                }
            }
            _ => {
                // '?': the build fails when missing.
                if missing {
                    self.unresolved = true;
                }
                value.unwrap_or_default()
            }
        }
    }
}
