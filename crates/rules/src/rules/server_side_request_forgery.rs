use crate::code::{report, CodeCx};
use crate::{declare_rule, Finding, Rule};
use skillaudit_model::code::ir::SinkKind;

declare_rule! {
    /// ## What it does
    /// Flags model input that decides the scheme or host of an outgoing
    /// request: `fetch`, axios, got, undici, `http.request`; Python
    /// requests, httpx, aiohttp, urllib; Go `http.Get`/`http.NewRequest`.
    /// Input only in the path or query after a fixed origin
    /// (`` `https://api.example.com/issues/${id}` ``) is not flagged, nor a
    /// URL whose host is checked against an allow-list.
    ///
    /// ## Why is this bad?
    /// The server fetches what the model names, from inside its network:
    /// cloud metadata endpoints (`http://169.254.169.254/` hands out
    /// credentials), admin interfaces on localhost, internal services. The
    /// response often goes straight back to the model, and to whoever
    /// injected the prompt.
    ///
    /// ## Example
    /// ```go
    /// url := req.GetString("url", "")
    /// resp, err := http.Get(url)
    /// ```
    ///
    /// ## Fix
    /// Fix the origin in code and let the model choose only path segments
    /// or query values (encoded), or parse the URL and check its scheme and
    /// host against an allow-list; refuse private and link-local addresses
    /// after resolving the name if arbitrary hosts are the product.
    pub struct ServerSideRequestForgery {
        id: "server-side-request-forgery",
        severity: High,
        target: Code,
        summary: "model input chooses the host of an outgoing request",
    }
}

impl Rule for ServerSideRequestForgery {
    fn check_code(&self, cx: &CodeCx<'_>, out: &mut Vec<Finding>) {
        let flows = cx
            .flows()
            .filter(|f| f.sink.kind == SinkKind::Url)
            .collect();
        report(
            cx,
            &Self::META,
            flows,
            |who, f| {
                format!(
                    "{who} as the URL requested by {}: the model chooses the host, internal addresses included",
                    f.sink.what
                )
            },
            "fix the origin in code and let the model choose only path or query values, or check the URL's host against an allow-list",
            out,
        );
    }
}
