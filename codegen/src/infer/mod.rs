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
//! Nullability is inferred only where it is provable: a NOT NULL column not on the nullable
//! side of an outer join, a literal, `count`, `now()`, `CONCAT`, and operators and functions
//! whose inputs are all provably not null. Everything else is nullable.

mod rules;

use rules::{binary_type, common, function_type, keyword_type, number_type};

use crate::catalog::model::Relation;
use crate::catalog::names::figure_column_name;
use crate::sql::expr::{Expr, FromItem, JoinKind, Query, Select, SelectItem};
use crate::sql::{QualifiedName, TypeName};

/// What inference needs from the schema the migrations have built so far.
pub trait Schema {
    /// The relation a (possibly unqualified) name refers to, found as PostgreSQL would find it.
    fn relation(&self, name: &QualifiedName) -> Option<&Relation>;
    /// A written type, resolved to its `format_type()` spelling.
    fn resolve_type(&self, written: &TypeName) -> Result<String, String>;
}

/// The output columns of `q`, typed against `schema`.
pub fn query_columns(schema: &dyn Schema, q: &Query) -> Result<Vec<OutputColumn>, String> {
    Infer { schema }.infer_query(q)
}

/// Inference over one schema.
struct Infer<'a> {
    schema: &'a dyn Schema,
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
}

impl Ty {
    fn known(t: &str) -> Ty {
        Ty::Known(t.to_string())
    }

    /// The type a view column ends up with.
    pub fn finish(self) -> Result<String, String> {
        match self {
            Ty::Known(t) => Ok(t),
            Ty::Unknown => Ok("text".into()),
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
#[derive(Debug, Clone)]
pub struct OutputColumn {
    /// The column name PostgreSQL gives it.
    pub name: String,
    /// Its type and nullability.
    pub typed: Typed,
}

/// A FROM item's columns under the name the query uses for it.
#[derive(Debug, Clone)]
struct Entry {
    name: Option<String>,
    /// `None` when the item's columns are not known (set-returning functions and the like).
    columns: Option<Vec<OutputColumn>>,
}

impl Infer<'_> {
    /// The output columns of a query.
    fn infer_query(&self, q: &Query) -> Result<Vec<OutputColumn>, String> {
        match q {
            Query::Select(s) => self.infer_select(s),
            Query::SetOperation { left, right, .. } => {
                let left = self.infer_query(left)?;
                let right = self.infer_query(right)?;
                if left.len() != right.len() {
                    return Err("each UNION/INTERSECT/EXCEPT branch must have as many columns".into());
                }
                Ok(left
                    .into_iter()
                    .zip(right)
                    .map(|(l, r)| OutputColumn {
                        name: l.name,
                        typed: Typed::new(
                            common(&[l.typed.ty, r.typed.ty]),
                            l.typed.nullable || r.typed.nullable,
                        ),
                    })
                    .collect())
            }
            Query::Values(rows) => {
                let width = rows.first().map_or(0, Vec::len);
                let scope = Vec::new();
                (0..width)
                    .map(|i| {
                        let typed: Vec<Typed> = rows
                            .iter()
                            .filter_map(|r| r.get(i))
                            .map(|e| self.infer_expr(e, &scope))
                            .collect();
                        Ok(OutputColumn {
                            name: format!("column{}", i + 1),
                            typed: Typed::new(
                                common(&typed.iter().map(|t| t.ty.clone()).collect::<Vec<_>>()),
                                typed.iter().any(|t| t.nullable),
                            ),
                        })
                    })
                    .collect()
            }
            Query::Other(what) => Err(format!("the columns of `{what}` are not inferred")),
        }
    }

    fn infer_select(&self, s: &Select) -> Result<Vec<OutputColumn>, String> {
        let mut scope = Vec::new();
        for item in &s.from {
            scope.extend(self.scope_of(item)?);
        }
        // A reference to a column no FROM item has is an error in PostgreSQL, wherever it is.
        let mut exprs: Vec<&Expr> = s.filter.iter().collect();
        exprs.extend(s.items.iter().filter_map(|i| match i {
            SelectItem::Expr { expr, .. } => Some(expr),
            _ => None,
        }));
        for expr in exprs {
            let mut missing = None;
            expr.walk(&mut |e| {
                if let Expr::Column { qualifier, name } = e
                    && missing.is_none()
                    && let Ty::Unresolved(why) = self.lookup(qualifier, name, &scope).ty
                    && why.ends_with("does not exist")
                {
                    missing = Some(why);
                }
            });
            if let Some(why) = missing {
                return Err(why);
            }
        }
        let mut out = Vec::new();
        for item in &s.items {
            match item {
                SelectItem::Wildcard => {
                    for entry in &scope {
                        out.extend(entry_columns(entry)?);
                    }
                }
                SelectItem::QualifiedWildcard(q) => {
                    let name = q.last().cloned().unwrap_or_default();
                    let entry = scope
                        .iter()
                        .find(|e| e.name.as_deref() == Some(name.as_str()))
                        .ok_or_else(|| format!("missing FROM-clause entry for {name}"))?;
                    out.extend(entry_columns(entry)?);
                }
                SelectItem::Expr { expr, alias } => {
                    let name = alias
                        .clone()
                        .or_else(|| figure_column_name(expr))
                        .unwrap_or_else(|| "?column?".into());
                    out.push(OutputColumn {
                        name,
                        typed: self.infer_expr(expr, &scope),
                    });
                }
            }
        }
        Ok(out)
    }

    fn scope_of(&self, item: &FromItem) -> Result<Vec<Entry>, String> {
        match item {
            FromItem::Table { name, alias } => {
                let Some(relation) = self.schema.relation(name) else {
                    return Err(format!("relation {name} does not exist"));
                };
                Ok(vec![Entry {
                    name: Some(alias.clone().unwrap_or_else(|| relation.name.clone())),
                    columns: Some(
                        relation
                            .columns
                            .iter()
                            .map(|c| OutputColumn {
                                name: c.name.clone(),
                                typed: Typed::new(Ty::Known(c.data_type.clone()), c.nullable),
                            })
                            .collect(),
                    ),
                }])
            }
            FromItem::Subquery { query, alias } => Ok(vec![Entry {
                name: alias.clone(),
                columns: Some(self.infer_query(query)?),
            }]),
            FromItem::Join { left, right, kind } => {
                let mut left = self.scope_of(left)?;
                let mut right = self.scope_of(right)?;
                let (left_nullable, right_nullable) = match kind {
                    JoinKind::Inner => (false, false),
                    JoinKind::Left => (false, true),
                    JoinKind::Right => (true, false),
                    JoinKind::Full => (true, true),
                };
                make_nullable(&mut left, left_nullable);
                make_nullable(&mut right, right_nullable);
                left.extend(right);
                Ok(left)
            }
            FromItem::Other { alias } => Ok(vec![Entry {
                name: alias.clone(),
                columns: None,
            }]),
        }
    }

    fn lookup(&self, qualifier: &[String], name: &str, scope: &[Entry]) -> Typed {
        let candidates: Vec<&Entry> = match qualifier.last() {
            Some(q) => scope
                .iter()
                .filter(|e| e.name.as_deref() == Some(q.as_str()))
                .collect(),
            None => scope.iter().collect(),
        };
        for entry in &candidates {
            match &entry.columns {
                Some(columns) => {
                    if let Some(c) = columns.iter().find(|c| c.name == name) {
                        return c.typed.clone();
                    }
                }
                None => {
                    return Typed::new(
                        Ty::Unresolved(format!("column {name} comes from a FROM item that is not typed")),
                        true,
                    );
                }
            }
        }
        let shown = if qualifier.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", qualifier.join("."))
        };
        Typed::new(Ty::Unresolved(format!("column {shown} does not exist")), true)
    }

    /// The type and nullability of an expression in a scope.
    fn infer_expr(&self, e: &Expr, scope: &[Entry]) -> Typed {
        let not_null = |ty: Ty| Typed::new(ty, false);
        match e {
            Expr::Column { qualifier, name } => self.lookup(qualifier, name, scope),
            Expr::String(_) => not_null(Ty::Unknown),
            Expr::Null => Typed::new(Ty::Unknown, true),
            Expr::Bool(_) => not_null(Ty::known("boolean")),
            Expr::Number(n) => not_null(Ty::known(number_type(n))),
            Expr::Keyword(k) => not_null(keyword_type(k)),
            Expr::Typed { data_type, .. } => not_null(match self.schema.resolve_type(data_type) {
                Ok(format) => Ty::Known(format),
                Err(why) => Ty::Unresolved(why),
            }),
            Expr::Cast { expr, data_type } => {
                let inner = self.infer_expr(expr, scope);
                let ty = match self.schema.resolve_type(data_type) {
                    Ok(format) => Ty::Known(format),
                    Err(why) => Ty::Unresolved(why),
                };
                Typed::new(ty, inner.nullable)
            }
            Expr::Nested(inner) => self.infer_expr(inner, scope),
            Expr::Function {
                name,
                args,
                star,
                window,
                ..
            } => {
                let args: Vec<Typed> = args.iter().map(|a| self.infer_expr(a, scope)).collect();
                function_type(name.last().map_or("", String::as_str), &args, *star, *window)
            }
            Expr::Unary { op, expr } => {
                let inner = self.infer_expr(expr, scope);
                if op.eq_ignore_ascii_case("NOT") {
                    Typed::new(Ty::known("boolean"), inner.nullable)
                } else {
                    inner
                }
            }
            Expr::Binary { left, op, right } => {
                let l = self.infer_expr(left, scope);
                let r = self.infer_expr(right, scope);
                let nullable = l.nullable || r.nullable;
                Typed::new(binary_type(&l.ty, op, &r.ty), nullable)
            }
            Expr::Postfix { .. } => not_null(Ty::known("boolean")),
            Expr::InList { expr, list, .. } => {
                let nullable = self.infer_expr(expr, scope).nullable
                    || list.iter().any(|i| self.infer_expr(i, scope).nullable);
                Typed::new(Ty::known("boolean"), nullable)
            }
            Expr::AnyAll { left, right, .. } => {
                let nullable =
                    self.infer_expr(left, scope).nullable || self.infer_expr(right, scope).nullable;
                Typed::new(Ty::known("boolean"), nullable)
            }
            Expr::Between { expr, low, high, .. } => {
                let nullable = [expr, low, high]
                    .iter()
                    .any(|x| self.infer_expr(x, scope).nullable);
                Typed::new(Ty::known("boolean"), nullable)
            }
            Expr::Array(items) => {
                let typed: Vec<Typed> = items.iter().map(|i| self.infer_expr(i, scope)).collect();
                let element = common(&typed.iter().map(|t| t.ty.clone()).collect::<Vec<_>>());
                let ty = match element {
                    Ty::Known(t) => Ty::Known(format!("{}[]", t.trim_end_matches("[]"))),
                    Ty::Unknown => Ty::known("text[]"),
                    other => other,
                };
                not_null(ty)
            }
            Expr::Case { whens, otherwise, .. } => {
                let mut results: Vec<Typed> = whens.iter().map(|(_, r)| self.infer_expr(r, scope)).collect();
                match otherwise {
                    Some(o) => results.push(self.infer_expr(o, scope)),
                    None => results.push(Typed::new(Ty::Unknown, true)),
                }
                // A missing ELSE is an untyped NULL: it costs the result its type modifier.
                let ty = common(&results.iter().map(|t| t.ty.clone()).collect::<Vec<_>>());
                Typed::new(ty, results.iter().any(|t| t.nullable))
            }
            Expr::Extract { expr, .. } => {
                Typed::new(Ty::known("numeric"), self.infer_expr(expr, scope).nullable)
            }
            Expr::Raw(text) => {
                let upper = text.trim_start().to_ascii_uppercase();
                if upper.starts_with("EXISTS") || upper.starts_with("NOT EXISTS") {
                    not_null(Ty::known("boolean"))
                } else {
                    Typed::new(
                        Ty::Unresolved(format!("the type of `{text}` is not inferred")),
                        true,
                    )
                }
            }
        }
    }
}

fn entry_columns(entry: &Entry) -> Result<Vec<OutputColumn>, String> {
    entry.columns.clone().ok_or_else(|| {
        format!(
            "`{}.*` comes from a FROM item that is not typed",
            entry.name.as_deref().unwrap_or("?")
        )
    })
}

fn make_nullable(entries: &mut [Entry], nullable: bool) {
    if !nullable {
        return;
    }
    for entry in entries {
        for c in entry.columns.iter_mut().flatten() {
            c.typed.nullable = true;
        }
    }
}
