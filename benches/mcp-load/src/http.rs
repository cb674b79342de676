//! The HTTP/1.1 client side of one keep-alive TCP connection: write a request in one piece, read
//! its whole response (fixed length, chunked, or until close), then the next.
//!
//! Deliberately small, so that the client's own cost per request stays far below the server's and
//! both sides of a comparison pay the same: no pooling, no pipelining, no decompression.

use std::{fmt, io, net::SocketAddr};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// Response heads larger than this many headers are malformed for our purposes.
const MAX_HEADERS: usize = 64;

/// One keep-alive HTTP/1.1 connection; requests go one at a time.
#[derive(Debug)]
pub struct Connection {
    stream: TcpStream,
    /// Received bytes not consumed yet.
    buf: Vec<u8>,
    /// False once the server said `Connection: close` or the body ran to the end of the stream.
    reusable: bool,
}

/// A whole response.
#[derive(Debug)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` header, empty when absent.
    pub content_type: String,
    /// The `Mcp-Session-Id` header, when present.
    pub session_id: Option<String>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

/// Why a request got no response.
#[derive(Debug)]
pub enum HttpError {
    /// The socket failed.
    Io(io::Error),
    /// The server closed the connection before the response was complete.
    Closed,
    /// The bytes received are not an HTTP/1.1 response.
    Malformed(String),
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "socket error: {e}"),
            Self::Closed => f.write_str("connection closed before the response was complete"),
            Self::Malformed(what) => write!(f, "malformed response: {what}"),
        }
    }
}

impl std::error::Error for HttpError {}

impl From<io::Error> for HttpError {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

/// How the body of a response is delimited.
enum Framing {
    Empty,
    Length(usize),
    Chunked,
    UntilClose,
}

impl Connection {
    /// Connects with `TCP_NODELAY`, as browsers and Node's `fetch` do: the client's own writes
    /// never wait, so every delay measured is the server's.
    pub async fn connect(addr: SocketAddr) -> io::Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Self {
            stream,
            buf: Vec::with_capacity(16 * 1024),
            reusable: true,
        })
    }

    /// Whether the connection can carry another request.
    pub fn is_reusable(&self) -> bool {
        self.reusable
    }

    /// Writes `request` (a complete HTTP/1.1 request) and reads its response.
    pub async fn send(&mut self, request: &[u8]) -> Result<Response, HttpError> {
        let result = self.exchange(request).await;
        if result.is_err() {
            self.reusable = false;
        }
        result
    }

    async fn exchange(&mut self, request: &[u8]) -> Result<Response, HttpError> {
        self.stream.write_all(request).await?;
        let (status, content_type, session_id, framing) = self.read_head().await?;
        let body = match framing {
            Framing::Empty => Vec::new(),
            Framing::Length(len) => {
                while self.buf.len() < len {
                    self.read_more().await?;
                }
                self.buf.drain(..len).collect()
            }
            Framing::Chunked => self.read_chunked().await?,
            Framing::UntilClose => {
                self.reusable = false;
                loop {
                    match self.read_more().await {
                        Ok(()) => {}
                        Err(HttpError::Closed) => break,
                        Err(e) => return Err(e),
                    }
                }
                std::mem::take(&mut self.buf)
            }
        };
        Ok(Response {
            status,
            content_type,
            session_id,
            body,
        })
    }

    /// Appends what the socket has to `buf`; the end of the stream is an error.
    async fn read_more(&mut self) -> Result<(), HttpError> {
        self.buf.reserve(8 * 1024);
        if self.stream.read_buf(&mut self.buf).await? == 0 {
            return Err(HttpError::Closed);
        }
        Ok(())
    }

    async fn read_head(&mut self) -> Result<(u16, String, Option<String>, Framing), HttpError> {
        loop {
            let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut head = httparse::Response::new(&mut headers);
            let parsed = head
                .parse(&self.buf)
                .map_err(|e| HttpError::Malformed(e.to_string()))?;
            let httparse::Status::Complete(head_len) = parsed else {
                self.read_more().await?;
                continue;
            };
            let status = head.code.unwrap_or_default();
            let mut content_type = String::new();
            let mut session_id = None;
            let mut length = None;
            let mut chunked = false;
            let mut close = head.version == Some(0);
            for header in head.headers.iter() {
                let value = String::from_utf8_lossy(header.value);
                if header.name.eq_ignore_ascii_case("content-type") {
                    content_type = value.into_owned();
                } else if header.name.eq_ignore_ascii_case("mcp-session-id") {
                    session_id = Some(value.into_owned());
                } else if header.name.eq_ignore_ascii_case("content-length") {
                    length =
                        Some(value.trim().parse::<usize>().map_err(|_| {
                            HttpError::Malformed(format!("content-length {value:?}"))
                        })?);
                } else if header.name.eq_ignore_ascii_case("transfer-encoding") {
                    chunked = value.to_ascii_lowercase().contains("chunked");
                } else if header.name.eq_ignore_ascii_case("connection") {
                    close = value.eq_ignore_ascii_case("close");
                }
            }
            self.buf.drain(..head_len);
            if close {
                self.reusable = false;
            }
            let framing = if (100..200).contains(&status) || status == 204 || status == 304 {
                Framing::Empty
            } else if chunked {
                Framing::Chunked
            } else if let Some(length) = length {
                Framing::Length(length)
            } else {
                Framing::UntilClose
            };
            return Ok((status, content_type, session_id, framing));
        }
    }

    async fn read_chunked(&mut self) -> Result<Vec<u8>, HttpError> {
        let mut body = Vec::new();
        loop {
            let (line_len, size) = loop {
                match httparse::parse_chunk_size(&self.buf) {
                    Ok(httparse::Status::Complete(found)) => break found,
                    Ok(httparse::Status::Partial) => self.read_more().await?,
                    Err(_) => return Err(HttpError::Malformed("bad chunk size".into())),
                }
            };
            self.buf.drain(..line_len);
            if size == 0 {
                // Trailers, if any, end with an empty line.
                loop {
                    match self.buf.windows(2).position(|w| w == b"\r\n") {
                        Some(0) => {
                            self.buf.drain(..2);
                            return Ok(body);
                        }
                        Some(end) => {
                            self.buf.drain(..end + 2);
                        }
                        None => self.read_more().await?,
                    }
                }
            }
            let size = usize::try_from(size)
                .map_err(|_| HttpError::Malformed("chunk too large".into()))?;
            while self.buf.len() < size + 2 {
                self.read_more().await?;
            }
            body.extend_from_slice(&self.buf[..size]);
            if &self.buf[size..size + 2] != b"\r\n" {
                return Err(HttpError::Malformed("chunk not followed by CRLF".into()));
            }
            self.buf.drain(..size + 2);
        }
    }
}

/// A complete HTTP/1.1 request: request line, `Host`, the given headers, `Content-Length` when
/// there is a body, then the body.
pub fn request(
    method: &str,
    path: &str,
    host: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Vec<u8> {
    let mut out = head(method, path, host, headers);
    finish(&mut out, body);
    out
}

/// The request line and headers of a request, without `Content-Length` and the blank line:
/// [`finish`] adds those and the body.
pub fn head(method: &str, path: &str, host: &str, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    out.extend_from_slice(format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n").as_bytes());
    for (name, value) in headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out
}

/// Ends a request begun by [`head`] with its body.
pub fn finish(out: &mut Vec<u8>, body: &[u8]) {
    if !body.is_empty() {
        out.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
}

#[cfg(test)]
mod tests {
    use tokio::net::TcpListener;

    use super::*;

    /// Serves `replies` in order, one per request read, on a fresh loopback listener.
    async fn serve(replies: Vec<&'static [u8]>) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            for reply in replies {
                let mut seen = Vec::new();
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    let mut chunk = [0u8; 1024];
                    let n = socket.read(&mut chunk).await.unwrap();
                    seen.extend_from_slice(&chunk[..n]);
                }
                // Split the reply in two writes so the reader has to come back for more.
                let (a, b) = reply.split_at(reply.len() / 2);
                socket.write_all(a).await.unwrap();
                socket.flush().await.unwrap();
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                socket.write_all(b).await.unwrap();
            }
        });
        addr
    }

    #[tokio::test]
    async fn reads_fixed_length_chunked_and_until_close_bodies_on_one_connection() {
        let addr = serve(vec![
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}",
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nmcp-session-id: s1\r\n\
              transfer-encoding: chunked\r\n\r\n5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n",
            b"HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\n\r\nfull",
        ])
        .await;
        let mut conn = Connection::connect(addr).await.unwrap();
        let get = request("GET", "/x", "h", &[], b"");

        let first = conn.send(&get).await.unwrap();
        assert_eq!(
            (first.status, first.content_type.as_str()),
            (200, "application/json")
        );
        assert_eq!(first.body, b"{\"a\":1}");

        let second = conn.send(&get).await.unwrap();
        assert_eq!(second.session_id.as_deref(), Some("s1"));
        assert_eq!(second.body, b"hello, world");

        let third = conn.send(&get).await.unwrap();
        assert_eq!((third.status, third.body.len()), (202, 0));
        assert!(conn.is_reusable());

        let fourth = conn.send(&get).await.unwrap();
        assert_eq!((fourth.status, fourth.body.as_slice()), (503, &b"full"[..]));
        assert!(!conn.is_reusable());
    }

    #[test]
    fn requests_carry_length_only_with_a_body() {
        let get = request("GET", "/t/1", "127.0.0.1:1", &[("A", "b")], b"");
        assert_eq!(
            get,
            b"GET /t/1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\nA: b\r\n\r\n"
        );
        let post = request("POST", "/mcp", "h", &[], b"{}");
        assert_eq!(
            post,
            b"POST /mcp HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}"
        );
    }
}
