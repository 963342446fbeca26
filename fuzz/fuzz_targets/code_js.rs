//! The TypeScript/TSX/JavaScript frontend: the input is parsed with each of
//! the three grammars, lowered to the code IR and dumped.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillaudit_model::code::{dump::dump, lower};
use skillaudit_syntax::code::{check, parse, Lang};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for (lang, path) in [(Lang::TypeScript, "src/a.ts"), (Lang::Tsx, "src/a.tsx"), (Lang::JavaScript, "src/a.js")] {
        if check(path, &text).is_err() {
            return;
        }
        let Ok(parsed) = parse(lang, &text) else { continue };
        let file = lower::lower(&parsed, &text);
        let _ = dump(&file, &text);
    }
});
