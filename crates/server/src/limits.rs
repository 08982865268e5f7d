//! Per-client rate limiting of the API (governor's GCRA, keyed by client address). Refusals use
//! the protocol's error shape: `429 rate_limited` with `Retry-After`.
//!
//! Whole markets share one address behind carrier-grade NAT, so the default is generous: it stops
//! a script hammering from one address, not a crowd.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::connect_info::MockConnectInfo;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use vaora_protocol::api::error_code;

use crate::error::ApiFailure;

/// Forget idle clients every this many requests, so memory follows the active set.
const CLEANUP_EVERY: u64 = 10_000;

/// The limiter shared by every request.
pub struct RateLimit {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    /// Behind a reverse proxy the peer is the proxy: the client is the address it appended
    /// last to `X-Forwarded-For`.
    behind_proxy: bool,
    seen: AtomicU64,
}

impl RateLimit {
    /// `per_second` requests per client on average, bursts of `burst`; `None` when
    /// `per_second` is 0 (no limit).
    pub fn new(per_second: u32, burst: u32, behind_proxy: bool) -> Option<Arc<Self>> {
        let per_second = NonZeroU32::new(per_second)?;
        let burst = NonZeroU32::new(burst.max(per_second.get())).unwrap_or(per_second);
        Some(Arc::new(Self {
            limiter: RateLimiter::keyed(Quota::per_second(per_second).allow_burst(burst)),
            behind_proxy,
            seen: AtomicU64::new(0),
        }))
    }

    fn client(&self, request: &Request) -> Option<IpAddr> {
        if self.behind_proxy {
            let forwarded = request
                .headers()
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .next_back()
                .and_then(|hop| hop.trim().parse().ok());
            if forwarded.is_some() {
                return forwarded;
            }
        }
        let extensions = request.extensions();
        extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            // What tests put there instead of a real connection.
            .or_else(|| {
                extensions
                    .get::<MockConnectInfo<SocketAddr>>()
                    .map(|MockConnectInfo(addr)| addr.ip())
            })
    }
}

/// The middleware: passes the request on, or answers 429.
pub async fn limit(State(limits): State<Arc<RateLimit>>, request: Request, next: Next) -> Response {
    if limits.seen.fetch_add(1, Ordering::Relaxed) % CLEANUP_EVERY == CLEANUP_EVERY - 1 {
        limits.limiter.retain_recent();
    }
    // Without a known address (in-process tests) there is nobody to limit.
    let Some(client) = limits.client(&request) else {
        return next.run(request).await;
    };
    match limits.limiter.check_key(&client) {
        Ok(()) => next.run(request).await,
        Err(not_until) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let mut response = ApiFailure::new(
                StatusCode::TOO_MANY_REQUESTS,
                error_code::RATE_LIMITED,
                "too many requests from this address; retry later",
            )
            .into_response();
            if let Ok(value) = HeaderValue::from_str(&seconds.max(1).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(peer: &str, forwarded: Option<&str>) -> Request {
        let mut builder = Request::builder().uri("/v1/checkins");
        if let Some(forwarded) = forwarded {
            builder = builder.header("x-forwarded-for", forwarded);
        }
        let mut request = builder.body(axum::body::Body::empty()).expect("request");
        let addr: SocketAddr = peer.parse().expect("socket address");
        request.extensions_mut().insert(ConnectInfo(addr));
        request
    }

    #[test]
    fn the_client_is_the_peer_unless_behind_a_proxy() {
        let direct = RateLimit::new(1, 1, false).expect("limit");
        let proxied = RateLimit::new(1, 1, true).expect("limit");
        let from_proxy = request("10.0.0.1:5000", Some("203.0.113.9, 198.51.100.7"));
        assert_eq!(direct.client(&from_proxy), "10.0.0.1".parse().ok());
        // The last hop is the one the trusted proxy appended; earlier ones are the client's word.
        assert_eq!(proxied.client(&from_proxy), "198.51.100.7".parse().ok());
        let no_header = request("10.0.0.1:5000", None);
        assert_eq!(proxied.client(&no_header), "10.0.0.1".parse().ok());
    }

    #[test]
    fn zero_means_no_limit() {
        assert!(RateLimit::new(0, 100, false).is_none());
    }
}
