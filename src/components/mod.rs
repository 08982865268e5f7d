//! Pieces shared by several pages.

pub mod fallbacks;
pub mod lang_switch;
