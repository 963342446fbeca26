//! Handlers of the pages that only read the store.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use skillaudit_store::{Audit, AuditId, AuditSummary, Page, Store};

use crate::report::{self, ReportView};
use crate::{badge, html, links, page, App, STORE_FAILURE};

/// Audits on one history page.
pub const HISTORY_PAGE: u32 = 50;
/// Audits listed on the home page.
const RECENT: u32 = 5;

pub(crate) fn store_failure() -> Response {
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        html::message("Something went wrong", STORE_FAILURE),
    )
}

/// The home page; `url` and `error` after a refused submission.
pub(crate) async fn render_home(
    app: &App,
    status: StatusCode,
    url: &str,
    error: Option<&str>,
) -> Response {
    // The form matters more than the list: show it even when the store fails.
    let recent = app
        .query(|s| s.audits(Page::first(RECENT)))
        .await
        .unwrap_or_default();
    page(status, html::home(url, error, &recent))
}

pub(crate) async fn home(State(app): State<App>) -> Response {
    render_home(&app, StatusCode::OK, "", None).await
}

/// An audit id from a path segment (digits only).
pub(crate) fn audit_id(s: &str) -> Option<AuditId> {
    if s.is_empty() || s.len() > 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().map(AuditId)
}

#[derive(Deserialize)]
pub(crate) struct ReportQuery {
    page: Option<String>,
}

impl ReportQuery {
    /// The page of findings asked for (1 when absent or not a number).
    fn page(&self) -> usize {
        self.page
            .as_deref()
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(1)
            .max(1)
    }
}

/// An audit and the previous audit of its repository.
fn with_previous(s: &dyn Store, a: Audit) -> skillaudit_store::Result<(Audit, Option<Audit>)> {
    let previous = match s.previous_audit(&a.summary.source, a.summary.id)? {
        Some(p) => s.audit(p.id)?,
        None => None,
    };
    Ok((a, previous))
}

/// The base of absolute URLs for this request.
fn base(app: &App, headers: &HeaderMap) -> Option<String> {
    links::base(
        app.config().public_url.as_deref(),
        headers.get(header::HOST).and_then(|h| h.to_str().ok()),
    )
}

pub(crate) async fn audit(
    State(app): State<App>,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(id) = audit_id(&id) else {
        return not_found().await;
    };
    let found = app
        .query(move |s| match s.audit(id)? {
            Some(a) => with_previous(s, a).map(Some),
            None => Ok(None),
        })
        .await;
    match found {
        Ok(Some((a, previous))) => page(
            StatusCode::OK,
            report::page(&ReportView {
                audit: &a,
                previous: previous.as_ref(),
                page: q.page(),
                base: base(&app, &headers),
                latest: false,
            }),
        ),
        Ok(None) => not_found().await,
        Err(_) => store_failure(),
    }
}

/// The latest audit of any of `sources`.
fn latest_of(s: &dyn Store, sources: &[String]) -> skillaudit_store::Result<Option<AuditSummary>> {
    let mut best: Option<AuditSummary> = None;
    for source in sources {
        if let Some(a) = s.latest_for_source(source)? {
            if best.as_ref().is_none_or(|b| a.id > b.id) {
                best = Some(a);
            }
        }
    }
    Ok(best)
}

/// `/repos/{host}/{owner}/{repo}`: the repository's permanent page, its
/// latest audit (404 when it has none).
pub(crate) async fn repository(
    State(app): State<App>,
    Path((host, owner, repo)): Path<(String, String, String)>,
    Query(q): Query<ReportQuery>,
    headers: HeaderMap,
) -> Response {
    let sources = links::sources(&host, &owner, &repo);
    let found = app
        .query(move |s| match latest_of(s, &sources)? {
            Some(latest) => match s.audit(latest.id)? {
                Some(a) => with_previous(s, a).map(Some),
                None => Ok(None),
            },
            None => Ok(None),
        })
        .await;
    match found {
        Ok(Some((a, previous))) => page(
            StatusCode::OK,
            report::page(&ReportView {
                audit: &a,
                previous: previous.as_ref(),
                page: q.page(),
                base: base(&app, &headers),
                latest: true,
            }),
        ),
        Ok(None) => page(
            StatusCode::NOT_FOUND,
            html::message(
                "Not audited yet",
                "This repository has not been audited here yet: paste its URL on the start page.",
            ),
        ),
        Err(_) => store_failure(),
    }
}

pub(crate) async fn rule(Path(id): Path<String>) -> Response {
    match html::rule(&id) {
        Some(body) => page(StatusCode::OK, body),
        None => page(StatusCode::NOT_FOUND, html::unknown_rule(&id)),
    }
}

pub(crate) async fn rules_index() -> Response {
    page(StatusCode::OK, html::rules_index())
}

#[derive(Deserialize)]
pub(crate) struct HistoryQuery {
    before: Option<String>,
}

impl HistoryQuery {
    /// The page asked for (`?before=ID`, the last id of the previous page),
    /// or `Err` when `before` is not an audit id. Shared by the HTML history
    /// and `GET /api/audits`.
    pub(crate) fn page(&self) -> Result<Page, ()> {
        let before = match self.before.as_deref() {
            None | Some("") => None,
            Some(s) => Some(audit_id(s).ok_or(())?),
        };
        Ok(Page {
            limit: HISTORY_PAGE,
            before,
        })
    }
}

/// The `before` of the page after `audits` (a full `page` of them), if any.
pub(crate) fn next_before(audits: &[AuditSummary], page: Page) -> Option<AuditId> {
    (audits.len() as u32 == page.limit)
        .then(|| audits.last().map(|a| a.id))
        .flatten()
}

pub(crate) async fn history(State(app): State<App>, Query(q): Query<HistoryQuery>) -> Response {
    let Ok(wanted) = q.page() else {
        return page(
            StatusCode::BAD_REQUEST,
            html::message("Bad request", "`before` must be an audit id."),
        );
    };
    match app.query(move |s| s.audits(wanted)).await {
        Ok(audits) => {
            let older = next_before(&audits, wanted).map(|id| id.0);
            page(StatusCode::OK, html::history(&audits, older))
        }
        Err(_) => store_failure(),
    }
}

pub(crate) async fn corpus(State(app): State<App>) -> Response {
    match app.query(|s| s.corpus_stats()).await {
        Ok(c) => page(StatusCode::OK, html::corpus(&c)),
        Err(_) => store_failure(),
    }
}

/// `/badge/{host}/{owner}/{repo}.svg`: the grade of the latest audit of
/// `https://{host}/{owner}/{repo}`, with or without `.git` (or of the same
/// over `http://`, which only hosts an operator allowed for it can have).
pub(crate) async fn badge(
    State(app): State<App>,
    Path((host, owner, repo)): Path<(String, String, String)>,
) -> Response {
    let Some(repo) = repo.strip_suffix(".svg") else {
        return not_found().await;
    };
    let sources = links::sources(&host, &owner, repo);
    let latest = app.query(move |s| latest_of(s, &sources)).await;
    let (status, value) = match latest {
        Ok(Some(a)) if a.incomplete => (StatusCode::OK, format!("{} incomplete", a.grade)),
        Ok(Some(a)) => (StatusCode::OK, a.grade.to_string()),
        Ok(None) => (StatusCode::OK, "unknown".to_string()),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "error".to_string()),
    };
    (
        status,
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        badge::svg(&value),
    )
        .into_response()
}

/// `/healthz`: 200 when the store answers, 503 when it does not; the
/// queue's depth either way.
pub(crate) async fn healthz(State(app): State<App>) -> Response {
    let service = app.service().clone();
    let shared = service.is_shared();
    // With a shared queue, its counts over every instance (a store read).
    let counts = app
        .query(move |s| {
            s.health()?;
            service.queue_counts().transpose()
        })
        .await;
    let store_ok = counts.is_ok();
    let service = app.service();
    let mut body = json!({
        "status": if store_ok { "ok" } else { "unavailable" },
        "store": if store_ok { "ok" } else { "unavailable" },
        "queue": if shared { "shared" } else { "memory" },
        "queued": service.queued(),
        "running": service.running(),
        "workers": service.workers(),
    });
    if let Ok(Some(c)) = counts {
        body["queued"] = json!(c.queued);
        body["running"] = json!(c.running);
        body["running_here"] = json!(service.running());
        body["done"] = json!(c.done);
        body["failed"] = json!(c.failed);
    }
    let status = if store_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

pub(crate) async fn style() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        crate::style_sheet(),
    )
        .into_response()
}

/// The site's icon: a shield (pages link it; no browser asks for a
/// `/favicon.ico` that would end in a 404).
pub(crate) async fn icon() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "max-age=86400"),
        ],
        ICON,
    )
        .into_response()
}

const ICON: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\"><path d=\"M16 2 4 7v8c0 7.5 5.1 13.4 12 15 6.9-1.6 12-7.5 12-15V7z\" fill=\"#2b5797\"/><path d=\"m10 16 4 4 8-8\" fill=\"none\" stroke=\"#fff\" stroke-width=\"3\"/></svg>\n";

pub(crate) async fn not_found() -> Response {
    page(
        StatusCode::NOT_FOUND,
        html::message("Not found", "There is nothing at this address."),
    )
}
