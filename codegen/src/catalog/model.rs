//! The schema model: what the fold builds from the migrations and the emitter turns into Rust.
//!
//! No parser types appear here. Names are stored as PostgreSQL stores them (unquoted names
//! folded to lower case), types spelled as PostgreSQL's `format_type()` prints them, and
//! constraint names exactly as PostgreSQL would choose them. Serialised with serde, this is the
//! `schema --json` format of SPEC section 3; fields the format does not name are either left
//! out of the JSON (`#[serde(skip)]`) or written only when set.

use serde::{Deserialize, Serialize};

pub use crate::catalog::indexed::{Relations, Sequences};

/// Everything the migrations define, in a stable order (relations and enums sorted by
/// schema and name; columns in table order; constraints and indexes sorted by name).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    /// Tables, views and materialized views.
    pub tables: Relations,
    /// Enum types made with `CREATE TYPE ... AS ENUM`.
    pub enums: Vec<EnumType>,
    /// Domains made with `CREATE DOMAIN`; columns of a domain type name the domain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<Domain>,
    /// Composite types made with `CREATE TYPE ... AS (...)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub composite_types: Vec<CompositeType>,
    /// Range types made with `CREATE TYPE ... AS RANGE`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub range_types: Vec<RangeType>,
    /// Sequences: made by `CREATE SEQUENCE`, serial columns and identity columns.
    #[serde(default, skip_serializing_if = "Sequences::is_empty")]
    pub sequences: Sequences,
    /// What the fold could not be sure of: objects (and names) that a statement it could not
    /// read or apply may have changed. `verify` does not count differences about them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uncertain: Vec<Uncertain>,
}

/// An object, or a name, a statement the fold could not read or apply may have changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uncertain {
    /// Its schema; `None` for a name written unqualified (any schema).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Its name (`t_*` for the names PostgreSQL derives from table `t`); `None` for every
    /// object of the schema, or for anything at all when the schema is `None` too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `relation`, `type`, `sequence`, or `name` for a name the catalog does not have.
    pub kind: String,
    /// The statement that caused the doubt: `file:line:col: what`.
    pub cause: String,
}

impl Uncertain {
    /// Whether this covers the object `schema.name`.
    pub fn covers(&self, schema: &str, name: &str) -> bool {
        if self.schema.as_deref().is_some_and(|s| s != schema) {
            return false;
        }
        match &self.name {
            None => true,
            Some(n) => match n.strip_suffix('*') {
                Some(prefix) => name.starts_with(prefix),
                None => n == name,
            },
        }
    }
}

/// What kind of relation a [`Relation`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// `CREATE TABLE`.
    Table,
    /// `CREATE VIEW`.
    View,
    /// `CREATE MATERIALIZED VIEW`.
    MaterializedView,
    /// `CREATE FOREIGN TABLE`.
    ForeignTable,
}

/// A table or view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    /// Schema name (`public` unless qualified).
    pub schema: String,
    /// Relation name.
    pub name: String,
    /// Table, view or materialized view.
    pub kind: RelationKind,
    /// `COMMENT ON TABLE/VIEW`.
    pub comment: Option<String>,
    /// Columns in table order.
    pub columns: Vec<Column>,
    /// Primary key columns, in key order; empty when there is none.
    pub primary_key: Vec<String>,
    /// Name of the primary key constraint (`teams_pkey`), when there is one.
    #[serde(skip)]
    pub primary_key_name: Option<String>,
    /// Unique constraints (not unique indexes, which are in `indexes`).
    pub unique: Vec<UniqueKey>,
    /// Foreign keys from this relation.
    pub foreign_keys: Vec<ForeignKey>,
    /// CHECK constraints.
    pub checks: Vec<Check>,
    /// Indexes made with CREATE INDEX (constraint-backing indexes are not listed).
    pub indexes: Vec<Index>,
    /// Names of `EXCLUDE` constraints (each has an index of the same name). Kept so that they
    /// can be dropped, renamed and named around; not part of the JSON.
    #[serde(skip)]
    pub exclusions: Vec<String>,
    /// The tables it inherits from (`INHERITS`), in order; a partition's parent is in
    /// `partition_of` instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inherits: Vec<TableRef>,
    /// The partitioned table this table is a partition of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_of: Option<TableRef>,
    /// How a partitioned table is partitioned, as `pg_get_partkeydef` prints it
    /// (`RANGE (created_at)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_by: Option<String>,
    /// Why the columns of this view are not known (`path:line:col: reason`): a view over
    /// something static reading cannot type, kept so later statements on it still fold.
    /// `None` when they are known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown: Option<String>,
}

/// A table named by schema and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TableRef {
    /// Schema name.
    pub schema: String,
    /// Table name.
    pub name: String,
}

/// How an identity column gets its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    /// `GENERATED ALWAYS AS IDENTITY`: inserts may not set it.
    Always,
    /// `GENERATED BY DEFAULT AS IDENTITY`: inserts may set it.
    ByDefault,
}

/// A column of a table or view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// Type as `format_type()` spells it: `character varying(100)`, `integer`, `text[]`, `mood`.
    #[serde(rename = "type")]
    pub data_type: String,
    /// False when the column is NOT NULL (or part of the primary key).
    pub nullable: bool,
    /// Default expression, normalised (`gen_random_uuid()`, `'free'`, `now()`); serial columns
    /// get `nextval('<table>_<column>_seq'::regclass)`.
    pub default: Option<String>,
    /// `COMMENT ON COLUMN`.
    pub comment: Option<String>,
    /// Identity column kind, when the column is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// Expression of a `GENERATED ALWAYS AS (...) STORED` column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<String>,
}

/// A UNIQUE constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UniqueKey {
    /// Constraint name (`teams_slug_key` when PostgreSQL chose it).
    pub name: String,
    /// Columns in key order.
    pub columns: Vec<String>,
}

/// What a foreign key points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// Schema of the referenced table.
    pub schema: String,
    /// Referenced table.
    pub table: String,
    /// Referenced columns, matching the foreign key's columns one to one.
    pub columns: Vec<String>,
}

/// A FOREIGN KEY constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// Constraint name (`projects_team_id_fkey` when PostgreSQL chose it).
    pub name: String,
    /// Referencing columns.
    pub columns: Vec<String>,
    /// The referenced table and columns.
    pub references: Reference,
    /// `cascade`, `set null`, `set default`, `restrict` or `no action`.
    pub on_delete: String,
    /// The same for `ON UPDATE` (shown when it is not `no action`).
    #[serde(default = "no_action", skip_serializing_if = "is_no_action")]
    pub on_update: String,
    /// `MATCH ...` and `DEFERRABLE ...` as written; not part of the JSON.
    #[serde(skip)]
    pub details: String,
}

fn no_action() -> String {
    "no action".into()
}

fn is_no_action(action: &str) -> bool {
    action == "no action"
}

/// A CHECK constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Constraint name (`teams_billing_plan_check` when PostgreSQL chose it).
    pub name: String,
    /// The boolean expression, as written (whitespace normalised).
    pub expression: String,
    /// Set when the check limits one column to a list of strings (`col IN ('a', 'b')`),
    /// which makes that column a Rust enum.
    #[serde(skip)]
    pub allowed_values: Option<AllowedValues>,
    /// `NO INHERIT`: the table's children do not get it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_inherit: bool,
}

/// A column limited by a CHECK to a fixed list of strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedValues {
    /// The column the check limits.
    pub column: String,
    /// The allowed values, in the order written.
    pub values: Vec<String>,
}

/// An index made with CREATE INDEX.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// Index name.
    pub name: String,
    /// True for CREATE UNIQUE INDEX.
    pub unique: bool,
    /// Key columns in order; a descending key is `created_at DESC`, an expression key is
    /// the expression text.
    pub columns: Vec<String>,
    /// The WHERE of a partial index.
    pub predicate: Option<String>,
}

/// An enum type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumType {
    /// Schema name.
    pub schema: String,
    /// Type name.
    pub name: String,
    /// Labels in sort order (as ALTER TYPE ... ADD VALUE BEFORE/AFTER placed them).
    pub values: Vec<String>,
    /// `COMMENT ON TYPE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A domain: a named base type with optional constraints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domain {
    /// Schema name.
    pub schema: String,
    /// Domain name.
    pub name: String,
    /// The base type, spelled like a column type.
    #[serde(rename = "type")]
    pub data_type: String,
    /// False when the domain is NOT NULL.
    pub nullable: bool,
    /// The domain's default, normalised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Its CHECK constraints (`VALUE > 0`), sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
}

/// A composite type: a row of named, typed attributes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompositeType {
    /// Schema name.
    pub schema: String,
    /// Type name.
    pub name: String,
    /// Attributes in order.
    pub attributes: Vec<Attribute>,
    /// `COMMENT ON TYPE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// An attribute of a composite type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    /// Attribute name.
    pub name: String,
    /// Type as `format_type()` spells it.
    #[serde(rename = "type")]
    pub data_type: String,
}

/// A range type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeType {
    /// Schema name.
    pub schema: String,
    /// Type name.
    pub name: String,
    /// The subtype, as `format_type()` spells it.
    pub subtype: String,
    /// The name of its multirange type.
    pub multirange: String,
}

/// A sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    /// Schema name.
    pub schema: String,
    /// Sequence name.
    pub name: String,
    /// `smallint`, `integer` or `bigint`.
    #[serde(rename = "type")]
    pub data_type: String,
    /// The column that owns it (a serial or identity column, or `OWNED BY`); dropping the
    /// column drops the sequence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_by: Option<ColumnRef>,
}

/// A column named by schema, table and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ColumnRef {
    /// Schema name.
    pub schema: String,
    /// Table name.
    pub table: String,
    /// Column name.
    pub column: String,
}

impl Catalog {
    /// The relation `schema.name`, if the migrations define it.
    pub fn relation(&self, schema: &str, name: &str) -> Option<&Relation> {
        self.tables.iter().find(|r| r.schema == schema && r.name == name)
    }

    /// Why `schema.name` is uncertain (the statement that caused the doubt), if it is.
    pub fn uncertainty(&self, schema: &str, name: &str) -> Option<&str> {
        self.uncertain
            .iter()
            .find(|u| u.covers(schema, name))
            .map(|u| u.cause.as_str())
    }

    /// The enum type `schema.name`.
    pub fn enum_type(&self, schema: &str, name: &str) -> Option<&EnumType> {
        self.enums.iter().find(|e| e.schema == schema && e.name == name)
    }

    /// Puts relations, enums, domains, constraints and indexes in their stable order.
    pub fn sort(&mut self) {
        self.tables
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        self.enums
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        self.domains
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        for domain in &mut self.domains {
            domain.checks.sort_by(|a, b| a.name.cmp(&b.name));
        }
        self.composite_types
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        self.range_types
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        self.sequences
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        for table in &mut self.tables {
            table.unique.sort_by(|a, b| a.name.cmp(&b.name));
            table.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
            table.checks.sort_by(|a, b| a.name.cmp(&b.name));
            table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }

    /// The stable JSON of `schema --json`.
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("a catalog always serialises");
        json.push('\n');
        json
    }
}

impl Relation {
    /// An empty relation.
    pub fn new(schema: impl Into<String>, name: impl Into<String>, kind: RelationKind) -> Self {
        Self {
            schema: schema.into(),
            name: name.into(),
            kind,
            comment: None,
            columns: Vec::new(),
            primary_key: Vec::new(),
            primary_key_name: None,
            unique: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            indexes: Vec::new(),
            exclusions: Vec::new(),
            inherits: Vec::new(),
            partition_of: None,
            partition_by: None,
            unknown: None,
        }
    }

    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// True for tables (not views): only tables get insert structs and write access.
    pub fn is_table(&self) -> bool {
        matches!(self.kind, RelationKind::Table | RelationKind::ForeignTable)
    }

    /// True for tables that hold rows PostgreSQL can index and key (not foreign tables).
    pub fn is_local_table(&self) -> bool {
        self.kind == RelationKind::Table
    }
}
