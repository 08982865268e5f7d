//! Venue registration (the `POST /v1/venues` handler and `--seed-demo`) and the demo venue.

use vaora_protocol::api::{VenueKind, VenueRegistration};
use vaora_protocol::short_code::ShortCode;
use vaora_protocol::venue_code::{VenueClaims, VenueSigner};

use crate::app::now_ms;
use crate::store::{Store, StoreError, VenueRow};

/// How long a printed code stays valid.
pub const DEFAULT_VALID_DAYS: u32 = 365;
/// Short codes are 40 random bits: among a million venues a new one collides now and then,
/// and simply draws again.
const SHORT_CODE_ATTEMPTS: usize = 4;

/// Registers a venue (a checked registration): picks its id and short code, signs its venue
/// code, stores it.
pub async fn register_venue(
    store: &Store,
    signer: &VenueSigner,
    registration: &VenueRegistration,
) -> Result<VenueRow, StoreError> {
    let (name, unit_code) = (&registration.name, &registration.unit_code);
    let id = store.allocate_venue_id().await?;
    let mut random = [0u8; 5];
    getrandom::fill(&mut random).map_err(|err| StoreError::Corrupt(err.to_string()))?;
    let now = now_ms();
    let claims = VenueClaims {
        venue_id: id,
        unit_code: unit_code.to_owned(),
        name: name.to_owned(),
        key_id: signer.key_id(),
        issued_at: (now / 1000) as u64,
        valid_days: DEFAULT_VALID_DAYS,
    };
    let venue_code = signer
        .sign(&claims)
        .map_err(|err| StoreError::Corrupt(format!("venue claims: {err}")))?;
    let mut venue = VenueRow {
        id,
        short_code: ShortCode::from_random(random),
        name: name.to_owned(),
        unit_code: unit_code.to_owned(),
        venue_code,
        revoked_at: None,
        kind: registration.kind,
        address: registration.address.clone(),
        contact: registration.contact.clone(),
    };
    let mut attempts = 1;
    loop {
        match store.insert_venue(venue.clone(), now).await {
            Ok(()) => return Ok(venue),
            Err(err) if attempts < SHORT_CODE_ATTEMPTS => {
                // Only a taken short code is worth another draw.
                if store
                    .venue_by_short_code(venue.short_code.clone())
                    .await?
                    .is_none()
                {
                    return Err(err);
                }
                getrandom::fill(&mut random).map_err(|err| StoreError::Corrupt(err.to_string()))?;
                venue.short_code = ShortCode::from_random(random);
                attempts += 1;
            }
            Err(err) => return Err(err),
        }
    }
}

/// The demo venue seeded on first run: a market in Mỹ Đức (Hà Nội, unit code 01).
pub async fn ensure_demo_venue(
    store: &Store,
    signer: &VenueSigner,
) -> Result<VenueRow, StoreError> {
    match store.first_venue().await? {
        Some(venue) => Ok(venue),
        None => {
            let market = VenueRegistration {
                name: "Chợ Mỹ Đức".into(),
                unit_code: "01".into(),
                kind: VenueKind::Market,
                address: "Thị trấn Đại Nghĩa, Mỹ Đức, Hà Nội".into(),
                contact: String::new(),
            };
            register_venue(store, signer, &market).await
        }
    }
}
