//! Who is calling: the operator's administrator token (from the command line), or a token the
//! administrator issued for a role and scope — an officer's unit, a venue's staff, a tracer.
//! Only the SHA-256 of issued secrets is stored. Handlers ask for the roles they allow and, for
//! officers, whether a unit lies within theirs.

use axum::http::{header, HeaderMap, StatusCode};
use sha2::{Digest, Sha256};
use vaora_protocol::api::{error_code, Role};

use crate::app::AppState;
use crate::error::ApiFailure;

/// A caller whose token checked out.
#[derive(Clone, Debug)]
pub struct Principal {
    pub role: Role,
    /// An officer's unit.
    pub unit: Option<String>,
    /// A venue staff member's venue.
    pub venue: Option<u64>,
    /// How the audit log names the caller (a token id and label, never a person's data).
    pub actor: String,
    /// The issued token's id (`None` for the administrator token).
    pub token_id: Option<u64>,
}

fn unauthorized() -> ApiFailure {
    ApiFailure::new(
        StatusCode::UNAUTHORIZED,
        error_code::UNAUTHORIZED,
        "a valid bearer token is required",
    )
}

/// 403: the token is valid but its role or scope does not cover the request.
pub fn forbidden(why: &str) -> ApiFailure {
    ApiFailure::new(StatusCode::FORBIDDEN, error_code::FORBIDDEN, why)
}

/// The caller named by the request's bearer token.
pub async fn principal(state: &AppState, headers: &HeaderMap) -> Result<Principal, ApiFailure> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or_else(unauthorized)?;
    if constant_time_eq(presented.as_bytes(), state.admin_token.as_bytes()) {
        return Ok(Principal {
            role: Role::Admin,
            unit: None,
            venue: None,
            actor: "admin".into(),
            token_id: None,
        });
    }
    let token = state
        .store
        .token_by_hash(hash(presented))
        .await?
        .filter(|token| token.revoked_at.is_none())
        .ok_or_else(unauthorized)?;
    Ok(Principal {
        role: token.role,
        unit: token.unit_code,
        venue: token.venue_id,
        actor: format!("token {} ({})", token.id, token.label),
        token_id: Some(token.id),
    })
}

impl Principal {
    /// `Err(403)` unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiFailure> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(forbidden("this token's role does not allow it"))
        }
    }

    /// `Err(403)` unless the caller may act on `unit`: administrators anywhere, officers in
    /// their unit and below it.
    pub async fn require_unit(&self, state: &AppState, unit: &str) -> Result<(), ApiFailure> {
        match (self.role, &self.unit) {
            (Role::Admin, _) => Ok(()),
            (Role::Officer, Some(own)) => {
                if state
                    .store
                    .unit_within(unit.to_owned(), own.clone())
                    .await?
                {
                    Ok(())
                } else {
                    Err(forbidden("this unit is outside the token's unit"))
                }
            }
            _ => Err(forbidden("this token's role does not allow it")),
        }
    }
}

/// A new secret: 32 random bytes, hex, with a recognisable prefix.
pub fn new_secret() -> Result<String, ApiFailure> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| ApiFailure::internal())?;
    Ok(format!("vaora_{}", hex(&bytes)))
}

/// What the store keeps of a secret.
pub fn hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares secrets without an early exit that would leak their common prefix length.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_fresh_and_stored_only_as_hashes() {
        let (a, b) = (new_secret().expect("secret"), new_secret().expect("secret"));
        assert_ne!(a, b);
        assert!(a.starts_with("vaora_") && a.len() == 6 + 64);
        assert_eq!(hash(&a), hash(&a));
        assert_ne!(hash(&a), hash(&b));
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "SHA-256 test vector"
        );
    }
}
