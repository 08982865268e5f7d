//! What to ask a returning visitor: nothing but a confirmation when their last declaration still
//! answers the form ("Nothing changed since 12/8? [Confirm] [Update]"), only the new questions
//! when the authority changed the form, everything the first time.

use vaora_protocol::declaration::Declaration;
use vaora_protocol::form::{Answers, DeclarationForm, Question};

/// What the widget asks a person before checking them in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ask {
    /// No declaration yet (or nothing to compare with): the whole form, pre-filled with whatever
    /// is known.
    Everything,
    /// Their last declaration answers this form as it is: one tap to confirm.
    Confirm,
    /// Only these questions (by id, in form order): new since the version they answered, or
    /// their stored answer no longer passes. Follow-ups of these are asked when they apply.
    Only(Vec<String>),
}

/// What to ask someone whose last declaration is `last`, for the current `form`. `earlier` is
/// the form version they answered, if the widget has it (to tell which questions are new);
/// `current_year` is for birth years.
pub fn what_to_ask(
    form: &DeclarationForm,
    last: Option<&Declaration>,
    earlier: Option<&DeclarationForm>,
    current_year: u16,
) -> Ask {
    let Some(last) = last else {
        return Ask::Everything;
    };
    let kept = carried_answers(form, last);
    let mut ask: Vec<&str> = match form.validate(&kept, current_year) {
        Ok(_) => Vec::new(),
        Err(errors) => form
            .questions
            .iter()
            .filter(|q| errors.iter().any(|e| e.question == q.id))
            .map(|q| q.id.as_str())
            .collect(),
    };
    if last.form_version != form.version {
        let Some(earlier) = earlier.filter(|e| e.version == last.form_version) else {
            // Which questions are new is unknown: show them all, pre-filled.
            return Ask::Everything;
        };
        for question in form.new_since(earlier) {
            if form.shown(question, &kept) && !ask.contains(&question.id.as_str()) {
                ask.push(&question.id);
            }
        }
    }
    if ask.is_empty() {
        return Ask::Confirm;
    }
    // In form order.
    let ids = form
        .questions
        .iter()
        .filter(|q| ask.contains(&q.id.as_str()))
        .map(|q| q.id.clone())
        .collect();
    Ask::Only(ids)
}

/// The stored answers that still belong to `form` (answers to questions it dropped are left out).
pub fn carried_answers(form: &DeclarationForm, last: &Declaration) -> Answers {
    last.answers
        .iter()
        .filter(|(id, _)| form.question(id).is_some())
        .map(|(id, answer)| (id.clone(), answer.clone()))
        .collect()
}

/// Whether `question` is part of a partial form asking `only`: one of them, or a follow-up of
/// one of them (shown when its condition holds).
pub fn in_scope(form: &DeclarationForm, only: &[String], question: &Question) -> bool {
    let mut current = Some(question);
    // Bounded: a valid form's conditions point to earlier questions.
    for _ in 0..=form.questions.len() {
        let Some(q) = current else {
            return false;
        };
        if only.contains(&q.id) {
            return true;
        }
        current = q
            .show_if
            .as_ref()
            .and_then(|condition| form.question(&condition.question));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use vaora_protocol::form::{Answer, QuestionKind, Text};

    fn reference() -> DeclarationForm {
        serde_json::from_str(vaora_protocol::form::REFERENCE_FORM_JSON).unwrap()
    }

    fn answered(form: &DeclarationForm) -> Declaration {
        Declaration {
            form_version: form.version,
            answers: form.example_answers("00004"),
        }
    }

    /// The reference form republished as `version` with one more question.
    fn with_new_question(version: u32, required: bool) -> DeclarationForm {
        let mut form = reference();
        form.version = version;
        let consent = form
            .questions
            .iter()
            .position(|q| q.id == "consent")
            .unwrap();
        form.questions.insert(
            consent,
            Question {
                id: "vaccinated".into(),
                kind: QuestionKind::YesNo,
                label: Text::vi_en("Đã tiêm vắc-xin?", "Vaccinated?"),
                help: None,
                required,
                show_if: None,
            },
        );
        form
    }

    #[test]
    fn a_first_visit_asks_everything() {
        assert_eq!(what_to_ask(&reference(), None, None, 2026), Ask::Everything);
    }

    #[test]
    fn the_same_form_answered_before_needs_one_tap() {
        let form = reference();
        let last = answered(&form);
        assert_eq!(what_to_ask(&form, Some(&last), None, 2026), Ask::Confirm);
    }

    #[test]
    fn a_new_question_is_the_only_one_asked() {
        let old = reference();
        let last = answered(&old);
        for required in [true, false] {
            let new = with_new_question(2, required);
            assert_eq!(
                what_to_ask(&new, Some(&last), Some(&old), 2026),
                Ask::Only(vec!["vaccinated".into()]),
                "required: {required}"
            );
        }
    }

    #[test]
    fn without_the_earlier_form_everything_is_shown_prefilled() {
        let last = answered(&reference());
        let new = with_new_question(2, false);
        assert_eq!(what_to_ask(&new, Some(&last), None, 2026), Ask::Everything);
        // The wrong earlier version is as good as none.
        let mut other = reference();
        other.version = 7;
        assert_eq!(
            what_to_ask(&new, Some(&last), Some(&other), 2026),
            Ask::Everything
        );
    }

    #[test]
    fn a_stored_answer_that_no_longer_passes_is_asked_again() {
        let form = reference();
        let mut last = answered(&form);
        last.answers
            .insert("phone".into(), Answer::Text("12".into()));
        assert_eq!(
            what_to_ask(&form, Some(&last), None, 2026),
            Ask::Only(vec!["phone".into()])
        );
    }

    #[test]
    fn answers_to_dropped_questions_are_not_carried() {
        let form = reference();
        let mut last = answered(&form);
        last.answers
            .insert("dropped_question".into(), Answer::Bool(true));
        let kept = carried_answers(&form, &last);
        assert!(!kept.contains_key("dropped_question"));
        assert_eq!(what_to_ask(&form, Some(&last), None, 2026), Ask::Confirm);
    }

    #[test]
    fn follow_ups_belong_to_their_question() {
        let form = reference();
        let only = vec!["contact_case".to_owned()];
        let follow_up = form.question("contact_case_details").unwrap();
        assert!(follow_up.show_if.is_some());
        assert!(in_scope(&form, &only, follow_up));
        assert!(!in_scope(&form, &only, form.question("phone").unwrap()));
    }
}
