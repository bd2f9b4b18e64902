//! The output columns of a query: select lists, set operations, `VALUES` and `WITH`.

use super::rules::common;
use super::scope::{Scope, is_missing};
use super::{Infer, OutputColumn, Ty, Typed};
use crate::catalog::names::figure_column_name;
use crate::sql::expr::Expr;
use crate::sql::query::{Cte, Query, Select, SelectItem};

impl Infer<'_> {
    /// The output columns of a query, inside `outer` (for subqueries).
    pub(super) fn infer_query(&self, q: &Query, outer: Option<&Scope>) -> Result<Vec<OutputColumn>, String> {
        match q {
            Query::Select(s) => self.infer_select(s, outer),
            Query::SetOperation { op, left, right } => {
                let left = self.infer_query(left, outer)?;
                let right = self.infer_query(right, outer)?;
                set_operation(op, left, right)
            }
            Query::Values(rows) => {
                let scope = Scope::child(outer);
                let width = rows.first().map_or(0, Vec::len);
                if rows.iter().any(|r| r.len() != width) {
                    return Err("VALUES lists must all be the same length".into());
                }
                Ok((0..width)
                    .map(|i| {
                        let typed: Vec<Typed> = rows.iter().map(|r| self.infer_expr(&r[i], &scope)).collect();
                        OutputColumn {
                            name: format!("column{}", i + 1),
                            typed: Typed::new(
                                common(&typed.iter().map(|t| t.ty.clone()).collect::<Vec<_>>()),
                                typed.iter().any(|t| t.nullable),
                            ),
                        }
                    })
                    .collect())
            }
            Query::With {
                recursive,
                ctes,
                body,
            } => {
                let mut scope = Scope::child(outer);
                for cte in ctes {
                    let columns = self.infer_cte(cte, *recursive, &scope)?;
                    scope.ctes.push((cte.name.clone(), columns));
                }
                self.infer_query(body, Some(&scope))
            }
            Query::Modify(m) => self.infer_modify(m, outer),
            Query::Other(what) => Err(format!("the columns of `{what}` are not inferred")),
        }
    }

    /// A common table expression's columns. A recursive one is typed by its non-recursive
    /// branch (as PostgreSQL does); the recursive branch can only add NULLs.
    fn infer_cte(&self, cte: &Cte, recursive: bool, scope: &Scope) -> Result<Vec<OutputColumn>, String> {
        let renamed = |mut columns: Vec<OutputColumn>| {
            for (c, name) in columns.iter_mut().zip(&cte.columns) {
                c.name = name.clone();
            }
            columns
        };
        if let (true, Query::SetOperation { op, left, right }) = (recursive, &cte.query)
            && op.starts_with("UNION")
        {
            let base = renamed(self.infer_query(left, Some(scope))?);
            let mut inner = Scope::child(Some(scope));
            inner.ctes.push((cte.name.clone(), base.clone()));
            let step = self.infer_query(right, Some(&inner))?;
            let mut merged = set_operation(op, base.clone(), step)?;
            for (m, b) in merged.iter_mut().zip(base) {
                m.typed.ty = b.typed.ty;
                m.name = b.name;
            }
            return Ok(merged);
        }
        Ok(renamed(self.infer_query(&cte.query, Some(scope))?))
    }

    fn infer_select(&self, s: &Select, outer: Option<&Scope>) -> Result<Vec<OutputColumn>, String> {
        let mut scope = Scope::child(outer);
        for item in &s.from {
            let entries = self.item_entries(item, &scope)?;
            scope.entries.extend(entries);
        }
        let mut exprs: Vec<&Expr> = s.filter.iter().chain(&s.having).collect();
        exprs.extend(s.items.iter().filter_map(|i| match i {
            SelectItem::Expr { expr, .. } => Some(expr),
            _ => None,
        }));
        check_references(&exprs, &scope)?;
        for condition in s.filter.iter().chain(&s.having) {
            self.expect(condition, &Ty::known("boolean"), None);
            self.infer_expr(condition, &scope);
        }
        for (count, name) in [(&s.limit, "limit"), (&s.offset, "offset")] {
            if let Some(e) = count {
                self.expect(e, &Ty::known("bigint"), Some(name));
                self.infer_expr(e, &scope);
            }
        }
        let out = self.select_list(&s.items, &scope)?;
        Ok(out)
    }

    /// The columns of a select (or `RETURNING`) list over `scope`.
    pub(super) fn select_list(
        &self,
        items: &[SelectItem],
        scope: &Scope,
    ) -> Result<Vec<OutputColumn>, String> {
        let mut out = Vec::new();
        for item in items {
            match item {
                SelectItem::Wildcard => {
                    if scope.entries.is_empty() {
                        return Err("SELECT * with no tables specified is not valid".into());
                    }
                    for entry in &scope.entries {
                        out.extend(entry.star_columns()?);
                    }
                }
                SelectItem::QualifiedWildcard(q) => {
                    let name = q.last().cloned().unwrap_or_default();
                    let entry = scope
                        .entries
                        .iter()
                        .find(|e| e.name.as_deref() == Some(name.as_str()))
                        .ok_or_else(|| format!("missing FROM-clause entry for table \"{name}\""))?;
                    out.extend(entry.qualified_star()?);
                }
                SelectItem::Expr {
                    expr: Expr::Field { expr, field },
                    ..
                } if field == "*" => out.extend(self.fields(expr, scope)?),
                SelectItem::Expr { expr, alias } => {
                    let name = alias
                        .clone()
                        .or_else(|| figure_column_name(expr))
                        .unwrap_or_else(|| "?column?".into());
                    out.push(OutputColumn {
                        name,
                        typed: self.infer_expr(expr, scope),
                    });
                }
            }
        }
        Ok(out)
    }
}

/// The columns of `left UNION|INTERSECT|EXCEPT right`: the left branch's names and the common
/// type of each pair (PostgreSQL's `UNION` type resolution). A `UNION` column may be NULL when
/// either side's may, an `INTERSECT` one only when both may, an `EXCEPT` one when the left's may.
fn set_operation(
    op: &str,
    left: Vec<OutputColumn>,
    right: Vec<OutputColumn>,
) -> Result<Vec<OutputColumn>, String> {
    if left.len() != right.len() {
        return Err("each UNION/INTERSECT/EXCEPT query must have the same number of columns".into());
    }
    Ok(left
        .into_iter()
        .zip(right)
        .map(|(l, r)| OutputColumn {
            name: l.name,
            typed: Typed::new(
                common(&[l.typed.ty, r.typed.ty]),
                if op.starts_with("INTERSECT") {
                    l.typed.nullable && r.typed.nullable
                } else if op.starts_with("EXCEPT") {
                    l.typed.nullable
                } else {
                    l.typed.nullable || r.typed.nullable
                },
            ),
        })
        .collect())
}

/// A reference to a column no FROM item has is an error in PostgreSQL, wherever it is.
pub(super) fn check_references(exprs: &[&Expr], scope: &Scope) -> Result<(), String> {
    for expr in exprs {
        let mut missing = None;
        expr.walk(&mut |e| {
            if let Expr::Column { qualifier, name } = e
                && missing.is_none()
                && let Ty::Unresolved(why) = scope.lookup(qualifier, name).ty
                && is_missing(&why)
            {
                missing = Some(why);
            }
        });
        if let Some(why) = missing {
            return Err(why);
        }
    }
    Ok(())
}
