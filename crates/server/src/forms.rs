//! The declaration forms check-ins answer, parsed once per version: a published version never
//! changes, so each is read from the store at most once per process. Version 1 is the
//! protocol's reference form until an authority publishes another.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use vaora_protocol::form::{DeclarationForm, REFERENCE_FORM_JSON};

use crate::store::{Store, StoreError};

/// Parsed forms by version.
pub struct Forms {
    parsed: Mutex<HashMap<u32, Arc<DeclarationForm>>>,
    reference: Option<Arc<DeclarationForm>>,
}

impl Default for Forms {
    fn default() -> Self {
        Self::new()
    }
}

impl Forms {
    pub fn new() -> Self {
        // A test checks the reference form parses and passes the protocol's checks.
        let reference = serde_json::from_str(REFERENCE_FORM_JSON).ok().map(Arc::new);
        Self {
            parsed: Mutex::new(HashMap::new()),
            reference,
        }
    }

    /// The version of the reference form.
    pub fn reference_version(&self) -> u32 {
        self.reference.as_ref().map_or(1, |form| form.version)
    }

    /// Form `version`, if it was published (or is the reference form).
    pub async fn get(
        &self,
        store: &Store,
        version: u32,
    ) -> Result<Option<Arc<DeclarationForm>>, StoreError> {
        // Published versions are above the reference's, so it is never stored: answering it
        // (most check-ins) needs no read.
        if let Some(reference) = self.reference.as_ref().filter(|r| r.version == version) {
            return Ok(Some(Arc::clone(reference)));
        }
        if let Some(form) = self.cached(version) {
            return Ok(Some(form));
        }
        let Some(stored) = store.form(Some(version)).await? else {
            return Ok(None);
        };
        let form: DeclarationForm = serde_json::from_str(&stored.body)
            .map_err(|err| StoreError::Corrupt(format!("declaration form {version}: {err}")))?;
        let form = Arc::new(form);
        if let Ok(mut parsed) = self.parsed.lock() {
            parsed.insert(version, Arc::clone(&form));
        }
        Ok(Some(form))
    }

    fn cached(&self, version: u32) -> Option<Arc<DeclarationForm>> {
        self.parsed
            .lock()
            .ok()
            .and_then(|parsed| parsed.get(&version).cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_form_parses_and_can_be_published() {
        let forms = Forms::new();
        let reference = forms.reference.as_ref().expect("the reference form parses");
        assert_eq!(reference.check(), Ok(()));
        assert_eq!(forms.reference_version(), 1);
    }
}
