//! The type and nullability of an expression.

use super::rules::{
    binary_type, common, function_type, keyword_type, number_type, untyped_operand, without_modifier,
};
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
            Expr::Param(n) => Typed::new(
                self.params.ty(*n).map_or(Ty::Unknown, Ty::Known),
                self.params.nullable.contains(n),
            ),
            Expr::Bool(_) => not_null(Ty::known("boolean")),
            Expr::Number(n) => not_null(Ty::known(number_type(n))),
            Expr::Keyword(k) => not_null(keyword_type(k)),
            Expr::Typed { data_type, .. } => not_null(self.resolve(data_type)),
            Expr::Cast { expr, data_type } => {
                let ty = self.resolve(data_type);
                self.expect(expr, &ty, None);
                Typed::new(ty, self.infer_expr(expr, scope).nullable)
            }
            Expr::Nested(inner) => self.infer_expr(inner, scope),
            Expr::Function {
                name,
                args,
                star,
                window,
                clauses,
                ..
            } => {
                // FILTER, OVER and ORDER BY do not change the type, but may type parameters.
                for clause in clauses {
                    self.infer_expr(clause, scope);
                }
                // A domain argument is taken as its base type, as PostgreSQL resolves calls.
                let typed_args: Vec<Typed> = args
                    .iter()
                    .map(|a| self.as_base(self.infer_expr(a, scope)))
                    .collect();
                let last = name.last().map_or("", String::as_str);
                if matches!(last, "coalesce" | "greatest" | "least" | "nullif") {
                    let exprs: Vec<&Expr> = args.iter().collect();
                    let types: Vec<Ty> = typed_args.iter().map(|t| t.ty.clone()).collect();
                    self.expect_common(&exprs, &types);
                }
                if let Some(routine) = qualified(name).and_then(|q| self.schema.routine(&q)) {
                    for (arg, ty) in args.iter().zip(&routine.args) {
                        self.expect(arg, &self.resolve(ty), None);
                    }
                }
                let typed = function_type(last, &typed_args, *star, *window);
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
                // Domain operands are taken as their base types, as PostgreSQL resolves operators.
                let l = self.as_base(self.infer_expr(left, scope));
                let r = self.as_base(self.infer_expr(right, scope));
                let text_op = op.contains("LIKE") || op.contains("SIMILAR") || op.starts_with('~');
                // An untyped operand (a parameter) takes the type the chosen operator takes
                // there; failing that, the other operand's type.
                let untyped = |other: &Ty| match other {
                    Ty::Known(t) => Ty::Known(untyped_operand(op, t)),
                    other => other.clone(),
                };
                let chosen = super::rules::operator(&l.ty, op, &r.ty)
                    .filter(|o| o.operands.iter().all(|t| !t.starts_with("any")));
                let (lt, rt) = if text_op {
                    (Ty::known("text"), Ty::known("text"))
                } else if let Some(o) = chosen {
                    (Ty::Known(o.operands[0].clone()), Ty::Known(o.operands[1].clone()))
                } else {
                    (untyped(&r.ty), untyped(&l.ty))
                };
                self.expect(left, &lt, Self::name_of(right));
                self.expect(right, &rt, Self::name_of(left));
                // Row comparisons, `(a, b) < ($1, $2)`: field by field.
                if let (
                    Expr::Function {
                        name: ln, args: la, ..
                    },
                    Expr::Function {
                        name: rn, args: ra, ..
                    },
                ) = (left.unnested(), right.unnested())
                    && ln == &["row"]
                    && rn == &["row"]
                    && la.len() == ra.len()
                {
                    for (a, b) in la.iter().zip(ra) {
                        let (at, bt) = (self.infer_expr(a, scope), self.infer_expr(b, scope));
                        self.expect(a, &bt.ty, Self::name_of(b));
                        self.expect(b, &at.ty, Self::name_of(a));
                    }
                }
                let nullable = l.nullable || r.nullable || super::rules::operator_may_return_null(op, &l.ty);
                Typed::new(binary_type(&l.ty, op, &r.ty), nullable)
            }
            Expr::Postfix { expr, .. } => {
                self.infer_expr(expr, scope);
                not_null(Ty::known("boolean"))
            }
            Expr::InList { expr, list, .. } => {
                let exprs: Vec<&Expr> = std::iter::once(expr.as_ref()).chain(list).collect();
                self.boolean_over(&exprs, scope)
            }
            Expr::AnyAll { left, right, .. } => {
                let l = self.infer_expr(left, scope);
                let r = self.infer_expr(right, scope);
                self.expect(right, &super::expr::array_of(l.ty.clone()), Self::name_of(left));
                let element = match &r.ty {
                    Ty::Known(t) => Ty::Known(t.strip_suffix("[]").unwrap_or(t).to_string()),
                    other => other.clone(),
                };
                self.expect(left, &element, None);
                Typed::new(Ty::known("boolean"), l.nullable || r.nullable)
            }
            Expr::Between { expr, low, high, .. } => {
                self.boolean_over(&[expr, low, high].map(|b| b.as_ref()), scope)
            }
            Expr::Array(items) => {
                let typed: Vec<Typed> = items.iter().map(|i| self.infer_expr(i, scope)).collect();
                let element = common(&typed.iter().map(|t| t.ty.clone()).collect::<Vec<_>>());
                not_null(array_of(element))
            }
            Expr::Case {
                operand,
                whens,
                otherwise,
            } => {
                if let Some(operand) = operand {
                    let mut compared: Vec<&Expr> = vec![operand];
                    compared.extend(whens.iter().map(|(w, _)| w));
                    self.boolean_over(&compared, scope);
                }
                for (condition, _) in whens {
                    if operand.is_none() {
                        self.infer_expr(condition, scope);
                        self.expect(condition, &Ty::known("boolean"), None);
                    }
                }
                let branches: Vec<&Expr> = whens.iter().map(|(_, r)| r).chain(otherwise.as_deref()).collect();
                let types: Vec<Ty> = branches.iter().map(|b| self.infer_expr(b, scope).ty).collect();
                self.expect_common(&branches, &types);
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
            Expr::Subquery {
                kind, query, tested, ..
            } => {
                let typed = self.subquery(*kind, query, scope);
                // `x IN (SELECT c ...)`: x and c are compared, so each may type the other.
                if let Some(tested) = tested {
                    let value = self.infer_expr(tested, scope);
                    if let Ok([column]) = self.infer_query(query, Some(scope)).as_deref() {
                        self.expect(tested, &column.typed.ty, Self::name_of(tested));
                        return Typed::new(typed.ty, value.nullable || column.typed.nullable);
                    }
                }
                typed
            }
            Expr::Field { expr, field } => match self.fields(expr, scope) {
                Ok(fields) => match fields.into_iter().find(|c| &c.name == field) {
                    Some(c) => c.typed,
                    None => Typed::new(Ty::Unresolved(format!("column {field} does not exist")), true),
                },
                Err(why) => Typed::new(Ty::Unresolved(why), true),
            },
            Expr::Subscript { expr, index } => {
                let container = self.infer_expr(expr, scope);
                let ty = match &container.ty {
                    Ty::Known(t) if t == "jsonb" => {
                        self.expect(index, &Ty::known("text"), None);
                        Ty::known("jsonb")
                    }
                    Ty::Known(t) => {
                        self.expect(index, &Ty::known("integer"), None);
                        Ty::Known(without_modifier(t).strip_suffix("[]").unwrap_or(t).to_string())
                    }
                    other => other.clone(),
                };
                self.infer_expr(index, scope);
                // An index out of range gives NULL.
                Typed::new(ty, true)
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

    /// The fields of a composite value: a FROM item named as a whole row (`(t).col`), or a
    /// value of a composite type or a relation's row type. A field is NULL when the value is;
    /// a composite type's fields may be NULL in any case.
    pub(super) fn fields(&self, e: &Expr, scope: &Scope) -> Result<Vec<super::OutputColumn>, String> {
        if let Expr::Column { qualifier, name } = e.unnested()
            && qualifier.is_empty()
            && let Some(entry) = scope.entry(name)
            && matches!(scope.lookup(&[], name).ty, Ty::Known(ref t) if Some(t) == entry.row_type.as_ref() || t == "record")
        {
            return entry.qualified_star();
        }
        let value = self.infer_expr(e, scope);
        if let Ty::Record(fields) = &value.ty {
            return Ok(fields
                .iter()
                .map(|f| super::OutputColumn {
                    name: f.name.clone(),
                    typed: Typed::new(f.typed.ty.clone(), f.typed.nullable || value.nullable),
                })
                .collect());
        }
        let Ty::Known(ty) = &value.ty else {
            return Err(format!("the type of `{e}` is not inferred"));
        };
        let written =
            crate::parse::parse_type(ty).map_err(|_| format!("the type of `{e}` is not inferred"))?;
        let fields = self
            .schema
            .row_type(&written)
            .ok_or_else(|| format!("the type of `{e}` ({ty}) is not a composite type the migrations made"))?;
        Ok(fields
            .into_iter()
            .map(|(name, t)| super::OutputColumn {
                name,
                typed: Typed::new(Ty::Known(t), true),
            })
            .collect())
    }

    /// A boolean test over values compared with one another (`IN` lists, `BETWEEN`, a simple
    /// `CASE`): untyped parameters among them take the others' common type; NULL when any is.
    fn boolean_over(&self, exprs: &[&Expr], scope: &Scope) -> Typed {
        let typed: Vec<Typed> = exprs.iter().map(|e| self.infer_expr(e, scope)).collect();
        let types: Vec<Ty> = typed.iter().map(|t| t.ty.clone()).collect();
        self.expect_common(exprs, &types);
        Typed::new(Ty::known("boolean"), typed.iter().any(|t| t.nullable))
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

    /// `typed` with a domain type replaced by the domain's base type.
    pub(super) fn as_base(&self, typed: Typed) -> Typed {
        match &typed.ty {
            Ty::Known(t) => match self.schema.domain_base(t) {
                Some(base) => Typed::new(Ty::Known(base), typed.nullable),
                None => typed,
            },
            _ => typed,
        }
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
