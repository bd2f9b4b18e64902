//! The fold: applies statements in order to a [`Catalog`].
//!
//! **The rule: an error is a proof.** The fold reports an error only where it can show that
//! PostgreSQL would reject the history: a column that does not exist on a table whose every
//! statement was read, a name taken twice, a type no preceding statement could have made.
//! Every error site says what its proof rests on ([`super::proof::Proof`]) and goes through
//! [`Fold::reject`], which checks that the fold knows that much. Everything else it does not
//! understand is a warning at `path:line:col`, and the fold goes on: a statement it cannot
//! read or apply makes what it names uncertain from there on ([`super::proof`]), later
//! statements about uncertain objects are not errors, and the doubt's one warning counts them.
//!
//! [`Fold::fold`] sends each statement to one method named after the DDL (`create_table`,
//! `alter_table`, `drop_table`, `create_enum`, `comment_on`, ...); those live in one file per kind
//! of object. Problems are collected as diagnostics at the statement's (or the column's) place
//! in the file; the fold always goes on with the next statement.
//!
//! Besides the [`Catalog`] the fold keeps what PostgreSQL keeps and the catalog does not show:
//! expression trees of checks, index keys and generated columns (so renames can rewrite them),
//! which views read which relations, base types brought by extensions, and the session each
//! migration file runs in ([`super::session`]: search path, open transaction).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::catalog::cow::CowVec;
use crate::catalog::model::{Catalog, Relation};
use crate::catalog::proof::Doubts;
use crate::catalog::session::Session;
use crate::catalog::tool::Bookkeeping;
use crate::diagnostic::{Diagnostic, Location};
use crate::sql::QualifiedName;
use crate::sql::ddl::{Ddl, IndexKey, Reach, Routine, Statement};
use crate::sql::expr::Expr;

/// The schema unqualified names live in (the first schema on PostgreSQL's default search path
/// that exists in a fresh database).
pub const DEFAULT_SCHEMA: &str = "public";

/// The session's own schema for temporary objects (PostgreSQL's alias for `pg_temp_N`):
/// searched first for relations and types, emptied when the session (the file) ends.
pub const TEMP_SCHEMA: &str = "pg_temp";

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
    /// For views: the column names the query mentions (`*` when it selects all columns).
    pub uses_columns: BTreeSet<String>,
    /// For views: the columns a `*` stood for when the view was made, by (schema, relation,
    /// column); columns added later are not the view's.
    pub star_columns: BTreeSet<(String, String, String)>,
    /// Per column: how many parents it is inherited from, and whether it is also defined by
    /// the table itself (PostgreSQL's `attinhcount` and `attislocal`).
    pub inheritance: BTreeMap<String, (u32, bool)>,
    /// Constraints inherited from parents (checks): not dropped on their own.
    pub inherited_checks: BTreeSet<String>,
    /// For a typed table (`CREATE TABLE t OF type`): the type, which it goes with.
    pub of_type: Option<(String, String)>,
    /// Indexes of the partitioned parent that a primary key or unique constraint of this
    /// partition stands in for (PostgreSQL attaches the constraint's index).
    pub attached_constraint_indexes: BTreeSet<String>,
    /// For a partition: its bound as written (`FOR VALUES FROM (0) TO (10)`, `DEFAULT`).
    pub bound: Option<String>,
}

/// The parts of an index that refer to columns.
#[derive(Debug, Clone)]
pub(crate) struct IndexShape {
    pub keys: Vec<IndexKey>,
    /// `INCLUDE (columns)`: carried, not keys.
    pub include: Vec<String>,
    pub predicate: Option<Expr>,
    /// For an index a partitioned table's index made on a partition: the parent index.
    pub parent: Option<String>,
}

/// Folds statements into a catalog, collecting diagnostics.
#[derive(Debug, Clone)]
pub struct Fold {
    pub(crate) catalog: Catalog,
    /// Parallel to `catalog.tables`.
    pub(crate) shadows: CowVec<Shadow>,
    /// Base and shell types, and types brought by extensions: valid column types without a
    /// place in the catalog.
    pub(crate) other_types: BTreeSet<(String, String)>,
    /// Extensions and the schema their objects live in.
    pub(crate) extensions: BTreeMap<String, String>,
    pub(crate) schemas: BTreeSet<String>,
    /// Functions defined by the migrations whose bodies run DDL, with what it may change.
    pub(crate) ddl_functions: BTreeMap<String, Reach>,
    /// Functions defined by the migrations, by (schema, name), with what they return: views
    /// and queries may select from them.
    pub(crate) routines: BTreeMap<(String, String), Routine>,
    /// Where names resolve, and what a rollback returns to.
    pub(crate) session: Session,
    /// The migration tool's own tables, made when the history first refers to them.
    pub(crate) bookkeeping: Bookkeeping,
    /// How many statements of each command were skipped because they cannot change the shape.
    pub(crate) skipped: BTreeMap<&'static str, usize>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// What the fold could not read or apply, and what is uncertain because of it.
    pub(crate) doubts: Doubts,
    /// The file being folded.
    pub(crate) path: PathBuf,
    /// Where the statement being folded starts.
    pub(crate) at: Location,
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
            shadows: CowVec::default(),
            other_types: BTreeSet::new(),
            extensions: BTreeMap::new(),
            // Every database has these; `public` is the one migrations create objects in.
            schemas: [DEFAULT_SCHEMA, "pg_catalog", "information_schema", TEMP_SCHEMA]
                .map(String::from)
                .into(),
            ddl_functions: BTreeMap::new(),
            routines: BTreeMap::new(),
            session: Session::default(),
            bookkeeping: Bookkeeping::default(),
            skipped: BTreeMap::new(),
            diagnostics: Vec::new(),
            doubts: Doubts::default(),
            path: PathBuf::new(),
            at: Location { line: 1, column: 1 },
        }
    }

    /// A fold that knows the bookkeeping tables of the migration tool that applies the
    /// history (made, as the tool makes them, before the first file, once the history
    /// refers to one).
    pub fn for_tool(bookkeeping: Bookkeeping) -> Self {
        Self {
            bookkeeping,
            ..Self::new()
        }
    }

    /// Starts a migration file: psql runs each file in a session of its own, so settings
    /// (the search path) start from their defaults, and a transaction the previous file left
    /// open was rolled back when its session ended.
    pub fn begin_file(&mut self, path: &Path) {
        if self.session.in_transaction() {
            self.warn("the previous file ended inside a transaction; PostgreSQL rolled it back");
            self.rollback();
        }
        self.path = path.to_path_buf();
        self.session.reset();
        self.drop_temporary_objects();
    }

    /// The session ended: its temporary objects are gone.
    fn drop_temporary_objects(&mut self) {
        loop {
            let Some(i) = self.catalog.tables.iter().position(|r| r.schema == TEMP_SCHEMA) else {
                break;
            };
            let r = &self.catalog.tables[i];
            let name = QualifiedName {
                schema: Some(TEMP_SCHEMA.to_string()),
                name: r.name.clone(),
            };
            let kind = r.kind;
            self.drop_relation(&name, kind, true, true);
        }
        self.catalog.sequences.retain(|s| s.schema != TEMP_SCHEMA);
    }

    /// Applies one statement of the migration file `path`.
    pub fn fold(&mut self, path: &Path, statement: &Statement) {
        if self.path != path {
            self.path = path.to_path_buf();
        }
        self.at = statement.location;
        match &statement.ddl {
            Ddl::CreateTable(t) => self.create_table(t),
            Ddl::CreateTableAs {
                name,
                if_not_exists,
                columns,
                query,
            } => self.create_table_as(name, *if_not_exists, columns, query),
            Ddl::AlterTable(a) => self.alter_table(a),
            Ddl::Drop(d) => self.drop(d),
            Ddl::CreateEnum { name, labels } => self.create_enum(name, labels),
            Ddl::CreateComposite { name, attributes } => self.create_composite(name, attributes),
            Ddl::CreateRange {
                name,
                subtype,
                multirange,
            } => self.create_range(name, subtype, multirange.as_ref()),
            Ddl::CreateOtherType { name } => self.create_other_type(name),
            Ddl::AlterType { name, actions } => {
                for action in actions {
                    self.alter_type(name, action);
                }
            }
            Ddl::CreateDomain {
                name,
                data_type,
                not_null,
                default,
                checks,
            } => self.create_domain(name, data_type, *not_null, default.as_ref(), checks),
            Ddl::AlterDomain { name, action } => self.alter_domain(name, action),
            Ddl::CreateView(v) => self.create_view(v),
            Ddl::CreateIndex(i) => self.create_index(i),
            Ddl::RenameRelation {
                kind,
                name,
                new_name,
                if_exists,
            } => self.rename_relation(*kind, name, new_name, *if_exists),
            Ddl::SetSchema {
                object,
                name,
                if_exists,
                schema,
            } => self.set_schema(*object, name, *if_exists, schema),
            Ddl::RenameSchema { from, to } => self.rename_schema(from, to),
            Ddl::Comment { target, name, text } => self.comment_on(*target, name, text.as_deref()),
            Ddl::CreateExtension { name, schema } => self.create_extension(name, schema.as_deref()),
            Ddl::CreateSequence {
                name,
                if_not_exists,
                options,
            } => {
                if self.create_sequence(name, *if_not_exists) {
                    self.alter_sequence(name, false, options);
                }
            }
            Ddl::AlterSequence {
                name,
                if_exists,
                actions,
            } => self.alter_sequence(name, *if_exists, actions),
            Ddl::CreateSchema { name, elements } => {
                self.create_schema(name);
                // PostgreSQL makes the elements with the new schema first on the search path.
                let saved = self.session.clone_settings();
                let mut path = self.session.search_path();
                path.insert(0, name.clone());
                self.session.set_search_path(Some(path), false);
                // PostgreSQL runs them sequences first, then tables, views, indexes, triggers
                // and grants (`transformCreateSchemaStmtElements`), whatever the order written.
                let rank = |s: &Statement| match s.command {
                    "CREATE SEQUENCE" => 0,
                    "CREATE TABLE" | "CREATE FOREIGN TABLE" => 1,
                    "CREATE VIEW" => 2,
                    "CREATE INDEX" => 3,
                    "CREATE TRIGGER" => 4,
                    _ => 5,
                };
                let mut ordered: Vec<&Statement> = elements.iter().collect();
                ordered.sort_by_key(|s| rank(s));
                for element in ordered {
                    self.fold_here(element);
                }
                self.session.restore_settings(saved);
            }
            Ddl::SetSearchPath { schemas, local } => self.session.set_search_path(schemas.clone(), *local),
            Ddl::ResetSession => self.session.reset(),
            Ddl::Transaction(t) => self.transaction(t),
            Ddl::CreateFunction { name, ddl, routine } => {
                if let Some(routine) = routine {
                    let schema = self.schema_of(&routine.name);
                    self.routines
                        .insert((schema, routine.name.name.clone()), routine.clone());
                }
                match ddl {
                    Some(reach) => self.ddl_functions.insert(name.clone(), reach.clone()),
                    None => self.ddl_functions.remove(name),
                };
            }
            Ddl::Call { functions } => {
                let hidden: Vec<(String, Reach)> = functions
                    .iter()
                    .filter_map(|f| self.ddl_functions.get(f).map(|r| (f.clone(), r.clone())))
                    .collect();
                for (f, reach) in hidden {
                    let message = format!(
                        "{f}() runs DDL (EXECUTE, CREATE, ALTER or DROP in its body) that the generator cannot see; its effect is not in the catalog"
                    );
                    self.doubt(&reach, &message);
                }
            }
            Ddl::Do(block) => self.do_block(block),
            Ddl::TableToView { table, query } => self.table_to_view(table, query),
            Ddl::AttachIndex { parent, child } => self.attach_index(parent, child),
            Ddl::Skipped => *self.skipped.entry(statement.command).or_default() += 1,
            Ddl::Unsupported { reason, reach } => self.doubt(reach, reason),
            Ddl::Unread { reason, reach, at } => self.doubt_at(*at, reach, reason),
        }
        self.end_statement(|| statement.ddl.reach());
    }

    /// Applies a statement of the file being folded (one inside a `DO` block).
    pub(crate) fn fold_here(&mut self, statement: &Statement) {
        let path = self.path.clone();
        self.fold(&path, statement);
    }

    /// `CREATE SCHEMA`.
    fn create_schema(&mut self, name: &str) {
        if !self.schemas.insert(name.to_string()) {
            // CREATE SCHEMA IF NOT EXISTS is the usual spelling; a plain duplicate fails in
            // PostgreSQL, but the statement carries no IF NOT EXISTS flag here.
        }
    }

    /// The catalog folded so far (before [`Fold::finish`] sorts it and settles its doubts).
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The catalog in its stable order, and everything the fold had to say.
    pub fn finish(mut self) -> (Catalog, Vec<Diagnostic>) {
        if self.session.in_transaction() {
            self.warn("the last file ended inside a transaction; PostgreSQL rolled it back");
            self.rollback();
        }
        self.drop_temporary_objects();
        self.catalog.sort();
        self.finish_doubts();
        (self.catalog, self.diagnostics)
    }

    /// How many statements of each command were skipped as unable to change the shape.
    pub fn skipped(&self) -> &BTreeMap<&'static str, usize> {
        &self.skipped
    }

    /// The SQL the migration tool ran before the first file that this history relies on (its
    /// bookkeeping table, when the history alters it).
    pub fn preamble(&self) -> Vec<String> {
        self.bookkeeping.made().to_vec()
    }

    /// The fold as it is now, to return to on a rollback (diagnostics and open transactions
    /// are not part of it).
    pub(crate) fn snapshot(&self) -> Box<Fold> {
        let mut before = self.clone();
        before.diagnostics.clear();
        before.session.frames.clear();
        Box::new(before)
    }

    /// Returns to a snapshot, keeping what was said since and the transaction frames.
    pub(crate) fn restore(&mut self, before: Fold) {
        let frames = std::mem::take(&mut self.session.frames);
        let diagnostics = std::mem::take(&mut self.diagnostics);
        let skipped = std::mem::take(&mut self.skipped);
        let (path, at) = (std::mem::take(&mut self.path), self.at);
        *self = before;
        self.session.frames = frames;
        self.diagnostics = diagnostics;
        self.skipped = skipped;
        self.path = path;
        self.at = at;
    }

    /// The current statement's place, as `file:line:col` (the file's name, without its
    /// folder).
    pub(crate) fn here(&self) -> String {
        let file = self.path.file_name().unwrap_or_default().to_string_lossy();
        format!("{file}:{}:{}", self.at.line, self.at.column)
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

    /// The schema a new object named `name` goes to: its own qualifier, else the first
    /// schema on the search path that exists (as PostgreSQL chooses the creation schema).
    pub(crate) fn schema_of(&self, name: &QualifiedName) -> String {
        match &name.schema {
            Some(schema) => schema.clone(),
            None => self
                .session
                .search_path()
                .into_iter()
                .find(|s| self.schemas.contains(s))
                .unwrap_or_else(|| DEFAULT_SCHEMA.to_string()),
        }
    }

    /// The schemas an unqualified name is looked up in, in order: `pg_catalog` first unless
    /// the search path places it, as PostgreSQL looks names up.
    pub(crate) fn lookup_schemas(&self, name: &QualifiedName) -> Vec<String> {
        match &name.schema {
            Some(schema) => vec![schema.clone()],
            None => {
                let mut path = self.session.search_path();
                if !path.iter().any(|s| s == "pg_catalog") {
                    path.insert(0, "pg_catalog".to_string());
                }
                if !path.iter().any(|s| s == TEMP_SCHEMA) {
                    path.insert(0, TEMP_SCHEMA.to_string());
                }
                path.retain(|s| self.schemas.contains(s));
                path
            }
        }
    }

    /// Index of the relation `name` in `catalog.tables`, found along the search path.
    pub(crate) fn find_relation(&self, name: &QualifiedName) -> Option<usize> {
        self.lookup_schemas(name)
            .iter()
            .find_map(|schema| self.catalog.tables.position(schema, &name.name))
    }

    /// Like [`Self::find_relation`], for statements that need the relation to exist: a
    /// migration tool's bookkeeping table the history refers to is made on first use.
    pub(crate) fn require_relation(&mut self, name: &QualifiedName) -> Option<usize> {
        if let Some(i) = self.find_relation(name) {
            return Some(i);
        }
        let sql = self.bookkeeping.take(name)?;
        self.make_bookkeeping_table(&sql);
        self.find_relation(name)
    }

    /// The relations whose queries read the relation `me` (views), by position.
    pub(crate) fn dependents_of(&self, me: &(String, String)) -> Vec<usize> {
        self.shadows
            .iter()
            .enumerate()
            .filter(|(_, s)| s.depends_on.contains(me))
            .map(|(i, _)| i)
            .collect()
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
        self.catalog.sequences.retain(
            |s| !matches!(&s.owned_by, Some(o) if o.schema == relation.schema && o.table == relation.name),
        );
        relation
    }

    /// True when a relation (table, view, index, sequence, composite type) named `name`
    /// exists in `schema`: they share one namespace, PostgreSQL's `pg_class`.
    pub(crate) fn relation_name_taken(&self, schema: &str, name: &str) -> bool {
        self.catalog.tables.class_name_taken(schema, name)
            || self.catalog.sequences.position(schema, name).is_some()
            || self
                .catalog
                .composite_types
                .iter()
                .any(|c| c.schema == schema && c.name == name)
            || self.other_types.contains(&(schema.to_string(), name.to_string()))
    }

    /// True when a constraint named `name` exists in `schema` (on any table or domain).
    pub(crate) fn constraint_name_taken(&self, schema: &str, name: &str) -> bool {
        self.catalog.tables.constraint_name_taken(schema, name)
            || self
                .catalog
                .domains
                .iter()
                .any(|d| d.schema == schema && d.checks.iter().any(|c| c.name == name))
    }
}
