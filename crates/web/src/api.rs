//! The JSON API's read side: stored audits and the corpus view.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::pages::{audit_id, next_before, HistoryQuery};
use crate::{App, STORE_FAILURE};

/// `{"error": message}` with `status`.
pub fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// `GET /api/audits/{id}`: the stored audit, with its findings and notices.
pub(crate) async fn audit(State(app): State<App>, Path(id): Path<String>) -> Response {
    let Some(id) = audit_id(&id) else {
        return error(StatusCode::NOT_FOUND, "no such audit");
    };
    match app.query(move |s| s.audit(id)).await {
        Ok(Some(a)) => Json(a).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, "no such audit"),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, STORE_FAILURE),
    }
}

/// `GET /api/audits[?before=ID]`: the history, newest first, a page at a
/// time: `{"audits": [summaries], "next": "/api/audits?before=ID" | null}`.
pub(crate) async fn audits(State(app): State<App>, Query(q): Query<HistoryQuery>) -> Response {
    let Ok(page) = q.page() else {
        return error(StatusCode::BAD_REQUEST, "`before` must be an audit id");
    };
    match app.query(move |s| s.audits(page)).await {
        Ok(audits) => {
            let next = next_before(&audits, page).map(|id| format!("/api/audits?before={id}"));
            Json(json!({ "audits": audits, "next": next })).into_response()
        }
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, STORE_FAILURE),
    }
}

/// `GET /api/corpus`: the corpus view over the latest audit of every source.
pub(crate) async fn corpus(State(app): State<App>) -> Response {
    match app.query(|s| s.corpus_stats()).await {
        Ok(c) => Json(c).into_response(),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, STORE_FAILURE),
    }
}
