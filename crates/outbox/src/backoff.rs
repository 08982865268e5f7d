//! How long to wait before sending again: exponential, capped, with jitter so that phones that
//! lost the network together do not all come back in the same second. The jitter is derived from
//! the request's id and the attempt, so it is reproducible (and testable) without a clock or a
//! random source.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Exponential backoff with deterministic jitter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backoff {
    /// The wait after the first failure, before jitter (ms).
    pub first_ms: i64,
    /// The longest wait, before jitter (ms).
    pub max_ms: i64,
}

impl Default for Backoff {
    /// 2 s, doubling, at most 5 minutes.
    fn default() -> Self {
        Self {
            first_ms: 2_000,
            max_ms: 300_000,
        }
    }
}

impl Backoff {
    /// The wait after `failures` failures of request `id`: `first_ms · 2^(failures−1)`, at most
    /// `max_ms`, times a jitter factor in [0.5, 1).
    pub fn delay_ms(&self, id: Uuid, failures: u32) -> i64 {
        let exponent = failures.saturating_sub(1).min(30);
        let base = self
            .first_ms
            .saturating_mul(1_i64 << exponent)
            .min(self.max_ms);
        // FNV-1a over the id and the attempt: a fraction in [0, 1) in 1/1024 steps.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in id.as_bytes().iter().chain(&failures.to_le_bytes()) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        let fraction = (hash >> 54) as i64; // 0..1024
        base / 2 + base * fraction / 2048
    }
}
