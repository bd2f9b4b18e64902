//! sqlparser statements -> our DDL ([`crate::sql::ddl`]).

use sqlparser::ast::{
    self as sql, AlterColumnOperation, AlterTableOperation, ColumnOption as SqlColumnOption, CommentObject,
    GeneratedAs, ObjectType, ReferentialAction, TableConstraint, UserDefinedTypeRepresentation,
};
use sqlparser::tokenizer::Span;

use super::lower_expr::{expr, folded, object_name, query, type_name};
use crate::diagnostic::Location;
use crate::sql::QualifiedName;
use crate::sql::ddl::*;

/// What lowering needs to know about where the statement came from.
pub(crate) struct Context {
    /// Where the statement's first character is in its file; sqlparser counts positions from
    /// there.
    statement: Location,
}

impl Context {
    pub(crate) fn new(statement: Location) -> Self {
        Self { statement }
    }

    /// For expressions that do not come from a file (`verify` reading the server's).
    pub(crate) fn detached() -> Self {
        Self {
            statement: Location { line: 1, column: 1 },
        }
    }

    /// The file position of a span, or the statement's when sqlparser left the span empty.
    pub(crate) fn locate(&self, span: Span) -> Location {
        if span.start.line == 0 {
            return self.statement;
        }
        to_file(self.statement, span.start)
    }
}

/// A position sqlparser counted within one statement, as a position in the file.
pub(crate) fn to_file(statement: Location, at: sqlparser::tokenizer::Location) -> Location {
    let line = at.line.max(1) as u32;
    Location {
        line: statement.line + line - 1,
        column: if line == 1 {
            statement.column + at.column.max(1) as u32 - 1
        } else {
            at.column.max(1) as u32
        },
    }
}

/// Lowers one parsed statement.
pub(crate) fn statement(statement: sql::Statement, cx: &Context) -> Ddl {
    use sql::Statement as S;
    match statement {
        S::CreateTable(ct) => create_table(ct, cx),
        S::CreateForeignTable(ft) => create_foreign_table(ft, cx),
        S::AlterTable(at) => Ddl::AlterTable(AlterTable {
        form: RelationKindWritten::Table,
            name: object_name(&at.name),
            if_exists: at.if_exists,
            only: at.only,
            actions: at
                .operations
                .into_iter()
                .flat_map(|op| alter_action(op, cx))
                .collect(),
        }),
        S::Drop {
            object_type,
            if_exists,
            names,
            cascade,
            ..
        } => {
            let kind = match object_type {
                ObjectType::Table => DropKind::Table,
                ObjectType::View => DropKind::View,
                ObjectType::MaterializedView => DropKind::MaterializedView,
                ObjectType::ForeignTable => DropKind::ForeignTable,
                ObjectType::Index => DropKind::Index,
                ObjectType::Type => DropKind::Type,
                ObjectType::Sequence => DropKind::Sequence,
                ObjectType::Schema => DropKind::Schema,
                ObjectType::Role | ObjectType::User | ObjectType::Group | ObjectType::Database => {
                    return Ddl::Skipped;
                }
                other => {
                    return Ddl::Unsupported {
                        reach: crate::sql::ddl::Reach::none(),
                        reason: format!("DROP {other} is not folded"),
                    };
                }
            };
            Ddl::Drop(Drop {
                kind,
                names: names.iter().map(object_name).collect(),
                if_exists,
                cascade,
            })
        }
        S::DropDomain(d) => Ddl::Drop(Drop {
            kind: DropKind::Domain,
            names: vec![object_name(&d.name)],
            if_exists: d.if_exists,
            cascade: matches!(d.drop_behavior, Some(sql::DropBehavior::Cascade)),
        }),
        S::CreateType { name, representation } => match representation {
            Some(UserDefinedTypeRepresentation::Enum { labels }) => Ddl::CreateEnum {
                name: object_name(&name),
                labels: labels.into_iter().map(|l| l.value).collect(),
            },
            Some(UserDefinedTypeRepresentation::Composite { attributes }) => Ddl::CreateComposite {
                name: object_name(&name),
                attributes: attributes
                    .iter()
                    .map(|a| (folded(&a.name), type_name(&a.data_type)))
                    .collect(),
            },
            Some(UserDefinedTypeRepresentation::Range { options }) => {
                let mut subtype = None;
                let mut multirange = None;
                for option in &options {
                    match option {
                        sql::UserDefinedTypeRangeOption::Subtype(t) => subtype = Some(type_name(t)),
                        sql::UserDefinedTypeRangeOption::MultirangeTypeName(n) => multirange = Some(object_name(n)),
                        _ => {}
                    }
                }
                match subtype {
                    Some(subtype) => Ddl::CreateRange {
                        name: object_name(&name),
                        subtype,
                        multirange,
                    },
                    None => Ddl::CreateOtherType {
                        name: object_name(&name),
                    },
                }
            }
            _ => Ddl::CreateOtherType {
                name: object_name(&name),
            },
        },
        S::AlterType(at) => {
            let action = match at.operation {
                sql::AlterTypeOperation::AddValue(add) => TypeAction::AddValue {
                    value: add.value.value,
                    if_not_exists: add.if_not_exists,
                    position: add.position.map(|p| match p {
                        sql::AlterTypeAddValuePosition::Before(v) => (true, v.value),
                        sql::AlterTypeAddValuePosition::After(v) => (false, v.value),
                    }),
                },
                sql::AlterTypeOperation::RenameValue(r) => TypeAction::RenameValue {
                    from: r.from.value,
                    to: r.to.value,
                },
                sql::AlterTypeOperation::Rename(r) => TypeAction::Rename {
                    to: folded(&r.new_name),
                },
            };
            Ddl::AlterType {
                name: object_name(&at.name),
                actions: vec![action],
            }
        }
        S::CreateDomain(d) => Ddl::CreateDomain {
            name: object_name(&d.name),
            data_type: type_name(&d.data_type),
            not_null: false,
            default: d.default.as_ref().map(|e| expr(e, cx)),
            checks: d
                .constraints
                .iter()
                .filter_map(|c| match c {
                    TableConstraint::Check(check) => {
                        Some((check.name.as_ref().map(folded), expr(&check.expr, cx)))
                    }
                    _ => None,
                })
                .collect(),
        },
        S::CreateView(v) => Ddl::CreateView(CreateView {
            name: temporary_if(object_name(&v.name), v.temporary),
            materialized: v.materialized,
            or_replace: v.or_replace,
            if_not_exists: v.if_not_exists,
            columns: v.columns.iter().map(|c| folded(&c.name)).collect(),
            query: query(&v.query, cx),
        }),
        S::AlterView(av) => match av.operation {
            sql::AlterViewOperation::RenameTo { new_name } => Ddl::RenameRelation {
                kind: if av.materialized {
                    RelationKindWritten::MaterializedView
                } else {
                    RelationKindWritten::View
                },
                name: object_name(&av.name),
                new_name: object_name(&new_name).name,
                if_exists: av.if_exists,
            },
            sql::AlterViewOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => Ddl::AlterTable(AlterTable {
        form: RelationKindWritten::Table,
                name: object_name(&av.name),
                if_exists: av.if_exists,
                only: false,
                actions: vec![AlterAction::RenameColumn {
                    from: folded(&old_column_name),
                    to: folded(&new_column_name),
                }],
            }),
            sql::AlterViewOperation::AlterColumn { column_name, op } => Ddl::AlterTable(AlterTable {
        form: RelationKindWritten::Table,
                name: object_name(&av.name),
                if_exists: av.if_exists,
                only: false,
                actions: alter_action(
                    AlterTableOperation::AlterColumn { column_name, op },
                    cx,
                ),
            }),
            sql::AlterViewOperation::SetSchema { schema_name } => Ddl::SetSchema {
                object: if av.materialized {
                    ObjectKind::MaterializedView
                } else {
                    ObjectKind::View
                },
                name: object_name(&av.name),
                if_exists: av.if_exists,
                schema: object_name(&schema_name).name,
            },
            sql::AlterViewOperation::OwnerTo(_)
            | sql::AlterViewOperation::SetOptions { .. }
            | sql::AlterViewOperation::ResetOptions { .. } => Ddl::Skipped,
            other => Ddl::Unsupported {
                reach: crate::sql::ddl::Reach::none(),
                reason: format!("ALTER VIEW ... {other} is not folded"),
            },
        },
        S::CreateIndex(ci) => Ddl::CreateIndex(CreateIndex {
            include: ci.include.iter().map(folded).collect(),
            name: ci.name.as_ref().map(|n| object_name(n).name),
            table: object_name(&ci.table_name),
            unique: ci.unique,
            if_not_exists: ci.if_not_exists,
            keys: ci
                .columns
                .iter()
                .map(|c| IndexKey {
                    expr: expr(&c.column.expr, cx),
                    descending: matches!(c.column.options.sort, Some(sql::OrderBySort::Desc)),
                    nulls_first: c.column.options.nulls_first,
                    opclass: c.operator_class.as_ref().map(|o| object_name(o).name),
                })
                .collect(),
            predicate: ci.predicate.as_ref().map(|p| expr(p, cx)),
            only: false,
        }),
        S::AlterIndex { name, operation } => match operation {
            sql::AlterIndexOperation::RenameIndex { index_name } => Ddl::RenameRelation {
                kind: RelationKindWritten::Index,
                name: object_name(&name),
                new_name: object_name(&index_name).name,
                if_exists: false,
            },
        },
        S::Comment {
            object_type,
            object_name: name,
            comment,
            ..
        } => {
            let target = match object_type {
                CommentObject::Table => CommentTarget::Table,
                CommentObject::View => CommentTarget::View,
                CommentObject::MaterializedView => CommentTarget::MaterializedView,
                CommentObject::Column => CommentTarget::Column,
                CommentObject::Type => CommentTarget::Type,
                CommentObject::Domain => CommentTarget::Domain,
                _ => return Ddl::Skipped,
            };
            Ddl::Comment {
                target,
                name: name.0.iter().filter_map(|p| p.as_ident().map(folded)).collect(),
                text: comment,
            }
        }
        S::CreateExtension(e) => Ddl::CreateExtension {
            name: folded(&e.name),
            schema: e.schema.as_ref().map(folded),
        },
        S::CreateSchema { schema_name, .. } => match schema_name {
            sql::SchemaName::Simple(n) | sql::SchemaName::NamedAuthorization(n, _) => Ddl::CreateSchema {
                name: object_name(&n).name,
                elements: Vec::new(),
            },
            sql::SchemaName::UnnamedAuthorization(user) => Ddl::CreateSchema {
                name: folded(&user),
                elements: Vec::new(),
            },
        },
        S::CreateSequence {
            name,
            if_not_exists,
            temporary,
            sequence_options,
        } => Ddl::CreateSequence {
            name: temporary_if(object_name(&name), temporary),
            if_not_exists,
            options: sequence_options
                .iter()
                .filter_map(|o| match o {
                    sql::SequenceOptions::DataType(t) => Some(SequenceAction::AsType(type_name(t))),
                    sql::SequenceOptions::OwnedBy(None) => Some(SequenceAction::OwnedBy(None)),
                    sql::SequenceOptions::OwnedBy(Some(column)) => {
                        let mut parts: Vec<String> = column
                            .0
                            .iter()
                            .filter_map(|p| p.as_ident().map(folded))
                            .collect();
                        let column = parts.pop()?;
                        let table = parts.pop()?;
                        let table = QualifiedName {
                            schema: parts.pop(),
                            name: table,
                        };
                        Some(SequenceAction::OwnedBy(Some((table, column))))
                    }
                    _ => None,
                })
                .collect(),
        },
        S::Set(sql::Set::SingleAssignment { variable, .. })
            if variable.to_string().eq_ignore_ascii_case("search_path") =>
        {
            Ddl::Unsupported {
                reach: crate::sql::ddl::Reach::none(),
                reason: "SET search_path: the generator keeps unqualified names in public; qualify names with their schema instead".into(),
            }
        }
        S::CreateFunction(f) => Ddl::CreateFunction {
            name: object_name(&f.name).name,
            ddl: f
                .function_body
                .as_ref()
                .and_then(|body| ddl_of(&body_text(body))),
            routine: routine(&f),
        },
        S::Query(q) => top_level_query(&q, cx),
        S::Call(f) => Ddl::Call {
            functions: vec![object_name(&f.name).name],
        },
        S::Execute { .. } => Ddl::Unsupported {
            reach: crate::sql::ddl::Reach::none(),
            reason: "EXECUTE/CALL runs code the generator cannot see; DDL it runs is not in the catalog"
                .into(),
        },
        // Statements that cannot change tables, views or types.
        S::DropFunction(_)
        | S::CreateProcedure { .. }
        | S::DropProcedure { .. }
        | S::AlterFunction(_)
        | S::CreateTrigger(_)
        | S::DropTrigger(_)
        | S::AlterTrigger(_)
        | S::Grant(_)
        | S::Revoke(_)
        | S::GrantRole(_)
        | S::RevokeRole(_)
        | S::AlterDefaultPrivileges(_)
        | S::Insert(_)
        | S::Update(_)
        | S::Delete(_)
        | S::Merge(_)
        | S::Set(_)
        | S::Reset(_)
        | S::StartTransaction { .. }
        | S::Commit { .. }
        | S::Rollback { .. }
        | S::Savepoint { .. }
        | S::ReleaseSavepoint { .. }
        | S::Analyze(_)
        | S::Vacuum(_)
        | S::Truncate(_)
        | S::Copy { .. }
        | S::Lock(_)
        | S::LISTEN { .. }
        | S::UNLISTEN { .. }
        | S::NOTIFY { .. }
        | S::Discard { .. }
        | S::CreateRole(_)
        | S::AlterRole { .. }
        | S::CreateUser(_)
        | S::AlterUser(_)
        | S::CreatePolicy(_)
        | S::AlterPolicy(_)
        | S::DropPolicy(_)
        | S::DropRule(_)
        | S::DropExtension(_)
        | S::CreateCollation(_)
        | S::AlterCollation(_)
        | S::CreateOperator(_)
        | S::CreateOperatorFamily(_)
        | S::CreateOperatorClass(_)
        | S::AlterOperator(_)
        | S::AlterOperatorFamily(_)
        | S::AlterOperatorClass(_)
        | S::DropOperator(_)
        | S::DropOperatorFamily(_)
        | S::DropOperatorClass(_)
        | S::CreateTextSearch(_)
        | S::AlterTextSearch(_)
        | S::CreateAggregate(_)
        | S::RefreshMaterializedView(_)
        | S::Declare { .. }
        | S::Fetch { .. }
        | S::Close { .. }
        | S::Prepare { .. }
        | S::Deallocate { .. }
        | S::Explain { .. }
        | S::ExplainTable { .. }
        | S::ShowVariable { .. }
        | S::CreateDatabase { .. } => Ddl::Skipped,
        // The `_RETURN` rule (quoted: the name is case-sensitive) turns a table into a view;
        // other rules rewrite statements and do not change the shape.
        S::CreateRule(r) => match (&r.action, r.name.value.as_str(), &r.event) {
            (sql::CreateRuleAction::Statement(action), "_RETURN", sql::CreateRuleEvent::Select)
                if r.name.quote_style.is_some() =>
            {
                match action.as_ref() {
                    S::Query(q) => Ddl::TableToView {
                        table: object_name(&r.table_name),
                        query: query(q, cx),
                    },
                    _ => Ddl::Skipped,
                }
            }
            _ => Ddl::Skipped,
        },
        S::AlterSchema(a) => match a.operations.as_slice() {
            [sql::AlterSchemaOperation::Rename { name }] => Ddl::RenameSchema {
                from: object_name(&a.name).name,
                to: object_name(name).name,
            },
            _ => Ddl::Skipped,
        },
        other => Ddl::Unsupported {
            reach: crate::sql::ddl::Reach::none(),
            reason: format!("statement not folded: {}", first_words(&other.to_string())),
        },
    }
}

/// A top-level `SELECT`: a new table (`SELECT ... INTO t`), a search path set through
/// `set_config('search_path', ...)`, calls of routines that may run DDL, or nothing.
fn top_level_query(q: &sql::Query, cx: &Context) -> Ddl {
    use crate::sql::expr::Expr;
    use crate::sql::query::{Query as Q, SelectItem};
    if let sql::SetExpr::Select(s) = q.body.as_ref()
        && let Some(into) = &s.into
    {
        let name = match into.targets.first() {
            Some(sql::Expr::Identifier(ident)) => QualifiedName::bare(folded(ident)),
            Some(sql::Expr::CompoundIdentifier(parts)) => {
                let mut parts: Vec<String> = parts.iter().map(folded).collect();
                let name = parts.pop().unwrap_or_default();
                QualifiedName {
                    schema: parts.pop(),
                    name,
                }
            }
            _ => return Ddl::Skipped,
        };
        return Ddl::CreateTableAs {
            name: temporary_if(name, into.temporary),
            if_not_exists: false,
            columns: Vec::new(),
            query: query(q, cx),
        };
    }
    let mut functions = Vec::new();
    let mut search_path = None;
    if let Q::Select(select) = query(q, cx) {
        for item in &select.items {
            if let SelectItem::Expr { expr, .. } = item {
                expr.walk(&mut |e| {
                    if let Expr::Function { name, args, .. } = e
                        && let Some(last) = name.last()
                    {
                        if last == "set_config"
                            && let [Expr::String(setting), Expr::String(value), local] = args.as_slice()
                            && setting.eq_ignore_ascii_case("search_path")
                        {
                            search_path = Some(Ddl::SetSearchPath {
                                schemas: Some(super::fallback::search_path_entries(value)),
                                local: matches!(local, Expr::Bool(true)),
                            });
                        }
                        functions.push(last.clone());
                    }
                });
            }
        }
    }
    if let Some(ddl) = search_path {
        return ddl;
    }
    if functions.is_empty() {
        Ddl::Skipped
    } else {
        Ddl::Call { functions }
    }
}

/// The text of a function body.
/// What a function sqlparser read returns.
fn routine(f: &sql::CreateFunction) -> Option<Routine> {
    let (set, declared) = match &f.return_type {
        Some(sql::FunctionReturnType::SetOf(t)) => (true, Some(t)),
        Some(sql::FunctionReturnType::DataType(t)) => (false, Some(t)),
        None => (false, None),
    };
    let declared = declared.map(|t| match t {
        sql::DataType::Table(Some(columns)) => RoutineResult::Columns(
            columns
                .iter()
                .map(|c| (folded(&c.name), type_name(&c.data_type)))
                .collect(),
        ),
        other => RoutineResult::Type(type_name(other)),
    });
    let set = set || matches!(declared, Some(RoutineResult::Columns(_)));
    let outs = f
        .args
        .iter()
        .flatten()
        .filter(|a| matches!(a.mode, Some(sql::ArgMode::Out | sql::ArgMode::InOut)))
        .enumerate()
        .map(|(i, a)| {
            let name = a.name.as_ref().map_or_else(|| format!("column{}", i + 1), folded);
            (name, type_name(&a.data_type))
        })
        .collect();
    let args = f
        .args
        .iter()
        .flatten()
        .filter(|a| !matches!(a.mode, Some(sql::ArgMode::Out)))
        .map(|a| type_name(&a.data_type))
        .collect();
    Routine::new(object_name(&f.name), args, set, declared, outs)
}

fn body_text(body: &sql::CreateFunctionBody) -> String {
    use sql::CreateFunctionBody as B;
    match body {
        B::AsBeforeOptions { body, .. }
        | B::AsAfterOptions(body)
        | B::Return(body)
        | B::AsReturnExpr(body) => match body {
            // The body of a dollar-quoted function is its string's content.
            sql::Expr::Value(v) => match &v.value {
                sql::Value::DollarQuotedString(s) => s.value.clone(),
                sql::Value::SingleQuotedString(s) => s.clone(),
                other => other.to_string(),
            },
            other => other.to_string(),
        },
        B::AsBeginEnd(statements) | B::BeginAtomic(statements) => statements.to_string(),
        B::AsReturnSelect(select) => select.to_string(),
    }
}

/// When a function body holds statements that change the schema when it runs: what they may
/// change.
pub(super) fn ddl_of(body: &str) -> Option<Reach> {
    let runs_ddl = body
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .any(|w| {
            ["EXECUTE", "CREATE", "ALTER", "DROP"]
                .iter()
                .any(|k| w.eq_ignore_ascii_case(k))
        });
    runs_ddl.then(|| super::reach::body_reach(body))
}

/// The first few words of a statement, for messages.
fn first_words(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().take(3).collect();
    words.join(" ")
}

/// A temporary object's name: in `pg_temp`, the session's own schema, whose objects vanish
/// with the session (the fold drops them when the file ends) and never reach the catalog.
pub(crate) fn temporary_if(name: QualifiedName, temporary: bool) -> QualifiedName {
    if temporary {
        QualifiedName {
            schema: Some(crate::catalog::fold::TEMP_SCHEMA.to_string()),
            name: name.name,
        }
    } else {
        name
    }
}

fn create_table(ct: sql::CreateTable, cx: &Context) -> Ddl {
    let name = temporary_if(object_name(&ct.name), ct.temporary);
    if let Some(q) = &ct.query {
        return Ddl::CreateTableAs {
            name,
            if_not_exists: ct.if_not_exists,
            columns: ct.columns.iter().map(|c| folded(&c.name)).collect(),
            query: query(q, cx),
        };
    }
    if ct.clone.is_some() {
        return Ddl::Unsupported {
            reach: crate::sql::ddl::Reach::none(),
            reason: format!("CREATE TABLE {name} CLONE is not PostgreSQL and is not folded"),
        };
    }
    let elements = table_elements(&ct.columns, &ct.constraints, ct.like.as_ref(), cx);
    Ddl::CreateTable(CreateTable {
        name,
        if_not_exists: ct.if_not_exists,
        elements,
        inherits: ct.inherits.iter().flatten().map(object_name).collect(),
        partition_of: ct.partition_of.as_ref().map(|parent| PartitionOf {
            parent: object_name(parent),
            bound: ct
                .for_values
                .as_ref()
                .map_or_else(String::new, ToString::to_string),
        }),
        partition_by: ct.partition_by.as_deref().map(partition_key),
        foreign: false,
        of_type: None,
    })
}

/// `CREATE FOREIGN TABLE`: a table whose rows live elsewhere, with columns like any other.
fn create_foreign_table(ft: sql::CreateForeignTable, cx: &Context) -> Ddl {
    Ddl::CreateTable(CreateTable {
        name: object_name(&ft.name),
        if_not_exists: ft.if_not_exists,
        elements: table_elements(&ft.columns, &ft.constraints, None, cx),
        inherits: ft.inherits.iter().flatten().map(object_name).collect(),
        partition_of: ft.partition_of.as_ref().map(|parent| PartitionOf {
            parent: object_name(parent),
            bound: ft
                .for_values
                .as_ref()
                .map_or_else(String::new, ToString::to_string),
        }),
        partition_by: None,
        foreign: true,
        of_type: None,
    })
}

/// One key of a partition key, as `pg_get_partkeydef` prints it.
pub(super) fn partition_key_part(e: &sql::Expr) -> String {
    expr(e, &Context::detached()).to_string()
}

/// `PARTITION BY RANGE (a, b)` (which sqlparser reads as a call of `range`) as PostgreSQL's
/// `pg_get_partkeydef` prints it: `RANGE (a, b)`.
fn partition_key(e: &sql::Expr) -> String {
    match e {
        sql::Expr::Function(f) => {
            let strategy = f.name.to_string().to_ascii_uppercase();
            let keys = match &f.args {
                sql::FunctionArguments::List(list) => list
                    .args
                    .iter()
                    .map(|a| match a {
                        sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Expr(e)) => partition_key_part(e),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            format!("{strategy} ({keys})")
        }
        other => other.to_string(),
    }
}

/// Columns and table constraints in source order, `LIKE` first.
fn table_elements(
    columns: &[sql::ColumnDef],
    constraints: &[TableConstraint],
    like: Option<&sql::CreateTableLikeKind>,
    cx: &Context,
) -> Vec<TableElement> {
    // sqlparser keeps columns and table constraints apart; PostgreSQL names constraints in
    // the order written, so put them back in source order.
    let mut elements: Vec<(Span, TableElement)> = Vec::new();
    for column in columns {
        elements.push((column.name.span, TableElement::Column(column_def(column, cx))));
    }
    for constraint in constraints {
        let span = sql::Spanned::span(constraint);
        elements.push((span, TableElement::Constraint(table_constraint(constraint, cx))));
    }
    elements.sort_by_key(|(span, _)| (span.start.line, span.start.column));
    if let Some(sql::CreateTableLikeKind::Parenthesized(like) | sql::CreateTableLikeKind::Plain(like)) = like
    {
        // LIKE comes first: sqlparser reads it only before the other elements.
        elements.insert(
            0,
            (
                Span::empty(),
                TableElement::Like {
                    table: object_name(&like.name),
                    including: LikeOptions {
                        defaults: matches!(like.defaults, Some(sql::CreateTableLikeDefaults::Including)),
                        ..LikeOptions::default()
                    },
                },
            ),
        );
    }
    elements.into_iter().map(|(_, e)| e).collect()
}

pub(super) fn column_def(column: &sql::ColumnDef, cx: &Context) -> ColumnDef {
    let mut options = Vec::new();
    for option in &column.options {
        let name = option.name.as_ref().map(folded);
        let location = cx.locate(sql::Spanned::span(option));
        let constraint = |kind| {
            ColumnOption::Constraint(ConstraintDef {
                name: name.clone(),
                location,
                kind,
            })
        };
        match &option.option {
            SqlColumnOption::Null => options.push(ColumnOption::Null),
            SqlColumnOption::NotNull => options.push(ColumnOption::NotNull),
            SqlColumnOption::Default(e) => options.push(ColumnOption::Default(expr(e, cx))),
            SqlColumnOption::PrimaryKey(_) => {
                options.push(constraint(ConstraintKind::PrimaryKey { columns: Vec::new() }))
            }
            SqlColumnOption::Unique(_) => {
                options.push(constraint(ConstraintKind::Unique { columns: Vec::new() }))
            }
            SqlColumnOption::ForeignKey(fk) => options.push(constraint(foreign_key(fk, Vec::new()))),
            SqlColumnOption::Check(c) => options.push(constraint(ConstraintKind::Check {
                expr: expr(&c.expr, cx),
                no_inherit: c.no_inherit,
            })),
            SqlColumnOption::Generated {
                generated_as,
                generation_expr,
                ..
            } => match generation_expr {
                Some(e) => options.push(ColumnOption::Generated(expr(e, cx))),
                None => options.push(ColumnOption::Identity {
                    always: matches!(generated_as, GeneratedAs::Always),
                }),
            },
            // Collation and storage details do not change the relational shape.
            SqlColumnOption::Collation(_) | SqlColumnOption::Options(_) => {}
            other => options.push(constraint(ConstraintKind::Other {
                what: format!("column option {other}"),
            })),
        }
    }
    ColumnDef {
        name: folded(&column.name),
        location: cx.locate(column.name.span),
        data_type: type_name(&column.data_type),
        options,
    }
}

fn on_delete(action: Option<ReferentialAction>) -> String {
    match action {
        Some(ReferentialAction::Cascade) => "cascade",
        Some(ReferentialAction::SetNull) => "set null",
        Some(ReferentialAction::SetDefault) => "set default",
        Some(ReferentialAction::Restrict) => "restrict",
        Some(ReferentialAction::NoAction) | None => "no action",
    }
    .to_string()
}

fn foreign_key(fk: &sql::ForeignKeyConstraint, columns: Vec<String>) -> ConstraintKind {
    ConstraintKind::ForeignKey {
        columns,
        table: object_name(&fk.foreign_table),
        referenced: fk.referred_columns.iter().map(folded).collect(),
        on_delete: on_delete(fk.on_delete),
        on_update: on_delete(fk.on_update),
        details: [
            fk.match_kind.as_ref().map(|m| m.to_string().to_ascii_uppercase()),
            fk.characteristics
                .as_ref()
                .map(|c| c.to_string().to_ascii_uppercase()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" "),
    }
}

/// Key columns of a PRIMARY KEY or UNIQUE; `None` when one is an expression.
fn key_columns(columns: &[sql::IndexColumn]) -> Option<Vec<String>> {
    columns
        .iter()
        .map(|c| match &c.column.expr {
            sql::Expr::Identifier(id) => Some(folded(id)),
            _ => None,
        })
        .collect()
}

pub(super) fn table_constraint(constraint: &TableConstraint, cx: &Context) -> ConstraintDef {
    let location = cx.locate(sql::Spanned::span(constraint));
    let (name, kind) = match constraint {
        TableConstraint::PrimaryKey(pk) => (
            pk.name.as_ref(),
            match key_columns(&pk.columns) {
                Some(columns) => ConstraintKind::PrimaryKey { columns },
                None => ConstraintKind::Other {
                    what: "PRIMARY KEY on an expression".into(),
                },
            },
        ),
        TableConstraint::Unique(u) => (
            u.name.as_ref(),
            match key_columns(&u.columns) {
                Some(columns) => ConstraintKind::Unique { columns },
                None => ConstraintKind::Other {
                    what: "UNIQUE on an expression".into(),
                },
            },
        ),
        TableConstraint::ForeignKey(fk) => (
            fk.name.as_ref(),
            foreign_key(fk, fk.columns.iter().map(folded).collect()),
        ),
        TableConstraint::Check(c) => (
            c.name.as_ref(),
            ConstraintKind::Check {
                expr: expr(&c.expr, cx),
                no_inherit: c.no_inherit,
            },
        ),
        TableConstraint::PrimaryKeyUsingIndex(c) | TableConstraint::UniqueUsingIndex(c) => (
            c.name.as_ref(),
            ConstraintKind::UsingIndex {
                primary: matches!(constraint, TableConstraint::PrimaryKeyUsingIndex(_)),
                index: folded(&c.index_name),
            },
        ),
        TableConstraint::Exclude(x) => (
            x.name.as_ref(),
            ConstraintKind::Exclude {
                keys: x
                    .elements
                    .iter()
                    .map(|e| IndexKey {
                        expr: expr(&e.column.column.expr, cx),
                        descending: false,
                        nulls_first: None,
                        opclass: None,
                    })
                    .collect(),
            },
        ),
        other => (
            None,
            ConstraintKind::Other {
                what: first_words(&other.to_string()),
            },
        ),
    };
    ConstraintDef {
        name: name.map(folded),
        location,
        kind,
    }
}

pub(super) fn alter_action(op: AlterTableOperation, cx: &Context) -> Vec<AlterAction> {
    use AlterTableOperation as O;
    let action = match op {
        O::AddConstraint { constraint, .. } => AlterAction::AddConstraint(table_constraint(&constraint, cx)),
        O::AddColumn {
            if_not_exists,
            column_def: c,
            ..
        } => AlterAction::AddColumn {
            column: column_def(&c, cx),
            if_not_exists,
        },
        O::DropConstraint { if_exists, name, .. } => AlterAction::DropConstraint {
            name: folded(&name),
            if_exists,
        },
        O::DropColumn {
            column_names,
            if_exists,
            drop_behavior,
            ..
        } => {
            let cascade = matches!(drop_behavior, Some(sql::DropBehavior::Cascade));
            return column_names
                .iter()
                .map(|n| AlterAction::DropColumn {
                    name: folded(n),
                    if_exists,
                    cascade,
                })
                .collect();
        }
        O::RenameColumn {
            old_column_name,
            new_column_name,
        } => AlterAction::RenameColumn {
            from: folded(&old_column_name),
            to: folded(&new_column_name),
        },
        O::RenameTable { table_name } => {
            let (sql::RenameTableNameKind::As(n) | sql::RenameTableNameKind::To(n)) = table_name;
            AlterAction::RenameTable {
                to: object_name(&n).name,
            }
        }
        O::RenameConstraint { old_name, new_name } => AlterAction::RenameConstraint {
            from: folded(&old_name),
            to: folded(&new_name),
        },
        O::AlterColumn { column_name, op } => {
            let column = folded(&column_name);
            match op {
                AlterColumnOperation::SetNotNull => AlterAction::SetNotNull { column },
                AlterColumnOperation::DropNotNull => AlterAction::DropNotNull { column },
                AlterColumnOperation::SetDefault { value } => AlterAction::SetDefault {
                    column,
                    expr: expr(&value, cx),
                },
                AlterColumnOperation::DropDefault => AlterAction::DropDefault { column },
                AlterColumnOperation::SetDataType { data_type, .. } => AlterAction::SetType {
                    column,
                    data_type: type_name(&data_type),
                },
                AlterColumnOperation::AddGenerated { generated_as, .. } => AlterAction::AddIdentity {
                    column,
                    always: matches!(generated_as, Some(GeneratedAs::Always)),
                },
                other => AlterAction::Unsupported {
                    what: format!("ALTER COLUMN {column} {other}"),
                },
            }
        }
        O::AttachPartitionOf {
            partition,
            for_values,
        } => AlterAction::AttachPartition {
            partition: object_name(&partition),
            bound: for_values.to_string(),
        },
        O::DetachPartitionOf { partition, mode } => AlterAction::DetachPartition {
            partition: object_name(&partition),
            concurrently: matches!(mode, Some(sql::DetachPartitionMode::Concurrently)),
        },
        O::Inherit { parent } => AlterAction::Inherit {
            parent: object_name(&parent),
        },
        O::NoInherit { parent } => AlterAction::NoInherit {
            parent: object_name(&parent),
        },
        O::OwnerTo { .. }
        | O::EnableTrigger { .. }
        | O::DisableTrigger { .. }
        | O::EnableAlwaysTrigger { .. }
        | O::EnableReplicaTrigger { .. }
        | O::EnableRule { .. }
        | O::DisableRule { .. }
        | O::EnableAlwaysRule { .. }
        | O::EnableReplicaRule { .. }
        | O::EnableRowLevelSecurity
        | O::DisableRowLevelSecurity
        | O::ForceRowLevelSecurity
        | O::NoForceRowLevelSecurity
        | O::ReplicaIdentity { .. }
        | O::ValidateConstraint { .. }
        | O::SetLogged
        | O::SetUnlogged
        | O::SetOptionsParens { .. }
        | O::ResetOptions { .. }
        | O::SetTblProperties { .. } => AlterAction::Skipped,
        other => AlterAction::Unsupported {
            what: first_words(&other.to_string()),
        },
    };
    vec![action]
}
