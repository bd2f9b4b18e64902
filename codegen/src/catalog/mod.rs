//! The schema catalog: the model ([`model`]) and, with the fold, how migrations build it.

pub mod model;

pub use model::*;
