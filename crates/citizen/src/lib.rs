//! What a citizen's device keeps and decides, in plain Rust so it is tested natively: the
//! people it checks in (the visitor and their dependants) with their last declarations
//! ([`people`]), what to ask a returning visitor ([`revisit`]), and the visits with the rules
//! that close them ([`visits`]). The widget stores these in IndexedDB beside the outbox
//! (`vaora-outbox`), which delivers the check-ins and check-outs decided here.

pub mod people;
pub mod revisit;
pub mod visits;

/// How long the device keeps a visit (and its check-in's queue entry) after it ended: as long
/// as the reference server keeps check-ins by default, so nothing outlives its purpose.
pub const KEEP_DAYS: i64 = 21;

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;
