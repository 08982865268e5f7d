//! Vaora reference backend: the check-in protocol v1 over axum, stored in SQLite or
//! PostgreSQL ([`store`]).
//!
//! One `Router` built in [`app::router`], shared state in [`app::AppState`], one error type
//! ([`error::ApiFailure`]) that renders the protocol's single error shape.

pub mod app;
pub mod auth;
pub mod case_limit;
pub mod case_trace;
pub mod console;
pub mod error;
pub mod exports;
pub mod forms;
pub mod keys;
pub mod limits;
pub mod local_day;
pub mod pdf;
pub mod poster;
pub mod reports;
pub mod retention;
pub mod routes;
pub mod security;
pub mod seed;
pub mod static_app;
pub mod store;
pub mod trust;
pub mod unit_codes;
pub mod units;
pub mod verified;
