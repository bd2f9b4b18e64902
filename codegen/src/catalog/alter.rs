//! `ALTER TABLE`: each action in order, as PostgreSQL applies them.

use crate::catalog::class::{Class, action_key, form_takes, kind_name};
use crate::catalog::fold::Fold;
use crate::catalog::index::render_key;
use crate::catalog::model::{Identity, TableRef};
use crate::catalog::proof::{Condition, Proof};
use crate::sql::TypeName;
use crate::sql::ddl::{AlterAction, AlterTable, RelationKindWritten};
use crate::sql::expr::Expr;

impl Fold {
    /// `ALTER {TABLE | VIEW | MATERIALIZED VIEW | FOREIGN TABLE | INDEX | SEQUENCE} [IF EXISTS]
    /// [ONLY] name action, ...`: on a relation of whatever kind the form takes.
    pub(crate) fn alter_table(&mut self, a: &AlterTable) {
        let class = self
            .find_class(&a.name)
            .or_else(|| self.require_relation(&a.name).map(Class::Relation));
        let Some(class) = class else {
            if !a.if_exists {
                let what = kind_name(form_kind(a.form));
                self.reject(
                    Proof::absent(Condition::UndefinedTable, &a.name),
                    format!(
                        "{what} {} does not exist (yet); create it before altering it",
                        a.name
                    ),
                );
            }
            return;
        };
        let relkind = self.relkind(&class);
        let (schema, name) = self.class_name(&class);
        for action in &a.actions {
            if let Some(key) = action_key(action)
                && form_takes(a.form, key, relkind) == Some(false)
            {
                self.reject(
                    Proof::known(Condition::WrongObjectType, &schema, &name),
                    format!(
                        "{name} is a {}, which ALTER {} does not take for this action",
                        kind_name(relkind),
                        a.form.words()
                    ),
                );
                return;
            }
        }
        for action in &a.actions {
            if let AlterAction::SetSchema { schema: to } = action
                && !self.schemas.contains(to)
            {
                self.reject(Proof::no_schema(to), format!("schema {to} does not exist"));
                return;
            }
        }
        match class {
            Class::Relation(table) => {
                for action in &a.actions {
                    // A rename earlier in the list does not move the table in `catalog.tables`.
                    self.alter_action(table, action, a.only);
                }
            }
            Class::Sequence(index) => {
                for action in &a.actions {
                    match action {
                        AlterAction::RenameTable { to } => self.rename_sequence(&schema, &name, to, false),
                        AlterAction::SetSchema { schema: to } => self.move_sequence(index, to),
                        // The catalog keeps a sequence's name, type and owner only.
                        _ => {}
                    }
                }
            }
            Class::Index {
                table, constraint, ..
            } => {
                for action in &a.actions {
                    if let AlterAction::RenameTable { to } = action {
                        self.rename_index(table, &name, to, constraint);
                    }
                }
            }
        }
    }

    /// The table and, unless `only`, every table that inherits from it or is one of its
    /// partitions, at any depth.
    fn with_descendants(&self, table: usize, only: bool) -> Vec<usize> {
        let mut out = vec![table];
        let mut i = 0;
        while i < out.len() && !only {
            for child in self.children(out[i]) {
                if !out.contains(&child) {
                    out.push(child);
                }
            }
            i += 1;
        }
        out
    }

    fn alter_action(&mut self, table: usize, action: &AlterAction, only: bool) {
        let table_name = self.catalog.tables[table].name.clone();
        let has = |fold: &Fold, c: &str| fold.catalog.tables[table].column(c).is_some();
        match action {
            AlterAction::AddColumn {
                column,
                if_not_exists,
            } => {
                if has(self, &column.name) {
                    if !if_not_exists {
                        let proof = self.on_relation(Condition::DuplicateColumn, table);
                        self.reject_at(
                            column.location,
                            proof,
                            format!("column {} of {table_name} already exists", column.name),
                        );
                    }
                    return;
                }
                if only && !self.children(table).is_empty() {
                    let mut family = vec![table];
                    family.extend(self.children(table));
                    let proof = self.on_relations(Condition::InvalidTableDefinition, &family);
                    self.reject(proof, "column must be added to child tables too; drop ONLY");
                    return;
                }
                let pending = self.add_column_def(table, column);
                self.add_constraints(table, pending);
                if !only {
                    self.add_column_to_children(table, &column.name);
                    // Keys the column brings (`REFERENCES`, `UNIQUE`) reach the partitions.
                    self.sync_partitions(table);
                }
            }
            AlterAction::DropColumn {
                name,
                if_exists,
                cascade,
            } => self.drop_column(table, name, *if_exists, *cascade, only),
            AlterAction::RenameColumn { from, to } => {
                if !has(self, from) {
                    return self.missing_column(table, from);
                }
                for t in self.with_descendants(table, only) {
                    self.rename_column(t, from, to);
                }
            }
            AlterAction::RenameTable { to } => {
                let schema = self.catalog.tables[table].schema.clone();
                if self.relation_name_taken(&schema, to) {
                    self.reject(
                        Proof::known(Condition::DuplicateTable, &schema, to),
                        format!("relation {to} already exists"),
                    );
                } else {
                    self.rename_table(table, to);
                }
            }
            AlterAction::SetSchema { schema } => self.move_relation(table, schema),
            AlterAction::SetType { column, data_type } => {
                for t in self.with_descendants(table, only) {
                    self.set_column_type(t, column, data_type);
                }
            }
            AlterAction::SetNotNull { column } => {
                if !has(self, column) {
                    return self.missing_column(table, column);
                }
                for t in self.with_descendants(table, only) {
                    if let Some(c) = self.column_mut(t, column) {
                        c.nullable = false;
                    }
                }
            }
            AlterAction::DropNotNull { column } => {
                if self.catalog.tables[table].primary_key.contains(column) {
                    let proof = self.on_relation(Condition::InvalidTableDefinition, table);
                    self.reject(
                        proof,
                        format!("column {column} of {table_name} is in a primary key; it stays NOT NULL"),
                    );
                    return;
                }
                let proof = self.on_relation(Condition::InvalidTableDefinition, table);
                match self.column_mut(table, column) {
                    Some(c) if c.identity.is_some() => self.reject(
                        proof,
                        format!("column {column} of {table_name} is an identity column; it stays NOT NULL"),
                    ),
                    Some(_) => {
                        for t in self.with_descendants(table, only) {
                            let in_key = self.catalog.tables[t].primary_key.contains(column);
                            if let Some(c) = self.column_mut(t, column)
                                && !in_key
                            {
                                c.nullable = true;
                            }
                        }
                    }
                    None => self.missing_column(table, column),
                }
            }
            AlterAction::SetDefault { column, expr } => {
                if !has(self, column) {
                    return self.missing_column(table, column);
                }
                for t in self.with_descendants(table, only) {
                    if let Some(index) = self.column_index(t, column) {
                        let mut c = self.catalog.tables[t].columns[index].clone();
                        self.set_default(t, &mut c, expr);
                        self.catalog.tables[t].columns[index] = c;
                    }
                }
            }
            AlterAction::DropDefault { column } => {
                if !has(self, column) {
                    return self.missing_column(table, column);
                }
                for t in self.with_descendants(table, only) {
                    if let Some(c) = self.column_mut(t, column) {
                        c.default = None;
                    }
                    self.shadows[t].defaults.remove(column);
                }
            }
            AlterAction::AddIdentity { column, always } => {
                let Some(c) = self.column_mut(table, column) else {
                    return self.missing_column(table, column);
                };
                c.identity = Some(if *always {
                    Identity::Always
                } else {
                    Identity::ByDefault
                });
                c.nullable = false;
                let data_type = c.data_type.clone();
                self.create_owned_sequence(table, column, &data_type);
            }
            AlterAction::SetIdentity { column, always } => match self.column_mut(table, column) {
                Some(c) if c.identity.is_some() => {
                    c.identity = Some(if *always {
                        Identity::Always
                    } else {
                        Identity::ByDefault
                    });
                }
                Some(_) => self.not_identity(table, column),
                None => self.missing_column(table, column),
            },
            AlterAction::DropIdentity { column, if_exists } => match self.column_mut(table, column) {
                Some(c) if c.identity.is_some() => {
                    c.identity = None;
                    let (schema, name) = (self.catalog.tables[table].schema.clone(), table_name.clone());
                    self.catalog.sequences.retain(|s| {
                        !matches!(&s.owned_by, Some(o) if o.schema == schema && o.table == name && o.column == *column)
                    });
                }
                Some(_) if *if_exists => {}
                Some(_) => self.not_identity(table, column),
                None => self.missing_column(table, column),
            },
            AlterAction::DropExpression { column, if_exists } => {
                for t in self.with_descendants(table, only) {
                    match self.column_mut(t, column) {
                        Some(c) if c.generated.is_some() => c.generated = None,
                        Some(_) if *if_exists || t != table => {}
                        Some(_) => {
                            let proof = self.on_relation(Condition::ObjectNotInPrerequisiteState, table);
                            self.reject(
                                proof,
                                format!("column {column} of {table_name} is not a generated column"),
                            );
                        }
                        None => self.missing_column(table, column),
                    }
                    self.shadows[t].generated.remove(column);
                }
            }
            AlterAction::AddConstraint(def) => {
                self.add_constraint(table, def, None);
                if !only {
                    self.add_constraint_to_children(table, def);
                }
            }
            AlterAction::DropConstraint { name, if_exists } => {
                if !self.drop_constraint(table, name) {
                    if !if_exists {
                        let proof = self.on_relation(Condition::UndefinedObject, table);
                        self.reject(
                            proof,
                            format!("constraint {name} of {table_name} does not exist; use DROP CONSTRAINT IF EXISTS when unsure"),
                        );
                    }
                    return;
                }
                for t in self.with_descendants(table, only).into_iter().skip(1) {
                    if self.shadows[t].inherited_checks.remove(name) || self.is_partition_of_any(t) {
                        self.drop_constraint(t, name);
                    }
                }
            }
            AlterAction::RenameConstraint { from, to } => self.rename_constraint(table, from, to),
            AlterAction::AttachPartition { partition, bound } => {
                self.attach_partition(table, partition, bound)
            }
            AlterAction::DetachPartition {
                partition,
                concurrently,
            } => self.detach_partition(table, partition, *concurrently),
            AlterAction::Inherit { parent } => self.add_parent(table, parent),
            AlterAction::NoInherit { parent } => self.remove_parent(table, parent),
            AlterAction::Skipped => {}
            AlterAction::Unsupported { what } => {
                let (schema, name) = (self.catalog.tables[table].schema.clone(), table_name.clone());
                let reach = crate::sql::ddl::Reach::table(&crate::sql::QualifiedName {
                    schema: Some(schema),
                    name,
                });
                self.doubt(
                    &reach,
                    &format!("ALTER TABLE {table_name} {what}: not folded into the catalog"),
                );
            }
        }
    }

    /// Renames the index `name` of the relation at `table`; a constraint's index renames the
    /// constraint too (they share the name). The new name must be free among the schema's
    /// relations.
    pub(crate) fn rename_index(&mut self, table: usize, name: &str, new_name: &str, constraint: bool) {
        let schema = self.catalog.tables[table].schema.clone();
        if self.relation_name_taken(&schema, new_name) {
            self.reject(
                Proof::known(Condition::DuplicateTable, &schema, new_name),
                format!("relation {new_name} already exists"),
            );
            return;
        }
        self.carry_doubt((&schema, name), (&schema, new_name));
        let relation = &mut self.catalog.tables[table];
        if constraint {
            if relation.primary_key_name.as_deref() == Some(name) {
                relation.primary_key_name = Some(new_name.to_string());
            }
            for u in relation.unique.iter_mut().filter(|u| u.name == name) {
                u.name = new_name.to_string();
            }
        } else {
            for i in relation.indexes.iter_mut().filter(|i| i.name == name) {
                i.name = new_name.to_string();
            }
            if let Some(shape) = self.shadows[table].indexes.remove(name) {
                self.shadows[table].indexes.insert(new_name.to_string(), shape);
            }
        }
    }

    fn is_partition_of_any(&self, table: usize) -> bool {
        self.catalog.tables[table].partition_of.is_some()
    }

    /// A column just added to a parent, added to (or merged into) every descendant.
    fn add_column_to_children(&mut self, table: usize, name: &str) {
        let Some(column) = self.catalog.tables[table].column(name).cloned() else {
            return;
        };
        let default = self.shadows[table].defaults.get(name).cloned();
        let generated = self.shadows[table].generated.get(name).cloned();
        for child in self.children(table) {
            self.inherit_column(child, &column, default.as_ref(), generated.as_ref());
            self.add_column_to_children(child, name);
        }
    }

    /// A constraint just added to a parent: checks go to every descendant under the same
    /// name; keys and foreign keys to every partition, named for it.
    fn add_constraint_to_children(&mut self, table: usize, def: &crate::sql::ddl::ConstraintDef) {
        use crate::sql::ddl::ConstraintKind;
        let parent = self.catalog.tables[table].clone();
        for child in self.children(table) {
            match &def.kind {
                ConstraintKind::Check { .. } => {
                    let added = parent
                        .checks
                        .iter()
                        .find(|c| Some(&c.name) == def.name.as_ref())
                        .or(parent.checks.last())
                        .cloned();
                    if let Some(check) = added
                        && !check.no_inherit
                        && !self.catalog.tables[child]
                            .checks
                            .iter()
                            .any(|c| c.name == check.name)
                    {
                        if let Some(e) = self.shadows[table].checks.get(&check.name).cloned() {
                            self.shadows[child].checks.insert(check.name.clone(), e);
                        }
                        self.shadows[child].inherited_checks.insert(check.name.clone());
                        self.catalog.tables[child].checks.push(check);
                        self.add_constraint_to_children(child, def);
                    }
                }
                _ if self.catalog.tables[child].partition_of.is_some() => {
                    self.clone_partition_parts(table, child);
                    if self.catalog.tables[child].partition_by.is_some() {
                        self.add_constraint_to_children(child, def);
                    }
                }
                _ => {}
            }
        }
    }

    fn column_index(&self, table: usize, column: &str) -> Option<usize> {
        self.catalog.tables[table]
            .columns
            .iter()
            .position(|c| c.name == column)
    }

    fn column_mut(&mut self, table: usize, column: &str) -> Option<&mut crate::catalog::model::Column> {
        self.catalog.tables[table]
            .columns
            .iter_mut()
            .find(|c| c.name == column)
    }

    /// `column` is not a column of the relation at `table`.
    pub(crate) fn missing_column(&mut self, table: usize, column: &str) {
        let name = self.catalog.tables[table].name.clone();
        let proof = self.on_relation(Condition::UndefinedColumn, table);
        self.reject(proof, format!("column {column} of {name} does not exist"));
    }

    fn not_identity(&mut self, table: usize, column: &str) {
        let name = self.catalog.tables[table].name.clone();
        let proof = self.on_relation(Condition::ObjectNotInPrerequisiteState, table);
        self.reject(
            proof,
            format!("column {column} of {name} is not an identity column"),
        );
    }

    fn drop_column(&mut self, table: usize, column: &str, if_exists: bool, cascade: bool, only: bool) {
        let (schema, table_name) = {
            let r = &self.catalog.tables[table];
            (r.schema.clone(), r.name.clone())
        };
        if self.column_index(table, column).is_none() {
            if !if_exists {
                self.missing_column(table, column);
            }
            return;
        }
        let referencing = self
            .catalog
            .tables
            .referencing(&schema, &table_name)
            .into_iter()
            .find_map(|i| {
                let r = &self.catalog.tables[i];
                r.foreign_keys
                    .iter()
                    .find(|f| {
                        f.references.schema == schema
                            && f.references.table == table_name
                            && f.references.columns.iter().any(|c| c == column)
                            && !(r.schema == schema && r.name == table_name)
                    })
                    .map(|f| (i, r.name.clone(), f.name.clone()))
            });
        if let Some((i, from, fk)) = referencing
            && !cascade
        {
            let proof = self.on_relations(Condition::DependentObjectsStillExist, &[table, i]);
            self.reject(
                proof,
                format!("cannot drop column {column} of {table_name}: foreign key {fk} on {from} references it; drop that first or add CASCADE"),
            );
            return;
        }
        if !self.drop_views_using(table, Some(column), cascade) {
            return;
        }
        // Children lose the column when this was its only source; else they keep it as their
        // own (`ONLY`) or with one parent fewer.
        for child in self.children(table) {
            let Some((count, local)) = self.shadows[child].inheritance.get(column).copied() else {
                continue;
            };
            if !only && count <= 1 && !local {
                self.drop_column(child, column, true, cascade, false);
            } else if let Some(entry) = self.shadows[child].inheritance.get_mut(column) {
                entry.0 = count.saturating_sub(1);
                entry.1 |= only;
            }
        }
        self.remove_column(table, column);
    }

    /// Renames a column everywhere PostgreSQL shows its name: keys, foreign keys (also those
    /// pointing at it), checks, index keys and predicates, generated columns.
    fn rename_column(&mut self, table: usize, from: &str, to: &str) {
        let (schema, table_name) = {
            let r = &self.catalog.tables[table];
            (r.schema.clone(), r.name.clone())
        };
        if self.column_index(table, from).is_none() {
            return self.missing_column(table, from);
        }
        if self.column_index(table, to).is_some() {
            let proof = self.on_relation(Condition::DuplicateColumn, table);
            self.reject(proof, format!("column {to} of {table_name} already exists"));
            return;
        }
        let rename = |names: &mut Vec<String>| {
            for n in names.iter_mut().filter(|n| *n == from) {
                *n = to.to_string();
            }
        };
        let shadow = &mut self.shadows[table];
        let relation = &mut self.catalog.tables[table];
        for c in relation.columns.iter_mut().filter(|c| c.name == from) {
            c.name = to.to_string();
        }
        rename(&mut relation.primary_key);
        if let Some(key) = &relation.partition_by {
            relation.partition_by = Some(renamed_in_partition_key(key, from, to));
        }
        for u in &mut relation.unique {
            rename(&mut u.columns);
        }
        for f in &mut relation.foreign_keys {
            rename(&mut f.columns);
        }
        for (name, expr) in shadow.checks.iter_mut() {
            expr.rename_column(from, to);
            if let Some(check) = relation.checks.iter_mut().find(|c| &c.name == name) {
                check.expression = expr.to_string();
                if let Some(allowed) = &mut check.allowed_values
                    && allowed.column == from
                {
                    allowed.column = to.to_string();
                }
            }
        }
        for (name, shape) in shadow.indexes.iter_mut() {
            for key in &mut shape.keys {
                key.expr.rename_column(from, to);
            }
            if let Some(p) = &mut shape.predicate {
                p.rename_column(from, to);
            }
            if let Some(index) = relation.indexes.iter_mut().find(|i| &i.name == name) {
                index.columns = shape.keys.iter().map(render_key).collect();
                index.predicate = shape.predicate.as_ref().map(Expr::to_string);
            }
        }
        for (column, expr) in shadow.generated.iter_mut() {
            expr.rename_column(from, to);
            if let Some(c) = relation.columns.iter_mut().find(|c| &c.name == column) {
                c.generated = Some(expr.to_string());
            }
        }
        if let Some(e) = shadow.generated.remove(from) {
            shadow.generated.insert(to.to_string(), e);
        }
        if let Some(e) = shadow.defaults.remove(from) {
            shadow.defaults.insert(to.to_string(), e);
        }
        for i in self.catalog.tables.referencing(&schema, &table_name) {
            for f in self.catalog.tables[i]
                .foreign_keys
                .iter_mut()
                .filter(|f| f.references.schema == schema && f.references.table == table_name)
            {
                rename(&mut f.references.columns);
            }
        }
        for i in self.catalog.sequences.owned_by_table(&schema, &table_name) {
            if let Some(o) = &mut self.catalog.sequences[i].owned_by
                && o.column == from
            {
                o.column = to.to_string();
            }
        }
        if let Some(inheritance) = self.shadows[table].inheritance.remove(from) {
            self.shadows[table]
                .inheritance
                .insert(to.to_string(), inheritance);
        }
        let old = (schema, table_name, from.to_string());
        for view in self.dependents_of(&(old.0.clone(), old.1.clone())) {
            let star = &mut self.shadows[view].star_columns;
            if star.remove(&old) {
                star.insert((old.0.clone(), old.1.clone(), to.to_string()));
            }
        }
    }

    /// Renames a relation. Constraint, index and sequence names stay as they were (as in
    /// PostgreSQL); foreign keys pointing at it follow.
    pub(crate) fn rename_table(&mut self, table: usize, to: &str) {
        let (schema, old) = {
            let r = &self.catalog.tables[table];
            (r.schema.clone(), r.name.clone())
        };
        self.carry_doubt((&schema, &old), (&schema, to));
        self.catalog.tables[table].name = to.to_string();
        for i in self.catalog.tables.referencing(&schema, &old) {
            for f in self.catalog.tables[i]
                .foreign_keys
                .iter_mut()
                .filter(|f| f.references.schema == schema && f.references.table == old)
            {
                f.references.table = to.to_string();
            }
        }
        for i in self.catalog.sequences.owned_by_table(&schema, &old) {
            if let Some(o) = &mut self.catalog.sequences[i].owned_by {
                o.table = to.to_string();
            }
        }
        let (old_ref, new_ref) = (
            TableRef {
                schema: schema.clone(),
                name: old.clone(),
            },
            TableRef {
                schema: schema.clone(),
                name: to.to_string(),
            },
        );
        for i in self.catalog.tables.children_of(&schema, &old) {
            let r = &mut self.catalog.tables[i];
            for p in r.inherits.iter_mut().chain(r.partition_of.iter_mut()) {
                if *p == old_ref {
                    *p = new_ref.clone();
                }
            }
        }
        let me = (schema.clone(), old.clone());
        for i in self.dependents_of(&me) {
            for dep in self.shadows[i].depends_on.iter_mut().filter(|d| **d == me) {
                dep.1 = to.to_string();
            }
            self.shadows[i].star_columns = std::mem::take(&mut self.shadows[i].star_columns)
                .into_iter()
                .map(|(s, t, c)| {
                    if (&s, &t) == (&me.0, &me.1) {
                        (s, to.to_string(), c)
                    } else {
                        (s, t, c)
                    }
                })
                .collect();
        }
    }

    fn set_column_type(&mut self, table: usize, column: &str, data_type: &TypeName) {
        let table_name = self.catalog.tables[table].name.clone();
        let Some(index) = self.column_index(table, column) else {
            return self.missing_column(table, column);
        };
        match self.resolve_type(data_type) {
            Ok(resolved) if resolved.serial => self.reject(
                Proof::rule(Condition::UndefinedObject),
                format!(
                    "type {} exists only in CREATE TABLE and ADD COLUMN; for {table_name}.{column} use the integer type and a sequence",
                    data_type.written
                ),
            ),
            Ok(resolved) => {
                let column_def = &mut self.catalog.tables[table].columns[index];
                column_def.data_type = resolved.format.clone();
                // An identity column's sequence changes type with it; a serial's does not.
                if column_def.identity.is_some() {
                    let schema = self.catalog.tables[table].schema.clone();
                    for s in &mut self.catalog.sequences {
                        if let Some(o) = &s.owned_by
                            && o.schema == schema
                            && o.table == table_name
                            && o.column == column
                        {
                            s.data_type = match resolved.format.as_str() {
                                "smallint" | "integer" => resolved.format.clone(),
                                _ => "bigint".into(),
                            };
                        }
                    }
                }
            }
            Err(unknown) => {
                let format = self.unknown_type(unknown, &format!("column {table_name}.{column}"), None);
                self.catalog.tables[table].columns[index].data_type = format;
            }
        }
    }

    /// Drops the named constraint of the table; false when it has none of that name.
    fn drop_constraint(&mut self, table: usize, name: &str) -> bool {
        let relation = &mut self.catalog.tables[table];
        if relation.primary_key_name.as_deref() == Some(name) {
            // The columns stay NOT NULL.
            relation.primary_key.clear();
            relation.primary_key_name = None;
            return true;
        }
        let count = |r: &crate::catalog::model::Relation| {
            r.unique.len() + r.foreign_keys.len() + r.checks.len() + r.exclusions.len()
        };
        let before = count(relation);
        relation.unique.retain(|u| u.name != name);
        relation.foreign_keys.retain(|f| f.name != name);
        relation.checks.retain(|c| c.name != name);
        relation.exclusions.retain(|x| x != name);
        self.shadows[table].checks.remove(name);
        before != count(&self.catalog.tables[table])
    }

    fn rename_constraint(&mut self, table: usize, from: &str, to: &str) {
        let schema = self.catalog.tables[table].schema.clone();
        let backed_by_index = {
            let r = &self.catalog.tables[table];
            r.primary_key_name.as_deref() == Some(from) || r.unique.iter().any(|u| u.name == from)
        };
        // A constraint name is unique per table; one backed by an index renames the index
        // too, whose name is unique among the schema's relations.
        if self.table_has_constraint(table, to) || (backed_by_index && self.relation_name_taken(&schema, to))
        {
            let proof = self.on_relation(Condition::DuplicateObject, table);
            self.reject(proof, format!("constraint {to} already exists"));
            return;
        }
        let relation = &mut self.catalog.tables[table];
        let mut found = false;
        if relation.primary_key_name.as_deref() == Some(from) {
            relation.primary_key_name = Some(to.to_string());
            found = true;
        }
        for u in relation.unique.iter_mut().filter(|u| u.name == from) {
            u.name = to.to_string();
            found = true;
        }
        for f in relation.foreign_keys.iter_mut().filter(|f| f.name == from) {
            f.name = to.to_string();
            found = true;
        }
        for c in relation.checks.iter_mut().filter(|c| c.name == from) {
            c.name = to.to_string();
            found = true;
        }
        for x in relation.exclusions.iter_mut().filter(|x| *x == from) {
            *x = to.to_string();
            found = true;
        }
        if let Some(e) = self.shadows[table].checks.remove(from) {
            self.shadows[table].checks.insert(to.to_string(), e);
        }
        if !found {
            let name = relation.name.clone();
            let proof = self.on_relation(Condition::UndefinedObject, table);
            self.reject(proof, format!("constraint {from} of {name} does not exist"));
        }
    }

    /// True when the relation at `table` has a constraint named `name`.
    pub(crate) fn table_has_constraint(&self, table: usize, name: &str) -> bool {
        let r = &self.catalog.tables[table];
        r.primary_key_name.as_deref() == Some(name)
            || r.unique.iter().any(|u| u.name == name)
            || r.foreign_keys.iter().any(|f| f.name == name)
            || r.checks.iter().any(|c| c.name == name)
            || r.exclusions.iter().any(|x| x == name)
    }
}

/// The kind of relation a form is named after (`ALTER VIEW`: a view), as a `relkind`.
fn form_kind(form: RelationKindWritten) -> char {
    match form {
        RelationKindWritten::Table => 'r',
        RelationKindWritten::Index => 'i',
        RelationKindWritten::View => 'v',
        RelationKindWritten::MaterializedView => 'm',
        RelationKindWritten::ForeignTable => 'f',
        RelationKindWritten::Sequence => 'S',
    }
}

/// A partition key as `pg_get_partkeydef` prints it (`RANGE (a, lower(b))`) with column
/// `from` renamed to `to`; unchanged when it does not read as a key list.
fn renamed_in_partition_key(key: &str, from: &str, to: &str) -> String {
    let Some((strategy, list)) = key.split_once(' ') else {
        return key.to_string();
    };
    // The list reads as the arguments of a call.
    match crate::parse::parse_expression(&format!("key{list}")) {
        Ok(Expr::Function { mut args, .. }) => {
            let keys: Vec<String> = args
                .iter_mut()
                .map(|a| {
                    a.rename_column(from, to);
                    a.to_string()
                })
                .collect();
            format!("{strategy} ({})", keys.join(", "))
        }
        _ => key.to_string(),
    }
}
