//! Names shared by statements and expressions: qualified object names and written types.

/// A possibly schema-qualified name (`teams`, `public.teams`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QualifiedName {
    /// The schema, when the name was qualified.
    pub schema: Option<String>,
    /// The object's own name.
    pub name: String,
}

impl QualifiedName {
    /// An unqualified name.
    pub fn bare(name: impl Into<String>) -> Self {
        Self {
            schema: None,
            name: name.into(),
        }
    }
}

impl std::fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.schema {
            Some(schema) => write!(f, "{schema}.{}", self.name),
            None => write!(f, "{}", self.name),
        }
    }
}

/// A type as written in the SQL, not yet resolved against the catalog.
///
/// Built-in types arrive under a canonical spelling of what was written (`int4`, `integer`,
/// `character varying`, `timestamp with time zone`, `serial`); `catalog::types` maps them
/// to `format_type()` names and looks everything else up among enums and domains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeName {
    /// Schema, when qualified (`pg_catalog.int4`, `app.mood`).
    pub schema: Option<String>,
    /// Lower-case name for built-ins; the folded name for user types.
    pub name: String,
    /// Type modifiers: `varchar(10)` -> `[10]`, `numeric(10, 4)` -> `[10, 4]`.
    pub modifiers: Vec<i64>,
    /// `interval hour to minute` keeps its fields here (`hour to minute`).
    pub qualifier: Option<String>,
    /// Number of array dimensions (`text[]` -> 1).
    pub array_dims: u32,
    /// The type as written, for messages.
    pub written: String,
}
