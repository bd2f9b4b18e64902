//! Tables: `CREATE TABLE`, `DROP TABLE|VIEW|...`, and the columns and constraints both
//! `CREATE TABLE` and `ALTER TABLE` add.

use crate::catalog::fold::{DEFAULT_SCHEMA, Fold, Sequence, Shadow};
use crate::catalog::model::{
    AllowedValues, Check, Column, ForeignKey, Identity, Reference, Relation, RelationKind, UniqueKey,
};
use crate::catalog::names::{choose_name, columns_addition};
use crate::sql::QualifiedName;
use crate::sql::ddl::{ColumnDef, ColumnOption, ConstraintDef, ConstraintKind, CreateTable, TableElement};
use crate::sql::expr::Expr;
use crate::sql::quote_literal;

/// Which pass of constraint creation a constraint belongs to; PostgreSQL creates checks with
/// the table, then the primary key index, then unique indexes, then foreign keys, and names
/// each as it creates it.
fn pass(kind: &ConstraintKind) -> u8 {
    match kind {
        ConstraintKind::Check { .. } | ConstraintKind::Other { .. } => 0,
        ConstraintKind::UsingIndex { primary: true, .. } => 1,
        ConstraintKind::UsingIndex { primary: false, .. } => 2,
        ConstraintKind::PrimaryKey { .. } => 1,
        ConstraintKind::Unique { .. } => 2,
        ConstraintKind::ForeignKey { .. } => 3,
    }
}

/// A constraint waiting to be added, with the column it was written on (if inline).
pub(crate) struct PendingConstraint {
    pub def: ConstraintDef,
    pub column: Option<String>,
}

impl Fold {
    /// `CREATE TABLE`.
    pub(crate) fn create_table(&mut self, t: &CreateTable) {
        let schema = Self::schema_of(&t.name);
        if self.relation_name_taken(&schema, &t.name.name) {
            if !t.if_not_exists {
                self.error(format!(
                    "relation {} already exists; use CREATE TABLE IF NOT EXISTS or drop it first",
                    t.name
                ));
            }
            return;
        }
        let relation = Relation {
            schema,
            name: t.name.name.clone(),
            kind: RelationKind::Table,
            comment: None,
            columns: Vec::new(),
            primary_key: Vec::new(),
            primary_key_name: None,
            unique: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            indexes: Vec::new(),
        };
        let table = self.push_relation(relation, Shadow::default());
        let mut pending = Vec::new();
        for element in &t.elements {
            match element {
                TableElement::Column(c) => {
                    if self.catalog.tables[table].column(&c.name).is_some() {
                        self.error_at(c.location, format!("column {} specified more than once", c.name));
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
                    defaults,
                } => {
                    let Some(from) = self.find_relation(source) else {
                        self.error(format!(
                            "CREATE TABLE {} LIKE {source}: {source} does not exist",
                            t.name
                        ));
                        continue;
                    };
                    // Names, types and NOT NULL always; defaults only when asked for. Keys,
                    // checks, indexes, identity and generation are not copied without
                    // INCLUDING options, which sqlparser does not read.
                    let columns: Vec<_> = self.catalog.tables[from]
                        .columns
                        .iter()
                        .map(|c| crate::catalog::model::Column {
                            default: if *defaults { c.default.clone() } else { None },
                            comment: None,
                            identity: None,
                            generated: None,
                            ..c.clone()
                        })
                        .collect();
                    self.catalog.tables[table].columns.extend(columns);
                }
            }
        }
        self.add_constraints(table, pending);
    }

    /// Adds a column to the relation at `table`; returns its inline constraints, for the caller
    /// to add once the column is in place.
    pub(crate) fn add_column_def(&mut self, table: usize, c: &ColumnDef) -> Vec<PendingConstraint> {
        let relation_name = self.catalog.tables[table].name.clone();
        let resolved = match self.resolve_type(&c.data_type) {
            Ok(resolved) => resolved,
            Err(why) => {
                self.error_at(
                    c.location,
                    format!(
                        "{why} for column {relation_name}.{}; hint: use a PostgreSQL type (integer, text, varchar(n), timestamptz, ...) or create the type first (CREATE TYPE ... AS ENUM, CREATE DOMAIN, CREATE EXTENSION)",
                        c.name
                    ),
                );
                // Keep the column so later statements about it do not cascade into more errors.
                crate::catalog::types::ResolvedType {
                    format: c.data_type.written.to_ascii_lowercase(),
                    serial: false,
                }
            }
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
                    self.create_owned_sequence(table, &c.name);
                }
                ColumnOption::Generated(e) => column.generated = Some(e.to_string()),
                ColumnOption::Constraint(def) => pending.push(PendingConstraint {
                    def: def.clone(),
                    column: Some(c.name.clone()),
                }),
            }
        }
        if resolved.serial {
            let sequence = self.create_owned_sequence(table, &c.name);
            column.nullable = false;
            column.default = Some(format!("nextval({}::regclass)", quote_literal(&sequence)));
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
        self.catalog.tables[table].columns.push(column);
        pending
    }

    /// Stores a default, or none for `DEFAULT NULL` (PostgreSQL stores no default for a NULL
    /// constant).
    pub(crate) fn set_default(&mut self, table: usize, column: &mut Column, e: &Expr) {
        if matches!(e.uncast(), Expr::Null) {
            column.default = None;
            self.shadows[table].defaults.remove(&column.name);
        } else {
            column.default = Some(e.to_string());
            self.shadows[table]
                .defaults
                .insert(column.name.clone(), e.clone());
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

    /// Creates the sequence of a serial or identity column and returns its name.
    fn create_owned_sequence(&mut self, table: usize, column: &str) -> String {
        let relation = &self.catalog.tables[table];
        let (schema, table_name) = (relation.schema.clone(), relation.name.clone());
        let name = choose_name(&table_name, Some(column), "seq", |n| {
            self.relation_name_taken(&schema, n)
        });
        self.sequences.push(Sequence {
            schema: schema.clone(),
            name: name.clone(),
            owner: Some((schema.clone(), table_name, column.to_string())),
        });
        if schema == DEFAULT_SCHEMA {
            name
        } else {
            format!("{schema}.{name}")
        }
    }

    /// Adds constraints in PostgreSQL's creation order: checks, primary key, unique keys,
    /// foreign keys (each pass in the order written).
    ///
    /// Identical primary key and unique specifications in one statement become one constraint,
    /// as in PostgreSQL (`id int PRIMARY KEY UNIQUE` has only `t_pkey`); a name written on a
    /// later duplicate goes to the one kept.
    pub(crate) fn add_constraints(&mut self, table: usize, mut pending: Vec<PendingConstraint>) {
        pending.sort_by_key(|p| pass(&p.def.kind));
        let key_columns = |p: &PendingConstraint| match &p.def.kind {
            ConstraintKind::PrimaryKey { columns } | ConstraintKind::Unique { columns } => {
                Some(if columns.is_empty() {
                    p.column.iter().cloned().collect::<Vec<_>>()
                } else {
                    columns.clone()
                })
            }
            _ => None,
        };
        let mut kept: Vec<PendingConstraint> = Vec::new();
        for p in pending {
            let keys = key_columns(&p);
            let duplicate = keys
                .as_ref()
                .and_then(|k| kept.iter().position(|q| key_columns(q).as_ref() == Some(k)));
            match duplicate {
                Some(i) => {
                    if kept[i].def.name.is_none() {
                        kept[i].def.name = p.def.name.clone();
                    }
                }
                None => kept.push(p),
            }
        }
        for p in kept {
            self.add_constraint(table, &p.def, p.column.as_deref());
        }
    }

    /// Adds one constraint; `column` is the column an inline constraint was written on.
    pub(crate) fn add_constraint(&mut self, table: usize, def: &ConstraintDef, column: Option<&str>) {
        let (schema, table_name) = {
            let r = &self.catalog.tables[table];
            (r.schema.clone(), r.name.clone())
        };
        let own = |columns: &[String]| -> Vec<String> {
            if columns.is_empty() {
                column.map(|c| vec![c.to_string()]).unwrap_or_default()
            } else {
                columns.to_vec()
            }
        };
        match &def.kind {
            ConstraintKind::Check { expr } => {
                let vars = expr.columns();
                let name = def.name.clone().unwrap_or_else(|| {
                    let only = (vars.len() == 1).then(|| vars[0].as_str());
                    choose_name(&table_name, only, "check", |n| {
                        self.constraint_name_taken(&schema, n)
                    })
                });
                if let Some(missing) = vars
                    .iter()
                    .find(|v| self.catalog.tables[table].column(v).is_none())
                {
                    self.error_at(
                        def.location,
                        format!("check {name} reads column {missing}, which {table_name} does not have"),
                    );
                    return;
                }
                let allowed_values = expr
                    .allowed_values()
                    .map(|(column, values)| AllowedValues { column, values });
                self.catalog.tables[table].checks.push(Check {
                    name: name.clone(),
                    expression: expr.to_string(),
                    allowed_values,
                });
                self.shadows[table].checks.insert(name, expr.clone());
            }
            ConstraintKind::PrimaryKey { columns } => {
                let columns = own(columns);
                if !self.check_columns(table, &columns, def) {
                    return;
                }
                if !self.catalog.tables[table].primary_key.is_empty() {
                    self.error_at(
                        def.location,
                        format!("multiple primary keys for table {table_name} are not allowed"),
                    );
                    return;
                }
                let name = def.name.clone().unwrap_or_else(|| {
                    choose_name(&table_name, None, "pkey", |n| {
                        self.relation_name_taken(&schema, n) || self.constraint_name_taken(&schema, n)
                    })
                });
                let relation = &mut self.catalog.tables[table];
                // A primary key makes its columns NOT NULL, also when added later.
                for c in relation.columns.iter_mut() {
                    if columns.contains(&c.name) {
                        c.nullable = false;
                    }
                }
                // A unique constraint on exactly the key columns written in the same CREATE
                // TABLE is folded into the key by PostgreSQL; one added earlier stays.
                relation.primary_key = columns;
                relation.primary_key_name = Some(name);
            }
            ConstraintKind::Unique { columns } => {
                let columns = own(columns);
                if !self.check_columns(table, &columns, def) {
                    return;
                }
                let name = def.name.clone().unwrap_or_else(|| {
                    choose_name(&table_name, Some(&columns_addition(&columns)), "key", |n| {
                        self.relation_name_taken(&schema, n) || self.constraint_name_taken(&schema, n)
                    })
                });
                self.catalog.tables[table]
                    .unique
                    .push(UniqueKey { name, columns });
            }
            ConstraintKind::ForeignKey {
                columns,
                table: target,
                referenced,
                on_delete,
            } => {
                let columns = own(columns);
                if !self.check_columns(table, &columns, def) {
                    return;
                }
                // Unqualified names are looked up on the search path, not in the table's schema.
                let target_schema = Self::schema_of(target);
                let target_name = QualifiedName {
                    schema: Some(target_schema.clone()),
                    name: target.name.clone(),
                };
                let Some(target_index) = self.find_relation(&target_name) else {
                    self.error_at(
                        def.location,
                        format!(
                            "foreign key on {table_name} references {target}, which does not exist (yet); create it first"
                        ),
                    );
                    return;
                };
                let referenced = if referenced.is_empty() {
                    self.catalog.tables[target_index].primary_key.clone()
                } else {
                    referenced.clone()
                };
                if referenced.len() != columns.len() {
                    self.error_at(
                        def.location,
                        format!(
                            "foreign key on {table_name}({}) must reference as many columns of {target} (which has {})",
                            columns.join(", "),
                            if referenced.is_empty() { "no primary key".to_string() } else { format!("key ({})", referenced.join(", ")) }
                        ),
                    );
                    return;
                }
                let name = def.name.clone().unwrap_or_else(|| {
                    choose_name(&table_name, Some(&columns_addition(&columns)), "fkey", |n| {
                        self.constraint_name_taken(&schema, n)
                    })
                });
                self.catalog.tables[table].foreign_keys.push(ForeignKey {
                    name,
                    columns,
                    references: Reference {
                        schema: target_schema,
                        table: target.name.clone(),
                        columns: referenced,
                    },
                    on_delete: on_delete.clone(),
                });
            }
            ConstraintKind::UsingIndex { primary, index } => {
                self.constraint_using_index(table, def, *primary, index)
            }
            ConstraintKind::Other { what } => {
                self.warn_at(
                    def.location,
                    format!("{what} on {table_name} is not folded into the catalog"),
                );
            }
        }
    }

    /// `ADD [CONSTRAINT name] {PRIMARY KEY | UNIQUE} USING INDEX idx`: the unique index becomes
    /// the constraint, renamed to the constraint's name when one is given.
    fn constraint_using_index(&mut self, table: usize, def: &ConstraintDef, primary: bool, index: &str) {
        let table_name = self.catalog.tables[table].name.clone();
        let Some(shape) = self.shadows[table].indexes.get(index).cloned() else {
            self.error_at(
                def.location,
                format!("index {index} of {table_name} does not exist"),
            );
            return;
        };
        let columns: Option<Vec<String>> = shape
            .keys
            .iter()
            .map(|k| match k.expr.unnested() {
                crate::sql::expr::Expr::Column { name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect();
        let unique = self.catalog.tables[table]
            .indexes
            .iter()
            .any(|i| i.name == index && i.unique);
        let (Some(columns), true, None) = (columns, unique, &shape.predicate) else {
            self.error_at(
                def.location,
                format!("index {index} must be a plain unique index on columns to back a constraint"),
            );
            return;
        };
        self.catalog.tables[table].indexes.retain(|i| i.name != index);
        self.shadows[table].indexes.remove(index);
        let kind = if primary {
            ConstraintKind::PrimaryKey { columns }
        } else {
            ConstraintKind::Unique { columns }
        };
        let def = ConstraintDef {
            name: Some(def.name.clone().unwrap_or_else(|| index.to_string())),
            location: def.location,
            kind,
        };
        self.add_constraint(table, &def, None);
    }

    /// Reports key columns the table does not have.
    fn check_columns(&mut self, table: usize, columns: &[String], def: &ConstraintDef) -> bool {
        let relation = &self.catalog.tables[table];
        let missing: Vec<String> = columns
            .iter()
            .filter(|c| relation.column(c).is_none())
            .cloned()
            .collect();
        if missing.is_empty() && !columns.is_empty() {
            return true;
        }
        let name = relation.name.clone();
        self.error_at(
            def.location,
            format!(
                "constraint names column {} that {name} does not have",
                missing.join(", ")
            ),
        );
        false
    }
}
