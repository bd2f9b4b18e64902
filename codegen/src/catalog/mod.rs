//! The schema catalog: the model ([`model`]) and how migrations build it ([`fold`]).
//!
//! [`ddl`] is the small statement language the fold understands (parsed from SQL by
//! [`crate::parse`]); [`expr`] its expressions and view queries. The fold itself is split by
//! kind of object: tables, `ALTER TABLE`, drops, types, views, indexes,
//! comments; [`names`] computes the names PostgreSQL would choose.

mod alter;
mod comment;
pub mod ddl;
mod drop;
pub mod expr;
pub mod fold;
mod index;
pub(crate) mod infer;
pub mod model;
pub mod names;
mod outline;
mod table;
pub mod types;
mod view;

pub use fold::Fold;
pub use model::*;
pub use outline::outline;
