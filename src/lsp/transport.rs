//! JSON-RPC over standard input and output, with `Content-Length` framing.
//!
//! `lsp-server` gives the message types; the framing is read here so that a malformed message
//! is answered with a JSON-RPC error (`-32700` parse error, `-32600` invalid request) and the
//! server reads on, where `lsp-server`'s own reader would stop. Everything is bounded: a header
//! line longer than [`MAX_HEADER_LINE`] or a header of more than [`MAX_HEADER_LINES`] lines is
//! refused while it is read, and a frame larger than [`MAX_FRAME`] is skipped without being
//! held in memory. A header that is not UTF-8, and a request whose `id` is neither a string
//! nor an integer that fits in 32 bits (a float, a larger number, `null`, an object), get an
//! error reply too, so no request goes unanswered.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use lsp_server::Message;

/// The largest message accepted: a KB file of a few megabytes, JSON-escaped, fits easily.
const MAX_FRAME: usize = 256 << 20;

/// The longest header line kept: `Content-Length` and `Content-Type` need a few dozen bytes.
const MAX_HEADER_LINE: usize = 1024;

/// The most header lines one frame may have (LSP defines two headers).
const MAX_HEADER_LINES: usize = 32;

/// Messages from the client read from `input`, in order; the channel closes at the end of the
/// input or after `exit`. Errors for what cannot be read go to `out`.
pub fn reader(
    input: impl Read + Send + 'static,
    out: Sender<Vec<u8>>,
) -> (Receiver<Message>, JoinHandle<()>) {
    let (tx, rx) = channel();
    let handle = std::thread::spawn(move || {
        let mut input = BufReader::new(input);
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
            match message(&body) {
                Ok(msg) => {
                    let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                    if tx.send(msg).is_err() || exit {
                        break;
                    }
                }
                Err(reply) => {
                    let _ = out.send(reply);
                }
            }
        }
    });
    (rx, handle)
}

/// The message a frame's body holds, or the error reply it gets.
fn message(body: &[u8]) -> Result<Message, Vec<u8>> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| error(-32700, &format!("the message is not JSON: {e}")))?;
    let id = value.get("id").cloned();
    // `lsp-server` reads a request whose id it cannot hold as a notification, which is never
    // answered: refuse it here, echoing the id as it came.
    if value.get("method").is_some()
        && let Some(id) = &id
        && !valid_id(id)
    {
        return Err(error_with_id(
            id.clone(),
            -32600,
            "a request id must be a string or an integer between -2147483648 and 2147483647",
        ));
    }
    serde_json::from_value::<Message>(value).map_err(|e| {
        let message = format!("not a JSON-RPC message: {e}");
        match id.filter(valid_id) {
            Some(id) => error_with_id(id, -32600, &message),
            None => error(-32600, &message),
        }
    })
}

/// Whether `id` is one that `lsp-server` can answer: a string, or an integer within `i32`.
fn valid_id(id: &serde_json::Value) -> bool {
    id.is_string() || id.as_i64().is_some_and(|n| i32::try_from(n).is_ok())
}

/// Writes every framed message it receives to `output`, until the channel closes or
/// the client goes away.
pub fn writer(mut output: impl Write + Send + 'static) -> (Sender<Vec<u8>>, JoinHandle<()>) {
    let (tx, rx) = channel::<Vec<u8>>();
    let handle = std::thread::spawn(move || {
        for bytes in rx {
            if output
                .write_all(&bytes)
                .and_then(|()| output.flush())
                .is_err()
            {
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
    // The first thing wrong with the header; the frame is still read to its end.
    let mut problem: Option<String> = None;
    let mut line = Vec::new();
    let mut lines = 0;
    loop {
        let read = header_line(input, &mut line);
        if matches!(read, Ok(Line::End)) && lines == 0 {
            return Ok(None);
        }
        lines += 1;
        if lines > MAX_HEADER_LINES {
            problem.get_or_insert(format!("a header has more than {MAX_HEADER_LINES} lines"));
        }
        match read {
            Ok(Line::End) | Err(_) => return Err(Frame::Closed),
            Ok(Line::TooLong) => {
                // Not read for a Content-Length: its end is gone.
                problem.get_or_insert(format!(
                    "a header line is longer than {MAX_HEADER_LINE} bytes"
                ));
                continue;
            }
            Ok(Line::Whole) => {}
        }
        let Ok(header) = std::str::from_utf8(&line) else {
            problem.get_or_insert("a header line is not UTF-8".into());
            continue;
        };
        let header = header.trim_end_matches(['\r', '\n']);
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
    let length = match (length, problem) {
        (Some(Ok(n)), Some(why)) => {
            // Skip the body, so that the next frame is read from its start.
            return skip(input, n, why);
        }
        (None, why) => {
            return Err(Frame::Bad(
                why.unwrap_or_else(|| "a message without Content-Length".into()),
            ));
        }
        (Some(Err(why)), problem) => return Err(Frame::Bad(problem.unwrap_or(why))),
        (Some(Ok(n)), None) => n,
    };
    if length > MAX_FRAME {
        return skip(
            input,
            length,
            format!("a message of {length} bytes is larger than {MAX_FRAME}"),
        );
    }
    // Read as the bytes come, so that a Content-Length larger than the input allocates only
    // what arrives.
    let mut body = Vec::with_capacity(length.min(64 * 1024));
    match input.take(length as u64).read_to_end(&mut body) {
        Ok(n) if n == length => Ok(Some(body)),
        _ => Err(Frame::Closed),
    }
}

/// Skips a body of `length` bytes without holding it, and reports the frame as bad for `why`.
fn skip(input: &mut impl BufRead, length: usize, why: String) -> Result<Option<Vec<u8>>, Frame> {
    match io::copy(&mut input.take(length as u64), &mut io::sink()) {
        Ok(n) if n == length as u64 => Err(Frame::Bad(why)),
        _ => Err(Frame::Closed),
    }
}

enum Line {
    /// A line, or the last bytes of the input, in the buffer.
    Whole,
    /// A line longer than [`MAX_HEADER_LINE`]: read to its end, only its start kept.
    TooLong,
    /// The input ended before the line began.
    End,
}

/// Reads one line (to its `\n`, or the end of the input) into `line`, keeping at most
/// [`MAX_HEADER_LINE`] bytes of it.
fn header_line(input: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<Line> {
    line.clear();
    let mut read = 0usize;
    loop {
        let buf = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(match read {
                0 => Line::End,
                n if n > MAX_HEADER_LINE => Line::TooLong,
                _ => Line::Whole,
            });
        }
        let (used, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        let room = (MAX_HEADER_LINE + 1).saturating_sub(line.len());
        line.extend_from_slice(&buf[..used.min(room)]);
        read = read.saturating_add(used);
        input.consume(used);
        if done {
            return Ok(if read > MAX_HEADER_LINE {
                Line::TooLong
            } else {
                Line::Whole
            });
        }
    }
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
