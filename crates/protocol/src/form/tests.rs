use super::*;

const YEAR: u16 = 2026;

fn reference() -> DeclarationForm {
    serde_json::from_str(REFERENCE_FORM_JSON).expect("the reference form parses")
}

/// Answers that satisfy the reference form with no follow-up question shown.
fn valid() -> Answers {
    let mut answers = Answers::new();
    let mut put = |id: &str, answer: Answer| {
        answers.insert(id.to_owned(), answer);
    };
    put("full_name", Answer::Text("  Nguyễn   Thị Ánh ".into()));
    put("birth_year", Answer::Number(1990));
    put("gender", Answer::Text("female".into()));
    put("nationality", Answer::Text("Việt Nam".into()));
    put("residence_unit", Answer::Text("01.00004".into()));
    put("address", Answer::Text("12 Hàng Bạc".into()));
    put("phone", Answer::Text("+84 912 345 678".into()));
    put("symptoms", Answer::Many(vec!["cough".into()]));
    put("contact_case", Answer::Bool(false));
    put("contact_affected_country", Answer::Bool(false));
    put("contact_symptomatic", Answer::Bool(false));
    put("consent", Answer::Bool(true));
    answers
}

fn problems(answers: &Answers) -> Vec<(String, Problem)> {
    match reference().validate(answers, YEAR) {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .into_iter()
            .map(|e| (e.question, e.problem))
            .collect(),
    }
}

fn with(id: &str, answer: Answer) -> Answers {
    let mut answers = valid();
    answers.insert(id.to_owned(), answer);
    answers
}

#[test]
fn the_reference_form_is_publishable_and_has_every_field_of_the_spec() {
    let form = reference();
    assert_eq!(form.check(), Ok(()));
    for id in [
        "full_name",
        "id_number",
        "birth_year",
        "gender",
        "nationality",
        "residence_unit",
        "address",
        "phone",
        "insurance_number",
        "places_transited",
        "symptoms",
        "symptoms_other",
        "contact_case",
        "contact_affected_country",
        "contact_symptomatic",
        "consent",
        "false_declaration_warning",
    ] {
        let question = form
            .question(id)
            .unwrap_or_else(|| panic!("{id} is missing"));
        assert!(!question.label.get("en").is_empty(), "{id} has no English");
        assert_ne!(question.label.get("en"), question.label.get("vi"), "{id}");
    }
    let Some(QuestionKind::Choice {
        options,
        multiple: true,
    }) = form.question("symptoms").map(|q| &q.kind)
    else {
        panic!("symptoms is a multiple choice");
    };
    let symptoms: Vec<&str> = options.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(
        symptoms,
        [
            "fever",
            "cough",
            "breathing_difficulty",
            "pneumonia",
            "sore_throat",
            "fatigue",
            "other"
        ]
    );
}

#[test]
fn the_reference_form_survives_a_round_trip() {
    let form = reference();
    let json = serde_json::to_string(&form).unwrap();
    assert_eq!(
        serde_json::from_str::<DeclarationForm>(&json).unwrap(),
        form
    );
}

#[test]
fn valid_answers_come_back_normalised() {
    let accepted = reference().validate(&valid(), YEAR).expect("valid");
    assert_eq!(accepted["full_name"], Answer::Text("Nguyễn Thị Ánh".into()));
    assert_eq!(accepted["phone"], Answer::Text("0912345678".into()));
    assert_eq!(accepted.len(), valid().len());
}

#[test]
fn missing_required_answers_are_each_reported_in_question_order() {
    let mut answers = valid();
    answers.remove("phone");
    answers.remove("full_name");
    answers.insert("address".into(), Answer::Text("   ".into()));
    assert_eq!(
        problems(&answers),
        [
            ("full_name".to_owned(), Problem::Required),
            ("address".to_owned(), Problem::Required),
            ("phone".to_owned(), Problem::Required),
        ]
    );
}

#[test]
fn follow_up_questions_are_asked_only_when_their_condition_holds() {
    // Contact with a case: the details become required.
    assert_eq!(
        problems(&with("contact_case", Answer::Bool(true))),
        [("contact_case_details".to_owned(), Problem::Required)]
    );
    // "Other symptoms" picked among others: say which.
    let other = with(
        "symptoms",
        Answer::Many(vec!["fever".into(), "other".into()]),
    );
    assert_eq!(
        problems(&other),
        [("symptoms_other".to_owned(), Problem::Required)]
    );
    // A follow-up answered while hidden is dropped, not stored.
    let hidden = with("contact_case_details", Answer::Text("chợ, 12/8".into()));
    let accepted = reference().validate(&hidden, YEAR).expect("valid");
    assert!(!accepted.contains_key("contact_case_details"));
}

#[test]
fn answers_of_the_wrong_kind_or_outside_the_options_are_refused() {
    assert_eq!(
        problems(&with("contact_case", Answer::Text("no".into()))),
        [("contact_case".to_owned(), Problem::WrongType)]
    );
    assert_eq!(
        problems(&with("gender", Answer::Text("robot".into()))),
        [("gender".to_owned(), Problem::UnknownChoice)]
    );
    assert_eq!(
        problems(&with(
            "symptoms",
            Answer::Many(vec!["cough".into(), "cough".into()])
        )),
        [("symptoms".to_owned(), Problem::UnknownChoice)]
    );
    assert_eq!(
        problems(&with("birth_year", Answer::Number(2031))),
        [("birth_year".to_owned(), Problem::OutOfRange)]
    );
    assert_eq!(
        problems(&with("consent", Answer::Bool(false))),
        [("consent".to_owned(), Problem::ConsentRequired)]
    );
    let mut unticked = valid();
    unticked.remove("consent");
    assert_eq!(
        problems(&unticked),
        [("consent".to_owned(), Problem::ConsentRequired)]
    );
    assert_eq!(
        problems(&with("favourite_colour", Answer::Text("blue".into()))),
        [("favourite_colour".to_owned(), Problem::UnknownQuestion)]
    );
    assert_eq!(
        problems(&with("false_declaration_warning", Answer::Bool(true))),
        [(
            "false_declaration_warning".to_owned(),
            Problem::UnknownQuestion
        )]
    );
}

#[test]
fn identity_numbers_have_their_formats() {
    for good in ["012345678", "001099012345", "C1234567", "B12345678"] {
        assert_eq!(
            problems(&with("id_number", Answer::Text(good.into()))),
            [],
            "{good}"
        );
    }
    for bad in ["12345", "00109901234", "c1234567", "CCCD 001"] {
        assert_eq!(
            problems(&with("id_number", Answer::Text(bad.into()))),
            [("id_number".to_owned(), Problem::InvalidFormat)],
            "{bad}"
        );
    }
    for good in ["0123456789", "DN4010123456789"] {
        assert_eq!(
            problems(&with("insurance_number", Answer::Text(good.into()))),
            []
        );
    }
    assert_eq!(
        problems(&with("insurance_number", Answer::Text("DN40101234".into()))),
        [("insurance_number".to_owned(), Problem::InvalidFormat)]
    );
}

#[test]
fn forms_that_cannot_be_published_say_why() {
    let mut no_version = reference();
    no_version.version = 0;
    assert_eq!(no_version.check(), Err(FormError::NoVersion));

    let mut twice = reference();
    let copy = twice.questions[1].clone();
    twice.questions.push(copy);
    assert_eq!(twice.check(), Err(FormError::BadId("id_number".into())));

    let mut untranslated = reference();
    untranslated.questions[2].label = Text(BTreeMap::from([("en".into(), "Year".into())]));
    assert_eq!(
        untranslated.check(),
        Err(FormError::Untranslated("birth_year".into()))
    );

    let mut no_phone = reference();
    no_phone.questions.retain(|q| q.id != "phone");
    assert_eq!(no_phone.check(), Err(FormError::CoreQuestion("phone")));

    let mut optional_consent = reference();
    if let Some(q) = optional_consent
        .questions
        .iter_mut()
        .find(|q| q.id == "consent")
    {
        q.required = false;
    }
    assert_eq!(
        optional_consent.check(),
        Err(FormError::CoreQuestion("consent"))
    );

    // A condition on a later question, or on an answer the question cannot have.
    let mut forward = reference();
    let details = forward
        .questions
        .iter()
        .position(|q| q.id == "contact_case_details");
    let details = forward.questions.remove(details.unwrap());
    forward.questions.insert(0, details);
    assert_eq!(
        forward.check(),
        Err(FormError::BadCondition("contact_case_details".into()))
    );
    let mut impossible = reference();
    if let Some(q) = impossible
        .questions
        .iter_mut()
        .find(|q| q.id == "symptoms_other")
    {
        q.show_if = Some(Condition {
            question: "symptoms".into(),
            is: Answer::Text("headache".into()),
        });
    }
    assert_eq!(
        impossible.check(),
        Err(FormError::BadCondition("symptoms_other".into()))
    );
}

#[test]
fn a_new_version_asks_returning_visitors_only_what_is_new() {
    let v1 = reference();
    let mut v2 = reference();
    v2.version = 2;
    v2.questions.insert(
        3,
        Question {
            id: "vaccinated".into(),
            kind: QuestionKind::YesNo,
            label: Text::vi_en("Anh/chị đã tiêm vắc-xin chưa?", "Have you been vaccinated?"),
            help: None,
            required: true,
            show_if: None,
        },
    );
    assert_eq!(v2.check(), Ok(()));
    let new: Vec<&str> = v2.new_since(&v1).iter().map(|q| q.id.as_str()).collect();
    assert_eq!(new, ["vaccinated"]);
    assert!(v1.new_since(&v1).is_empty());
}

#[test]
fn texts_fall_back_to_vietnamese() {
    let text = Text::vi_en("Họ và tên", "Full name");
    assert_eq!(text.get("en"), "Full name");
    assert_eq!(text.get("fr"), "Họ và tên");
}

#[test]
fn example_answers_pass_the_form_they_were_made_for() {
    let v1 = reference();
    let answers = v1.example_answers("01");
    assert_eq!(
        v1.validate(&answers, YEAR).map(|a| a.len()),
        Ok(answers.len())
    );
    assert!(answers.contains_key("consent") && answers.contains_key("phone"));
    let mut v2 = reference();
    v2.version = 2;
    v2.questions.push(Question {
        id: "visit_reason".into(),
        kind: QuestionKind::Choice {
            options: vec![ChoiceOption {
                id: "work".into(),
                label: Text::vi_en("Công việc", "Work"),
            }],
            multiple: false,
        },
        label: Text::vi_en("Lý do đến", "Reason for the visit"),
        help: None,
        required: true,
        show_if: None,
    });
    let answers = v2.example_answers("01");
    assert_eq!(answers["visit_reason"], Answer::Text("work".into()));
    assert!(v2.validate(&answers, YEAR).is_ok());
}

#[test]
fn identity_answers_are_checked_field_by_field_without_required_questions() {
    let mut answers = Answers::new();
    answers.insert("full_name".into(), Answer::Text(" NGUYEN  VAN AN ".into()));
    answers.insert("id_number".into(), Answer::Text("001099012345".into()));
    answers.insert("birth_year".into(), Answer::Number(1999));
    let accepted = reference()
        .validate_given(&answers, YEAR)
        .expect("identity answers pass");
    assert_eq!(
        accepted.get("full_name"),
        Some(&Answer::Text("NGUYEN VAN AN".into()))
    );
    assert_eq!(accepted.len(), 3, "nothing else is required");

    answers.insert("birth_year".into(), Answer::Number(1700));
    answers.insert("nickname".into(), Answer::Text("An".into()));
    let errors = reference()
        .validate_given(&answers, YEAR)
        .expect_err("a bad year and an unknown question");
    let mut problems: Vec<(String, Problem)> = errors
        .into_iter()
        .map(|e| (e.question, e.problem))
        .collect();
    problems.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        problems,
        vec![
            ("birth_year".to_owned(), Problem::OutOfRange),
            ("nickname".to_owned(), Problem::UnknownQuestion)
        ]
    );
}
