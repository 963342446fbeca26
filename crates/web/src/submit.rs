//! Submitting audits (the form and `POST /api/audits`) and following them
//! (`/jobs/{job}`, `/api/jobs/{job}`).

use axum::body::Bytes;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::header;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use skillaudit_service::{whole_seconds, JobId, JobInfo, JobStatus, Refused, Submitted};
use skillaudit_store::now_ms;

use crate::api::error;
use crate::pages::{not_found, render_home};
use crate::{html, page, App, ClientIp};

#[derive(Deserialize)]
pub(crate) struct Submission {
    url: String,
}

/// A job id from a path segment: the service's ids are hexadecimal.
fn job_id(s: &str) -> Option<JobId> {
    (!s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| JobId(s.to_string()))
}

/// Status code, message and `Retry-After` of a refusal.
fn refusal(r: &Refused) -> (StatusCode, String, Option<u64>) {
    match r {
        Refused::Url(why) => (StatusCode::BAD_REQUEST, why.clone(), None),
        Refused::RateLimited { retry_after } => {
            let s = whole_seconds(*retry_after);
            (
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "Too many audits from your address; try again in {s} second{}.",
                    if s == 1 { "" } else { "s" }
                ),
                Some(s),
            )
        }
        Refused::Busy { retry_after } => {
            let s = whole_seconds(*retry_after);
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "Too many audits are waiting; try again in {s} second{}.",
                    if s == 1 { "" } else { "s" }
                ),
                Some(s),
            )
        }
        Refused::ShuttingDown => (
            StatusCode::SERVICE_UNAVAILABLE,
            "The service is restarting; try again in a minute.".to_string(),
            Some(60),
        ),
        Refused::Unavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            "The audit queue cannot be reached right now; try again in a minute.".to_string(),
            Some(30),
        ),
    }
}

fn with_retry_after(mut res: Response, retry: Option<u64>) -> Response {
    if let Some(s) = retry {
        if let Ok(v) = header::HeaderValue::from_str(&s.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    res
}

fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location.to_string())],
    )
        .into_response()
}

/// Submit on the blocking pool (the service records the job in the store).
async fn submit(app: &App, url: String, client: std::net::IpAddr) -> Result<Submitted, Refused> {
    app.blocking(move |s| s.submit(&url, client))
        .await
        .unwrap_or(Err(Refused::ShuttingDown))
}

/// A job's status from the service (memory, then the store).
async fn job_info(app: &App, id: JobId) -> Option<JobInfo> {
    app.blocking(move |s| s.job_info(&id)).await.flatten()
}

/// `POST /audits` (the home page's form).
pub(crate) async fn form(
    State(app): State<App>,
    ClientIp(client): ClientIp,
    form: Result<Form<Submission>, FormRejection>,
) -> Response {
    let url = match form {
        Ok(Form(s)) => s.url,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return render_home(
                &app,
                StatusCode::PAYLOAD_TOO_LARGE,
                "",
                Some("That URL is far too long."),
            )
            .await
        }
        Err(_) => {
            return render_home(
                &app,
                StatusCode::BAD_REQUEST,
                "",
                Some("Give the URL of a git repository."),
            )
            .await
        }
    };
    match submit(&app, url.clone(), client).await {
        Ok(s) => see_other(&format!("/jobs/{}", s.job.0)),
        Err(r) => {
            let (status, message, retry) = refusal(&r);
            with_retry_after(render_home(&app, status, &url, Some(&message)).await, retry)
        }
    }
}

/// `GET /jobs/{job}`: the report once done, a self-refreshing page before.
pub(crate) async fn job_page(State(app): State<App>, Path(job): Path<String>) -> Response {
    let Some(id) = job_id(&job) else {
        return not_found().await;
    };
    let Some(info) = job_info(&app, id).await else {
        return not_found().await;
    };
    let seconds = |from: i64, to: i64| u64::try_from(to.saturating_sub(from) / 1000).unwrap_or(0);
    let view = html::JobView {
        source: &info.source,
        elapsed_secs: seconds(info.created_at, info.finished_at.unwrap_or_else(now_ms)),
    };
    match info.status {
        JobStatus::Queued { position } => page(
            StatusCode::OK,
            html::job_waiting(
                &view,
                "queued",
                &format!("position {position} in the queue"),
            ),
        ),
        JobStatus::Running => page(
            StatusCode::OK,
            html::job_waiting(&view, "running", "cloning and scanning"),
        ),
        JobStatus::Done { audit, .. } => see_other(&format!("/audits/{audit}")),
        JobStatus::Failed { reason } => page(StatusCode::OK, html::job_failed(&view, &reason)),
    }
}

/// `POST /api/audits` with `{"url": "…"}`.
pub(crate) async fn api_submit(
    State(app): State<App>,
    ClientIp(client): ClientIp,
    body: Bytes,
) -> Response {
    let url = match serde_json::from_slice::<Submission>(&body) {
        Ok(s) => s.url,
        Err(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "expected a JSON object {\"url\": \"…\"}",
            )
        }
    };
    match submit(&app, url, client).await {
        Ok(s) => {
            // A status read may reach the store: on the blocking pool.
            let status = job_info(&app, s.job.clone())
                .await
                .map(|info| status_name(&info.status))
                .unwrap_or("queued");
            (
                StatusCode::ACCEPTED,
                Json(json!({
                    "job": s.job.0,
                    "status": status,
                    "joined": s.joined,
                    "links": {"job": format!("/api/jobs/{}", s.job.0), "page": format!("/jobs/{}", s.job.0)},
                })),
            )
                .into_response()
        }
        Err(r) => {
            let (status, message, retry) = refusal(&r);
            with_retry_after(error(status, &message), retry)
        }
    }
}

fn status_name(s: &JobStatus) -> &'static str {
    match s {
        JobStatus::Queued { .. } => "queued",
        JobStatus::Running => "running",
        JobStatus::Done { .. } => "done",
        JobStatus::Failed { .. } => "failed",
    }
}

/// `GET /api/jobs/{job}`.
pub(crate) async fn api_job(State(app): State<App>, Path(job): Path<String>) -> Response {
    let Some(id) = job_id(&job) else {
        return error(StatusCode::NOT_FOUND, "no such job");
    };
    let Some(info) = job_info(&app, id.clone()).await else {
        return error(StatusCode::NOT_FOUND, "no such job");
    };
    let status = info.status;
    let mut body = json!({
        "job": id.0,
        "status": status_name(&status),
        "source": info.source,
        "submitted_at": info.created_at,
        "started_at": info.started_at,
        "finished_at": info.finished_at,
    });
    match &status {
        JobStatus::Queued { position } => body["position"] = json!(position),
        JobStatus::Running => {}
        JobStatus::Done { audit, reused } => {
            body["audit"] = json!(audit.0);
            body["reused"] = json!(reused);
            body["links"] = json!({
                "audit": format!("/api/audits/{audit}"),
                "report": format!("/audits/{audit}"),
            });
        }
        JobStatus::Failed { reason } => body["reason"] = json!(reason),
    }
    Json(body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_ids_are_hex() {
        assert!(job_id("0123abcdef").is_some());
        assert!(job_id("").is_none());
        assert!(job_id("../x").is_none());
        assert!(job_id(&"a".repeat(65)).is_none());
    }
}
