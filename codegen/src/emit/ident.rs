//! Turning SQL names into Rust names.
//!
//! Any SQL name becomes a valid Rust identifier: keywords become raw identifiers (`type` ->
//! `r#type`), the few that cannot be raw get a trailing underscore (`self` -> `self_`), a leading
//! digit gets a leading underscore, and characters Rust does not allow become `_`.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Rust keywords in edition 2024 (strict and reserved), which need `r#` to be identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "crate", "super", "_"];

/// Names of the standard prelude a generated type must not shadow.
pub const PRELUDE: &[&str] = &[
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Default",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "Err",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Into",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

/// Replaces characters that cannot appear in an identifier and fixes a leading digit.
fn sanitize(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.chars().all(|c| c == '_') {
        out = format!("_{out}");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// [`ident`] as text: `r#type` for a keyword, `self_` for one that cannot be raw, else
/// `name` itself.
pub fn rust_name(name: &str) -> String {
    if NOT_RAW.contains(&name) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

/// A Rust identifier for `name`, raw or suffixed when `name` is a keyword.
pub fn ident(name: &str) -> Ident {
    let name = rust_name(name);
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(&name, Span::call_site()),
    }
}

/// Spells each non-ASCII character as a word of its own, `u` and its code point in hex
/// (`größe` -> `gr u00f6 u00df e`), so every name becomes a distinct ASCII identifier (Rust
/// needs ASCII module names, and readers need names they can type).
fn ascii_words(sql_name: &str) -> std::borrow::Cow<'_, str> {
    if sql_name.is_ascii() {
        return std::borrow::Cow::Borrowed(sql_name);
    }
    let mut out = String::new();
    for c in sql_name.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!(" u{:04x} ", u32::from(c)));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The snake_case field or function name for a SQL name (`userId` -> `user_id`, `type` -> `r#type`,
/// `größe` -> `gr_u00f6_u00df_e`).
pub fn field_name(sql_name: &str) -> String {
    let snake = sanitize(&ascii_words(sql_name).to_snake_case());
    // heck drops a leading underscore; keep one when the name needs it (leading digit).
    if sql_name.starts_with(|c: char| c.is_ascii_digit()) && !snake.starts_with('_') {
        format!("_{snake}")
    } else {
        snake
    }
}

/// The UpperCamelCase type or variant name for a SQL name (`pr_opened` -> `PrOpened`).
pub fn type_name(sql_name: &str) -> String {
    let sql_name = &*ascii_words(sql_name);
    let camel = sql_name.to_upper_camel_case();
    let camel = if camel.is_empty() {
        sanitize(sql_name)
    } else {
        sanitize(&camel)
    };
    // A type name must not start with `_` followed by nothing useful; `_1x` becomes `V1x`.
    match camel.strip_prefix('_') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => format!("V{rest}"),
        _ => camel,
    }
}

/// The SHOUTY_SNAKE_CASE constant name for a SQL name.
pub fn const_name(sql_name: &str) -> String {
    sanitize(&ascii_words(sql_name).to_shouty_snake_case())
}

/// The singular of a table name's last word (`team_members` -> `team_member`,
/// `categories` -> `category`, `addresses` -> `address`, `status` stays).
pub fn singular(table: &str) -> String {
    let (head, last) = match table.rfind('_') {
        Some(i) => (&table[..=i], &table[i + 1..]),
        None => ("", table),
    };
    let lower = last.to_ascii_lowercase();
    let cut = |n: usize| &last[..last.len() - n];
    const IRREGULAR: &[(&str, &str)] = &[
        ("people", "person"),
        ("children", "child"),
        ("men", "man"),
        ("women", "woman"),
        ("mice", "mouse"),
        ("geese", "goose"),
        ("feet", "foot"),
        ("teeth", "tooth"),
    ];
    let singular = if let Some((_, one)) = IRREGULAR.iter().find(|(many, _)| *many == lower) {
        one.to_string()
    } else if lower.ends_with("yses") {
        format!("{}is", cut(2))
    } else if lower.ends_with("uses") {
        cut(2).to_string()
    } else if lower.ends_with("ies") && last.len() > 3 {
        format!("{}y", cut(3))
    } else if ["sses", "shes", "ches", "xes", "zes"]
        .iter()
        .any(|s| lower.ends_with(s))
    {
        cut(2).to_string()
    } else if lower.ends_with('s') && !["ss", "us", "is"].iter().any(|s| lower.ends_with(s)) && last.len() > 1
    {
        cut(1).to_string()
    } else {
        last.to_string()
    };
    format!("{head}{singular}")
}

/// The row struct's name for a relation stem: its singular (or the stem as it is), in
/// UpperCamelCase, with `Row` appended where it would shadow a prelude name (`copies` ->
/// `CopyRow`).
pub fn row_name(stem: &str, singular_form: bool) -> String {
    let name = if singular_form {
        type_name(&singular(stem))
    } else {
        type_name(stem)
    };
    if PRELUDE.contains(&name.as_str())
        || ["Self", "Vec", "HashMap", "Error", "ParseEnumError"].contains(&name.as_str())
    {
        format!("{name}Row")
    } else {
        name
    }
}

/// Field names for columns in order, unique: when two columns become one name (`created_at`
/// and `createdAt`, or a query's two `id` columns), the first column already spelled that way
/// keeps it and the others get their position appended (`created_at_7`).
pub fn field_names<'a>(columns: impl Iterator<Item = &'a str>) -> Vec<String> {
    let columns: Vec<&str> = columns.collect();
    let plain: Vec<String> = columns.iter().map(|c| field_name(c)).collect();
    let mut out = Vec::with_capacity(columns.len());
    for (i, name) in plain.iter().enumerate() {
        let shared = plain.iter().filter(|n| *n == name).count() > 1;
        // The first column spelled exactly so keeps the name; when none is, the first of them.
        let exact = columns
            .iter()
            .zip(&plain)
            .position(|(c, n)| n == name && n.trim_start_matches("r#") == *c);
        let keeps = exact.unwrap_or_else(|| plain.iter().position(|n| n == name).unwrap_or(i)) == i;
        if shared && !keeps {
            let mut candidate = format!("{}_{}", name.trim_start_matches("r#"), i + 1);
            while plain.contains(&candidate) || out.contains(&candidate) {
                candidate.push('_');
            }
            out.push(candidate);
        } else {
            out.push(name.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_columns_that_become_one_field_distinct_names() {
        let names = field_names(["createdAt", "id", "created_at", "CreatedAt"].into_iter());
        assert_eq!(names, ["created_at_1", "id", "created_at", "created_at_4"]);
        let names = field_names(["userId", "UserID"].into_iter());
        assert_eq!(names, ["user_id", "user_id_2"]);
    }

    #[test]
    fn spells_non_ascii_characters_as_code_points() {
        assert_eq!(field_name("größe"), "gr_u00f6_u00df_e");
        assert_eq!(type_name("größe"), "GrU00f6U00dfE");
        assert_eq!(const_name("größe"), "GR_U00F6_U00DF_E");
        assert_eq!(field_name("موارد"), "u0645_u0648_u0627_u0631_u062f");
        assert_ne!(field_name("تست"), field_name("موارد"));
    }

    #[test]
    fn keywords_become_raw_identifiers() {
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("match").to_string(), "r#match");
        assert_eq!(ident("async").to_string(), "r#async");
        assert_eq!(ident("gen").to_string(), "r#gen");
        assert_eq!(ident("try").to_string(), "r#try");
        assert_eq!(ident("slug").to_string(), "slug");
    }

    #[test]
    fn keywords_that_cannot_be_raw_get_an_underscore() {
        for name in ["self", "Self", "crate", "super"] {
            assert_eq!(ident(name).to_string(), format!("{name}_"));
        }
        assert_eq!(ident(&field_name("_")).to_string(), "__");
    }

    #[test]
    fn field_names_are_snake_case_and_valid() {
        assert_eq!(field_name("userId"), "user_id");
        assert_eq!(field_name("Created At"), "created_at");
        assert_eq!(field_name("1st_place"), "_1st_place");
        assert_eq!(field_name("a-b"), "a_b");
        assert_eq!(field_name("naïve"), "na_u00ef_ve");
    }

    #[test]
    fn type_names_are_upper_camel_case_and_valid() {
        assert_eq!(type_name("pr_opened"), "PrOpened");
        assert_eq!(type_name("amd64"), "Amd64");
        assert_eq!(type_name("1x"), "V1x");
        assert_eq!(type_name("in progress"), "InProgress");
        assert_eq!(type_name("team_member"), "TeamMember");
    }

    #[test]
    fn constants_are_shouty() {
        assert_eq!(const_name("billing_plan"), "BILLING_PLAN");
        assert_eq!(const_name("userId"), "USER_ID");
    }

    #[test]
    fn singularises_the_last_word() {
        let cases = [
            ("teams", "team"),
            ("team_members", "team_member"),
            ("categories", "category"),
            ("addresses", "address"),
            ("boxes", "box"),
            ("status", "status"),
            ("agent_connections", "agent_connection"),
            ("analysis", "analysis"),
            ("analyses", "analysis"),
            ("statuses", "status"),
            ("people", "person"),
            ("children", "child"),
            ("s", "s"),
        ];
        for (plural, one) in cases {
            assert_eq!(singular(plural), one, "{plural}");
        }
    }
}
