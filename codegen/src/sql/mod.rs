//! The statement language: what [`crate::parse`] produces from SQL and the fold
//! ([`crate::catalog`]) and inference ([`crate::infer`]) consume.
//!
//! No parser types appear here. [`ddl`] holds the statements (one variant per kind of DDL the
//! fold applies), [`expr`] expressions, [`query`] queries, [`name`] the names both share; [`render`]
//! writes expressions back out as SQL and [`quote`] quotes names and literals as PostgreSQL does.

pub mod ddl;
pub mod expr;
pub mod name;
pub mod query;
pub mod quote;
pub mod render;

pub use name::{QualifiedName, TypeName};
pub use quote::{quote_ident, quote_literal};
