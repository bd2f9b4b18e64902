//! Finding migration files, ordering them, and cutting them into Up and Down sections.
//!
//! Layouts understood, in one directory:
//! - single files with section markers: `-- +migrate Up` / `-- +migrate Down` (sql-migrate),
//!   `-- +goose Up` / `-- +goose Down` (goose, `StatementBegin/End` kept as comments),
//!   `-- migrate:up` / `-- migrate:down` (dbmate);
//! - pairs `N_name.up.sql` + `N_name.down.sql` (golang-migrate, sqlx reversible);
//! - directories `N_name/up.sql` (+ `down.sql`, diesel) or `N_name/migration.sql` (Prisma);
//! - plain `.sql` files without markers: the whole file is the Up section.
//!
//! Migrations are ordered by the number their name starts with, compared as a number (so `10`
//! comes after `9`), ties broken by name; files without a number come last, by name. Two
//! migrations with the same number are an error.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Location, locate};

/// Up or Down SQL of one migration, and where it sits in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The SQL text, exactly as in the file.
    pub sql: String,
    /// The file the SQL was read from.
    pub path: PathBuf,
    /// The line of `path` on which `sql` starts (1-based).
    pub first_line: u32,
}

impl Section {
    /// Translates a byte offset within `sql` into a line and column of the file.
    pub fn locate(&self, byte_offset: usize) -> Location {
        locate(&self.sql, byte_offset, self.first_line)
    }
}

/// One migration: a version, a name, and its Up (and maybe Down) SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// The leading number of the file or directory name; `None` for unnumbered files.
    pub version: Option<u64>,
    /// The rest of the name, without the number, separator and extension (`create_teams`).
    pub name: String,
    /// Path of the migration relative to the migrations directory, with `/` separators
    /// (`001_create_teams.sql`, `3_add/up.sql`).
    pub file: String,
    /// The SQL applied when migrating up. Only this reaches the schema catalog.
    pub up: Section,
    /// The SQL that reverses `up`, when the migration has one.
    pub down: Option<Section>,
    /// The migration tool whose layout the file follows.
    pub tool: Tool,
}

/// The migration tools whose layouts are read, as far as a layout tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// `-- +migrate Up/Down` (sql-migrate).
    SqlMigrate,
    /// `-- +goose Up/Down`.
    Goose,
    /// `-- migrate:up/down` (dbmate).
    Dbmate,
    /// `N_name.up.sql` + `N_name.down.sql` (golang-migrate, sqlx reversible).
    UpDownFiles,
    /// `N_name/up.sql` (diesel).
    Diesel,
    /// `N_name/migration.sql` (Prisma).
    Prisma,
    /// Plain `.sql` files, each applied whole (sqlx, Flyway, psql scripts).
    Plain,
}

/// Reads every migration in `dir`, in apply order.
///
/// Problems are pushed onto `diagnostics` (all of them, not just the first); migrations that
/// could not be read are left out of the result.
pub fn read_migrations(dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<Migration> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            diagnostics.push(Diagnostic::error(
                dir,
                "migrations directory not found; pass --migrations DIR pointing at the folder of numbered .sql files",
            ));
            return Vec::new();
        }
        Err(err) => {
            diagnostics.push(Diagnostic::error(
                dir,
                format!("cannot read migrations directory: {err}"),
            ));
            return Vec::new();
        }
    };
    let mut names: Vec<(String, bool)> = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => {
                let name = entry.file_name().to_string_lossy().into_owned();
                let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
                if !name.starts_with('.') {
                    names.push((name, is_dir));
                }
            }
            Err(err) => diagnostics.push(Diagnostic::error(dir, format!("cannot list directory: {err}"))),
        }
    }
    names.sort();

    let mut migrations = Vec::new();
    let mut down_files: BTreeMap<String, String> = BTreeMap::new();
    for (name, is_dir) in &names {
        if *is_dir {
            if let Some(m) = read_directory_migration(dir, name, diagnostics) {
                migrations.push(m);
            }
        } else if let Some(stem) = name.strip_suffix(".down.sql") {
            down_files.insert(stem.to_string(), name.clone());
        } else if let Some(stem) = name.strip_suffix(".up.sql") {
            let path = dir.join(name);
            if let Some(sql) = read_utf8(&path, diagnostics) {
                migrations.push(Migration {
                    version: leading_version(stem),
                    name: description(stem),
                    file: name.clone(),
                    up: Section {
                        sql,
                        path,
                        first_line: 1,
                    },
                    down: None,
                    tool: Tool::UpDownFiles,
                });
            }
        } else if let Some(stem) = name.strip_suffix(".sql") {
            let path = dir.join(name);
            if let Some(text) = read_utf8(&path, diagnostics)
                && let Some((up, down, tool)) = split_sections(&path, &text, diagnostics)
            {
                migrations.push(Migration {
                    version: leading_version(stem),
                    name: description(stem),
                    file: name.clone(),
                    up,
                    down,
                    tool,
                });
            }
        }
    }

    // Pair `N.down.sql` files with their `N.up.sql`.
    for (stem, down_name) in down_files {
        let up_name = format!("{stem}.up.sql");
        let path = dir.join(&down_name);
        match migrations.iter_mut().find(|m| m.file == up_name) {
            Some(m) => {
                if let Some(sql) = read_utf8(&path, diagnostics) {
                    m.down = Some(Section {
                        sql,
                        path,
                        first_line: 1,
                    });
                }
            }
            // golang-migrate runs such a version with an empty Up, sqlx skips it: either way
            // nothing of it reaches the database when migrating up.
            None => {
                if let Some(sql) = read_utf8(&path, diagnostics) {
                    diagnostics.push(Diagnostic::warning(
                        &path,
                        format!("down migration without an up migration: migrating up runs nothing for it (golang-migrate records the version, sqlx skips it); add {up_name} if it should"),
                    ));
                    migrations.push(Migration {
                        version: leading_version(&stem),
                        name: description(&stem),
                        file: down_name.clone(),
                        up: Section {
                            sql: String::new(),
                            path: path.clone(),
                            first_line: 1,
                        },
                        down: Some(Section {
                            sql,
                            path,
                            first_line: 1,
                        }),
                        tool: Tool::UpDownFiles,
                    });
                }
            }
        }
    }

    if migrations.is_empty() && !diagnostics.iter().any(Diagnostic::is_error) {
        diagnostics.push(Diagnostic::error(
            dir,
            "no migrations found; expected files such as 001_create_teams.sql",
        ));
    }

    migrations.sort_by(|a, b| {
        (a.version.is_none(), a.version, &a.file).cmp(&(b.version.is_none(), b.version, &b.file))
    });
    report_duplicate_versions(dir, &migrations, diagnostics);
    migrations
}

fn read_directory_migration(dir: &Path, name: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<Migration> {
    let folder = dir.join(name);
    let (up_file, down_file, tool) = if folder.join("up.sql").is_file() {
        ("up.sql", Some("down.sql"), Tool::Diesel)
    } else if folder.join("migration.sql").is_file() {
        ("migration.sql", None, Tool::Prisma)
    } else {
        // Not a migration folder (a README or fixtures folder, say): nothing to read.
        return None;
    };
    let up_path = folder.join(up_file);
    let sql = read_utf8(&up_path, diagnostics)?;
    let down = down_file
        .map(|f| folder.join(f))
        .filter(|p| p.is_file())
        .and_then(|path| {
            read_utf8(&path, diagnostics).map(|sql| Section {
                sql,
                path,
                first_line: 1,
            })
        });
    Some(Migration {
        version: leading_version(name),
        name: description(name),
        file: format!("{name}/{up_file}"),
        up: Section {
            sql,
            path: up_path,
            first_line: 1,
        },
        down,
        tool,
    })
}

fn report_duplicate_versions(dir: &Path, migrations: &[Migration], diagnostics: &mut Vec<Diagnostic>) {
    for pair in migrations.windows(2) {
        if let (Some(a), Some(b)) = (pair[0].version, pair[1].version)
            && a == b
        {
            diagnostics.push(Diagnostic::error(
                &dir.join(&pair[1].file),
                format!(
                    "duplicate migration version {b}: {} has it too; give each migration its own number",
                    pair[0].file
                ),
            ));
        }
    }
}

/// Reads a file that must be UTF-8, reporting the position of the first bad byte if it is not.
fn read_utf8(path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            diagnostics.push(Diagnostic::error(path, format!("cannot read file: {err}")));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(err) => {
            let bytes = err.as_bytes();
            let valid_up_to = err.utf8_error().valid_up_to();
            let valid = std::str::from_utf8(&bytes[..valid_up_to]).unwrap_or_default();
            diagnostics.push(Diagnostic::error_at(
                path,
                locate(valid, valid.len(), 1),
                format!(
                    "file is not valid UTF-8 (byte 0x{:02x}); save it as UTF-8",
                    bytes[valid_up_to]
                ),
            ));
            None
        }
    }
}

/// Which section a marker line opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Up,
    Down,
}

/// Recognises `-- +migrate Up`, `-- +goose Down`, `-- migrate:up` and friends, and the tool
/// each belongs to.
fn marker(line: &str) -> Option<(Marker, Tool)> {
    let rest = line.trim().strip_prefix("--")?.trim_start();
    let (word, tool) = if let Some(r) = rest.strip_prefix("+migrate") {
        (r.split_whitespace().next()?, Tool::SqlMigrate)
    } else if let Some(r) = rest.strip_prefix("+goose") {
        (r.split_whitespace().next()?, Tool::Goose)
    } else {
        (
            rest.strip_prefix("migrate:")?.split_whitespace().next()?,
            Tool::Dbmate,
        )
    };
    match word.to_ascii_lowercase().as_str() {
        "up" => Some((Marker::Up, tool)),
        "down" => Some((Marker::Down, tool)),
        _ => None,
    }
}

/// Cuts a single-file migration into its Up and Down sections.
fn split_sections(
    path: &Path,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Section, Option<Section>, Tool)> {
    // (marker, line number of the marker, byte offset where the marker line starts, byte offset after it)
    let mut markers: Vec<(Marker, u32, usize, usize)> = Vec::new();
    let mut tool = Tool::Plain;
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if let Some((m, t)) = marker(line) {
            markers.push((m, index as u32 + 1, offset, offset + line.len()));
            tool = t;
        }
        offset += line.len();
    }
    if markers.is_empty() {
        let up = Section {
            sql: text.to_string(),
            path: path.to_path_buf(),
            first_line: 1,
        };
        return Some((up, None, Tool::Plain));
    }

    let section = |wanted: Marker| -> Option<Section> {
        // Every section of one direction, in file order; what lies between them is blanked
        // (newlines kept), so lines and columns stay those of the file.
        let first = markers.iter().position(|m| m.0 == wanted)?;
        let last = markers.iter().rposition(|m| m.0 == wanted)?;
        let mut sql = String::new();
        for (i, &(kind, _, start, body_start)) in markers.iter().enumerate().take(last + 1).skip(first) {
            let body_end = markers.get(i + 1).map_or(text.len(), |next| next.2);
            if i > first {
                sql.extend(text[start..body_start].chars().filter(|&c| c == '\n'));
            }
            if kind == wanted {
                sql.push_str(&text[body_start..body_end]);
            } else {
                sql.extend(text[body_start..body_end].chars().filter(|&c| c == '\n'));
            }
        }
        Some(Section {
            sql,
            path: path.to_path_buf(),
            first_line: markers[first].1 + 1,
        })
    };
    for (wanted, label) in [(Marker::Up, "Up"), (Marker::Down, "Down")] {
        if let Some(&(_, line, _, _)) = markers.iter().filter(|m| m.0 == wanted).nth(1) {
            diagnostics.push(Diagnostic::warning_at(
                path,
                Location { line, column: 1 },
                format!("second {label} marker in one file: its SQL is read as part of the {label} section, in file order, as sql-migrate applies it; merge the sections to make that plain"),
            ));
        }
    }
    let down = section(Marker::Down);
    let up = match section(Marker::Up) {
        Some(up) => up,
        None => {
            let line = markers[0].1;
            diagnostics.push(Diagnostic::warning_at(
                path,
                Location { line, column: 1 },
                "file has a Down section but no Up section: migrating up runs nothing of it; add `-- +migrate Up` above the SQL that applies the migration if it should",
            ));
            Section {
                sql: String::new(),
                path: path.to_path_buf(),
                first_line: line,
            }
        }
    };
    Some((up, down, tool))
}

/// The length in bytes of the version a name starts with: digits, and dashes between digits
/// (diesel's `2024-01-01-000000_name`), after Flyway's `V` (`V0001.Initial_Schema`,
/// `V2__add_users`).
fn version_len(stem: &str) -> usize {
    let bytes = stem.as_bytes();
    let flyway = matches!(bytes.first(), Some(b'V' | b'v')) && bytes.get(1).is_some_and(u8::is_ascii_digit);
    let mut end = usize::from(flyway);
    while end < bytes.len() {
        let dash_between_digits =
            bytes[end] == b'-' && end > 0 && bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
        if bytes[end].is_ascii_digit() || dash_between_digits {
            end += 1;
        } else {
            break;
        }
    }
    end
}

/// The number a migration's name starts with (`001_x` -> 1, `20210425153745_x` ->
/// 20210425153745, `2024-01-01-000000_x` -> 20240101000000).
fn leading_version(stem: &str) -> Option<u64> {
    let digits: String = stem[..version_len(stem)]
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The name without its leading number and separator (`001_create_teams` -> `create_teams`).
fn description(stem: &str) -> String {
    let rest = &stem[version_len(stem)..];
    let rest = rest.strip_prefix("__").unwrap_or(rest);
    let rest = rest.strip_prefix(['_', '-', '.']).unwrap_or(rest);
    if rest.is_empty() {
        stem.to_string()
    } else {
        rest.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> (Option<(Section, Option<Section>)>, Vec<String>) {
        let mut d = Vec::new();
        let r = split_sections(Path::new("m.sql"), text, &mut d).map(|(up, down, _)| (up, down));
        (r, d.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn tells_the_tool_by_its_markers() {
        let tool = |text: &str| split_sections(Path::new("m.sql"), text, &mut Vec::new()).map(|r| r.2);
        assert_eq!(tool("-- +migrate Up\nSELECT 1;"), Some(Tool::SqlMigrate));
        assert_eq!(tool("-- +goose Up\nSELECT 1;"), Some(Tool::Goose));
        assert_eq!(tool("-- migrate:up\nSELECT 1;"), Some(Tool::Dbmate));
        assert_eq!(tool("SELECT 1;"), Some(Tool::Plain));
    }

    #[test]
    fn splits_migrate_markers_with_line_of_the_up_sql() {
        let (r, d) = split("-- +migrate Up\nCREATE TABLE a (id int);\n\n-- +migrate Down\nDROP TABLE a;\n");
        assert!(d.is_empty());
        let (up, down) = r.unwrap();
        assert_eq!(up.sql, "CREATE TABLE a (id int);\n\n");
        assert_eq!(up.first_line, 2);
        let down = down.unwrap();
        assert_eq!(down.sql, "DROP TABLE a;\n");
        assert_eq!(down.first_line, 5);
    }

    #[test]
    fn splits_goose_and_dbmate_markers() {
        let (r, _) = split(
            "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n-- +goose StatementEnd\n-- +goose Down\nSELECT 2;\n",
        );
        let (up, down) = r.unwrap();
        assert!(up.sql.contains("SELECT 1"));
        assert_eq!(down.unwrap().sql, "SELECT 2;\n");
        let (r, _) = split("-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n");
        assert_eq!(r.unwrap().0.sql, "SELECT 1;\n");
    }

    #[test]
    fn treats_a_file_without_markers_as_all_up() {
        let (r, _) = split("CREATE TABLE a (id int);\n");
        let (up, down) = r.unwrap();
        assert_eq!(up.first_line, 1);
        assert!(down.is_none());
    }

    #[test]
    fn reads_a_down_without_an_up_as_an_empty_up() {
        let (r, d) = split("-- comment\n-- +migrate Down\nDROP TABLE a;\n");
        let (up, down) = r.unwrap();
        assert!(up.sql.is_empty());
        assert_eq!(down.unwrap().sql, "DROP TABLE a;\n");
        assert_eq!(d.len(), 1);
        assert!(
            d[0].starts_with("m.sql:2:1: warning: file has a Down section but no Up section"),
            "{d:?}"
        );
    }

    #[test]
    fn reads_two_up_sections_in_order_keeping_their_lines() {
        let (r, d) =
            split("-- +migrate Up\nSELECT 1;\n-- +migrate Down\nSELECT 0;\n-- +migrate Up\nSELECT 2;\n");
        let (up, down) = r.unwrap();
        assert_eq!(up.sql, "SELECT 1;\n\n\n\nSELECT 2;\n");
        assert_eq!(up.first_line, 2);
        assert_eq!(down.unwrap().sql, "SELECT 0;\n");
        assert!(d[0].starts_with("m.sql:5:1: warning: second Up marker"), "{d:?}");
    }

    #[test]
    fn reads_versions_numerically_and_names_without_them() {
        assert_eq!(leading_version("010_x"), Some(10));
        assert_eq!(
            leading_version("20210425153745_create_history"),
            Some(20210425153745)
        );
        assert_eq!(leading_version("schema"), None);
        assert_eq!(leading_version("V0001.Initial_Schema"), Some(1));
        assert_eq!(description("V0001.Initial_Schema"), "Initial_Schema");
        assert_eq!(leading_version("V2__add_users"), Some(2));
        assert_eq!(description("V2__add_users"), "add_users");
        assert_eq!(leading_version("Version_table"), None);
        assert_eq!(description("001_create_teams"), "create_teams");
        assert_eq!(description("20231202170508_create-store"), "create-store");
        assert_eq!(
            leading_version("2024-01-01-000000_create_users"),
            Some(20240101000000)
        );
        assert_eq!(description("2024-01-01-000000_create_users"), "create_users");
        assert_eq!(leading_version("1-create"), Some(1));
        assert_eq!(description("1-create"), "create");
        assert_eq!(description("schema"), "schema");
    }
}
