//! Code loaded on first use. `cargo xtask build` splits the UI's wasm at every `#[wasm_split]`
//! function into a main module and chunks that `__wasm_split.js` fetches when one of their
//! functions is first called (natively and in unsplit builds they are plain calls). The first
//! scan needs none of them: the venue check and venue screen (chunk `venue`, fetched once the
//! first camera frame has been decoded), the declaration, receipt and check-in API (`checkin`,
//! fetched while the venue is shown), the short-code lookup (`lookup`).
//!
//! A screen from a chunk is switched to only once its split function is loaded
//! ([`crate::shell::Shell::go`]), and then built at once like any other: no placeholder state
//! in between, and no view kept alive across screens while the next one loads. (Each split
//! function has its own loader: the chunk is fetched once, but every function's `preload` must
//! have completed before [`loaded`] can call it.)

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// A chunk could not be fetched (offline, server gone). Nothing is cached: the next call
/// tries again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkUnavailable;

impl From<wasm_split_helpers::SplitLoaderError> for ChunkUnavailable {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        ChunkUnavailable
    }
}

/// The result of calling a split function whose chunk is loaded: its future is ready on the
/// first poll. `ChunkUnavailable` if the chunk is not loaded after all.
pub fn loaded<T>(
    call: impl Future<Output = Result<T, ChunkUnavailable>>,
) -> Result<T, ChunkUnavailable> {
    let mut call = pin!(call);
    match call.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => Err(ChunkUnavailable),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::{pending, ready};

    #[test]
    fn a_loaded_split_function_is_called_at_once() {
        assert_eq!(loaded(ready(Ok::<_, ChunkUnavailable>(7))), Ok(7));
        assert_eq!(
            loaded(ready(Err::<u8, _>(ChunkUnavailable))),
            Err(ChunkUnavailable)
        );
    }

    #[test]
    fn a_split_function_still_loading_is_unavailable_rather_than_awaited() {
        assert_eq!(
            loaded(pending::<Result<u8, ChunkUnavailable>>()),
            Err(ChunkUnavailable)
        );
    }
}
