//! Writing expressions back out: the normalised SQL stored in the catalog ([`fmt::Display`])
//! and the comparison form `verify` uses ([`canonical`]).

use std::fmt;

use super::expr::Expr;
use super::quote::{quote_ident, quote_literal};

fn join(f: &mut fmt::Formatter<'_>, items: &[Expr]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Column { qualifier, name } => {
                for q in qualifier {
                    write!(f, "{}.", quote_ident(q))?;
                }
                f.write_str(&quote_ident(name))
            }
            Expr::String(s) => f.write_str(&quote_literal(s)),
            Expr::Number(n) => f.write_str(n),
            Expr::Bool(b) => f.write_str(if *b { "true" } else { "false" }),
            Expr::Null => f.write_str("NULL"),
            Expr::Param(n) => write!(f, "${n}"),
            Expr::Keyword(k) => f.write_str(k),
            Expr::Typed { data_type, value } => {
                write!(f, "{} {}", data_type.written, quote_literal(value))
            }
            Expr::Cast { expr, data_type } => write!(f, "{expr}::{}", data_type.written),
            Expr::Function {
                name,
                args,
                star,
                distinct,
                window,
                ..
            } => {
                let name: Vec<String> = name.iter().map(|n| quote_ident(n)).collect();
                write!(f, "{}(", name.join("."))?;
                if *star {
                    f.write_str("*")?;
                }
                if *distinct {
                    f.write_str("DISTINCT ")?;
                }
                join(f, args)?;
                f.write_str(")")?;
                if *window {
                    f.write_str(" OVER (...)")?;
                }
                Ok(())
            }
            Expr::Unary { op, expr } => {
                if op.chars().all(|c| c.is_ascii_alphabetic()) {
                    write!(f, "{op} {expr}")
                } else {
                    write!(f, "{op}{expr}")
                }
            }
            Expr::Binary { left, op, right } => write!(f, "{left} {op} {right}"),
            Expr::Postfix { expr, op } => write!(f, "{expr} {op}"),
            Expr::InList { expr, list, negated } => {
                write!(f, "{expr} {}IN (", if *negated { "NOT " } else { "" })?;
                join(f, list)?;
                f.write_str(")")
            }
            Expr::AnyAll { left, op, right, all } => {
                write!(f, "{left} {op} {} ({right})", if *all { "ALL" } else { "ANY" })
            }
            Expr::Array(items) => {
                f.write_str("ARRAY[")?;
                join(f, items)?;
                f.write_str("]")
            }
            Expr::Between {
                expr,
                low,
                high,
                negated,
            } => write!(
                f,
                "{expr} {}BETWEEN {low} AND {high}",
                if *negated { "NOT " } else { "" }
            ),
            Expr::Case {
                operand,
                whens,
                otherwise,
            } => {
                f.write_str("CASE")?;
                if let Some(o) = operand {
                    write!(f, " {o}")?;
                }
                for (c, r) in whens {
                    write!(f, " WHEN {c} THEN {r}")?;
                }
                if let Some(o) = otherwise {
                    write!(f, " ELSE {o}")?;
                }
                f.write_str(" END")
            }
            Expr::Extract { field, expr } => write!(f, "EXTRACT({field} FROM {expr})"),
            Expr::Nested(e) => write!(f, "({e})"),
            Expr::Subscript { expr, index } => write!(f, "{expr}[{index}]"),
            Expr::Field { expr, field } => {
                let field = if field == "*" {
                    "*".to_string()
                } else {
                    quote_ident(field)
                };
                match expr.as_ref() {
                    Expr::Nested(_) => write!(f, "{expr}.{field}"),
                    _ => write!(f, "({expr}).{field}"),
                }
            }
            Expr::Raw(text) | Expr::Subquery { text, .. } => f.write_str(text),
        }
    }
}

/// Operators PostgreSQL stores under another spelling.
fn canonical_op(op: &str) -> &str {
    match op {
        "!=" => "<>",
        "LIKE" => "~~",
        "NOT LIKE" => "!~~",
        "ILIKE" => "~~*",
        "NOT ILIKE" => "!~~*",
        other => other,
    }
}

fn canonical_list(items: &[Expr], out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        canonical(item, out);
    }
}

/// Appends the comparison form of `e` (see [`Expr::canonical`]).
pub(super) fn canonical(e: &Expr, out: &mut String) {
    match e {
        Expr::Nested(inner) | Expr::Cast { expr: inner, .. } => canonical(inner, out),
        Expr::Subscript { expr, index } => {
            canonical(expr, out);
            out.push('[');
            canonical(index, out);
            out.push(']');
        }
        Expr::Field { expr, field } => {
            out.push('(');
            canonical(expr, out);
            out.push_str(").");
            out.push_str(field);
        }
        Expr::Column { name, .. } => out.push_str(name),
        // Literals compare by their text: PostgreSQL stores `-1` as `'-1'::integer`.
        Expr::String(s) | Expr::Number(s) => out.push_str(&quote_literal(&array_literal(s))),
        Expr::Typed { value, .. } => out.push_str(&quote_literal(value)),
        Expr::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Expr::Null => out.push_str("NULL"),
        Expr::Param(n) => out.push_str(&format!("${n}")),
        Expr::Keyword(k) => out.push_str(&k.to_ascii_uppercase()),
        Expr::Function {
            name,
            args,
            star,
            distinct,
            window,
            ..
        } => {
            // `pg_catalog.now()` and `now()` are the same function.
            let base = name.last().map_or("", String::as_str);
            out.push_str(base);
            out.push('(');
            if *star {
                out.push('*');
            }
            if *distinct {
                out.push_str("DISTINCT ");
            }
            canonical_list(args, out);
            out.push(')');
            if *window {
                out.push_str(" OVER");
            }
        }
        Expr::Unary { op, expr } => {
            // A negative number literal is one literal for PostgreSQL.
            if op == "-"
                && let Expr::Number(n) = expr.uncast()
            {
                out.push_str(&quote_literal(&format!("-{n}")));
                return;
            }
            out.push('(');
            out.push_str(op);
            out.push(' ');
            canonical(expr, out);
            out.push(')');
        }
        Expr::Binary { left, op, right } => {
            out.push('(');
            canonical(left, out);
            out.push(' ');
            out.push_str(canonical_op(op));
            out.push(' ');
            canonical(right, out);
            out.push(')');
        }
        Expr::Postfix { expr, op } => {
            out.push('(');
            canonical(expr, out);
            out.push(' ');
            out.push_str(op);
            out.push(')');
        }
        Expr::InList { expr, list, negated } => {
            // PostgreSQL turns a one-element list into a plain comparison.
            if let [only] = list.as_slice() {
                let op = if *negated { "<>" } else { "=" };
                let e = Expr::Binary {
                    left: expr.clone(),
                    op: op.into(),
                    right: Box::new(only.clone()),
                };
                return canonical(&e, out);
            }
            out.push('(');
            canonical(expr, out);
            out.push_str(if *negated { " NOT IN (" } else { " IN (" });
            canonical_list(list, out);
            out.push_str("))");
        }
        Expr::AnyAll { left, op, right, all } => {
            let op = canonical_op(op);
            if let Expr::Array(items) = right.uncast() {
                match (op, *all) {
                    ("=", false) => {
                        let e = Expr::InList {
                            expr: left.clone(),
                            list: items.clone(),
                            negated: false,
                        };
                        return canonical(&e, out);
                    }
                    ("<>", true) => {
                        let e = Expr::InList {
                            expr: left.clone(),
                            list: items.clone(),
                            negated: true,
                        };
                        return canonical(&e, out);
                    }
                    _ => {}
                }
            }
            out.push('(');
            canonical(left, out);
            out.push(' ');
            out.push_str(op);
            out.push_str(if *all { " ALL (" } else { " ANY (" });
            canonical(right, out);
            out.push_str("))");
        }
        Expr::Array(items) => {
            out.push_str("ARRAY[");
            canonical_list(items, out);
            out.push(']');
        }
        Expr::Between {
            expr,
            low,
            high,
            negated,
        } => {
            // Stored as `x >= low AND x <= high` (or `x < low OR x > high`).
            let (lo, hi, join) = if *negated {
                ("<", ">", "OR")
            } else {
                (">=", "<=", "AND")
            };
            let e = Expr::Binary {
                left: Box::new(Expr::Binary {
                    left: expr.clone(),
                    op: lo.into(),
                    right: low.clone(),
                }),
                op: join.into(),
                right: Box::new(Expr::Binary {
                    left: expr.clone(),
                    op: hi.into(),
                    right: high.clone(),
                }),
            };
            canonical(&e, out)
        }
        Expr::Case {
            operand,
            whens,
            otherwise,
        } => {
            out.push_str("CASE");
            if let Some(o) = operand {
                out.push(' ');
                canonical(o, out);
            }
            for (c, r) in whens {
                out.push_str(" WHEN ");
                canonical(c, out);
                out.push_str(" THEN ");
                canonical(r, out);
            }
            if let Some(o) = otherwise {
                out.push_str(" ELSE ");
                canonical(o, out);
            }
            out.push_str(" END");
        }
        Expr::Extract { field, expr } => {
            // PostgreSQL 14+ stores EXTRACT as a call of extract('field', x).
            out.push_str("extract(");
            out.push_str(&quote_literal(&field.to_ascii_lowercase()));
            out.push_str(", ");
            canonical(expr, out);
            out.push(')');
        }
        Expr::Raw(text) | Expr::Subquery { text, .. } => out.push_str(text),
    }
}

/// An array literal (`'{a, b}'`) as PostgreSQL prints the array it stores (`{a,b}`): the
/// blanks around unquoted elements go. Other text is left alone.
fn array_literal(s: &str) -> std::borrow::Cow<'_, str> {
    let trimmed = s.trim();
    if !(trimmed.starts_with('{') && trimmed.ends_with('}')) || trimmed.contains('"') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for part in trimmed.split(',') {
        if !out.is_empty() {
            out.push(',');
        }
        let part = part.trim();
        let (open, rest) = match part.strip_prefix('{') {
            Some(rest) => ("{", rest.trim_start()),
            None => ("", part),
        };
        let (rest, close) = match rest.strip_suffix('}') {
            Some(rest) => (rest.trim_end(), "}"),
            None => (rest, ""),
        };
        out.push_str(open);
        out.push_str(rest);
        out.push_str(close);
    }
    std::borrow::Cow::Owned(out)
}
