//! `IF` conditions of `DO` blocks, as far as the fold can evaluate them: constants, the server
//! version, `EXISTS` (or `count(*)`) over PostgreSQL's own catalog with `column = 'value'`
//! conditions, and `NOT`/`AND`/`OR` of those.

use sqlparser::ast as sql;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::SERVER_VERSION_NUM;
use crate::parse::lower_expr::folded;
use crate::sql::ddl::{Guard, Probe};

/// An `IF` condition as the fold can evaluate it.
pub(super) fn guard(tokens: &[TokenWithSpan]) -> Guard {
    let text = tokens
        .iter()
        .map(|t| t.token.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let mut parser = Parser::new(&PostgreSqlDialect {}).with_tokens_with_locations(tokens.to_vec());
    match parser.parse_expr() {
        Ok(e) if parser.peek_token().token == Token::EOF => guard_of(&e).unwrap_or(Guard::Unknown(text)),
        _ => Guard::Unknown(text),
    }
}

fn guard_of(e: &sql::Expr) -> Option<Guard> {
    use sql::Expr as E;
    Some(match e {
        E::Nested(inner) => guard_of(inner)?,
        E::UnaryOp {
            op: sql::UnaryOperator::Not,
            expr,
        } => Guard::Not(Box::new(guard_of(expr)?)),
        E::BinaryOp {
            left,
            op: sql::BinaryOperator::And,
            right,
        } => Guard::And(Box::new(guard_of(left)?), Box::new(guard_of(right)?)),
        E::BinaryOp {
            left,
            op: sql::BinaryOperator::Or,
            right,
        } => Guard::Or(Box::new(guard_of(left)?), Box::new(guard_of(right)?)),
        E::Exists { subquery, negated } => {
            let probe = probe(subquery)?;
            let exists = Guard::Exists(probe);
            if *negated {
                Guard::Not(Box::new(exists))
            } else {
                exists
            }
        }
        E::Value(v) => match &v.value {
            sql::Value::Boolean(b) => Guard::Const(*b),
            _ => return None,
        },
        // `(SELECT current_setting('server_version_num')::int >= 110000)`.
        E::Subquery(q) => match q.body.as_ref() {
            sql::SetExpr::Select(s) if s.from.is_empty() && s.projection.len() == 1 => {
                match &s.projection[0] {
                    sql::SelectItem::UnnamedExpr(inner)
                    | sql::SelectItem::ExprWithAlias { expr: inner, .. } => guard_of(inner)?,
                    _ => return None,
                }
            }
            _ => return None,
        },
        E::BinaryOp { left, op, right } => {
            // Comparisons of the server version with a number, and `(SELECT count(*) ...)`
            // with zero.
            if let (Some(a), Some(b)) = (number(left), number(right)) {
                return Some(Guard::Const(compare(a, op, b)?));
            }
            let (count, other, flipped) = match (count_probe(left), count_probe(right)) {
                (Some(p), None) => (p, number(right)?, false),
                (None, Some(p)) => (p, number(left)?, true),
                _ => return None,
            };
            // count(*) = 0 / > 0 / >= 1 / <> 0 / < 1.
            let op = if flipped { flip(op)? } else { op.clone() };
            let exists = Guard::Exists(count);
            match (op, other) {
                (sql::BinaryOperator::Eq, 0)
                | (sql::BinaryOperator::Lt, 1)
                | (sql::BinaryOperator::LtEq, 0) => Guard::Not(Box::new(exists)),
                (sql::BinaryOperator::Gt, 0)
                | (sql::BinaryOperator::GtEq, 1)
                | (sql::BinaryOperator::NotEq, 0) => exists,
                _ => return None,
            }
        }
        _ => return None,
    })
}

fn flip(op: &sql::BinaryOperator) -> Option<sql::BinaryOperator> {
    use sql::BinaryOperator as O;
    Some(match op {
        O::Lt => O::Gt,
        O::Gt => O::Lt,
        O::LtEq => O::GtEq,
        O::GtEq => O::LtEq,
        O::Eq => O::Eq,
        O::NotEq => O::NotEq,
        _ => return None,
    })
}

fn compare(a: i64, op: &sql::BinaryOperator, b: i64) -> Option<bool> {
    use sql::BinaryOperator as O;
    Some(match op {
        O::Eq => a == b,
        O::NotEq => a != b,
        O::Lt => a < b,
        O::LtEq => a <= b,
        O::Gt => a > b,
        O::GtEq => a >= b,
        _ => return None,
    })
}

/// An integer constant, or `current_setting('server_version_num')` (cast or not).
fn number(e: &sql::Expr) -> Option<i64> {
    use sql::Expr as E;
    match e {
        E::Nested(inner) | E::Cast { expr: inner, .. } => number(inner),
        E::Value(v) => match &v.value {
            sql::Value::Number(n, _) => n.parse().ok(),
            sql::Value::SingleQuotedString(s) => s.parse().ok(),
            _ => None,
        },
        E::Function(f) => {
            let name = f.name.0.last()?.as_ident()?.value.to_ascii_lowercase();
            let sql::FunctionArguments::List(list) = &f.args else {
                return None;
            };
            let arg = match list.args.first()? {
                sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Expr(E::Value(v))) => match &v.value {
                    sql::Value::SingleQuotedString(s) => s.to_ascii_lowercase(),
                    _ => return None,
                },
                _ => return None,
            };
            (name == "current_setting" && arg == "server_version_num").then_some(SERVER_VERSION_NUM)
        }
        _ => None,
    }
}

/// `(SELECT count(*) FROM catalog WHERE ...)` as a probe of its rows.
fn count_probe(e: &sql::Expr) -> Option<Probe> {
    match e {
        sql::Expr::Nested(inner) => count_probe(inner),
        sql::Expr::Subquery(q) => {
            let sql::SetExpr::Select(s) = q.body.as_ref() else {
                return None;
            };
            let counts = s.projection.len() == 1
                && matches!(&s.projection[0], sql::SelectItem::UnnamedExpr(sql::Expr::Function(f))
                    if f.name.to_string().eq_ignore_ascii_case("count"));
            counts.then(|| probe(q)).flatten()
        }
        _ => None,
    }
}

/// `SELECT ... FROM <catalog relation> [JOIN pg_namespace ...] WHERE a = 'x' AND ...`: which
/// catalog rows it looks for. Anything the fold could not answer exactly gives `None`.
fn probe(q: &sql::Query) -> Option<Probe> {
    let sql::SetExpr::Select(s) = q.body.as_ref() else {
        return None;
    };
    let [from] = s.from.as_slice() else {
        return None;
    };
    let relation = match &from.relation {
        sql::TableFactor::Table { name, .. } => {
            let parts: Vec<String> = name.0.iter().filter_map(|p| p.as_ident().map(folded)).collect();
            match parts.as_slice() {
                [r] => r.clone(),
                [schema, r] if schema == "pg_catalog" => r.clone(),
                [schema, r] => format!("{schema}.{r}"),
                _ => return None,
            }
        }
        _ => return None,
    };
    // A join to pg_namespace only names the schema; its condition is not needed.
    if from.joins.iter().any(|j| !matches!(&j.relation, sql::TableFactor::Table { name, .. } if name.to_string().to_ascii_lowercase().ends_with("pg_namespace")))
    {
        return None;
    }
    let mut filters = Vec::new();
    if let Some(selection) = &s.selection {
        conjuncts(selection, &mut filters)?;
    }
    Some(Probe { relation, filters })
}

/// The `column = 'value'` conjuncts of a WHERE clause (`None` for anything else).
fn conjuncts(e: &sql::Expr, out: &mut Vec<(String, String)>) -> Option<()> {
    use sql::Expr as E;
    match e {
        E::Nested(inner) => conjuncts(inner, out),
        E::BinaryOp {
            left,
            op: sql::BinaryOperator::And,
            right,
        } => {
            conjuncts(left, out)?;
            conjuncts(right, out)
        }
        E::BinaryOp {
            left,
            op: sql::BinaryOperator::Eq,
            right,
        } => {
            let (column, value) = match (column_name(left), literal(right)) {
                (Some(c), Some(v)) => (c, v),
                _ => match (column_name(right), literal(left)) {
                    (Some(c), Some(v)) => (c, v),
                    // `n.oid = t.typnamespace`: the join to pg_namespace.
                    _ if column_name(left).is_some() && column_name(right).is_some() => return Some(()),
                    _ => return None,
                },
            };
            out.push((column, value));
            Some(())
        }
        _ => None,
    }
}

fn column_name(e: &sql::Expr) -> Option<String> {
    match e {
        sql::Expr::Identifier(i) => Some(folded(i)),
        sql::Expr::CompoundIdentifier(parts) => parts.last().map(folded),
        sql::Expr::Cast { expr, .. } | sql::Expr::Nested(expr) => column_name(expr),
        _ => None,
    }
}

/// A string literal, maybe cast (`'t'::regclass` names the relation `t`).
fn literal(e: &sql::Expr) -> Option<String> {
    match e {
        sql::Expr::Value(v) => match &v.value {
            sql::Value::SingleQuotedString(s) => Some(s.clone()),
            _ => None,
        },
        sql::Expr::Cast { expr, .. } | sql::Expr::Nested(expr) => literal(expr),
        _ => None,
    }
}
