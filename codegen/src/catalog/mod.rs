//! The schema catalog: the model ([`model`]) and how migrations build it ([`fold`]).
//!
//! The fold applies statements of [`crate::sql`] (parsed from SQL by [`crate::parse`]) in
//! order. It is split by kind of object: tables, `ALTER TABLE`, drops, types, views, indexes,
//! comments; [`names`] computes the names PostgreSQL would choose. View columns are typed by
//! [`crate::infer`].

mod alter;
mod class;
mod comment;
mod constraint;
pub mod cow;
mod do_block;
mod drop;
pub mod fold;
mod index;
pub mod indexed;
mod inherit;
pub mod model;
pub mod names;
mod outline;
pub(crate) mod proof;
mod schema;
mod sequence;
mod session;
pub(crate) mod system;
mod table;
pub mod tool;
pub mod types;
mod user_types;
mod view;

pub use fold::Fold;
pub use model::*;
pub use outline::outline;
