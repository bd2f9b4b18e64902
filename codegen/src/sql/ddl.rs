//! The statements the fold understands: a small DDL language of our own.
//!
//! [`crate::parse`] turns SQL into these (parser types never get further than that), and the fold
//! applies them in order. Names are already case-folded the way PostgreSQL folds them: unquoted
//! identifiers in lower case, quoted ones exactly as written, all cut to 63 bytes.

use crate::diagnostic::Location;
use crate::sql::expr::Expr;
use crate::sql::query::Query;
use crate::sql::{QualifiedName, TypeName};

/// One statement of a migration and where it starts in its file.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Line and column of the statement's first token, in the file.
    pub location: Location,
    /// The PostgreSQL command it is, by its name in the manual (`CREATE TABLE`, `INSERT`).
    pub command: &'static str,
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
    /// `ALTER TYPE ...` on an enum or composite type (or a rename of any type).
    AlterType {
        /// Type name.
        name: QualifiedName,
        /// What changes, in order (composite types take several attribute actions at once).
        actions: Vec<TypeAction>,
    },
    /// `CREATE DOMAIN`.
    CreateDomain {
        /// Domain name.
        name: QualifiedName,
        /// Base type.
        data_type: TypeName,
        /// `NOT NULL` given.
        not_null: bool,
        /// `DEFAULT expr`.
        default: Option<Expr>,
        /// `[CONSTRAINT name] CHECK (expr)`, in order.
        checks: Vec<(Option<String>, Expr)>,
    },
    /// `CREATE [OR REPLACE] [MATERIALIZED] VIEW`.
    CreateView(CreateView),
    /// `CREATE TABLE name [(columns)] AS query`, `SELECT ... INTO name`: a table whose columns
    /// come from a query (all nullable, without defaults or keys).
    CreateTableAs {
        /// Table name.
        name: QualifiedName,
        /// `IF NOT EXISTS` given.
        if_not_exists: bool,
        /// Column names given after the table name.
        columns: Vec<String>,
        /// The query.
        query: Query,
    },
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
    /// `CREATE SEQUENCE`.
    CreateSequence {
        /// Sequence name.
        name: QualifiedName,
        /// `IF NOT EXISTS` given.
        if_not_exists: bool,
        /// `AS type` and `OWNED BY`, applied after creation.
        options: Vec<SequenceAction>,
    },
    /// `CREATE SCHEMA [name] [AUTHORIZATION role] [elements]`.
    CreateSchema {
        /// Schema name.
        name: String,
        /// The `CREATE TABLE`, `CREATE VIEW`, ... written inside it, made in the new schema.
        elements: Vec<Statement>,
    },
    /// `CREATE FUNCTION|PROCEDURE`: cannot change the shape by itself, but a body that runs
    /// DDL changes it when called during a migration.
    CreateFunction {
        /// Function name (last part, folded).
        name: String,
        /// When the body contains `EXECUTE` or `CREATE`/`ALTER`/`DROP`: what running it may
        /// change.
        ddl: Option<Reach>,
        /// What a function returns, for typing queries that call it (`None` for procedures
        /// and functions returning nothing).
        routine: Option<Routine>,
    },
    /// A top-level `SELECT`/`CALL` of functions (by last name part).
    Call {
        /// The functions called.
        functions: Vec<String>,
    },
    /// `SET [LOCAL] search_path`, `RESET search_path`, `set_config('search_path', ...)`:
    /// where unqualified names are created and looked up from now on.
    SetSearchPath {
        /// The schemas in order (`$user` kept as written); `None` for the default.
        schemas: Option<Vec<String>>,
        /// `SET LOCAL` (or `set_config(..., true)`): only until the transaction ends.
        local: bool,
    },
    /// `DISCARD ALL`, `RESET ALL`: the session's settings back to their defaults.
    ResetSession,
    /// `BEGIN`, `COMMIT`, `ROLLBACK`, savepoints: a rollback undoes the DDL since.
    Transaction(Transaction),
    /// `ALTER SEQUENCE`.
    AlterSequence {
        /// The sequence.
        name: QualifiedName,
        /// `IF EXISTS` given.
        if_exists: bool,
        /// What changes.
        actions: Vec<SequenceAction>,
    },
    /// `ALTER TABLE|VIEW|MATERIALIZED VIEW|FOREIGN TABLE|SEQUENCE|TYPE|DOMAIN|EXTENSION ...
    /// SET SCHEMA s`.
    SetSchema {
        /// What kind of object.
        object: ObjectKind,
        /// The object.
        name: QualifiedName,
        /// `IF EXISTS` given.
        if_exists: bool,
        /// The new schema.
        schema: String,
    },
    /// `ALTER SCHEMA a RENAME TO b`.
    RenameSchema {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// `ALTER DOMAIN`.
    AlterDomain {
        /// The domain.
        name: QualifiedName,
        /// What changes.
        action: DomainAction,
    },
    /// `CREATE TYPE name AS RANGE (SUBTYPE = t, ...)`.
    CreateRange {
        /// Type name.
        name: QualifiedName,
        /// The subtype.
        subtype: TypeName,
        /// `MULTIRANGE_TYPE_NAME`, when given.
        multirange: Option<QualifiedName>,
    },
    /// `CREATE TYPE name AS (attribute type, ...)`.
    CreateComposite {
        /// Type name.
        name: QualifiedName,
        /// Attributes in order.
        attributes: Vec<(String, TypeName)>,
    },
    /// `CREATE RULE "_RETURN" AS ON SELECT TO t DO INSTEAD query`: the table becomes a view
    /// of the query (keeping its columns).
    TableToView {
        /// The table.
        table: QualifiedName,
        /// What it now selects.
        query: Query,
    },
    /// `ALTER INDEX parent ATTACH PARTITION child`: a partition's index becomes the copy of
    /// its partitioned table's index.
    AttachIndex {
        /// The partitioned table's index.
        parent: QualifiedName,
        /// The partition's index.
        child: QualifiedName,
    },
    /// A `DO` block, read as far as static reading can see.
    Do(PlBlock),
    /// A statement that cannot change the relational shape (functions, triggers, grants, DML,
    /// SET, ...): recognised and skipped.
    Skipped,
    /// A statement whose effect the generator cannot see (a `DO` block) or cannot fold: warned
    /// about, never dropped silently, and what it may have changed is uncertain from then on.
    Unsupported {
        /// What it is and why it is not folded.
        reason: String,
        /// What it may have changed.
        reach: Reach,
    },
    /// A statement PostgreSQL accepts that the generator cannot read: a warning, and what it
    /// names (found by a tolerant scan of its words) is uncertain from then on.
    Unread {
        /// Why it could not be read.
        reason: String,
        /// What it may have changed.
        reach: Reach,
        /// Where reading stopped.
        at: Location,
    },
}

/// What a statement may have created, changed or dropped, as far as its words show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    /// Objects it names (relations, types, sequences, schemas' objects by name).
    pub objects: Vec<QualifiedName>,
    /// Tables whose derived names it may have made (`t_pkey`, `t_id_seq`, `t_a_key`).
    pub derived: Vec<QualifiedName>,
    /// Schemas everything in which it may have changed.
    pub schemas: Vec<String>,
    /// Anything at all (dynamic SQL, an unknown command).
    pub anything: bool,
}

impl Reach {
    /// Nothing: the statement cannot have changed the shape.
    pub fn none() -> Self {
        Self::default()
    }

    /// Anything at all.
    pub fn anything() -> Self {
        Self {
            anything: true,
            ..Self::default()
        }
    }

    /// One object.
    pub fn object(name: &QualifiedName) -> Self {
        Self {
            objects: vec![name.clone()],
            ..Self::default()
        }
    }

    /// A table and the names PostgreSQL derives from it.
    pub fn table(name: &QualifiedName) -> Self {
        Self {
            objects: vec![name.clone()],
            derived: vec![name.clone()],
            ..Self::default()
        }
    }

    /// True when it reaches nothing.
    pub fn is_empty(&self) -> bool {
        !self.anything && self.objects.is_empty() && self.derived.is_empty() && self.schemas.is_empty()
    }

    /// Both reaches.
    pub fn join(mut self, other: Reach) -> Self {
        self.objects.extend(other.objects);
        self.derived.extend(other.derived);
        self.schemas.extend(other.schemas);
        self.anything |= other.anything;
        self
    }
}

impl Ddl {
    /// What the statement creates, changes or drops: the names a doubt about it covers when
    /// the fold cannot apply it.
    pub fn reach(&self) -> Reach {
        let bare = |name: &str| QualifiedName::bare(name);
        match self {
            Ddl::CreateTable(t) => Reach::table(&t.name),
            Ddl::CreateTableAs { name, .. } => Reach::table(name),
            Ddl::AlterTable(a) => {
                let mut reach = Reach::table(&a.name);
                for action in &a.actions {
                    match action {
                        AlterAction::RenameTable { to } => reach.objects.push(QualifiedName {
                            schema: a.name.schema.clone(),
                            name: to.clone(),
                        }),
                        AlterAction::SetSchema { schema } => reach.objects.push(QualifiedName {
                            schema: Some(schema.clone()),
                            name: a.name.name.clone(),
                        }),
                        AlterAction::AttachPartition { partition, .. }
                        | AlterAction::DetachPartition { partition, .. } => {
                            reach.objects.push(partition.clone())
                        }
                        _ => {}
                    }
                }
                reach
            }
            Ddl::Drop(d) => {
                let mut reach = Reach::default();
                for name in &d.names {
                    match d.kind {
                        DropKind::Schema => reach.schemas.push(name.name.clone()),
                        DropKind::Table | DropKind::ForeignTable => {
                            reach = reach.join(Reach::table(name));
                        }
                        _ => reach.objects.push(name.clone()),
                    }
                }
                reach
            }
            Ddl::CreateEnum { name, .. }
            | Ddl::CreateOtherType { name }
            | Ddl::CreateComposite { name, .. }
            | Ddl::CreateRange { name, .. }
            | Ddl::CreateDomain { name, .. }
            | Ddl::AlterDomain { name, .. }
            | Ddl::CreateSequence { name, .. }
            | Ddl::AlterSequence { name, .. } => Reach::object(name),
            Ddl::AlterType { name, actions } => {
                let mut reach = Reach::object(name);
                for action in actions {
                    let TypeAction::Rename { to } = action else {
                        continue;
                    };
                    reach.objects.push(QualifiedName {
                        schema: name.schema.clone(),
                        name: to.clone(),
                    });
                }
                reach
            }
            Ddl::CreateView(v) => Reach::object(&v.name),
            Ddl::TableToView { table, .. } => Reach::table(table),
            Ddl::AttachIndex { parent, child } => {
                let mut reach = Reach::object(parent);
                reach.objects.push(child.clone());
                reach
            }
            Ddl::CreateIndex(i) => {
                let mut reach = Reach::object(&i.table);
                match &i.name {
                    Some(name) => reach.objects.push(QualifiedName {
                        schema: i.table.schema.clone(),
                        name: name.clone(),
                    }),
                    None => reach.derived.push(i.table.clone()),
                }
                reach
            }
            Ddl::RenameRelation { name, new_name, .. } => {
                let mut reach = Reach::object(name);
                reach.objects.push(QualifiedName {
                    schema: name.schema.clone(),
                    name: new_name.clone(),
                });
                reach
            }
            Ddl::SetSchema { name, schema, .. } => {
                let mut reach = Reach::object(name);
                reach.objects.push(QualifiedName {
                    schema: Some(schema.clone()),
                    name: name.name.clone(),
                });
                reach
            }
            Ddl::RenameSchema { from, to } => Reach {
                schemas: vec![from.clone(), to.clone()],
                ..Reach::default()
            },
            Ddl::Comment { target, name, .. } => match (target, name.as_slice()) {
                (CommentTarget::Other, _) | (_, []) => Reach::none(),
                (CommentTarget::Column, [.., table, _]) => Reach::object(&bare(table)),
                (_, [.., last]) => Reach::object(&bare(last)),
            },
            Ddl::CreateExtension { .. } => Reach::anything(),
            Ddl::CreateSchema { name, .. } => Reach {
                schemas: vec![name.clone()],
                ..Reach::default()
            },
            Ddl::Unsupported { reach, .. } | Ddl::Unread { reach, .. } => reach.clone(),
            Ddl::Do(block) => block.reach(),
            Ddl::Call { .. } => Reach::anything(),
            Ddl::CreateFunction { .. }
            | Ddl::SetSearchPath { .. }
            | Ddl::ResetSession
            | Ddl::Transaction(_)
            | Ddl::Skipped => Reach::none(),
        }
    }
}

/// Which `ALTER` form a statement on a relation was written with: PostgreSQL takes each form
/// on some kinds of relation only (`ALTER VIEW` on views, `ALTER TABLE` and `ALTER INDEX ...
/// RENAME` on any).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationKindWritten {
    /// `ALTER TABLE`.
    Table,
    /// `ALTER INDEX`.
    Index,
    /// `ALTER VIEW`.
    View,
    /// `ALTER MATERIALIZED VIEW`.
    MaterializedView,
    /// `ALTER FOREIGN TABLE`.
    ForeignTable,
    /// `ALTER SEQUENCE`.
    Sequence,
}

impl RelationKindWritten {
    /// The form by the command that names it (`ALTER MATERIALIZED VIEW`), if it is one.
    pub fn of_command(command: &str) -> Option<Self> {
        Some(match command {
            "ALTER TABLE" => Self::Table,
            "ALTER INDEX" => Self::Index,
            "ALTER VIEW" => Self::View,
            "ALTER MATERIALIZED VIEW" => Self::MaterializedView,
            "ALTER FOREIGN TABLE" => Self::ForeignTable,
            "ALTER SEQUENCE" => Self::Sequence,
            _ => return None,
        })
    }

    /// The words after `ALTER` (`MATERIALIZED VIEW`).
    pub fn words(self) -> &'static str {
        match self {
            Self::Table => "TABLE",
            Self::Index => "INDEX",
            Self::View => "VIEW",
            Self::MaterializedView => "MATERIALIZED VIEW",
            Self::ForeignTable => "FOREIGN TABLE",
            Self::Sequence => "SEQUENCE",
        }
    }
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
    /// `INHERITS (parents)`, in order.
    pub inherits: Vec<QualifiedName>,
    /// `PARTITION OF parent FOR VALUES ... | DEFAULT`.
    pub partition_of: Option<PartitionOf>,
    /// `PARTITION BY RANGE|LIST|HASH (keys)`, as PostgreSQL prints it (`RANGE (created_at)`).
    pub partition_by: Option<String>,
    /// `CREATE FOREIGN TABLE`.
    pub foreign: bool,
    /// `OF type`: a typed table, whose columns are the composite type's attributes.
    pub of_type: Option<QualifiedName>,
}

/// The parent of a partition and its bound.
#[derive(Debug, Clone, PartialEq)]
pub struct PartitionOf {
    /// The partitioned table.
    pub parent: QualifiedName,
    /// `FOR VALUES ...` or `DEFAULT`, as written (whitespace normalised).
    pub bound: String,
}

/// A column or a table constraint in `CREATE TABLE`.
#[derive(Debug, Clone, PartialEq)]
pub enum TableElement {
    /// A column with its inline constraints.
    Column(ColumnDef),
    /// A table constraint.
    Constraint(ConstraintDef),
    /// `LIKE other [INCLUDING ... | EXCLUDING ...]`: the other relation's (or composite
    /// type's) columns, NOT NULL included, and what the options copy.
    Like {
        /// The relation or composite type whose columns are copied.
        table: QualifiedName,
        /// What else is copied.
        including: LikeOptions,
    },
}

/// What `LIKE ... INCLUDING` copies beside names, types and NOT NULL (`INCLUDING ALL` is every
/// one; `EXCLUDING` takes one back). `STATISTICS`, `STORAGE` and `COMPRESSION` do not change
/// the shape.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LikeOptions {
    /// Column comments.
    pub comments: bool,
    /// CHECK constraints, under their names.
    pub constraints: bool,
    /// Column defaults.
    pub defaults: bool,
    /// Generation expressions.
    pub generated: bool,
    /// Identity specifications (with sequences of the new table's).
    pub identity: bool,
    /// Indexes, primary keys, unique and exclusion constraints, named for the new table.
    pub indexes: bool,
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
        /// The same for `ON UPDATE`.
        on_update: String,
        /// `MATCH ...` and `DEFERRABLE ...` as written (normalised): a partition's foreign key
        /// stands in for its parent's only when these agree too.
        details: String,
    },
    /// `CHECK (expr) [NO INHERIT]`.
    Check {
        /// The condition.
        expr: Expr,
        /// `NO INHERIT`: children of the table do not get it.
        no_inherit: bool,
    },
    /// `[PRIMARY KEY | UNIQUE] USING INDEX idx`: an existing unique index becomes the
    /// constraint (and takes the constraint's name).
    UsingIndex {
        /// `PRIMARY KEY` (true) or `UNIQUE` (false).
        primary: bool,
        /// The index.
        index: String,
    },
    /// `EXCLUDE [USING method] (key WITH operator, ...)`: named like an index on the keys.
    Exclude {
        /// The keys, columns or expressions.
        keys: Vec<IndexKey>,
    },
    /// A constraint kind the fold does not model (a key on an expression, ...).
    Other {
        /// What it is, for the warning.
        what: String,
    },
}

/// `ALTER TABLE name action, action, ...` (and the other forms that take its actions).
#[derive(Debug, Clone, PartialEq)]
pub struct AlterTable {
    /// How the statement was written (`ALTER VIEW`); set from the command.
    pub form: RelationKindWritten,
    /// Table name.
    pub name: QualifiedName,
    /// `IF EXISTS` given.
    pub if_exists: bool,
    /// `ONLY` given: inheritance children are left alone.
    pub only: bool,
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
    /// `ALTER COLUMN c DROP IDENTITY [IF EXISTS]`.
    DropIdentity {
        /// Column name.
        column: String,
        /// `IF EXISTS` given.
        if_exists: bool,
    },
    /// `ALTER COLUMN c SET GENERATED {ALWAYS | BY DEFAULT}`.
    SetIdentity {
        /// Column name.
        column: String,
        /// `ALWAYS` (true) or `BY DEFAULT` (false).
        always: bool,
    },
    /// `ALTER COLUMN c DROP EXPRESSION [IF EXISTS]`: a generated column becomes a plain one.
    DropExpression {
        /// Column name.
        column: String,
        /// `IF EXISTS` given.
        if_exists: bool,
    },
    /// `ATTACH PARTITION t FOR VALUES ... | DEFAULT`.
    AttachPartition {
        /// The table that becomes a partition.
        partition: QualifiedName,
        /// Its bound, as written.
        bound: String,
    },
    /// `DETACH PARTITION t [CONCURRENTLY | FINALIZE]`.
    DetachPartition {
        /// The partition.
        partition: QualifiedName,
        /// `CONCURRENTLY`: the partition keeps a CHECK constraint copying its bound.
        concurrently: bool,
    },
    /// `INHERIT parent`.
    Inherit {
        /// The new parent.
        parent: QualifiedName,
    },
    /// `NO INHERIT parent`.
    NoInherit {
        /// The parent to leave.
        parent: QualifiedName,
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
    /// `DROP FOREIGN TABLE`.
    ForeignTable,
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
    /// `ADD ATTRIBUTE a type` (composite types).
    AddAttribute {
        /// Attribute name.
        name: String,
        /// Its type.
        data_type: TypeName,
    },
    /// `DROP ATTRIBUTE [IF EXISTS] a`.
    DropAttribute {
        /// Attribute name.
        name: String,
        /// `IF EXISTS` given.
        if_exists: bool,
    },
    /// `ALTER ATTRIBUTE a [SET DATA] TYPE type`.
    AlterAttribute {
        /// Attribute name.
        name: String,
        /// The new type.
        data_type: TypeName,
    },
    /// `RENAME ATTRIBUTE a TO b`.
    RenameAttribute {
        /// Old name.
        from: String,
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
    /// `INCLUDE (columns)`.
    pub include: Vec<String>,
    /// `WHERE` of a partial index.
    pub predicate: Option<Expr>,
    /// `ON ONLY table`: not made on the table's partitions.
    pub only: bool,
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

/// Transaction control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transaction {
    /// `BEGIN`, `START TRANSACTION`.
    Begin,
    /// `COMMIT`, `END`.
    Commit,
    /// `ROLLBACK`, `ABORT`.
    Rollback,
    /// `SAVEPOINT name`.
    Savepoint(String),
    /// `ROLLBACK TO [SAVEPOINT] name`.
    RollbackTo(String),
    /// `RELEASE [SAVEPOINT] name`.
    Release(String),
}

/// What an `ALTER SEQUENCE` changes that the catalog records.
#[derive(Debug, Clone, PartialEq)]
pub enum SequenceAction {
    /// `AS type`.
    AsType(TypeName),
    /// `OWNED BY table.column`, or `OWNED BY NONE` (`None`).
    OwnedBy(Option<(QualifiedName, String)>),
    /// `RENAME TO name`.
    Rename(String),
}

/// Kinds of object `SET SCHEMA` moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    /// `ALTER TABLE` (also views and sequences, as PostgreSQL allows).
    Table,
    /// `ALTER VIEW`.
    View,
    /// `ALTER MATERIALIZED VIEW`.
    MaterializedView,
    /// `ALTER FOREIGN TABLE`.
    ForeignTable,
    /// `ALTER SEQUENCE`.
    Sequence,
    /// `ALTER TYPE`.
    Type,
    /// `ALTER DOMAIN`.
    Domain,
    /// `ALTER EXTENSION`: its types move along.
    Extension,
}

/// What an `ALTER DOMAIN` changes.
#[derive(Debug, Clone, PartialEq)]
pub enum DomainAction {
    /// `SET DEFAULT expr` / `DROP DEFAULT` (`None`).
    Default(Option<Expr>),
    /// `SET NOT NULL` (true) / `DROP NOT NULL` (false).
    NotNull(bool),
    /// `ADD [CONSTRAINT name] CHECK (expr)`.
    AddCheck {
        /// The name, when given.
        name: Option<String>,
        /// The condition.
        expr: Expr,
    },
    /// `DROP CONSTRAINT [IF EXISTS] name`.
    DropConstraint {
        /// The constraint.
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
    /// `RENAME TO b`.
    Rename(String),
    /// Anything that does not change the shape (`OWNER TO`, `VALIDATE CONSTRAINT`).
    Skipped,
}

/// A PL/pgSQL block: `BEGIN statements [EXCEPTION WHEN ... THEN ...] END`.
#[derive(Debug, Clone, PartialEq)]
pub struct PlBlock {
    /// The block's statements, in order.
    pub statements: Vec<PlStatement>,
    /// Its `EXCEPTION WHEN` handlers: an error in the statements whose condition one of them
    /// names undoes the statements and runs that handler instead.
    pub handlers: Vec<Handler>,
}

/// `WHEN condition [OR condition] THEN statements`.
#[derive(Debug, Clone, PartialEq)]
pub struct Handler {
    /// Condition names in lower case (`duplicate_object`, `others`) or SQLSTATE codes.
    pub conditions: Vec<String>,
    /// What runs instead.
    pub statements: Vec<PlStatement>,
}

/// A statement of a PL/pgSQL block, as far as the shape is concerned.
#[derive(Debug, Clone, PartialEq)]
pub enum PlStatement {
    /// An SQL statement (DDL folds as usual).
    Sql(Box<Statement>),
    /// A nested block (or the statements of a constant `EXECUTE`).
    Block(PlBlock),
    /// `IF cond THEN ... ELSIF ... ELSE ... END IF`.
    If {
        /// Conditions and their statements, in order.
        branches: Vec<(Guard, Vec<PlStatement>)>,
        /// The `ELSE` statements.
        otherwise: Vec<PlStatement>,
    },
    /// A loop or a `CASE`: its statements run as often as the data decides.
    Loop(Vec<PlStatement>),
    /// `EXECUTE` of text built at run time, which may run DDL: where, and what its constant
    /// start shows it may change.
    DynamicExecute(Location, Reach),
    /// Assignments, `PERFORM`, `RAISE`, `SELECT ... INTO` variables: nothing to fold.
    Nothing,
}

impl PlBlock {
    /// What the block's statements and handlers may change.
    pub fn reach(&self) -> Reach {
        self.handlers
            .iter()
            .fold(PlStatement::all(&self.statements), |r, h| {
                r.join(PlStatement::all(&h.statements))
            })
    }
}

impl PlStatement {
    /// What the statement may change.
    pub fn reach(&self) -> Reach {
        match self {
            PlStatement::Sql(s) => s.ddl.reach(),
            PlStatement::Block(b) => b.reach(),
            PlStatement::If { branches, otherwise } => branches
                .iter()
                .fold(Self::all(otherwise), |r, (_, b)| r.join(Self::all(b))),
            PlStatement::Loop(body) => Self::all(body),
            PlStatement::DynamicExecute(_, reach) => reach.clone(),
            PlStatement::Nothing => Reach::none(),
        }
    }

    /// What all of `statements` may change.
    pub fn all(statements: &[PlStatement]) -> Reach {
        statements.iter().fold(Reach::none(), |r, s| r.join(s.reach()))
    }
}

/// An `IF` condition, as far as the fold can evaluate it.
#[derive(Debug, Clone, PartialEq)]
pub enum Guard {
    /// Known when read (`true`, the server version compared with a number).
    Const(bool),
    /// `EXISTS (SELECT ... FROM <catalog> WHERE ...)`: true when the catalog has such rows.
    Exists(Probe),
    /// `NOT`.
    Not(Box<Guard>),
    /// `AND`.
    And(Box<Guard>, Box<Guard>),
    /// `OR`.
    Or(Box<Guard>, Box<Guard>),
    /// Depends on data or on something the fold does not model; the text, for the warning.
    Unknown(String),
}

/// A look into PostgreSQL's own catalog: the relation (`pg_type`,
/// `information_schema.columns`, ...) and the `column = 'value'` conditions on its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// The catalog relation, without `pg_catalog.`.
    pub relation: String,
    /// `column = 'value'` conditions, all of which must hold.
    pub filters: Vec<(String, String)>,
}

/// A function as queries see it: its name and what it returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Routine {
    /// Its name, schema-qualified when written so.
    pub name: QualifiedName,
    /// The types of its input parameters (`IN` and `INOUT`), in order.
    pub args: Vec<TypeName>,
    /// `RETURNS SETOF ...` or `RETURNS TABLE (...)`: a set of rows.
    pub set: bool,
    /// What each row (or the value) is.
    pub result: RoutineResult,
}

/// What a function returns.
#[derive(Debug, Clone, PartialEq)]
pub enum RoutineResult {
    /// One value of a type (a table's or composite type's name gives its row).
    Type(TypeName),
    /// Named columns: `RETURNS TABLE (...)` or its `OUT` parameters.
    Columns(Vec<(String, TypeName)>),
}

impl Routine {
    /// What `CREATE FUNCTION name(... OUT outs ...) RETURNS [SETOF] declared` returns: the
    /// `OUT` parameters when there are any (one is a column of its own name), else the
    /// declared result; `None` for `void`, a `trigger` and procedures.
    pub fn new(
        name: QualifiedName,
        args: Vec<TypeName>,
        set: bool,
        declared: Option<RoutineResult>,
        outs: Vec<(String, TypeName)>,
    ) -> Option<Routine> {
        let result = match declared {
            Some(RoutineResult::Columns(columns)) => RoutineResult::Columns(columns),
            _ if !outs.is_empty() => RoutineResult::Columns(outs),
            Some(RoutineResult::Type(t))
                if !matches!(t.name.as_str(), "void" | "trigger" | "event_trigger") =>
            {
                RoutineResult::Type(t)
            }
            _ => return None,
        };
        Some(Routine {
            name,
            args,
            set,
            result,
        })
    }
}
