//! go-plugin's side services: GRPCController (Terraform asks the plugin to exit), GRPCStdio and
//! GRPCBroker (opened by the host; this provider has nothing to send on them).

use crate::proto::plugin as pb;
use std::pin::Pin;
use tokio_stream::Stream;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status, Streaming};

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// Stays open until the plugin shuts down, then ends, so the host sees a clean close.
fn open_until<T: Send + 'static>(shutdown: CancellationToken) -> BoxStream<T> {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<T, Status>>(1);
    tokio::spawn(async move {
        shutdown.cancelled().await;
        drop(tx);
    });
    Box::pin(tokio_stream::wrappers::ReceiverStream::new(rx))
}

pub struct Controller {
    /// Cancelled when Terraform calls Shutdown.
    pub shutdown: CancellationToken,
    /// In debug mode the developer, not Terraform, decides when the process ends.
    pub ignore_shutdown: bool,
}

#[tonic::async_trait]
impl pb::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(&self, _req: Request<pb::Empty>) -> Result<Response<pb::Empty>, Status> {
        if self.ignore_shutdown {
            log::info!(
                "Shutdown requested by Terraform; ignored in debug mode (press Ctrl-C to stop)"
            );
        } else {
            log::debug!("Shutdown requested by Terraform");
            self.shutdown.cancel();
        }
        Ok(Response::new(pb::Empty {}))
    }
}

pub struct Stdio {
    pub shutdown: CancellationToken,
}

#[tonic::async_trait]
impl pb::grpc_stdio_server::GrpcStdio for Stdio {
    type StreamStdioStream = BoxStream<pb::StdioData>;

    async fn stream_stdio(
        &self,
        _req: Request<()>,
    ) -> Result<Response<Self::StreamStdioStream>, Status> {
        Ok(Response::new(open_until(self.shutdown.clone())))
    }
}

pub struct Broker {
    pub shutdown: CancellationToken,
}

#[tonic::async_trait]
impl pb::grpc_broker_server::GrpcBroker for Broker {
    type StartStreamStream = BoxStream<pb::ConnInfo>;

    async fn start_stream(
        &self,
        req: Request<Streaming<pb::ConnInfo>>,
    ) -> Result<Response<Self::StartStreamStream>, Status> {
        // Drain what the host sends so its writes never block; this provider brokers nothing.
        let mut inbound = req.into_inner();
        tokio::spawn(async move { while let Ok(Some(_)) = inbound.message().await {} });
        Ok(Response::new(open_until(self.shutdown.clone())))
    }
}
