//! Fenced code blocks of a Markdown file (README), with a map from each
//! block's content back to the file, and the file's HTML comments.
//!
//! Parsing follows CommonMark (`pulldown-cmark`), so a fence inside a list
//! item or a blockquote is found and its content comes without the item's
//! indentation or the `> ` prefixes, exactly as a reader copying it gets it.
//!
//! # Conventions
//!
//! * Only fenced blocks (```` ``` ```` and `~~~`, any length ≥ 3) are
//!   returned. Indented code blocks (four spaces) are skipped: in READMEs
//!   they are prose examples, not configurations meant to be copied.
//! * A fence left open runs to the end of its container (the end of the
//!   file at top level), as CommonMark says; such a block is returned too.
//! * Line breaks inside `content` are `\n` even where the file has `\r\n`
//!   (CommonMark's normalisation); the map still points at the right bytes.
//! * Where CommonMark invents characters (the rest of a tab that was only
//!   partly used as indentation becomes spaces), those map to the position
//!   of the tab's end.
//! * `fence` starts at the first fence character (after any indentation or
//!   `> `) and runs to the end of that line, without the line break.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::{OffsetMap, Span};

/// One fenced code block (``` or ~~~).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeBlock {
    /// The info string's first word, lower-cased (`json`, `bash`, `sh`, `console`, …; empty if none).
    pub lang: String,
    /// The block's content (without the fences and without any indentation or
    /// blockquote prefix that the fence had).
    pub content: String,
    /// Maps offsets of `content` to offsets of the file.
    pub map: OffsetMap,
    /// The opening fence line.
    pub fence: Span,
}

/// A fenced block being collected.
struct Open {
    lang: String,
    fence: Span,
    content: String,
    pieces: Vec<(u32, u32)>,
}

impl Open {
    /// Record that `content[at..]` continues at file offset `file`.
    fn piece(&mut self, at: usize, file: usize) {
        let (at, file) = (at as u32, file as u32);
        if let Some(&(v, f)) = self.pieces.last() {
            if v == at {
                self.pieces.pop();
            } else if file >= f && file - f == at - v {
                // Continues the previous run verbatim.
                return;
            }
        }
        self.pieces.push((at, file));
    }

    /// Append a text chunk that CommonMark reports for `range` of the file.
    fn push(&mut self, text: &str, chunk: &str, range: std::ops::Range<usize>) {
        let at = self.content.len();
        let source = text.get(range.clone()).unwrap_or("");
        if source == chunk {
            self.piece(at, range.start);
        } else if source.ends_with(chunk) {
            // The source has more (e.g. `\r` before `\n`): the chunk is its tail.
            self.piece(at, range.end - chunk.len());
        } else if chunk.ends_with(source) {
            // Invented characters (spaces for a partly used tab) before the
            // source text: each maps to where the source text starts.
            let invented = chunk.len() - source.len();
            for k in 0..invented {
                self.piece(at + k, range.start);
            }
            if !source.is_empty() {
                self.piece(at + invented, range.start);
            }
        } else {
            // Entity or other rewriting (not expected in code blocks).
            self.piece(at, range.start);
        }
        self.content.push_str(chunk);
    }

    fn finish(mut self, text: &str) -> CodeBlock {
        if self.pieces.is_empty() {
            // An empty block: map to the line after the fence.
            let after = line_end(text, self.fence.end as usize);
            self.pieces.push((0, after as u32));
        }
        CodeBlock {
            lang: self.lang,
            content: self.content,
            map: OffsetMap {
                pieces: self.pieces,
            },
            fence: self.fence,
        }
    }
}

/// The offset just after the line break that ends at or after `at`.
fn line_end(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    match text.as_bytes()[at..].iter().position(|&b| b == b'\n') {
        Some(i) => at + i + 1,
        None => text.len(),
    }
}

/// The span from `start` to the end of its line (without `\r\n`).
fn rest_of_line(text: &str, start: usize) -> Span {
    let start = start.min(text.len());
    let bytes = text.as_bytes();
    let mut end = match bytes[start..].iter().position(|&b| b == b'\n') {
        Some(i) => start + i,
        None => text.len(),
    };
    if end > start && bytes[end - 1] == b'\r' {
        end -= 1;
    }
    Span::new(start, end)
}

/// The language of an info string: its first word, lower-cased.
fn language(info: &str) -> String {
    info.split_whitespace().next().unwrap_or("").to_lowercase()
}

/// Every fenced code block, in order. HTML comments and prose are not code.
pub fn code_blocks(text: &str) -> Vec<CodeBlock> {
    let mut blocks = Vec::new();
    let mut open: Option<Open> = None;
    for (event, range) in Parser::new_ext(text, Options::empty()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                open = Some(Open {
                    lang: language(&info),
                    fence: rest_of_line(text, range.start),
                    content: String::new(),
                    pieces: Vec::new(),
                });
            }
            Event::Text(chunk) => {
                if let Some(block) = open.as_mut() {
                    block.push(text, &chunk, range);
                }
            }
            // Indented code blocks have no `open` block: their text is skipped.
            Event::End(TagEnd::CodeBlock) => {
                if let Some(block) = open.take() {
                    blocks.push(block.finish(text));
                }
            }
            _ => {}
        }
    }
    // pulldown-cmark always closes blocks; keep one left open regardless.
    if let Some(block) = open.take() {
        blocks.push(block.finish(text));
    }
    blocks
}

/// The code spans of the prose (`` `docker build -t hub .` ``): each one's
/// text (as CommonMark gives it: line breaks become spaces) and the span of
/// the whole code span, backticks included.
pub fn code_spans(text: &str) -> Vec<(String, Span)> {
    Parser::new_ext(text, Options::empty())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Code(code) => Some((code.into_string(), Span::new(range.start, range.end))),
            _ => None,
        })
        .collect()
}

/// Spans of the HTML comments (`<!-- … -->`) outside code: in HTML blocks
/// and inline HTML. Comments in code blocks and code spans are text, not
/// comments. An unterminated comment is not returned. Inside a blockquote,
/// a comment over several lines includes the `> ` prefixes of its lines.
pub fn html_comments(text: &str) -> Vec<Span> {
    let mut regions: Vec<std::ops::Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(text, Options::empty()).into_offset_iter() {
        match event {
            Event::Start(Tag::HtmlBlock) | Event::InlineHtml(_) => regions.push(range),
            // A lone `Html` event outside a block does not occur, but keep it.
            Event::Html(_) if regions.last().is_none_or(|last| last.end < range.end) => {
                regions.push(range)
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut done = 0;
    for region in regions {
        let start = region.start.max(done);
        let end = region.end.min(text.len());
        if start >= end {
            continue;
        }
        scan_comments(text, start, end, &mut out);
        done = end;
    }
    out
}

/// Find `<!-- … -->` comments starting in `text[start..end]` that also end
/// there. `<!-->` and `<!--->` are (empty) comments, as in CommonMark.
fn scan_comments(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let Some(region) = text.get(start..end) else {
        return;
    };
    let mut pos = 0;
    while let Some(found) = region[pos..].find("<!--") {
        let open = pos + found;
        let body = open + 4;
        let close = if region[body..].starts_with('>') {
            Some(body + 1)
        } else if region[body..].starts_with("->") {
            Some(body + 2)
        } else {
            region[body..].find("-->").map(|i| body + i + 3)
        };
        match close {
            Some(close) => {
                out.push(Span::new(start + open, start + close));
                pos = close;
            }
            None => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LineIndex;

    #[test]
    fn code_spans_of_the_prose() {
        let text =
            "2. Run `docker build -t hub .`\n3. Or ``a `b` c``\n\n```sh\nnot `a span`\n```\n";
        let spans = code_spans(text);
        assert_eq!(spans.len(), 2);
        assert_eq!(spans[0].0, "docker build -t hub .");
        assert_eq!(spans[0].1.slice(text), "`docker build -t hub .`");
        assert_eq!(spans[1].0, "a `b` c");
    }

    const README: &str = "# docker-mcp

Run it with `docker run` (inline code is not a block):

```json
{
  \"mcpServers\": {
    \"docker\": { \"command\": \"docker\", \"args\": [\"run\", \"--privileged\"] }
  }
}
```

```Bash title=\"install\"
docker run -i --rm \\
  -v /var/run/docker.sock:/var/run/docker.sock img
```

~~~sh
podman run --rm img
~~~

```console
$ docker run --network host img
```

1. In a list:

   ````jsonc
   // comment
   \"github\": { \"command\": \"docker\" }
   ````

> Quoted:
>
> ```
> docker run --cap-add SYS_ADMIN img
>   --flag
> ```

<!-- skillaudit-ignore privileged -->

    indented code is skipped
    docker run --privileged x

```bash
docker run --unclosed
";

    fn line_col(text: &str, offset: u32) -> (u32, u32) {
        let lc = LineIndex::new(text).line_col(text, offset);
        (lc.line, lc.column)
    }

    /// The file span of the first occurrence of `word` in a block's content.
    fn locate(block: &CodeBlock, word: &str) -> Span {
        let at = block.content.find(word).expect(word);
        block.map.span(Span::new(at, at + word.len()))
    }

    #[test]
    fn markdown_finds_every_fenced_block() {
        let blocks = code_blocks(README);
        let langs: Vec<&str> = blocks.iter().map(|b| b.lang.as_str()).collect();
        assert_eq!(
            langs,
            ["json", "bash", "sh", "console", "jsonc", "", "bash"]
        );

        assert!(blocks[0].content.starts_with("{\n  \"mcpServers\""));
        assert!(blocks[0].content.ends_with("}\n"));
        assert_eq!(blocks[0].fence.slice(README), "```json");
        assert_eq!(blocks[1].fence.slice(README), "```Bash title=\"install\"");
        assert_eq!(
            blocks[1].content,
            "docker run -i --rm \\\n  -v /var/run/docker.sock:/var/run/docker.sock img\n"
        );
        assert_eq!(blocks[2].content, "podman run --rm img\n");
        assert_eq!(blocks[2].fence.slice(README), "~~~sh");
        assert_eq!(blocks[3].content, "$ docker run --network host img\n");
        // No block holds the prose, the inline code, the HTML comment or the
        // indented code block.
        assert!(blocks
            .iter()
            .all(|b| !b.content.contains("inline code") && !b.content.contains("indented")));
        assert!(blocks
            .iter()
            .all(|b| !b.content.contains("skillaudit-ignore")));
    }

    #[test]
    fn markdown_list_item_fence_loses_its_indentation() {
        let blocks = code_blocks(README);
        let block = &blocks[4];
        assert_eq!(
            block.content,
            "// comment\n\"github\": { \"command\": \"docker\" }\n"
        );
        assert_eq!(block.fence.slice(README), "````jsonc");
        assert_eq!(line_col(README, block.fence.start), (28, 4));
        let span = locate(block, "\"command\"");
        assert_eq!(span.slice(README), "\"command\"");
        assert_eq!(line_col(README, span.start), (30, 16));
    }

    #[test]
    fn markdown_blockquote_fence_loses_its_prefix() {
        let blocks = code_blocks(README);
        let block = &blocks[5];
        assert_eq!(
            block.content,
            "docker run --cap-add SYS_ADMIN img\n  --flag\n"
        );
        let span = locate(block, "SYS_ADMIN");
        assert_eq!(span.slice(README), "SYS_ADMIN");
        assert_eq!(line_col(README, span.start), (36, 24));
        let span = locate(block, "--flag");
        assert_eq!(line_col(README, span.start), (37, 5));
        assert_eq!(span.slice(README), "--flag");
    }

    #[test]
    fn markdown_map_lands_on_readme_line_and_column() {
        let blocks = code_blocks(README);
        let span = locate(&blocks[0], "--privileged");
        assert_eq!(span.slice(README), "--privileged");
        assert_eq!(line_col(README, span.start), (8, 55));
        let span = locate(&blocks[1], "/var/run/docker.sock:/var/run/docker.sock");
        assert_eq!(line_col(README, span.start), (15, 6));
        // Every byte of every block maps onto the same byte in the file.
        for block in &blocks {
            for (i, c) in block.content.char_indices() {
                let span = block.map.span(Span::new(i, i + c.len_utf8()));
                assert_eq!(
                    span.slice(README),
                    c.to_string(),
                    "block {:?} at {i}",
                    block.lang
                );
            }
        }
    }

    #[test]
    fn markdown_unclosed_fence_runs_to_eof() {
        let blocks = code_blocks(README);
        let last = blocks.last().unwrap();
        assert_eq!(last.lang, "bash");
        assert_eq!(last.content, "docker run --unclosed\n");
        assert_eq!(locate(last, "--unclosed").slice(README), "--unclosed");

        let blocks = code_blocks("```sh\ndocker run x");
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].content, "docker run x");
    }

    #[test]
    fn markdown_crlf_tabs_and_empty_blocks() {
        let text = "```json\r\n{\"a\": 1}\r\n\"b\"\r\n```\r\n";
        let blocks = code_blocks(text);
        assert_eq!(blocks[0].content, "{\"a\": 1}\n\"b\"\n");
        assert_eq!(blocks[0].fence.slice(text), "```json");
        let at = blocks[0].content.find("\"b\"").unwrap();
        assert_eq!(
            blocks[0].map.span(Span::new(at, at + 3)).slice(text),
            "\"b\""
        );

        // A tab only partly used as the list item's indentation.
        let text = "- a\n\n  ```\n\tfoo\n  ```\n";
        let blocks = code_blocks(text);
        assert_eq!(blocks[0].content, "  foo\n");
        let at = blocks[0].content.find("foo").unwrap();
        assert_eq!(blocks[0].map.span(Span::new(at, at + 3)).slice(text), "foo");
        assert_eq!(blocks[0].map.span(Span::new(0, 1)), Span::new(12, 13));

        let text = "```\n```\n\n~~~~~ YAML\n~~~~~\n";
        let blocks = code_blocks(text);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].content, "");
        assert_eq!(blocks[0].map.offset(0), 4);
        assert_eq!(blocks[1].lang, "yaml");

        // A longer fence holds shorter ones.
        let text = "````md\n```json\n{}\n```\n````\n";
        let blocks = code_blocks(text);
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].content, "```json\n{}\n```\n");
    }

    #[test]
    fn markdown_no_blocks_in_prose() {
        assert!(code_blocks("").is_empty());
        assert!(
            code_blocks("Just `docker run --privileged` in prose.\n``not a fence``\n").is_empty()
        );
        assert!(code_blocks("    indented\n    code\n").is_empty());
        assert!(code_blocks("<!--\n```json\n{}\n```\n-->\n").is_empty());
    }

    #[test]
    fn markdown_html_comments() {
        let comments = html_comments(README);
        let texts: Vec<&str> = comments.iter().map(|c| c.slice(README)).collect();
        assert_eq!(texts, ["<!-- skillaudit-ignore privileged -->"]);

        let text = "a <!-- one --> b <!--> <!---> `<!-- code -->`\n\n<!-- block\nover lines -->\n\n\
                    ```\n<!-- in code -->\n```\n\n> <!-- quoted\n> too -->\n\n<div>\n<!-- in div --></div>\n\n<!-- open\n";
        let texts: Vec<&str> = html_comments(text).iter().map(|c| c.slice(text)).collect();
        assert_eq!(
            texts,
            [
                "<!-- one -->",
                "<!-->",
                "<!--->",
                "<!-- block\nover lines -->",
                "<!-- quoted\n> too -->",
                "<!-- in div -->"
            ]
        );
    }

    #[test]
    fn markdown_garbage_does_not_panic() {
        for (i, _) in README.char_indices() {
            let text = &README[..i];
            for block in code_blocks(text) {
                assert!(text.get(block.fence.range()).is_some());
                let whole = block.map.span(Span::new(0, block.content.len()));
                assert!(whole.end as usize <= text.len());
            }
            for comment in html_comments(text) {
                assert!(text.get(comment.range()).is_some());
            }
        }
        let alphabet: Vec<char> = "`~> -*\t\n\r<!-->1.é\\&;#".chars().collect();
        let mut seed = 7u64;
        for _ in 0..3000 {
            let mut s = String::new();
            for _ in 0..40 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                s.push(alphabet[(seed >> 33) as usize % alphabet.len()]);
            }
            for block in code_blocks(&s) {
                assert!(s.get(block.fence.range()).is_some(), "{s:?}");
                for (i, c) in block.content.char_indices() {
                    let span = block.map.span(Span::new(i, i + c.len_utf8()));
                    assert!(span.end as usize <= s.len(), "{s:?}");
                }
            }
            for comment in html_comments(&s) {
                assert!(s.get(comment.range()).is_some(), "{s:?}");
            }
        }
    }

    #[test]
    fn markdown_large_input() {
        let mut text = String::new();
        for i in 0..20_000 {
            text.push_str(&format!(
                "Step {i}:\n\n```bash\ndocker run img{i}\n```\n<!-- c{i} -->\n\n"
            ));
        }
        let started = std::time::Instant::now();
        assert_eq!(code_blocks(&text).len(), 20_000);
        assert_eq!(html_comments(&text).len(), 20_000);
        assert!(started.elapsed().as_secs() < 10);
        // Pathological nesting stays fine.
        let deep = format!("{}```\nx\n```\n", "> ".repeat(5_000));
        let _ = code_blocks(&deep);
        let deep = format!("{}```\nx\n```\n", "- ".repeat(5_000));
        let _ = code_blocks(&deep);
    }
}
