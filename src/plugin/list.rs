//! List resources (protocol 6.10, `terraform query`): a [`ListResource`] (declared with the
//! other traits in `traits.rs`) finds the remote
//! objects of one managed resource type and hands each to [`ListResults`] as it is found, with
//! the full state a read of it would record. The server (`server/list_rpcs.rs`) turns each into
//! an event of the ListResource stream: the identity (projected from the state by the managed
//! resource's identity schema, so a list resource declares none of its own), the display name,
//! and the state itself when Terraform asked for it (`include_resource`, or config generation).
//!
//! Terraform wraps the list resource's schema in a `config` block; [`ListResource::schema`] is
//! that block's content. An omitted `config` block arrives with every attribute null.
//!
//! [`ListResource`]: crate::plugin::traits::ListResource
//! [`ListResource::schema`]: crate::plugin::traits::ListResource::schema

use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::value::Value;
use tokio::sync::mpsc;

/// ListResource input.
#[derive(Clone, Debug)]
pub struct ListRequest {
    /// The `config` block, decoded against the list resource's schema and wholly known.
    pub config: Value,
    /// How many objects Terraform wants at most (the `list` block's `limit`, 100 by default).
    /// [`ListResults::send`] says when it is reached.
    pub limit: usize,
}

/// One thing a list sends: an object found, or diagnostics about the listing.
#[derive(Debug)]
pub enum Listed {
    Object { display_name: String, state: Value },
    Diagnostics(Diagnostics),
}

/// Where a [`ListResource`] sends what it finds, in the order Terraform shows it.
pub struct ListResults {
    sender: mpsc::Sender<Listed>,
    sent: usize,
    limit: usize,
}

impl ListResults {
    /// A sink for at most `limit` objects, and the receiving end the server streams from.
    pub fn channel(limit: usize) -> (Self, mpsc::Receiver<Listed>) {
        // A page of Graph at a time is plenty of buffer: the stream to Terraform drains it.
        let (sender, receiver) = mpsc::channel(64);
        let results = ListResults {
            sender,
            sent: 0,
            limit,
        };
        (results, receiver)
    }

    /// Sends one object: a short name for people (`display_name`) and its whole state, as a
    /// read of it would record it. `false` when the list should stop: Terraform has as many as
    /// it asked for, or stopped listening (Ctrl-C, an error elsewhere).
    pub async fn send(&mut self, display_name: String, state: Value) -> bool {
        if !self.wants_more() {
            return false;
        }
        let object = Listed::Object {
            display_name,
            state,
        };
        if self.sender.send(object).await.is_err() {
            return false;
        }
        self.sent += 1;
        self.wants_more()
    }

    /// Reports diagnostics about the listing (an error ends the query; a warning is shown).
    pub async fn report(&mut self, diags: Diagnostics) {
        if !diags.is_empty() {
            // Nobody listening means nobody to tell: nothing is lost.
            let _ = self.sender.send(Listed::Diagnostics(diags)).await;
        }
    }

    /// Whether Terraform still wants objects.
    pub fn wants_more(&self) -> bool {
        self.sent < self.limit && !self.sender.is_closed()
    }

    /// How many objects went out so far.
    pub fn sent(&self) -> usize {
        self.sent
    }

    /// A second way in for the server, to report that the list itself failed (a panic).
    pub(crate) fn reporter(&self) -> mpsc::Sender<Listed> {
        self.sender.clone()
    }

    /// Resolves once Terraform stops listening: a list waiting on the network selects on it.
    pub async fn closed(&self) {
        self.sender.closed().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn send_stops_at_the_limit() {
        let (mut results, mut receiver) = ListResults::channel(2);
        assert!(results.send("a".into(), Value::Null).await);
        assert!(
            !results.send("b".into(), Value::Null).await,
            "the second fills the limit"
        );
        assert!(
            !results.send("c".into(), Value::Null).await,
            "nothing past it"
        );
        assert_eq!(results.sent(), 2);
        drop(results);
        let mut names = Vec::new();
        while let Some(Listed::Object { display_name, .. }) = receiver.recv().await {
            names.push(display_name);
        }
        assert_eq!(names, ["a", "b"]);
    }

    #[tokio::test]
    async fn send_stops_once_nobody_listens() {
        let (mut results, receiver) = ListResults::channel(100);
        drop(receiver);
        assert!(!results.wants_more());
        assert!(!results.send("a".into(), Value::Null).await);
        results.closed().await;
        assert_eq!(results.sent(), 0);
    }
}
