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

pub mod api;
pub mod badge;
pub mod html;
mod pages;
mod submit;

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts};
use axum::http::header::{self, HeaderValue};
use axum::http::request::Parts;
use axum::http::StatusCode;
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
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// Take the client's address for the rate limit from the last entry of
    /// `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
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

/// A store query failed (already logged).
#[derive(Debug)]
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

/// Every route of the service.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/audits", post(submit::form))
        .route("/jobs/{job}", get(submit::job_page))
        .route("/audits/{id}", get(pages::audit))
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
        .layer(axum::middleware::map_response(security_headers))
        .with_state(app)
}

/// Serve `app` on `listener` until `shutdown` completes, then stop the
/// audit service (its running audits finish first).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = app.service.clone();
    let result = axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    let _ = tokio::task::spawn_blocking(move || service.shutdown()).await;
    result
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
