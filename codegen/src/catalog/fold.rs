//! The fold: applies statements in order to a [`Catalog`].
//!
//! [`Fold::fold`] sends each statement to one method named after the DDL (`create_table`,
//! `alter_table`, `drop_table`, `create_enum`, `comment_on`, ...); those live in one file per kind
//! of object. Problems are collected as diagnostics at the statement's (or the column's) place
//! in the file; the fold always goes on with the next statement.
//!
//! Besides the [`Catalog`] the fold keeps what PostgreSQL keeps and the catalog does not show:
//! expression trees of checks, index keys and generated columns (so renames can rewrite them),
//! sequences (their names take part in name choice), and types brought by extensions.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::catalog::model::{Catalog, Relation};
use crate::diagnostic::{Diagnostic, Location};
use crate::sql::QualifiedName;
use crate::sql::ddl::{Ddl, IndexKey, Statement};
use crate::sql::expr::Expr;

/// The schema unqualified names live in (the first schema on PostgreSQL's default search path
/// that exists in a fresh database).
pub const DEFAULT_SCHEMA: &str = "public";

/// What the fold knows about a relation beyond [`Relation`], kept at the same index.
#[derive(Debug, Clone, Default)]
pub(crate) struct Shadow {
    /// CHECK conditions by constraint name.
    pub checks: BTreeMap<String, Expr>,
    /// Index keys and predicates by index name.
    pub indexes: BTreeMap<String, IndexShape>,
    /// Generation expressions by column name.
    pub generated: BTreeMap<String, Expr>,
    /// Default expressions by column name.
    pub defaults: BTreeMap<String, Expr>,
    /// For views: the relations (schema, name) the query reads.
    pub depends_on: Vec<(String, String)>,
}

/// The parts of an index that refer to columns.
#[derive(Debug, Clone)]
pub(crate) struct IndexShape {
    pub keys: Vec<IndexKey>,
    pub predicate: Option<Expr>,
}

/// A sequence made for a serial or identity column (or by CREATE SEQUENCE).
#[derive(Debug, Clone)]
pub(crate) struct Sequence {
    pub schema: String,
    pub name: String,
    /// Table and column that own it; dropping either drops the sequence.
    pub owner: Option<(String, String, String)>,
}

/// Folds statements into a catalog, collecting diagnostics.
#[derive(Debug)]
pub struct Fold {
    pub(crate) catalog: Catalog,
    /// Parallel to `catalog.tables`.
    pub(crate) shadows: Vec<Shadow>,
    pub(crate) sequences: Vec<Sequence>,
    /// Composite, range and base types: valid column types without a place in the catalog.
    pub(crate) other_types: BTreeSet<(String, String)>,
    pub(crate) schemas: BTreeSet<String>,
    /// Functions defined by the migrations whose bodies run DDL.
    ddl_functions: BTreeSet<String>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    path: PathBuf,
    at: Location,
}

impl Default for Fold {
    fn default() -> Self {
        Self::new()
    }
}

impl Fold {
    /// An empty catalog with the `public` schema.
    pub fn new() -> Self {
        Self {
            catalog: Catalog::default(),
            shadows: Vec::new(),
            sequences: Vec::new(),
            other_types: BTreeSet::new(),
            schemas: [DEFAULT_SCHEMA.to_string()].into(),
            ddl_functions: BTreeSet::new(),
            diagnostics: Vec::new(),
            path: PathBuf::new(),
            at: Location { line: 1, column: 1 },
        }
    }

    /// Applies one statement of the migration file `path`.
    pub fn fold(&mut self, path: &Path, statement: &Statement) {
        if self.path != path {
            self.path = path.to_path_buf();
        }
        self.at = statement.location;
        match &statement.ddl {
            Ddl::CreateTable(t) => self.create_table(t),
            Ddl::AlterTable(a) => self.alter_table(a),
            Ddl::Drop(d) => self.drop(d),
            Ddl::CreateEnum { name, labels } => self.create_enum(name, labels),
            Ddl::CreateOtherType { name } => self.create_other_type(name),
            Ddl::AlterType { name, action } => self.alter_type(name, action),
            Ddl::CreateDomain {
                name,
                data_type,
                not_null,
            } => self.create_domain(name, data_type, *not_null),
            Ddl::CreateView(v) => self.create_view(v),
            Ddl::CreateIndex(i) => self.create_index(i),
            Ddl::RenameRelation {
                kind,
                name,
                new_name,
                if_exists,
            } => self.rename_relation(*kind, name, new_name, *if_exists),
            Ddl::Comment { target, name, text } => self.comment_on(*target, name, text.as_deref()),
            Ddl::CreateExtension { name, schema } => self.create_extension(name, schema.as_deref()),
            Ddl::CreateSequence { name, if_not_exists } => self.create_sequence(name, *if_not_exists),
            Ddl::CreateSchema { name } => {
                self.schemas.insert(name.clone());
            }
            Ddl::CreateFunction { name, runs_ddl } => {
                if *runs_ddl {
                    self.ddl_functions.insert(name.clone());
                } else {
                    self.ddl_functions.remove(name);
                }
            }
            Ddl::Call { functions } => {
                let hidden: Vec<&String> = functions
                    .iter()
                    .filter(|f| self.ddl_functions.contains(*f))
                    .collect();
                for f in hidden {
                    let message = format!(
                        "{f}() runs DDL (EXECUTE, CREATE, ALTER or DROP in its body) that the generator cannot see; its effect is not in the catalog"
                    );
                    self.warn(message);
                }
            }
            Ddl::Skipped => {}
            Ddl::Unsupported { reason } => self.warn(reason.clone()),
        }
    }

    /// `CREATE SEQUENCE`: not in the catalog, but its name is taken.
    fn create_sequence(&mut self, name: &QualifiedName, if_not_exists: bool) {
        let schema = Self::schema_of(name);
        if self.relation_name_taken(&schema, &name.name) {
            if !if_not_exists {
                self.error(format!("relation {name} already exists"));
            }
            return;
        }
        self.sequences.push(Sequence {
            schema,
            name: name.name.clone(),
            owner: None,
        });
    }

    /// The catalog in its stable order, and everything the fold had to say.
    pub fn finish(mut self) -> (Catalog, Vec<Diagnostic>) {
        self.catalog.sort();
        (self.catalog, self.diagnostics)
    }

    /// An error at the current statement.
    pub(crate) fn error(&mut self, message: impl Into<String>) {
        let at = self.at;
        self.error_at(at, message);
    }

    /// An error at a place in the current file.
    pub(crate) fn error_at(&mut self, at: Location, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::error_at(&self.path, at, message));
    }

    /// A warning at the current statement.
    pub(crate) fn warn(&mut self, message: impl Into<String>) {
        let at = self.at;
        self.warn_at(at, message);
    }

    /// A warning at a place in the current file.
    pub(crate) fn warn_at(&mut self, at: Location, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::warning_at(&self.path, at, message));
    }

    /// The schema a name lives in.
    pub(crate) fn schema_of(name: &QualifiedName) -> String {
        name.schema.clone().unwrap_or_else(|| DEFAULT_SCHEMA.to_string())
    }

    /// Index of the relation `name` in `catalog.tables`.
    pub(crate) fn find_relation(&self, name: &QualifiedName) -> Option<usize> {
        let schema = Self::schema_of(name);
        self.catalog
            .tables
            .iter()
            .position(|r| r.schema == schema && r.name == name.name)
    }

    /// Adds a relation and its shadow.
    pub(crate) fn push_relation(&mut self, relation: Relation, shadow: Shadow) -> usize {
        self.catalog.tables.push(relation);
        self.shadows.push(shadow);
        self.catalog.tables.len() - 1
    }

    /// Removes a relation, its shadow and the sequences it owns.
    pub(crate) fn remove_relation(&mut self, index: usize) -> Relation {
        self.shadows.remove(index);
        let relation = self.catalog.tables.remove(index);
        self.sequences.retain(|s| {
            !matches!(&s.owner, Some((schema, table, _)) if *schema == relation.schema && *table == relation.name)
        });
        relation
    }

    /// True when a relation (table, view, index, sequence) named `name` exists in `schema`.
    pub(crate) fn relation_name_taken(&self, schema: &str, name: &str) -> bool {
        self.catalog.tables.iter().any(|r| {
            r.schema == schema
                && (r.name == name
                    || r.indexes.iter().any(|i| i.name == name)
                    || r.primary_key_name.as_deref() == Some(name)
                    || r.unique.iter().any(|u| u.name == name))
        }) || self
            .sequences
            .iter()
            .any(|s| s.schema == schema && s.name == name)
            || self.other_types.contains(&(schema.to_string(), name.to_string()))
    }

    /// True when a constraint named `name` exists in `schema` (on any table).
    pub(crate) fn constraint_name_taken(&self, schema: &str, name: &str) -> bool {
        self.catalog.tables.iter().any(|r| {
            r.schema == schema
                && (r.primary_key_name.as_deref() == Some(name)
                    || r.unique.iter().any(|u| u.name == name)
                    || r.foreign_keys.iter().any(|f| f.name == name)
                    || r.checks.iter().any(|c| c.name == name))
        })
    }
}
