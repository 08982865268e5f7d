//! `openapi.json` is the protocol's source of truth: the JSON Schema of every wire type the
//! Rust code (de)serialises must equal its schema there (descriptions aside), so the two cannot
//! drift. On a mismatch the test prints the schema the Rust type has now.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value};
use vaora_protocol::api::{
    AccessLog, ApiError, CheckInReceipt, CheckInRecord, CheckInRequest, CheckOutReceipt,
    CheckOutRequest, ClientConfig, IssuedToken, KeySet, PosterBatch, ProgrammeStatus, PurgeLog,
    RegisteredVenue, RegisteredVenues, RevokedVenue, TokenList, TokenRequest, TraceReport,
    UnitImport, UnitList, VenueActivityReport, VenueLookup, VenueRegistration,
};
use vaora_protocol::form::DeclarationForm;
use vaora_protocol::reports::{SilentVenues, UnitDashboard, ZeroScanList};
use vaora_protocol::staff::{
    CloseDay, ClosedDay, InvitationAcceptance, StaffCheckInReceipt, StaffCheckInRequest,
    StaffCheckOutReceipt, StaffCheckOutRequest, StaffInvitation, StaffInvitationRequest,
    StaffVenue,
};
use vaora_protocol::tracing::{CaseQueryLog, CaseTrace, CaseTraceRequest, CheckInReads};

/// The document, as the server serves it at `/v1/openapi.json`.
const OPENAPI: &str = vaora_server::routes::OPENAPI_JSON;

/// Every schema the Rust types produce, named as in `#/components/schemas`.
fn generated() -> Map<String, Value> {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    let mut generator = SchemaGenerator::new(settings);
    fn add<T: JsonSchema>(generator: &mut SchemaGenerator) {
        let _ = generator.subschema_for::<T>();
    }
    add::<CheckInRequest>(&mut generator);
    add::<CheckInReceipt>(&mut generator);
    add::<CheckInRecord>(&mut generator);
    add::<VenueLookup>(&mut generator);
    add::<ApiError>(&mut generator);
    add::<ClientConfig>(&mut generator);
    add::<VenueRegistration>(&mut generator);
    add::<RegisteredVenue>(&mut generator);
    add::<RegisteredVenues>(&mut generator);
    add::<KeySet>(&mut generator);
    add::<ProgrammeStatus>(&mut generator);
    add::<RevokedVenue>(&mut generator);
    add::<PurgeLog>(&mut generator);
    add::<AccessLog>(&mut generator);
    add::<UnitList>(&mut generator);
    add::<UnitImport>(&mut generator);
    add::<CheckOutReceipt>(&mut generator);
    add::<CheckOutRequest>(&mut generator);
    add::<VenueActivityReport>(&mut generator);
    add::<TokenRequest>(&mut generator);
    add::<IssuedToken>(&mut generator);
    add::<TokenList>(&mut generator);
    add::<TraceReport>(&mut generator);
    add::<DeclarationForm>(&mut generator);
    add::<PosterBatch>(&mut generator);
    // Venue staff (optional part of the protocol).
    add::<StaffCheckInRequest>(&mut generator);
    add::<StaffCheckInReceipt>(&mut generator);
    add::<StaffCheckOutRequest>(&mut generator);
    add::<StaffCheckOutReceipt>(&mut generator);
    add::<StaffVenue>(&mut generator);
    add::<CloseDay>(&mut generator);
    add::<ClosedDay>(&mut generator);
    add::<StaffInvitationRequest>(&mut generator);
    add::<StaffInvitation>(&mut generator);
    add::<InvitationAcceptance>(&mut generator);
    add::<CaseTraceRequest>(&mut generator);
    add::<CaseTrace>(&mut generator);
    add::<CaseQueryLog>(&mut generator);
    add::<CheckInReads>(&mut generator);
    add::<UnitDashboard>(&mut generator);
    add::<ZeroScanList>(&mut generator);
    add::<SilentVenues>(&mut generator);
    generator.take_definitions(true).into_iter().collect()
}

/// The schema without prose, which may differ (the document explains more).
fn without_prose(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| !matches!(key.as_str(), "description" | "title" | "examples"))
                .map(|(key, value)| (key.clone(), without_prose(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_prose).collect()),
        other => other.clone(),
    }
}

#[test]
fn every_wire_type_matches_its_schema_in_openapi_json() {
    let document: Value = serde_json::from_str(OPENAPI).expect("openapi.json is JSON");
    assert_eq!(document["openapi"], "3.1.0");
    let documented = document["components"]["schemas"]
        .as_object()
        .expect("components.schemas");
    let mut drifted = Vec::new();
    for (name, schema) in generated() {
        let matches = documented
            .get(&name)
            .is_some_and(|doc| without_prose(doc) == without_prose(&schema));
        if !matches {
            eprintln!(
                "{name}: the Rust type's schema is\n{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            drifted.push(name);
        }
    }
    assert!(
        drifted.is_empty(),
        "openapi.json differs from the Rust types: {drifted:?}"
    );
}

#[test]
fn every_reference_in_openapi_json_resolves() {
    let document: Value = serde_json::from_str(OPENAPI).expect("openapi.json is JSON");
    let mut refs = Vec::new();
    collect_refs(&document, &mut refs);
    assert!(refs.len() > 10, "the document uses its components");
    for reference in refs {
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("only local references: {reference}"));
        assert!(
            document.pointer(pointer).is_some(),
            "{reference} points nowhere"
        );
    }
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                out.push(reference.clone());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
