//! Types the migrations make: enums, composite types, range types, domains, base types, and
//! the types extensions bring; `CREATE TYPE`, `ALTER TYPE`, `CREATE/ALTER DOMAIN`, `DROP
//! TYPE/DOMAIN`, `CREATE EXTENSION`.

use crate::catalog::fold::Fold;
use crate::catalog::model::{Attribute, Check, CompositeType, Domain, EnumType, RangeType};
use crate::catalog::names::choose_name;
use crate::catalog::proof::{Condition, Proof};
use crate::catalog::types::{extension_types, format_user_type};
use crate::sql::ddl::{DomainAction, TypeAction};
use crate::sql::expr::Expr;
use crate::sql::{QualifiedName, TypeName};

impl Fold {
    /// The schema a new type goes to, or an error when a type of that name is there already.
    fn new_type_schema(&mut self, name: &QualifiedName) -> Option<String> {
        let schema = self.schema_of(name);
        if self.type_exists(&schema, &name.name)
            || self
                .catalog
                .tables
                .iter()
                .any(|r| r.schema == schema && r.name == name.name)
        {
            self.reject(
                Proof::known(Condition::DuplicateObject, &schema, &name.name),
                format!("type {name} already exists"),
            );
            return None;
        }
        self.settle(&schema, &name.name);
        Some(schema)
    }

    /// `CREATE TYPE name AS ENUM (...)`.
    pub(crate) fn create_enum(&mut self, name: &QualifiedName, labels: &[String]) {
        let Some(schema) = self.new_type_schema(name) else {
            return;
        };
        self.catalog.enums.push(EnumType {
            schema,
            name: name.name.clone(),
            values: labels.to_vec(),
            comment: None,
        });
    }

    /// `CREATE TYPE name AS (attribute type, ...)`.
    pub(crate) fn create_composite(&mut self, name: &QualifiedName, attributes: &[(String, TypeName)]) {
        let Some(schema) = self.new_type_schema(name) else {
            return;
        };
        let mut resolved = Vec::new();
        for (attribute, t) in attributes {
            let data_type = match self.resolve_type(t) {
                Ok(r) => r.format,
                Err(unknown) => {
                    self.unknown_type(unknown, &format!("attribute {attribute} of type {name}"), None)
                }
            };
            resolved.push(Attribute {
                name: attribute.clone(),
                data_type,
            });
        }
        self.catalog.composite_types.push(CompositeType {
            schema,
            name: name.name.clone(),
            attributes: resolved,
            comment: None,
        });
    }

    /// `CREATE TYPE name AS RANGE (SUBTYPE = t ...)`, which also makes its multirange type.
    pub(crate) fn create_range(
        &mut self,
        name: &QualifiedName,
        subtype: &TypeName,
        multirange: Option<&QualifiedName>,
    ) {
        let Some(schema) = self.new_type_schema(name) else {
            return;
        };
        let subtype = match self.resolve_type(subtype) {
            Ok(r) => r.format,
            Err(unknown) => self.unknown_type(unknown, &format!("the subtype of range type {name}"), None),
        };
        let multirange = multirange.map_or_else(|| multirange_name(&name.name), |m| m.name.clone());
        self.catalog.range_types.push(RangeType {
            schema,
            name: name.name.clone(),
            subtype,
            multirange,
        });
    }

    /// `CREATE TYPE name` (a shell) and base types made with input and output functions:
    /// valid column types without a place in the catalog.
    pub(crate) fn create_other_type(&mut self, name: &QualifiedName) {
        let schema = self.schema_of(name);
        self.settle(&schema, &name.name);
        self.other_types.insert((schema, name.name.clone()));
    }

    /// `CREATE DOMAIN name AS type [DEFAULT ...] [NOT NULL] [CHECK (...)]`.
    pub(crate) fn create_domain(
        &mut self,
        name: &QualifiedName,
        base: &TypeName,
        not_null: bool,
        default: Option<&Expr>,
        checks: &[(Option<String>, Expr)],
    ) {
        let Some(schema) = self.new_type_schema(name) else {
            return;
        };
        let data_type = match self.resolve_type(base) {
            Ok(resolved) => resolved.format,
            Err(unknown) => self.unknown_type(unknown, &format!("the base of domain {name}"), None),
        };
        self.catalog.domains.push(Domain {
            schema,
            name: name.name.clone(),
            data_type,
            nullable: !not_null,
            default: default
                .filter(|e| !matches!(e.uncast(), Expr::Null))
                .map(ToString::to_string),
            checks: Vec::new(),
        });
        for (constraint, e) in checks {
            self.add_domain_check(name, constraint.clone(), e);
        }
    }

    fn find_domain(&self, name: &QualifiedName) -> Option<usize> {
        self.lookup_schemas(name).iter().find_map(|schema| {
            self.catalog
                .domains
                .iter()
                .position(|d| &d.schema == schema && d.name == name.name)
        })
    }

    fn add_domain_check(&mut self, name: &QualifiedName, constraint: Option<String>, e: &Expr) {
        let Some(i) = self.find_domain(name) else {
            return;
        };
        let (schema, domain) = (
            self.catalog.domains[i].schema.clone(),
            self.catalog.domains[i].name.clone(),
        );
        let constraint = constraint.unwrap_or_else(|| {
            choose_name(&domain, None, "check", |n| self.constraint_name_taken(&schema, n))
        });
        self.catalog.domains[i].checks.push(Check {
            name: constraint,
            expression: e.to_string(),
            allowed_values: None,
            no_inherit: false,
        });
    }

    /// `ALTER DOMAIN`.
    pub(crate) fn alter_domain(&mut self, name: &QualifiedName, action: &DomainAction) {
        let Some(i) = self.find_domain(name) else {
            self.reject(
                Proof::absent(Condition::UndefinedObject, name),
                format!("type {name} does not exist"),
            );
            return;
        };
        let proof = |condition| {
            let d = &self.catalog.domains[i];
            Proof::known(condition, &d.schema, &d.name)
        };
        let undefined = proof(Condition::UndefinedObject);
        match action {
            DomainAction::Default(e) => {
                self.catalog.domains[i].default = e
                    .as_ref()
                    .filter(|e| !matches!(e.uncast(), Expr::Null))
                    .map(ToString::to_string);
            }
            DomainAction::NotNull(not_null) => self.catalog.domains[i].nullable = !not_null,
            DomainAction::AddCheck {
                name: constraint,
                expr,
            } => self.add_domain_check(name, constraint.clone(), expr),
            DomainAction::DropConstraint {
                name: constraint,
                if_exists,
            } => {
                let checks = &mut self.catalog.domains[i].checks;
                let before = checks.len();
                checks.retain(|c| &c.name != constraint);
                if before == checks.len() && !if_exists {
                    self.reject(
                        undefined,
                        format!("constraint {constraint} of domain {name} does not exist"),
                    );
                }
            }
            DomainAction::RenameConstraint { from, to } => {
                match self.catalog.domains[i]
                    .checks
                    .iter_mut()
                    .find(|c| &c.name == from)
                {
                    Some(c) => c.name = to.clone(),
                    None => self.reject(
                        undefined,
                        format!("constraint {from} of domain {name} does not exist"),
                    ),
                }
            }
            DomainAction::Rename(to) => {
                let schema = self.catalog.domains[i].schema.clone();
                self.rename_type(&schema, name, to);
            }
            DomainAction::Skipped => {}
        }
    }

    /// `CREATE EXTENSION`: registers the types of extensions we know, in the extension's
    /// schema.
    pub(crate) fn create_extension(&mut self, name: &str, schema: Option<&str>) {
        if self.extensions.contains_key(name) {
            return;
        }
        let schema = schema.map_or_else(|| self.schema_of(&QualifiedName::bare(name)), str::to_string);
        self.extensions.insert(name.to_string(), schema.clone());
        match extension_types(name) {
            Some(types) => {
                for t in types {
                    self.other_types.insert((schema.clone(), t.to_string()));
                }
            }
            // An extension the generator has never seen may make any types.
            None => {
                let reach = crate::sql::ddl::Reach {
                    schemas: vec![schema.clone()],
                    ..crate::sql::ddl::Reach::default()
                };
                self.new_objects_doubt(
                    &reach,
                    &format!("CREATE EXTENSION {name}: the generator does not know which types it makes; columns of those types are kept as written"),
                );
            }
        }
    }

    /// `ALTER TYPE`.
    pub(crate) fn alter_type(&mut self, name: &QualifiedName, action: &TypeAction) {
        let Some(schema) = self.find_type_schema(name) else {
            self.reject(
                Proof::absent(Condition::UndefinedObject, name),
                format!("type {name} does not exist"),
            );
            return;
        };
        match action {
            TypeAction::Rename { to } => self.rename_type(&schema, name, to),
            TypeAction::AddAttribute { .. }
            | TypeAction::DropAttribute { .. }
            | TypeAction::AlterAttribute { .. }
            | TypeAction::RenameAttribute { .. } => self.alter_composite(&schema, name, action),
            TypeAction::AddValue { .. } | TypeAction::RenameValue { .. } => {
                self.alter_enum(&schema, name, action)
            }
        }
    }

    fn alter_enum(&mut self, schema: &str, name: &QualifiedName, action: &TypeAction) {
        let Some(position) = self
            .catalog
            .enums
            .iter()
            .position(|e| e.schema == schema && e.name == name.name)
        else {
            self.reject(
                Proof::known(Condition::WrongObjectType, schema, &name.name),
                format!("{name} is not an enum"),
            );
            return;
        };
        let proof = |condition| Proof::known(condition, schema, &name.name);
        let values = &mut self.catalog.enums[position].values;
        match action {
            TypeAction::AddValue {
                value,
                if_not_exists,
                position,
            } => {
                if values.contains(value) {
                    if !if_not_exists {
                        self.reject(
                            proof(Condition::DuplicateObject),
                            format!("enum label '{value}' already exists in {name}"),
                        );
                    }
                    return;
                }
                match position {
                    None => values.push(value.clone()),
                    Some((before, neighbour)) => match values.iter().position(|v| v == neighbour) {
                        Some(i) => values.insert(if *before { i } else { i + 1 }, value.clone()),
                        None => self.reject(
                            proof(Condition::InvalidParameterValue),
                            format!("'{neighbour}' is not a label of enum {name}"),
                        ),
                    },
                }
            }
            TypeAction::RenameValue { from, to } => match values.iter().position(|v| v == from) {
                Some(i) if !values.contains(to) => values[i] = to.clone(),
                Some(_) => self.reject(
                    proof(Condition::DuplicateObject),
                    format!("enum label '{to}' already exists in {name}"),
                ),
                None => self.reject(
                    proof(Condition::InvalidParameterValue),
                    format!("'{from}' is not a label of enum {name}"),
                ),
            },
            _ => {}
        }
    }

    fn alter_composite(&mut self, schema: &str, name: &QualifiedName, action: &TypeAction) {
        let Some(i) = self
            .catalog
            .composite_types
            .iter()
            .position(|c| c.schema == schema && c.name == name.name)
        else {
            self.reject(
                Proof::known(Condition::WrongObjectType, schema, &name.name),
                format!("{name} is not a composite type"),
            );
            return;
        };
        let undefined = Proof::known(Condition::UndefinedColumn, schema, &name.name);
        let what = |a: &str| format!("attribute {a} of type {name}");
        match action {
            TypeAction::AddAttribute { name: a, data_type } => {
                let data_type = match self.resolve_type(data_type) {
                    Ok(r) => r.format,
                    Err(unknown) => self.unknown_type(unknown, &what(a), None),
                };
                self.catalog.composite_types[i].attributes.push(Attribute {
                    name: a.clone(),
                    data_type,
                });
            }
            TypeAction::DropAttribute { name: a, if_exists } => {
                let attributes = &mut self.catalog.composite_types[i].attributes;
                let before = attributes.len();
                attributes.retain(|x| &x.name != a);
                if before == attributes.len() && !if_exists {
                    self.reject(undefined, format!("{} does not exist", what(a)));
                }
            }
            TypeAction::AlterAttribute { .. } if self.type_in_use(schema, &name.name) => {
                let (table, column) = self.type_in_use_by(schema, &name.name).unwrap_or_default();
                self.reject(
                    Proof::known(Condition::FeatureNotSupported, schema, &name.name),
                    format!(
                        "cannot alter type \"{}\" because column \"{table}.{column}\" uses it",
                        name.name
                    ),
                );
            }
            TypeAction::AlterAttribute { name: a, data_type } => {
                let data_type = match self.resolve_type(data_type) {
                    Ok(r) => r.format,
                    Err(unknown) => self.unknown_type(unknown, &what(a), None),
                };
                match self.catalog.composite_types[i]
                    .attributes
                    .iter_mut()
                    .find(|x| &x.name == a)
                {
                    Some(x) => x.data_type = data_type,
                    None => self.reject(undefined, format!("{} does not exist", what(a))),
                }
            }
            TypeAction::RenameAttribute { from, to } => {
                match self.catalog.composite_types[i]
                    .attributes
                    .iter_mut()
                    .find(|x| &x.name == from)
                {
                    Some(x) => x.name = to.clone(),
                    None => self.reject(undefined, format!("{} does not exist", what(from))),
                }
            }
            _ => {}
        }
    }

    fn type_in_use(&self, schema: &str, name: &str) -> bool {
        self.type_in_use_by(schema, name).is_some()
    }

    /// A column (table, column) whose type is the given type or an array of it.
    fn type_in_use_by(&self, schema: &str, name: &str) -> Option<(String, String)> {
        let format = format_user_type(schema, name);
        self.catalog.tables.iter().find_map(|r| {
            r.columns
                .iter()
                .find(|c| {
                    c.data_type
                        .strip_prefix(format.as_str())
                        .is_some_and(|d| d.chars().all(|c| c == '[' || c == ']'))
                })
                .map(|c| (r.name.clone(), c.name.clone()))
        })
    }

    /// Renames a type; columns of that type follow (PostgreSQL refers to types by oid).
    fn rename_type(&mut self, schema: &str, name: &QualifiedName, to: &str) {
        if self.type_exists(schema, to) {
            self.reject(
                Proof::known(Condition::DuplicateObject, schema, to),
                format!("type {to} already exists"),
            );
            return;
        }
        self.carry_doubt((schema, &name.name), (schema, to));
        let is = |s: &String, n: &String| s == schema && *n == name.name;
        let mut found = false;
        for e in self.catalog.enums.iter_mut().filter(|e| is(&e.schema, &e.name)) {
            e.name = to.to_string();
            found = true;
        }
        for d in self.catalog.domains.iter_mut().filter(|d| is(&d.schema, &d.name)) {
            d.name = to.to_string();
            found = true;
        }
        for c in self
            .catalog
            .composite_types
            .iter_mut()
            .filter(|c| is(&c.schema, &c.name))
        {
            c.name = to.to_string();
            found = true;
        }
        for r in self
            .catalog
            .range_types
            .iter_mut()
            .filter(|r| is(&r.schema, &r.name))
        {
            r.name = to.to_string();
            found = true;
        }
        if self.other_types.remove(&(schema.to_string(), name.name.clone())) {
            self.other_types.insert((schema.to_string(), to.to_string()));
            found = true;
        }
        if !found {
            self.reject(
                Proof::absent(Condition::UndefinedObject, name),
                format!("type {name} does not exist"),
            );
            return;
        }
        self.retype(
            &format_user_type(schema, &name.name),
            &format_user_type(schema, to),
        );
    }

    /// `DROP TYPE` / `DROP DOMAIN`: with CASCADE, columns of the type go too (as in PostgreSQL).
    pub(crate) fn drop_type(&mut self, name: &QualifiedName, if_exists: bool, cascade: bool) {
        let Some(schema) = self
            .lookup_schemas(name)
            .into_iter()
            .find(|s| self.type_exists(s, &name.name))
        else {
            if !if_exists {
                self.reject(
                    Proof::absent(Condition::UndefinedObject, name),
                    format!("type {name} does not exist"),
                );
            }
            return;
        };
        let format = format_user_type(&schema, &name.name);
        let uses = |t: &str| {
            t.strip_prefix(format.as_str())
                .is_some_and(|d| d.chars().all(|c| c == '[' || c == ']'))
        };
        // Types built on it (domains, ranges) and typed tables go with it under CASCADE, as
        // do attributes of composite types; without CASCADE they keep it.
        let me = (schema.clone(), name.name.clone());
        let built_on: Vec<QualifiedName> = self
            .catalog
            .domains
            .iter()
            .filter(|d| uses(&d.data_type))
            .map(|d| (&d.schema, &d.name))
            .chain(
                self.catalog
                    .range_types
                    .iter()
                    .filter(|r| uses(&r.subtype))
                    .map(|r| (&r.schema, &r.name)),
            )
            .map(|(s, n)| QualifiedName {
                schema: Some(s.clone()),
                name: n.clone(),
            })
            .collect();
        let typed_tables: Vec<crate::catalog::model::TableRef> = (0..self.catalog.tables.len())
            .filter(|&i| self.shadows[i].of_type.as_ref() == Some(&me))
            .map(|i| self.table_ref(i))
            .collect();
        let in_attributes = self
            .catalog
            .composite_types
            .iter()
            .any(|c| c.attributes.iter().any(|a| uses(&a.data_type)));
        if !cascade && (!built_on.is_empty() || !typed_tables.is_empty() || in_attributes) {
            self.reject(
                Proof::known(Condition::DependentObjectsStillExist, &schema, &name.name),
                format!(
                    "cannot drop type {name}: other objects depend on it; drop them first or add CASCADE"
                ),
            );
            return;
        }
        for dependent in built_on {
            self.drop_type(&dependent, true, true);
        }
        for table in typed_tables {
            let qualified = QualifiedName {
                schema: Some(table.schema.clone()),
                name: table.name.clone(),
            };
            self.drop_relation(&qualified, crate::catalog::model::RelationKind::Table, true, true);
        }
        for c in &mut self.catalog.composite_types {
            c.attributes.retain(|a| !uses(&a.data_type));
        }
        let users: Vec<(usize, String)> = self
            .catalog
            .tables
            .iter()
            .enumerate()
            .flat_map(|(i, r)| {
                r.columns
                    .iter()
                    .filter(|c| uses(&c.data_type))
                    .map(move |c| (i, c.name.clone()))
            })
            .collect();
        if let Some((table, column)) = users.first()
            && !cascade
        {
            let proof = self.on_relation(Condition::DependentObjectsStillExist, *table);
            let table = self.catalog.tables[*table].name.clone();
            self.reject(
                proof,
                format!("cannot drop type {name}: column {table}.{column} uses it; drop the column first or add CASCADE"),
            );
            return;
        }
        // A column in a partition key cannot go alone: its table goes with the type. The
        // others go in reverse so the indexes stay valid.
        let (keyed, columns): (Vec<_>, Vec<_>) = users.into_iter().partition(|(table, column)| {
            self.catalog.tables[*table]
                .partition_by
                .as_deref()
                .is_some_and(|key| key_mentions(key, column))
        });
        for (table, column) in columns.into_iter().rev() {
            self.remove_column(table, &column);
        }
        let keyed: Vec<crate::catalog::model::TableRef> =
            keyed.iter().map(|(t, _)| self.table_ref(*t)).collect();
        for table in keyed {
            let qualified = QualifiedName {
                schema: Some(table.schema.clone()),
                name: table.name.clone(),
            };
            self.drop_relation(&qualified, crate::catalog::model::RelationKind::Table, true, true);
        }
        let is = |s: &String, n: &String| *s == schema && *n == name.name;
        self.catalog.enums.retain(|e| !is(&e.schema, &e.name));
        self.catalog.domains.retain(|d| !is(&d.schema, &d.name));
        self.catalog.composite_types.retain(|c| !is(&c.schema, &c.name));
        self.catalog.range_types.retain(|r| !is(&r.schema, &r.name));
        self.other_types.remove(&(schema.clone(), name.name.clone()));
        self.settle(&schema, &name.name);
    }
}

/// The multirange type PostgreSQL makes for a range type: `range` in the name becomes
/// `multirange`, else `_multirange` is added (`makeMultirangeTypeName`).
fn multirange_name(range: &str) -> String {
    match range.find("range") {
        Some(i) => format!("{}multi{}", &range[..i], &range[i..]),
        None => format!("{range}_multirange"),
    }
}

/// Whether a partition key as `pg_get_partkeydef` prints it (`RANGE (a, lower(b))`) names the
/// column `column`.
fn key_mentions(key: &str, column: &str) -> bool {
    let inner = key.split_once('(').map_or("", |(_, rest)| rest);
    inner
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '"'))
        .any(|word| word.trim_matches('"') == column)
}
