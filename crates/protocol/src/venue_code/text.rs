//! Finding a venue code in scanned or typed text, and building poster URLs.

use super::VenueCodeError;

/// Smallest possible payload: 76 binary bytes (one-byte varints and strings)
/// in unpadded base32. Shorter all-letter text (e.g. "hello") is not a code.
const MIN_PAYLOAD_CHARS: usize = 122;

/// Extracts the payload from scanned or typed text.
///
/// Accepts `http(s)://<host[:port]>/c#PAYLOAD` (scheme and host in any case,
/// path `/c` or `/C`) and a bare payload. Whitespace around the text is
/// ignored. The payload is returned as found, possibly lowercase: decoding
/// normalizes case, so no allocation is needed here. Anything else is
/// [`VenueCodeError::NotVaoraCode`].
pub fn payload_from_text(text: &str) -> Result<&str, VenueCodeError> {
    let text = text.trim();
    if let Some(rest) = strip_scheme(text) {
        return payload_from_url_rest(rest);
    }
    if text.len() >= MIN_PAYLOAD_CHARS && text.bytes().all(is_base32_char) {
        return Ok(text);
    }
    Err(VenueCodeError::NotVaoraCode)
}

/// Builds the poster URL for a payload; a trailing slash on `base_url` is tolerated.
pub fn poster_url(base_url: &str, payload: &str) -> String {
    format!("{}/c#{payload}", base_url.trim_end_matches('/'))
}

/// Returns what follows `http://` or `https://`, matching the scheme in any case.
fn strip_scheme(text: &str) -> Option<&str> {
    ["https://", "http://"].into_iter().find_map(|scheme| {
        let head = text.get(..scheme.len())?;
        head.eq_ignore_ascii_case(scheme)
            .then(|| &text[scheme.len()..])
    })
}

/// Handles `host[:port]/c#PAYLOAD`.
fn payload_from_url_rest(rest: &str) -> Result<&str, VenueCodeError> {
    let slash = rest.find('/').ok_or(VenueCodeError::NotVaoraCode)?;
    let (host, path_and_fragment) = rest.split_at(slash);
    let host_ok = !host.is_empty()
        && !host
            .chars()
            .any(|c| c.is_whitespace() || c == '?' || c == '#');
    let payload = path_and_fragment
        .strip_prefix("/c#")
        .or_else(|| path_and_fragment.strip_prefix("/C#"));
    match payload {
        // A URL of the right shape: a bad payload is reported by decoding.
        Some(payload) if host_ok && !payload.is_empty() => Ok(payload),
        _ => Err(VenueCodeError::NotVaoraCode),
    }
}

/// RFC 4648 base32 alphabet, either case.
fn is_base32_char(b: u8) -> bool {
    b.is_ascii_alphabetic() || (b'2'..=b'7').contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bare() -> String {
        "A".repeat(MIN_PAYLOAD_CHARS)
    }

    #[test]
    fn accepts_poster_urls() {
        let p = bare();
        for url in [
            format!("https://vaora.example/c#{p}"),
            format!("http://127.0.0.1:8080/c#{p}"),
            format!("HTTPS://VAORA.EXAMPLE/C#{p}"),
            format!("  https://vaora.example/c#{p}\n"),
        ] {
            assert_eq!(payload_from_text(&url), Ok(p.as_str()), "{url}");
        }
    }

    #[test]
    fn accepts_bare_payload_in_any_case() {
        let p = bare().to_lowercase();
        assert_eq!(payload_from_text(&p), Ok(p.as_str()));
    }

    #[test]
    fn rejects_other_text() {
        let p = bare();
        for text in [
            String::new(),
            "   ".into(),
            "hello".into(),
            "012345678901|NGUYEN VAN A|1990-01-01|0||".into(),
            "https://example.com/".into(),
            "https://example.com/checkin#abc".into(),
            "https://vaora.example/c#".into(),
            "https://vaora.example/c".into(),
            format!("https:///c#{p}"),
            format!("ftp://vaora.example/c#{p}"),
            format!("https://vaora.example/c?x=1#{p}"),
            format!("https://vaora.example/c/#{p}"),
            format!("{p}!"),
            p[..MIN_PAYLOAD_CHARS - 1].to_string(),
        ] {
            assert_eq!(
                payload_from_text(&text),
                Err(VenueCodeError::NotVaoraCode),
                "{text:?}"
            );
        }
    }

    #[test]
    fn poster_url_joins_cleanly() {
        assert_eq!(
            poster_url("http://127.0.0.1:8080", "AB"),
            "http://127.0.0.1:8080/c#AB"
        );
        assert_eq!(
            poster_url("https://v.example/", "AB"),
            "https://v.example/c#AB"
        );
    }
}
