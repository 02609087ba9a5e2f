//! The generic endpoint layer: where a Graph object lives, and the verbs Graph documents for it.
//!
//! A [`Collection`] holds items addressed by a key (POST creates one, GET lists them page by
//! page); a [`Singleton`] is one object at a fixed path, possibly below a collection item. Both
//! resolve to an [`Object`], on which GET, PATCH, PUT, DELETE and POST actions work the same
//! whatever the object is, so each typed wrapper (`partners.rs`) is only a path and a model.
//! Read-back polling over any object is in `read_back.rs`.

use reqwest::Method;
use serde_json::Value;

use super::client::GraphClient;
use super::context::OpContext;
use super::error::GraphError;
use super::exchange::{GraphRequest, GraphResponse};

/// A collection whose items are addressed by a key: POST to the collection creates one (201 and
/// the new object), GET lists them (paged); each item is an [`Object`] ([`Collection::item`]).
#[derive(Clone, Copy, Debug)]
pub struct Collection {
    /// What one item is called in messages ("partner").
    item_name: &'static str,
    /// Path segments below `/v1.0`.
    segments: &'static [&'static str],
}

impl Collection {
    pub const fn new(item_name: &'static str, segments: &'static [&'static str]) -> Self {
        Self {
            item_name,
            segments,
        }
    }

    /// Path segments below `/v1.0`.
    pub(super) fn segments(&self) -> &'static [&'static str] {
        self.segments
    }

    /// The item whose key is `key` (percent-encoded on the wire).
    pub fn item<'a>(&self, key: &'a str) -> Object<'a> {
        let mut segments = self.segments.to_vec();
        segments.push(key);
        Object {
            segments,
            name: format!("{} {key}", self.item_name),
        }
    }

    /// How messages name the collection: its last segment ("partners").
    pub(super) fn name(&self) -> &str {
        self.segments.last().copied().unwrap_or_default()
    }
}

/// One object at a fixed path, such as the default policy; or, through [`Singleton::below`],
/// the same child of every item of a collection, such as a partner's identitySynchronization.
#[derive(Clone, Copy, Debug)]
pub struct Singleton {
    name: &'static str,
    segments: &'static [&'static str],
}

impl Singleton {
    pub const fn new(name: &'static str, segments: &'static [&'static str]) -> Self {
        Self { name, segments }
    }

    /// The object at its own path below `/v1.0`.
    pub fn object(&self) -> Object<'static> {
        Object {
            segments: self.segments.to_vec(),
            name: self.name.to_owned(),
        }
    }

    /// The object whose segments follow those of `parent` (a collection item).
    pub fn below<'a>(&self, parent: &Object<'a>) -> Object<'a> {
        let mut segments = parent.segments.clone();
        segments.extend_from_slice(self.segments);
        Object {
            segments,
            name: format!("{} of {}", self.name, parent.name),
        }
    }
}

/// Where one object lives, resolved: path segments below `/v1.0` and how messages name it.
#[derive(Clone, Debug)]
pub struct Object<'a> {
    segments: Vec<&'a str>,
    name: String,
}

impl Object<'_> {
    /// How messages name the object ("partner 90e2…").
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(super) fn segments(&self) -> &[&str] {
        &self.segments
    }
}

/// A GET that keeps Graph's 404 (read-back loops report it when time runs out).
pub(super) enum Read {
    Found(Value),
    Missing(GraphError),
}

impl GraphClient {
    /// `POST` to the collection; Graph answers 201 with the new object. Any 2xx counts as
    /// created (the caller reads it back anyway); a body that is not JSON reads as `Null`.
    pub async fn create(
        &self,
        collection: &Collection,
        body: &Value,
        ctx: &OpContext,
    ) -> Result<Value, GraphError> {
        let response = self
            .call(Method::POST, collection.segments, Some(body), &[], ctx)
            .await?;
        // An odd status or body must not turn a successful create into a reported failure.
        if response.status != 201 {
            log::warn!(
                "graph: POST {} answered {} instead of 201; treating it as created",
                collection.name(),
                response.status
            );
        }
        Ok(response.json().unwrap_or(Value::Null))
    }

    /// `GET` of the whole collection, every page ([`super::pager::Pager`] reads them one at a
    /// time).
    pub async fn list(
        &self,
        collection: &Collection,
        ctx: &OpContext,
    ) -> Result<Vec<Value>, GraphError> {
        let mut pages = self.pages(collection, ctx);
        let mut items = Vec::new();
        while let Some(page) = pages.next_page().await? {
            items.extend(page);
        }
        Ok(items)
    }

    /// `GET` of the object; `None` when Graph says 404.
    pub async fn get(
        &self,
        object: &Object<'_>,
        ctx: &OpContext,
    ) -> Result<Option<Value>, GraphError> {
        match self.read(object, ctx).await? {
            Read::Found(value) => Ok(Some(value)),
            Read::Missing(_) => Ok(None),
        }
    }

    /// `GET` of the object, keeping the 404 as [`Read::Missing`].
    pub(super) async fn read(
        &self,
        object: &Object<'_>,
        ctx: &OpContext,
    ) -> Result<Read, GraphError> {
        match self
            .call(Method::GET, object.segments(), None, &[], ctx)
            .await
        {
            Ok(response) => {
                response.expect_status(&[200], "200 OK")?;
                response.json().map(Read::Found)
            }
            Err(error) if error.is_not_found() => Ok(Read::Missing(error)),
            Err(error) => Err(error),
        }
    }

    /// `PATCH` of the object; success is 204 (a 200 is tolerated). Returns Graph's request-id,
    /// for messages about what followed the write.
    pub async fn patch(
        &self,
        object: &Object<'_>,
        body: &Value,
        ctx: &OpContext,
    ) -> Result<String, GraphError> {
        self.write(Method::PATCH, object, body, ctx).await
    }

    /// `PUT` of the object (a child such as identitySynchronization is created this way);
    /// success is 204 (a 200 is tolerated). Returns Graph's request-id.
    pub async fn put(
        &self,
        object: &Object<'_>,
        body: &Value,
        ctx: &OpContext,
    ) -> Result<String, GraphError> {
        self.write(Method::PUT, object, body, ctx).await
    }

    /// `DELETE` of the object; `true` when deleted, `false` when it was already gone (404).
    pub async fn delete(&self, object: &Object<'_>, ctx: &OpContext) -> Result<bool, GraphError> {
        let response = self
            .call(Method::DELETE, object.segments(), None, &[404], ctx)
            .await?;
        if response.status == 404 {
            return Ok(false);
        }
        response.expect_status(&[204, 200], "204 No Content")?;
        Ok(true)
    }

    /// `POST` of a bound action without parameters, such as `resetToSystemDefault`: 204 gives
    /// `None`, a 200 the object it returns.
    pub async fn action(
        &self,
        object: &Object<'_>,
        action: &str,
        ctx: &OpContext,
    ) -> Result<Option<Value>, GraphError> {
        let mut segments = object.segments().to_vec();
        segments.push(action);
        let response = self.call(Method::POST, &segments, None, &[], ctx).await?;
        response.expect_status(&[204, 200], "204 No Content")?;
        if response.status == 204 || response.body.is_empty() {
            return Ok(None);
        }
        response.json().map(Some)
    }

    async fn write(
        &self,
        method: Method,
        object: &Object<'_>,
        body: &Value,
        ctx: &OpContext,
    ) -> Result<String, GraphError> {
        let response = self
            .call(method, object.segments(), Some(body), &[], ctx)
            .await?;
        response.expect_status(&[204, 200], "204 No Content")?;
        Ok(response.request_id().to_owned())
    }

    pub(super) async fn call(
        &self,
        method: Method,
        segments: &[&str],
        body: Option<&Value>,
        pass_through: &[u16],
        ctx: &OpContext,
    ) -> Result<GraphResponse, GraphError> {
        let request = GraphRequest {
            method,
            segments,
            body,
            pass_through,
        };
        self.send(request, ctx).await
    }
}

pub(super) fn invalid(response: &GraphResponse, detail: String) -> GraphError {
    GraphError::InvalidResponse {
        method: response.method.to_string(),
        path: response.path.clone(),
        status: response.status,
        detail,
    }
}
