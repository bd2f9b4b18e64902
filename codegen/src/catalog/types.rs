//! Types: resolving written types to their `format_type()` spelling, built-in or made by the
//! migrations (which [`super::user_types`] folds).

use crate::catalog::fold::{DEFAULT_SCHEMA, Fold};
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

/// Built-in types by every name PostgreSQL accepts for them, with their `format_type()` name.
fn builtin(name: &str) -> Option<&'static str> {
    Some(match name {
        "int" | "int4" | "integer" | "serial" | "serial4" => "integer",
        "int2" | "smallint" | "smallserial" | "serial2" => "smallint",
        "int8" | "bigint" | "bigserial" | "serial8" => "bigint",
        "float4" | "real" => "real",
        "float8" | "double precision" | "float" => "double precision",
        "bool" | "boolean" => "boolean",
        "varchar" | "character varying" => "character varying",
        "char" | "character" => "character",
        "bpchar" => "bpchar",
        "\"char\"" => "\"char\"",
        "decimal" | "numeric" => "numeric",
        "timestamptz" | "timestamp with time zone" => "timestamp with time zone",
        "timestamp" | "timestamp without time zone" => "timestamp without time zone",
        "timetz" | "time with time zone" => "time with time zone",
        "time" | "time without time zone" => "time without time zone",
        "bit" => "bit",
        "varbit" | "bit varying" => "bit varying",
        "text" => "text",
        "uuid" => "uuid",
        "bytea" => "bytea",
        "json" => "json",
        "jsonb" => "jsonb",
        "jsonpath" => "jsonpath",
        "date" => "date",
        "interval" => "interval",
        "inet" => "inet",
        "cidr" => "cidr",
        "macaddr" => "macaddr",
        "macaddr8" => "macaddr8",
        "money" => "money",
        "xml" => "xml",
        "tsvector" => "tsvector",
        "tsquery" => "tsquery",
        "point" => "point",
        "line" => "line",
        "lseg" => "lseg",
        "box" => "box",
        "path" => "path",
        "polygon" => "polygon",
        "circle" => "circle",
        "oid" => "oid",
        "regclass" => "regclass",
        "regtype" => "regtype",
        "regproc" => "regproc",
        "name" => "name",
        "int4range" => "int4range",
        "int8range" => "int8range",
        "numrange" => "numrange",
        "tsrange" => "tsrange",
        "tstzrange" => "tstzrange",
        "daterange" => "daterange",
        "int4multirange" => "int4multirange",
        "int8multirange" => "int8multirange",
        "nummultirange" => "nummultirange",
        "tsmultirange" => "tsmultirange",
        "tstzmultirange" => "tstzmultirange",
        "datemultirange" => "datemultirange",
        "pg_lsn" => "pg_lsn",
        "pg_snapshot" => "pg_snapshot",
        "txid_snapshot" => "txid_snapshot",
        "record" => "record",
        _ => return None,
    })
}

/// True for the name of a built-in type, in any spelling PostgreSQL accepts.
pub(crate) fn is_builtin(name: &str) -> bool {
    builtin(name).is_some()
}

/// Types that well-known extensions add, by extension name.
pub(crate) fn extension_types(extension: &str) -> &'static [&'static str] {
    match extension {
        "citext" => &["citext"],
        "hstore" => &["hstore"],
        "ltree" => &["ltree", "lquery", "ltxtquery"],
        "cube" => &["cube"],
        "isn" => &[
            "ean13", "isbn", "isbn13", "ismn", "ismn13", "issn", "issn13", "upc",
        ],
        "vector" => &["vector", "halfvec", "sparsevec"],
        "postgis" => &["geometry", "geography", "box2d", "box3d"],
        "seg" => &["seg"],
        _ => &[],
    }
}

/// The `format_type()` spelling of a built-in with its modifiers.
fn format_builtin(base: &str, t: &TypeName) -> String {
    let mods = &t.modifiers;
    let list = |m: &[i64]| m.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    match base {
        "character varying" | "bit varying" => match mods.first() {
            Some(n) => format!("{base}({n})"),
            None => base.to_string(),
        },
        // `char` and `bit` without a length mean length 1.
        "character" | "bit" => format!("{base}({})", mods.first().copied().unwrap_or(1)),
        "numeric" => match mods.as_slice() {
            [] => "numeric".into(),
            [p] => format!("numeric({p},0)"),
            m => format!("numeric({})", list(&m[..2])),
        },
        "timestamp with time zone"
        | "timestamp without time zone"
        | "time with time zone"
        | "time without time zone" => match mods.first() {
            Some(p) => {
                let (head, tail) = base.split_once(' ').unwrap_or((base, ""));
                format!("{head}({p}) {tail}")
            }
            None => base.to_string(),
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
        "double precision" if t.name == "float" => match mods.first() {
            Some(p) if *p <= 24 => "real".into(),
            _ => base.to_string(),
        },
        _ => base.to_string(),
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
    /// Resolves a written type, or says why it is unknown. Built-in types win over user types
    /// of the same name (PostgreSQL searches `pg_catalog` first); user types are found along
    /// the search path.
    pub(crate) fn resolve_type(&self, t: &TypeName) -> Result<ResolvedType, String> {
        let serial = t.array_dims == 0
            && t.schema.is_none()
            && matches!(
                t.name.as_str(),
                "serial" | "serial4" | "bigserial" | "serial8" | "smallserial" | "serial2"
            );
        let builtin_schema = matches!(t.schema.as_deref(), None | Some("pg_catalog"));
        let mut format = match builtin(&t.name).filter(|_| builtin_schema) {
            Some(base) => format_builtin(base, t),
            None => self.user_type(t)?,
        };
        if t.array_dims > 0 {
            format.push_str("[]");
        }
        Ok(ResolvedType { format, serial })
    }

    fn user_type(&self, t: &TypeName) -> Result<String, String> {
        let name = QualifiedName {
            schema: t.schema.clone(),
            name: t.name.clone(),
        };
        let Some(schema) = self.find_type_schema(&name) else {
            return Err(format!("unknown type `{}`", t.written));
        };
        let mut out = format_user_type(&schema, &t.name);
        if !t.modifiers.is_empty() {
            let mods: Vec<String> = t.modifiers.iter().map(i64::to_string).collect();
            out.push_str(&format!("({})", mods.join(",")));
        }
        Ok(out)
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
    fn unknown_types_are_errors() {
        let err = Fold::new().resolve_type(&t("mood", &[], 0)).unwrap_err();
        assert_eq!(err, "unknown type `mood`");
    }
}
