//! LSP messages over standard input and output. lsp-server's own stdio transport stops at the
//! first frame that is not valid UTF-8 or not JSON-RPC; an editor's mistake must not end the
//! server, so frames are read here: invalid UTF-8 is decoded with replacement characters, and a
//! frame that is not a message is reported on stderr and skipped.

use std::io::{self, BufRead, Read, Write};
use std::thread;

use crossbeam_channel::{Receiver, Sender, unbounded};
use lsp_server::Message;

/// Largest frame read into memory. A document over entralint's file limit is refused once it
/// is read; a frame beyond this is skipped unread, so memory stays bounded.
pub const MAX_FRAME_BYTES: usize = 256 * 1024 * 1024;

/// The server's side of the connection, and the threads that move its bytes.
pub struct Transport {
    pub sender: Sender<Message>,
    pub receiver: Receiver<Message>,
    pub writer: thread::JoinHandle<()>,
}

pub fn stdio() -> io::Result<Transport> {
    let (to_server, receiver) = unbounded::<Message>();
    let (sender, from_server) = unbounded::<Message>();
    // The reader is not joined: it may be blocked on standard input when the server exits.
    thread::Builder::new()
        .name("entralint-lsp-reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            read_frames(&mut stdin.lock(), &to_server);
        })?;
    let writer = thread::Builder::new()
        .name("entralint-lsp-writer".into())
        .spawn(move || {
            let stdout = io::stdout();
            let mut out = stdout.lock();
            for message in from_server {
                if message.write(&mut out).and_then(|()| out.flush()).is_err() {
                    // The client is gone; nothing more can be said to it.
                    break;
                }
            }
        })?;
    Ok(Transport {
        sender,
        receiver,
        writer,
    })
}

/// Reads frames until the input ends, the framing breaks, or the server stops listening.
pub fn read_frames(input: &mut impl BufRead, to_server: &Sender<Message>) {
    loop {
        let length = match read_headers(input) {
            Ok(Some(length)) => length,
            Ok(None) => return,
            Err(err) => {
                eprintln!("entralint server: cannot read the client's messages: {err}");
                return;
            }
        };
        if length > MAX_FRAME_BYTES {
            eprintln!(
                "entralint server: skipped a message of {length} bytes (more than {MAX_FRAME_BYTES})"
            );
            if io::copy(&mut input.take(length as u64), &mut io::sink()).is_err() {
                return;
            }
            continue;
        }
        let mut body = vec![0; length];
        if let Err(err) = input.read_exact(&mut body) {
            eprintln!("entralint server: a message ended early: {err}");
            return;
        }
        let text = match String::from_utf8(body) {
            Ok(text) => text,
            Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
        };
        match serde_json::from_str::<Message>(&text) {
            Ok(message) => {
                let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                if to_server.send(message).is_err() || exit {
                    return;
                }
            }
            Err(err) => {
                eprintln!("entralint server: skipped a message that is not JSON-RPC: {err}")
            }
        }
    }
}

/// The `Content-Length` of the next frame; None at the end of the input.
fn read_headers(input: &mut impl BufRead) -> io::Result<Option<usize>> {
    let mut length = None;
    let mut line = Vec::new();
    let mut first = true;
    loop {
        line.clear();
        // A header line is short; a stream without line breaks is not LSP.
        let read = input.by_ref().take(1024).read_until(b'\n', &mut line)?;
        if read == 0 {
            return if first {
                Ok(None)
            } else {
                Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the headers ended early",
                ))
            };
        }
        first = false;
        if !line.ends_with(b"\n") {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "a header line is too long",
            ));
        }
        let header = String::from_utf8_lossy(&line);
        let header = header.trim_end();
        if header.is_empty() {
            return length
                .map(Some)
                .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "no Content-Length"));
        }
        if let Some((name, value)) = header.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            let value = value.trim().parse::<usize>().map_err(|_| {
                io::Error::new(io::ErrorKind::InvalidData, "Content-Length is not a number")
            })?;
            length = Some(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &[u8]) -> Vec<u8> {
        [
            format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes(),
            body,
        ]
        .concat()
    }

    #[test]
    fn bad_frames_are_skipped_and_the_next_one_is_read() {
        let mut input = Vec::new();
        input.extend(frame(b"not json"));
        input.extend(frame(
            b"{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":{\"t\":\"\xff\xfe\"}}",
        ));
        input.extend(frame(b"{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}"));
        let (send, receive) = unbounded();
        read_frames(&mut io::Cursor::new(input), &send);
        let methods: Vec<String> = receive
            .try_iter()
            .map(|m| match m {
                Message::Notification(n) => format!("{} {}", n.method, n.params),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(methods, ["x {\"t\":\"\u{fffd}\u{fffd}\"}", "exit null"]);
    }

    #[test]
    fn broken_framing_ends_the_reader() {
        let (send, receive) = unbounded();
        read_frames(
            &mut io::Cursor::new(b"Content-Type: x\r\n\r\n{}".to_vec()),
            &send,
        );
        assert!(receive.try_recv().is_err());
    }
}
