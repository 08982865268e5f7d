//! Administrative units as data: the CSV format (`code,name,type,parent`, any depth, parents in
//! any order) and its checks. Vietnam changed from 3 levels (63 provinces, ~10,600 communes) to 2
//! (34 provinces, 3,321 communes) in July 2025; both shapes load.

use std::collections::{HashMap, HashSet};

use vaora_protocol::api::{Unit, UNIT_CODE_MAX_CHARS};

/// Longest unit name accepted.
const NAME_MAX_CHARS: usize = 120;

/// Parses and checks a whole unit set: a header row `code,name,type,parent`, then one unit per
/// row; codes are digits and unique; every parent exists; no unit is its own ancestor. Errors
/// name the line.
pub fn parse_csv(text: &str) -> Result<Vec<Unit>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|err| format!("header: {err}"))?;
    let expected = ["code", "name", "type", "parent"];
    if headers.iter().collect::<Vec<_>>() != expected {
        return Err(format!(
            "the header must be `{}`, not `{}`",
            expected.join(","),
            headers.iter().collect::<Vec<_>>().join(",")
        ));
    }
    let mut units = Vec::new();
    let mut seen = HashSet::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = record.map_err(|err| format!("line {line}: {err}"))?;
        let field = |i: usize| record.get(i).unwrap_or_default().to_owned();
        let (code, name, kind, parent) = (field(0), field(1), field(2), field(3));
        if !is_unit_code(&code) {
            return Err(format!("line {line}: code {code:?} is not 1 to 10 digits"));
        }
        if name.is_empty() || name.chars().count() > NAME_MAX_CHARS {
            return Err(format!(
                "line {line}: the name must have 1 to 120 characters"
            ));
        }
        if kind.is_empty() || kind.chars().count() > NAME_MAX_CHARS {
            return Err(format!(
                "line {line}: the type must have 1 to 120 characters"
            ));
        }
        if !parent.is_empty() && !is_unit_code(&parent) {
            return Err(format!("line {line}: parent {parent:?} is not a unit code"));
        }
        if !seen.insert(code.clone()) {
            return Err(format!("line {line}: code {code} appears twice"));
        }
        units.push(Unit {
            code,
            name,
            kind,
            parent: (!parent.is_empty()).then_some(parent),
        });
    }
    if units.is_empty() {
        return Err("the file has no units".into());
    }
    check_tree(&units)?;
    Ok(units)
}

/// Whether `code` can be a unit code.
pub fn is_unit_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= UNIT_CODE_MAX_CHARS
        && code.bytes().all(|b| b.is_ascii_digit())
}

/// Every parent exists and every chain of parents ends at the top.
fn check_tree(units: &[Unit]) -> Result<(), String> {
    let parent_of: HashMap<&str, Option<&str>> = units
        .iter()
        .map(|u| (u.code.as_str(), u.parent.as_deref()))
        .collect();
    for unit in units {
        let mut steps = 0;
        let mut current = unit.parent.as_deref();
        while let Some(code) = current {
            current = *parent_of
                .get(code)
                .ok_or_else(|| format!("unit {}: parent {code} is not in the file", unit.code))?;
            steps += 1;
            if steps > units.len() {
                return Err(format!("unit {} is its own ancestor", unit.code));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_LEVELS: &str = "code,name,type,parent
01,Thành phố Hà Nội,thành phố trung ương,
00070,Phường Hoàn Kiếm,phường,01
00073,Phường Cửa Nam,phường,01
04,Cao Bằng,tỉnh,
";

    #[test]
    fn the_2025_shape_loads_with_children_before_or_after_parents() {
        let units = parse_csv(TWO_LEVELS).expect("valid");
        assert_eq!(units.len(), 4);
        assert_eq!(units[1].parent.as_deref(), Some("01"));
        assert_eq!(units[0].parent, None);
        let reversed =
            "code,name,type,parent\n00070,Phường Hoàn Kiếm,phường,01\n01,Hà Nội,thành phố,\n";
        assert!(parse_csv(reversed).is_ok(), "a child may come first");
    }

    #[test]
    fn the_three_level_shape_loads_too() {
        let units = parse_csv(
            "code,name,type,parent
01,Thành phố Hà Nội,thành phố trung ương,
282,Huyện Mỹ Đức,huyện,01
10474,Thị trấn Đại Nghĩa,thị trấn,282
",
        )
        .expect("valid");
        assert_eq!(units[2].parent.as_deref(), Some("282"));
    }

    #[test]
    fn bad_files_are_refused_with_the_line() {
        let bad = |text: &str| parse_csv(text).expect_err("refused");
        assert!(bad("id,name\n1,x\n").contains("header"));
        assert!(bad("code,name,type,parent\n").contains("no units"));
        assert!(bad("code,name,type,parent\n0A,Hà Nội,tỉnh,\n").contains("line 2"));
        assert!(bad("code,name,type,parent\n01,,tỉnh,\n").contains("name"));
        assert!(bad("code,name,type,parent\n01,Hà Nội,tỉnh,\n01,Hà Nội,tỉnh,\n").contains("twice"));
        assert!(
            bad("code,name,type,parent\n00070,Hoàn Kiếm,phường,01\n").contains("not in the file")
        );
        assert!(bad("code,name,type,parent\n1,A,x,2\n2,B,x,1\n").contains("own ancestor"));
    }

    #[test]
    fn quoted_names_with_commas_are_one_field() {
        let units =
            parse_csv("code,name,type,parent\n01,\"Hà Nội, thủ đô\",thành phố,\n").expect("valid");
        assert_eq!(units[0].name, "Hà Nội, thủ đô");
    }
}
