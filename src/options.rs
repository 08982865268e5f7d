//! What a host page passes to `mount(element, options)`.

use js_sys::{Array, Object};
use vaora_protocol::venue_code::TrustedKey;
use wasm_bindgen::{JsCast, JsValue};

use crate::i18n::Lang;
use crate::js::get;

/// Mount options (camelCase in JavaScript): `{ endpoint?, trustedKeys, assets?, lang?, mode?,
/// venue?, staffToken?, followAddress?, requestTimeoutMs? }`.
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
    /// A venue kiosk for staff, or the visitors' widget.
    pub kiosk: bool,
    /// A venue code (or poster URL) to open at once: a venue's own page embedding the widget.
    pub venue: Option<String>,
    /// A kiosk's venue-staff token; without one the kiosk uses this device's sign-in.
    pub staff_token: Option<String>,
    /// The widget owns the page's address (Vaora's own page): it opens the venue in the URL's
    /// fragment, again when the fragment changes, and a staff link's token. An embedded widget
    /// leaves the host's address alone.
    pub follow_address: bool,
}

/// A bad option, thrown to the host page as an `Error` named `VaoraOptionsError` with its
/// `code` and the `option` concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionsError {
    /// `unknown_option`, `invalid_option` or `missing_option`.
    pub code: &'static str,
    pub option: String,
    /// What the option must be (for the message).
    pub expected: &'static str,
}

impl OptionsError {
    /// `option` is not what it must be: `expected`.
    pub fn invalid(option: &str, expected: &'static str) -> Self {
        OptionsError {
            code: "invalid_option",
            option: option.into(),
            expected,
        }
    }

    /// The JavaScript error thrown by `mount`.
    pub fn to_js(&self) -> JsValue {
        let message = format!("Vaora: option `{}`: {}", self.option, self.expected);
        let error: JsValue = wasm_bindgen::JsError::new(&message).into();
        let object = error.unchecked_ref::<Object>();
        crate::js::set(object, "name", &"VaoraOptionsError".into());
        crate::js::set(object, "code", &self.code.into());
        crate::js::set(object, "option", &self.option.as_str().into());
        error
    }
}

/// The option names `mount` accepts; any other is refused, so a typo is not silently ignored.
const FIELDS: [&str; 9] = [
    "endpoint",
    "trustedKeys",
    "assets",
    "lang",
    "requestTimeoutMs",
    "mode",
    "venue",
    "staffToken",
    "followAddress",
];

impl MountOptions {
    /// Reads the options object. By hand, not with serde: serde's error messages format
    /// floats, and Rust's float formatting would be most of a chunk of the first module.
    pub fn from_js(value: &JsValue) -> Result<MountOptions, OptionsError> {
        let object = value
            .dyn_ref::<Object>()
            .ok_or_else(|| OptionsError::invalid("", "the options must be an object"))?;
        for key in Object::keys(object).iter() {
            let key = key.as_string().unwrap_or_default();
            if !FIELDS.contains(&key.as_str()) {
                return Err(OptionsError {
                    code: "unknown_option",
                    option: key,
                    expected: "there is no such option",
                });
            }
        }
        let keys = get(value, "trustedKeys");
        if keys.is_undefined() || keys.is_null() {
            return Err(OptionsError {
                code: "missing_option",
                option: "trustedKeys".into(),
                expected: "required",
            });
        }
        let trusted_keys = keys
            .dyn_ref::<Array>()
            .and_then(|keys| keys.iter().map(|key| trusted_key(&key)).collect())
            .ok_or_else(|| {
                OptionsError::invalid("trustedKeys", "an array of { kid, public_key }")
            })?;
        let lang = string(value, "lang")?;
        if lang
            .as_deref()
            .is_some_and(|tag| Lang::from_tag(tag).is_none())
        {
            return Err(OptionsError::invalid("lang", "`vi` or `en`"));
        }
        let kiosk = match string(value, "mode")?.as_deref() {
            None | Some("citizen") => false,
            Some("kiosk") => true,
            Some(_) => return Err(OptionsError::invalid("mode", "`citizen` or `kiosk`")),
        };
        let follow_address = get(value, "followAddress");
        if !(follow_address.is_undefined() || follow_address.as_bool().is_some()) {
            return Err(OptionsError::invalid("followAddress", "true or false"));
        }
        Ok(MountOptions {
            endpoint: string(value, "endpoint")?.unwrap_or_default(),
            trusted_keys,
            assets: string(value, "assets")?,
            lang,
            request_timeout_ms: timeout(value)?,
            kiosk,
            venue: string(value, "venue")?.filter(|venue| !venue.is_empty()),
            staff_token: string(value, "staffToken")?.filter(|token| !token.is_empty()),
            follow_address: follow_address.is_truthy(),
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

/// One of `trustedKeys`: `{ kid, public_key }`.
fn trusted_key(key: &JsValue) -> Option<TrustedKey> {
    let key_id = get(key, "kid").as_string()?.parse().ok()?;
    let public_key = get(key, "public_key").as_string()?;
    Some(TrustedKey { key_id, public_key })
}

/// `requestTimeoutMs`: a whole number of milliseconds from 1 to 600,000, if given.
fn timeout(object: &JsValue) -> Result<Option<u32>, OptionsError> {
    let value = get(object, "requestTimeoutMs");
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match value.as_f64() {
        Some(ms) if ms.fract() == 0.0 && (1.0..=600_000.0).contains(&ms) => Ok(Some(ms as u32)),
        _ => Err(OptionsError::invalid(
            "requestTimeoutMs",
            "a whole number of milliseconds, 1 to 600000",
        )),
    }
}

/// `object[key]` as a string; `undefined` and `null` are absent, anything else is an error.
fn string(object: &JsValue, key: &str) -> Result<Option<String>, OptionsError> {
    let value = get(object, key);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .as_string()
        .map(Some)
        .ok_or_else(|| OptionsError::invalid(key, "a string"))
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
