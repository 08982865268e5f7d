//! Leptos pieces drawn into the shell's screens.

pub mod camera_controls;
