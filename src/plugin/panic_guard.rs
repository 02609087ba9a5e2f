//! Turns a panic while serving one RPC into a gRPC `INTERNAL` status for that call. A bug then
//! costs one operation a clear error, instead of a dropped connection that Terraform reports as
//! a crashed plugin, and every other operation goes on.

use std::any::Any;
use std::sync::Arc;

use tonic::body::Body;
use tonic::codegen::http;
use tower_http::catch_panic::{CatchPanicLayer, ResponseForPanic};

/// The tower layer that [`super::serve`] puts around every gRPC service. The status message
/// names `provider_name`, so that the user knows which plugin to report.
pub fn layer(provider_name: &str) -> CatchPanicLayer<PanicToStatus> {
    CatchPanicLayer::custom(PanicToStatus {
        provider_name: provider_name.into(),
    })
}

/// Answers a panic with `INTERNAL`; cloned into every connection, so the name is shared.
#[derive(Clone, Debug)]
pub struct PanicToStatus {
    provider_name: Arc<str>,
}

impl ResponseForPanic for PanicToStatus {
    type ResponseBody = Body;

    fn response_for_panic(
        &mut self,
        payload: Box<dyn Any + Send + 'static>,
    ) -> http::Response<Self::ResponseBody> {
        tonic::Status::internal(format!(
            "internal error in {}: {}. The operation did not complete; \
             please report this with the output of TF_LOG_PROVIDER=debug",
            self.provider_name,
            panic_cause(payload.as_ref())
        ))
        .into_http()
    }
}

/// The message a panic was raised with, if it was a string.
pub fn panic_cause(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown cause")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::convert::Infallible;
    use tower::{service_fn, Layer, ServiceExt};

    #[tokio::test]
    async fn a_panicking_rpc_answers_with_an_internal_status() {
        let service = layer("terraform-provider-example").layer(service_fn(
            |_request: http::Request<Body>| async move {
                if true {
                    panic!("index out of bounds: the len is 0 but the index is 3");
                }
                Ok::<_, Infallible>(http::Response::new(Body::empty()))
            },
        ));
        let response = service
            .oneshot(http::Request::new(Body::empty()))
            .await
            .expect("a response, not a dropped call");
        let status = tonic::Status::from_header_map(response.headers()).expect("grpc-status");
        assert_eq!(status.code(), tonic::Code::Internal);
        assert!(
            status
                .message()
                .contains("index out of bounds: the len is 0 but the index is 3"),
            "{}",
            status.message()
        );
        assert!(
            status.message().contains("please report"),
            "{}",
            status.message()
        );
    }

    #[test]
    fn the_status_names_the_provider_it_was_given() {
        let status = PanicToStatus {
            provider_name: "terraform-provider-example".into(),
        }
        .response_for_panic(Box::new("boom"));
        let status = tonic::Status::from_header_map(status.headers()).expect("grpc-status");
        assert!(
            status
                .message()
                .starts_with("internal error in terraform-provider-example: boom."),
            "{}",
            status.message()
        );
    }

    #[test]
    fn panic_cause_reads_both_string_kinds() {
        let borrowed: Box<dyn Any + Send> = Box::new("static text");
        let owned: Box<dyn Any + Send> = Box::new(String::from("formatted text"));
        let other: Box<dyn Any + Send> = Box::new(42_u8);
        assert_eq!(panic_cause(borrowed.as_ref()), "static text");
        assert_eq!(panic_cause(owned.as_ref()), "formatted text");
        assert_eq!(panic_cause(other.as_ref()), "unknown cause");
    }
}
