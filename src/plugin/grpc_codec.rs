//! The protobuf codec of the plugin's gRPC services: prost's, with buffers sized for the
//! messages Terraform exchanges.
//!
//! tonic starts every request's decode buffer and every response's encode buffer at 8 KiB,
//! past glibc's per-thread cache of small blocks, so each RPC paid for two slow allocations.
//! Most plugin messages are well under 1 KiB; larger ones (a schema, a big state) grow the
//! buffer as before.

use std::marker::PhantomData;

use prost::Message;
use tonic::codec::{BufferSettings, Codec};
use tonic_prost::{ProstDecoder, ProstEncoder};

/// Where a buffer starts: under glibc's largest cached block size (1032 bytes).
const BUFFER_BYTES: usize = 1000;
/// tonic's own default: how much a streaming response buffers before it is sent.
const YIELD_THRESHOLD: usize = 32 * 1024;

/// `tonic_prost::ProstCodec` with smaller starting buffers (see the module docs).
pub struct PluginCodec<T, U>(PhantomData<(T, U)>);

impl<T, U> Default for PluginCodec<T, U> {
    fn default() -> Self {
        PluginCodec(PhantomData)
    }
}

impl<T, U> Codec for PluginCodec<T, U>
where
    T: Message + Send + 'static,
    U: Message + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = ProstEncoder<T>;
    type Decoder = ProstDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        ProstEncoder::new(BufferSettings::new(BUFFER_BYTES, YIELD_THRESHOLD))
    }

    fn decoder(&mut self) -> Self::Decoder {
        ProstDecoder::new(BufferSettings::new(BUFFER_BYTES, YIELD_THRESHOLD))
    }
}
