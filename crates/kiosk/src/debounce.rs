//! The same code in front of the camera is read on every frame: it counts as one scan until it
//! has been out of sight for a moment.

/// Remembers the last code read and when it was last seen.
#[derive(Clone, Debug)]
pub struct Debounce {
    quiet_ms: i64,
    last: Option<(String, i64)>,
}

impl Debounce {
    /// A code counts again once it has not been read for `quiet_ms`.
    pub fn new(quiet_ms: i64) -> Debounce {
        Debounce {
            quiet_ms,
            last: None,
        }
    }

    /// Whether reading `text` at `now` is a new scan. Every read of the same code, acted on
    /// or not, keeps it quiet for another `quiet_ms`; another code is always new.
    pub fn is_new(&mut self, text: &str, now: i64) -> bool {
        let repeat = self
            .last
            .as_ref()
            .is_some_and(|(last, seen)| last == text && now - seen < self.quiet_ms);
        self.last = Some((text.to_owned(), now));
        !repeat
    }
}
