//! The HTTP client of the loopback tests: `ureq`, one request each, no
//! redirect followed, any status a response.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// One request to the server at `addr`, which must be on loopback (tests
/// never reach the network).
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    assert!(addr.ip().is_loopback(), "not a loopback address: {addr}");
    let url = format!("http://{addr}{path}");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let mut builder = ureq::http::Request::builder().method(method).uri(&url);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let sent = if body.is_empty() {
        agent.run(builder.body(()).unwrap())
    } else {
        agent.run(builder.body(body.to_vec()).unwrap())
    };
    let mut response = sent.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response
        .body_mut()
        .read_to_vec()
        .unwrap_or_else(|e| panic!("{method} {url}: reading the body: {e}"));
    Response {
        status: response.status().as_u16(),
        headers,
        body: String::from_utf8(body).expect("UTF-8 body"),
    }
}

pub fn get(addr: SocketAddr, path: &str) -> Response {
    request(addr, "GET", path, &[], b"")
}

pub fn post_json(addr: SocketAddr, path: &str, json: &serde_json::Value) -> Response {
    request(
        addr,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        json.to_string().as_bytes(),
    )
}

/// `application/x-www-form-urlencoded` fields (every byte but the
/// unreserved ones percent-encoded, as the pages' own links are).
pub fn post_form(addr: SocketAddr, path: &str, fields: &[(&str, &str)]) -> Response {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", skillaudit_web::html::segment(v)))
        .collect();
    request(
        addr,
        "POST",
        path,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        body.join("&").as_bytes(),
    )
}
