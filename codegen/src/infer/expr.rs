//! The type and nullability of an expression.

use super::rules::{binary_type, common, function_type, keyword_type, number_type};
use super::scope::Scope;
use super::{Infer, Ty, Typed};
use crate::sql::QualifiedName;
use crate::sql::ddl::RoutineResult;
use crate::sql::expr::{Expr, SubqueryKind};
use crate::sql::query::Query;

impl Infer<'_> {
    /// The type and nullability of an expression in a scope.
    pub(super) fn infer_expr(&self, e: &Expr, scope: &Scope) -> Typed {
        let not_null = |ty: Ty| Typed::new(ty, false);
        match e {
            Expr::Column { qualifier, name } => scope.lookup(qualifier, name),
            Expr::String(_) => not_null(Ty::Unknown),
            Expr::Null => Typed::new(Ty::Unknown, true),
            Expr::Bool(_) => not_null(Ty::known("boolean")),
            Expr::Number(n) => not_null(Ty::known(number_type(n))),
            Expr::Keyword(k) => not_null(keyword_type(k)),
            Expr::Typed { data_type, .. } => not_null(self.resolve(data_type)),
            Expr::Cast { expr, data_type } => {
                Typed::new(self.resolve(data_type), self.infer_expr(expr, scope).nullable)
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
                let typed = function_type(name.last().map_or("", String::as_str), &args, *star, *window);
                match (&typed.ty, self.routine_type(name)) {
                    (Ty::Unresolved(_), Some(ty)) => Typed::new(ty, true),
                    _ => typed,
                }
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
                not_null(array_of(element))
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
            Expr::Subquery { kind, query, .. } => self.subquery(*kind, query, scope),
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

    /// A subquery used as a value. A scalar subquery is NULL when it returns no row, so it is
    /// always nullable; `EXISTS` never is.
    fn subquery(&self, kind: SubqueryKind, query: &Query, scope: &Scope) -> Typed {
        let columns = match self.infer_query(query, Some(scope)) {
            Ok(columns) => columns,
            Err(why) => return Typed::new(Ty::Unresolved(why), true),
        };
        let first = || match columns.as_slice() {
            [one] => Ok(one.typed.clone()),
            _ => Err(Ty::Unresolved("subquery must return only one column".into())),
        };
        match kind {
            SubqueryKind::Exists => Typed::new(Ty::known("boolean"), false),
            SubqueryKind::In => Typed::new(Ty::known("boolean"), true),
            SubqueryKind::Scalar => match first() {
                Ok(t) => Typed::new(t.ty, true),
                Err(ty) => Typed::new(ty, true),
            },
            SubqueryKind::Array => match first() {
                Ok(t) => Typed::new(array_of(t.ty), false),
                Err(ty) => Typed::new(ty, false),
            },
        }
    }

    /// The type a function the migrations defined returns, when called as a value.
    pub(super) fn routine_type(&self, name: &[String]) -> Option<Ty> {
        let routine = self.schema.routine(&qualified(name)?)?;
        Some(match &routine.result {
            RoutineResult::Type(t) => self.resolve(t),
            RoutineResult::Columns(columns) => match columns.as_slice() {
                [(_, t)] => self.resolve(t),
                _ => Ty::known("record"),
            },
        })
    }

    /// A written type as `format_type()` spells it.
    pub(super) fn resolve(&self, t: &crate::sql::TypeName) -> Ty {
        match self.schema.resolve_type(t) {
            Ok(format) => Ty::Known(format),
            Err(why) => Ty::Unresolved(why),
        }
    }
}

/// Name parts (`["app", "f"]`) as a qualified name.
pub(super) fn qualified(parts: &[String]) -> Option<QualifiedName> {
    let (name, rest) = parts.split_last()?;
    Some(QualifiedName {
        schema: rest.last().cloned(),
        name: name.clone(),
    })
}

/// The array type of an element type.
pub(super) fn array_of(element: Ty) -> Ty {
    match element {
        Ty::Known(t) => Ty::Known(format!("{}[]", t.trim_end_matches("[]"))),
        Ty::Unknown => Ty::known("text[]"),
        other => other,
    }
}
