//! What the client's integration tests share: the workspace's one set of fixtures, and the
//! changes that make a saved plan stale.

pub mod behind_the_plans_back;
pub mod fixtures;
