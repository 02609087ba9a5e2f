//! `QuietUnixStream`: the plugin's Unix-socket connection to Terraform, registered with the
//! reactor for readability only.
//!
//! Why: on a Unix stream socket Linux signals "writable" to the writer every time the reader
//! drains a message, so a socket registered for both directions wakes the provider once more
//! for each response Terraform reads, with nothing to do. Those wake-ups were about a quarter
//! of the provider's context switches in an apply of 100 partners. Writes here go straight to
//! the non-blocking socket; only a write that would block registers a duplicate descriptor for
//! writability, so a full socket buffer still waits correctly instead of spinning.

use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::net::UnixStream as StdUnixStream;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWrite, Interest, ReadBuf};

pub struct QuietUnixStream {
    /// The socket, registered for readability only.
    read: AsyncFd<StdUnixStream>,
    /// A duplicate of the socket registered for writability, made on the first write that
    /// would block (a full socket buffer) and kept from then on.
    write: Option<AsyncFd<OwnedFd>>,
}

impl QuietUnixStream {
    /// Takes over an accepted stream from tokio's own registration.
    pub fn new(stream: tokio::net::UnixStream) -> io::Result<Self> {
        let std = stream.into_std()?;
        std.set_nonblocking(true)?;
        Ok(QuietUnixStream {
            read: register(std, Interest::READABLE)?,
            write: None,
        })
    }

    /// Waits until the socket takes more bytes, then writes with `op`.
    fn poll_blocked_write<T>(
        &mut self,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&StdUnixStream) -> io::Result<T>,
    ) -> Poll<io::Result<T>> {
        if self.write.is_none() {
            let dup = self.read.get_ref().as_fd().try_clone_to_owned()?;
            self.write = Some(register(dup, Interest::WRITABLE)?);
        }
        let Some(writable) = self.write.as_ref() else {
            return Poll::Ready(Err(io::ErrorKind::NotConnected.into()));
        };
        loop {
            let mut guard = ready!(writable.poll_write_ready(cx))?;
            match guard.try_io(|_| op(self.read.get_ref())) {
                Ok(result) => return Poll::Ready(result),
                Err(_would_block) => continue,
            }
        }
    }
}

/// Registers a descriptor the value owns (a socket or an `OwnedFd`) with the reactor.
fn register<T: AsRawFd>(owner: T, interest: Interest) -> io::Result<AsyncFd<T>> {
    // SAFETY: `T` owns its descriptor: it stays open, names the same file description and is
    // what `as_raw_fd` returns until the `AsyncFd` (which owns `T`) is dropped.
    unsafe { AsyncFd::register_with_interest(owner, interest) }.map_err(io::Error::from)
}

impl AsyncRead for QuietUnixStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            let mut guard = ready!(self.read.poll_read_ready(cx))?;
            let unfilled = buf.initialize_unfilled();
            let wanted = unfilled.len();
            match guard.try_io(|socket| socket.get_ref().read(unfilled)) {
                Ok(Ok(n)) => {
                    // A short read drained the socket: wait for the next edge rather than
                    // asking again only to be told it would block (what tokio's own streams do).
                    if n > 0 && n < wanted {
                        guard.clear_ready();
                    }
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                Ok(Err(e)) => return Poll::Ready(Err(e)),
                Err(_would_block) => continue,
            }
        }
    }
}

impl AsyncWrite for QuietUnixStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match this.read.get_ref().write(buf) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                this.poll_blocked_write(cx, |mut socket| socket.write(buf))
            }
            result => Poll::Ready(result),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Nothing is buffered here.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.read.get_ref().shutdown(std::net::Shutdown::Write))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn carries_bytes_both_ways() {
        let (ours, mut theirs) = tokio::net::UnixStream::pair().unwrap();
        let mut ours = QuietUnixStream::new(ours).unwrap();
        ours.write_all(b"ping").await.unwrap();
        let mut got = [0u8; 4];
        theirs.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"ping");
        theirs.write_all(b"pong").await.unwrap();
        ours.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"pong");
        ours.shutdown().await.unwrap();
        assert_eq!(
            theirs.read(&mut got).await.unwrap(),
            0,
            "end of stream after shutdown"
        );
    }

    #[tokio::test]
    async fn a_write_into_a_full_socket_waits_for_the_reader() {
        let (ours, mut theirs) = tokio::net::UnixStream::pair().unwrap();
        let mut ours = QuietUnixStream::new(ours).unwrap();
        // Far more than a Unix socket buffers, so the writer must wait for the reader.
        let sent: Vec<u8> = (0..8u32 << 20).map(|i| i as u8).collect();
        let expected = sent.clone();
        let writer = tokio::spawn(async move {
            ours.write_all(&sent).await.unwrap();
            ours.shutdown().await.unwrap();
            ours
        });
        let mut received = Vec::new();
        theirs.read_to_end(&mut received).await.unwrap();
        let ours = writer.await.unwrap();
        assert!(
            ours.write.is_some(),
            "the write must have blocked at least once"
        );
        assert_eq!(received.len(), expected.len());
        assert!(received == expected, "bytes arrive whole and in order");
    }
}
