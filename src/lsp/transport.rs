//! JSON-RPC over standard input and output, with `Content-Length` framing.
//!
//! `lsp-server` gives the message types; the framing is read here so that a malformed message
//! is answered with a JSON-RPC error (`-32700` parse error, `-32600` invalid request) and the
//! server reads on, where `lsp-server`'s own reader would stop. A frame larger than
//! [`MAX_FRAME`] is refused without reading it into memory.

use std::io::{self, BufRead, Read, Write};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use lsp_server::Message;

/// The largest message accepted: a KB file of a few megabytes, JSON-escaped, fits easily.
const MAX_FRAME: usize = 256 << 20;

/// Messages from the client, in order; the channel closes at the end of the input or after
/// `exit`.
pub fn reader(out: Sender<Vec<u8>>) -> (Receiver<Message>, JoinHandle<()>) {
    let (tx, rx) = channel();
    let handle = std::thread::spawn(move || {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        loop {
            let body = match frame(&mut input) {
                Ok(Some(body)) => body,
                Ok(None) => break,
                Err(Frame::Bad(why)) => {
                    let _ = out.send(error(-32700, &why));
                    continue;
                }
                Err(Frame::Closed) => break,
            };
            let value: serde_json::Value = match serde_json::from_slice(&body) {
                Ok(v) => v,
                Err(e) => {
                    let _ = out.send(error(-32700, &format!("the message is not JSON: {e}")));
                    continue;
                }
            };
            let id = value.get("id").cloned();
            match serde_json::from_value::<Message>(value) {
                Ok(msg) => {
                    let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                    if tx.send(msg).is_err() || exit {
                        break;
                    }
                }
                Err(e) => {
                    let mut reply = error(-32600, &format!("not a JSON-RPC message: {e}"));
                    if let Some(id) = id.filter(|id| id.is_number() || id.is_string()) {
                        reply = error_with_id(id, -32600, &format!("not a JSON-RPC message: {e}"));
                    }
                    let _ = out.send(reply);
                }
            }
        }
    });
    (rx, handle)
}

/// Writes every framed message it receives to standard output, until the channel closes or
/// the client goes away.
pub fn writer() -> (Sender<Vec<u8>>, JoinHandle<()>) {
    let (tx, rx) = channel::<Vec<u8>>();
    let handle = std::thread::spawn(move || {
        let stdout = io::stdout();
        for bytes in rx {
            let mut out = stdout.lock();
            if out.write_all(&bytes).and_then(|()| out.flush()).is_err() {
                break;
            }
        }
    });
    (tx, handle)
}

/// `msg`, framed.
pub fn encode(msg: &Message) -> Vec<u8> {
    let mut bytes = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = msg.write(&mut bytes);
    bytes
}

enum Frame {
    /// A frame that cannot be read; the stream goes on after it.
    Bad(String),
    /// The input ended in the middle of a frame, or cannot be read.
    Closed,
}

/// The body of the next frame; `None` at the end of the input.
fn frame(input: &mut impl BufRead) -> Result<Option<Vec<u8>>, Frame> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = String::new();
    let mut first = true;
    loop {
        line.clear();
        match input.read_line(&mut line) {
            Ok(0) if first => return Ok(None),
            Ok(0) | Err(_) => return Err(Frame::Closed),
            Ok(_) => {}
        }
        first = false;
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = Some(
                value
                    .trim()
                    .parse()
                    .map_err(|_| format!("bad Content-Length `{}`", value.trim())),
            );
        }
    }
    let length = match length {
        None => return Err(Frame::Bad("a message without Content-Length".into())),
        Some(Err(why)) => return Err(Frame::Bad(why)),
        Some(Ok(n)) => n,
    };
    if length > MAX_FRAME {
        // Skip it without holding it in memory.
        let skipped = io::copy(&mut input.take(length as u64), &mut io::sink());
        return match skipped {
            Ok(n) if n == length as u64 => Err(Frame::Bad(format!(
                "a message of {length} bytes is larger than {MAX_FRAME}"
            ))),
            _ => Err(Frame::Closed),
        };
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body).map_err(|_| Frame::Closed)?;
    Ok(Some(body))
}

fn error(code: i32, message: &str) -> Vec<u8> {
    error_with_id(serde_json::Value::Null, code, message)
}

fn error_with_id(id: serde_json::Value, code: i32, message: &str) -> Vec<u8> {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code, "message": message },
    })
    .to_string();
    let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    bytes
}
