//! `ALTER TABLE`: each action in order, as PostgreSQL applies them.

use crate::catalog::fold::Fold;
use crate::catalog::index::render_key;
use crate::catalog::model::Identity;
use crate::sql::TypeName;
use crate::sql::ddl::{AlterAction, AlterTable};
use crate::sql::expr::Expr;

impl Fold {
    /// `ALTER TABLE [IF EXISTS] name action, ...`.
    pub(crate) fn alter_table(&mut self, a: &AlterTable) {
        let Some(table) = self.find_relation(&a.name) else {
            if !a.if_exists {
                self.error(format!(
                    "table {} does not exist (yet); create it before altering it",
                    a.name
                ));
            }
            return;
        };
        for action in &a.actions {
            // A rename earlier in the list does not move the table in `catalog.tables`.
            self.alter_action(table, action);
        }
    }

    fn alter_action(&mut self, table: usize, action: &AlterAction) {
        let table_name = self.catalog.tables[table].name.clone();
        let has = |fold: &Fold, c: &str| fold.catalog.tables[table].column(c).is_some();
        match action {
            AlterAction::AddColumn {
                column,
                if_not_exists,
            } => {
                if has(self, &column.name) {
                    if !if_not_exists {
                        self.error_at(
                            column.location,
                            format!("column {} of {table_name} already exists", column.name),
                        );
                    }
                    return;
                }
                let pending = self.add_column_def(table, column);
                self.add_constraints(table, pending);
            }
            AlterAction::DropColumn {
                name,
                if_exists,
                cascade,
            } => self.drop_column(table, name, *if_exists, *cascade),
            AlterAction::RenameColumn { from, to } => self.rename_column(table, from, to),
            AlterAction::RenameTable { to } => {
                let schema = self.catalog.tables[table].schema.clone();
                if self.relation_name_taken(&schema, to) {
                    self.error(format!("relation {to} already exists"));
                } else {
                    self.rename_table(table, to);
                }
            }
            AlterAction::SetSchema { schema } => self.set_schema(table, schema),
            AlterAction::SetType { column, data_type } => self.set_column_type(table, column, data_type),
            AlterAction::SetNotNull { column } => match self.column_mut(table, column) {
                Some(c) => c.nullable = false,
                None => self.missing_column(&table_name, column),
            },
            AlterAction::DropNotNull { column } => {
                if self.catalog.tables[table].primary_key.contains(column) {
                    self.error(format!(
                        "column {column} of {table_name} is in a primary key; it stays NOT NULL"
                    ));
                    return;
                }
                match self.column_mut(table, column) {
                    Some(c) if c.identity.is_some() => self.error(format!(
                        "column {column} of {table_name} is an identity column; it stays NOT NULL"
                    )),
                    Some(c) => c.nullable = true,
                    None => self.missing_column(&table_name, column),
                }
            }
            AlterAction::SetDefault { column, expr } => {
                let Some(index) = self.column_index(table, column) else {
                    return self.missing_column(&table_name, column);
                };
                let mut c = self.catalog.tables[table].columns[index].clone();
                self.set_default(table, &mut c, expr);
                self.catalog.tables[table].columns[index] = c;
            }
            AlterAction::DropDefault { column } => match self.column_mut(table, column) {
                Some(c) => c.default = None,
                None => self.missing_column(&table_name, column),
            },
            AlterAction::AddIdentity { column, always } => {
                let Some(c) = self.column_mut(table, column) else {
                    return self.missing_column(&table_name, column);
                };
                c.identity = Some(if *always {
                    Identity::Always
                } else {
                    Identity::ByDefault
                });
                c.nullable = false;
            }
            AlterAction::AddConstraint(def) => self.add_constraint(table, def, None),
            AlterAction::DropConstraint { name, if_exists } => {
                if !self.drop_constraint(table, name) && !if_exists {
                    self.error(format!(
                        "constraint {name} of {table_name} does not exist; use DROP CONSTRAINT IF EXISTS when unsure"
                    ));
                }
            }
            AlterAction::RenameConstraint { from, to } => self.rename_constraint(table, from, to),
            AlterAction::Skipped => {}
            AlterAction::Unsupported { what } => self.warn(format!(
                "ALTER TABLE {table_name} {what}: not folded into the catalog"
            )),
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

    fn missing_column(&mut self, table: &str, column: &str) {
        self.error(format!("column {column} of {table} does not exist"));
    }

    fn drop_column(&mut self, table: usize, column: &str, if_exists: bool, cascade: bool) {
        let (schema, table_name) = {
            let r = &self.catalog.tables[table];
            (r.schema.clone(), r.name.clone())
        };
        if self.column_index(table, column).is_none() {
            if !if_exists {
                self.missing_column(&table_name, column);
            }
            return;
        }
        let referencing = self.catalog.tables.iter().find_map(|r| {
            r.foreign_keys
                .iter()
                .find(|f| {
                    f.references.schema == schema
                        && f.references.table == table_name
                        && f.references.columns.iter().any(|c| c == column)
                        && !(r.schema == schema && r.name == table_name)
                })
                .map(|f| (r.name.clone(), f.name.clone()))
        });
        if let Some((from, fk)) = referencing
            && !cascade
        {
            self.error(format!(
                "cannot drop column {column} of {table_name}: foreign key {fk} on {from} references it; drop that first or add CASCADE"
            ));
            return;
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
            return self.missing_column(&table_name, from);
        }
        if self.column_index(table, to).is_some() {
            self.error(format!("column {to} of {table_name} already exists"));
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
        for r in &mut self.catalog.tables {
            for f in r
                .foreign_keys
                .iter_mut()
                .filter(|f| f.references.schema == schema && f.references.table == table_name)
            {
                rename(&mut f.references.columns);
            }
        }
        for s in &mut self.sequences {
            if let Some((s2, t, c)) = &mut s.owner
                && *s2 == schema
                && *t == table_name
                && c == from
            {
                *c = to.to_string();
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
        self.catalog.tables[table].name = to.to_string();
        for r in &mut self.catalog.tables {
            for f in r
                .foreign_keys
                .iter_mut()
                .filter(|f| f.references.schema == schema && f.references.table == old)
            {
                f.references.table = to.to_string();
            }
        }
        for s in &mut self.sequences {
            if let Some((s2, t, _)) = &mut s.owner
                && *s2 == schema
                && *t == old
            {
                *t = to.to_string();
            }
        }
        for shadow in &mut self.shadows {
            for dep in shadow.depends_on.iter_mut() {
                if dep.0 == schema && dep.1 == old {
                    dep.1 = to.to_string();
                }
            }
        }
    }

    fn set_schema(&mut self, table: usize, schema: &str) {
        let (old_schema, name) = {
            let r = &self.catalog.tables[table];
            (r.schema.clone(), r.name.clone())
        };
        if !self.schemas.contains(schema) {
            self.error(format!("schema {schema} does not exist"));
            return;
        }
        self.catalog.tables[table].schema = schema.to_string();
        for r in &mut self.catalog.tables {
            for f in r
                .foreign_keys
                .iter_mut()
                .filter(|f| f.references.schema == old_schema && f.references.table == name)
            {
                f.references.schema = schema.to_string();
            }
        }
    }

    fn set_column_type(&mut self, table: usize, column: &str, data_type: &TypeName) {
        let table_name = self.catalog.tables[table].name.clone();
        let Some(index) = self.column_index(table, column) else {
            return self.missing_column(&table_name, column);
        };
        match self.resolve_type(data_type) {
            Ok(resolved) if resolved.serial => self.error(format!(
                "type {} exists only in CREATE TABLE and ADD COLUMN; for {table_name}.{column} use the integer type and a sequence",
                data_type.written
            )),
            Ok(resolved) => self.catalog.tables[table].columns[index].data_type = resolved.format,
            Err(why) => self.error(format!(
                "{why} for column {table_name}.{column}; hint: use a PostgreSQL type or create the type first"
            )),
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
        let before = relation.unique.len() + relation.foreign_keys.len() + relation.checks.len();
        relation.unique.retain(|u| u.name != name);
        relation.foreign_keys.retain(|f| f.name != name);
        relation.checks.retain(|c| c.name != name);
        self.shadows[table].checks.remove(name);
        let relation = &self.catalog.tables[table];
        before != relation.unique.len() + relation.foreign_keys.len() + relation.checks.len()
    }

    fn rename_constraint(&mut self, table: usize, from: &str, to: &str) {
        let schema = self.catalog.tables[table].schema.clone();
        if self.constraint_name_taken(&schema, to) {
            self.error(format!("constraint {to} already exists"));
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
        if let Some(e) = self.shadows[table].checks.remove(from) {
            self.shadows[table].checks.insert(to.to_string(), e);
        }
        if !found {
            let name = relation.name.clone();
            self.error(format!("constraint {from} of {name} does not exist"));
        }
    }
}
