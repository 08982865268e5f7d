//! How many case traces each token may run: [`CASE_QUERIES_PER_HOUR`] per hour, refilled
//! evenly (governor's GCRA, keyed by the caller's audit name). Kept in memory per process: with
//! several replicas each allows that many, so the effective limit is that times the replicas
//! (a stricter shared limit would need a counter in the store).

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use vaora_protocol::tracing::CASE_QUERIES_PER_HOUR;

/// The per-token limit of case traces.
pub struct CaseQueryLimit {
    limiter: DefaultKeyedRateLimiter<String>,
}

impl CaseQueryLimit {
    /// `per_hour` queries per token (at least 1), all of them usable at once.
    pub fn per_hour(per_hour: u32) -> Self {
        let per_hour = NonZeroU32::new(per_hour).unwrap_or(NonZeroU32::MIN);
        Self {
            limiter: RateLimiter::keyed(Quota::per_hour(per_hour)),
        }
    }

    /// Takes one query for `actor`, or says how long until the next one is allowed.
    pub fn take(&self, actor: &str) -> Result<(), Duration> {
        self.limiter
            .check_key(&actor.to_owned())
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

impl Default for CaseQueryLimit {
    fn default() -> Self {
        Self::per_hour(CASE_QUERIES_PER_HOUR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_token_has_its_own_allowance() {
        let limit = CaseQueryLimit::per_hour(2);
        assert!(limit.take("token 1").is_ok());
        assert!(limit.take("token 1").is_ok());
        let wait = limit.take("token 1").expect_err("third in the hour");
        assert!(wait > Duration::from_secs(60) && wait <= Duration::from_secs(1800));
        assert!(
            limit.take("token 2").is_ok(),
            "another token is not affected"
        );
    }
}
