//! What the client's integration tests share: the workspace's one set of fixtures.

pub mod fixtures;
