//! Rust models of the Stagely schema.
//!
//! Everything in the `generated` module is derived from `schema/migrations` by
//! `stagely-codegen` (`make codegen`); this file only re-exports it. Never edit generated
//! files by hand: change a migration and regenerate.

// prettyplease output is not rustfmt-stable: keep `cargo fmt` and the generator from fighting.
#[rustfmt::skip]
mod generated;

pub use generated::*;
