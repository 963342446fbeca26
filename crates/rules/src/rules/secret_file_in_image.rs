use skillaudit_model::image::{Base, Image, InstrKind};
use skillaudit_model::ContextFile;
use skillaudit_syntax::dockerignore::DockerIgnore;

use crate::analysis::{is_whole_context, secret_file_kind};
use crate::secrets::files::{inspect, is_inspected, FileVerdict};
use crate::{declare_rule, Applicability, Confidence, Finding, ImageCx, Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Flags `COPY`/`ADD` of a secret-looking file — `.env` files (but not
    /// `.env.example`, `.env.sample`, `.env.template`), `*.pem`, `*.key`,
    /// `id_rsa*`, `id_ed25519*`, `.npmrc`, `.yarnrc.yml`, `.pypirc`,
    /// `.netrc`, `credentials*.json`, `.aws/`, `.ssh/`,
    /// `.docker/config.json` — and `COPY . …` of the whole build context when
    /// such a file exists in the context and `.dockerignore` does not
    /// exclude it.
    ///
    /// When the file is in the scanned tree, its content decides (only its
    /// first 64 KiB are read):
    ///
    /// - `.npmrc` holds a credential only with a literal `_authToken`,
    ///   `_auth` or `_password`; `.yarnrc.yml` only with a literal
    ///   `npmAuthToken` or `npmAuthIdent`; `.pypirc` and `.netrc` only with
    ///   a literal `password`. A reference (`_authToken=${NPM_TOKEN}`) is
    ///   filled in by npm when it runs, so the file holds no secret.
    /// - A `.env` file holds one when a `KEY=value` line is credential-shaped
    ///   as for `secret-in-image`: a known token format, or a high-entropy
    ///   value under a secret-like name. Placeholders (`your-key-here`,
    ///   `changeme`, `${VAR}`, `xxx`, `test…`) and settings (`PORT=3000`) are
    ///   not secrets. A `.env` holding only weak default passwords
    ///   (`POSTGRES_PASSWORD=postgres`) is reported at medium severity: a
    ///   default every reader knows is a smell, not a leaked key (see
    ///   `hardcoded-password`).
    /// - A key file holds one when it contains a private key; certificates
    ///   and public keys (`id_rsa.pub`) are not secrets.
    ///
    /// A file without a credential gives no finding. A file that is not in
    /// the scanned tree (or could not be read) keeps the finding at medium
    /// confidence: its content is unknown. Other secret-looking files
    /// (`credentials*.json`, `.aws/`, `.ssh/`, `.docker/config.json`) are
    /// reported without looking inside.
    ///
    /// ## Why is this bad?
    /// Files copied into an image are readable by anyone who pulls it, and
    /// stay in its layers even if a later step deletes them. A `.env` with
    /// API keys or an `.npmrc` with a registry token copied into an MCP
    /// server image leaks those credentials to every user of the image.
    ///
    /// Build stages are checked too: a stage the final stage copies from
    /// (`COPY --from=…`, `FROM stage`, `RUN --mount=from=…`) may pass the
    /// file on, so it is reported with medium confidence; a stage the final
    /// image never copies from leaves the file only in the build cache and is
    /// reported at low severity.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY . .          # with a .env holding an API key and no .dockerignore
    /// COPY .npmrc ./    # with //registry.npmjs.org/:_authToken=npm_…
    /// ```
    ///
    /// ## Fix
    /// Add the files to `.dockerignore` (`.env*`, `!.env.example`, `*.pem`,
    /// `.npmrc`), copy only what the server needs, and pass build-time
    /// credentials as BuildKit secrets (`RUN --mount=type=secret,id=npmrc`).
    pub struct SecretFileInImage {
        id: "secret-file-in-image",
        severity: High,
        target: Image,
        summary: "COPY/ADD puts a secret-looking file into the image",
    }
}

const FIX_COPY: &str =
    "copy only the files the server needs; pass credentials at run time or as BuildKit secrets";
const FIX_CONTEXT: &str =
    "add the secret files to .dockerignore (e.g. `.env*`, `!.env.example`, `*.pem`)";

impl Rule for SecretFileInImage {
    fn check_image(&self, cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
        let image = cx.image;
        let text = &cx.project.file(image.file).text;
        let feeds = stages_feeding_final(image, text);
        for stage in &image.stages {
            let place = match feeds.get(stage.index) {
                _ if stage.index + 1 == image.stages.len() => Place::Final,
                Some(true) => Place::Feeds,
                _ => Place::Dropped(
                    stage
                        .name
                        .as_ref()
                        .map_or_else(|| stage.index.to_string(), |n| format!("\"{n}\"")),
                ),
            };
            for instr in &stage.instructions {
                let InstrKind::Copy(copy) = &instr.kind else {
                    continue;
                };
                if copy.from.is_some() {
                    continue;
                }
                for src in &copy.sources {
                    let src = src.value.as_str();
                    if src.starts_with("<<") || src.contains("://") {
                        continue;
                    }
                    let finding = if let Some(kind) = secret_file_kind(src) {
                        copied_file(cx, src, kind, &instr.keyword)
                    } else if is_whole_context(src) {
                        whole_context(cx.context_secret_files(), &instr.keyword)
                    } else {
                        None
                    };
                    if let Some(draft) = finding {
                        out.push(draft.finish(image.file, instr.span, &place));
                    }
                }
            }
        }
    }
}

/// Where a stage's files end up.
enum Place {
    /// The final stage: the shipped image.
    Final,
    /// A stage the final stage copies from or builds on.
    Feeds,
    /// A stage nothing in the final image comes from (its name or index).
    Dropped(String),
}

/// What the content says about the copied files, before the stage is known.
struct Draft {
    message: String,
    weak_only: bool,
    /// The content was not seen: medium confidence.
    unseen: bool,
    fix: &'static str,
    related: Vec<String>,
}

impl Draft {
    fn finish(
        self,
        file: skillaudit_model::FileId,
        span: skillaudit_syntax::Span,
        place: &Place,
    ) -> Finding {
        let mut message = self.message;
        let mut severity = if self.weak_only {
            Severity::Medium
        } else {
            Severity::High
        };
        let mut confidence = if self.unseen {
            Confidence::Medium
        } else {
            Confidence::High
        };
        match place {
            Place::Final => {}
            Place::Feeds => confidence = Confidence::Medium,
            Place::Dropped(stage) => {
                severity = Severity::Low;
                message.push_str(&format!(
                    "; build stage {stage} is never copied into the final image, so it stays in the build cache only"
                ));
            }
        }
        let mut f = Finding::new(&SecretFileInImage::META, file, span, message)
            .severity(severity)
            .confidence(confidence)
            .fix(self.fix, Applicability::Manual);
        for path in self.related.iter().take(10) {
            f = f.related_path(path.clone(), "secret-looking file in the build context");
        }
        f
    }
}

/// What the content of each file says, leaving out files without a
/// credential. A file that a rule inspects but that was not read (or only
/// in part) is [`FileVerdict::Unknown`] and marked unseen; kinds that are
/// never inspected (`credentials.json`, `.ssh/`) are `Unknown` but seen.
fn judge<'a>(
    files: impl IntoIterator<Item = &'a ContextFile>,
) -> Vec<(&'a ContextFile, FileVerdict, bool)> {
    files
        .into_iter()
        .map(|f| {
            let verdict = match &f.text {
                Some(text) => inspect(&f.rel, text, f.truncated),
                None => FileVerdict::Unknown,
            };
            let unseen = verdict == FileVerdict::Unknown && is_inspected(&f.rel);
            (f, verdict, unseen)
        })
        .filter(|(_, v, _)| *v != FileVerdict::Clean)
        .collect()
}

/// `COPY <secret-looking source>`.
fn copied_file(cx: &ImageCx<'_>, src: &str, kind: &str, keyword: &str) -> Option<Draft> {
    let pattern = DockerIgnore::parse(src.trim_start_matches("./"));
    let present: Vec<&ContextFile> = cx
        .context_secret_files()
        .iter()
        .filter(|f| pattern.is_excluded(&f.rel))
        .collect();
    let base = format!("{keyword} copies {src} ({kind}) into the image");
    if present.is_empty() {
        return Some(Draft {
            message: format!(
                "{base}; it is not in the scanned files, so its content was not checked"
            ),
            weak_only: false,
            unseen: true,
            fix: FIX_COPY,
            related: Vec::new(),
        });
    }
    let judged = judge(present);
    let (message, weak_only, unseen) = summarise(&judged, base)?;
    Some(Draft {
        message,
        weak_only,
        unseen,
        fix: FIX_COPY,
        related: Vec::new(),
    })
}

/// `COPY . …` with secret-looking files in the context.
fn whole_context(files: &[ContextFile], keyword: &str) -> Option<Draft> {
    let judged = judge(files);
    let related: Vec<String> = judged.iter().map(|(f, ..)| f.display.clone()).collect();
    let base = format!(
        "{keyword} copies the whole build context, which holds {} not excluded by .dockerignore",
        match judged.as_slice() {
            [(f, ..)] => format!("the secret-looking file {}", f.display),
            _ => format!("{} secret-looking files", judged.len()),
        }
    );
    let (message, weak_only, unseen) = summarise(&judged, base)?;
    Some(Draft {
        message,
        weak_only,
        unseen,
        fix: FIX_CONTEXT,
        related,
    })
}

/// The message, whether only weak passwords were found, and whether the
/// content that decides was not seen; `None` when nothing is left to report.
fn summarise(
    judged: &[(&ContextFile, FileVerdict, bool)],
    base: String,
) -> Option<(String, bool, bool)> {
    if judged.is_empty() {
        return None;
    }
    let credential = judged.iter().find_map(|(f, v, _)| match v {
        FileVerdict::Credential(what) => Some((f, what)),
        _ => None,
    });
    if let Some((f, what)) = credential {
        return Some((format!("{base}; {} holds {what}", f.rel), false, false));
    }
    if judged.iter().any(|(_, v, _)| *v == FileVerdict::Unknown) {
        let unseen = judged.iter().any(|(.., unseen)| *unseen);
        let base = if unseen {
            format!("{base}; its content could not be checked")
        } else {
            base
        };
        return Some((base, false, unseen));
    }
    let weak: Vec<String> = judged
        .iter()
        .filter_map(|(f, v, _)| match v {
            FileVerdict::WeakPassword(keys) => Some(format!("{} ({keys})", f.rel)),
            _ => None,
        })
        .collect();
    Some((
        format!(
            "{base}; it holds weak default passwords only: {}",
            weak.join(", ")
        ),
        true,
        false,
    ))
}

/// For each stage: does the final stage build on it, copy from it or mount
/// it (`FROM stage`, `COPY --from=stage`, `RUN --mount=…,from=stage`),
/// directly or through other stages? `text` is the Dockerfile's text.
fn stages_feeding_final(image: &Image, text: &str) -> Vec<bool> {
    let n = image.stages.len();
    let mut feeds = vec![false; n];
    let Some(last) = n.checked_sub(1) else {
        return feeds;
    };
    feeds[last] = true;
    let mut todo = vec![last];
    while let Some(i) = todo.pop() {
        let stage = &image.stages[i];
        let mut deps: Vec<usize> = Vec::new();
        if let Base::Stage(j) = stage.base {
            deps.push(j);
        }
        for instr in &stage.instructions {
            match &instr.kind {
                InstrKind::Copy(c) => {
                    deps.extend(c.from.as_deref().and_then(|f| stage_index(image, f)))
                }
                InstrKind::Run(_) => {
                    let source = text
                        .get(instr.span.start as usize..instr.span.end as usize)
                        .unwrap_or("");
                    deps.extend(mounted_stages(source).filter_map(|f| stage_index(image, f)));
                }
                _ => {}
            }
        }
        for j in deps {
            if j < n && !feeds[j] {
                feeds[j] = true;
                todo.push(j);
            }
        }
    }
    feeds
}

/// The `from=` of each `--mount=` flag of a RUN instruction's text.
fn mounted_stages(run: &str) -> impl Iterator<Item = &str> {
    run.split_whitespace()
        .filter_map(|w| w.strip_prefix("--mount="))
        .flat_map(|m| m.split(','))
        .filter_map(|kv| kv.strip_prefix("from="))
}

/// The stage a `--from` names: its `AS` name (any case) or its index.
fn stage_index(image: &Image, from: &str) -> Option<usize> {
    let from = from.trim_matches(['"', '\'']).to_ascii_lowercase();
    image
        .stages
        .iter()
        .find(|s| s.name.as_deref() == Some(from.as_str()))
        .map(|s| s.index)
        .or_else(|| {
            from.parse::<usize>()
                .ok()
                .filter(|&i| i < image.stages.len())
        })
}
