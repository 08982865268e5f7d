use super::*;
use crate::person_key::PersonKey;
use crate::staff::MaskedPerson;

fn date(year: u16, month: u8, day: u8) -> CalendarDate {
    CalendarDate::new(year, month, day).expect("a real date")
}

fn anh() -> PersonalCode {
    PersonalCode::new(
        "001190012345",
        "Nguyễn Thị Ánh",
        date(1990, 5, 17),
        Declarant::Holder,
    )
    .expect("valid details")
}

#[test]
fn a_full_code_is_written_in_field_order_and_read_back() {
    let code = anh()
        .with_qid("QID123")
        .and_then(|code| {
            code.with_extras(Extras {
                declarer_qid: "QID900".into(),
                gender: "NU".into(),
                insurance_number: "0123456789".into(),
                phone: "0912345678".into(),
                more: Vec::new(),
            })
        })
        .expect("valid extras");
    let payload = code.to_payload();
    assert_eq!(
        payload,
        "001190012345|NGUYEN THI ANH|1990-05-17|0|QID123|QID900<NU<0123456789<0912345678"
    );
    assert_eq!(PersonalCode::parse(&payload), Ok(code));
}

#[test]
fn empty_qid_and_extras_keep_all_six_fields_and_round_trip() {
    let code = anh();
    assert_eq!(
        code.to_payload(),
        "001190012345|NGUYEN THI ANH|1990-05-17|0||"
    );
    assert_eq!(PersonalCode::parse(&code.to_payload()), Ok(code));
}

#[test]
fn empty_leading_extras_keep_their_place_and_the_empty_tail_goes() {
    let code = PersonalCode::new(
        "012345678",
        "Lê Văn Tám",
        date(2015, 1, 2),
        Declarant::Other,
    )
    .and_then(|code| {
        code.with_extras(Extras {
            gender: "NAM".into(),
            ..Extras::default()
        })
    })
    .expect("valid");
    let payload = code.to_payload();
    assert_eq!(payload, "012345678|LE VAN TAM|2015-01-02|1||<NAM");
    let read = PersonalCode::parse(&payload).expect("reads back");
    assert_eq!(read.declarant(), Declarant::Other);
    assert_eq!(read.extras().gender, "NAM");
    assert_eq!(read, code);
}

#[test]
fn unknown_later_extras_survive_a_round_trip() {
    let payload = "001190012345|NGUYEN THI ANH|1990-05-17|0||<NU<<0912345678<FUTURE";
    let code = PersonalCode::parse(payload).expect("accepted");
    assert_eq!(code.extras().more, vec!["FUTURE".to_owned()]);
    assert_eq!(code.to_payload(), payload);
}

#[test]
fn input_is_read_liberally_where_it_is_harmless() {
    let expected = anh();
    for text in [
        "001190012345|NGUYEN THI ANH|1990-05-17|0||",
        "  001190012345 | NGUYEN THI ANH | 1990-05-17 | 0 | |  \n",
        "001190012345|NGUYEN THI ANH|1990-05-17|0|||",
        "001190012345|NGUYEN THI ANH|1990-05-17|0",
        "001190012345|NGUYEN THI ANH|1990-05-17|0|",
        "001190012345|Nguyễn Thị Ánh|1990-05-17|0||",
        "001190012345|nguyen  thi anh|1990-05-17|0||<<<",
    ] {
        assert_eq!(PersonalCode::parse(text), Ok(expected.clone()), "{text:?}");
    }
}

#[test]
fn malformed_codes_say_what_is_wrong() {
    use PersonalCodeError::*;
    for (text, err) in [
        ("", FieldCount),
        ("https://example.com", FieldCount),
        ("001190012345|NGUYEN THI ANH|1990-05-17", FieldCount),
        ("001190012345|NGUYEN THI ANH|1990-05-17|0|Q|E|X", FieldCount),
        ("001190012345|NGUYEN THI ANH|2023-02-30|0||", BirthDate),
        ("001190012345|NGUYEN THI ANH|1990-13-01|0||", BirthDate),
        ("001190012345|NGUYEN THI ANH|17/05/1990|0||", BirthDate),
        ("001190012345|NGUYEN THI ANH|1990-5-17|0||", BirthDate),
        ("001190012345|NGUYEN THI ANH|1990||0||", BirthDate),
        ("001190012345|NGUYEN THI ANH|1990-05-17|2||", Declarant),
        ("00119001234A|NGUYEN THI ANH|1990-05-17|0||", IdNumber),
        ("12345|NGUYEN THI ANH|1990-05-17|0||", IdNumber),
        ("|NGUYEN THI ANH|1990-05-17|0||", IdNumber),
        ("001190012345||1990-05-17|0||", Name),
        ("001190012345|1234|1990-05-17|0||", Name),
    ] {
        assert_eq!(PersonalCode::parse(text), Err(err), "{text:?}");
    }
}

#[test]
fn leap_days_exist_only_in_leap_years() {
    assert!(CalendarDate::parse_iso("2024-02-29").is_some());
    assert!(CalendarDate::parse_iso("2000-02-29").is_some());
    assert!(CalendarDate::parse_iso("1900-02-29").is_none());
    assert!(CalendarDate::parse_iso("2023-02-29").is_none());
    assert!(CalendarDate::parse_iso("2023-04-31").is_none());
    assert!(CalendarDate::parse_iso("2023-00-10").is_none());
    assert!(CalendarDate::parse_iso("2023-01-00").is_none());
    assert!(CalendarDate::parse_iso("+023-01-01").is_none());
    assert_eq!(CalendarDate::parse_dmy("29022024"), Some(date(2024, 2, 29)));
    assert!(CalendarDate::parse_dmy("30022024").is_none());
    assert!(CalendarDate::parse_dmy("1702199").is_none());
}

#[test]
fn a_passport_number_is_an_id_document_number_too() {
    let code = PersonalCode::new(
        "b 1234567",
        "John Smith",
        date(1980, 1, 1),
        Declarant::Holder,
    )
    .expect("a passport number");
    assert_eq!(code.id_number(), "B1234567");
    assert_eq!(PersonalCode::parse(&code.to_payload()), Ok(code));
}

#[test]
fn separators_in_a_qid_or_extra_are_refused_not_written() {
    assert_eq!(anh().with_qid("A|B"), Err(PersonalCodeError::Field));
    let extras = Extras {
        phone: "0912<345".into(),
        ..Extras::default()
    };
    assert_eq!(anh().with_extras(extras), Err(PersonalCodeError::Field));
}

#[test]
fn the_screen_shows_neither_the_first_six_id_digits_nor_day_and_month() {
    let masked = anh().masked();
    assert_eq!(masked.id_number, "••••••012345");
    assert_eq!(masked.birth_date, "••/••/1990");
    assert_eq!(masked.name, "NGUYEN THI ANH");
    let old = PersonalCode::new("012345678", "An", date(2001, 12, 31), Declarant::Holder)
        .expect("valid")
        .masked();
    assert_eq!(old.id_number, "••••••678");
    assert_eq!(old.birth_date, "••/••/2001");
    assert!(!old.birth_date.contains("31") && !old.birth_date.contains("12"));
}

#[test]
fn every_vietnamese_vowel_with_every_tone_folds_to_its_base_letter() {
    let groups = [
        ("aàáảãạăằắẳẵặâầấẩẫậ", 'A'),
        ("eèéẻẽẹêềếểễệ", 'E'),
        ("iìíỉĩị", 'I'),
        ("oòóỏõọôồốổỗộơờớởỡợ", 'O'),
        ("uùúủũụưừứửữự", 'U'),
        ("yỳýỷỹỵ", 'Y'),
        ("dđ", 'D'),
    ];
    for (letters, base) in groups {
        for letter in letters.chars() {
            let upper: String = letter.to_uppercase().collect();
            for input in [letter.to_string(), upper] {
                assert_eq!(fold_name(&input), base.to_string(), "{input:?}");
            }
        }
    }
}

#[test]
fn names_fold_to_capitals_without_diacritics() {
    assert_eq!(fold_name("Nguyễn Thị Ánh"), "NGUYEN THI ANH");
    assert_eq!(fold_name("  Đặng   Hữu Phước "), "DANG HUU PHUOC");
    assert_eq!(fold_name("TRƯƠNG Ngọc Ý"), "TRUONG NGOC Y");
    // Decomposed input (NFD): base letters followed by combining marks.
    assert_eq!(
        fold_name("Nguye\u{0302}\u{0303}n Thi\u{0323}"),
        "NGUYEN THI"
    );
    assert_eq!(fold_name("Ho\u{031B}\u{0300}ng"), "HONG");
}

const CCCD: &str =
    "001190012345|012345678|Nguyễn Thị Ánh|17051990|Nữ|12 Hàng Bạc, Hoàn Kiếm, Hà Nội|01082021";

#[test]
fn a_chip_id_card_code_is_read_with_its_old_id() {
    let card = CccdCode::parse(CCCD).expect("a card code");
    assert_eq!(card.id_number, "001190012345");
    assert_eq!(card.old_id_number.as_deref(), Some("012345678"));
    assert_eq!(card.full_name, "Nguyễn Thị Ánh");
    assert_eq!(card.birth_date, date(1990, 5, 17));
    assert_eq!(card.gender, "Nữ");
    assert_eq!(card.address, "12 Hàng Bạc, Hoàn Kiếm, Hà Nội");
    assert_eq!(card.issue_date, date(2021, 8, 1));
}

#[test]
fn a_chip_id_card_code_is_read_without_an_old_id() {
    let text = "079203001234||Trần Văn Bình|02012003|Nam|Quận 1, TP Hồ Chí Minh|15042021|";
    let card = CccdCode::parse(text).expect("a card code");
    assert_eq!(card.old_id_number, None);
    assert_eq!(card.birth_date, date(2003, 1, 2));
    let code = card.to_personal().expect("a personal code");
    assert_eq!(
        code.to_payload(),
        "079203001234|TRAN VAN BINH|2003-01-02|0||<NAM"
    );
}

#[test]
fn malformed_chip_id_card_codes_say_what_is_wrong() {
    use PersonalCodeError::*;
    let with = |index: usize, value: &str| {
        let mut fields: Vec<&str> = CCCD.split('|').collect();
        fields[index] = value;
        fields.join("|")
    };
    for (text, err) in [
        (with(0, "00119001234"), IdNumber),
        (with(0, "00119001234X"), IdNumber),
        (with(1, "01234567"), OldIdNumber),
        (with(1, "01234567A"), OldIdNumber),
        (with(2, ""), Name),
        (with(3, "30022023"), BirthDate),
        (with(3, "1990-05-17"), BirthDate),
        (with(4, ""), Gender),
        (with(6, "32012021"), IssueDate),
        (
            CCCD.rsplit_once('|')
                .map(|(head, _)| head.to_owned())
                .unwrap_or_default(),
            FieldCount,
        ),
        (format!("{CCCD}|extra"), FieldCount),
    ] {
        assert_eq!(CccdCode::parse(&text), Err(err), "{text:?}");
    }
}

#[test]
fn parse_personal_tells_the_formats_apart() {
    let national = anh().to_payload();
    assert_eq!(
        parse_personal(&national),
        Ok(ScannedPerson::National(anh()))
    );
    match parse_personal(CCCD) {
        Ok(ScannedPerson::Cccd(card)) => assert_eq!(card.id_number, "001190012345"),
        other => panic!("expected a card code, got {other:?}"),
    }
}

#[test]
fn parse_personal_says_what_is_wrong_with_the_format_meant() {
    use PersonalCodeError::*;
    assert_eq!(
        parse_personal("001190012345|NGUYEN THI ANH|2023-02-30|0||"),
        Err(BirthDate)
    );
    assert_eq!(
        parse_personal("001190012345||Nguyễn Thị Ánh|30022023|Nữ|Hà Nội|01082021"),
        Err(BirthDate)
    );
    assert_eq!(
        parse_personal("https://vaora.example/c#ABC"),
        Err(Unrecognized)
    );
    assert_eq!(
        parse_personal("a|b|c|d|e|f|g|h"),
        Err(PersonalCodeError::Unrecognized)
    );
    assert_eq!(parse_personal(""), Err(PersonalCodeError::Unrecognized));
}

#[test]
fn a_declaration_gives_what_it_knows_of_the_person() {
    let answers: Answers = [
        ("full_name", Answer::Text("Nguyễn Thị Ánh".into())),
        ("birth_year", Answer::Number(1990)),
        ("gender", Answer::Text("female".into())),
        ("phone", Answer::Text("+84 912 345 678".into())),
        ("insurance_number", Answer::Text("0123456789".into())),
        ("nationality", Answer::Text("Việt Nam".into())),
    ]
    .into_iter()
    .map(|(id, answer)| (id.to_owned(), answer))
    .collect();
    let person = DeclaredPerson::from_answers(&answers);
    assert_eq!(person.full_name.as_deref(), Some("Nguyễn Thị Ánh"));
    assert_eq!(person.id_number, None, "the ID number was not given");
    assert_eq!(person.birth_year, Some(1990));
    let extras = person.extras();
    assert_eq!(extras.gender, "NU");
    assert_eq!(extras.phone, "0912345678", "normalised");
    assert_eq!(extras.insurance_number, "0123456789");
}

#[test]
fn a_declaration_with_unusable_answers_gives_nothing_for_them() {
    let answers: Answers = [
        ("id_number", Answer::Text("12AB".into())),
        ("birth_year", Answer::Text("nineteen".into())),
        ("gender", Answer::Text("unknown".into())),
        ("phone", Answer::Text("12".into())),
    ]
    .into_iter()
    .map(|(id, answer)| (id.to_owned(), answer))
    .collect();
    assert_eq!(
        DeclaredPerson::from_answers(&answers),
        DeclaredPerson::default()
    );
    assert_eq!(DeclaredPerson::default().extras(), Extras::default());
}

fn text(answers: &Answers, id: &str) -> Option<String> {
    match answers.get(id) {
        Some(Answer::Text(text)) => Some(text.clone()),
        _ => None,
    }
}

fn declaration() -> Declaration {
    Declaration {
        form_version: 1,
        answers: [
            ("full_name", Answer::Text("Trần Thị Bích Ngọc".into())),
            ("id_number", Answer::Text("079301004567".into())),
            ("phone", Answer::Text("0987654321".into())),
            ("birth_year", Answer::Number(2001)),
            ("symptoms", Answer::Many(vec!["cough".into()])),
            ("consent", Answer::Bool(true)),
        ]
        .into_iter()
        .map(|(id, answer)| (id.to_owned(), answer))
        .collect(),
    }
}

#[test]
fn a_vaora_code_carries_the_whole_declaration_and_reads_back() {
    let code = vaora_personal_code(&declaration());
    assert!(code.starts_with("VAORA:P1:"), "{code}");
    let payload = &code["VAORA:P1:".len()..];
    assert!(
        payload
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "base64url without padding: {payload}"
    );
    assert_eq!(
        parse_personal(&code),
        Ok(ScannedPerson::Vaora(declaration()))
    );
    // Whitespace a scanner adds around the text is harmless.
    assert_eq!(
        parse_personal(&format!(" {code}\n")),
        Ok(ScannedPerson::Vaora(declaration()))
    );
}

#[test]
fn a_broken_vaora_code_says_what_is_wrong() {
    use PersonalCodeError::{Declaration as NoDeclaration, Encoding};
    assert_eq!(parse_personal("VAORA:P1:***"), Err(Encoding));
    assert_eq!(parse_personal("VAORA:P1:e30="), Err(Encoding), "padding");
    let encode = |json: &str| {
        format!(
            "VAORA:P1:{}",
            base64ct::Base64UrlUnpadded::encode_string(json.as_bytes())
        )
    };
    use base64ct::Encoding as _;
    assert_eq!(parse_personal(&encode("not json")), Err(NoDeclaration));
    assert_eq!(
        parse_personal(&encode(r#"{"answers":{}}"#)),
        Err(NoDeclaration),
        "no form version"
    );
    assert_eq!(
        parse_personal(&encode(r#"{"form_version":1,"answers":{},"x":1}"#)),
        Err(NoDeclaration),
        "unknown field"
    );
    assert_eq!(
        parse_personal(&encode(r#"{"form_version":1,"answers":{}}"#)),
        Ok(ScannedPerson::Vaora(Declaration {
            form_version: 1,
            answers: Answers::new()
        }))
    );
    assert_eq!(
        parse_personal("VAORA:P2:e30"),
        Err(PersonalCodeError::Unrecognized)
    );
}

#[test]
fn a_national_code_gives_its_identity_keys_and_mask() {
    let code = anh()
        .with_extras(Extras {
            gender: "NU".into(),
            insurance_number: "DN4010123456789".into(),
            phone: "+84 912 345 678".into(),
            ..Extras::default()
        })
        .expect("valid extras");
    let person = parse_personal(&code.to_payload()).expect("reads back");
    let answers = person.answers();
    assert_eq!(
        text(&answers, "full_name").as_deref(),
        Some("NGUYEN THI ANH")
    );
    assert_eq!(text(&answers, "id_number").as_deref(), Some("001190012345"));
    assert_eq!(answers.get("birth_year"), Some(&Answer::Number(1990)));
    assert_eq!(text(&answers, "gender").as_deref(), Some("female"));
    assert_eq!(text(&answers, "phone").as_deref(), Some("0912345678"));
    assert_eq!(
        text(&answers, "insurance_number").as_deref(),
        Some("DN4010123456789")
    );
    assert_eq!(answers.len(), 6, "{answers:?}");
    assert_eq!(
        person.keys(),
        vec![
            PersonKey::IdNumber("001190012345".into()),
            PersonKey::Phone("0912345678".into())
        ]
    );
    assert_eq!(
        person.masked(),
        MaskedPerson {
            name: "N. T. ANH".into(),
            id_number: Some("••••••012345".into())
        }
    );
}

#[test]
fn a_national_code_leaves_out_extras_a_form_would_refuse() {
    let code = anh()
        .with_extras(Extras {
            gender: "X".into(),
            insurance_number: "123".into(),
            phone: "12345".into(),
            ..Extras::default()
        })
        .expect("valid extras");
    let answers = ScannedPerson::National(code).answers();
    let mut ids: Vec<&str> = answers.keys().map(String::as_str).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["birth_year", "full_name", "id_number"]);
}

#[test]
fn a_chip_id_card_gives_its_identity_keys_and_mask() {
    let person = parse_personal(CCCD).expect("a card code");
    let answers = person.answers();
    assert_eq!(
        text(&answers, "full_name").as_deref(),
        Some("Nguyễn Thị Ánh")
    );
    assert_eq!(text(&answers, "id_number").as_deref(), Some("001190012345"));
    assert_eq!(answers.get("birth_year"), Some(&Answer::Number(1990)));
    assert_eq!(text(&answers, "gender").as_deref(), Some("female"));
    assert_eq!(answers.len(), 4, "{answers:?}");
    assert_eq!(
        person.keys(),
        vec![PersonKey::IdNumber("001190012345".into())]
    );
    assert_eq!(person.masked().name, "N. T. ANH");
    assert_eq!(person.masked().id_number.as_deref(), Some("••••••012345"));
}

#[test]
fn a_vaora_code_gives_its_declarations_answers_keys_and_mask() {
    let person = parse_personal(&vaora_personal_code(&declaration())).expect("reads back");
    assert_eq!(person.answers(), declaration().answers);
    assert_eq!(
        person.keys(),
        vec![
            PersonKey::IdNumber("079301004567".into()),
            PersonKey::Phone("0987654321".into())
        ]
    );
    assert_eq!(
        person.masked(),
        MaskedPerson {
            name: "T. T. B. NGOC".into(),
            id_number: Some("••••••004567".into())
        }
    );
}

#[test]
fn masks_of_short_or_missing_names_and_ids() {
    let masked = |pairs: &[(&str, &str)]| {
        MaskedPerson::of_answers(
            &pairs
                .iter()
                .map(|(id, text)| ((*id).to_owned(), Answer::Text((*text).to_owned())))
                .collect(),
        )
    };
    assert_eq!(masked(&[("full_name", "  An  ")]).name, "AN");
    assert_eq!(masked(&[("full_name", "lê   văn tám")]).name, "L. V. TAM");
    assert_eq!(masked(&[]), MaskedPerson::default());
    assert_eq!(
        masked(&[("id_number", "C1234567")]).id_number.as_deref(),
        Some("••••••67")
    );
}
