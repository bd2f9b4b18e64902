//! The statements the fold understands: a small DDL language of our own.
//!
//! [`crate::parse`] turns SQL into these (parser types never get further than that), and the fold
//! applies them in order. Names are already case-folded the way PostgreSQL folds them: unquoted
//! identifiers in lower case, quoted ones exactly as written, all cut to 63 bytes.

use crate::diagnostic::Location;
use crate::sql::expr::{Expr, Query};
use crate::sql::{QualifiedName, TypeName};

/// One statement of a migration and where it starts in its file.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Line and column of the statement's first token, in the file.
    pub location: Location,
    /// What the statement does.
    pub ddl: Ddl,
}

/// What a statement does, in the fold's terms.
#[derive(Debug, Clone, PartialEq)]
pub enum Ddl {
    /// `CREATE TABLE`.
    CreateTable(CreateTable),
    /// `ALTER TABLE` with one or more actions.
    AlterTable(AlterTable),
    /// `DROP TABLE|VIEW|MATERIALIZED VIEW|INDEX|TYPE|DOMAIN`.
    Drop(Drop),
    /// `CREATE TYPE ... AS ENUM`.
    CreateEnum {
        /// Type name.
        name: QualifiedName,
        /// Labels in order.
        labels: Vec<String>,
    },
    /// `CREATE TYPE` that is not an enum (composite, range, base): its name becomes a valid
    /// column type, but it has no place in the catalog.
    CreateOtherType {
        /// Type name.
        name: QualifiedName,
    },
    /// `ALTER TYPE ...` on an enum (or a rename of any type).
    AlterType {
        /// Type name.
        name: QualifiedName,
        /// What changes.
        action: TypeAction,
    },
    /// `CREATE DOMAIN`.
    CreateDomain {
        /// Domain name.
        name: QualifiedName,
        /// Base type.
        data_type: TypeName,
        /// `NOT NULL` given.
        not_null: bool,
    },
    /// `CREATE [OR REPLACE] [MATERIALIZED] VIEW`.
    CreateView(CreateView),
    /// `CREATE [UNIQUE] INDEX`.
    CreateIndex(CreateIndex),
    /// `ALTER INDEX|VIEW|MATERIALIZED VIEW|SEQUENCE ... RENAME TO`.
    RenameRelation {
        /// What kind of relation the statement names.
        kind: RelationKindWritten,
        /// Old name.
        name: QualifiedName,
        /// New name (never qualified: renames stay in the schema).
        new_name: String,
        /// `IF EXISTS` given.
        if_exists: bool,
    },
    /// `COMMENT ON ...`.
    Comment {
        /// What the comment is on.
        target: CommentTarget,
        /// The object's name; for columns the last part is the column.
        name: Vec<String>,
        /// The text, or `None` for `IS NULL`.
        text: Option<String>,
    },
    /// `CREATE EXTENSION`: some extensions bring types (`citext`, `hstore`).
    CreateExtension {
        /// Extension name.
        name: String,
        /// Schema the extension's objects go to, when given.
        schema: Option<String>,
    },
    /// `CREATE SEQUENCE`: its name takes part in the names PostgreSQL chooses.
    CreateSequence {
        /// Sequence name.
        name: QualifiedName,
        /// `IF NOT EXISTS` given.
        if_not_exists: bool,
    },
    /// `CREATE SCHEMA`.
    CreateSchema {
        /// Schema name.
        name: String,
    },
    /// `CREATE FUNCTION|PROCEDURE`: cannot change the shape by itself, but a body that runs
    /// DDL changes it when called during a migration.
    CreateFunction {
        /// Function name (last part, folded).
        name: String,
        /// The body contains `EXECUTE` or `CREATE`/`ALTER`/`DROP`.
        runs_ddl: bool,
    },
    /// A top-level `SELECT`/`CALL` of functions (by last name part).
    Call {
        /// The functions called.
        functions: Vec<String>,
    },
    /// A statement that cannot change the relational shape (functions, triggers, grants, DML,
    /// SET, ...): recognised and skipped.
    Skipped,
    /// A statement whose effect the generator cannot see (a `DO` block) or cannot fold: warned
    /// about, never dropped silently.
    Unsupported {
        /// What it is and why it is not folded.
        reason: String,
    },
}

/// How an `ALTER ... RENAME` named the relation kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationKindWritten {
    /// `ALTER INDEX`.
    Index,
    /// `ALTER VIEW`.
    View,
    /// `ALTER MATERIALIZED VIEW`.
    MaterializedView,
    /// `ALTER SEQUENCE`.
    Sequence,
}

/// `CREATE TABLE`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateTable {
    /// Table name.
    pub name: QualifiedName,
    /// `IF NOT EXISTS` given.
    pub if_not_exists: bool,
    /// Columns and table constraints, in the order written (PostgreSQL names constraints in
    /// that order, which decides who gets `_check` and who `_check1`).
    pub elements: Vec<TableElement>,
}

/// A column or a table constraint in `CREATE TABLE`.
#[derive(Debug, Clone, PartialEq)]
pub enum TableElement {
    /// A column with its inline constraints.
    Column(ColumnDef),
    /// A table constraint.
    Constraint(ConstraintDef),
    /// `LIKE other [INCLUDING DEFAULTS]`: the other table's columns, NOT NULL included.
    Like {
        /// The table whose columns are copied.
        table: QualifiedName,
        /// `INCLUDING DEFAULTS` given.
        defaults: bool,
    },
}

/// A column definition.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDef {
    /// Column name.
    pub name: String,
    /// Where the column is defined (for messages about it).
    pub location: Location,
    /// The declared type.
    pub data_type: TypeName,
    /// Inline options and constraints, in the order written.
    pub options: Vec<ColumnOption>,
}

/// An inline option of a column.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnOption {
    /// `NULL`.
    Null,
    /// `NOT NULL`.
    NotNull,
    /// `DEFAULT expr`.
    Default(Expr),
    /// `GENERATED {ALWAYS|BY DEFAULT} AS IDENTITY`.
    Identity {
        /// `ALWAYS` (true) or `BY DEFAULT` (false).
        always: bool,
    },
    /// `GENERATED ALWAYS AS (expr) STORED`.
    Generated(Expr),
    /// An inline constraint (`PRIMARY KEY`, `UNIQUE`, `REFERENCES`, `CHECK`); its column list is
    /// empty and means this column.
    Constraint(ConstraintDef),
}

/// A constraint, inline or at table level.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstraintDef {
    /// `CONSTRAINT name`, when given.
    pub name: Option<String>,
    /// Where the constraint is written.
    pub location: Location,
    /// What it constrains.
    pub kind: ConstraintKind,
}

/// The kinds of constraint.
#[derive(Debug, Clone, PartialEq)]
pub enum ConstraintKind {
    /// `PRIMARY KEY (cols)`.
    PrimaryKey {
        /// Key columns (empty inline: the column itself).
        columns: Vec<String>,
    },
    /// `UNIQUE (cols)`.
    Unique {
        /// Key columns (empty inline: the column itself).
        columns: Vec<String>,
    },
    /// `FOREIGN KEY (cols) REFERENCES table (cols) ON DELETE ...`.
    ForeignKey {
        /// Referencing columns (empty inline: the column itself).
        columns: Vec<String>,
        /// Referenced table.
        table: QualifiedName,
        /// Referenced columns; empty means the referenced table's primary key.
        referenced: Vec<String>,
        /// `cascade`, `set null`, `set default`, `restrict` or `no action`.
        on_delete: String,
    },
    /// `CHECK (expr)`.
    Check {
        /// The condition.
        expr: Expr,
    },
    /// `[PRIMARY KEY | UNIQUE] USING INDEX idx`: an existing unique index becomes the
    /// constraint (and takes the constraint's name).
    UsingIndex {
        /// `PRIMARY KEY` (true) or `UNIQUE` (false).
        primary: bool,
        /// The index.
        index: String,
    },
    /// A constraint kind the fold does not model (`EXCLUDE`, ...).
    Other {
        /// What it is, for the warning.
        what: String,
    },
}

/// `ALTER TABLE name action, action, ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterTable {
    /// Table name.
    pub name: QualifiedName,
    /// `IF EXISTS` given.
    pub if_exists: bool,
    /// Actions in order.
    pub actions: Vec<AlterAction>,
}

/// One action of an `ALTER TABLE`.
#[derive(Debug, Clone, PartialEq)]
pub enum AlterAction {
    /// `ADD COLUMN [IF NOT EXISTS]`.
    AddColumn {
        /// The column.
        column: ColumnDef,
        /// `IF NOT EXISTS` given.
        if_not_exists: bool,
    },
    /// `DROP COLUMN [IF EXISTS]`.
    DropColumn {
        /// Column name.
        name: String,
        /// `IF EXISTS` given.
        if_exists: bool,
        /// `CASCADE` given.
        cascade: bool,
    },
    /// `RENAME COLUMN a TO b`.
    RenameColumn {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// `RENAME TO b`.
    RenameTable {
        /// New name.
        to: String,
    },
    /// `SET SCHEMA s`.
    SetSchema {
        /// The new schema.
        schema: String,
    },
    /// `ALTER COLUMN c TYPE t [USING ...]`.
    SetType {
        /// Column name.
        column: String,
        /// New type.
        data_type: TypeName,
    },
    /// `ALTER COLUMN c SET NOT NULL`.
    SetNotNull {
        /// Column name.
        column: String,
    },
    /// `ALTER COLUMN c DROP NOT NULL`.
    DropNotNull {
        /// Column name.
        column: String,
    },
    /// `ALTER COLUMN c SET DEFAULT expr`.
    SetDefault {
        /// Column name.
        column: String,
        /// New default.
        expr: Expr,
    },
    /// `ALTER COLUMN c DROP DEFAULT`.
    DropDefault {
        /// Column name.
        column: String,
    },
    /// `ALTER COLUMN c ADD GENERATED ... AS IDENTITY`.
    AddIdentity {
        /// Column name.
        column: String,
        /// `ALWAYS` (true) or `BY DEFAULT` (false).
        always: bool,
    },
    /// `ADD [CONSTRAINT name] ...`.
    AddConstraint(ConstraintDef),
    /// `DROP CONSTRAINT [IF EXISTS] name`.
    DropConstraint {
        /// Constraint name.
        name: String,
        /// `IF EXISTS` given.
        if_exists: bool,
    },
    /// `RENAME CONSTRAINT a TO b`.
    RenameConstraint {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// An action that cannot change the relational shape (`OWNER TO`, `ENABLE TRIGGER`, ...).
    Skipped,
    /// An action the fold does not model; warned about.
    Unsupported {
        /// What it is.
        what: String,
    },
}

/// What a `DROP` statement drops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropKind {
    /// `DROP TABLE`.
    Table,
    /// `DROP VIEW`.
    View,
    /// `DROP MATERIALIZED VIEW`.
    MaterializedView,
    /// `DROP INDEX`.
    Index,
    /// `DROP TYPE`.
    Type,
    /// `DROP DOMAIN`.
    Domain,
    /// `DROP SEQUENCE`.
    Sequence,
    /// `DROP SCHEMA`: with `CASCADE` it takes everything in it along.
    Schema,
}

/// `DROP <kind> [IF EXISTS] names [CASCADE]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Drop {
    /// What kind of object.
    pub kind: DropKind,
    /// The objects.
    pub names: Vec<QualifiedName>,
    /// `IF EXISTS` given.
    pub if_exists: bool,
    /// `CASCADE` given.
    pub cascade: bool,
}

/// What an `ALTER TYPE` does.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeAction {
    /// `ADD VALUE [IF NOT EXISTS] 'v' [BEFORE|AFTER 'w']`.
    AddValue {
        /// The new label.
        value: String,
        /// `IF NOT EXISTS` given.
        if_not_exists: bool,
        /// `Some((true, w))` for `BEFORE 'w'`, `Some((false, w))` for `AFTER 'w'`.
        position: Option<(bool, String)>,
    },
    /// `RENAME VALUE 'a' TO 'b'`.
    RenameValue {
        /// Old label.
        from: String,
        /// New label.
        to: String,
    },
    /// `RENAME TO b`.
    Rename {
        /// New name.
        to: String,
    },
}

/// `CREATE [OR REPLACE] [MATERIALIZED] VIEW`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateView {
    /// View name.
    pub name: QualifiedName,
    /// `MATERIALIZED` given.
    pub materialized: bool,
    /// `OR REPLACE` given.
    pub or_replace: bool,
    /// `IF NOT EXISTS` given (materialized views).
    pub if_not_exists: bool,
    /// Column names given after the view name.
    pub columns: Vec<String>,
    /// The query.
    pub query: Query,
}

/// `CREATE [UNIQUE] INDEX`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateIndex {
    /// Index name; PostgreSQL chooses one when absent.
    pub name: Option<String>,
    /// The table.
    pub table: QualifiedName,
    /// `UNIQUE` given.
    pub unique: bool,
    /// `IF NOT EXISTS` given.
    pub if_not_exists: bool,
    /// Key columns or expressions in order.
    pub keys: Vec<IndexKey>,
    /// `WHERE` of a partial index.
    pub predicate: Option<Expr>,
}

/// One key of an index.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexKey {
    /// A column (as `Expr::Column`) or an expression.
    pub expr: Expr,
    /// `DESC` given.
    pub descending: bool,
    /// `NULLS FIRST` (true) or `NULLS LAST` (false) given.
    pub nulls_first: Option<bool>,
    /// Operator class, when given (`varchar_pattern_ops`).
    pub opclass: Option<String>,
}

/// What a `COMMENT ON` is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentTarget {
    /// `COMMENT ON TABLE`.
    Table,
    /// `COMMENT ON VIEW`.
    View,
    /// `COMMENT ON MATERIALIZED VIEW`.
    MaterializedView,
    /// `COMMENT ON COLUMN`.
    Column,
    /// `COMMENT ON TYPE`.
    Type,
    /// `COMMENT ON DOMAIN`.
    Domain,
    /// Anything else (function, index, schema, ...): no place in the catalog.
    Other,
}
