//! sqlparser names, types, expressions and queries -> ours ([`crate::sql::expr`],
//! [`crate::sql::query`]).

use sqlparser::ast::{
    self as sql, ArrayElemTypeDef, CharacterLength, DataType, ExactNumberInfo, FunctionArg, FunctionArgExpr,
    FunctionArguments, JoinOperator, SelectItem as SqlSelectItem, SetExpr, TableFactor, TimezoneInfo, Value,
};

use super::lower::Context;
use crate::sql::expr::{Expr, SubqueryKind};
use crate::sql::query::{Alias, Cte, FromItem, JoinKind, Modify, ModifyKind, Query, Select, SelectItem};
use crate::sql::{QualifiedName, TypeName};

/// PostgreSQL's identifier length limit (NAMEDATALEN - 1), in bytes.
pub(crate) const MAX_IDENTIFIER_BYTES: usize = 63;

/// An identifier as PostgreSQL stores it: unquoted ones lower-cased (ASCII only, as
/// PostgreSQL's `downcase_identifier` does), all cut to 63 bytes on a character boundary.
pub(crate) fn folded(ident: &sql::Ident) -> String {
    let name = if ident.quote_style.is_some() {
        ident.value.clone()
    } else {
        ident.value.to_ascii_lowercase()
    };
    truncate_identifier(name)
}

/// Cuts a name to 63 bytes, as PostgreSQL does (with a NOTICE) for longer identifiers.
pub(crate) fn truncate_identifier(mut name: String) -> String {
    if name.len() > MAX_IDENTIFIER_BYTES {
        let mut end = MAX_IDENTIFIER_BYTES;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
    }
    name
}

fn parts(name: &sql::ObjectName) -> Vec<String> {
    name.0
        .iter()
        .map(|p| match p.as_ident() {
            Some(ident) => folded(ident),
            None => p.to_string(),
        })
        .collect()
}

/// `schema.name` or `name` (a leading database part is dropped).
pub(crate) fn object_name(name: &sql::ObjectName) -> QualifiedName {
    let mut parts = parts(name);
    let last = parts.pop().unwrap_or_default();
    QualifiedName {
        schema: parts.pop(),
        name: last,
    }
}

fn char_length(len: &Option<CharacterLength>) -> Vec<i64> {
    match len {
        Some(CharacterLength::IntegerLength { length, .. }) => vec![*length as i64],
        _ => Vec::new(),
    }
}

fn exact(info: &ExactNumberInfo) -> Vec<i64> {
    match info {
        ExactNumberInfo::None => Vec::new(),
        ExactNumberInfo::Precision(p) => vec![*p as i64],
        ExactNumberInfo::PrecisionAndScale(p, s) => vec![*p as i64, *s],
    }
}

fn precision(p: &Option<u64>) -> Vec<i64> {
    p.iter().map(|p| *p as i64).collect()
}

fn with_zone(tz: &TimezoneInfo) -> bool {
    matches!(tz, TimezoneInfo::WithTimeZone | TimezoneInfo::Tz)
}

/// A type as written, under a canonical spelling for built-ins (see [`TypeName`]).
pub(crate) fn type_name(data_type: &DataType) -> TypeName {
    let mut t = TypeName {
        schema: None,
        name: String::new(),
        modifiers: Vec::new(),
        qualifier: None,
        array_dims: 0,
        written: {
            // Lower case reads like PostgreSQL's own spelling; quoted names keep their case.
            let text = data_type.to_string();
            if text.contains('"') {
                text
            } else {
                text.to_ascii_lowercase()
            }
        },
    };
    let mut current = data_type;
    // Peel array layers first: `text[][]` is text with two dimensions.
    while let DataType::Array(
        ArrayElemTypeDef::SquareBracket(inner, _)
        | ArrayElemTypeDef::AngleBracket(inner)
        | ArrayElemTypeDef::Parenthesis(inner)
        | ArrayElemTypeDef::ParenthesisNotNull(inner)
        | ArrayElemTypeDef::Qualified(inner, _),
    ) = current
    {
        t.array_dims += 1;
        current = inner;
    }
    let (name, modifiers): (&str, Vec<i64>) = match current {
        DataType::Character(l) | DataType::Char(l) => ("character", char_length(l)),
        DataType::CharacterVarying(l)
        | DataType::CharVarying(l)
        | DataType::Varchar(l)
        | DataType::Nvarchar(l) => ("character varying", char_length(l)),
        DataType::Uuid => ("uuid", Vec::new()),
        DataType::Text => ("text", Vec::new()),
        DataType::Bytea => ("bytea", Vec::new()),
        DataType::JSON => ("json", Vec::new()),
        DataType::JSONB => ("jsonb", Vec::new()),
        DataType::Date => ("date", Vec::new()),
        DataType::Numeric(i) | DataType::Decimal(i) | DataType::Dec(i) => ("numeric", exact(i)),
        DataType::Float(ExactNumberInfo::Precision(p)) if *p <= 24 => ("real", Vec::new()),
        DataType::Float(_) => ("double precision", Vec::new()),
        DataType::Int2(_) | DataType::SmallInt(_) => ("smallint", Vec::new()),
        DataType::Int(_) | DataType::Int4(_) | DataType::Integer(_) => ("integer", Vec::new()),
        DataType::Int8(_) | DataType::BigInt(_) => ("bigint", Vec::new()),
        DataType::Real | DataType::Float4 => ("real", Vec::new()),
        DataType::Float8 | DataType::DoublePrecision | DataType::Double(ExactNumberInfo::None) => {
            ("double precision", Vec::new())
        }
        DataType::Bool | DataType::Boolean => ("boolean", Vec::new()),
        DataType::Time(p, tz) if with_zone(tz) => ("time with time zone", precision(p)),
        DataType::Time(p, _) => ("time without time zone", precision(p)),
        DataType::Timestamp(p, tz) if with_zone(tz) => ("timestamp with time zone", precision(p)),
        DataType::Timestamp(p, _) | DataType::TimestampNtz(p) => {
            ("timestamp without time zone", precision(p))
        }
        DataType::Interval { fields, precision: p } => {
            t.qualifier = fields.as_ref().map(|f| f.to_string().to_ascii_lowercase());
            ("interval", precision(p))
        }
        DataType::Bit(n) => ("bit", precision(n)),
        DataType::BitVarying(n) | DataType::VarBit(n) => ("bit varying", precision(n)),
        DataType::Regclass => ("regclass", Vec::new()),
        DataType::TsVector => ("tsvector", Vec::new()),
        DataType::TsQuery => ("tsquery", Vec::new()),
        DataType::Custom(object, modifiers) => {
            let name = object_name(object);
            // `"char"` (quoted) is PostgreSQL's one-byte internal type, not `char` = character(1).
            let quoted_char = object
                .0
                .last()
                .and_then(|part| part.as_ident())
                .is_some_and(|ident| ident.quote_style.is_some() && ident.value == "char");
            t.schema = name.schema;
            t.name = if quoted_char { "\"char\"".into() } else { name.name };
            t.modifiers = modifiers
                .iter()
                .filter_map(|m| m.to_string().parse().ok())
                .collect();
            return t;
        }
        other => {
            // Anything else is named as written; the catalog decides whether it exists.
            t.name = other.to_string().to_ascii_lowercase();
            return t;
        }
    };
    t.name = name.to_string();
    t.modifiers = modifiers;
    t
}

fn value(v: &Value) -> Expr {
    match v {
        Value::Number(n, _) => Expr::Number(n.to_string()),
        Value::SingleQuotedString(s)
        | Value::EscapedStringLiteral(s)
        | Value::UnicodeStringLiteral(s)
        | Value::NationalStringLiteral(s)
        | Value::TripleSingleQuotedString(s)
        | Value::DoubleQuotedString(s) => Expr::String(s.clone()),
        Value::DollarQuotedString(s) => Expr::String(s.value.clone()),
        Value::Boolean(b) => Expr::Bool(*b),
        Value::Null => Expr::Null,
        Value::Placeholder(p) => match p.strip_prefix('$').and_then(|n| n.parse().ok()) {
            Some(n) => Expr::Param(n),
            None => Expr::Raw(p.clone()),
        },
        other => Expr::Raw(other.to_string()),
    }
}

fn function_args(args: &FunctionArguments, cx: &Context) -> (Vec<Expr>, bool, bool) {
    match args {
        FunctionArguments::List(list) => {
            let distinct = matches!(list.duplicate_treatment, Some(sql::DuplicateTreatment::Distinct));
            let mut star = false;
            let mut out = Vec::new();
            for arg in &list.args {
                let arg = match arg {
                    FunctionArg::Unnamed(a) => a,
                    FunctionArg::Named { arg, .. } | FunctionArg::ExprNamed { arg, .. } => arg,
                };
                match arg {
                    FunctionArgExpr::Expr(e) => out.push(expr(e, cx)),
                    _ => star = true,
                }
            }
            (out, star, distinct)
        }
        FunctionArguments::Subquery(q) => (vec![Expr::Raw(format!("({q})"))], false, false),
        FunctionArguments::None => (Vec::new(), false, false),
    }
}

/// The expressions of a call's FILTER, OVER, WITHIN GROUP and argument ORDER BY clauses.
fn function_clauses(f: &sql::Function, cx: &Context) -> Vec<Expr> {
    let mut out: Vec<Expr> = f.filter.iter().map(|e| expr(e, cx)).collect();
    if let Some(sql::WindowType::WindowSpec(spec)) = &f.over {
        out.extend(spec.partition_by.iter().map(|e| expr(e, cx)));
        out.extend(spec.order_by.iter().map(|o| expr(&o.expr, cx)));
    }
    out.extend(f.within_group.iter().map(|o| expr(&o.expr, cx)));
    if let FunctionArguments::List(list) = &f.args {
        for clause in &list.clauses {
            match clause {
                sql::FunctionArgumentClause::OrderBy(order) => {
                    out.extend(order.iter().map(|o| expr(&o.expr, cx)));
                }
                sql::FunctionArgumentClause::Where(e) => out.push(expr(e, cx)),
                _ => {}
            }
        }
    }
    out
}

fn call(name: &str, args: Vec<Expr>) -> Expr {
    Expr::Function {
        name: vec![name.to_string()],
        args,
        star: false,
        distinct: false,
        window: false,
        clauses: Vec::new(),
    }
}

fn boxed(e: &sql::Expr, cx: &Context) -> Box<Expr> {
    Box::new(expr(e, cx))
}

fn binary(left: &sql::Expr, op: &str, right: &sql::Expr, cx: &Context) -> Expr {
    Expr::Binary {
        left: boxed(left, cx),
        op: op.to_string(),
        right: boxed(right, cx),
    }
}

fn postfix(e: &sql::Expr, op: &str, cx: &Context) -> Expr {
    Expr::Postfix {
        expr: boxed(e, cx),
        op: op.to_string(),
    }
}

/// Lowers an expression; shapes the fold does not look into become [`Expr::Raw`].
pub(crate) fn expr(e: &sql::Expr, cx: &Context) -> Expr {
    use sql::Expr as E;
    match e {
        E::Identifier(id) => Expr::column(folded(id)),
        E::CompoundIdentifier(ids) => {
            let mut names: Vec<String> = ids.iter().map(folded).collect();
            let name = names.pop().unwrap_or_default();
            Expr::Column {
                qualifier: names,
                name,
            }
        }
        E::Value(v) => value(&v.value),
        E::TypedString(ts) => match value(&ts.value.value) {
            Expr::String(s) => Expr::Typed {
                data_type: type_name(&ts.data_type),
                value: s,
            },
            other => other,
        },
        E::Interval(i) => match expr(&i.value, cx) {
            Expr::String(s) => Expr::Typed {
                data_type: type_name(&DataType::Interval {
                    fields: None,
                    precision: None,
                }),
                value: s,
            },
            _ => Expr::Raw(e.to_string()),
        },
        E::Cast {
            expr: inner,
            data_type,
            ..
        } => Expr::Cast {
            expr: boxed(inner, cx),
            data_type: type_name(data_type),
        },
        E::Function(f) => {
            let name = parts(&f.name);
            if let FunctionArguments::Subquery(q) = &f.args
                && name == ["array"]
            {
                return subquery_expr(SubqueryKind::Array, q, e, cx);
            }
            if matches!(f.args, FunctionArguments::None) {
                // CURRENT_TIMESTAMP, CURRENT_DATE, LOCALTIME, CURRENT_USER, ...
                return Expr::Keyword(f.name.to_string().to_ascii_uppercase());
            }
            let (args, star, distinct) = function_args(&f.args, cx);
            Expr::Function {
                name,
                args,
                star,
                distinct,
                window: f.over.is_some(),
                clauses: function_clauses(f, cx),
            }
        }
        E::UnaryOp { op, expr: inner } => Expr::Unary {
            op: op.to_string(),
            expr: boxed(inner, cx),
        },
        E::BinaryOp { left, op, right } => binary(left, &op.to_string(), right, cx),
        E::Like {
            negated,
            expr: l,
            pattern,
            ..
        } => binary(l, if *negated { "NOT LIKE" } else { "LIKE" }, pattern, cx),
        E::ILike {
            negated,
            expr: l,
            pattern,
            ..
        } => binary(l, if *negated { "NOT ILIKE" } else { "ILIKE" }, pattern, cx),
        E::SimilarTo {
            negated,
            expr: l,
            pattern,
            ..
        } => binary(
            l,
            if *negated { "NOT SIMILAR TO" } else { "SIMILAR TO" },
            pattern,
            cx,
        ),
        E::IsNull(x) => postfix(x, "IS NULL", cx),
        E::IsNotNull(x) => postfix(x, "IS NOT NULL", cx),
        E::IsTrue(x) => postfix(x, "IS TRUE", cx),
        E::IsNotTrue(x) => postfix(x, "IS NOT TRUE", cx),
        E::IsFalse(x) => postfix(x, "IS FALSE", cx),
        E::IsNotFalse(x) => postfix(x, "IS NOT FALSE", cx),
        E::IsUnknown(x) => postfix(x, "IS UNKNOWN", cx),
        E::IsNotUnknown(x) => postfix(x, "IS NOT UNKNOWN", cx),
        E::IsDistinctFrom(a, b) => binary(a, "IS DISTINCT FROM", b, cx),
        E::IsNotDistinctFrom(a, b) => binary(a, "IS NOT DISTINCT FROM", b, cx),
        E::In {
            expr: l,
            target: sql::InTarget::List(list),
            negated,
            ..
        } => Expr::InList {
            expr: boxed(l, cx),
            list: list.iter().map(|i| expr(i, cx)).collect(),
            negated: *negated,
        },
        E::Between {
            expr: x,
            negated,
            low,
            high,
        } => Expr::Between {
            expr: boxed(x, cx),
            low: boxed(low, cx),
            high: boxed(high, cx),
            negated: *negated,
        },
        E::AnyOp {
            left,
            compare_op,
            right,
            ..
        } => Expr::AnyAll {
            left: boxed(left, cx),
            op: compare_op.to_string(),
            right: boxed(right, cx),
            all: false,
        },
        E::AllOp {
            left,
            compare_op,
            right,
        } => Expr::AnyAll {
            left: boxed(left, cx),
            op: compare_op.to_string(),
            right: boxed(right, cx),
            all: true,
        },
        E::Array(a) => Expr::Array(a.elem.iter().map(|i| expr(i, cx)).collect()),
        E::Case {
            operand,
            conditions,
            else_result,
            ..
        } => Expr::Case {
            operand: operand.as_ref().map(|o| boxed(o, cx)),
            whens: conditions
                .iter()
                .map(|w| (expr(&w.condition, cx), expr(&w.result, cx)))
                .collect(),
            otherwise: else_result.as_ref().map(|o| boxed(o, cx)),
        },
        E::Extract { field, expr: x, .. } => Expr::Extract {
            field: field.to_string().to_ascii_uppercase(),
            expr: boxed(x, cx),
        },
        E::Nested(x) => Expr::Nested(boxed(x, cx)),
        E::Tuple(items) => call("row", items.iter().map(|i| expr(i, cx)).collect()),
        E::CompoundFieldAccess { root, access_chain } => {
            let mut out = expr(root, cx);
            for access in access_chain {
                match access {
                    sql::AccessExpr::Subscript(sql::Subscript::Index { index }) => {
                        out = Expr::Subscript {
                            expr: Box::new(out),
                            index: boxed(index, cx),
                        };
                    }
                    // `t.col[1]` arrives as `t` . `col` [1]; `(b).a` as (b) . a.
                    sql::AccessExpr::Dot(sql::Expr::Identifier(id)) => match &mut out {
                        Expr::Column { qualifier, name } => {
                            qualifier.push(std::mem::replace(name, folded(id)));
                        }
                        _ => {
                            out = Expr::Field {
                                expr: Box::new(out.unnested().clone()),
                                field: folded(id),
                            }
                        }
                    },
                    _ => return Expr::Raw(e.to_string()),
                }
            }
            out
        }
        E::Ceil { expr: x, .. } => call("ceil", vec![expr(x, cx)]),
        E::Floor { expr: x, .. } => call("floor", vec![expr(x, cx)]),
        E::Position { expr: x, r#in } => call("position", vec![expr(r#in, cx), expr(x, cx)]),
        E::Substring {
            expr: x,
            substring_from,
            substring_for,
            ..
        } => {
            let mut args = vec![expr(x, cx)];
            args.extend(substring_from.iter().map(|a| expr(a, cx)));
            args.extend(substring_for.iter().map(|a| expr(a, cx)));
            call("substring", args)
        }
        // PostgreSQL's grammar calls btrim, ltrim or rtrim with the characters second.
        E::Trim {
            trim_where,
            trim_what,
            expr: x,
            ..
        } => {
            let name = match trim_where {
                Some(sql::TrimWhereField::Leading) => "ltrim",
                Some(sql::TrimWhereField::Trailing) => "rtrim",
                _ => "btrim",
            };
            let mut args = vec![expr(x, cx)];
            args.extend(trim_what.iter().map(|w| expr(w, cx)));
            call(name, args)
        }
        E::Overlay {
            expr: x,
            overlay_what,
            overlay_from,
            overlay_for,
        } => {
            let mut args = vec![expr(x, cx), expr(overlay_what, cx), expr(overlay_from, cx)];
            args.extend(overlay_for.iter().map(|f| expr(f, cx)));
            call("overlay", args)
        }
        E::IsNormalized {
            expr: x,
            form,
            negated,
        } => {
            let mut args = vec![expr(x, cx)];
            args.extend(
                form.as_ref()
                    .map(|f| Expr::String(f.to_string().to_ascii_uppercase())),
            );
            let test = call("is_normalized", args);
            if *negated {
                Expr::Unary {
                    op: "NOT".into(),
                    expr: Box::new(test),
                }
            } else {
                test
            }
        }
        E::AtTimeZone { timestamp, time_zone } => {
            call("timezone", vec![expr(time_zone, cx), expr(timestamp, cx)])
        }
        E::Collate { expr: x, .. } => expr(x, cx),
        E::Exists { subquery, .. } => subquery_expr(SubqueryKind::Exists, subquery, e, cx),
        E::Subquery(q) => subquery_expr(SubqueryKind::Scalar, q, e, cx),
        E::In {
            expr: tested,
            target: sql::InTarget::Subquery(q),
            ..
        } => match subquery_expr(SubqueryKind::In, q, e, cx) {
            Expr::Subquery {
                kind, query, text, ..
            } => Expr::Subquery {
                kind,
                query,
                text,
                tested: Some(boxed(tested, cx)),
            },
            other => other,
        },
        _ => Expr::Raw(e.to_string()),
    }
}

fn subquery_expr(kind: SubqueryKind, q: &sql::Query, whole: &sql::Expr, cx: &Context) -> Expr {
    Expr::Subquery {
        kind,
        query: Box::new(query(q, cx)),
        text: whole.to_string(),
        tested: None,
    }
}

/// Lowers a query.
pub(crate) fn query(q: &sql::Query, cx: &Context) -> Query {
    let mut body = set_expr(&q.body, cx);
    if let Query::Select(select) = &mut body {
        match &q.limit_clause {
            Some(sql::LimitClause::LimitOffset { limit, offset, .. }) => {
                select.limit = limit.as_ref().map(|e| expr(e, cx));
                select.offset = offset.as_ref().map(|o| expr(&o.value, cx));
            }
            Some(sql::LimitClause::OffsetCommaLimit { offset, limit }) => {
                select.limit = Some(expr(limit, cx));
                select.offset = Some(expr(offset, cx));
            }
            None => {}
        }
        if let Some(quantity) = q.fetch.as_ref().and_then(|f| f.quantity.as_ref()) {
            select.limit = Some(expr(quantity, cx));
        }
    }
    match &q.with {
        None => body,
        Some(with) => Query::With {
            recursive: with.recursive,
            ctes: with
                .cte_tables
                .iter()
                .map(|cte| Cte {
                    name: folded(&cte.alias.name),
                    columns: cte.alias.columns.iter().map(|c| folded(&c.name)).collect(),
                    query: query(&cte.query, cx),
                })
                .collect(),
            body: Box::new(body),
        },
    }
}

fn set_expr(body: &SetExpr, cx: &Context) -> Query {
    match body {
        SetExpr::Select(s) => Query::Select(Box::new(select(s, cx))),
        SetExpr::Query(q) => query(q, cx),
        SetExpr::SetOperation { left, op, right, .. } => Query::SetOperation {
            op: op.to_string().to_ascii_uppercase(),
            left: Box::new(set_expr(left, cx)),
            right: Box::new(set_expr(right, cx)),
        },
        SetExpr::Values(v) => Query::Values(
            v.rows
                .iter()
                .map(|row| row.content.iter().map(|e| expr(e, cx)).collect())
                .collect(),
        ),
        SetExpr::Insert(s) | SetExpr::Update(s) | SetExpr::Delete(s) => modify(s, cx),
        other => Query::Other(other.to_string()),
    }
}

/// Lowers `INSERT`, `UPDATE` or `DELETE` (other statements become [`Query::Other`]).
pub(crate) fn modify(statement: &sql::Statement, cx: &Context) -> Query {
    let returning = |r: &Option<Vec<SqlSelectItem>>| r.iter().flatten().map(|i| select_item(i, cx)).collect();
    let from = |items: &[sql::TableWithJoins]| items.iter().map(|t| table_with_joins(t, cx)).collect();
    let assignments = |list: &[sql::Assignment]| -> Vec<(String, Expr)> {
        list.iter()
            .flat_map(|a| {
                let targets: Vec<&sql::ObjectName> = match &a.target {
                    sql::AssignmentTarget::ColumnName(n) => vec![n],
                    sql::AssignmentTarget::Tuple(names) => names.iter().collect(),
                };
                let value = expr(&a.value, cx);
                targets
                    .into_iter()
                    .filter_map(move |t| Some((parts(t).pop()?, value.clone())))
            })
            .collect()
    };
    let modify = match statement {
        sql::Statement::Insert(i) => {
            let sql::TableObject::TableName(name) = &i.table else {
                return Query::Other(statement.to_string());
            };
            let (mut sets, mut filters) = (Vec::new(), Vec::new());
            if let Some(sql::OnInsert::OnConflict(sql::OnConflict {
                action: sql::OnConflictAction::DoUpdate(update),
                ..
            })) = &i.on
            {
                sets = assignments(&update.assignments);
                filters.extend(update.selection.iter().map(|e| expr(e, cx)));
            }
            Modify {
                kind: ModifyKind::Insert,
                table: object_name(name),
                alias: i.table_alias.as_ref().map(|a| folded(&a.alias)),
                columns: i.columns.iter().filter_map(|c| parts(c).pop()).collect(),
                source: i.source.as_ref().map(|q| Box::new(query(q, cx))),
                assignments: sets,
                from: Vec::new(),
                filters,
                returning: returning(&i.returning),
            }
        }
        sql::Statement::Update(u) => {
            let TableFactor::Table { name, alias: a, .. } = &u.table.relation else {
                return Query::Other(statement.to_string());
            };
            Modify {
                kind: ModifyKind::Update,
                table: object_name(name),
                alias: a.as_ref().map(|a| folded(&a.name)),
                columns: Vec::new(),
                source: None,
                assignments: assignments(&u.assignments),
                from: match &u.from {
                    Some(sql::UpdateTableFromKind::AfterSet(t) | sql::UpdateTableFromKind::BeforeSet(t)) => {
                        from(t)
                    }
                    None => Vec::new(),
                },
                filters: u.selection.iter().map(|e| expr(e, cx)).collect(),
                returning: returning(&u.returning),
            }
        }
        sql::Statement::Delete(d) => {
            let (sql::FromTable::WithFromKeyword(tables) | sql::FromTable::WithoutKeyword(tables)) = &d.from;
            let Some(TableFactor::Table { name, alias: a, .. }) = tables.first().map(|t| &t.relation) else {
                return Query::Other(statement.to_string());
            };
            Modify {
                kind: ModifyKind::Delete,
                table: object_name(name),
                alias: a.as_ref().map(|a| folded(&a.name)),
                columns: Vec::new(),
                source: None,
                assignments: Vec::new(),
                from: d.using.as_deref().map(from).unwrap_or_default(),
                filters: d.selection.iter().map(|e| expr(e, cx)).collect(),
                returning: returning(&d.returning),
            }
        }
        other => return Query::Other(other.to_string()),
    };
    Query::Modify(Box::new(modify))
}

fn select_item(item: &SqlSelectItem, cx: &Context) -> SelectItem {
    match item {
        SqlSelectItem::UnnamedExpr(e) => SelectItem::Expr {
            expr: expr(e, cx),
            alias: None,
        },
        SqlSelectItem::ExprWithAlias { expr: e, alias } => SelectItem::Expr {
            expr: expr(e, cx),
            alias: Some(folded(alias)),
        },
        SqlSelectItem::ExprWithAliases { expr: e, aliases } => SelectItem::Expr {
            expr: expr(e, cx),
            alias: aliases.first().map(folded),
        },
        SqlSelectItem::QualifiedWildcard(kind, _) => match kind {
            sql::SelectItemQualifiedWildcardKind::ObjectName(n) => SelectItem::QualifiedWildcard(parts(n)),
            sql::SelectItemQualifiedWildcardKind::Expr(_) => SelectItem::Wildcard,
        },
        SqlSelectItem::Wildcard(_) => SelectItem::Wildcard,
    }
}

fn select(s: &sql::Select, cx: &Context) -> Select {
    Select {
        items: s.projection.iter().map(|item| select_item(item, cx)).collect(),
        from: s.from.iter().map(|t| table_with_joins(t, cx)).collect(),
        filter: s.selection.as_ref().map(|e| expr(e, cx)),
        having: s.having.as_ref().map(|e| expr(e, cx)),
        grouped: match &s.group_by {
            sql::GroupByExpr::All(_) => true,
            sql::GroupByExpr::Expressions(e, _) => !e.is_empty(),
        },
        limit: None,
        offset: None,
    }
}

fn table_with_joins(t: &sql::TableWithJoins, cx: &Context) -> FromItem {
    use sql::JoinConstraint as C;
    let mut item = table_factor(&t.relation, cx);
    for join in &t.joins {
        let (kind, constraint) = match &join.join_operator {
            JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (JoinKind::Left, Some(c)),
            JoinOperator::OuterApply => (JoinKind::Left, None),
            JoinOperator::Right(c) | JoinOperator::RightOuter(c) => (JoinKind::Right, Some(c)),
            JoinOperator::FullOuter(c) => (JoinKind::Full, Some(c)),
            JoinOperator::Join(c) | JoinOperator::Inner(c) | JoinOperator::CrossJoin(c) => {
                (JoinKind::Inner, Some(c))
            }
            _ => (JoinKind::Inner, None),
        };
        let on = match constraint {
            Some(C::On(e)) => Some(expr(e, cx)),
            _ => None,
        };
        let (using, natural, using_alias) = match constraint {
            Some(C::Using(names)) => (names.iter().filter_map(|n| parts(n).pop()).collect(), false, None),
            Some(C::UsingAlias(names, alias)) => (
                names.iter().filter_map(|n| parts(n).pop()).collect(),
                false,
                Some(folded(alias)),
            ),
            Some(C::Natural) => (Vec::new(), true, None),
            _ => (Vec::new(), false, None),
        };
        item = FromItem::Join {
            left: Box::new(item),
            right: Box::new(table_factor(&join.relation, cx)),
            kind,
            using,
            natural,
            using_alias,
            on,
        };
    }
    item
}

fn alias(a: &Option<sql::TableAlias>) -> Option<Alias> {
    a.as_ref().map(|a| Alias {
        name: folded(&a.name),
        columns: a
            .columns
            .iter()
            .map(|c| (folded(&c.name), c.data_type.as_ref().map(type_name)))
            .collect(),
    })
}

fn table_factor(t: &TableFactor, cx: &Context) -> FromItem {
    match t {
        // `current_date`, `localtimestamp` and the like are reserved words that call a
        // function, also in FROM.
        TableFactor::Table {
            name,
            alias: a,
            args: None,
            ..
        } if sql_value_function(name).is_some() => FromItem::Function {
            name: vec![sql_value_function(name).unwrap_or_default().to_string()],
            args: Vec::new(),
            ordinality: false,
            alias: alias(a),
        },
        TableFactor::Table {
            name,
            alias: a,
            args: None,
            ..
        } => FromItem::Table {
            name: object_name(name),
            alias: alias(a),
        },
        // `FROM cast(x AS type) AS c` (sqlparser reads it as a call of `cast` with a named
        // argument): one column of that type, named after the alias.
        TableFactor::Table {
            name,
            alias: Some(a),
            args: Some(args),
            ..
        } if name.to_string().eq_ignore_ascii_case("cast")
            && matches!(
                args.args.as_slice(),
                [FunctionArg::Unnamed(FunctionArgExpr::Expr(
                    sql::Expr::Named { .. }
                ))]
            ) =>
        {
            let [
                FunctionArg::Unnamed(FunctionArgExpr::Expr(sql::Expr::Named {
                    expr: value,
                    name: ty,
                })),
            ] = args.args.as_slice()
            else {
                return FromItem::Other { alias: None };
            };
            let written = sql::DataType::Custom(sql::ObjectName::from(vec![ty.clone()]), Vec::new());
            let data_type = type_name(&written);
            let column = folded(&a.name);
            FromItem::Subquery {
                query: Box::new(Query::Select(Box::new(Select {
                    items: vec![SelectItem::Expr {
                        expr: Expr::Cast {
                            expr: boxed(value, cx),
                            data_type,
                        },
                        alias: Some(column.clone()),
                    }],
                    from: Vec::new(),
                    filter: None,
                    having: None,
                    grouped: false,
                    limit: None,
                    offset: None,
                }))),
                alias: Some(Alias {
                    name: column,
                    columns: Vec::new(),
                }),
            }
        }
        TableFactor::Table {
            name,
            alias: a,
            args: Some(args),
            with_ordinality,
            ..
        } => FromItem::Function {
            name: parts(name),
            args: plain_args(&args.args, cx),
            ordinality: *with_ordinality,
            alias: alias(a),
        },
        TableFactor::Function {
            name,
            args,
            with_ordinality,
            alias: a,
            ..
        } => FromItem::Function {
            name: parts(name),
            args: plain_args(args, cx),
            ordinality: *with_ordinality,
            alias: alias(a),
        },
        TableFactor::UNNEST {
            alias: a,
            array_exprs,
            with_ordinality,
            ..
        } => FromItem::Function {
            name: vec!["unnest".into()],
            args: array_exprs.iter().map(|e| expr(e, cx)).collect(),
            ordinality: *with_ordinality,
            alias: alias(a),
        },
        TableFactor::Derived {
            subquery, alias: a, ..
        } => FromItem::Subquery {
            query: Box::new(query(subquery, cx)),
            alias: alias(a),
        },
        TableFactor::XmlTable {
            columns, alias: a, ..
        } => FromItem::Declared {
            columns: columns
                .iter()
                .map(|c| {
                    let ty = match &c.option {
                        sql::XmlTableColumnOption::NamedInfo { r#type, .. } => Some(type_name(r#type)),
                        sql::XmlTableColumnOption::ForOrdinality => None,
                    };
                    (folded(&c.name), ty)
                })
                .collect(),
            alias: alias(a),
        },
        TableFactor::NestedJoin {
            table_with_joins: inner,
            alias: None,
        } => table_with_joins(inner, cx),
        // `(a JOIN b USING (x)) j`: the join's columns under one name, as `SELECT *` of the
        // join would give them.
        TableFactor::NestedJoin {
            table_with_joins: inner,
            alias: a @ Some(_),
        } => FromItem::Subquery {
            query: Box::new(Query::Select(Box::new(Select {
                items: vec![SelectItem::Wildcard],
                from: vec![table_with_joins(inner, cx)],
                filter: None,
                having: None,
                grouped: false,
                limit: None,
                offset: None,
            }))),
            alias: alias(a),
        },
        TableFactor::TableFunction { alias: a, .. } => FromItem::Other {
            alias: a.as_ref().map(|a| folded(&a.name)),
        },
        _ => FromItem::Other { alias: None },
    }
}

/// The SQL-standard value function an unqualified, unquoted name in FROM calls
/// (`func_expr_common_subexpr` in PostgreSQL's grammar: `current_date`, `localtime`, ...).
fn sql_value_function(name: &sql::ObjectName) -> Option<&'static str> {
    let [part] = name.0.as_slice() else {
        return None;
    };
    let ident = part.as_ident()?;
    if ident.quote_style.is_some() {
        return None;
    }
    const FUNCTIONS: &[&str] = &[
        "current_date",
        "current_time",
        "current_timestamp",
        "localtime",
        "localtimestamp",
        "current_role",
        "current_user",
        "session_user",
        "user",
        "current_catalog",
        "current_schema",
    ];
    let lower = ident.value.to_ascii_lowercase();
    FUNCTIONS.iter().find(|f| **f == lower).copied()
}

/// Arguments of a function in FROM, named or not.
fn plain_args(args: &[FunctionArg], cx: &Context) -> Vec<Expr> {
    args.iter()
        .filter_map(|arg| match arg {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e))
            | FunctionArg::Named {
                arg: FunctionArgExpr::Expr(e),
                ..
            }
            | FunctionArg::ExprNamed {
                arg: FunctionArgExpr::Expr(e),
                ..
            } => Some(expr(e, cx)),
            _ => None,
        })
        .collect()
}
