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
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net::UnixStream as StdUnixStream;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWrite, Interest, ReadBuf};

pub struct QuietUnixStream {
    /// The socket, registered for readability only.
    read: AsyncFd<StdUnixStream>,
    /// A duplicate of the socket registered for writability while a write waits for room (a
    /// full socket buffer); dropped once it is written, so the wake-ups stop again.
    write: Option<AsyncFd<OwnedFd>>,
}

impl QuietUnixStream {
    /// Takes over an accepted stream from tokio's own registration.
    pub fn new(stream: tokio::net::UnixStream) -> io::Result<Self> {
        let std = stream.into_std()?;
        std.set_nonblocking(true)?;
        // SAFETY: the `AsyncFd` owns the stream, which owns its descriptor until dropped.
        let read = unsafe { AsyncFd::register_with_interest(std, Interest::READABLE) }?;
        Ok(QuietUnixStream { read, write: None })
    }

    /// Writes with `op` straight away, or, if the socket is full, once it has room.
    fn poll_write_with<T>(
        &mut self,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&StdUnixStream) -> io::Result<T>,
    ) -> Poll<io::Result<T>> {
        if self.write.is_none() {
            match op(self.read.get_ref()) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                done => return Poll::Ready(done),
            }
            let dup = self.read.get_ref().as_fd().try_clone_to_owned()?;
            // SAFETY: the `AsyncFd` owns the duplicate descriptor until dropped.
            let writable = unsafe { AsyncFd::register_with_interest(dup, Interest::WRITABLE) }?;
            self.write = Some(writable);
        }
        let Some(writable) = self.write.as_ref() else {
            return Poll::Ready(Err(io::ErrorKind::NotConnected.into()));
        };
        let done = loop {
            let mut guard = ready!(writable.poll_write_ready(cx))?;
            if let Ok(done) = guard.try_io(|_| op(self.read.get_ref())) {
                break done;
            }
        };
        self.write = None;
        Poll::Ready(done)
    }
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
        self.get_mut()
            .poll_write_with(cx, |mut socket| socket.write(buf))
    }

    /// rustls hands over its queued records together: one system call for all of them.
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_mut()
            .poll_write_with(cx, |mut socket| socket.write_vectored(bufs))
    }

    fn is_write_vectored(&self) -> bool {
        true
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
        let chunk = vec![7u8; 64 << 10];
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let mut sent = 0;
        // Nobody reads yet: write until the socket is full and a write has to wait.
        loop {
            match Pin::new(&mut ours).poll_write(&mut cx, &chunk) {
                Poll::Ready(Ok(n)) => sent += n,
                Poll::Ready(Err(e)) => panic!("write failed: {e}"),
                Poll::Pending => break,
            }
            assert!(sent < 64 << 20, "the socket never filled");
        }
        assert!(ours.write.is_some(), "a full socket waits on the duplicate");
        let reader = tokio::spawn(async move {
            let mut received = Vec::new();
            theirs.read_to_end(&mut received).await.unwrap();
            received
        });
        ours.write_all(&chunk).await.unwrap();
        sent += chunk.len();
        assert!(
            ours.write.is_none(),
            "the duplicate goes once the write is done"
        );
        ours.shutdown().await.unwrap();
        let received = reader.await.unwrap();
        assert_eq!(received.len(), sent);
        assert!(received.iter().all(|&b| b == 7));
    }

    #[tokio::test]
    async fn many_megabytes_arrive_whole_and_in_order() {
        let (ours, mut theirs) = tokio::net::UnixStream::pair().unwrap();
        let mut ours = QuietUnixStream::new(ours).unwrap();
        // Far more than a Unix socket buffers, in vectored and plain writes.
        let sent: Vec<u8> = (0..8u32 << 20).map(|i| (i % 251) as u8).collect();
        let expected = sent.clone();
        let writer = tokio::spawn(async move {
            let (head, tail) = sent.split_at(sent.len() / 2);
            let mut slices = [io::IoSlice::new(head)];
            let mut rest: &mut [io::IoSlice<'_>] = &mut slices;
            while !rest.is_empty() {
                let n = ours.write_vectored(rest).await.unwrap();
                io::IoSlice::advance_slices(&mut rest, n);
            }
            ours.write_all(tail).await.unwrap();
            ours.shutdown().await.unwrap();
        });
        let mut received = Vec::new();
        theirs.read_to_end(&mut received).await.unwrap();
        writer.await.unwrap();
        assert_eq!(received.len(), expected.len());
        assert!(received == expected, "bytes arrive whole and in order");
    }
}
