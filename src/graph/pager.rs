//! Reading a collection page by page, at the caller's pace: [`Pager::next_page`] sends the
//! request for the next page only when it is called, following Graph's `@odata.nextLink`, so
//! a caller that has what it needs (a `terraform query` limit) or whose listener went away
//! simply stops calling and no further page is asked for. A link to any origin other than
//! Graph's is refused: it would receive the access token.

use reqwest::Method;
use serde_json::Value;
use url::Url;

use super::client::GraphClient;
use super::context::OpContext;
use super::endpoint::{invalid, Collection};
use super::error::GraphError;
use super::exchange::GraphRequest;

/// Where the next page comes from.
enum Next {
    First,
    Link { url: Url, path: String },
    Done,
}

/// The pages of one listing of a collection.
pub struct Pager<'a> {
    client: &'a GraphClient,
    collection: Collection,
    ctx: &'a OpContext,
    next: Next,
    pages: u32,
}

impl GraphClient {
    /// The pages of `collection`, read one [`Pager::next_page`] call at a time.
    pub fn pages<'a>(&'a self, collection: &Collection, ctx: &'a OpContext) -> Pager<'a> {
        Pager {
            client: self,
            collection: *collection,
            ctx,
            next: Next::First,
            pages: 0,
        }
    }
}

impl Pager<'_> {
    /// The next page's items; `None` after the last page.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Value>>, GraphError> {
        let response = match std::mem::replace(&mut self.next, Next::Done) {
            Next::Done => return Ok(None),
            Next::First => {
                self.client
                    .call(Method::GET, self.collection.segments(), None, &[], self.ctx)
                    .await?
            }
            Next::Link { url, path } => {
                log::debug!(
                    "graph: reading page {} of {}",
                    self.pages + 1,
                    self.collection.name()
                );
                let request = GraphRequest {
                    method: Method::GET,
                    segments: &[],
                    body: None,
                    pass_through: &[],
                };
                self.client.send_to(request, url, path, self.ctx).await?
            }
        };
        self.pages += 1;
        response.expect_status(&[200], "200 OK")?;
        let mut page = response.json()?;
        let Some(Value::Array(values)) = page.get_mut("value").map(Value::take) else {
            return Err(invalid(&response, "expected a \"value\" array".into()));
        };
        if let Some(link) = page.get("@odata.nextLink") {
            let link = link.as_str().unwrap_or_default();
            let (url, path) = self.client.link_url(link).map_err(|why| {
                invalid(
                    &response,
                    format!("refusing @odata.nextLink {link:?}: {why}"),
                )
            })?;
            self.next = Next::Link { url, path };
        }
        Ok(Some(values))
    }
}
