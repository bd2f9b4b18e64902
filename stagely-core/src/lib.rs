//! Stagely Core: the control plane service of Stagely's preview environments.
//!
//! The service starts config -> database -> migrations -> serve; the modules here are what
//! those steps are built from, exposed so tests drive them without the binary.

pub mod crypto;
pub mod nanoid;
