//! Wire formats shared by the Vaora browser widget and the server.
//!
//! Everything that crosses a boundary lives here so both sides agree on it:
//! the signed venue code inside a poster's QR ([`venue_code`]), the short code
//! printed under it for typing by hand ([`short_code`]), the health
//! declaration and its validation rules ([`declaration`]), the declaration
//! form as versioned data ([`form`]), the JSON bodies of the check-in API
//! ([`api`]), and the personal QR codes a visitor shows and a kiosk reads
//! ([`personal_code`]: national v1.1 and the chip ID card's QR), and the keys
//! that recognise one person across check-ins ([`person_key`]), the venue-staff API
//! ([`staff`]: kiosk and paper check-ins, exits, invitations), tracing a case ([`tracing`]:
//! the co-presence rule, the audit of case queries, a citizen's view of reads), and the
//! authority's reports ([`reports`]).
//!
//! The crate is compiled to `wasm32-unknown-unknown` for the widget, so the
//! default build only *verifies* venue codes and carries no randomness source.
//! The `sign` feature adds key generation and signing for the server.

pub mod api;
pub mod declaration;
pub mod form;
pub mod person_key;
pub mod personal_code;
pub mod reports;
pub mod short_code;
pub mod staff;
pub mod tracing;
pub mod venue_code;

pub use api::{ApiError, CheckInReceipt, CheckInRequest, ClientConfig, VenueLookup};
pub use declaration::{Declaration, Problem};
pub use form::{Answer, AnswerError, Answers, DeclarationForm};
pub use personal_code::{
    parse_personal, vaora_personal_code, CccdCode, PersonalCode, PersonalCodeError, ScannedPerson,
};
pub use short_code::{ShortCode, ShortCodeError};
#[cfg(feature = "sign")]
pub use venue_code::VenueSigner;
pub use venue_code::{KeyId, TrustedKey, VenueClaims, VenueCodeError};
