//! Differential testing of the generator against PostgreSQL.
//!
//! PostgreSQL is the oracle: random histories of DDL are applied to it statement by statement
//! (what it rejects is dropped, so a history is always one PostgreSQL applies), then the
//! catalog the generator folds from the same SQL must equal the one PostgreSQL has, object by
//! object; random queries over that catalog must be typed exactly as PostgreSQL prepares them;
//! and run over random rows, none may return NULL in a column inferred NOT NULL.
//!
//! Generate -> apply -> judge:
//! - [`choices`]: every random decision comes from a list of numbers proptest generates and
//!   shrinks; [`types`], [`expr`], [`select`], [`history`], [`query`] and [`data`] turn
//!   them into SQL against the catalog folded so far;
//! - [`oracle`]: the scratch database, a transaction per case and a savepoint per statement;
//! - [`case`]: a case generated ([`case::explore`]) or written ([`case::replay`]), and the
//!   judgement of it.

pub mod case;
pub mod choices;
pub mod data;
pub mod expr;
pub mod history;
pub mod oracle;
pub mod query;
pub mod select;
pub mod types;
