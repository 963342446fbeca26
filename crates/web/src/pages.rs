//! Handlers of the pages that only read the store.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use skillaudit_store::{AuditId, AuditSummary, Page};

use crate::{badge, html, page, App, STORE_FAILURE};

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

pub(crate) async fn audit(State(app): State<App>, Path(id): Path<String>) -> Response {
    let Some(id) = audit_id(&id) else {
        return not_found().await;
    };
    match app.query(move |s| s.audit(id)).await {
        Ok(Some(a)) => page(StatusCode::OK, html::report(&a)),
        Ok(None) => not_found().await,
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
    let host = host.to_ascii_lowercase();
    let sources: Vec<String> = ["https", "http"]
        .iter()
        .flat_map(|scheme| {
            let base = format!("{scheme}://{host}/{owner}/{repo}");
            [format!("{base}.git"), base]
        })
        .collect();
    let latest = app
        .query(move |s| {
            let mut best: Option<skillaudit_store::AuditSummary> = None;
            for source in &sources {
                if let Some(a) = s.latest_for_source(source)? {
                    if best.as_ref().is_none_or(|b| a.id > b.id) {
                        best = Some(a);
                    }
                }
            }
            Ok(best)
        })
        .await;
    let (status, value) = match latest {
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

pub(crate) async fn healthz() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        "ok\n",
    )
        .into_response()
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
