//! Query parameters (`$n`): typed from the context they appear in, as PostgreSQL's parser
//! types them when a statement is prepared without parameter types.
//!
//! PostgreSQL gives an untyped parameter the type its context asks for: the other operand of
//! an operator (`col = $1`, `now() - $1`), the target column of `INSERT` and `UPDATE ... SET`,
//! the type of a cast (`$1::text`), the element type of `= ANY ($1)`'s array (and the array of
//! the other side's type for the parameter itself), `bigint` for `LIMIT` and `OFFSET`, and the
//! common type of the other branches of `CASE`, `COALESCE`, `IN` lists and `BETWEEN`. A parameter
//! no context types is an error in PostgreSQL ("could not determine data type of parameter"),
//! and here.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use super::{Infer, OutputColumn, Schema, Ty};
use crate::sql::expr::Expr;
use crate::sql::query::Query;

/// What the parameters of the statement being inferred have been found to be.
#[derive(Debug, Default)]
pub(super) struct Params {
    types: RefCell<BTreeMap<u32, String>>,
    names: RefCell<BTreeMap<u32, String>>,
    /// Parameters declared nullable (`sqlc.narg`).
    pub(super) nullable: BTreeSet<u32>,
}

impl Params {
    /// The type found for `$n` so far.
    pub(super) fn ty(&self, n: u32) -> Option<String> {
        self.types.borrow().get(&n).cloned()
    }
}

/// One parameter of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// `$n`.
    pub number: u32,
    /// A name from its context (the column it is compared with or written to, `limit`,
    /// `offset`), when it has one.
    pub name: Option<String>,
    /// Its type, as `format_type()` prints it (without modifiers, which parameters lack).
    pub ty: String,
    /// May be NULL (declared with `sqlc.narg`).
    pub nullable: bool,
}

/// What a statement takes and returns.
#[derive(Debug, Clone)]
pub struct Inferred {
    /// Its parameters, `$1` first.
    pub params: Vec<Param>,
    /// The columns of the rows it returns (empty when it returns none).
    pub columns: Vec<OutputColumn>,
}

/// Infers a statement's parameters and result columns. `params` is how many parameters the
/// statement has; `nullable` lists those declared nullable.
pub fn infer_statement(
    schema: &dyn Schema,
    statement: &Query,
    params: u32,
    nullable: &BTreeSet<u32>,
) -> Result<Inferred, String> {
    let mut infer = Infer::new(schema);
    infer.params.nullable = nullable.clone();
    // The first pass finds the parameters' types wherever they appear; the second types the
    // result with them known (a parameter may be selected before its comparison types it).
    infer.infer_query(statement, None)?;
    let columns = infer.infer_query(statement, None)?;
    let mut out = Vec::new();
    for number in 1..=params {
        let Some(ty) = infer.params.ty(number) else {
            return Err(format!(
                "could not determine the type of parameter ${number}; give it one with a cast, e.g. ${number}::text"
            ));
        };
        out.push(Param {
            number,
            name: infer.params.names.borrow().get(&number).cloned(),
            // A parameter has no type modifier: `$1` compared with a varchar(20) column is a
            // character varying of any length.
            ty: super::rules::without_modifier(&ty),
            nullable: nullable.contains(&number),
        });
    }
    for c in &columns {
        if let Ty::Unresolved(why) = &c.typed.ty {
            return Err(format!("column {}: {why}", c.name));
        }
    }
    Ok(Inferred { params: out, columns })
}

impl Infer<'_> {
    /// Records that `e`, when it is a parameter, has type `ty` and may be called `name`; the
    /// first context to type a parameter wins, as in PostgreSQL. A cast around the parameter
    /// (`$1::text`) decides its type, but the context may still name it.
    pub(super) fn expect(&self, e: &Expr, ty: &Ty, name: Option<&str>) {
        if let (Expr::Param(n), Some(name)) = (e.uncast(), name) {
            self.params
                .names
                .borrow_mut()
                .entry(*n)
                .or_insert_with(|| name.to_string());
        }
        if let (Expr::Param(n), Ty::Known(t)) = (e.unnested(), ty) {
            self.params
                .types
                .borrow_mut()
                .entry(*n)
                .or_insert_with(|| t.clone());
        }
    }

    /// The column name an expression reads directly, to name a parameter compared with it.
    pub(super) fn name_of(e: &Expr) -> Option<&str> {
        match e.uncast() {
            Expr::Column { name, .. } => Some(name),
            _ => None,
        }
    }

    /// Types the parameters among `exprs` with the common type of the others.
    pub(super) fn expect_common(&self, exprs: &[&Expr], types: &[Ty]) {
        let known: Vec<Ty> = types
            .iter()
            .filter(|t| matches!(t, Ty::Known(_)))
            .cloned()
            .collect();
        if known.is_empty() {
            return;
        }
        let common = super::rules::common(&known);
        let name = exprs.iter().find_map(|e| Self::name_of(e));
        for e in exprs {
            self.expect(e, &common, name);
        }
    }
}
