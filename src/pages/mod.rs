//! The Leptos screens after the first scan, one module each, mounted by the shell from chunks.

pub mod declare;
pub mod done;
pub mod my_qr;
pub mod staff;
pub mod venue;
pub mod visits;
