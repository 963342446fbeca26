//! The Python frontend: parse with tree-sitter-python, lower to the code
//! IR, render the dump (which walks every node of the IR).
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillaudit_model::code::{dump::dump, lower::lower};
use skillaudit_syntax::code::{check, parse, Lang};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if check("fuzz.py", &text).is_err() {
        return;
    }
    let Ok(parsed) = parse(Lang::Python, &text) else { return };
    let file = lower(&parsed, &text);
    let _ = dump(&file, &text);
});
