//! Raw HTTP/1.1 over TCP with a served mount, one fresh connection per exchange: what the
//! lifecycle tests need to see the server as a client does (status lines, headers, streams that
//! stay open).

use std::{net::SocketAddr, time::Duration};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::protocol;

/// An MCP endpoint served over TCP: the server's address and the mount path.
#[derive(Debug, Clone)]
pub struct Endpoint {
    address: SocketAddr,
    path: String,
}

impl Endpoint {
    /// The endpoint at `path` on the server listening at `address`.
    pub fn new(address: SocketAddr, path: impl Into<String>) -> Self {
        Self {
            address,
            path: path.into(),
        }
    }

    /// The server's address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// One HTTP/1.1 exchange on a fresh connection, JSON in, JSON or SSE accepted; the raw
    /// response, read until the server closes the connection (at most 5 s).
    pub async fn exchange(&self, method: &str, headers: &[(&str, &str)], body: &str) -> String {
        let mut stream = TcpStream::connect(self.address).await.unwrap();
        let mut request = format!(
            "{method} {} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
             Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n\
             Content-Length: {}\r\n",
            self.path,
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(body);
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = String::new();
        tokio::time::timeout(Duration::from_secs(5), stream.read_to_string(&mut response))
            .await
            .expect("the server answered within 5 s")
            .unwrap();
        response
    }

    /// Open a 2025-era session (`initialize`, then `notifications/initialized`); its id.
    pub async fn open_session(&self) -> String {
        let initialize = protocol::initialize().to_string();
        let response = self.exchange("POST", &[], &initialize).await;
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        let session = header(&response, "mcp-session-id")
            .expect("a session id")
            .to_string();
        let initialized = protocol::initialized().to_string();
        let headers = protocol::session_headers(&session);
        let response = self.exchange("POST", &headers, &initialized).await;
        assert!(response.starts_with("HTTP/1.1 202"), "{response}");
        session
    }

    /// Open a 2025-era session with `initialize` alone; its id. One request, so that no pause
    /// between two requests (a loaded machine's) can let a short idle timeout pass in between.
    pub async fn initialize_only(&self) -> String {
        let initialize = protocol::initialize().to_string();
        let response = self.exchange("POST", &[], &initialize).await;
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        header(&response, "mcp-session-id")
            .expect("a session id")
            .to_string()
    }

    /// A client's standing GET stream in `session`, once the server answered 200; the
    /// connection, to read the rest from.
    pub async fn open_event_stream(&self, session: &str) -> TcpStream {
        let mut stream = TcpStream::connect(self.address).await.unwrap();
        let request = format!(
            "GET {} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\
             Mcp-Session-Id: {session}\r\nMCP-Protocol-Version: {}\r\n\r\n",
            self.path,
            protocol::LEGACY_VERSION
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut head = [0u8; 12];
        stream.read_exact(&mut head).await.unwrap();
        assert_eq!(&head, b"HTTP/1.1 200");
        stream
    }
}

/// The value of header `name` in a raw HTTP response.
pub fn header<'r>(response: &'r str, name: &str) -> Option<&'r str> {
    response
        .lines()
        .take_while(|line| !line.is_empty())
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then_some(value.trim())
        })
}
