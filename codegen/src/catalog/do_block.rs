//! `DO` blocks: folding what is statically evident in them.
//!
//! Straight-line DDL folds as usual. A block with `EXCEPTION WHEN <condition> THEN` handlers
//! runs its statements against a snapshot: when one fails with an error of a condition a
//! handler names (`duplicate_object` for a type that exists, `duplicate_column`, ...), the
//! statements are undone and the handler runs instead, as in PostgreSQL. `IF` conditions that
//! look into PostgreSQL's own catalog (`EXISTS (SELECT 1 FROM pg_type WHERE typname = 'x')`,
//! `information_schema.columns`, ...) or compare the server version are evaluated against the
//! fold's catalog. What remains is warned about only when it could change the shape: loops,
//! conditions on data, and `EXECUTE` of text built at run time.

use crate::catalog::fold::Fold;
use crate::catalog::model::RelationKind;
use crate::catalog::proof::Condition;
use crate::sql::ddl::{Ddl, Guard, PlBlock, PlStatement, Probe, Reach};

impl Fold {
    /// `DO $$ ... $$`.
    pub(crate) fn do_block(&mut self, block: &PlBlock) {
        self.run_block(block);
    }

    fn run_block(&mut self, block: &PlBlock) {
        if block.handlers.is_empty() {
            self.run_statements(&block.statements);
            return;
        }
        let before = self.snapshot();
        let mark = self.diagnostics.len();
        self.run_statements(&block.statements);
        let Some(error) = self.diagnostics[mark..].iter().find(|d| d.is_error()) else {
            return;
        };
        let sqlstate = error.code.unwrap_or("XX000");
        let Some(handler) = block
            .handlers
            .iter()
            .find(|h| h.conditions.iter().any(|c| Condition::caught_by(sqlstate, c)))
        else {
            return;
        };
        // PostgreSQL rolls the block back to its start and runs the handler.
        self.diagnostics.truncate(mark);
        self.restore(*before);
        self.run_statements(&handler.statements);
    }

    /// Runs statements until one of them fails, as PostgreSQL does.
    fn run_statements(&mut self, statements: &[PlStatement]) {
        for statement in statements {
            let errors = self.error_count();
            self.run(statement);
            if self.error_count() > errors {
                return;
            }
        }
    }

    fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    fn run(&mut self, statement: &PlStatement) {
        match statement {
            PlStatement::Sql(s) => self.fold_here(s),
            PlStatement::Block(b) => self.run_block(b),
            PlStatement::If { branches, otherwise } => {
                for (i, (guard, body)) in branches.iter().enumerate() {
                    match self.guard(guard) {
                        Some(true) => return self.run_statements(body),
                        Some(false) => {}
                        None => {
                            let rest: Vec<&PlStatement> = branches[i..]
                                .iter()
                                .flat_map(|(_, b)| b.iter())
                                .chain(otherwise.iter())
                                .collect();
                            if rest.iter().any(|s| shapes(std::slice::from_ref(*s))) {
                                let reach = rest.iter().fold(Reach::none(), |r, s| r.join(s.reach()));
                                self.doubt(
                                    &reach,
                                    &format!(
                                        "DO block: IF {}: depends on what the generator cannot see, so the DDL in its branches is not in the catalog",
                                        guard_text(guard)
                                    ),
                                );
                            }
                            return;
                        }
                    }
                }
                self.run_statements(otherwise);
            }
            PlStatement::Loop(body) => {
                if shapes(body) {
                    let reach = PlStatement::all(body);
                    self.doubt(
                        &reach,
                        "DO block: a loop (or CASE) runs DDL as often as the data decides; it is not in the catalog",
                    );
                }
            }
            PlStatement::DynamicExecute(at, reach) => self.doubt_at(
                *at,
                reach,
                "DO block: EXECUTE of a string built at run time; the generator cannot know the statement, so whatever it changes is not in the catalog",
            ),
            PlStatement::Nothing => {}
        }
    }

    /// A condition's value, or `None` when the fold cannot know it.
    fn guard(&self, guard: &Guard) -> Option<bool> {
        match guard {
            Guard::Const(b) => Some(*b),
            Guard::Exists(probe) => self.probe(probe),
            Guard::Not(g) => self.guard(g).map(|b| !b),
            Guard::And(a, b) => match (self.guard(a), self.guard(b)) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            },
            Guard::Or(a, b) => match (self.guard(a), self.guard(b)) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            },
            Guard::Unknown(_) => None,
        }
    }

    /// Whether PostgreSQL's catalog would have rows matching the probe, judged from the
    /// fold's own catalog; `None` for catalog relations or columns it does not model.
    fn probe(&self, p: &Probe) -> Option<bool> {
        let value = |column: &str| {
            p.filters
                .iter()
                .find(|(c, _)| c == column)
                .map(|(_, v)| v.as_str())
        };
        let only = |columns: &[&str]| p.filters.iter().all(|(c, _)| columns.contains(&c.as_str()));
        let in_schema = |schema: &str, wanted: Option<&str>| wanted.is_none_or(|w| w == schema);
        let catalog = &self.catalog;
        let relation_kinds = |relation: &crate::catalog::model::Relation, kinds: &[RelationKind]| {
            kinds.contains(&relation.kind)
        };
        Some(match p.relation.as_str() {
            "pg_type" => {
                if !only(&["typname", "nspname"]) {
                    return None;
                }
                let name = value("typname")?;
                let schema = value("nspname");
                let builtin = crate::catalog::types::is_builtin(name) && in_schema("pg_catalog", schema);
                builtin
                    || self.schemas.iter().any(|s| {
                        in_schema(s, schema)
                            && (self.type_exists(s, name)
                                || catalog.tables.iter().any(|r| &r.schema == s && r.name == name))
                    })
            }
            "pg_class" | "pg_tables" | "pg_views" | "pg_matviews" | "pg_sequences" | "pg_indexes" => {
                let (name_column, schema_column) = match p.relation.as_str() {
                    "pg_class" => ("relname", "nspname"),
                    "pg_tables" => ("tablename", "schemaname"),
                    "pg_views" => ("viewname", "schemaname"),
                    "pg_matviews" => ("matviewname", "schemaname"),
                    "pg_sequences" => ("sequencename", "schemaname"),
                    _ => ("indexname", "schemaname"),
                };
                if !only(&[name_column, schema_column, "tablename"]) {
                    return None;
                }
                let name = value(name_column)?;
                let schema = value(schema_column);
                let table = value("tablename");
                match p.relation.as_str() {
                    "pg_indexes" => catalog.tables.iter().any(|r| {
                        in_schema(&r.schema, schema)
                            && table.is_none_or(|t| t == r.name)
                            && (r.indexes.iter().any(|i| i.name == name)
                                || r.primary_key_name.as_deref() == Some(name)
                                || r.unique.iter().any(|u| u.name == name))
                    }),
                    "pg_class" => self
                        .schemas
                        .iter()
                        .any(|s| in_schema(s, schema) && self.relation_name_taken(s, name)),
                    "pg_sequences" => catalog
                        .sequences
                        .iter()
                        .any(|q| q.name == name && in_schema(&q.schema, schema)),
                    other => {
                        let kinds: &[RelationKind] = match other {
                            "pg_tables" => &[RelationKind::Table],
                            "pg_views" => &[RelationKind::View],
                            _ => &[RelationKind::MaterializedView],
                        };
                        catalog.tables.iter().any(|r| {
                            r.name == name && in_schema(&r.schema, schema) && relation_kinds(r, kinds)
                        })
                    }
                }
            }
            "pg_constraint" => {
                if !only(&["conname", "conrelid", "nspname", "contype"]) {
                    return None;
                }
                let name = value("conname")?;
                let table = value("conrelid");
                let schema = value("nspname");
                let contype = value("contype");
                catalog.tables.iter().any(|r| {
                    in_schema(&r.schema, schema)
                        && table.is_none_or(|t| t == r.name || t == format!("{}.{}", r.schema, r.name))
                        && constraint_kinds(r)
                            .into_iter()
                            .any(|(n, kind)| n == name && contype.is_none_or(|c| c == kind))
                }) || (table.is_none()
                    && catalog
                        .domains
                        .iter()
                        .any(|d| in_schema(&d.schema, schema) && d.checks.iter().any(|c| c.name == name)))
            }
            "pg_namespace" | "information_schema.schemata" => {
                let column = if p.relation == "pg_namespace" {
                    "nspname"
                } else {
                    "schema_name"
                };
                if !only(&[column]) {
                    return None;
                }
                self.schemas.contains(value(column)?)
            }
            "pg_extension" => {
                if !only(&["extname"]) {
                    return None;
                }
                self.extensions.contains_key(value("extname")?)
            }
            "pg_enum" => {
                if !only(&["enumlabel", "enumtypid"]) {
                    return None;
                }
                let label = value("enumlabel")?;
                let ty = value("enumtypid");
                catalog.enums.iter().any(|e| {
                    ty.is_none_or(|t| t == e.name || t == format!("{}.{}", e.schema, e.name))
                        && e.values.iter().any(|v| v == label)
                })
            }
            "pg_attribute" => {
                if !only(&["attname", "attrelid"]) {
                    return None;
                }
                let column = value("attname")?;
                let table = value("attrelid")?;
                catalog.tables.iter().any(|r| {
                    (table == r.name || table == format!("{}.{}", r.schema, r.name))
                        && r.column(column).is_some()
                })
            }
            "information_schema.tables" | "information_schema.views" => {
                if !only(&["table_name", "table_schema", "table_type", "table_catalog"]) {
                    return None;
                }
                let name = value("table_name")?;
                let schema = value("table_schema");
                let wanted: &[RelationKind] = match (p.relation.as_str(), value("table_type")) {
                    ("information_schema.views", _) | (_, Some("VIEW")) => &[RelationKind::View],
                    (_, Some("BASE TABLE")) => &[RelationKind::Table],
                    (_, Some("FOREIGN")) => &[RelationKind::ForeignTable],
                    (_, None) => &[
                        RelationKind::Table,
                        RelationKind::View,
                        RelationKind::ForeignTable,
                    ],
                    _ => return None,
                };
                catalog
                    .tables
                    .iter()
                    .any(|r| r.name == name && in_schema(&r.schema, schema) && relation_kinds(r, wanted))
            }
            "information_schema.columns" => {
                if !only(&["table_name", "column_name", "table_schema", "table_catalog"]) {
                    return None;
                }
                let column = value("column_name");
                let table = value("table_name");
                let schema = value("table_schema");
                catalog.tables.iter().any(|r| {
                    in_schema(&r.schema, schema)
                        && table.is_none_or(|t| t == r.name)
                        && column.is_none_or(|c| r.column(c).is_some())
                        && r.kind != RelationKind::MaterializedView
                })
            }
            "information_schema.table_constraints" => {
                if !only(&[
                    "constraint_name",
                    "table_name",
                    "table_schema",
                    "constraint_type",
                    "constraint_schema",
                ]) {
                    return None;
                }
                let name = value("constraint_name");
                let table = value("table_name");
                let schema = value("table_schema").or(value("constraint_schema"));
                let kind = value("constraint_type").map(|t| match t {
                    "PRIMARY KEY" => "p",
                    "UNIQUE" => "u",
                    "FOREIGN KEY" => "f",
                    "CHECK" => "c",
                    _ => "?",
                });
                catalog.tables.iter().any(|r| {
                    in_schema(&r.schema, schema)
                        && table.is_none_or(|t| t == r.name)
                        && constraint_kinds(r)
                            .into_iter()
                            .any(|(n, k)| name.is_none_or(|w| w == n) && kind.is_none_or(|w| w == k))
                })
            }
            "information_schema.sequences" => {
                if !only(&["sequence_name", "sequence_schema"]) {
                    return None;
                }
                let name = value("sequence_name")?;
                let schema = value("sequence_schema");
                catalog
                    .sequences
                    .iter()
                    .any(|q| q.name == name && in_schema(&q.schema, schema))
            }
            _ => return None,
        })
    }
}

/// A relation's constraints by name and `contype` letter.
fn constraint_kinds(r: &crate::catalog::model::Relation) -> Vec<(&str, &'static str)> {
    let mut out: Vec<(&str, &'static str)> = Vec::new();
    if let Some(pk) = &r.primary_key_name {
        out.push((pk, "p"));
    }
    out.extend(r.unique.iter().map(|u| (u.name.as_str(), "u")));
    out.extend(r.foreign_keys.iter().map(|f| (f.name.as_str(), "f")));
    out.extend(r.checks.iter().map(|c| (c.name.as_str(), "c")));
    out
}

/// True when the statements could change the shape.
fn shapes(statements: &[PlStatement]) -> bool {
    statements.iter().any(|s| match s {
        PlStatement::Sql(s) => !matches!(s.ddl, Ddl::Skipped | Ddl::Call { .. }),
        PlStatement::Block(b) => shapes(&b.statements) || b.handlers.iter().any(|h| shapes(&h.statements)),
        PlStatement::If { branches, otherwise } => {
            branches.iter().any(|(_, b)| shapes(b)) || shapes(otherwise)
        }
        PlStatement::Loop(body) => shapes(body),
        PlStatement::DynamicExecute(..) => true,
        PlStatement::Nothing => false,
    })
}

fn guard_text(guard: &Guard) -> String {
    match guard {
        Guard::Unknown(text) => text.clone(),
        Guard::Not(g) => format!("NOT {}", guard_text(g)),
        Guard::And(a, b) => format!("{} AND {}", guard_text(a), guard_text(b)),
        Guard::Or(a, b) => format!("{} OR {}", guard_text(a), guard_text(b)),
        Guard::Exists(p) => format!("EXISTS (SELECT FROM {})", p.relation),
        Guard::Const(b) => b.to_string(),
    }
}
