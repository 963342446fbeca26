//! A minimal blocking HTTP/1.1 client over `std::net`, for loopback only:
//! the WebDriver wire protocol to chromedriver, and plain requests from
//! tests that need what a browser does not expose (status, headers).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::Error;

/// Bodies larger than this are refused (a screenshot of a long page is a
/// few MiB of base64).
const MAX_BODY: usize = 256 << 20;

/// A response: status, headers in order (names as sent), body.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// `http://host[:port]/path` split into authority and path.
fn split_url(url: &str) -> Result<(&str, &str), Error> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| Error::Http(format!("only http:// URLs are supported: {url}")))?;
    Ok(match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    })
}

/// One request; the connection is closed afterwards. `body` is sent with
/// the given content type. Connections are refused to anything but a
/// loopback address, so a test can never reach the network by mistake.
pub fn request(
    method: &str,
    url: &str,
    body: Option<(&str, &[u8])>,
    timeout: Duration,
) -> Result<Response, Error> {
    request_with_headers(method, url, &[], body, timeout)
}

/// [`request`] with extra request headers.
pub fn request_with_headers(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, &[u8])>,
    timeout: Duration,
) -> Result<Response, Error> {
    let (authority, path) = split_url(url)?;
    let with_port = if authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    let addrs: Vec<_> = with_port
        .to_socket_addrs()
        .map_err(|e| Error::Http(format!("{url}: cannot resolve {authority}: {e}")))?
        .filter(|a| a.ip().is_loopback())
        .collect();
    let Some(addr) = addrs.first() else {
        return Err(Error::Http(format!(
            "{url}: not a loopback address; refused"
        )));
    };
    let io = |what: &str, e: std::io::Error| Error::Http(format!("{method} {url}: {what}: {e}"));
    let mut stream = TcpStream::connect_timeout(addr, timeout).map_err(|e| io("connect", e))?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|e| io("socket", e))?;
    stream
        .set_write_timeout(Some(timeout))
        .map_err(|e| io("socket", e))?;

    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some((content_type, bytes)) = body {
        head.push_str(&format!(
            "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
            bytes.len()
        ));
    } else if matches!(method, "POST" | "PUT") {
        head.push_str("Content-Length: 0\r\n");
    }
    head.push_str("\r\n");
    let mut message = head.into_bytes();
    if let Some((_, bytes)) = body {
        message.extend_from_slice(bytes);
    }
    stream.write_all(&message).map_err(|e| io("send", e))?;

    read_response(BufReader::new(stream), method == "HEAD").map_err(|e| match e {
        Error::Http(m) => Error::Http(format!("{method} {url}: {m}")),
        other => other,
    })
}

fn read_response(mut reader: impl BufRead, head_only: bool) -> Result<Response, Error> {
    let io = |e: std::io::Error| Error::Http(format!("reading the response: {e}"));
    let mut line = String::new();
    reader.read_line(&mut line).map_err(io)?;
    let status = line
        .strip_prefix("HTTP/1.")
        .and_then(|s| s.get(2..5))
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| Error::Http(format!("malformed status line {:?}", line.trim_end())))?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).map_err(io)? == 0 {
            return Err(Error::Http("connection closed inside the headers".into()));
        }
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            break;
        }
        if headers.len() > 1000 {
            return Err(Error::Http("too many headers".into()));
        }
        if let Some((name, value)) = l.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    let mut response = Response {
        status,
        headers,
        body: Vec::new(),
    };
    if head_only || status == 204 || status == 304 || (100..200).contains(&status) {
        return Ok(response);
    }
    let chunked = response
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        loop {
            line.clear();
            reader.read_line(&mut line).map_err(io)?;
            let size_text = line.trim().split(';').next().unwrap_or("");
            let size = usize::from_str_radix(size_text, 16)
                .map_err(|_| Error::Http(format!("malformed chunk size {size_text:?}")))?;
            if size == 0 {
                break;
            }
            if response.body.len() + size > MAX_BODY {
                return Err(Error::Http("response body too large".into()));
            }
            let start = response.body.len();
            response.body.resize(start + size, 0);
            reader.read_exact(&mut response.body[start..]).map_err(io)?;
            line.clear();
            reader.read_line(&mut line).map_err(io)?; // CRLF after the chunk
        }
    } else if let Some(length) = response.header("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| Error::Http(format!("malformed Content-Length {length:?}")))?;
        if length > MAX_BODY {
            return Err(Error::Http("response body too large".into()));
        }
        response.body.resize(length, 0);
        reader.read_exact(&mut response.body).map_err(io)?;
    } else {
        reader
            .take(MAX_BODY as u64 + 1)
            .read_to_end(&mut response.body)
            .map_err(io)?;
        if response.body.len() > MAX_BODY {
            return Err(Error::Http("response body too large".into()));
        }
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_content_length_chunked_and_eof_bodies() {
        let r = read_response(
            &b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhelloEXTRA"
                [..],
            false,
        )
        .unwrap();
        assert_eq!((r.status, r.text().as_str()), (200, "hello"));
        assert_eq!(r.header("content-type"), Some("text/plain"));

        let r = read_response(
            &b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"[..],
            false,
        )
        .unwrap();
        assert_eq!((r.status, r.text().as_str()), (404, "abcde"));

        let r = read_response(
            &b"HTTP/1.0 303 See Other\r\nLocation: /x\r\n\r\nrest"[..],
            false,
        )
        .unwrap();
        assert_eq!(
            (r.status, r.header("LOCATION"), r.text().as_str()),
            (303, Some("/x"), "rest")
        );
    }

    #[test]
    fn malformed_responses_are_errors() {
        for bad in [
            &b"garbage\r\n\r\n"[..],
            b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"HTTP/1.1 200 OK\r\nServer: x\r\n",
        ] {
            assert!(
                read_response(bad, false).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn only_loopback_http_urls() {
        let t = Duration::from_secs(1);
        assert!(
            matches!(request("GET", "https://127.0.0.1/", None, t), Err(Error::Http(m)) if m.contains("only http://"))
        );
        assert!(
            matches!(request("GET", "http://192.0.2.1:9/", None, t), Err(Error::Http(m)) if m.contains("not a loopback"))
        );
    }
}
