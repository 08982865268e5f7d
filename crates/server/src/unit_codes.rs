//! The codes of the loaded administrative units, kept in memory so that checking a declaration's
//! unit answers costs a check-in no read. Read from the store on first use, again after an import
//! on this process and every [`REFRESH_EVERY`] (another server process may have imported a set).

use std::collections::HashSet;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use vaora_protocol::declaration::Problem;
use vaora_protocol::form::{Answer, AnswerError, Answers, DeclarationForm, QuestionKind};

use crate::store::{Store, StoreError};

/// How stale another process's unit import may be here.
pub const REFRESH_EVERY: Duration = Duration::from_secs(60);

/// A set of unit codes; empty when no unit list is loaded.
pub type CodeSet = HashSet<Box<str>>;

/// The shared, refreshable set.
#[derive(Default)]
pub struct UnitCodes {
    /// `None` until first read.
    current: RwLock<Option<Arc<CodeSet>>>,
}

impl UnitCodes {
    /// A set not read yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The codes now loaded (empty: no list), read from the store the first time.
    pub async fn get(&self, store: &Store) -> Result<Arc<CodeSet>, StoreError> {
        if let Some(codes) = self.cached() {
            return Ok(codes);
        }
        let codes = Arc::new(read(store).await?);
        if let Ok(mut current) = self.current.write() {
            // A refresh that finished meanwhile read a newer set: keep it.
            return Ok(Arc::clone(current.get_or_insert(codes)));
        }
        Ok(codes)
    }

    /// Reads the codes from the store again (after an import, and now and then).
    pub async fn refresh(&self, store: &Store) -> Result<(), StoreError> {
        let codes = Arc::new(read(store).await?);
        if let Ok(mut current) = self.current.write() {
            *current = Some(codes);
        }
        Ok(())
    }

    fn cached(&self) -> Option<Arc<CodeSet>> {
        self.current.read().ok().and_then(|current| current.clone())
    }

    /// The unit answers in `answers` (already validated against `form`) that name no loaded
    /// unit, as `unknown_choice` problems; none when no list is loaded or the form asks for no
    /// unit.
    pub async fn unknown_answers(
        &self,
        store: &Store,
        form: &DeclarationForm,
        answers: &Answers,
    ) -> Result<Vec<AnswerError>, StoreError> {
        if !form.questions.iter().any(|q| q.kind == QuestionKind::Unit) {
            return Ok(Vec::new());
        }
        Ok(unknown_units(form, answers, &*self.get(store).await?))
    }
}

async fn read(store: &Store) -> Result<CodeSet, StoreError> {
    Ok(store
        .unit_codes()
        .await?
        .into_iter()
        .map(String::into_boxed_str)
        .collect())
}

/// The unit questions whose answer is not in `known` (every code is accepted when `known` is
/// empty: a server without a unit list).
pub fn unknown_units(
    form: &DeclarationForm,
    answers: &Answers,
    known: &CodeSet,
) -> Vec<AnswerError> {
    if known.is_empty() {
        return Vec::new();
    }
    form.questions
        .iter()
        .filter(|question| question.kind == QuestionKind::Unit)
        .filter(|question| match answers.get(&question.id) {
            Some(Answer::Text(code)) => !known.contains(code.trim()),
            _ => false,
        })
        .map(|question| AnswerError {
            question: question.id.clone(),
            problem: Problem::UnknownChoice,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use vaora_protocol::form::REFERENCE_FORM_JSON;

    use super::*;

    fn reference_form() -> DeclarationForm {
        serde_json::from_str(REFERENCE_FORM_JSON).expect("the reference form parses")
    }

    fn codes(list: &[&str]) -> CodeSet {
        list.iter().map(|code| Box::from(*code)).collect()
    }

    #[test]
    fn a_unit_answer_must_name_a_loaded_unit() {
        let form = reference_form();
        let unit = form
            .questions
            .iter()
            .find(|q| q.kind == QuestionKind::Unit)
            .expect("the reference form asks where one lives");
        let known = codes(&["01", "00070"]);

        let listed = form.example_answers("00070");
        assert_eq!(unknown_units(&form, &listed, &known), []);

        let unlisted = form.example_answers("99999");
        assert_eq!(
            unknown_units(&form, &unlisted, &known),
            [AnswerError {
                question: unit.id.clone(),
                problem: Problem::UnknownChoice,
            }]
        );
        assert_eq!(
            unknown_units(&form, &unlisted, &CodeSet::new()),
            [],
            "without a unit list any well-formed code is accepted"
        );
    }

    #[test]
    fn an_unanswered_optional_unit_question_is_no_problem() {
        let form = reference_form();
        let mut answers = form.example_answers("01");
        answers.retain(|_, answer| !matches!(answer, Answer::Text(code) if code == "01"));
        assert_eq!(unknown_units(&form, &answers, &codes(&["00070"])), []);
    }
}
