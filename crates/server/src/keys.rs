//! The venue-code signing key: generated on first run, kept beside the database with owner-only
//! permissions, never served (only its public half goes to pages).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use vaora_protocol::venue_code::VenueSigner;

/// Where the key for a database lives: `<db>.signing-key`.
pub fn key_path_for(db_path: &Path) -> PathBuf {
    let mut name = db_path.as_os_str().to_owned();
    name.push(".signing-key");
    PathBuf::from(name)
}

/// Loads the signing key, or creates it (32-byte seed, mode 0600) when absent.
pub fn load_or_create(path: &Path) -> std::io::Result<VenueSigner> {
    match fs::read(path) {
        Ok(bytes) => {
            let seed: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{} is not a 32-byte signing key", path.display()),
                )
            })?;
            Ok(VenueSigner::from_seed(&seed))
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let signer = VenueSigner::generate();
            write_private(path, &signer.seed())?;
            Ok(signer)
        }
        Err(err) => Err(err),
    }
}

/// Writes a secret file readable only by its owner.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(bytes)
}

/// A random token for admin access (hex, 128 bits).
pub fn random_token() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_survives_a_restart_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = key_path_for(&dir.path().join("v.sqlite"));
        let first = load_or_create(&path).unwrap();
        let again = load_or_create(&path).unwrap();
        assert_eq!(first.key_id(), again.key_id());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "key must not be readable by others");
        }
    }

    #[test]
    fn a_corrupt_key_file_is_an_error_not_a_new_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        fs::write(&path, b"short").unwrap();
        assert!(load_or_create(&path).is_err());
    }
}
