//! `skillaudit serve` (the built binary) as a child process of a test: it
//! binds the address given (port 0 in tests), and the first line it prints,
//! `listening on http://ADDR`, says where. Standard error is drained on a
//! thread (the server never blocks on a full pipe) and kept for the test.
//! The process is killed on drop.

// Each test file uses its own part of this.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::Duration;

pub struct Serving {
    pub child: Child,
    pub addr: SocketAddr,
    /// The lines printed after the first.
    pub stderr: Receiver<String>,
}

impl Serving {
    /// `skillaudit serve ARGS`, once it listens.
    pub fn start(args: &[&str]) -> Serving {
        let mut child = Command::new(env!("CARGO_BIN_EXE_skillaudit"))
            .arg("serve")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start skillaudit serve");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("skillaudit serve printed nothing");
        let addr = line
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .parse()
            .unwrap();
        Serving {
            child,
            addr,
            stderr: rx,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
