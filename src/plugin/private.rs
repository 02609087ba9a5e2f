//! Provider-private state: bytes Terraform stores beside a resource instance, never shows and
//! hands back on the next Read, Plan and Apply. This framework keeps them as one JSON object so
//! a resource can remember what its schema does not model (a Graph value it must not wipe).

use serde_json::{Map, Value as Json};

/// The private data of one resource instance, as named JSON values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PrivateState(Map<String, Json>);

impl PrivateState {
    /// Decodes what Terraform sent. Empty bytes, or bytes this framework did not write (not a
    /// JSON object), start empty: private data is a cache of remote facts, never the only copy.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        if bytes.is_empty() {
            return Self::default();
        }
        match serde_json::from_slice::<Json>(bytes) {
            Ok(Json::Object(map)) => Self(map),
            _ => {
                log::warn!(
                    "ignoring {} bytes of private resource data that are not a JSON object",
                    bytes.len()
                );
                Self::default()
            }
        }
    }

    /// What Terraform stores: nothing at all when there is nothing to remember.
    pub fn to_bytes(&self) -> Vec<u8> {
        if self.0.is_empty() {
            return Vec::new();
        }
        serde_json::to_vec(&self.0).unwrap_or_default()
    }

    pub fn get(&self, key: &str) -> Option<&Json> {
        self.0.get(key)
    }

    /// Stores `value` under `key`; JSON `null` removes the key.
    pub fn set(&mut self, key: &str, value: Json) {
        if value.is_null() {
            self.0.remove(key);
        } else {
            self.0.insert(key.to_owned(), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_and_null_removes() {
        let mut private = PrivateState::default();
        assert!(private.to_bytes().is_empty());
        private.set("devices", json!({"mode": "allowed"}));
        let back = PrivateState::from_bytes(&private.to_bytes());
        assert_eq!(back.get("devices"), Some(&json!({"mode": "allowed"})));
        private.set("devices", Json::Null);
        assert!(private.to_bytes().is_empty());
    }

    #[test]
    fn foreign_bytes_start_empty() {
        for bytes in [&b"\xff\x00"[..], b"[1,2]", b"\"x\"", b"{"] {
            assert_eq!(PrivateState::from_bytes(bytes), PrivateState::default());
        }
    }
}
