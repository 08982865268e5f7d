//! Unsigned LEB128 varints, strict on decode so every value has one encoding.

use super::VenueCodeError;

/// A u64 never needs more than 10 LEB128 bytes.
const MAX_VARINT_BYTES: usize = 10;

/// Appends `value` as a minimal LEB128 varint.
#[cfg(any(feature = "sign", test))]
pub(crate) fn write(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        // Truncation intended: the low 7 bits plus the continuation flag.
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads one varint from the front of `input`, returning it and the bytes consumed.
///
/// Non-minimal encodings and values above `u64::MAX` are `Malformed`: a signed
/// code must have exactly one byte representation, otherwise two different
/// payloads could carry the same claims.
pub(crate) fn read(input: &[u8]) -> Result<(u64, usize), VenueCodeError> {
    let mut value = 0u64;
    for (i, &byte) in input.iter().take(MAX_VARINT_BYTES).enumerate() {
        let bits = u64::from(byte & 0x7f);
        // The 10th byte may only hold the single remaining bit of a u64.
        if i == MAX_VARINT_BYTES - 1 && (bits > 1 || byte & 0x80 != 0) {
            return Err(VenueCodeError::Malformed);
        }
        value |= bits << (7 * i);
        if byte & 0x80 == 0 {
            // A zero final byte after other bytes adds nothing: non-minimal.
            if byte == 0 && i > 0 {
                return Err(VenueCodeError::Malformed);
            }
            return Ok((value, i + 1));
        }
    }
    Err(VenueCodeError::Truncated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_edges() {
        for value in [
            0,
            1,
            127,
            128,
            300,
            u64::from(u32::MAX),
            u64::MAX - 1,
            u64::MAX,
        ] {
            let mut buf = Vec::new();
            write(&mut buf, value);
            assert_eq!(read(&buf), Ok((value, buf.len())), "{value}");
        }
    }

    #[test]
    fn rejects_non_minimal_and_overlong() {
        assert_eq!(read(&[0x80, 0x00]), Err(VenueCodeError::Malformed));
        assert_eq!(read(&[0x81, 0x80, 0x00]), Err(VenueCodeError::Malformed));
        let mut overlong = [0xff; 11];
        overlong[10] = 0x01;
        assert_eq!(read(&overlong), Err(VenueCodeError::Malformed));
        let mut overflow = [0xff; 10];
        overflow[9] = 0x02;
        assert_eq!(read(&overflow), Err(VenueCodeError::Malformed));
    }

    #[test]
    fn reports_truncation() {
        assert_eq!(read(&[]), Err(VenueCodeError::Truncated));
        assert_eq!(read(&[0x80]), Err(VenueCodeError::Truncated));
    }
}
