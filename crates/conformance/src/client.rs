//! HTTP plumbing for the checks: the backend under test and its answers.

use reqwest::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE};
use serde_json::Value;

/// The backend under test.
#[derive(Clone, Debug)]
pub struct Target {
    base_url: String,
    admin_token: String,
    cors_origin: Option<String>,
    http: reqwest::Client,
}

impl Target {
    /// `base_url` like `http://127.0.0.1:8080` (no trailing `/v1`); `admin_token` is the
    /// backend's administrator bearer token.
    pub fn new(base_url: &str, admin_token: &str) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            admin_token: admin_token.to_owned(),
            cors_origin: None,
            http: reqwest::Client::new(),
        }
    }

    /// An origin the backend allows to embed the widget (e.g. `https://portal.example.vn`):
    /// the CORS check runs only when one is given.
    pub fn with_cors_origin(mut self, origin: &str) -> Self {
        self.cors_origin = Some(origin.trim_end_matches('/').to_owned());
        self
    }

    /// The allowed embedding origin, if the suite was given one.
    pub fn cors_origin(&self) -> Option<&str> {
        self.cors_origin.as_deref()
    }

    /// A CORS preflight for `POST path` from `origin`.
    pub async fn preflight(&self, path: &str, origin: &str) -> Result<Answer, String> {
        let request = self
            .http
            .request(reqwest::Method::OPTIONS, format!("{}{path}", self.base_url))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type");
        self.send(request, path).await
    }

    /// `GET path` with an `Origin` header, as a page on `origin` would send it.
    pub async fn get_from(&self, path: &str, origin: &str) -> Result<Answer, String> {
        let request = self
            .http
            .get(format!("{}{path}", self.base_url))
            .header("origin", origin);
        self.send(request, path).await
    }

    /// The backend's base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

/// Who a request claims to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth<'a> {
    Anonymous,
    Admin,
    /// A token the backend never issued.
    Wrong,
    /// A token the backend issued (for a role).
    Token(&'a str),
}

/// A response, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    /// The body as JSON, `Null` when it is not JSON.
    pub json: Value,
}

impl Answer {
    /// `Err` unless the status is `status`.
    pub fn expect_status(&self, status: u16, what: &str) -> Result<&Self, String> {
        if self.status == status {
            Ok(self)
        } else {
            Err(format!(
                "{what}: expected {status}, got {} {}",
                self.status, self.json
            ))
        }
    }

    /// `Err` unless this is the protocol's error shape with `status` and `code`: the body
    /// repeats the HTTP status, and carries a string message.
    pub fn expect_error(&self, status: u16, code: &str, what: &str) -> Result<(), String> {
        self.expect_status(status, what)?;
        let body = &self.json;
        if body["status"] != status || body["code"] != code || !body["message"].is_string() {
            return Err(format!(
                "{what}: expected an error body {{status: {status}, code: {code:?}, message}}, got {body}"
            ));
        }
        Ok(())
    }

    /// The value of a response header, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl Target {
    pub async fn get(&self, path: &str, auth: Auth<'_>) -> Result<Answer, String> {
        let request = self.http.get(format!("{}{path}", self.base_url));
        self.send(self.authorise(request, auth), path).await
    }

    /// A conditional GET: `If-None-Match: etag`.
    pub async fn get_if_none_match(&self, path: &str, etag: &str) -> Result<Answer, String> {
        let request = self
            .http
            .get(format!("{}{path}", self.base_url))
            .header(reqwest::header::IF_NONE_MATCH, etag);
        self.send(request, path).await
    }

    /// POSTs `body` as JSON.
    pub async fn post(&self, path: &str, body: &Value, auth: Auth<'_>) -> Result<Answer, String> {
        self.post_raw(path, body.to_string(), "application/json", auth)
            .await
    }

    /// POSTs bytes with any content type (for malformed bodies).
    pub async fn post_raw(
        &self,
        path: &str,
        body: String,
        content_type: &str,
        auth: Auth<'_>,
    ) -> Result<Answer, String> {
        let request = self
            .http
            .post(format!("{}{path}", self.base_url))
            .header(CONTENT_TYPE, content_type)
            .body(body);
        self.send(self.authorise(request, auth), path).await
    }

    fn authorise(
        &self,
        request: reqwest::RequestBuilder,
        auth: Auth<'_>,
    ) -> reqwest::RequestBuilder {
        match auth {
            Auth::Anonymous => request,
            Auth::Admin => request.header(AUTHORIZATION, format!("Bearer {}", self.admin_token)),
            Auth::Wrong => request.header(AUTHORIZATION, "Bearer not-a-token-of-this-server"),
            Auth::Token(token) => request.header(AUTHORIZATION, format!("Bearer {token}")),
        }
    }

    /// Sends `request`. A backend may rate-limit the suite: a `429` is waited out as its
    /// `Retry-After` says (at most 5 times), as a well-behaved client would.
    async fn send(&self, request: reqwest::RequestBuilder, path: &str) -> Result<Answer, String> {
        const RATE_LIMITED_RETRIES: u32 = 5;
        let mut retries = 0;
        loop {
            let attempt = request
                .try_clone()
                .ok_or_else(|| format!("{path}: the request cannot be repeated"))?;
            let response = attempt
                .send()
                .await
                .map_err(|err| format!("{path}: no answer: {err}"))?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            if status == 429 && retries < RATE_LIMITED_RETRIES {
                retries += 1;
                let wait = headers
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| value.trim().parse::<u64>().ok())
                    .unwrap_or(1)
                    .clamp(1, 30);
                tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
                continue;
            }
            let bytes = response
                .bytes()
                .await
                .map_err(|err| format!("{path}: body not read: {err}"))?;
            return Ok(Answer {
                status,
                headers,
                json: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            });
        }
    }
}
