//! Inheritance and partitions: what a child table takes from its parents.
//!
//! A child of `INHERITS (parents)` gets the parents' columns first (merged by name), with
//! their types, NOT NULL, defaults and CHECK constraints, but not their keys or indexes. A
//! partition (`PARTITION OF`, `ATTACH PARTITION`) gets all of that and also a copy of every
//! key, foreign key and index of the partitioned table, each named by PostgreSQL's rules for
//! the partition (`<partition>_pkey`, `<partition>_<columns>_idx`; foreign keys keep their
//! name). Later changes to a parent (columns, types, NOT NULL, checks, keys, indexes) reach
//! its children unless `ONLY` is written.

use crate::catalog::constraint::PendingConstraint;
use crate::catalog::fold::{Fold, IndexShape};
use crate::catalog::index::{index_name_addition, render_key};
use crate::catalog::model::{Check, Column, ForeignKey, Index, TableRef, UniqueKey};
use crate::catalog::names::choose_name;
use crate::catalog::proof::{Condition, Proof};
use crate::sql::QualifiedName;
use crate::sql::ddl::{ColumnDef, ColumnOption};

impl Fold {
    /// The tables that inherit from, or are partitions of, the table at `table`.
    pub(crate) fn children(&self, table: usize) -> Vec<usize> {
        let me = &self.catalog.tables[table];
        self.catalog.tables.children_of(&me.schema, &me.name)
    }

    /// The table at `table` by name.
    pub(crate) fn table_ref(&self, table: usize) -> TableRef {
        let r = &self.catalog.tables[table];
        TableRef {
            schema: r.schema.clone(),
            name: r.name.clone(),
        }
    }

    /// The index of a table named by a [`TableRef`].
    pub(crate) fn find_table_ref(&self, r: &TableRef) -> Option<usize> {
        self.catalog
            .tables
            .iter()
            .position(|t| t.schema == r.schema && t.name == r.name)
    }

    /// Copies the parent's columns (and CHECK constraints) into the child, merging columns of
    /// the same name inherited from an earlier parent.
    pub(crate) fn inherit_columns(&mut self, child: usize, parent: usize) {
        let columns = self.catalog.tables[parent].columns.clone();
        let defaults = self.shadows[parent].defaults.clone();
        let generated = self.shadows[parent].generated.clone();
        for column in columns {
            self.inherit_column(
                child,
                &column,
                defaults.get(&column.name),
                generated.get(&column.name),
            );
        }
        let checks: Vec<Check> = self.catalog.tables[parent].checks.clone();
        for check in checks.into_iter().filter(|c| !c.no_inherit) {
            if self.catalog.tables[child]
                .checks
                .iter()
                .any(|c| c.name == check.name)
            {
                continue;
            }
            if let Some(e) = self.shadows[parent].checks.get(&check.name).cloned() {
                self.shadows[child].checks.insert(check.name.clone(), e);
            }
            self.shadows[child].inherited_checks.insert(check.name.clone());
            self.catalog.tables[child].checks.push(check);
        }
    }

    /// Adds (or merges) one inherited column in the child.
    pub(crate) fn inherit_column(
        &mut self,
        child: usize,
        column: &Column,
        default: Option<&crate::sql::expr::Expr>,
        generated: Option<&crate::sql::expr::Expr>,
    ) {
        let child_name = self.catalog.tables[child].name.clone();
        if let Some(existing) = self.catalog.tables[child]
            .columns
            .iter_mut()
            .find(|c| c.name == column.name)
        {
            if existing.data_type != column.data_type {
                let (a, b) = (existing.data_type.clone(), column.data_type.clone());
                let proof = self.on_family(Condition::DatatypeMismatch, child);
                self.reject(
                    proof,
                    format!(
                        "column {} of {child_name} has type {a}, but the inherited column has type {b}",
                        column.name
                    ),
                );
                return;
            }
            existing.nullable &= column.nullable;
            let entry = self.shadows[child]
                .inheritance
                .entry(column.name.clone())
                .or_insert((0, true));
            entry.0 += 1;
            return;
        }
        self.catalog.tables[child].columns.push(Column {
            comment: None,
            identity: None,
            ..column.clone()
        });
        let shadow = &mut self.shadows[child];
        shadow.inheritance.insert(column.name.clone(), (1, false));
        if let Some(e) = default {
            shadow.defaults.insert(column.name.clone(), e.clone());
        }
        if let Some(e) = generated {
            shadow.generated.insert(column.name.clone(), e.clone());
        }
    }

    /// A column written in `CREATE TABLE` that is also inherited: PostgreSQL merges the two
    /// (the types must agree; NOT NULL and a default written here win). Its inline
    /// constraints are returned for the caller to add.
    pub(crate) fn merge_local_column(&mut self, table: usize, c: &ColumnDef) -> Vec<PendingConstraint> {
        let Some(index) = self.catalog.tables[table]
            .columns
            .iter()
            .position(|col| col.name == c.name)
        else {
            return Vec::new();
        };
        // A partition's or typed table's `(column WITH OPTIONS ...)` names no type.
        let resolved = if c.data_type.name.is_empty() {
            self.catalog.tables[table].columns[index].data_type.clone()
        } else {
            match self.resolve_type(&c.data_type) {
                Ok(r) => r.format,
                Err(unknown) => {
                    let name = self.catalog.tables[table].name.clone();
                    self.unknown_type(unknown, &format!("column {name}.{}", c.name), Some(c.location));
                    return Vec::new();
                }
            }
        };
        if self.catalog.tables[table].columns[index].data_type != resolved {
            let inherited = self.catalog.tables[table].columns[index].data_type.clone();
            let proof = self.on_family(Condition::DatatypeMismatch, table);
            self.reject_at(
                c.location,
                proof,
                format!(
                    "column {} has type {resolved} here but {inherited} in the parent; they must agree",
                    c.name
                ),
            );
            return Vec::new();
        }
        let mut column = self.catalog.tables[table].columns[index].clone();
        let mut pending = Vec::new();
        for option in &c.options {
            match option {
                ColumnOption::NotNull => column.nullable = false,
                ColumnOption::Null => {}
                ColumnOption::Default(e) => self.set_default(table, &mut column, e),
                ColumnOption::Constraint(def) => pending.push(PendingConstraint {
                    def: def.clone(),
                    column: Some(c.name.clone()),
                }),
                // The child's own identity or generation wins over what it inherits.
                ColumnOption::Identity { always } => {
                    column.identity = Some(if *always {
                        crate::catalog::model::Identity::Always
                    } else {
                        crate::catalog::model::Identity::ByDefault
                    });
                    column.nullable = false;
                    let data_type = column.data_type.clone();
                    self.create_owned_sequence(table, &c.name, &data_type);
                }
                ColumnOption::Generated(e) => {
                    column.generated = Some(e.to_string());
                    column.default = None;
                    self.shadows[table].generated.insert(c.name.clone(), e.clone());
                    self.shadows[table].defaults.remove(&c.name);
                }
            }
        }
        self.catalog.tables[table].columns[index] = column;
        if let Some(entry) = self.shadows[table].inheritance.get_mut(&c.name) {
            entry.1 = true;
        }
        pending
    }

    /// Gives a partition its own copy of the partitioned table's keys, foreign keys and
    /// indexes, unless it already has an equivalent one (as `ATTACH PARTITION` matches them).
    pub(crate) fn clone_partition_parts(&mut self, parent: usize, partition: usize) {
        let p = self.catalog.tables[parent].clone();
        if !p.primary_key.is_empty() && self.catalog.tables[partition].primary_key.is_empty() {
            let name = self.choose_index_name(partition, &[], "pkey");
            let relation = &mut self.catalog.tables[partition];
            for c in relation.columns.iter_mut() {
                if p.primary_key.contains(&c.name) {
                    c.nullable = false;
                }
            }
            relation.primary_key = p.primary_key.clone();
            relation.primary_key_name = Some(name);
        }
        for u in &p.unique {
            if self.catalog.tables[partition]
                .unique
                .iter()
                .any(|o| o.columns == u.columns)
            {
                continue;
            }
            let name = self.choose_index_name(partition, &u.columns, "key");
            self.catalog.tables[partition].unique.push(UniqueKey {
                name,
                columns: u.columns.clone(),
            });
        }
        for fk in &p.foreign_keys {
            self.clone_foreign_key(partition, fk);
        }
        for index in &p.indexes {
            let Some(shape) = self.shadows[parent].indexes.get(&index.name).cloned() else {
                continue;
            };
            self.clone_index(partition, index, &shape);
        }
    }

    /// `LIKE from INCLUDING INDEXES`: the primary key, unique constraints and indexes of the
    /// relation at `from`, made on the table at `table` under names chosen for it.
    pub(crate) fn copy_keys_and_indexes(&mut self, from: usize, table: usize) {
        let source = self.catalog.tables[from].clone();
        if !source.primary_key.is_empty() && self.catalog.tables[table].primary_key.is_empty() {
            let name = self.choose_index_name(table, &[], "pkey");
            let relation = &mut self.catalog.tables[table];
            for c in relation.columns.iter_mut() {
                if source.primary_key.contains(&c.name) {
                    c.nullable = false;
                }
            }
            relation.primary_key = source.primary_key.clone();
            relation.primary_key_name = Some(name);
        }
        for u in &source.unique {
            let name = self.choose_index_name(table, &u.columns, "key");
            self.catalog.tables[table].unique.push(UniqueKey {
                name,
                columns: u.columns.clone(),
            });
        }
        for index in &source.indexes {
            let Some(shape) = self.shadows[from].indexes.get(&index.name).cloned() else {
                continue;
            };
            let names = index_name_addition(&shape.keys, &shape.include);
            let name = self.choose_index_name_from(table, &names, "idx");
            self.catalog.tables[table].indexes.push(Index {
                name: name.clone(),
                ..index.clone()
            });
            let shape = IndexShape {
                parent: None,
                ..shape
            };
            self.shadows[table].indexes.insert(name, shape);
        }
    }

    /// Gives every partition below `table` the keys, foreign keys and indexes it lacks.
    pub(crate) fn sync_partitions(&mut self, table: usize) {
        for child in self.children(table) {
            if self.catalog.tables[child].partition_of.is_some() {
                self.clone_partition_parts(table, child);
                self.sync_partitions(child);
            }
        }
    }

    /// A partition's copy of a foreign key: same name unless the partition already uses it.
    pub(crate) fn clone_foreign_key(&mut self, partition: usize, fk: &ForeignKey) {
        let relation = &self.catalog.tables[partition];
        if relation.foreign_keys.iter().any(|o| {
            o.columns == fk.columns
                && o.references == fk.references
                && o.on_delete == fk.on_delete
                && o.on_update == fk.on_update
                && o.details == fk.details
        }) {
            return;
        }
        let name = if relation.foreign_keys.iter().any(|o| o.name == fk.name) {
            let (schema, table) = (relation.schema.clone(), relation.name.clone());
            let addition = crate::catalog::names::columns_addition(&fk.columns);
            choose_name(&table, Some(&addition), "fkey", |n| {
                self.constraint_name_taken(&schema, n)
            })
        } else {
            fk.name.clone()
        };
        self.catalog.tables[partition]
            .foreign_keys
            .push(ForeignKey { name, ..fk.clone() });
    }

    /// A partition's copy of an index of the partitioned table, and its partitions' copies.
    /// An equivalent index the partition has already (same keys, included columns,
    /// uniqueness and predicate, not attached elsewhere; a primary key or unique constraint
    /// on the same columns for a unique index) is attached instead, as PostgreSQL does.
    pub(crate) fn clone_index(&mut self, partition: usize, index: &Index, shape: &IndexShape) {
        let shadow = &self.shadows[partition];
        if shadow
            .indexes
            .values()
            .any(|s| s.parent.as_deref() == Some(index.name.as_str()))
            || shadow.attached_constraint_indexes.contains(&index.name)
        {
            return;
        }
        let keys: Vec<String> = shape.keys.iter().map(render_key).collect();
        let equivalent = self.catalog.tables[partition]
            .indexes
            .iter()
            .find(|i| {
                i.unique == index.unique
                    && i.columns == keys
                    && i.predicate == index.predicate
                    && shadow
                        .indexes
                        .get(&i.name)
                        .is_some_and(|s| s.parent.is_none() && s.include == shape.include)
            })
            .map(|i| i.name.clone());
        if let Some(name) = equivalent {
            if let Some(s) = self.shadows[partition].indexes.get_mut(&name) {
                s.parent = Some(index.name.clone());
            }
            return;
        }
        let relation = &self.catalog.tables[partition];
        let plain_keys: Option<Vec<String>> = shape
            .keys
            .iter()
            .map(|k| match (k.expr.unnested(), k.descending, k.nulls_first) {
                (crate::sql::expr::Expr::Column { name, .. }, false, None) => Some(name.clone()),
                _ => None,
            })
            .collect();
        let constraint_matches = index.unique
            && index.predicate.is_none()
            && shape.include.is_empty()
            && plain_keys
                .is_some_and(|k| relation.primary_key == k || relation.unique.iter().any(|u| u.columns == k));
        if constraint_matches {
            self.shadows[partition]
                .attached_constraint_indexes
                .insert(index.name.clone());
            return;
        }
        let names = index_name_addition(&shape.keys, &shape.include);
        let name = self.choose_index_name_from(partition, &names, "idx");
        let copy = Index {
            name: name.clone(),
            unique: index.unique,
            columns: shape.keys.iter().map(render_key).collect(),
            predicate: index.predicate.clone(),
        };
        let copy_shape = IndexShape {
            parent: Some(index.name.clone()),
            ..shape.clone()
        };
        self.catalog.tables[partition].indexes.push(copy.clone());
        self.shadows[partition].indexes.insert(name, copy_shape.clone());
        if self.catalog.tables[partition].partition_by.is_some() {
            for child in self.children(partition) {
                self.clone_index(child, &copy, &copy_shape);
            }
        }
    }

    /// `ChooseIndexName` for a key or unique constraint on `columns` of the table at `table`.
    fn choose_index_name(&self, table: usize, columns: &[String], label: &str) -> String {
        let addition = if columns.is_empty() {
            None
        } else {
            Some(crate::catalog::names::columns_addition(columns))
        };
        let (schema, name) = {
            let r = &self.catalog.tables[table];
            (r.schema.clone(), r.name.clone())
        };
        choose_name(&name, addition.as_deref(), label, |n| {
            self.relation_name_taken(&schema, n) || self.constraint_name_taken(&schema, n)
        })
    }

    fn choose_index_name_from(&self, table: usize, addition: &str, label: &str) -> String {
        let (schema, name) = {
            let r = &self.catalog.tables[table];
            (r.schema.clone(), r.name.clone())
        };
        choose_name(&name, Some(addition), label, |n| {
            self.relation_name_taken(&schema, n)
        })
    }

    /// `ALTER TABLE parent ATTACH PARTITION t FOR VALUES ...`.
    pub(crate) fn attach_partition(&mut self, parent: usize, partition: &QualifiedName, bound: &str) {
        let Some(child) = self.require_relation(partition) else {
            self.reject(
                Proof::absent(Condition::UndefinedTable, partition),
                format!("relation {partition} does not exist"),
            );
            return;
        };
        if self.catalog.tables[parent].partition_by.is_none() {
            let name = self.catalog.tables[parent].name.clone();
            let proof = self.on_relation(Condition::WrongObjectType, parent);
            self.reject(proof, format!("table {name} is not partitioned"));
            return;
        }
        self.catalog.tables[child].partition_of = Some(self.table_ref(parent));
        self.shadows[child].bound = Some(bound.to_string());
        let columns = self.catalog.tables[parent].columns.clone();
        for column in columns {
            if let Some(c) = self.catalog.tables[child]
                .columns
                .iter_mut()
                .find(|c| c.name == column.name)
            {
                c.nullable &= column.nullable;
            }
            if let Some(entry) = self.shadows[child].inheritance.get_mut(&column.name) {
                entry.0 += 1;
            }
        }
        let checks = self.catalog.tables[parent].checks.clone();
        for check in checks.into_iter().filter(|c| !c.no_inherit) {
            if !self.catalog.tables[child]
                .checks
                .iter()
                .any(|c| c.name == check.name)
            {
                self.catalog.tables[child].checks.push(check);
            }
        }
        self.clone_partition_parts(parent, child);
        // A partitioned table attached gives its own partitions the keys too.
        if self.catalog.tables[child].partition_by.is_some() {
            self.sync_partitions(child);
        }
    }

    /// `ALTER TABLE parent DETACH PARTITION t`: the partition keeps its columns, keys and
    /// indexes as its own.
    pub(crate) fn detach_partition(&mut self, parent: usize, partition: &QualifiedName, concurrently: bool) {
        let Some(child) = self.find_relation(partition) else {
            self.reject(
                Proof::absent(Condition::UndefinedTable, partition),
                format!("relation {partition} does not exist"),
            );
            return;
        };
        let me = self.table_ref(parent);
        if self.catalog.tables[child].partition_of.as_ref() != Some(&me) {
            let proof = self.on_relations(Condition::UndefinedTable, &[parent, child]);
            self.reject(
                proof,
                format!("relation {partition} is not a partition of {}", me.name),
            );
            return;
        }
        self.catalog.tables[child].partition_of = None;
        for shape in self.shadows[child].indexes.values_mut() {
            shape.parent = None;
        }
        self.shadows[child].inherited_checks.clear();
        let bound = self.shadows[child].bound.take();
        if concurrently {
            self.keep_partition_constraint(parent, child, bound.as_deref());
        }
    }

    /// `DETACH PARTITION ... CONCURRENTLY` leaves the partition a CHECK constraint that
    /// copies its bound (`((a IS NOT NULL) AND (a >= 0) AND (a < 10))`), named for its
    /// column. Worked out for a RANGE or LIST bound on one column; any other is a doubt.
    fn keep_partition_constraint(&mut self, parent: usize, child: usize, bound: Option<&str>) {
        let key = self.catalog.tables[parent]
            .partition_by
            .clone()
            .unwrap_or_default();
        let condition = bound.and_then(|b| partition_condition(&key, b));
        // PostgreSQL adds none when a check the partition has implies the bound; whether one
        // does is left to PostgreSQL.
        let implied_maybe = condition
            .as_ref()
            .is_some_and(|(column, _)| self.shadows[child].checks.values().any(|e| e.uses_column(column)));
        let Some((column, text)) = condition.filter(|_| !implied_maybe) else {
            let r = &self.catalog.tables[child];
            let reach = crate::sql::ddl::Reach::object(&QualifiedName {
                schema: Some(r.schema.clone()),
                name: r.name.clone(),
            });
            self.doubt(
                &reach,
                "DETACH PARTITION ... CONCURRENTLY leaves a CHECK constraint copying the partition bound (unless one the partition has implies it), which the generator works out only for a RANGE or LIST bound on one column without such a check",
            );
            return;
        };
        let Ok(expr) = crate::parse::parse_expression(&text) else {
            return;
        };
        let (schema, table_name) = {
            let r = &self.catalog.tables[child];
            (r.schema.clone(), r.name.clone())
        };
        let name = choose_name(&table_name, Some(&column), "check", |n| {
            self.constraint_name_taken(&schema, n)
        });
        self.catalog.tables[child].checks.push(Check {
            name: name.clone(),
            expression: expr.to_string(),
            allowed_values: None,
            no_inherit: false,
        });
        self.shadows[child].checks.insert(name, expr);
    }

    /// `ALTER TABLE child INHERIT parent`.
    pub(crate) fn add_parent(&mut self, child: usize, parent_name: &QualifiedName) {
        let Some(parent) = self.require_relation(parent_name) else {
            self.reject(
                Proof::absent(Condition::UndefinedTable, parent_name),
                format!("relation {parent_name} does not exist"),
            );
            return;
        };
        let parent_ref = self.table_ref(parent);
        if self.catalog.tables[child].inherits.contains(&parent_ref) {
            return;
        }
        self.catalog.tables[child].inherits.push(parent_ref);
        let columns = self.catalog.tables[parent].columns.clone();
        for column in columns {
            match self.catalog.tables[child]
                .columns
                .iter()
                .any(|c| c.name == column.name)
            {
                true => {
                    if let Some(entry) = self.shadows[child].inheritance.get_mut(&column.name) {
                        entry.0 += 1;
                    }
                }
                false => {
                    let child_name = self.catalog.tables[child].name.clone();
                    let proof = self.on_relations(Condition::DatatypeMismatch, &[child, parent]);
                    self.reject(
                        proof,
                        format!("child table {child_name} is missing column {}", column.name),
                    );
                }
            }
        }
    }

    /// `ALTER TABLE child NO INHERIT parent`: inherited columns stay, as the child's own.
    pub(crate) fn remove_parent(&mut self, child: usize, parent_name: &QualifiedName) {
        let Some(parent) = self.find_relation(parent_name) else {
            self.reject(
                Proof::absent(Condition::UndefinedTable, parent_name),
                format!("relation {parent_name} does not exist"),
            );
            return;
        };
        let parent_ref = self.table_ref(parent);
        let before = self.catalog.tables[child].inherits.len();
        self.catalog.tables[child].inherits.retain(|p| *p != parent_ref);
        if before == self.catalog.tables[child].inherits.len() {
            let child_name = self.catalog.tables[child].name.clone();
            let proof = self.on_relations(Condition::UndefinedTable, &[child, parent]);
            self.reject(
                proof,
                format!("relation {parent_name} is not a parent of {child_name}"),
            );
            return;
        }
        let columns: Vec<String> = self.catalog.tables[parent]
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect();
        for name in columns {
            if let Some(entry) = self.shadows[child].inheritance.get_mut(&name) {
                entry.0 = entry.0.saturating_sub(1);
                if entry.0 == 0 {
                    entry.1 = true;
                }
            }
        }
    }
}

/// The partition constraint of `bound` under the key `key` (`RANGE (a)`, `LIST (a)`), for a
/// key on one plain column: that column, and the condition as PostgreSQL writes it.
fn partition_condition(key: &str, bound: &str) -> Option<(String, String)> {
    let (strategy, columns) = key.split_once(' ')?;
    let column = columns.trim().strip_prefix('(')?.strip_suffix(')')?.trim();
    if column.is_empty() || !column.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let upper = bound.to_ascii_uppercase();
    let inner = |text: &str| -> Option<String> {
        let text = text.trim();
        Some(text.strip_prefix('(')?.strip_suffix(')')?.trim().to_string())
    };
    let condition = match strategy {
        "RANGE" => {
            let from = upper.find(" FROM ")?;
            let to = upper.find(" TO ")?;
            let low = inner(&bound[from + 6..to])?;
            let high = inner(&bound[to + 4..])?;
            if low.contains(',')
                || high.contains(',')
                || [&low, &high]
                    .iter()
                    .any(|v| v.eq_ignore_ascii_case("MINVALUE") || v.eq_ignore_ascii_case("MAXVALUE"))
            {
                return None;
            }
            format!("(({column} IS NOT NULL) AND ({column} >= {low}) AND ({column} < {high}))")
        }
        "LIST" => {
            let start = upper.find(" IN ")?;
            let values = inner(&bound[start + 4..])?;
            if values.split(',').any(|v| v.trim().eq_ignore_ascii_case("NULL")) {
                return None;
            }
            format!("(({column} IS NOT NULL) AND ({column} = ANY (ARRAY[{values}])))")
        }
        _ => return None,
    };
    Some((column.to_string(), condition))
}
