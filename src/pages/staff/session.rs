//! The staff member's sign-in on this device: the venue-staff token (a credential, kept in
//! localStorage until signing out), the venue as last loaded (so a kiosk reopened offline
//! still works), and when the day was last closed here.

use vaora_protocol::staff::StaffVenue;

use crate::prefs;

const TOKEN: &str = "vaora.staff.token";
const VENUE: &str = "vaora.staff.venue";
const CLOSED: &str = "vaora.staff.closed";

/// What a staff link carries in its fragment (`/staff#token=…`, `/staff#invite=…`), or what
/// was pasted into the sign-in form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    Token(String),
    Invitation(String),
}

impl Link {
    /// Reads a pasted link, a bare fragment or a bare token.
    pub fn parse(text: &str) -> Option<Link> {
        let text = text.trim();
        let fragment = text.rsplit_once('#').map_or(text, |(_, fragment)| fragment);
        if let Some(token) = fragment.strip_prefix("token=") {
            return (!token.is_empty()).then(|| Link::Token(token.to_owned()));
        }
        if let Some(code) = fragment.strip_prefix("invite=") {
            return (!code.is_empty()).then(|| Link::Invitation(code.to_owned()));
        }
        // A token pasted on its own.
        (fragment.starts_with("vaora_") && !fragment.contains(char::is_whitespace))
            .then(|| Link::Token(fragment.to_owned()))
    }

    /// The link the page was opened with; the fragment is then removed from the address bar
    /// and history, so the secret is not left on screen or bookmarked.
    pub fn from_location() -> Option<Link> {
        let window = web_sys::window()?;
        let location = crate::js::get(&window, "location");
        let hash = crate::js::get(&location, "hash").as_string()?;
        let link = Link::parse(hash.strip_prefix('#')?)?;
        let path = crate::js::get(&location, "pathname");
        let history = crate::js::get(&window, "history");
        let _ = crate::js::call(
            &history,
            "replaceState",
            &[&wasm_bindgen::JsValue::NULL, &"".into(), &path],
        );
        Some(link)
    }
}

/// The signed-in staff member's data on this device.
pub struct Session;

impl Session {
    pub fn token() -> Option<String> {
        prefs::read(TOKEN).filter(|token| !token.is_empty())
    }

    pub fn remember_token(token: &str) {
        prefs::write(TOKEN, token);
    }

    /// The venue as last loaded.
    pub fn venue() -> Option<StaffVenue> {
        serde_json::from_str(&prefs::read(VENUE)?).ok()
    }

    pub fn remember_venue(venue: &StaffVenue) {
        if let Ok(json) = serde_json::to_string(venue) {
            prefs::write(VENUE, &json);
        }
    }

    /// When the day was last closed on this device (unix ms; 0 if never): who this kiosk let
    /// in before then is no longer inside.
    pub fn closed_at() -> i64 {
        prefs::read(CLOSED)
            .and_then(|at| at.parse().ok())
            .unwrap_or(0)
    }

    pub fn remember_closed(at: i64) {
        prefs::write(CLOSED, &at.to_string());
    }

    /// Signs out: the token and the venue are forgotten (queued scans are still sent).
    pub fn forget() {
        for key in [TOKEN, VENUE, CLOSED] {
            prefs::remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Link;

    #[test]
    fn links_fragments_and_bare_tokens_are_read() {
        let token = Link::Token("vaora_abc123".into());
        assert_eq!(
            Link::parse("https://x.example/staff#token=vaora_abc123"),
            Some(token.clone())
        );
        assert_eq!(Link::parse(" token=vaora_abc123 "), Some(token.clone()));
        assert_eq!(Link::parse("vaora_abc123"), Some(token));
        assert_eq!(
            Link::parse("https://x.example/staff#invite=K7Q2"),
            Some(Link::Invitation("K7Q2".into()))
        );
        assert_eq!(Link::parse("https://x.example/staff#token="), None);
        assert_eq!(Link::parse("hello world"), None);
    }
}
