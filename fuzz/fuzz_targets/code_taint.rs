//! The taint engine on fuzzed code: the input is cut at NUL bytes into up
//! to four files (TypeScript, Python, Go, JavaScript, importing each other
//! by name), each lowered by its frontend, then resolved and analysed
//! together — summaries, handlers, the resolver and the code rules' view.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillaudit_model::code::resolve::CodeUnit;
use skillaudit_model::code::{lower, taint};
use skillaudit_model::FileId;
use skillaudit_syntax::code::{check, parse, Lang};

const FILES: &[(&str, Lang)] = &[
    ("src/index.ts", Lang::TypeScript),
    ("src/server.py", Lang::Python),
    ("cmd/main.go", Lang::Go),
    ("src/helpers.js", Lang::JavaScript),
];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut units = Vec::new();
    for (i, (part, (path, lang))) in text.split('\0').zip(FILES).enumerate() {
        if check(path, part).is_err() {
            continue;
        }
        let Ok(parsed) = parse(*lang, part) else { continue };
        units.push(CodeUnit {
            file: FileId(i as u32),
            path: path.to_string(),
            code: lower::lower(&parsed, part),
            test: false,
        });
    }
    let analysis = taint::analyse(&units);
    for f in &analysis.flows {
        assert!((f.sink.unit as usize) < units.len());
        for s in &f.steps {
            assert!((s.file as usize) < units.len());
        }
    }
});
