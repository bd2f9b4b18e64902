//! Stagely Core: the control plane service of Stagely's preview environments.
//!
//! The service starts config -> database -> migrations -> serve; the modules here are what
//! those steps are built from, exposed so tests drive them without the binary.

pub mod config;
pub mod crypto;
pub mod db;
pub mod http;
pub mod logging;
pub mod migrate;
pub mod nanoid;
pub mod rotate;
pub mod secret;
