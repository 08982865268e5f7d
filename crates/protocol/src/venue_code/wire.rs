//! Binary layout of a venue code and its base32 text form.

use std::borrow::Cow;

use base32ct::{Base32UpperUnpadded, Encoding};

use super::claims::{check_name, check_unit_code};
use super::{varint, KeyId, VenueClaims, VenueCodeError, MAX_PAYLOAD_CHARS, VENUE_CODE_VERSION};

/// Domain separation: a signature over a venue code can never be replayed as
/// a signature over some other kind of message made with the same key.
const SIGNING_DOMAIN: &[u8] = b"vaora-venue-v1\0";
pub(crate) const SIGNATURE_LEN: usize = 64;

/// A structurally valid code, not yet checked against any key.
pub(crate) struct Decoded {
    pub claims: VenueClaims,
    /// Exactly the bytes the signature covers (domain prefix included).
    pub signed_message: Vec<u8>,
    pub signature: [u8; SIGNATURE_LEN],
}

/// Prefixes the signing domain to the signed fields.
pub(crate) fn signed_message(body: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(SIGNING_DOMAIN.len() + body.len());
    message.extend_from_slice(SIGNING_DOMAIN);
    message.extend_from_slice(body);
    message
}

/// Serializes the signed fields (version..valid_days), refusing out-of-range values.
#[cfg(any(feature = "sign", test))]
pub(crate) fn encode_body(claims: &VenueClaims) -> Result<Vec<u8>, VenueCodeError> {
    check_unit_code(&claims.unit_code)?;
    check_name(&claims.name)?;
    let mut out = Vec::with_capacity(32 + claims.name.len());
    out.push(VENUE_CODE_VERSION);
    varint::write(&mut out, claims.venue_id);
    for field in [&claims.unit_code, &claims.name] {
        // Lengths are bounded by the checks above, so widening is lossless.
        varint::write(&mut out, field.len() as u64);
        out.extend_from_slice(field.as_bytes());
    }
    out.extend_from_slice(&claims.key_id.0);
    varint::write(&mut out, claims.issued_at);
    varint::write(&mut out, u64::from(claims.valid_days));
    Ok(out)
}

/// Turns a signed binary code into its QR payload text.
#[cfg(any(feature = "sign", test))]
pub(crate) fn to_text(binary: &[u8]) -> String {
    Base32UpperUnpadded::encode_string(binary)
}

/// Decodes payload text to binary, accepting lowercase (some scanners lowercase URLs).
fn from_text(payload: &str) -> Result<Vec<u8>, VenueCodeError> {
    if payload.len() > MAX_PAYLOAD_CHARS {
        return Err(VenueCodeError::Oversized);
    }
    if payload.is_empty() {
        return Err(VenueCodeError::Truncated);
    }
    let text: Cow<'_, str> = if payload.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(payload.to_ascii_uppercase())
    } else {
        Cow::Borrowed(payload)
    };
    Base32UpperUnpadded::decode_vec(&text).map_err(|e| match e {
        // A length no encoder produces: the text was cut short.
        base32ct::Error::InvalidLength => VenueCodeError::Truncated,
        base32ct::Error::InvalidEncoding => VenueCodeError::Malformed,
    })
}

/// Parses payload text into claims plus signature, strictly (no signature check).
pub(crate) fn decode(payload: &str) -> Result<Decoded, VenueCodeError> {
    let binary = from_text(payload)?;
    let mut reader = Reader {
        input: &binary,
        pos: 0,
    };

    let version = reader.byte()?;
    if version != VENUE_CODE_VERSION {
        return Err(VenueCodeError::UnsupportedVersion(version));
    }
    let venue_id = reader.varint()?;
    let unit_code = reader.text(super::claims::UNIT_CODE_MAX_BYTES)?;
    check_unit_code(&unit_code)?;
    let name = reader.text(super::claims::NAME_MAX_BYTES)?;
    check_name(&name)?;
    let key_id = KeyId(reader.array()?);
    let issued_at = reader.varint()?;
    let valid_days = u32::try_from(reader.varint()?).map_err(|_| VenueCodeError::Malformed)?;
    let body_len = reader.pos;
    let signature = reader.array()?;
    if reader.pos != binary.len() {
        return Err(VenueCodeError::Malformed);
    }

    Ok(Decoded {
        claims: VenueClaims {
            venue_id,
            unit_code,
            name,
            key_id,
            issued_at,
            valid_days,
        },
        signed_message: signed_message(&binary[..body_len]),
        signature,
    })
}

/// Bounds-checked cursor: running out of input is `Truncated`, never a panic.
struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], VenueCodeError> {
        let end = self.pos.checked_add(n).ok_or(VenueCodeError::Malformed)?;
        let bytes = self
            .input
            .get(self.pos..end)
            .ok_or(VenueCodeError::Truncated)?;
        self.pos = end;
        Ok(bytes)
    }

    fn byte(&mut self) -> Result<u8, VenueCodeError> {
        let [byte] = self.array()?;
        Ok(byte)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], VenueCodeError> {
        self.take(N)?
            .try_into()
            .map_err(|_| VenueCodeError::Truncated)
    }

    fn varint(&mut self) -> Result<u64, VenueCodeError> {
        let rest = self.input.get(self.pos..).unwrap_or_default();
        let (value, used) = varint::read(rest)?;
        self.pos += used;
        Ok(value)
    }

    /// Length-prefixed UTF-8; the length is range-checked before reading so a
    /// huge claimed length is `Malformed` rather than `Truncated`.
    fn text(&mut self, max_len: usize) -> Result<String, VenueCodeError> {
        let len = usize::try_from(self.varint()?).map_err(|_| VenueCodeError::Malformed)?;
        if !(1..=max_len).contains(&len) {
            return Err(VenueCodeError::Malformed);
        }
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| VenueCodeError::Malformed)
    }
}
