//! Types: resolving written types to their `format_type()` spelling, built-in or made by the
//! migrations (which [`super::user_types`] folds).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::catalog::fold::{DEFAULT_SCHEMA, Fold};
use crate::catalog::proof::{Condition, Proof};
use crate::diagnostic::Location;
use crate::sql::quote_ident;
use crate::sql::{QualifiedName, TypeName};

/// A written type resolved against the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedType {
    /// The type as `format_type()` prints it.
    pub format: String,
    /// `serial`, `bigserial` or `smallserial`: NOT NULL with a sequence default.
    pub serial: bool,
}

/// A written type no preceding statement made and PostgreSQL does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnknownType {
    /// The name looked up.
    pub name: QualifiedName,
    /// How `format_type()` would spell it, were it made by a statement the fold could not read.
    pub spelling: String,
    /// As written, for the message.
    pub written: String,
}

/// A type of `pg_catalog`, from `codegen/data/pg_types.tsv` (`make pg-catalogs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinType {
    /// Its name in `pg_type` (`int4`, `_text`, `bpchar`).
    pub typname: &'static str,
    /// `format_type()` of a column of this type without modifiers (`integer`, `text[]`).
    pub format: &'static str,
    /// `typtype`: `b` base, `c` composite, `d` domain, `e` enum, `p` pseudo, `r` range,
    /// `m` multirange.
    pub typtype: char,
    /// `typcategory`: `N` numeric, `S` string, `A` array, `U` user-defined, ...
    pub category: char,
    /// For array types (also `int2vector` and `oidvector`): the element's `typname`.
    pub element: Option<&'static str>,
    /// The preferred type of its category (`typispreferred`: `text`, `double precision`, ...),
    /// which function resolution leans towards.
    pub preferred: bool,
    /// For range and multirange types: the subtype (`format_type()` spelling: `integer` for
    /// `int4range`).
    pub range_subtype: Option<&'static str>,
}

/// Every type of `pg_catalog` by `typname`.
fn catalog_types() -> &'static HashMap<&'static str, BuiltinType> {
    static TABLE: OnceLock<HashMap<&'static str, BuiltinType>> = OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("../../data/pg_types.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let mut f = l.split('\t');
                let (typname, format, typtype, category, element, preferred, subtype) = (
                    f.next()?,
                    f.next()?,
                    f.next()?,
                    f.next()?,
                    f.next()?,
                    f.next()?,
                    f.next()?,
                );
                Some((
                    typname,
                    BuiltinType {
                        typname,
                        format,
                        typtype: typtype.chars().next()?,
                        category: category.chars().next()?,
                        element: (!element.is_empty()).then_some(element),
                        preferred: preferred == "t",
                        range_subtype: (!subtype.is_empty()).then_some(subtype),
                    },
                ))
            })
            .collect()
    })
}

/// The `typname` PostgreSQL's grammar gives a type it spells in SQL's own words (`integer`,
/// `double precision`, `character varying`, `timestamp with time zone`), and the serial
/// pseudo-types' integer types.
fn grammar_name(name: &str) -> Option<&'static str> {
    Some(match name {
        "int" | "integer" | "serial" | "serial4" => "int4",
        "smallint" | "smallserial" | "serial2" => "int2",
        "bigint" | "bigserial" | "serial8" => "int8",
        "real" => "float4",
        "double precision" | "float" => "float8",
        "boolean" => "bool",
        "character varying" => "varchar",
        "character" => "bpchar",
        "\"char\"" => "char",
        "decimal" | "dec" => "numeric",
        "timestamp with time zone" => "timestamptz",
        "timestamp without time zone" => "timestamp",
        "time with time zone" => "timetz",
        "time without time zone" => "time",
        "bit varying" => "varbit",
        _ => return None,
    })
}

/// The `pg_catalog` type a written name means, in any spelling PostgreSQL accepts.
pub fn builtin(name: &str) -> Option<&'static BuiltinType> {
    let types = catalog_types();
    grammar_name(name)
        .and_then(|typname| types.get(typname))
        .or_else(|| types.get(name))
}

/// The `pg_catalog` type `format_type()` spells so (`integer`, `text[]`), if there is one.
pub fn builtin_by_format(format: &str) -> Option<&'static BuiltinType> {
    static TABLE: OnceLock<HashMap<&'static str, &'static BuiltinType>> = OnceLock::new();
    TABLE
        .get_or_init(|| catalog_types().values().map(|b| (b.format, b)).collect())
        .get(format)
        .copied()
}

/// True for the name of a built-in type, in any spelling PostgreSQL accepts.
pub(crate) fn is_builtin(name: &str) -> bool {
    builtin(name).is_some()
}

/// Types that extensions add, by extension name (`None` for an extension the generator does
/// not know): those `CREATE EXTENSION` makes
/// on PostgreSQL 15 with its contrib modules (`codegen/data/pg_extension_types.tsv`, `make
/// pg-catalogs`), and those of PostGIS and pgvector, which the tests' server lacks
/// (`codegen/data/extension_types.tsv`, from their manuals).
pub(crate) fn extension_types(extension: &str) -> Option<&'static [&'static str]> {
    static TABLE: OnceLock<HashMap<&'static str, Vec<&'static str>>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            let mut table: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
            let generated = include_str!("../../data/pg_extension_types.tsv");
            let by_hand = include_str!("../../data/extension_types.tsv");
            for line in generated
                .lines()
                .chain(by_hand.lines())
                .filter(|l| !l.starts_with('#'))
            {
                let mut f = line.split('\t');
                if let (Some(extension), Some(typname)) = (f.next(), f.next()) {
                    let types = table.entry(extension).or_default();
                    if !typname.is_empty() {
                        types.push(typname);
                    }
                }
            }
            table
        })
        .get(extension)
        .map(Vec::as_slice)
}

/// The `format_type()` spelling of a built-in with the modifiers written (`typmodout`), or
/// the grammar's default modifier: `char` and `bit` without a length mean length 1.
fn format_builtin(builtin: &BuiltinType, t: &TypeName) -> String {
    let mods = &t.modifiers;
    let list = |m: &[i64]| m.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let from_grammar = !t.written.starts_with('"');
    match builtin.typname {
        "varchar" | "varbit" => match mods.first() {
            Some(n) => format!("{}({n})", builtin.format),
            None => builtin.format.to_string(),
        },
        "bpchar" => match mods.first() {
            Some(n) => format!("character({n})"),
            None if t.name == "character" => "character(1)".into(),
            None => "bpchar".into(),
        },
        "bit" => match mods.first() {
            Some(n) => format!("bit({n})"),
            None if from_grammar => "bit(1)".into(),
            None => builtin.format.to_string(),
        },
        "numeric" => match mods.as_slice() {
            [] => "numeric".into(),
            [p] => format!("numeric({p},0)"),
            m => format!("numeric({})", list(&m[..2])),
        },
        "timestamptz" | "timestamp" | "timetz" | "time" => match mods.first() {
            Some(p) => {
                let (head, tail) = builtin.format.split_once(' ').unwrap_or((builtin.format, ""));
                format!("{head}({p}) {tail}")
            }
            None => builtin.format.to_string(),
        },
        "interval" => {
            let mut out = "interval".to_string();
            if let Some(fields) = &t.qualifier {
                out.push(' ');
                out.push_str(fields);
            }
            if let Some(p) = mods.first() {
                out.push_str(&format!("({p})"));
            }
            out
        }
        "float8" if t.name == "float" => match mods.first() {
            Some(p) if *p <= 24 => "real".into(),
            _ => builtin.format.to_string(),
        },
        _ => builtin.format.to_string(),
    }
}

/// `name` or `schema.name` as `format_type()` prints a user type: qualified only outside the
/// default search path.
pub fn format_user_type(schema: &str, name: &str) -> String {
    if schema == DEFAULT_SCHEMA {
        quote_ident(name)
    } else {
        format!("{}.{}", quote_ident(schema), quote_ident(name))
    }
}

impl Fold {
    /// Resolves a written type, or says it is unknown. Built-in types win over user types of
    /// the same name (PostgreSQL searches `pg_catalog` first); user types are found along the
    /// search path.
    pub(crate) fn resolve_type(&self, t: &TypeName) -> Result<ResolvedType, UnknownType> {
        let serial = t.array_dims == 0
            && matches!(t.schema.as_deref(), None | Some("pg_catalog"))
            && matches!(
                t.name.as_str(),
                "serial" | "serial4" | "bigserial" | "serial8" | "smallserial" | "serial2"
            );
        let builtin_schema = matches!(t.schema.as_deref(), None | Some("pg_catalog"));
        let mut format = match builtin(&t.name).filter(|_| builtin_schema) {
            Some(b) => format_builtin(b, t),
            None => self.user_type(t)?,
        };
        if t.array_dims > 0 {
            format.push_str("[]");
        }
        Ok(ResolvedType { format, serial })
    }

    fn user_type(&self, t: &TypeName) -> Result<String, UnknownType> {
        let name = QualifiedName {
            schema: t.schema.clone(),
            name: t.name.clone(),
        };
        let mods = if t.modifiers.is_empty() {
            String::new()
        } else {
            let mods: Vec<String> = t.modifiers.iter().map(i64::to_string).collect();
            format!("({})", mods.join(","))
        };
        let Some(schema) = self.find_type_schema(&name) else {
            let schema = t.schema.clone().unwrap_or_else(|| self.schema_of(&name));
            let mut spelling = format_user_type(&schema, &t.name);
            spelling.push_str(&mods);
            if t.array_dims > 0 {
                spelling.push_str("[]");
            }
            return Err(UnknownType {
                name,
                spelling,
                written: t.written.clone(),
            });
        };
        Ok(format_user_type(&schema, &t.name) + &mods)
    }

    /// A column (or attribute, domain base, ...) of a type the fold does not have, described
    /// by `what` (`column t.c`): an error when no statement could have made the type, and in
    /// any case the spelling to keep, so the column is there with its exact PostgreSQL type.
    pub(crate) fn unknown_type(&mut self, unknown: UnknownType, what: &str, at: Option<Location>) -> String {
        let message = format!(
            "unknown type `{}` for {what}; hint: use a PostgreSQL type (integer, text, varchar(n), timestamptz, ...) or create the type first (CREATE TYPE ... AS ENUM, CREATE DOMAIN, CREATE EXTENSION)",
            unknown.written
        );
        let proof = Proof::absent(Condition::UndefinedObject, &unknown.name);
        match at {
            Some(at) => self.reject_at(at, proof, message),
            None => self.reject(proof, message),
        }
        unknown.spelling
    }

    /// The schema of the user type `name` (enum, domain, composite, range, base or a
    /// relation's row type), found along the search path.
    pub(crate) fn find_type_schema(&self, name: &QualifiedName) -> Option<String> {
        self.lookup_schemas(name)
            .into_iter()
            .find(|schema| self.type_exists(schema, &name.name) || self.row_type_exists(schema, &name.name))
    }

    /// True when a type (not a relation's row type) named `name` exists in `schema`.
    pub(crate) fn type_exists(&self, schema: &str, name: &str) -> bool {
        self.catalog.enum_type(schema, name).is_some()
            || self
                .catalog
                .domains
                .iter()
                .any(|d| d.schema == schema && d.name == name)
            || self
                .catalog
                .composite_types
                .iter()
                .any(|c| c.schema == schema && c.name == name)
            || self
                .catalog
                .range_types
                .iter()
                .any(|r| r.schema == schema && (r.name == name || r.multirange == name))
            || self.other_types.contains(&(schema.to_string(), name.to_string()))
    }

    /// Every table and view is also a composite type of its own name.
    fn row_type_exists(&self, schema: &str, name: &str) -> bool {
        self.catalog
            .tables
            .iter()
            .any(|r| r.schema == schema && r.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(name: &str, modifiers: &[i64], array_dims: u32) -> TypeName {
        TypeName {
            schema: None,
            name: name.into(),
            modifiers: modifiers.to_vec(),
            qualifier: None,
            array_dims,
            written: name.into(),
        }
    }

    fn format(name: &str, modifiers: &[i64], dims: u32) -> String {
        Fold::new()
            .resolve_type(&t(name, modifiers, dims))
            .unwrap()
            .format
    }

    #[test]
    fn spells_types_as_format_type_does() {
        // Each pair checked against PostgreSQL 15's format_type().
        assert_eq!(format("int4", &[], 0), "integer");
        assert_eq!(format("integer", &[], 0), "integer");
        assert_eq!(format("int8", &[], 0), "bigint");
        assert_eq!(format("int2", &[], 0), "smallint");
        assert_eq!(format("character varying", &[100], 0), "character varying(100)");
        assert_eq!(format("varchar", &[], 0), "character varying");
        assert_eq!(format("character", &[2], 0), "character(2)");
        assert_eq!(format("character", &[], 0), "character(1)");
        assert_eq!(format("numeric", &[10, 4], 0), "numeric(10,4)");
        assert_eq!(format("numeric", &[5], 0), "numeric(5,0)");
        assert_eq!(format("float8", &[], 0), "double precision");
        assert_eq!(format("float4", &[], 0), "real");
        assert_eq!(format("bool", &[], 0), "boolean");
        assert_eq!(format("timestamptz", &[], 0), "timestamp with time zone");
        assert_eq!(
            format("timestamp with time zone", &[6], 0),
            "timestamp(6) with time zone"
        );
        assert_eq!(format("timestamp", &[], 0), "timestamp without time zone");
        assert_eq!(format("time", &[], 0), "time without time zone");
        assert_eq!(format("bit", &[], 0), "bit(1)");
        assert_eq!(format("text", &[], 1), "text[]");
        assert_eq!(format("integer", &[], 2), "integer[]");
    }

    #[test]
    fn serial_types_are_integers_with_a_flag() {
        let r = Fold::new().resolve_type(&t("bigserial", &[], 0)).unwrap();
        assert_eq!(r.format, "bigint");
        assert!(r.serial);
    }

    #[test]
    fn unknown_types_keep_their_spelling() {
        let err = Fold::new().resolve_type(&t("mood", &[2], 1)).unwrap_err();
        assert_eq!(err.spelling, "mood(2)[]");
        assert_eq!(err.name.name, "mood");
    }

    #[test]
    fn knows_every_type_of_pg_catalog() {
        // Types the hand-written list lacked; each spelled as PostgreSQL 15's format_type().
        assert_eq!(format("int2vector", &[], 0), "int2vector");
        assert_eq!(format("regconfig", &[], 0), "regconfig");
        assert_eq!(format("xid8", &[], 0), "xid8");
        assert_eq!(format("_int4", &[], 0), "integer[]");
        assert_eq!(format("bpchar", &[], 0), "bpchar");
        assert_eq!(format("bpchar", &[3], 0), "character(3)");
    }
}
