//! Inline ignore comments: the input read as every format, through the
//! syntax crate's comment readers (`engine::suppress::comments`) and the
//! directives built from them (what each comment covers).
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillaudit_engine::suppress::{comments, directives, Syntax};
use skillaudit_model::project::SourceFile;
use skillaudit_model::{FileId, FileKind, Format};
use skillaudit_syntax::code::Lang;

const LANGS: [Lang; 4] = [Lang::TypeScript, Lang::JavaScript, Lang::Python, Lang::Go];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut formats = vec![
        (FileKind::Dockerfile, Format::Dockerfile),
        (FileKind::ShellScript, Format::Shell),
        (FileKind::Makefile, Format::Make),
        (FileKind::Compose, Format::Yaml),
        (FileKind::McpConfig, Format::Json),
        (FileKind::McpConfig, Format::Toml),
        (FileKind::Readme, Format::Markdown),
    ];
    formats.extend(LANGS.map(|l| (FileKind::Source(l), Format::Code(l))));
    for (kind, format) in formats {
        for c in comments("f", &text, Syntax::of(format)) {
            assert!(c.span.start <= c.span.end && c.span.end as usize <= text.len());
            assert!(c.span.start <= c.body.start && c.body.end <= c.span.end);
        }
        let file = SourceFile::new(FileId(0), "f".into(), "f".into(), kind, text.clone())
            .with_format(format);
        for d in directives(&file) {
            assert!(d.lines.start <= d.lines.end);
        }
    }
});
