//! The Go frontend: parse (through the size/minified check) and lower any
//! input as Go, then render the lowered file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillaudit_model::code::{dump::dump, lower};
use skillaudit_syntax::code::{self as syntax_code, Lang};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if syntax_code::check("fuzz.go", &text).is_err() {
        return;
    }
    let Ok(parsed) = syntax_code::parse(Lang::Go, &text) else {
        return;
    };
    let file = lower::lower(&parsed, &text);
    let _ = dump(&file, &text);
});
