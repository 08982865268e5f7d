//! The people this device checks in: the visitor ("me") and the dependants they added
//! (children, elderly parents), each with their own last declaration. Kept only on the device.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;
use vaora_protocol::declaration::Declaration;
use vaora_protocol::form::Answer;

/// Who a person is to the device's owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The owner of the phone: declares for themself.
    Me,
    /// Someone the owner declares for.
    Dependant,
}

/// One person and what they last declared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// A random id, local to this device (never sent).
    pub id: Uuid,
    pub relation: Relation,
    /// The answers of their last check-in, to the form version they answered.
    #[serde(default)]
    pub declaration: Option<Declaration>,
    /// When they last declared or confirmed (unix ms).
    #[serde(default)]
    pub declared_at: Option<i64>,
    /// Details given only for the personal QR ("My QR"), by field name; never sent.
    #[serde(default)]
    pub qr_details: BTreeMap<String, String>,
}

impl Person {
    /// A person who has not declared yet.
    pub fn new(id: Uuid, relation: Relation) -> Person {
        Person {
            id,
            relation,
            declaration: None,
            declared_at: None,
            qr_details: BTreeMap::new(),
        }
    }

    /// Their name as last declared, if any.
    pub fn name(&self) -> Option<&str> {
        match self.declaration.as_ref()?.answers.get("full_name") {
            Some(Answer::Text(name)) if !name.trim().is_empty() => Some(name.trim()),
            _ => None,
        }
    }

    /// Remembers what they declared at `now` (answers already validated).
    pub fn declared(&mut self, declaration: Declaration, now: i64) {
        self.declaration = Some(declaration);
        self.declared_at = Some(now);
    }
}

/// Everyone on this device, the owner first, then dependants in the order they were added.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct People {
    people: Vec<Person>,
}

impl People {
    /// The people read back from storage, in any order; a second "me" (two tabs that each made
    /// one) becomes a dependant rather than being lost.
    pub fn from_stored(mut stored: Vec<Person>) -> People {
        // Oldest declaration first among owners: the one declared earliest stays "me".
        stored.sort_by_key(|p| {
            (
                p.relation != Relation::Me,
                p.declared_at.unwrap_or(i64::MAX),
            )
        });
        let mut seen_me = false;
        for person in &mut stored {
            if person.relation == Relation::Me {
                if seen_me {
                    person.relation = Relation::Dependant;
                }
                seen_me = true;
            }
        }
        People { people: stored }
    }

    pub fn all(&self) -> &[Person] {
        &self.people
    }

    pub fn get(&self, id: Uuid) -> Option<&Person> {
        self.people.iter().find(|p| p.id == id)
    }

    pub fn get_mut(&mut self, id: Uuid) -> Option<&mut Person> {
        self.people.iter_mut().find(|p| p.id == id)
    }

    /// The owner, created with `new_id` if this device has none yet.
    pub fn me(&mut self, new_id: Uuid) -> &mut Person {
        let index = match self.people.iter().position(|p| p.relation == Relation::Me) {
            Some(index) => index,
            None => {
                self.people.insert(0, Person::new(new_id, Relation::Me));
                0
            }
        };
        &mut self.people[index]
    }

    /// Stores `person`, replacing the one with the same id.
    pub fn put(&mut self, person: Person) {
        match self.people.iter_mut().find(|p| p.id == person.id) {
            Some(existing) => *existing = person,
            None if person.relation == Relation::Me => self.people.insert(0, person),
            None => self.people.push(person),
        }
    }

    /// Adds a dependant (declared at their first check-in) and returns them.
    pub fn add_dependant(&mut self, id: Uuid) -> &mut Person {
        self.people.push(Person::new(id, Relation::Dependant));
        let last = self.people.len() - 1;
        &mut self.people[last]
    }

    /// Forgets a dependant; the owner cannot be removed this way (only "Delete my data").
    pub fn remove_dependant(&mut self, id: Uuid) -> bool {
        let before = self.people.len();
        self.people
            .retain(|p| p.id != id || p.relation == Relation::Me);
        self.people.len() != before
    }

    /// Whether anyone besides the owner is here (then the visitor chooses who is checking in).
    pub fn has_dependants(&self) -> bool {
        self.people
            .iter()
            .any(|p| p.relation == Relation::Dependant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> Uuid {
        Uuid::from_bytes([n; 16])
    }

    fn declared(name: &str) -> Declaration {
        Declaration {
            form_version: 1,
            answers: [("full_name".to_owned(), Answer::Text(name.to_owned()))].into(),
        }
    }

    #[test]
    fn the_owner_is_made_once_and_comes_first() {
        let mut people = People::default();
        people.add_dependant(id(2));
        assert_eq!(people.me(id(1)).id, id(1));
        assert_eq!(
            people.me(id(9)).id,
            id(1),
            "a second call finds the same owner"
        );
        assert_eq!(people.all()[0].relation, Relation::Me);
        assert!(people.has_dependants());
    }

    #[test]
    fn the_owner_cannot_be_removed_as_a_dependant() {
        let mut people = People::default();
        people.me(id(1));
        people.add_dependant(id(2));
        assert!(!people.remove_dependant(id(1)));
        assert!(people.remove_dependant(id(2)));
        assert!(!people.has_dependants());
        assert_eq!(people.all().len(), 1);
    }

    #[test]
    fn two_owners_from_two_tabs_keep_both_people() {
        let mut first = Person::new(id(1), Relation::Me);
        first.declared(declared("Nguyễn Thị Ánh"), 100);
        let mut second = Person::new(id(2), Relation::Me);
        second.declared(declared("Trần Văn Bình"), 200);
        let people = People::from_stored(vec![second, first]);
        assert_eq!(people.all().len(), 2);
        assert_eq!(people.all()[0].id, id(1));
        assert_eq!(people.all()[0].relation, Relation::Me);
        assert_eq!(people.all()[1].relation, Relation::Dependant);
    }

    #[test]
    fn the_name_is_the_last_declared_one() {
        let mut person = Person::new(id(1), Relation::Dependant);
        assert_eq!(person.name(), None);
        person.declared(declared("  Bé An "), 5);
        assert_eq!(person.name(), Some("Bé An"));
        assert_eq!(person.declared_at, Some(5));
    }

    #[test]
    fn people_survive_storage_as_json() {
        let mut people = People::default();
        people.me(id(1)).declared(declared("Nguyễn Thị Ánh"), 7);
        people
            .add_dependant(id(2))
            .qr_details
            .insert("birth_date".into(), "2018-03-04".into());
        let json = serde_json::to_string(people.all()).unwrap();
        let back = People::from_stored(serde_json::from_str(&json).unwrap());
        assert_eq!(back, people);
    }
}
