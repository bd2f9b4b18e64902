//! Rust source written straight as text, for the files that are most of the output.
//!
//! A relation's file (its structs, constants, data access and `sql` module) is a fixed shape
//! repeated for every table, so it is written line by line here rather than built as tokens
//! and laid out by [`print`](super::print): no token is allocated, no literal escaped and
//! unescaped again. [`Code`] keeps the indentation and writes lines, doc comments and lists
//! with the printer's rules (four spaces per level, one item per line where a line would run
//! past [`MAX_WIDTH`]), so both kinds of file read alike. A test in `emit/mod.rs` checks that
//! every file written this way parses.

use crate::emit::output::gap_before;
use crate::emit::print::MAX_WIDTH;

const INDENT: &str = "    ";

/// A file's text being written, with the current indentation. Items are spaced as
/// [`gap_before`] says, as the printer's files are.
#[derive(Debug, Default)]
pub struct Code {
    out: String,
    depth: usize,
    /// Where the last line started.
    previous: usize,
}

impl Code {
    /// An empty file with room for about `bytes` of text.
    pub fn with_capacity(bytes: usize) -> Self {
        Code {
            out: String::with_capacity(bytes),
            ..Code::default()
        }
    }

    /// The text written.
    pub fn finish(self) -> String {
        self.out
    }

    /// Starts a line whose text begins with `body`: a blank line first where an item ends and
    /// another begins, then the indentation.
    fn start_line(&mut self, body: &str) {
        let previous = self.out[self.previous..].trim_end_matches('\n');
        let gap = gap_before(previous, self.depth * INDENT.len(), body);
        if gap {
            self.out.push('\n');
        }
        self.previous = self.out.len();
        for _ in 0..self.depth {
            self.out.push_str(INDENT);
        }
    }

    /// One line at the current indentation (an empty one has no trailing spaces).
    pub fn line(&mut self, text: &str) {
        if text.is_empty() {
            self.previous = self.out.len();
        } else {
            self.start_line(text);
            self.out.push_str(text);
        }
        self.out.push('\n');
    }

    /// Every line of `template`, each at the current indentation plus its own. The template's
    /// first line break (after an opening `r"`) and its last line's indentation (before the
    /// closing quote) are not written, so a template can be written as it reads.
    pub fn lines(&mut self, template: &str) {
        let template = template.strip_prefix('\n').unwrap_or(template);
        let template = template.trim_end_matches(' ');
        for line in template.lines() {
            self.line(line);
        }
    }

    /// `text`, then one level deeper (for `impl X {`).
    pub fn open(&mut self, text: &str) {
        self.line(text);
        self.depth += 1;
    }

    /// One level shallower, then `text` (for `}`).
    pub fn close(&mut self, text: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.line(text);
    }

    /// A `///` comment of `text`'s lines (nothing for an empty `text`).
    pub fn doc(&mut self, text: &str) {
        self.doc_with("///", text);
    }

    /// A `//!` comment of `text`'s lines (the module's own documentation).
    pub fn inner_doc(&mut self, text: &str) {
        self.doc_with("//!", text);
    }

    /// The rustdoc of a generated function: what it does, and the SQL it runs.
    pub fn doc_sql(&mut self, what: &str, sql: &str) {
        self.doc(&format!("{what}."));
        self.line("///");
        self.line("/// ```sql");
        self.doc(sql);
        self.line("/// ```");
    }

    fn doc_with(&mut self, marker: &str, text: &str) {
        for line in text.lines() {
            let line = line.trim_end();
            if line.contains(needs_escape) {
                // A carriage return (or another control character) cannot stand in a `///`
                // comment, nor can a text-direction character (rustc denies it); the attribute
                // form takes them escaped.
                let attribute = if marker == "//!" { "#![doc = " } else { "#[doc = " };
                self.line(&format!("{attribute}{:?}]", format!(" {line}")));
            } else if line.is_empty() {
                self.line(marker);
            } else {
                self.start_line(marker);
                self.out.push_str(marker);
                self.out.push(' ');
                self.out.push_str(line);
                self.out.push('\n');
            }
        }
    }

    /// `head(item, item, ...)tail` (or with other brackets, as `head` and `tail` give them) on
    /// one line when it fits in [`MAX_WIDTH`] (a block's ` {` at the end of `tail` not
    /// counted), else (with two items or more, as the printer does) one item per line with a
    /// trailing separator, one level deeper.
    pub fn list<S: AsRef<str>>(&mut self, head: &str, items: &[S], separator: &str, tail: &str) {
        let width = head.len() + joined_width(items, separator) + tail.trim_end_matches(" {").len();
        self.list_if(
            items.len() >= 2 && self.depth * INDENT.len() + width > MAX_WIDTH,
            head,
            items,
            separator,
            tail,
        );
    }

    /// `head item, item, ... tail` for the fields of a struct literal: broken into one field per
    /// line, as the printer breaks a brace group, when the fields take more than 60 columns.
    pub fn fields<S: AsRef<str>>(&mut self, head: &str, items: &[S], tail: &str) {
        self.list_if(
            items.len() >= 2 && joined_width(items, ",") > 60,
            head,
            items,
            ",",
            tail,
        );
    }

    fn list_if<S: AsRef<str>>(&mut self, broken: bool, head: &str, items: &[S], separator: &str, tail: &str) {
        if !broken {
            self.start_line(head);
            self.out.push_str(head);
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(separator);
                    self.out.push(' ');
                }
                self.out.push_str(item.as_ref());
            }
            self.out.push_str(tail);
            self.out.push('\n');
            return;
        }
        self.open(head.trim_end());
        for item in items {
            self.start_line(item.as_ref());
            self.out.push_str(item.as_ref());
            self.out.push_str(separator);
            self.out.push('\n');
        }
        self.close(tail.trim_start());
    }

    /// [`list`](Self::list) ending in `{`, then one level deeper (a function's signature).
    pub fn list_open<S: AsRef<str>>(&mut self, head: &str, items: &[S], tail: &str) {
        self.list(head, items, ",", tail);
        self.depth += 1;
    }

    /// `head.call().call()tail` on one line when it fits in [`MAX_WIDTH`] (or with fewer than
    /// two calls), else `head` and then each call on a line of its own, one level deeper, as
    /// the printer breaks a long method chain. Each call starts with its `.`; what is not
    /// broken before (`parents.iter()`) belongs to `head`.
    pub fn chain<S: AsRef<str>>(&mut self, head: &str, calls: &[S], tail: &str) {
        let width = head.len() + calls.iter().map(|c| c.as_ref().len()).sum::<usize>() + tail.len();
        self.start_line(head);
        self.out.push_str(head);
        if calls.len() < 2 || self.depth * INDENT.len() + width <= MAX_WIDTH {
            for call in calls {
                self.out.push_str(call.as_ref());
            }
        } else {
            self.depth += 1;
            for call in calls {
                self.out.push('\n');
                self.start_line(call.as_ref());
                self.out.push_str(call.as_ref());
            }
            self.depth -= 1;
        }
        self.out.push_str(tail);
        self.out.push('\n');
    }

    /// The signature of a generated data-access function generic over the executor
    /// (`head` up to its opening parenthesis, then `params` and `returns`), and the opening of
    /// its body.
    pub fn executor_fn<S: AsRef<str>>(&mut self, head: &str, params: &[S], returns: &str) {
        self.list(head, params, ",", &format!(") -> {returns}"));
        self.line("where");
        self.line("    E: ::sqlx::PgExecutor<'e>,");
        self.open("{");
    }
}

/// Whether `c` cannot be written as it is in a `///` comment: control characters but the tab,
/// and the bidirectional-text controls rustc's `text_direction_codepoint_in_comment` denies.
fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The width of `items` joined by `separator` and a space.
fn joined_width<S: AsRef<str>>(items: &[S], separator: &str) -> usize {
    items.iter().map(|i| i.as_ref().len()).sum::<usize>()
        + items.len().saturating_sub(1) * (separator.len() + 1)
}

/// `text` as a Rust string literal.
pub fn string_literal(text: &str) -> String {
    format!("{text:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_their_own_indentation_under_the_current_one() {
        let mut code = Code::default();
        code.open("impl X {");
        code.lines(
            r"
fn f() {
    g();
}
",
        );
        code.close("}");
        assert_eq!(code.finish(), "impl X {\n    fn f() {\n        g();\n    }\n}\n");
    }

    #[test]
    fn a_list_breaks_only_past_the_width() {
        let mut code = Code::default();
        code.list("f(", &["a", "b"], ",", ");");
        let long: Vec<String> = (0..20).map(|i| format!("argument_{i}")).collect();
        code.list("g(", &long, ",", ");");
        let text = code.finish();
        assert!(text.starts_with("f(a, b);\ng(\n    argument_0,\n"), "{text}");
        assert!(text.ends_with("    argument_19,\n);\n"), "{text}");
    }

    #[test]
    fn doc_lines_are_comments_and_control_characters_are_escaped() {
        let mut code = Code::default();
        code.doc("first\n\nthird  ");
        code.doc("a\rb");
        code.doc("x\u{202E}y");
        assert_eq!(
            code.finish(),
            "/// first\n///\n/// third\n#[doc = \" a\\rb\"]\n#[doc = \" x\\u{202e}y\"]\n"
        );
    }

    #[test]
    fn string_literals_escape_quotes_and_backslashes() {
        assert_eq!(string_literal(r#"a "b" \c"#), r#""a \"b\" \\c""#);
    }
}
