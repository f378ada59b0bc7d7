//! The emulator's integration tests, in one binary: every operation in both styles through the
//! real client (or raw HTTP where the client cannot say it), the live API's quirks, pagination,
//! credentials, every kind of fault, the request journal, the documented answers against the
//! spec's schemas, and the `routes-emulator` binary.

#[path = "../../../client/tests/support/fixtures.rs"]
mod fixtures;

mod support;

mod auth;
mod binary;
mod documented;
mod faults;
mod journal;
mod live;
mod pagination;
mod schema;
