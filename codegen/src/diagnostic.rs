//! Errors and warnings that point into migration files.
//!
//! Every stage collects diagnostics instead of stopping at the first one, so a user sees
//! everything wrong with their migrations in one run. Each renders as `path:line:col: message`
//! (or `path: message` when the problem belongs to the whole file, never a made-up `1:1`).

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation cannot go on; nothing is written.
    Error,
    /// Something the generator could not see or fold; output is still produced.
    Warning,
}

/// A position in a file: 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

/// One error or warning about a migration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file it is about, as the user named it (relative paths stay relative).
    pub path: PathBuf,
    /// Where in the file, when the problem has a place.
    pub location: Option<Location>,
    /// What is wrong and, where possible, what to do about it.
    pub message: String,
    /// For an error the fold proves: the SQLSTATE PostgreSQL raises for it (`42P07`).
    pub code: Option<&'static str>,
}

impl Diagnostic {
    /// An error at a place in a file.
    pub fn error_at(path: &Path, location: Location, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            path: path.to_path_buf(),
            location: Some(location),
            message: message.into(),
            code: None,
        }
    }

    /// An error about a whole file or directory.
    pub fn error(path: &Path, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            path: path.to_path_buf(),
            location: None,
            message: message.into(),
            code: None,
        }
    }

    /// A warning at a place in a file.
    pub fn warning_at(path: &Path, location: Location, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            path: path.to_path_buf(),
            location: Some(location),
            message: message.into(),
            code: None,
        }
    }

    /// A warning about a whole file or directory.
    pub fn warning(path: &Path, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            path: path.to_path_buf(),
            location: None,
            message: message.into(),
            code: None,
        }
    }

    /// The same diagnostic with the SQLSTATE PostgreSQL raises for it.
    pub fn with_code(self, sqlstate: &'static str) -> Self {
        Self {
            code: Some(sqlstate),
            ..self
        }
    }

    /// True for errors, false for warnings.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(at) = self.location {
            write!(f, ":{}:{}", at.line, at.column)?;
        }
        match self.severity {
            Severity::Error => write!(f, ": {}", self.message),
            Severity::Warning => write!(f, ": warning: {}", self.message),
        }
    }
}

/// Finds the line and column of a byte offset in `text`, counting columns in characters.
///
/// `first_line` is the line of the file on which `text` starts, so positions inside a section
/// of a file come out as positions in the file.
pub fn locate(text: &str, byte_offset: usize, first_line: u32) -> Location {
    let offset = byte_offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let newlines = before.matches('\n').count() as u32;
    Location {
        line: first_line + newlines,
        column: before[line_start..].chars().count() as u32 + 1,
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_path_line_and_column() {
        let d = Diagnostic::error_at(Path::new("m/001_a.sql"), Location { line: 3, column: 7 }, "boom");
        assert_eq!(d.to_string(), "m/001_a.sql:3:7: boom");
    }

    #[test]
    fn renders_file_level_problems_without_a_fake_position() {
        let d = Diagnostic::error(Path::new("m/001_a.sql"), "boom");
        assert_eq!(d.to_string(), "m/001_a.sql: boom");
    }

    #[test]
    fn renders_warnings_as_such() {
        let d = Diagnostic::warning_at(Path::new("a.sql"), Location { line: 1, column: 2 }, "hm");
        assert_eq!(d.to_string(), "a.sql:1:2: warning: hm");
    }

    #[test]
    fn locates_offsets_in_characters_from_the_section_start() {
        let text = "ab\ncé d\nx";
        // 'd' is byte 7 (é takes two bytes) but character column 4.
        assert_eq!(locate(text, 7, 10), Location { line: 11, column: 4 });
        assert_eq!(locate(text, 0, 1), Location { line: 1, column: 1 });
        assert_eq!(locate(text, text.len(), 1), Location { line: 3, column: 2 });
        // Offsets inside a multi-byte character land on that character.
        assert_eq!(locate(text, 5, 1), Location { line: 2, column: 2 });
    }
}
