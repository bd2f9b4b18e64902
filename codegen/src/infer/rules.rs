//! PostgreSQL's typing rules for the expressions views are made of: literals, operators,
//! functions and aggregates, and the common type of several branches.

use super::{Ty, Typed};

/// The type without its modifier, as `format_type(oid, NULL)` prints it (`character
/// varying(20)[]` -> `character varying[]`, `timestamp(3) with time zone` -> `timestamp with
/// time zone`, `character(2)` -> `bpchar`).
pub(crate) fn without_modifier(t: &str) -> String {
    let (base, array) = match t.strip_suffix("[]") {
        Some(b) => (b, "[]"),
        None => (t, ""),
    };
    let mut out = String::new();
    let mut depth = 0;
    for ch in base.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    let out = match out.as_str() {
        "character" => "bpchar".to_string(),
        _ => out,
    };
    format!("{out}{array}")
}

/// Rank in the numeric promotion order, or `None` for non-numeric types.
pub(super) fn numeric_rank(t: &str) -> Option<u8> {
    Some(match without_modifier(t).as_str() {
        "smallint" => 1,
        "integer" => 2,
        "bigint" => 3,
        "numeric" => 4,
        "real" => 5,
        "double precision" => 6,
        _ => return None,
    })
}

fn is_string(t: &str) -> bool {
    matches!(
        without_modifier(t).as_str(),
        "text" | "character varying" | "bpchar" | "name" | "citext"
    )
}

/// The common type of several branches (`CASE`, `COALESCE`, `UNION`).
pub(super) fn common(types: &[Ty]) -> Ty {
    if let Some(why) = types.iter().find_map(|t| match t {
        Ty::Unresolved(why) => Some(why.clone()),
        _ => None,
    }) {
        return Ty::Unresolved(why);
    }
    let known: Vec<&str> = types.iter().filter_map(Ty::text).collect();
    let Some(first) = known.first() else {
        return Ty::Unknown;
    };
    let all_same = known.iter().all(|t| t == first) && known.len() == types.len();
    if all_same {
        return Ty::known(first);
    }
    if known.iter().all(|t| numeric_rank(t).is_some()) {
        let best = known
            .iter()
            .max_by_key(|t| numeric_rank(t))
            .copied()
            .unwrap_or(first);
        return Ty::Known(without_modifier(best));
    }
    Ty::Known(without_modifier(first))
}

pub(super) fn number_type(n: &str) -> &'static str {
    if n.contains(['.', 'e', 'E']) {
        "numeric"
    } else if n.parse::<i32>().is_ok() {
        "integer"
    } else if n.parse::<i64>().is_ok() {
        "bigint"
    } else {
        "numeric"
    }
}

pub(super) fn keyword_type(k: &str) -> Ty {
    Ty::known(match k {
        "CURRENT_TIMESTAMP" | "TRANSACTION_TIMESTAMP" => "timestamp with time zone",
        "LOCALTIMESTAMP" => "timestamp without time zone",
        "CURRENT_DATE" => "date",
        "CURRENT_TIME" => "time with time zone",
        "LOCALTIME" => "time without time zone",
        "CURRENT_USER" | "SESSION_USER" | "USER" | "CURRENT_ROLE" | "CURRENT_SCHEMA" | "CURRENT_CATALOG" => {
            "name"
        }
        _ => return Ty::Unresolved(format!("the type of {k} is not inferred")),
    })
}

/// Functions whose result is never NULL, whatever their arguments.
fn never_null(name: &str) -> bool {
    matches!(
        name,
        "count"
            | "concat"
            | "now"
            | "gen_random_uuid"
            | "uuid_generate_v4"
            | "row_number"
            | "rank"
            | "dense_rank"
            | "percent_rank"
            | "cume_dist"
            | "ntile"
            | "random"
            | "pi"
            | "transaction_timestamp"
            | "statement_timestamp"
            | "clock_timestamp"
            | "timeofday"
    )
}

/// Functions that may return NULL for arguments none of which is NULL: being strict (NULL in,
/// NULL out) says nothing about that. From PostgreSQL 15's documentation, by section:
/// - Array Functions: `array_length`, `array_lower`, `array_upper`, `array_ndims`, `array_dims`
///   of an empty array (or a missing dimension), `array_position` when not found;
/// - JSON Functions: the field and element extractors (the functions behind `->`, `->>`, `#>`,
///   `#>>`) for a missing key or index, `jsonb_path_query_first` with no item, `jsonb_path_match`
///   for a non-boolean result;
/// - String Functions: `substring(text FROM pattern)` (not `FROM start`), `regexp_match` and `regexp_substr`
///   without a match;
/// - Range Functions: `lower` and `upper` of an empty range or an infinite bound;
/// - System Information and Administration: `current_setting(name, true)` for a missing
///   setting, the `to_reg*` lookups for a missing object, `obj_description`,
///   `col_description` and `shobj_description` without a comment, `pg_get_expr` and the other
///   `pg_get_*` and size functions for an object that does not exist, `txid_status`.
pub(super) fn may_return_null(name: &str, args: &[Typed]) -> bool {
    // lower() and upper() of text never return NULL; of a range they may.
    let of_range = || match args.first().map(|a| &a.ty) {
        Some(Ty::Known(t)) => !is_string(t),
        _ => false,
    };
    if matches!(name, "lower" | "upper") {
        return of_range();
    }
    matches!(
        name,
        "array_length"
            | "array_lower"
            | "array_upper"
            | "array_ndims"
            | "array_dims"
            | "array_position"
            | "json_extract_path"
            | "json_extract_path_text"
            | "jsonb_extract_path"
            | "jsonb_extract_path_text"
            | "json_object_field"
            | "json_object_field_text"
            | "json_array_element"
            | "json_array_element_text"
            | "jsonb_object_field"
            | "jsonb_object_field_text"
            | "jsonb_array_element"
            | "jsonb_array_element_text"
            | "jsonb_path_query_first"
            | "jsonb_path_query_first_tz"
            | "jsonb_path_match"
            | "jsonb_path_match_tz"
            | "regexp_match"
            | "regexp_substr"
            | "current_setting"
            | "to_regclass"
            | "to_regcollation"
            | "to_regnamespace"
            | "to_regoper"
            | "to_regoperator"
            | "to_regproc"
            | "to_regprocedure"
            | "to_regrole"
            | "to_regtype"
            | "obj_description"
            | "col_description"
            | "shobj_description"
            | "pg_get_expr"
            | "pg_get_viewdef"
            | "pg_get_constraintdef"
            | "pg_get_indexdef"
            | "pg_get_functiondef"
            | "pg_get_triggerdef"
            | "pg_get_ruledef"
            | "pg_get_serial_sequence"
            | "pg_relation_size"
            | "pg_total_relation_size"
            | "pg_table_size"
            | "pg_indexes_size"
            | "txid_status"
    ) || (name == "substring"
        && args.len() == 2
        && !matches!(&args[1].ty, Ty::Known(t) if numeric_rank(t).is_some()))
}

/// Operators that may return NULL for operands that are not NULL: the JSON extractors, for a
/// missing key or index, and `@@` on `jsonb` for a path whose result is not boolean.
pub(super) fn operator_may_return_null(op: &str, left: &Ty) -> bool {
    matches!(op, "->" | "->>" | "#>" | "#>>") || op == "@@" && matches!(left, Ty::Known(t) if t == "jsonb")
}

/// Aggregates (and window functions) that return NULL for an empty group.
fn aggregate(name: &str) -> bool {
    matches!(
        name,
        "sum"
            | "avg"
            | "min"
            | "max"
            | "string_agg"
            | "array_agg"
            | "bool_and"
            | "bool_or"
            | "every"
            | "json_agg"
            | "jsonb_agg"
            | "json_object_agg"
            | "jsonb_object_agg"
            | "lag"
            | "lead"
            | "first_value"
            | "last_value"
            | "nth_value"
            | "stddev"
            | "variance"
    )
}

pub(super) fn function_type(name: &str, args: &[Typed], star: bool, window: bool) -> Typed {
    let arg = |i: usize| args.get(i).map(|a| a.ty.clone()).unwrap_or(Ty::Unknown);
    let arg_text = |i: usize| match arg(i) {
        Ty::Known(t) => Some(t),
        _ => None,
    };
    let first_base = arg_text(0).map(|t| without_modifier(&t));
    // lower() and upper() of a range (or multirange) are its bounds, not text.
    let range_bound =
        matches!(name, "lower" | "upper") && first_base.as_deref().is_some_and(|t| !is_string(t));
    let ty = match name {
        _ if range_bound => return resolved_call(name, args, window),
        "count" => Ty::known("bigint"),
        "sum" => match first_base.as_deref() {
            Some("smallint" | "integer") => Ty::known("bigint"),
            Some("bigint" | "numeric") => Ty::known("numeric"),
            Some(t) => Ty::known(t),
            None => arg(0),
        },
        "avg" => match first_base.as_deref() {
            Some("real" | "double precision") => Ty::known("double precision"),
            Some("interval") => Ty::known("interval"),
            Some(_) => Ty::known("numeric"),
            None => arg(0),
        },
        "min" | "max" | "first_value" | "last_value" | "lag" | "lead" | "nth_value" | "abs" => {
            match first_base.as_deref() {
                // There is no max(varchar): PostgreSQL uses max(text). The window functions
                // take anyelement and keep the type (without its modifier).
                Some("character varying") if matches!(name, "min" | "max") => Ty::known("text"),
                Some(t) => Ty::known(t),
                None => arg(0),
            }
        }
        "coalesce" | "greatest" | "least" => common(&args.iter().map(|a| a.ty.clone()).collect::<Vec<_>>()),
        "nullif" => arg(0),
        "array_agg" => match first_base {
            Some(t) => Ty::Known(format!("{}[]", t.trim_end_matches("[]"))),
            None => arg(0),
        },
        "unnest" => match first_base {
            Some(t) => Ty::Known(t.trim_end_matches("[]").to_string()),
            None => arg(0),
        },
        "string_agg"
        | "concat"
        | "concat_ws"
        | "lower"
        | "upper"
        | "initcap"
        | "trim"
        | "replace"
        | "to_char"
        | "format"
        | "md5"
        | "left"
        | "right"
        | "lpad"
        | "rpad"
        | "repeat"
        | "reverse"
        | "split_part"
        | "quote_ident"
        | "quote_literal"
        | "quote_nullable"
        | "encode"
        | "translate"
        | "regexp_replace"
        | "chr"
        | "array_to_string"
        | "timeofday"
        | "host"
        | "text"
        | "json_extract_path_text"
        | "jsonb_extract_path_text"
        | "jsonb_typeof"
        | "json_typeof" => Ty::known("text"),
        "length" | "char_length" | "character_length" | "octet_length" | "bit_length" | "position"
        | "strpos" | "ascii" | "array_length" | "cardinality" | "jsonb_array_length"
        | "json_array_length" | "ntile" => Ty::known("integer"),
        "row_number" | "rank" | "dense_rank" => Ty::known("bigint"),
        "percent_rank" | "cume_dist" | "random" | "pi" | "date_part" | "sqrt" | "cbrt" | "exp" | "ln"
        | "log10" | "power" | "degrees" | "radians" => match first_base.as_deref() {
            Some("numeric") if matches!(name, "sqrt" | "exp" | "ln" | "power") => Ty::known("numeric"),
            _ => Ty::known("double precision"),
        },
        "ceil" | "ceiling" | "floor" | "round" | "trunc" | "sign" => {
            match (first_base.as_deref(), args.len()) {
                (Some("numeric"), _) | (_, 2) => Ty::known("numeric"),
                (Some("real"), 1) if name == "sign" => Ty::known("real"),
                _ => Ty::known("double precision"),
            }
        }
        "now" | "transaction_timestamp" | "statement_timestamp" | "clock_timestamp" | "to_timestamp" => {
            Ty::known("timestamp with time zone")
        }
        "to_date" => Ty::known("date"),
        "age" | "make_interval" | "justify_days" | "justify_hours" | "justify_interval" => {
            Ty::known("interval")
        }
        "date_trunc" => match arg_text(1).map(|t| without_modifier(&t)) {
            Some(t) => Ty::Known(t),
            None => Ty::known("timestamp with time zone"),
        },
        "timezone" => match arg_text(1).map(|t| without_modifier(&t)).as_deref() {
            Some("timestamp without time zone") => Ty::known("timestamp with time zone"),
            _ => Ty::known("timestamp without time zone"),
        },
        "gen_random_uuid" | "uuid_generate_v4" => Ty::known("uuid"),
        "bool_and" | "bool_or" | "every" | "isfinite" => Ty::known("boolean"),
        "json_build_object" | "json_build_array" | "to_json" | "row_to_json" | "json_agg"
        | "json_object_agg" | "array_to_json" => Ty::known("json"),
        "jsonb_build_object" | "jsonb_build_array" | "to_jsonb" | "jsonb_agg" | "jsonb_set"
        | "jsonb_object_agg" | "jsonb_strip_nulls" | "jsonb_insert" => Ty::known("jsonb"),
        "to_tsvector" => Ty::known("tsvector"),
        "to_tsquery" | "plainto_tsquery" | "websearch_to_tsquery" => Ty::known("tsquery"),
        "stddev" | "variance" => match first_base.as_deref() {
            Some("real" | "double precision") => Ty::known("double precision"),
            _ => Ty::known("numeric"),
        },
        _ => return resolved_call(name, args, window),
    };
    let nullable = if star || never_null(name) {
        false
    } else if aggregate(name) || window {
        true
    } else if matches!(name, "coalesce") {
        args.iter().all(|a| a.nullable)
    } else if matches!(name, "nullif") || may_return_null(name, args) {
        true
    } else {
        // Ordinary functions are strict: NULL in, NULL out; no NULL in, no NULL out.
        args.iter().any(|a| a.nullable) || args.is_empty()
    };
    Typed::new(ty, nullable)
}

/// A call of a `pg_catalog` function resolved among its overloads (see
/// [`super::functions::resolve`]): NULL when it is not strict, aggregates, may return NULL for
/// non-NULL input, or takes a NULL.
fn resolved_call(name: &str, args: &[Typed], window: bool) -> Typed {
    let types: Vec<Ty> = args.iter().map(|a| a.ty.clone()).collect();
    match super::functions::resolve(name, &types) {
        Some(call) if !call.set && !matches!(call.result, Ty::Unresolved(_)) => {
            let nullable = !call.strict
                || call.aggregate
                || may_return_null(name, args)
                || args.iter().any(|a| a.nullable)
                || args.is_empty();
            Typed::new(call.result, nullable || window)
        }
        _ => Typed::new(
            Ty::Unresolved(format!("the result type of {name}() is not inferred")),
            true,
        ),
    }
}

/// The result type of a binary operator.
pub(super) fn binary_type(l: &Ty, op: &str, r: &Ty) -> Ty {
    if let (Ty::Known(lt), Ty::Known(rt)) = (l, r)
        && let Some(result) = builtin_operator(op, &without_modifier(lt), &without_modifier(rt))
    {
        return Ty::known(result);
    }
    let op_upper = op.to_ascii_uppercase();
    match op_upper.as_str() {
        "AND"
        | "OR"
        | "="
        | "<>"
        | "!="
        | "<"
        | ">"
        | "<="
        | ">="
        | "~"
        | "~*"
        | "!~"
        | "!~*"
        | "LIKE"
        | "NOT LIKE"
        | "ILIKE"
        | "NOT ILIKE"
        | "~~"
        | "!~~"
        | "~~*"
        | "!~~*"
        | "SIMILAR TO"
        | "NOT SIMILAR TO"
        | "IS DISTINCT FROM"
        | "IS NOT DISTINCT FROM"
        | "@>"
        | "<@"
        | "?"
        | "?|"
        | "?&"
        | "&&"
        | "OVERLAPS"
        | "@@" => return Ty::known("boolean"),
        _ => {}
    }
    if let (Ty::Unresolved(why), _) | (_, Ty::Unresolved(why)) = (l, r) {
        return Ty::Unresolved(why.clone());
    }
    if let Some(chosen) = operator(l, op, r)
        && matches!(chosen.result, Ty::Known(_))
    {
        return chosen.result;
    }
    let lb = l.text().map(without_modifier);
    let rb = r.text().map(without_modifier);
    match op {
        "||" => {
            for t in [&lb, &rb].into_iter().flatten() {
                if t == "jsonb" || t == "tsvector" || t.ends_with("[]") {
                    return Ty::Known(t.clone());
                }
            }
            Ty::known("text")
        }
        "->" | "#>" => lb.map_or(Ty::known("jsonb"), Ty::Known),
        "->>" | "#>>" => Ty::known("text"),
        "+" | "-" | "*" | "/" | "%" | "^" => arithmetic(lb.as_deref(), op, rb.as_deref()),
        _ => Ty::Unresolved(format!("the result type of operator {op} is not inferred")),
    }
}

fn arithmetic(l: Option<&str>, op: &str, r: Option<&str>) -> Ty {
    // An untyped literal takes the other side's type.
    let (l, r) = match (l, r) {
        (Some(l), Some(r)) => (l, r),
        (Some(t), None) | (None, Some(t)) => (t, t),
        (None, None) => return Ty::Unknown,
    };
    const TSTZ: &str = "timestamp with time zone";
    const TS: &str = "timestamp without time zone";
    let time = match (l, op, r) {
        (TSTZ, "-", TSTZ) | (TS, "-", TS) | ("interval", "+" | "-", "interval") => Some("interval"),
        (TSTZ, "+" | "-", "interval") | ("interval", "+", TSTZ) => Some(TSTZ),
        (TS, "+" | "-", "interval") | ("interval", "+", TS) => Some(TS),
        ("date", "-", "date") => Some("integer"),
        ("date", "+" | "-", "integer" | "smallint") | ("integer" | "smallint", "+", "date") => Some("date"),
        ("date", "+" | "-", "interval") | ("interval", "+", "date") => Some(TS),
        ("interval", "*" | "/", _) | (_, "*", "interval") => Some("interval"),
        ("time without time zone", "+" | "-", "interval") => Some("time without time zone"),
        _ => None,
    };
    if let Some(t) = time {
        return Ty::known(t);
    }
    match (numeric_rank(l), numeric_rank(r)) {
        (Some(a), Some(b)) => {
            if op == "^" {
                return Ty::known(if a.max(b) == 4 {
                    "numeric"
                } else {
                    "double precision"
                });
            }
            let t = if a >= b { l } else { r };
            Ty::Known(without_modifier(t))
        }
        _ if is_string(l) && is_string(r) => {
            Ty::Unresolved(format!("operator {op} on strings is not inferred"))
        }
        _ => Ty::Unresolved(format!("the type of {l} {op} {r} is not inferred")),
    }
}

/// The `pg_catalog` operator `l op r` resolves to, when both operands are typed or untyped
/// literals (see [`super::functions::resolve_operator`]).
pub(super) fn operator(l: &Ty, op: &str, r: &Ty) -> Option<super::functions::Operator> {
    let plain = |t: &Ty| matches!(t, Ty::Known(_) | Ty::Unknown);
    if !plain(l) || !plain(r) {
        return None;
    }
    super::functions::resolve_operator(operator_name(op), l, r)
}

/// The operator name PostgreSQL stores for an operator as written (`LIKE` is `~~`).
fn operator_name(op: &str) -> &str {
    match op.to_ascii_uppercase().as_str() {
        "LIKE" => "~~",
        "NOT LIKE" => "!~~",
        "ILIKE" => "~~*",
        "NOT ILIKE" => "!~~*",
        "!=" => "<>",
        _ => op,
    }
}

/// The result type of PostgreSQL's own binary operator `op` on exactly these operand types
/// (modifiers removed), from `codegen/data/pg_operators.tsv` (`make pg-catalogs`).
pub(super) fn builtin_operator(op: &str, left: &str, right: &str) -> Option<&'static str> {
    static TABLE: std::sync::OnceLock<std::collections::HashMap<&'static str, &'static str>> =
        std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        include_str!("../../data/pg_operators.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.rsplit_once('\t'))
            .collect()
    });
    table
        .get(format!("{}\t{left}\t{right}", operator_name(op)).as_str())
        .copied()
}

/// The type PostgreSQL gives an untyped operand of `op` whose other operand is `other`: the
/// same type when an operator takes it on both sides, else (for types that borrow their
/// operators, as `character varying` does from `text`) the type those operators take.
pub(super) fn untyped_operand(op: &str, other: &str) -> String {
    let base = without_modifier(other);
    if builtin_operator(op, &base, &base).is_some() {
        return other.to_string();
    }
    match base.as_str() {
        "character varying" => "text".into(),
        "character varying[]" => "text[]".into(),
        _ => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_type_modifiers_as_format_type_does() {
        assert_eq!(without_modifier("character varying(20)"), "character varying");
        assert_eq!(without_modifier("numeric(10,4)"), "numeric");
        assert_eq!(
            without_modifier("timestamp(6) with time zone"),
            "timestamp with time zone"
        );
        assert_eq!(without_modifier("character(2)"), "bpchar");
        assert_eq!(without_modifier("character varying(5)[]"), "character varying[]");
    }

    #[test]
    fn promotes_numbers_and_types_date_arithmetic() {
        // Each checked against a PostgreSQL 15 view.
        let k = |t: &str| Ty::known(t);
        assert_eq!(binary_type(&k("integer"), "/", &k("integer")), k("integer"));
        assert_eq!(binary_type(&k("integer"), "*", &k("numeric")), k("numeric"));
        assert_eq!(binary_type(&k("bigint"), "+", &k("integer")), k("bigint"));
        assert_eq!(
            binary_type(&k("numeric(10,2)"), "*", &Ty::known("integer")),
            k("numeric")
        );
        assert_eq!(
            binary_type(
                &k("timestamp with time zone"),
                "-",
                &k("timestamp with time zone")
            ),
            k("interval")
        );
        assert_eq!(binary_type(&k("date"), "-", &k("date")), k("integer"));
        assert_eq!(
            binary_type(&k("character varying(20)"), "||", &Ty::Unknown),
            k("text")
        );
    }

    #[test]
    fn types_aggregates_like_postgresql() {
        let int = Typed::new(Ty::known("integer"), false);
        let big = Typed::new(Ty::known("bigint"), false);
        assert_eq!(function_type("count", &[], true, false).ty, Ty::known("bigint"));
        assert!(!function_type("count", &[], true, false).nullable);
        assert_eq!(
            function_type("sum", std::slice::from_ref(&int), false, false).ty,
            Ty::known("bigint")
        );
        assert_eq!(
            function_type("sum", &[big], false, false).ty,
            Ty::known("numeric")
        );
        assert_eq!(
            function_type("avg", &[int], false, false).ty,
            Ty::known("numeric")
        );
        assert!(function_type("sum", &[], false, false).nullable);
    }

    #[test]
    fn keeps_a_modifier_only_when_all_branches_share_it() {
        let v20 = Ty::known("character varying(20)");
        assert_eq!(common(&[v20.clone(), v20.clone()]), v20);
        assert_eq!(common(&[v20, Ty::Unknown]), Ty::known("character varying"));
        assert_eq!(common(&[Ty::Unknown, Ty::Unknown]), Ty::Unknown);
    }
}
