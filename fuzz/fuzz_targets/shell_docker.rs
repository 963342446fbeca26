//! Shell parser, the script normaliser and the `docker run` argv parser.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillaudit_model::normalise::{docker_cli, shell_script};
use skillaudit_model::{ContainerSource, FileId, Spanned};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let script = skillaudit_syntax::shell::parse(&text);
    let _ = shell_script::containers(FileId(0), &script, &|s| s);
    let _ = shell_script::builds(&script, &|s| s);
    // Every command, as an argv, through docker's own flag parser too.
    for cmd in &script.commands {
        let words: Vec<&str> = cmd.words.iter().map(|w| w.value.as_str()).collect();
        let start = docker_cli::run_args_start(&words).unwrap_or(1).min(cmd.words.len());
        let args: Vec<Spanned<String>> = cmd.words[start..].iter().map(|w| Spanned::new(w.value.clone(), w.span)).collect();
        let source = ContainerSource::CommandLine { tool: "docker".into(), image: String::new() };
        let _ = docker_cli::container(FileId(0), source, cmd.span, &args);
    }
});
