//! The registries a signup is checked against: INSEE Sirene (the directory) and the approvals.

pub mod approvals;
pub mod directory;
