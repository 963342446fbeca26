//! `skillaudit serve`: the hosted audit, over HTTP (axum on tokio).
//!
//! The pages are plain server-rendered HTML ([`html`]) that work without
//! JavaScript; the JSON API and the badge read the same store. Audits run in
//! [`skillaudit_service::AuditService`] (queue, workers, de-duplication,
//! rate limit): this crate only turns requests into submissions and stored
//! audits into pages.
//!
//! Every response carries a strict Content-Security-Policy (no script at
//! all, styles only from `/static/style.css`), `nosniff` and
//! `no-referrer`; request bodies are limited to [`MAX_BODY`] bytes. Store
//! calls (SQLite, blocking) run on tokio's blocking pool.
//!
//! Connections are served by hyper directly ([`serve`]) so that a client
//! that does not finish its request head within
//! [`WebConfig::header_read_timeout`] is disconnected; every request has
//! [`WebConfig::request_timeout`] to be answered. Every `/api/*` answer
//! that is an error is JSON (`{"error": …}`), 404, 405 and 413 included.

pub mod api;
pub mod badge;
mod download;
pub mod html;
pub mod links;
mod pages;
mod report;
mod submit;

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, Request};
use axum::http::header::{self, HeaderValue};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use skillaudit_service::AuditService;
use skillaudit_store::Store;

/// The Content-Security-Policy of every response.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Largest request body accepted (a form or a JSON submission), in bytes.
pub const MAX_BODY: usize = 16 * 1024;

/// The style sheet: the report's rules, then the site's.
pub fn style_sheet() -> String {
    format!(
        "{}\n{}",
        skillaudit_report::html::STYLE,
        include_str!("site.css")
    )
}

/// How the web layer behaves (the audit service has its own configuration).
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Take the client's address for the rate limit from the last entry of
    /// `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// The address the service is reached at (`https://audit.example`),
    /// for the absolute URLs of badge snippets; without it, the request's
    /// `Host` is used when it is a plain host name.
    pub public_url: Option<String>,
    /// A connection whose request head is not complete after this long is
    /// closed (default 10 s).
    pub header_read_timeout: Duration,
    /// A request not answered after this long gets 503 (default 30 s).
    pub request_timeout: Duration,
}

impl Default for WebConfig {
    fn default() -> WebConfig {
        WebConfig {
            trust_forwarded_for: false,
            public_url: None,
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct App {
    service: AuditService,
    config: Arc<WebConfig>,
}

impl App {
    pub fn new(service: AuditService, config: WebConfig) -> App {
        App {
            service,
            config: Arc::new(config),
        }
    }

    pub fn service(&self) -> &AuditService {
        &self.service
    }

    pub fn store(&self) -> Arc<dyn Store> {
        self.service.store().clone()
    }

    pub fn config(&self) -> &WebConfig {
        &self.config
    }

    /// Run blocking work (a submission, a job lookup) on the blocking pool.
    pub(crate) async fn blocking<T, F>(&self, f: F) -> Option<T>
    where
        T: Send + 'static,
        F: FnOnce(&AuditService) -> T + Send + 'static,
    {
        let service = self.service.clone();
        match tokio::task::spawn_blocking(move || f(&service)).await {
            Ok(v) => Some(v),
            Err(e) => {
                eprintln!("skillaudit serve: service task failed: {e}");
                None
            }
        }
    }

    /// Run a store query on the blocking pool.
    pub(crate) async fn query<T, F>(&self, f: F) -> Result<T, StoreFailure>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> skillaudit_store::Result<T> + Send + 'static,
    {
        let store = self.store();
        match tokio::task::spawn_blocking(move || f(store.as_ref())).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => {
                // The operator sees the cause; the visitor a plain message.
                eprintln!("skillaudit serve: store error: {e}");
                Err(StoreFailure)
            }
            Err(e) => {
                eprintln!("skillaudit serve: store task failed: {e}");
                Err(StoreFailure)
            }
        }
    }
}

/// A store query failed (already logged); the message is the visitor's.
#[derive(Debug, thiserror::Error)]
#[error("{STORE_FAILURE}")]
pub(crate) struct StoreFailure;

/// The user-facing text of a [`StoreFailure`].
pub(crate) const STORE_FAILURE: &str =
    "The audit database could not be read; please try again later.";

/// The address a request counts against for the rate limit.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClientIp(pub IpAddr);

impl FromRequestParts<App> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<ClientIp, Self::Rejection> {
        if app.config.trust_forwarded_for {
            // The proxy appends the address it saw; earlier entries are the
            // client's to invent.
            if let Some(ip) = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|s| s.trim().parse::<IpAddr>().ok())
                .next_back()
            {
                return Ok(ClientIp(ip));
            }
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        Ok(ClientIp(peer))
    }
}

/// Add the security headers to a response.
async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}

/// Every `/api/*` error as `{"error": …}` (a 404 of the fallback, a 405,
/// a 413 of the body limit, a time-out), keeping `Allow` and `Retry-After`.
async fn api_errors(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let api = path == "/api" || path.starts_with("/api/");
    let res = next.run(req).await;
    let status = res.status();
    let json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !api || json || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let message = match status {
        StatusCode::NOT_FOUND => "no such API endpoint".to_string(),
        StatusCode::METHOD_NOT_ALLOWED => "method not allowed here".to_string(),
        StatusCode::PAYLOAD_TOO_LARGE => {
            format!("the request body is larger than {MAX_BODY} bytes")
        }
        other => other
            .canonical_reason()
            .unwrap_or("request failed")
            .to_lowercase(),
    };
    let mut out = api::error(status, &message);
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = res.headers().get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out
}

/// Answer within the configured time, or 503.
async fn request_timeout(
    axum::extract::State(app): axum::extract::State<App>,
    req: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(app.config.request_timeout, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            let mut res = page(
                StatusCode::SERVICE_UNAVAILABLE,
                html::message("Too slow", "The server took too long to answer; try again."),
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            res
        }
    }
}

/// Every route of the service.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/audits", post(submit::form))
        .route("/jobs/{job}", get(submit::job_page))
        .route("/audits/{id}", get(pages::audit))
        .route("/audits/{id}/{format}", get(download::download))
        .route("/repos/{host}/{owner}/{repo}", get(pages::repository))
        .route("/rules", get(pages::rules_index))
        .route("/rules/{id}", get(pages::rule))
        .route("/history", get(pages::history))
        .route("/corpus", get(pages::corpus))
        .route("/badge/{host}/{owner}/{repo}", get(pages::badge))
        .route("/healthz", get(pages::healthz))
        .route("/static/style.css", get(pages::style))
        .route("/static/icon.svg", get(pages::icon))
        .route("/api/audits", post(submit::api_submit).get(api::audits))
        .route("/api/jobs/{job}", get(submit::api_job))
        .route("/api/audits/{id}", get(api::audit))
        .route("/api/corpus", get(api::corpus))
        .fallback(pages::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            request_timeout,
        ))
        .layer(axum::middleware::from_fn(api_errors))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(app)
}

/// How long a stopping server waits for open connections to finish.
const DRAIN: Duration = Duration::from_secs(10);

/// Serve `app` on `listener` until `shutdown` completes, then stop the
/// audit service (its running audits finish first). Each connection is
/// HTTP/1.1 with the header-read time-out of the configuration.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;

    let service = app.service.clone();
    let header_timeout = app.config.header_read_timeout;
    let routes = router(app);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait, go on.
                    eprintln!("skillaudit serve: cannot accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let svc = routes.clone().map_request(
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(ConnectInfo(remote));
                req
            },
        );
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .serve_connection(
                TokioIo::new(stream),
                hyper_util::service::TowerToHyperService::new(svc),
            );
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN) => {}
    }
    let _ = tokio::task::spawn_blocking(move || service.shutdown()).await;
    Ok(())
}

/// An HTML response.
pub(crate) fn page(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}
