//! `stagely-codegen.toml`: optional settings for projects other than ours.
//!
//! Looked for beside the migrations (in the migrations folder, then in its parent) unless
//! `--config PATH` names one; our own repository has none and needs none. Every key is
//! optional:
//!
//! ```toml
//! migrations = "db/migrations"          # relative to this file; --migrations wins
//! out = "src/models"                    # relative to this file; --out wins
//! migration_list = false                # "auto" (default), true or false
//! skip = ["audit", "public.schema_migrations"]   # schemas, or schema.table
//! derives = ["Eq", "Hash"]              # extra derives on row and insert structs
//! strict = true                         # warnings fail generate and check (--strict)
//!
//! [types]                               # per SQL type, as format_type() spells it
//! "tsvector" = "crate::Search"          # values still travel as the default mapping says
//!
//! [columns]                             # per column: schema.table.column
//! "public.users.settings" = "::sqlx::types::Json<crate::Settings>"
//!
//! [rename]                              # schema.table -> struct, schema.table.column -> field
//! "public.users" = "Account"
//! "public.users.email_address" = "email"
//! ```
//!
//! The file is read by a small reader of this subset of TOML (strings, booleans, arrays of
//! strings, `[tables]`, `#` comments), so the generator needs no TOML dependency; anything
//! else is an error naming its line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::emit::migrations::MigrationList;

/// The file name looked for beside the migrations.
pub const FILE_NAME: &str = "stagely-codegen.toml";

/// The settings of a `stagely-codegen.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// The file the settings came from (paths in it are relative to its folder).
    pub path: Option<PathBuf>,
    /// The migrations folder.
    pub migrations: Option<PathBuf>,
    /// The output folder.
    pub out: Option<PathBuf>,
    /// Whether `migrations.rs` is emitted.
    pub migration_list: MigrationList,
    /// Schemas (`audit`) and tables (`public.logs`) to leave out.
    pub skip: Vec<String>,
    /// Extra derives for row and insert structs (`Eq`, `Hash`, `::my::Trait`).
    pub derives: Vec<String>,
    /// Warnings fail `generate` and `check` as errors do (`--strict`).
    pub strict: bool,
    /// Rust types per SQL type.
    pub types: BTreeMap<String, String>,
    /// Rust types per column (`schema.table.column`).
    pub columns: BTreeMap<String, String>,
    /// Struct names per relation (`schema.table`) and field names per column.
    pub rename: BTreeMap<String, String>,
}

impl Config {
    /// Reads `path` (given with `--config`): a missing or malformed file is an error.
    pub fn read(path: &Path) -> Result<Self, String> {
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let mut config = Self::parse(&text).map_err(|e| format!("{}:{e}", path.display()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        config.migrations = config.migrations.map(|p| base.join(p));
        config.out = config.out.map(|p| base.join(p));
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// The configuration beside `migrations` (in it, then in its parent), or the default.
    pub fn discover(migrations: &Path) -> Result<Self, String> {
        let candidates = [
            Some(migrations.join(FILE_NAME)),
            migrations.parent().map(|p| p.join(FILE_NAME)),
        ];
        for candidate in candidates.into_iter().flatten() {
            if candidate.is_file() {
                return Self::read(&candidate);
            }
        }
        Ok(Self::default())
    }

    /// Parses the text of a configuration file; errors start with `line: `.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut config = Config::default();
        let mut table = String::new();
        for (number, raw) in text.lines().enumerate() {
            let line_no = number + 1;
            let line = strip_comment(raw).trim();
            if line.is_empty() {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                let name = name.trim();
                if !["types", "columns", "rename"].contains(&name) {
                    return Err(format!(
                        "{line_no}: unknown table [{name}]; the tables are [types], [columns] and [rename]"
                    ));
                }
                table = name.to_string();
                continue;
            }
            let Some((key, value)) = split_key_value(line) else {
                return Err(format!("{line_no}: expected `key = value`"));
            };
            let key = unquote(key.trim(), true).map_err(|e| format!("{line_no}: {e}"))?;
            let value = Value::parse(value.trim()).map_err(|e| format!("{line_no}: {e}"))?;
            let wrong = |expected: &str| format!("{line_no}: `{key}` must be {expected}");
            match table.as_str() {
                "" => match key.as_str() {
                    "migrations" => {
                        config.migrations = Some(value.string().ok_or_else(|| wrong("a string"))?.into())
                    }
                    "out" => config.out = Some(value.string().ok_or_else(|| wrong("a string"))?.into()),
                    "migration_list" => {
                        config.migration_list = match value {
                            Value::Bool(true) => MigrationList::Always,
                            Value::Bool(false) => MigrationList::Never,
                            Value::String(s) if s == "auto" => MigrationList::Auto,
                            _ => return Err(wrong("true, false or \"auto\"")),
                        }
                    }
                    "skip" => config.skip = value.strings().ok_or_else(|| wrong("an array of strings"))?,
                    "derives" => {
                        config.derives = value.strings().ok_or_else(|| wrong("an array of strings"))?
                    }
                    "strict" => {
                        config.strict = match value {
                            Value::Bool(b) => b,
                            _ => return Err(wrong("true or false")),
                        }
                    }
                    other => {
                        return Err(format!(
                            "{line_no}: unknown key `{other}`; the keys are migrations, out, migration_list, skip, derives, strict and the tables [types], [columns], [rename]"
                        ));
                    }
                },
                name => {
                    let value = value.string().ok_or_else(|| wrong("a string"))?.to_string();
                    let map = match name {
                        "types" => &mut config.types,
                        "columns" => &mut config.columns,
                        _ => &mut config.rename,
                    };
                    map.insert(key, value);
                }
            }
        }
        config.validate()?;
        Ok(config)
    }

    /// Checks that every Rust type and derive parses as Rust and every name is an identifier.
    fn validate(&self) -> Result<(), String> {
        for (what, ty) in self.types.iter().chain(&self.columns) {
            syn::parse_str::<syn::Type>(ty)
                .map_err(|e| format!(" the Rust type `{ty}` for `{what}` does not parse: {e}"))?;
        }
        for derive in &self.derives {
            syn::parse_str::<syn::Path>(derive)
                .map_err(|e| format!(" the derive `{derive}` does not parse: {e}"))?;
        }
        for (what, name) in &self.rename {
            syn::parse_str::<syn::Ident>(name)
                .map_err(|_| format!(" the new name `{name}` for `{what}` is not a Rust identifier"))?;
        }
        Ok(())
    }
}

/// A value of the subset: a string, a boolean or an array of strings.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    String(String),
    Bool(bool),
    Strings(Vec<String>),
}

impl Value {
    fn parse(text: &str) -> Result<Self, String> {
        match text {
            "true" => return Ok(Value::Bool(true)),
            "false" => return Ok(Value::Bool(false)),
            _ => {}
        }
        if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            let mut items = Vec::new();
            for item in split_items(inner)? {
                items.push(unquote(item.trim(), false)?);
            }
            return Ok(Value::Strings(items));
        }
        unquote(text, false).map(Value::String)
    }

    fn string(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    fn strings(self) -> Option<Vec<String>> {
        match self {
            Value::Strings(items) => Some(items),
            _ => None,
        }
    }
}

/// The text of a `"basic"` or `'literal'` string, or (where `bare` allows it) a bare key.
fn unquote(text: &str, bare: bool) -> Result<String, String> {
    if let Some(inner) = text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
        return Ok(inner.to_string());
    }
    if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('"') => out.push('"'),
                    Some('\\') => out.push('\\'),
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    other => return Err(format!("unsupported escape `\\{}`", other.unwrap_or(' '))),
                }
            } else {
                out.push(c);
            }
        }
        return Ok(out);
    }
    if bare
        && !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Ok(text.to_string());
    }
    Err(format!(
        "expected a quoted string, true, false or an array of strings, found `{text}`"
    ))
}

/// Splits `"a", "b"` at the commas outside quotes.
fn split_items(inner: &str) -> Result<Vec<&str>, String> {
    let mut items = Vec::new();
    let (mut start, mut quote) = (0, None);
    for (i, c) in inner.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, ',') => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if quote.is_some() {
        return Err("unterminated string".into());
    }
    items.push(&inner[start..]);
    Ok(items.into_iter().filter(|i| !i.trim().is_empty()).collect())
}

/// `key = value`, the key possibly quoted (and holding `=`).
fn split_key_value(line: &str) -> Option<(&str, &str)> {
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '=') => return Some((&line[..i], &line[i + 1..])),
            _ => {}
        }
    }
    None
}

/// The line without a `#` comment outside quotes.
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '#') => return &line[..i],
            _ => {}
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_setting() {
        let config = Config::parse(
            r#"
            # comment
            migrations = "db/migrations"   # trailing comment
            out = 'src/models'
            migration_list = false
            skip = ["audit", "public.logs"]
            derives = ["Eq", "Hash"]

            [types]
            "tsvector" = "crate::Search"

            [columns]
            "public.users.settings" = "::sqlx::types::Json<crate::Settings>"

            [rename]
            "public.users" = "Account"
            "public.users.email_address" = "email"
            "#,
        )
        .unwrap();
        assert_eq!(config.migrations.as_deref(), Some(Path::new("db/migrations")));
        assert_eq!(config.out.as_deref(), Some(Path::new("src/models")));
        assert_eq!(config.migration_list, MigrationList::Never);
        assert_eq!(config.skip, ["audit", "public.logs"]);
        assert_eq!(config.derives, ["Eq", "Hash"]);
        assert_eq!(config.types["tsvector"], "crate::Search");
        assert_eq!(
            config.columns["public.users.settings"],
            "::sqlx::types::Json<crate::Settings>"
        );
        assert_eq!(config.rename["public.users"], "Account");
    }

    #[test]
    fn says_what_is_wrong_and_where() {
        assert_eq!(
            Config::parse("out = 1").unwrap_err(),
            "1: expected a quoted string, true, false or an array of strings, found `1`"
        );
        assert!(
            Config::parse("\n[nope]")
                .unwrap_err()
                .starts_with("2: unknown table [nope]")
        );
        assert!(
            Config::parse("colour = \"red\"")
                .unwrap_err()
                .starts_with("1: unknown key `colour`")
        );
        assert!(
            Config::parse("skip = \"audit\"")
                .unwrap_err()
                .contains("must be an array of strings")
        );
        assert!(
            Config::parse("[types]\n\"uuid\" = \"not a type <\"")
                .unwrap_err()
                .contains("does not parse")
        );
        assert!(
            Config::parse("[rename]\n\"users\" = \"two words\"")
                .unwrap_err()
                .contains("not a Rust identifier")
        );
        assert_eq!(Config::parse("").unwrap(), Config::default());
    }
}
