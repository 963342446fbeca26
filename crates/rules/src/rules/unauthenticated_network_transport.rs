use crate::code::CodeCx;
use crate::{declare_rule, Applicability, Confidence, Finding, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an MCP server with a streamable-HTTP or SSE transport that
    /// listens on every interface with no authentication anywhere in its
    /// package (the directory of the nearest `package.json`,
    /// `pyproject.toml` or `go.mod`; one server of a monorepo does not
    /// vouch for another):
    ///
    /// - TypeScript: a `StreamableHTTPServerTransport`/`SSEServerTransport`
    ///   in a file whose server calls `listen(port)` without a host (Node
    ///   and express then listen on all interfaces), `listen(port,
    ///   "0.0.0.0")`, `listen({ port })` (not with fastify, whose default
    ///   is localhost), or hono's `serve({ fetch, port })` without a
    ///   `hostname`;
    /// - Python: `mcp.run(transport="streamable-http"|"sse"|"http")`,
    ///   `uvicorn.run(mcp.streamable_http_app())` or `uvicorn.run(app)`
    ///   with `app = mcp.sse_app()` in the file, with `host="0.0.0.0"`
    ///   (in the call, in `FastMCP(host=…)`, `settings.host = …`, or as the
    ///   default of `os.getenv("HOST", "0.0.0.0")`);
    /// - Go: mcp-go `NewStreamableHTTPServer`/`NewSSEServer` or a go-sdk
    ///   handler, and `Start(":8080")`/`http.ListenAndServe(":8080", …)`.
    ///
    /// Authentication is any of: an SDK helper (`requireBearerAuth`,
    /// `mcpAuthRouter`, an OAuth provider, `auth=`/`token_verifier=` on
    /// `FastMCP`), a call or keyword whose name speaks of auth, bearer
    /// tokens or API keys, a function named for auth, or code that reads
    /// the `Authorization` or an API-key header, or an `apiKey`/`token`
    /// route parameter or query value, of a request (such a check counts
    /// for the listeners of its own outermost function, or for all when
    /// that function starts none). Hosts and addresses from configuration
    /// without a literal default, a loopback host (`127.0.0.1`,
    /// `localhost`), and the Python SDKs' default host (loopback) are not
    /// reported; nor is test code. A reverse proxy is out of sight and is
    /// not assumed.
    ///
    /// ## Why is this bad?
    /// Every machine that can reach the host — the office network, the
    /// café Wi-Fi, the internet when the port is published — can call
    /// every tool of the server with the credentials it holds, as if it
    /// were the user's model.
    ///
    /// ## Example
    /// ```ts
    /// const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    /// app.post("/mcp", (req, res) => transport.handleRequest(req, res, req.body));
    /// app.listen(3000);
    /// ```
    ///
    /// ## Fix
    /// Listen on `127.0.0.1` for a local server. When it must be reachable,
    /// put authentication in front of the MCP route (`requireBearerAuth`,
    /// an OAuth provider, an API-key check).
    pub struct UnauthenticatedNetworkTransport {
        id: "unauthenticated-network-transport",
        severity: High,
        target: Code,
        summary: "an MCP HTTP transport listens on every interface without authentication",
    }
}

impl Rule for UnauthenticatedNetworkTransport {
    fn check_code(&self, cx: &CodeCx<'_>, out: &mut Vec<Finding>) {
        let facts = cx.transport();
        for bind in &facts.binds {
            if facts.authenticates(bind) {
                continue;
            }
            let Some(t) = facts.transports.iter().find(|t| t.unit == bind.unit) else {
                continue;
            };
            let mut f = Finding::new(
                &UnauthenticatedNetworkTransport::META,
                bind.file,
                bind.span,
                format!(
                    "the MCP server's {} transport listens on every interface ({}) and nothing in its package authenticates requests: anyone who can reach the port can call its tools",
                    t.kind, bind.how
                ),
            )
            .confidence(Confidence::Medium);
            if t.span != bind.span {
                f = f.related_span(t.file, t.span, "the MCP transport");
            }
            out.push(f.fix(
                "listen on 127.0.0.1, or put authentication (a bearer token, OAuth, an API key) in front of the MCP route",
                Applicability::Manual,
            ));
        }
    }
}
