//! `${VAR}` substitution as BuildKit's shell lexer does it for ENV, ARG,
//! USER, FROM, COPY, … (Being written.)

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
pub fn expand(_word: &str, _escape: char, _lookup: &dyn Fn(&str) -> Option<String>) -> Expanded {
    unimplemented!()
}
