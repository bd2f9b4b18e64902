//! Column names, types and nullability of a query, worked out as PostgreSQL does.
//!
//! Types follow PostgreSQL's resolution rules for the shapes views are made of (checked against
//! PostgreSQL 15): column references keep their type and modifier (`character varying(20)`);
//! untyped string literals become `text`; integer literals are `integer`, `bigint` or `numeric`
//! by size; arithmetic promotes along smallint < integer < bigint < numeric < real < double
//! precision, with the date/time rules (`timestamptz - timestamptz` is an interval); `||` on
//! strings is `text`; `CONCAT`, `lower`, `to_char` and friends are `text`; `count(*)` is
//! `bigint`, `sum(integer)` `bigint`, `sum(bigint)` and `avg` of integers `numeric`; `EXTRACT`
//! is `numeric` (PostgreSQL 14+); `CASE` and `COALESCE` take the first branch's type, keeping
//! a modifier only when every branch has the same one.
//!
//! Queries are read level by level ([`scope`]): `WITH` (also `RECURSIVE`, typed by its
//! non-recursive branch), set operations with `UNION` type resolution, `VALUES`, subqueries in
//! FROM (which see the items before them, as `LATERAL` ones do) and as values (scalar, `EXISTS`,
//! `IN`, `ARRAY(...)`, correlated to the levels around them), functions in FROM ([`from`]: the
//! migrations' own, by what they return, and PostgreSQL's set-returning ones), `XMLTABLE`, and
//! `USING`/`NATURAL` joins, whose merged columns come first in `SELECT *`.
//!
//! Nullability is inferred only where it is provable: a NOT NULL column not on the nullable
//! side of an outer join, a literal, `count`, `now()`, `CONCAT`, and operators and functions
//! whose inputs are all provably not null. Everything else is nullable.

mod expr;
mod from;
mod functions;
mod modify;
mod params;
mod query;
mod rules;
mod scope;

pub use params::{Inferred, Param, infer_statement};
pub(crate) use rules::without_modifier;

use crate::catalog::model::Relation;
use crate::sql::ddl::Routine;
use crate::sql::query::Query;
use crate::sql::{QualifiedName, TypeName};

/// What inference needs from the schema the migrations have built so far.
pub trait Schema {
    /// The relation a (possibly unqualified) name refers to, found as PostgreSQL would find it.
    fn relation(&self, name: &QualifiedName) -> Option<&Relation>;
    /// A written type, resolved to its `format_type()` spelling.
    fn resolve_type(&self, written: &TypeName) -> Result<String, String>;
    /// A function the migrations defined, found along the search path.
    fn routine(&self, name: &QualifiedName) -> Option<&Routine>;
    /// The fields (name and `format_type()` spelling) of a row type: a table's, a view's or a
    /// composite type's; `None` for any other type.
    fn row_type(&self, written: &TypeName) -> Option<Vec<(String, String)>>;
    /// The base type (`format_type()` spelling) of a domain spelled `ty`; `None` for any other
    /// type.
    fn domain_base(&self, ty: &str) -> Option<String>;
}

/// True when inference failed on something PostgreSQL itself rejects (a missing relation or
/// column, an ambiguous reference, branches of different widths), rather than on something
/// static reading cannot know (the columns of a function it has never seen).
pub fn rejected_by_postgres(why: &str) -> bool {
    scope::is_missing(why)
        || why.starts_with("relation ")
        || why.contains("must have the same number of columns")
        || why.contains("columns available but")
        || why.contains("must all be the same length")
        || why.contains("USING clause does not exist")
}

/// The output columns of `q`, typed against `schema`.
pub fn query_columns(schema: &dyn Schema, q: &Query) -> Result<Vec<OutputColumn>, String> {
    Infer::new(schema).infer_query(q, None)
}

/// Inference over one schema.
struct Infer<'a> {
    schema: &'a dyn Schema,
    /// What the statement's parameters were found to be, from the context they appear in.
    params: params::Params,
}

impl<'a> Infer<'a> {
    fn new(schema: &'a dyn Schema) -> Self {
        Self {
            schema,
            params: params::Params::default(),
        }
    }
}

/// The type of an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// A type as `format_type()` prints it.
    Known(String),
    /// An untyped literal (`'x'`, `NULL`): takes its context's type, else `text`.
    Unknown,
    /// Could not be worked out; the reason says what.
    Unresolved(String),
    /// An anonymous row (`record`) whose fields are known: a whole-row reference to a
    /// subquery or `VALUES` list, a `ROW(...)`.
    Record(Vec<OutputColumn>),
}

impl Ty {
    fn known(t: &str) -> Ty {
        Ty::Known(t.to_string())
    }

    /// The type a view column ends up with.
    pub fn finish(self) -> Result<String, String> {
        match self {
            // PostgreSQL resolves `unknown` (an untyped literal, or one cast to `unknown`) to
            // `text` in a view's or new table's columns.
            Ty::Known(t) if t == "unknown" => Ok("text".into()),
            Ty::Known(t) => Ok(t),
            Ty::Unknown => Ok("text".into()),
            Ty::Record(_) => Ok("record".into()),
            Ty::Unresolved(why) => Err(why),
        }
    }

    fn text(&self) -> Option<&str> {
        match self {
            Ty::Known(t) => Some(t),
            _ => None,
        }
    }
}

/// A typed value: its type and whether it may be NULL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typed {
    /// The type.
    pub ty: Ty,
    /// True unless the value is provably never NULL.
    pub nullable: bool,
}

impl Typed {
    fn new(ty: Ty, nullable: bool) -> Self {
        Self { ty, nullable }
    }
}

/// One named output column of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputColumn {
    /// The column name PostgreSQL gives it.
    pub name: String,
    /// Its type and nullability.
    pub typed: Typed,
}
