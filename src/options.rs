//! What a host page passes to `mount(element, options)`.

use js_sys::{Array, Object};
use vaora_protocol::venue_code::TrustedKey;
use wasm_bindgen::{JsCast, JsValue};

use crate::js::get;

/// Mount options (camelCase in JavaScript):
/// `{ endpoint?, trustedKeys, assets?, lang?, requestTimeoutMs? }`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MountOptions {
    /// Base URL of the check-in API; empty means the page's own origin.
    pub endpoint: String,
    /// Public keys venue codes must be signed with (verified offline in the browser), each
    /// `{ kid, public_key }` as in `/config.json`.
    pub trusted_keys: Vec<TrustedKey>,
    /// Where `scan-worker.js` and the decoder wasm are served from (a URL ending in `/`).
    pub assets: Option<String>,
    /// Initial language tag (`vi` or `en`); the visitor's remembered choice wins.
    pub lang: Option<String>,
    /// How long a check-in may go unanswered before it is retried (ms); 15 s by default.
    pub request_timeout_ms: Option<u32>,
}

/// The option names `mount` accepts; any other is refused, so a typo is not silently ignored.
const FIELDS: [&str; 5] = [
    "endpoint",
    "trustedKeys",
    "assets",
    "lang",
    "requestTimeoutMs",
];

impl MountOptions {
    /// Reads the options object. By hand, not with serde: serde's error messages format
    /// floats, and Rust's float formatting would be most of a chunk of the first module.
    pub fn from_js(value: &JsValue) -> Result<MountOptions, String> {
        let object = value.dyn_ref::<Object>().ok_or("expected an object")?;
        for key in Object::keys(object).iter() {
            let key = key.as_string().unwrap_or_default();
            if !FIELDS.contains(&key.as_str()) {
                return Err(format!("unknown field `{key}`"));
            }
        }
        let keys = get(value, "trustedKeys");
        let keys = keys
            .dyn_ref::<Array>()
            .ok_or("`trustedKeys` must be an array")?;
        let trusted_keys = keys
            .iter()
            .map(|key| {
                let kid = string(&key, "kid")?.ok_or("a trusted key needs `kid`")?;
                let public_key =
                    string(&key, "public_key")?.ok_or("a trusted key needs `public_key`")?;
                let key_id = kid.parse().map_err(|_| format!("invalid key id `{kid}`"))?;
                Ok(TrustedKey { key_id, public_key })
            })
            .collect::<Result<_, String>>()?;
        Ok(MountOptions {
            endpoint: string(value, "endpoint")?.unwrap_or_default(),
            trusted_keys,
            assets: string(value, "assets")?,
            lang: string(value, "lang")?,
            request_timeout_ms: timeout(value)?,
        })
    }

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

/// `requestTimeoutMs`: a whole number of milliseconds from 1 to 600,000, if given.
fn timeout(object: &JsValue) -> Result<Option<u32>, String> {
    let value = get(object, "requestTimeoutMs");
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match value.as_f64() {
        Some(ms) if ms.fract() == 0.0 && (1.0..=600_000.0).contains(&ms) => Ok(Some(ms as u32)),
        _ => Err("`requestTimeoutMs` must be a whole number of milliseconds, 1 to 600000".into()),
    }
}

/// `object[key]` as a string; `undefined` and `null` are absent, anything else is an error.
fn string(object: &JsValue, key: &str) -> Result<Option<String>, String> {
    let value = get(object, key);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .as_string()
        .map(Some)
        .ok_or_else(|| format!("`{key}` must be a string"))
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
