//! SQL expressions and queries as the fold sees them: a small tree of our own.
//!
//! Defaults, CHECK conditions, index keys and predicates, generated columns and view queries
//! are kept as trees, so renaming a column can rewrite them and view columns can be typed.
//! Two renderings: `Display` (`to_string`) is the normalised SQL stored in the catalog, and
//! [`Expr::canonical`] is the form `verify` compares, which also irons out the ways PostgreSQL
//! re-spells an expression when it stores it (added casts and parentheses, `IN` lists turned
//! into `= ANY (ARRAY[...])`, `BETWEEN` into two comparisons, `LIKE` into `~~`).

use crate::sql::TypeName;
use crate::sql::query::Query;
#[cfg(test)]
use crate::sql::quote::quote_ident;
use crate::sql::render;

/// An SQL expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A column reference, maybe qualified by a table or alias (`e.status`).
    Column {
        /// Qualifier parts (`["e"]` for `e.status`).
        qualifier: Vec<String>,
        /// Column name.
        name: String,
    },
    /// A string literal.
    String(String),
    /// A number literal, as written.
    Number(String),
    /// `TRUE` or `FALSE`.
    Bool(bool),
    /// `NULL`.
    Null,
    /// A query parameter, `$n`.
    Param(u32),
    /// An SQL value function written as a keyword (`CURRENT_TIMESTAMP`, `CURRENT_DATE`).
    Keyword(String),
    /// A typed literal (`INTERVAL '15 minutes'`, `DATE '2024-01-01'`).
    Typed {
        /// The literal's type.
        data_type: TypeName,
        /// The literal text.
        value: String,
    },
    /// `expr::type` or `CAST(expr AS type)`.
    Cast {
        /// What is cast.
        expr: Box<Expr>,
        /// To what.
        data_type: TypeName,
    },
    /// A function call, aggregate or window function.
    Function {
        /// Name parts, lower case (`["pg_catalog", "now"]`).
        name: Vec<String>,
        /// Arguments.
        args: Vec<Expr>,
        /// `count(*)`.
        star: bool,
        /// `count(DISTINCT x)`.
        distinct: bool,
        /// Has an `OVER` clause.
        window: bool,
        /// The expressions of its `FILTER (WHERE ...)`, `OVER (PARTITION BY ... ORDER BY ...)`,
        /// `WITHIN GROUP (ORDER BY ...)` and argument `ORDER BY`: they do not change its type,
        /// but read columns and may hold parameters. Not part of its rendering.
        clauses: Vec<Expr>,
    },
    /// A prefix operator (`NOT x`, `-x`).
    Unary {
        /// The operator.
        op: String,
        /// The operand.
        expr: Box<Expr>,
    },
    /// An infix operator (`a = b`, `a || b`, `a AND b`, `a LIKE b`).
    Binary {
        /// Left operand.
        left: Box<Expr>,
        /// Operator, upper case for word operators.
        op: String,
        /// Right operand.
        right: Box<Expr>,
    },
    /// A postfix test (`x IS NULL`, `x IS NOT TRUE`).
    Postfix {
        /// The operand.
        expr: Box<Expr>,
        /// The test (`IS NULL`).
        op: String,
    },
    /// `x [NOT] IN (a, b)`.
    InList {
        /// The tested value.
        expr: Box<Expr>,
        /// The list.
        list: Vec<Expr>,
        /// `NOT IN`.
        negated: bool,
    },
    /// `x op ANY (array)` / `x op ALL (array)`.
    AnyAll {
        /// Left operand.
        left: Box<Expr>,
        /// Comparison operator.
        op: String,
        /// The array.
        right: Box<Expr>,
        /// `ALL` rather than `ANY`.
        all: bool,
    },
    /// `ARRAY[a, b]`.
    Array(Vec<Expr>),
    /// `x [NOT] BETWEEN low AND high`.
    Between {
        /// The tested value.
        expr: Box<Expr>,
        /// Lower bound.
        low: Box<Expr>,
        /// Upper bound.
        high: Box<Expr>,
        /// `NOT BETWEEN`.
        negated: bool,
    },
    /// `CASE [operand] WHEN .. THEN .. [ELSE ..] END`.
    Case {
        /// The simple-CASE operand.
        operand: Option<Box<Expr>>,
        /// `WHEN condition THEN result` pairs.
        whens: Vec<(Expr, Expr)>,
        /// `ELSE` result.
        otherwise: Option<Box<Expr>>,
    },
    /// `EXTRACT(field FROM expr)`.
    Extract {
        /// The field, upper case (`EPOCH`).
        field: String,
        /// The source.
        expr: Box<Expr>,
    },
    /// A parenthesised expression.
    Nested(Box<Expr>),
    /// `(value).field`: a field of a composite value (`(b).a`, `(f(x)).col`); `field` is `*`
    /// for every field (`(b).*`, which a select list expands).
    Field {
        /// The composite value.
        expr: Box<Expr>,
        /// The field's name, folded.
        field: String,
    },
    /// `value[index]`: an array element (or a `jsonb` member).
    Subscript {
        /// The array.
        expr: Box<Expr>,
        /// The index.
        index: Box<Expr>,
    },
    /// A subquery used as a value: `(SELECT ...)`, `EXISTS (...)`, `x IN (SELECT ...)`,
    /// `ARRAY(SELECT ...)`. Its columns belong to its own scope, so walks and renames do not
    /// enter it; it is written back out as `text`.
    Subquery {
        /// How the subquery is used.
        kind: SubqueryKind,
        /// The subquery.
        query: Box<Query>,
        /// The whole expression as normalised SQL.
        text: String,
        /// For `x [NOT] IN (SELECT ...)`, the tested value `x` (of the outer scope).
        tested: Option<Box<Expr>>,
    },
    /// Anything else (JSON paths, row constructors, ...), kept as normalised text.
    Raw(String),
}

/// How a subquery is used as a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubqueryKind {
    /// `(SELECT x ...)`: its one column, NULL when it returns no row.
    Scalar,
    /// `[NOT] EXISTS (...)`: a boolean, never NULL.
    Exists,
    /// `x [NOT] IN (SELECT ...)`: a boolean, NULL when x or a compared value is.
    In,
    /// `ARRAY(SELECT x ...)`: an array of its column's type, never NULL.
    Array,
}

impl Expr {
    /// A column reference without qualifier.
    pub fn column(name: impl Into<String>) -> Self {
        Expr::Column {
            qualifier: Vec::new(),
            name: name.into(),
        }
    }

    /// The expression without the parentheses around it.
    pub fn unnested(&self) -> &Expr {
        let mut e = self;
        while let Expr::Nested(inner) = e {
            e = inner;
        }
        e
    }

    /// The expression without parentheses and casts around it (`(x)::text` -> `x`).
    pub fn uncast(&self) -> &Expr {
        let mut e = self;
        loop {
            match e {
                Expr::Nested(inner) | Expr::Cast { expr: inner, .. } => e = inner,
                _ => return e,
            }
        }
    }

    /// Names of the columns the expression reads (last part of each reference), in order of
    /// first appearance, without duplicates.
    pub fn columns(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let Expr::Column { name, .. } = e
                && !out.contains(name)
            {
                out.push(name.clone());
            }
        });
        out
    }

    /// True when the expression reads `column`.
    pub fn uses_column(&self, column: &str) -> bool {
        self.columns().iter().any(|c| c == column)
    }

    /// Renames column references `from` to `to` (as PostgreSQL does for stored expressions,
    /// which refer to columns by number).
    pub fn rename_column(&mut self, from: &str, to: &str) {
        self.walk_mut(&mut |e| {
            if let Expr::Column { name, .. } = e
                && name == from
            {
                *name = to.to_string();
            }
        });
    }

    /// Calls `f` on this expression and every expression inside it.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Column { .. }
            | Expr::String(_)
            | Expr::Number(_)
            | Expr::Bool(_)
            | Expr::Null
            | Expr::Param(_)
            | Expr::Keyword(_)
            | Expr::Typed { .. }
            | Expr::Subquery { tested: None, .. }
            | Expr::Raw(_) => {}
            Expr::Cast { expr, .. }
            | Expr::Unary { expr, .. }
            | Expr::Postfix { expr, .. }
            | Expr::Extract { expr, .. }
            | Expr::Field { expr, .. }
            | Expr::Subquery {
                tested: Some(expr), ..
            }
            | Expr::Nested(expr) => expr.walk(f),
            Expr::Function { args, clauses, .. } => args.iter().chain(clauses).for_each(|a| a.walk(f)),
            Expr::Array(args) => args.iter().for_each(|a| a.walk(f)),
            Expr::Binary { left, right, .. }
            | Expr::AnyAll { left, right, .. }
            | Expr::Subscript {
                expr: left,
                index: right,
            } => {
                left.walk(f);
                right.walk(f);
            }
            Expr::InList { expr, list, .. } => {
                expr.walk(f);
                list.iter().for_each(|a| a.walk(f));
            }
            Expr::Between { expr, low, high, .. } => {
                expr.walk(f);
                low.walk(f);
                high.walk(f);
            }
            Expr::Case {
                operand,
                whens,
                otherwise,
            } => {
                if let Some(o) = operand {
                    o.walk(f);
                }
                for (c, r) in whens {
                    c.walk(f);
                    r.walk(f);
                }
                if let Some(o) = otherwise {
                    o.walk(f);
                }
            }
        }
    }

    /// Calls `f` on this expression and every expression inside it, mutably.
    pub fn walk_mut(&mut self, f: &mut impl FnMut(&mut Expr)) {
        f(self);
        match self {
            Expr::Column { .. }
            | Expr::String(_)
            | Expr::Number(_)
            | Expr::Bool(_)
            | Expr::Null
            | Expr::Param(_)
            | Expr::Keyword(_)
            | Expr::Typed { .. }
            | Expr::Subquery { .. }
            | Expr::Raw(_) => {}
            Expr::Cast { expr, .. }
            | Expr::Unary { expr, .. }
            | Expr::Postfix { expr, .. }
            | Expr::Extract { expr, .. }
            | Expr::Field { expr, .. }
            | Expr::Nested(expr) => expr.walk_mut(f),
            Expr::Function { args, clauses, .. } => {
                args.iter_mut().chain(clauses).for_each(|a| a.walk_mut(f))
            }
            Expr::Array(args) => args.iter_mut().for_each(|a| a.walk_mut(f)),
            Expr::Binary { left, right, .. }
            | Expr::AnyAll { left, right, .. }
            | Expr::Subscript {
                expr: left,
                index: right,
            } => {
                left.walk_mut(f);
                right.walk_mut(f);
            }
            Expr::InList { expr, list, .. } => {
                expr.walk_mut(f);
                list.iter_mut().for_each(|a| a.walk_mut(f));
            }
            Expr::Between { expr, low, high, .. } => {
                expr.walk_mut(f);
                low.walk_mut(f);
                high.walk_mut(f);
            }
            Expr::Case {
                operand,
                whens,
                otherwise,
            } => {
                if let Some(o) = operand {
                    o.walk_mut(f);
                }
                for (c, r) in whens {
                    c.walk_mut(f);
                    r.walk_mut(f);
                }
                if let Some(o) = otherwise {
                    o.walk_mut(f);
                }
            }
        }
    }

    /// When the expression limits one column to a list of strings, that column and the list:
    /// `col IN ('a', 'b')`, `col = ANY (ARRAY['a', 'b'])`, and either of those `OR col IS NULL`.
    pub fn allowed_values(&self) -> Option<(String, Vec<String>)> {
        match self.unnested() {
            Expr::InList {
                expr,
                list,
                negated: false,
            } => {
                let column = column_name(expr)?;
                Some((column, string_list(list)?))
            }
            Expr::AnyAll {
                left,
                op,
                right,
                all: false,
            } if op == "=" => {
                let column = column_name(left)?;
                match right.uncast() {
                    Expr::Array(items) => Some((column, string_list(items)?)),
                    _ => None,
                }
            }
            Expr::Binary { left, op, right } if op == "OR" => {
                let (null_side, list_side) = if is_null_test(left).is_some() {
                    (left, right)
                } else {
                    (right, left)
                };
                let null_column = is_null_test(null_side)?;
                let (column, values) = list_side.allowed_values()?;
                (column == null_column).then_some((column, values))
            }
            _ => None,
        }
    }

    /// The comparison form `verify` uses: casts, redundant parentheses and identifier quoting
    /// dropped; literals compared by their text; `IN` lists, `= ANY (ARRAY[...])`, `BETWEEN`
    /// and `LIKE` spelled one way each. Two expressions PostgreSQL stores alike have equal
    /// canonical forms.
    pub fn canonical(&self) -> String {
        let mut out = String::new();
        render::canonical(self, &mut out);
        out
    }
}

fn column_name(e: &Expr) -> Option<String> {
    match e.uncast() {
        Expr::Column { name, .. } => Some(name.clone()),
        _ => None,
    }
}

fn string_list(items: &[Expr]) -> Option<Vec<String>> {
    items
        .iter()
        .map(|i| match i.uncast() {
            Expr::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

fn is_null_test(e: &Expr) -> Option<String> {
    match e.unnested() {
        Expr::Postfix { expr, op } if op == "IS NULL" => column_name(expr),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(n: &str) -> Expr {
        Expr::column(n)
    }

    fn strings(v: &[&str]) -> Vec<Expr> {
        v.iter().map(|s| Expr::String(s.to_string())).collect()
    }

    #[test]
    fn finds_allowed_values_in_in_lists_any_arrays_and_null_alternatives() {
        let in_list = Expr::InList {
            expr: Box::new(col("plan")),
            list: strings(&["free", "pro"]),
            negated: false,
        };
        let expected = Some(("plan".to_string(), vec!["free".to_string(), "pro".to_string()]));
        assert_eq!(in_list.allowed_values(), expected);
        let any = Expr::AnyAll {
            left: Box::new(col("plan")),
            op: "=".into(),
            right: Box::new(Expr::Array(strings(&["free", "pro"]))),
            all: false,
        };
        assert_eq!(any.allowed_values(), expected);
        let or_null = Expr::Binary {
            left: Box::new(Expr::Postfix {
                expr: Box::new(col("plan")),
                op: "IS NULL".into(),
            }),
            op: "OR".into(),
            right: Box::new(Expr::Nested(Box::new(in_list.clone()))),
        };
        assert_eq!(or_null.allowed_values(), expected);
        let other_column = Expr::Binary {
            left: Box::new(Expr::Postfix {
                expr: Box::new(col("other")),
                op: "IS NULL".into(),
            }),
            op: "OR".into(),
            right: Box::new(in_list),
        };
        assert_eq!(other_column.allowed_values(), None);
    }

    #[test]
    fn canonical_form_ignores_casts_parentheses_and_list_spelling() {
        let written = Expr::InList {
            expr: Box::new(col("plan")),
            list: strings(&["a", "b"]),
            negated: false,
        };
        let stored = Expr::Nested(Box::new(Expr::AnyAll {
            left: Box::new(Expr::Nested(Box::new(col("plan")))),
            op: "=".into(),
            right: Box::new(Expr::Array(strings(&["a", "b"]))),
            all: false,
        }));
        assert_eq!(written.canonical(), stored.canonical());
        let minus_one = Expr::Unary {
            op: "-".into(),
            expr: Box::new(Expr::Number("1".into())),
        };
        assert_eq!(minus_one.canonical(), Expr::String("-1".into()).canonical());
    }

    #[test]
    fn canonical_form_spells_array_literals_as_postgresql_prints_them() {
        let written = Expr::String("{state, current}".into());
        let stored = Expr::String("{state,current}".into());
        assert_eq!(written.canonical(), stored.canonical());
        assert_ne!(
            Expr::String("a, b".into()).canonical(),
            Expr::String("a,b".into()).canonical()
        );
    }

    #[test]
    fn renames_columns_inside_expressions() {
        let mut e = Expr::Binary {
            left: Box::new(col("a")),
            op: ">".into(),
            right: Box::new(col("b")),
        };
        e.rename_column("a", "c");
        assert_eq!(e.to_string(), "c > b");
        assert_eq!(e.columns(), vec!["c", "b"]);
    }

    #[test]
    fn quotes_identifiers_only_when_needed() {
        assert_eq!(quote_ident("user_id"), "user_id");
        assert_eq!(quote_ident("createdAt"), "\"createdAt\"");
        assert_eq!(quote_ident("1a"), "\"1a\"");
    }
}
