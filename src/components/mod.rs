//! Pieces shared by several pages.

pub mod camera_controls;
pub mod crash_report;
pub mod fallbacks;
pub mod foreign_code;
pub mod lang_switch;
