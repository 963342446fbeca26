use crate::code::CodeCx;
use crate::{declare_rule, Applicability, Confidence, Finding, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a streamable-HTTP or SSE MCP transport that does not validate
    /// the `Origin` or `Host` of requests:
    ///
    /// - TypeScript: a `StreamableHTTPServerTransport`/`SSEServerTransport`
    ///   created without `enableDnsRebindingProtection: true`,
    ///   `allowedHosts` or `allowedOrigins`;
    /// - Python: an HTTP transport of `FastMCP` on a host other than
    ///   loopback with no `transport_security=TransportSecuritySettings(…)`
    ///   (on a loopback host the SDK turns the protection on itself);
    /// - Go: an mcp-go `NewStreamableHTTPServer`/`NewSSEServer`.
    ///
    /// Not reported when its package (the directory of the nearest
    /// `package.json`, `pyproject.toml` or `go.mod`) checks on its own: it reads the
    /// request's `Origin` or `Host` header, or uses a host-validation
    /// middleware (`hostHeaderValidation`, `localhostHostValidation`, the
    /// SDK's `createMcpExpressApp`, Go's `CrossOriginProtection`), nor
    /// when the transport's file authenticates requests (a bearer token or
    /// API key that a rebinding page does not hold). Test code is not
    /// read. The go-sdk's handlers are not judged (their
    /// defaults changed across versions).
    ///
    /// ## Why is this bad?
    /// A web page the user opens can make the browser send requests to a
    /// server on `localhost` by rebinding its own domain name to
    /// `127.0.0.1` (DNS rebinding). Without an Origin or Host check the
    /// page can then call the server's tools — the MCP specification asks
    /// servers to validate `Origin` for this reason.
    ///
    /// ## Example
    /// ```ts
    /// const transport = new StreamableHTTPServerTransport({
    ///   sessionIdGenerator: () => randomUUID(),
    /// });
    /// ```
    ///
    /// ## Fix
    /// Turn the SDK's protection on (`enableDnsRebindingProtection: true,
    /// allowedHosts: ["127.0.0.1:3000"]`; Python
    /// `transport_security=TransportSecuritySettings(…)`), or reject
    /// requests whose `Origin` is not one you expect.
    pub struct MissingOriginCheck {
        id: "missing-origin-check",
        severity: Medium,
        target: Code,
        summary: "an MCP HTTP transport does not validate Origin or Host",
    }
}

impl Rule for MissingOriginCheck {
    fn check_code(&self, cx: &CodeCx<'_>, out: &mut Vec<Finding>) {
        let facts = cx.transport();
        for t in &facts.transports {
            if t.origin_checked || !t.judged_for_origin || t.authed_here || facts.checks_origin(t) {
                continue;
            }
            let f = Finding::new(
                &MissingOriginCheck::META,
                t.file,
                t.span,
                format!(
                    "the MCP server's {} transport does not validate the Origin or Host of requests: a web page can reach it through DNS rebinding",
                    t.kind
                ),
            )
            .confidence(Confidence::Medium);
            out.push(f.fix(
                "enable the SDK's DNS-rebinding protection with the hosts you serve, or reject unexpected Origin headers",
                Applicability::Manual,
            ));
        }
    }
}
