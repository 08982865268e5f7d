//! What a host page passes to `mount(element, options)`.

use serde::Deserialize;
use vaora_protocol::venue_code::TrustedKey;

/// Mount options (camelCase in JavaScript), parsed with serde-wasm-bindgen.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MountOptions {
    /// Base URL of the check-in API; empty means the page's own origin.
    #[serde(default)]
    pub endpoint: String,
    /// Public keys venue codes must be signed with (verified offline in the browser).
    pub trusted_keys: Vec<TrustedKey>,
    /// Where `scan-worker.js` and the decoder wasm are served from (a URL ending in `/`).
    #[serde(default)]
    pub assets: Option<String>,
    /// Initial language tag (`vi` or `en`); the visitor's remembered choice wins.
    #[serde(default)]
    pub lang: Option<String>,
}

impl MountOptions {
    /// The URL of an API path, e.g. `/v1/checkins`, under the configured endpoint.
    pub fn api_url(&self, path: &str) -> String {
        format!("{}{path}", self.endpoint.trim_end_matches('/'))
    }

    /// The URL of a static asset beside the widget's JS.
    pub fn asset_url(&self, file: &str) -> String {
        match self.assets.as_deref() {
            Some(base) if !base.is_empty() => format!("{}/{file}", base.trim_end_matches('/')),
            _ => format!("./{file}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_join_without_double_slashes() {
        let options = MountOptions {
            endpoint: "https://api.example/".into(),
            assets: Some("https://cdn.example/vaora/".into()),
            ..MountOptions::default()
        };
        assert_eq!(
            options.api_url("/v1/checkins"),
            "https://api.example/v1/checkins"
        );
        assert_eq!(
            options.asset_url("scan-worker.js"),
            "https://cdn.example/vaora/scan-worker.js"
        );
        let same_origin = MountOptions::default();
        assert_eq!(same_origin.api_url("/v1/checkins"), "/v1/checkins");
        assert_eq!(same_origin.asset_url("a.js"), "./a.js");
    }
}
