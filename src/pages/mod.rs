//! One module per screen of the flow.

pub mod declare;
pub mod done;
pub mod home;
pub mod scan;
pub mod venue;
