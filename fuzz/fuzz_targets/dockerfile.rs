//! Dockerfile parser and the Image normaliser.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillaudit_model::normalise::dockerfile::image;
use skillaudit_model::FileId;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = skillaudit_syntax::dockerfile::parse(&text);
    let _ = image(FileId(0), &parsed);
});
