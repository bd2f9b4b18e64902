//! Tables: `CREATE TABLE` (with `LIKE`, `INHERITS` and `PARTITION OF`), `CREATE TABLE ... AS`,
//! and the columns both `CREATE TABLE` and `ALTER TABLE` add, with their defaults and the
//! sequences of serial and identity columns.

use crate::catalog::constraint::PendingConstraint;
use crate::catalog::fold::{Fold, Shadow};
use crate::catalog::model::{Column, ColumnRef, Identity, Relation, RelationKind, Sequence, TableRef};
use crate::catalog::names::choose_name;
use crate::catalog::proof::{Condition, Proof};
use crate::sql::ddl::{ColumnDef, ColumnOption, CreateTable, LikeOptions, TableElement};
use crate::sql::expr::Expr;
use crate::sql::query::Query;
use crate::sql::{QualifiedName, quote_ident};

/// Types whose modifier PostgreSQL applies with a length-coercion function: a `NULL` default on
/// such a column is stored as `NULL::type`, not dropped (the coercion is not a constant).
const TYPMOD_COERCED: &[&str] = &[
    "character varying",
    "character",
    "bit",
    "bit varying",
    "numeric",
    "timestamp",
    "time",
];

impl Fold {
    /// `CREATE TABLE`.
    pub(crate) fn create_table(&mut self, t: &CreateTable) {
        let schema = self.schema_of(&t.name);
        if !self.schemas.contains(&schema) {
            self.reject(
                Proof::no_schema(&schema),
                format!("schema {schema} does not exist; create it first"),
            );
            return;
        }
        if self.relation_name_taken(&schema, &t.name.name) {
            if !t.if_not_exists {
                self.reject(
                    Proof::known(Condition::DuplicateTable, &schema, &t.name.name),
                    format!(
                        "relation {} already exists; use CREATE TABLE IF NOT EXISTS or drop it first",
                        t.name
                    ),
                );
            }
            return;
        }
        self.settle(&schema, &t.name.name);
        let kind = if t.foreign {
            RelationKind::ForeignTable
        } else {
            RelationKind::Table
        };
        let mut relation = Relation::new(schema, t.name.name.clone(), kind);
        relation.partition_by = t.partition_by.clone();
        let table = self.push_relation(relation, Shadow::default());
        let parents = self.parents_of_new_table(t);
        for &parent in &parents {
            self.inherit_columns(table, parent);
        }
        if let Some(of) = &t.partition_of
            && let Some(&parent) = parents.first()
        {
            self.shadows[table].bound = Some(of.bound.clone());
            let parent = &self.catalog.tables[parent];
            self.catalog.tables[table].partition_of = Some(TableRef {
                schema: parent.schema.clone(),
                name: parent.name.clone(),
            });
        } else {
            let refs: Vec<TableRef> = parents
                .iter()
                .map(|&p| TableRef {
                    schema: self.catalog.tables[p].schema.clone(),
                    name: self.catalog.tables[p].name.clone(),
                })
                .collect();
            self.catalog.tables[table].inherits = refs;
        }
        if let Some(of) = &t.of_type {
            self.typed_table_columns(table, of);
        }
        let mut pending = Vec::new();
        let mut like_indexes = Vec::new();
        for element in &t.elements {
            match element {
                TableElement::Column(c) => {
                    // A column a parent brings merges with the one written; so do the options
                    // a partition or typed table gives a column it has (`a WITH OPTIONS NOT
                    // NULL`, no type).
                    let inherited = self.shadows[table]
                        .inheritance
                        .get(&c.name)
                        .is_some_and(|(count, _)| *count > 0);
                    let exists = self.catalog.tables[table].column(&c.name).is_some();
                    if inherited || (exists && c.data_type.name.is_empty()) {
                        pending.extend(self.merge_local_column(table, c));
                        continue;
                    }
                    if c.data_type.name.is_empty() {
                        // Options for a column the parent (or the type) must have.
                        let mut on = parents.clone();
                        on.push(table);
                        let proof = self.on_relations(Condition::UndefinedColumn, &on);
                        self.reject_at(c.location, proof, format!("column {} does not exist", c.name));
                        continue;
                    }
                    if self.catalog.tables[table].column(&c.name).is_some() {
                        self.reject_at(
                            c.location,
                            Proof::rule(Condition::DuplicateColumn),
                            format!("column {} specified more than once", c.name),
                        );
                        continue;
                    }
                    pending.extend(self.add_column_def(table, c));
                }
                TableElement::Constraint(def) => pending.push(PendingConstraint {
                    def: def.clone(),
                    column: None,
                }),
                TableElement::Like {
                    table: source,
                    including,
                } => {
                    if let Some(from) = self.like(table, &t.name, source, *including)
                        && including.indexes
                    {
                        like_indexes.push(from);
                    }
                }
            }
        }
        // PostgreSQL makes the table's own keys, then what LIKE ... INCLUDING INDEXES copies
        // (named for the new table), then the foreign keys (`transformCreateStmt`).
        let (foreign, own): (Vec<_>, Vec<_>) = pending
            .into_iter()
            .partition(|p| matches!(p.def.kind, crate::sql::ddl::ConstraintKind::ForeignKey { .. }));
        self.add_constraints(table, own);
        for from in like_indexes {
            self.copy_keys_and_indexes(from, table);
        }
        self.add_constraints(table, foreign);
        if t.partition_of.is_some()
            && let Some(&parent) = parents.first()
        {
            self.clone_partition_parts(parent, table);
        }
    }

    /// The tables a new table inherits from or is a partition of, in order; unknown ones are
    /// errors.
    fn parents_of_new_table(&mut self, t: &CreateTable) -> Vec<usize> {
        let names: Vec<&QualifiedName> = match &t.partition_of {
            Some(of) => vec![&of.parent],
            None => t.inherits.iter().collect(),
        };
        let mut parents = Vec::new();
        for name in names {
            match self.require_relation(name) {
                Some(i) => parents.push(i),
                None => self.reject(
                    Proof::absent(Condition::UndefinedTable, name),
                    format!(
                        "relation {name} does not exist (yet); create it before {}",
                        t.name
                    ),
                ),
            }
        }
        if t.partition_of.is_some()
            && let Some(&p) = parents.first()
            && self.catalog.tables[p].partition_by.is_none()
        {
            let name = self.catalog.tables[p].name.clone();
            let proof = self.on_relation(Condition::WrongObjectType, p);
            self.reject(proof, format!("table {name} is not partitioned"));
            return Vec::new();
        }
        parents
    }

    /// `LIKE other [INCLUDING ...]`: names, types and NOT NULL always (a view's columns are all
    /// nullable to PostgreSQL); comments, checks, defaults, generation and identity as the
    /// options say. The source may be a composite type. Returns the source relation, whose
    /// keys and indexes `INCLUDING INDEXES` copies once the table is made.
    fn like(
        &mut self,
        table: usize,
        name: &QualifiedName,
        source: &QualifiedName,
        including: LikeOptions,
    ) -> Option<usize> {
        let Some(from) = self.require_relation(source) else {
            if let Some(attributes) = self.composite_attributes(source) {
                for (column, data_type) in attributes {
                    self.push_plain_column(table, &column, &data_type);
                }
                return None;
            }
            self.reject(
                Proof::absent(Condition::UndefinedTable, source),
                format!("CREATE TABLE {name} LIKE {source}: {source} does not exist"),
            );
            return None;
        };
        let is_view = self.catalog.tables[from].kind == RelationKind::View;
        let columns = self.catalog.tables[from].columns.clone();
        for c in columns {
            let generated = c.generated.is_some();
            let column = Column {
                nullable: c.nullable || is_view,
                default: (including.defaults && !generated)
                    .then(|| c.default.clone())
                    .flatten(),
                comment: c.comment.clone().filter(|_| including.comments),
                identity: c.identity.filter(|_| including.identity),
                generated: c.generated.clone().filter(|_| including.generated),
                ..c.clone()
            };
            let shadow = self.shadows[from].clone();
            if column.default.is_some()
                && let Some(e) = shadow.defaults.get(&c.name)
            {
                self.shadows[table].defaults.insert(c.name.clone(), e.clone());
            }
            if column.generated.is_some()
                && let Some(e) = shadow.generated.get(&c.name)
            {
                self.shadows[table].generated.insert(c.name.clone(), e.clone());
            }
            if column.identity.is_some() {
                self.create_owned_sequence(table, &c.name, &c.data_type);
            }
            self.shadows[table].inheritance.insert(c.name.clone(), (0, true));
            self.catalog.tables[table].columns.push(column);
        }
        if including.constraints {
            let checks = self.catalog.tables[from].checks.clone();
            for check in checks {
                if let Some(e) = self.shadows[from].checks.get(&check.name).cloned() {
                    self.shadows[table].checks.insert(check.name.clone(), e);
                }
                self.catalog.tables[table].checks.push(check);
            }
        }
        Some(from)
    }

    /// `CREATE TABLE t OF type`: the composite type's attributes are the columns.
    fn typed_table_columns(&mut self, table: usize, of: &QualifiedName) {
        match self.composite_attributes(of) {
            Some(attributes) => {
                for (column, data_type) in attributes {
                    self.push_plain_column(table, &column, &data_type);
                }
                let schema = self.find_type_schema(of).unwrap_or_default();
                self.shadows[table].of_type = Some((schema, of.name.clone()));
            }
            None => {
                let name = self.catalog.tables[table].name.clone();
                self.reject(
                    Proof::absent(Condition::UndefinedObject, of),
                    format!("CREATE TABLE {name} OF {of}: {of} is not a composite type the migrations made"),
                );
            }
        }
    }

    /// The attributes (name, type) of the composite type `name`, found along the search path.
    fn composite_attributes(&self, name: &QualifiedName) -> Option<Vec<(String, String)>> {
        let schema = self.find_type_schema(name)?;
        let c = self
            .catalog
            .composite_types
            .iter()
            .find(|c| c.schema == schema && c.name == name.name)?;
        Some(
            c.attributes
                .iter()
                .map(|a| (a.name.clone(), a.data_type.clone()))
                .collect(),
        )
    }

    /// A nullable column without default, as a composite type's attribute becomes one.
    fn push_plain_column(&mut self, table: usize, name: &str, data_type: &str) {
        self.shadows[table]
            .inheritance
            .insert(name.to_string(), (0, true));
        self.catalog.tables[table].columns.push(Column {
            name: name.to_string(),
            data_type: data_type.to_string(),
            nullable: true,
            default: None,
            comment: None,
            identity: None,
            generated: None,
        });
    }

    /// `CREATE TABLE name [(columns)] AS query` and `SELECT ... INTO name`: the query's columns,
    /// all nullable.
    pub(crate) fn create_table_as(
        &mut self,
        name: &QualifiedName,
        if_not_exists: bool,
        names: &[String],
        query: &Query,
    ) {
        let schema = self.schema_of(name);
        if self.relation_name_taken(&schema, &name.name) {
            if !if_not_exists {
                self.reject(
                    Proof::known(Condition::DuplicateTable, &schema, &name.name),
                    format!("relation {name} already exists"),
                );
            }
            return;
        }
        let output = match crate::infer::query_columns(self, query) {
            Ok(output) => output,
            Err(why) => {
                let what = format!("CREATE TABLE {name} AS");
                if !self.query_failed(query, &what, &why) {
                    // Kept without columns, so later statements on the table still fold.
                    let qualified = QualifiedName {
                        schema: Some(schema.clone()),
                        name: name.name.clone(),
                    };
                    self.doubt(
                        &crate::sql::ddl::Reach::table(&qualified),
                        &format!("{what}: {why}; its columns are unknown, so no model is generated for it"),
                    );
                    let unknown = Some(format!("{}: {why}", self.here()));
                    let relation = Relation {
                        unknown,
                        ..Relation::new(schema, name.name.clone(), RelationKind::Table)
                    };
                    self.push_relation(relation, Shadow::default());
                }
                return;
            }
        };
        self.settle(&schema, &name.name);
        let mut relation = Relation::new(schema, name.name.clone(), RelationKind::Table);
        for (i, out) in output.into_iter().enumerate() {
            let data_type = match out.typed.ty.finish() {
                Ok(t) => t,
                Err(why) => {
                    self.warn(format!(
                        "table {name} column {}: {why}; recorded as text, check it with `verify`",
                        out.name
                    ));
                    "text".into()
                }
            };
            relation.columns.push(Column {
                name: names.get(i).cloned().unwrap_or(out.name),
                data_type,
                nullable: true,
                default: None,
                comment: None,
                identity: None,
                generated: None,
            });
        }
        self.push_relation(relation, Shadow::default());
    }

    /// Adds a column to the relation at `table`; returns its inline constraints, for the caller
    /// to add once the column is in place.
    pub(crate) fn add_column_def(&mut self, table: usize, c: &ColumnDef) -> Vec<PendingConstraint> {
        let relation_name = self.catalog.tables[table].name.clone();
        let resolved = match self.resolve_type(&c.data_type) {
            Ok(resolved) => resolved,
            // The column stays, with the type's exact spelling: an unread statement may have
            // made the type, and later statements about the column still fold.
            Err(unknown) => crate::catalog::types::ResolvedType {
                format: self.unknown_type(
                    unknown,
                    &format!("column {relation_name}.{}", c.name),
                    Some(c.location),
                ),
                serial: false,
            },
        };
        let mut column = Column {
            name: c.name.clone(),
            data_type: resolved.format,
            nullable: true,
            default: None,
            comment: None,
            identity: None,
            generated: None,
        };
        let mut pending = Vec::new();
        let mut default_expr = None;
        for option in &c.options {
            match option {
                ColumnOption::Null => {}
                ColumnOption::NotNull => column.nullable = false,
                ColumnOption::Default(e) => default_expr = Some(e.clone()),
                ColumnOption::Identity { always } => {
                    column.identity = Some(if *always {
                        Identity::Always
                    } else {
                        Identity::ByDefault
                    });
                    column.nullable = false;
                    let data_type = column.data_type.clone();
                    self.create_owned_sequence(table, &c.name, &data_type);
                }
                ColumnOption::Generated(e) => column.generated = Some(e.to_string()),
                ColumnOption::Constraint(def) => pending.push(PendingConstraint {
                    def: def.clone(),
                    column: Some(c.name.clone()),
                }),
            }
        }
        if resolved.serial {
            let sequence = self.create_owned_sequence(table, &c.name, &column.data_type);
            column.nullable = false;
            let e = nextval(&sequence);
            column.default = Some(e.to_string());
            self.shadows[table].defaults.insert(c.name.clone(), e);
        }
        if let Some(e) = default_expr {
            self.warn_on_frozen_default(&column, &e);
            self.set_default(table, &mut column, &e);
        }
        let shadow = &mut self.shadows[table];
        if let Some(ColumnOption::Generated(e)) =
            c.options.iter().find(|o| matches!(o, ColumnOption::Generated(_)))
        {
            shadow.generated.insert(c.name.clone(), e.clone());
        }
        shadow.inheritance.insert(c.name.clone(), (0, true));
        self.catalog.tables[table].columns.push(column);
        pending
    }

    /// Stores a default. PostgreSQL stores none for a plain `NULL` constant, but keeps a `NULL`
    /// that needs a cast or a length coercion to reach the column's type (`NULL::character
    /// varying` on a `varchar(39)` column) or that goes to a domain.
    pub(crate) fn set_default(&mut self, table: usize, column: &mut Column, e: &Expr) {
        let stored;
        let e = match boolean_literal(&column.data_type, e).or_else(|| self.stored_nextval(e)) {
            Some(b) => {
                stored = b;
                &stored
            }
            None => e,
        };
        if matches!(e.uncast(), Expr::Null) && self.null_default_is_dropped(column, e) {
            column.default = None;
            self.shadows[table].defaults.remove(&column.name);
        } else {
            column.default = Some(e.to_string());
            self.shadows[table]
                .defaults
                .insert(column.name.clone(), e.clone());
        }
    }

    /// True when `DEFAULT NULL` (possibly cast) folds to a bare NULL constant of the column's
    /// own type, which PostgreSQL does not store.
    fn null_default_is_dropped(&self, column: &Column, e: &Expr) -> bool {
        if self
            .catalog
            .domains
            .iter()
            .any(|d| crate::catalog::types::format_user_type(&d.schema, &d.name) == column.data_type)
        {
            return false;
        }
        let base = column.data_type.split('(').next().unwrap_or_default().trim();
        let has_typmod = column.data_type.contains('(') && !column.data_type.ends_with("[]");
        let coerced = has_typmod && TYPMOD_COERCED.iter().any(|t| base.starts_with(t));
        if coerced {
            return false;
        }
        match e.unnested() {
            Expr::Null => true,
            // A cast to exactly the column's type folds; any other cast is a function call.
            Expr::Cast { data_type, .. } => self
                .resolve_type(data_type)
                .is_ok_and(|r| r.format == column.data_type),
            _ => false,
        }
    }

    /// `DEFAULT 'now'` on a date/time column is evaluated once, when the migration runs.
    fn warn_on_frozen_default(&mut self, column: &Column, e: &Expr) {
        let is_time = column.data_type.starts_with("timestamp")
            || column.data_type.starts_with("date")
            || column.data_type.starts_with("time");
        if let Expr::String(s) = e.uncast() {
            let special = s.trim().trim_end_matches("()").to_ascii_lowercase();
            if is_time && matches!(special.as_str(), "now" | "today" | "tomorrow" | "yesterday") {
                self.warn(format!(
                    "column {}: DEFAULT '{s}' is a constant evaluated once, when the migration runs; write DEFAULT now() (or CURRENT_DATE) for the time of each insert",
                    column.name
                ));
            }
        }
    }

    /// Creates the sequence of a serial or identity column (of type `data_type`) and returns
    /// its name as a default shows it (schema-qualified outside `public`).
    pub(crate) fn create_owned_sequence(&mut self, table: usize, column: &str, data_type: &str) -> String {
        let relation = &self.catalog.tables[table];
        let (schema, table_name) = (relation.schema.clone(), relation.name.clone());
        let name = choose_name(&table_name, Some(column), "seq", |n| {
            self.relation_name_taken(&schema, n)
        });
        self.catalog.sequences.push(Sequence {
            schema: schema.clone(),
            name: name.clone(),
            data_type: sequence_type(data_type),
            owned_by: Some(ColumnRef {
                schema: schema.clone(),
                table: table_name,
                column: column.to_string(),
            }),
        });
        regclass_text(&schema, &name)
    }
}

/// A string literal given to a boolean column (`DEFAULT 'f'`), as PostgreSQL stores and prints
/// it: `false`.
fn boolean_literal(column_type: &str, e: &Expr) -> Option<Expr> {
    if column_type != "boolean" {
        return None;
    }
    let Expr::String(s) = e.uncast() else {
        return None;
    };
    let v = s.trim().to_ascii_lowercase();
    let prefix_of = |word: &str| !v.is_empty() && word.starts_with(v.as_str());
    if prefix_of("true") || prefix_of("yes") || v == "on" || v == "1" {
        Some(Expr::Bool(true))
    } else if prefix_of("false") || prefix_of("no") || v == "off" || v == "0" {
        Some(Expr::Bool(false))
    } else {
        None
    }
}

/// `nextval('<sequence>'::regclass)`, a serial column's default.
pub(crate) fn nextval(sequence: &str) -> Expr {
    Expr::Function {
        name: vec!["nextval".into()],
        args: vec![Expr::Cast {
            expr: Box::new(Expr::String(sequence.to_string())),
            data_type: crate::sql::TypeName {
                schema: None,
                name: "regclass".into(),
                modifiers: Vec::new(),
                qualifier: None,
                array_dims: 0,
                written: "regclass".into(),
            },
        }],
        star: false,
        distinct: false,
        window: false,
        clauses: Vec::new(),
    }
}

/// A relation's name as `regclass` prints it: quoted where needed, qualified outside `public`.
pub(crate) fn regclass_text(schema: &str, name: &str) -> String {
    if schema == crate::catalog::fold::DEFAULT_SCHEMA {
        quote_ident(name)
    } else {
        format!("{}.{}", quote_ident(schema), quote_ident(name))
    }
}

/// The type of a sequence made for a column of type `data_type`.
fn sequence_type(data_type: &str) -> String {
    match data_type {
        "smallint" | "integer" => data_type.to_string(),
        _ => "bigint".to_string(),
    }
}

/// The literal of a `nextval('...')` default, for messages and renames.
pub(crate) fn sequence_literal(e: &Expr) -> Option<&str> {
    match e {
        Expr::Function { name, args, .. } if name.last().is_some_and(|n| n == "nextval") => {
            match args.first()?.uncast() {
                Expr::String(s) => Some(s),
                _ => None,
            }
        }
        _ => None,
    }
}
