//! `stagely-codegen` derives the `stagely-models` crate from the SQL migrations.
//!
//! The pipeline is read -> fold -> emit: [`source`] finds the migration files and cuts them
//! into Up/Down sections; later stages fold the Up SQL into a schema catalog and emit Rust.
//! [`scratch`] makes throw-away databases for `verify` and, behind the `testing` feature,
//! [`testing`] gives every database test in the workspace a fresh database.

pub mod catalog;
pub mod diagnostic;
pub mod emit;
pub mod scratch;
pub mod source;
#[cfg(feature = "testing")]
pub mod testing;
