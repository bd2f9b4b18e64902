//! What a statement may have changed, from its words alone: the tolerant scan behind the
//! fold's doubts.
//!
//! When no parser reads a statement, the fold still needs to know what it may have touched,
//! so that later statements about those objects are not called errors. This scan needs no
//! grammar beyond the leading words of PostgreSQL's commands (`CREATE [OR REPLACE] [TEMP]
//! TABLE name`, `ALTER TABLE [IF EXISTS] [ONLY] name ... RENAME TO new`, `DROP kind [IF
//! EXISTS] a, b`, `COMMENT ON kind name`, `SELECT ... INTO name`, the statements inside a `DO`
//! block's body) and its own small lexer (quotes, dollar quotes, comments), so it reads any
//! text, even text no tokenizer takes. A command it does not recognise may have changed
//! anything.

use crate::sql::QualifiedName;
use crate::sql::ddl::Reach;

/// PostgreSQL keeps identifiers to 63 bytes (`NAMEDATALEN - 1`).
const MAX_IDENTIFIER: usize = 63;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A word: unquoted ones folded to lower case (`quoted` false), quoted ones exact.
    Word {
        text: String,
        quoted: bool,
    },
    Dot,
    Comma,
    Open,
    Close,
    /// A string literal's contents (plain, `E''` or dollar-quoted).
    Str(String),
    Other,
}

/// What the statement `sql` may have created, changed or dropped.
pub(crate) fn reach(sql: &str) -> Reach {
    let tokens = lex(sql);
    let mut s = Scan { t: &tokens, i: 0 };
    s.statement()
}

struct Scan<'a> {
    t: &'a [Tok],
    i: usize,
}

impl Scan<'_> {
    fn keyword(&self, offset: usize) -> Option<&str> {
        match self.t.get(self.i + offset) {
            Some(Tok::Word { text, quoted: false }) => Some(text.as_str()),
            _ => None,
        }
    }

    fn is(&self, word: &str) -> bool {
        self.keyword(0) == Some(word)
    }

    /// Eats the words `words` when they come next, in order.
    fn eat(&mut self, words: &[&str]) -> bool {
        if words.iter().enumerate().all(|(k, w)| self.keyword(k) == Some(*w)) {
            self.i += words.len();
            true
        } else {
            false
        }
    }

    fn skip_any(&mut self, words: &[&str]) {
        while self.keyword(0).is_some_and(|k| words.contains(&k)) {
            self.i += 1;
        }
    }

    /// A possibly qualified name (`a`, `s.a`, `db.s.a`).
    fn name(&mut self) -> Option<QualifiedName> {
        let mut parts = Vec::new();
        while let Some(Tok::Word { text, .. }) = self.t.get(self.i) {
            parts.push(text.clone());
            self.i += 1;
            if self.t.get(self.i) == Some(&Tok::Dot) {
                self.i += 1;
            } else {
                break;
            }
        }
        let name = parts.pop()?;
        Some(QualifiedName {
            schema: parts.pop(),
            name,
        })
    }

    /// Names separated by commas, until a word that is not a name.
    fn names(&mut self) -> Vec<QualifiedName> {
        let mut out = Vec::new();
        while let Some(name) = self.name() {
            out.push(name);
            if self.t.get(self.i) == Some(&Tok::Comma) {
                self.i += 1;
            } else {
                break;
            }
        }
        out
    }

    fn statement(&mut self) -> Reach {
        let Some(first) = self.keyword(0).map(str::to_string) else {
            return Reach::anything();
        };
        self.i += 1;
        match first.as_str() {
            "create" => self.create(),
            "alter" => self.alter(),
            "drop" => self.drop(),
            "comment" => self.comment(),
            "select" | "with" | "table" | "values" => self.select_into(),
            "do" => self.do_block(),
            "import" => self.import(),
            // Statements that cannot change the shape.
            "insert" | "update" | "delete" | "merge" | "truncate" | "copy" | "grant" | "revoke" | "set"
            | "reset" | "show" | "begin" | "start" | "commit" | "end" | "rollback" | "abort"
            | "savepoint" | "release" | "analyze" | "analyse" | "vacuum" | "cluster" | "reindex"
            | "refresh" | "lock" | "listen" | "notify" | "unlisten" | "discard" | "checkpoint"
            | "explain" | "prepare" | "execute" | "deallocate" | "declare" | "fetch" | "move" | "close"
            | "load" | "security" | "reassign" => Reach::none(),
            _ => Reach::anything(),
        }
    }

    fn create(&mut self) -> Reach {
        self.skip_any(&[
            "or",
            "replace",
            "global",
            "local",
            "temp",
            "temporary",
            "unlogged",
            "recursive",
            "trusted",
            "procedural",
            "unique",
            "constraint",
            "default",
        ]);
        if self.eat(&["foreign", "table"]) || self.eat(&["table"]) {
            self.eat(&["if", "not", "exists"]);
            return self.name().map_or_else(Reach::anything, |n| Reach::table(&n));
        }
        if self.eat(&["materialized", "view"]) || self.eat(&["view"]) {
            self.eat(&["if", "not", "exists"]);
            return self.name().map_or_else(Reach::anything, |n| Reach::object(&n));
        }
        for kind in ["sequence", "type", "domain", "function", "procedure", "aggregate"] {
            if self.eat(&[kind]) {
                self.eat(&["if", "not", "exists"]);
                return self.name().map_or_else(Reach::anything, |n| Reach::object(&n));
            }
        }
        if self.eat(&["index"]) {
            self.eat(&["concurrently"]);
            self.eat(&["if", "not", "exists"]);
            let index = if self.is("on") { None } else { self.name() };
            if !self.eat(&["on"]) {
                return Reach::anything();
            }
            self.eat(&["only"]);
            let Some(table) = self.name() else {
                return Reach::anything();
            };
            let mut reach = Reach::object(&table);
            match index {
                Some(index) => reach.objects.push(QualifiedName {
                    schema: table.schema.clone(),
                    name: index.name,
                }),
                None => reach.derived.push(table),
            }
            return reach;
        }
        if self.eat(&["schema"]) {
            self.eat(&["if", "not", "exists"]);
            if self.eat(&["authorization"]) {
                return Reach::anything();
            }
            return match self.name() {
                Some(n) => Reach {
                    schemas: vec![n.name],
                    ..Reach::default()
                },
                None => Reach::anything(),
            };
        }
        if self.eat(&["rule"]) {
            while self.i < self.t.len() && !self.is("to") {
                self.i += 1;
            }
            self.i += 1;
            return self.name().map_or_else(Reach::anything, |n| Reach::object(&n));
        }
        const UNSHAPED: &[&str] = &[
            "trigger",
            "constraint",
            "event",
            "operator",
            "cast",
            "collation",
            "conversion",
            "language",
            "policy",
            "publication",
            "subscription",
            "server",
            "user",
            "role",
            "group",
            "tablespace",
            "database",
            "statistics",
            "text",
            "access",
            "transform",
            "foreign",
        ];
        if self.keyword(0).is_some_and(|k| UNSHAPED.contains(&k)) {
            return Reach::none();
        }
        Reach::anything()
    }

    fn alter(&mut self) -> Reach {
        let table_like = self.eat(&["table"]) || self.eat(&["foreign", "table"]);
        let relation = table_like
            || self.eat(&["materialized", "view"])
            || self.eat(&["view"])
            || self.eat(&["sequence"])
            || self.eat(&["index"]);
        let typed = !relation && (self.eat(&["type"]) || self.eat(&["domain"]));
        if relation || typed {
            if self.is("all") {
                return Reach::none();
            }
            self.eat(&["if", "exists"]);
            self.eat(&["only"]);
            let Some(name) = self.name() else {
                return Reach::anything();
            };
            let mut reach = if table_like {
                Reach::table(&name)
            } else {
                Reach::object(&name)
            };
            while self.i < self.t.len() {
                if self.eat(&["rename", "to"]) {
                    if let Some(to) = self.name() {
                        reach.objects.push(QualifiedName {
                            schema: name.schema.clone(),
                            name: to.name,
                        });
                    }
                } else if self.eat(&["set", "schema"]) {
                    if let Some(schema) = self.name() {
                        reach.objects.push(QualifiedName {
                            schema: Some(schema.name),
                            name: name.name.clone(),
                        });
                    }
                } else if self.eat(&["attach", "partition"])
                    || self.eat(&["detach", "partition"])
                    || self.eat(&["no", "inherit"])
                    || self.eat(&["inherit"])
                {
                    reach.objects.extend(self.name());
                } else {
                    self.i += 1;
                }
            }
            return reach;
        }
        if self.eat(&["schema"]) {
            let mut schemas: Vec<String> = self.name().into_iter().map(|n| n.name).collect();
            if self.eat(&["rename", "to"]) {
                schemas.extend(self.name().map(|n| n.name));
            }
            return Reach {
                schemas,
                ..Reach::default()
            };
        }
        if self.is("extension") {
            return Reach::anything();
        }
        Reach::none()
    }

    fn drop(&mut self) -> Reach {
        let table_like = self.eat(&["table"]) || self.eat(&["foreign", "table"]);
        let object = !table_like
            && (self.eat(&["materialized", "view"])
                || self.eat(&["view"])
                || self.eat(&["sequence"])
                || self.eat(&["index"])
                || self.eat(&["type"])
                || self.eat(&["domain"]));
        if table_like || object {
            self.eat(&["concurrently"]);
            self.eat(&["if", "exists"]);
            let names = self.names();
            if names.is_empty() {
                return Reach::anything();
            }
            let mut reach = Reach::default();
            for n in names {
                reach = reach.join(if table_like {
                    Reach::table(&n)
                } else {
                    Reach::object(&n)
                });
            }
            return reach;
        }
        if self.eat(&["schema"]) {
            self.eat(&["if", "exists"]);
            return Reach {
                schemas: self.names().into_iter().map(|n| n.name).collect(),
                ..Reach::default()
            };
        }
        if self.is("owned") || self.is("extension") {
            return Reach::anything();
        }
        Reach::none()
    }

    fn comment(&mut self) -> Reach {
        if !self.eat(&["on"]) {
            return Reach::none();
        }
        let column = self.eat(&["column"]);
        let relation = column
            || self.eat(&["table"])
            || self.eat(&["foreign", "table"])
            || self.eat(&["materialized", "view"])
            || self.eat(&["view"])
            || self.eat(&["type"])
            || self.eat(&["domain"]);
        if !relation {
            return Reach::none();
        }
        let mut parts = Vec::new();
        while let Some(Tok::Word { text, .. }) = self.t.get(self.i) {
            parts.push(text.clone());
            self.i += 1;
            if self.t.get(self.i) == Some(&Tok::Dot) {
                self.i += 1;
            } else {
                break;
            }
        }
        if column {
            parts.pop();
        }
        match parts.pop() {
            Some(name) => Reach::object(&QualifiedName {
                schema: parts.pop(),
                name,
            }),
            None => Reach::anything(),
        }
    }

    /// `SELECT ... INTO [TEMP | UNLOGGED] [TABLE] name`: a new table.
    fn select_into(&mut self) -> Reach {
        let mut depth = 0i32;
        let mut previous_insert = false;
        while self.i < self.t.len() {
            match &self.t[self.i] {
                Tok::Open => depth += 1,
                Tok::Close => depth -= 1,
                Tok::Word { text, quoted: false } if depth == 0 && text == "into" && !previous_insert => {
                    self.i += 1;
                    self.skip_any(&["temp", "temporary", "unlogged", "table"]);
                    return self.name().map_or_else(Reach::anything, |n| Reach::table(&n));
                }
                _ => {}
            }
            previous_insert = matches!(&self.t[self.i], Tok::Word { text, quoted: false } if text == "insert" || text == "merge");
            self.i += 1;
        }
        Reach::none()
    }

    /// `DO [LANGUAGE l] 'body'`: what the statements in its body reach; `EXECUTE` of anything
    /// but a constant reaches anything.
    fn do_block(&mut self) -> Reach {
        let mut reach = Reach::none();
        for t in &self.t[self.i..] {
            if let Tok::Str(body) = t {
                reach = reach.join(body_reach(body));
            }
        }
        reach
    }

    /// `IMPORT FOREIGN SCHEMA remote ... INTO local`: new foreign tables in `local`.
    fn import(&mut self) -> Reach {
        while self.i < self.t.len() && !self.is("into") {
            self.i += 1;
        }
        self.i += 1;
        match self.name() {
            Some(n) => Reach {
                schemas: vec![n.name],
                ..Reach::default()
            },
            None => Reach::anything(),
        }
    }
}

/// What the SQL statements inside a routine or `DO` body reach: each `CREATE`, `ALTER`,
/// `DROP` or `COMMENT` is scanned from its first word; `EXECUTE` of text built at run time
/// reaches anything.
pub(crate) fn body_reach(body: &str) -> Reach {
    let tokens = lex(body);
    let mut found = Reach::none();
    for (i, t) in tokens.iter().enumerate() {
        let Tok::Word { text, quoted: false } = t else {
            continue;
        };
        match text.as_str() {
            "create" | "alter" | "drop" | "comment" => {
                let previous_is_word = i > 0
                    && matches!(&tokens[i - 1], Tok::Word { text, quoted: false } if text != "then" && text != "else" && text != "loop" && text != "begin");
                if previous_is_word {
                    continue;
                }
                let end = tokens[i..]
                    .iter()
                    .position(|t| matches!(t, Tok::Other))
                    .map_or(tokens.len(), |p| i + p);
                let mut s = Scan {
                    t: &tokens[i..end],
                    i: 0,
                };
                found = found.join(s.statement());
            }
            "execute" => match tokens.get(i + 1) {
                Some(Tok::Str(sql)) if matches!(tokens.get(i + 2), Some(Tok::Other) | None) => {
                    found = found.join(reach(sql));
                }
                _ => found.anything = true,
            },
            _ => {}
        }
    }
    found
}

/// An unquoted identifier as PostgreSQL folds it: ASCII lower case, at most 63 bytes.
fn fold_word(word: &str) -> String {
    truncate(word.to_ascii_lowercase())
}

fn truncate(mut name: String) -> String {
    if name.len() > MAX_IDENTIFIER {
        let mut end = MAX_IDENTIFIER;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
    }
    name
}

/// Words, quoted identifiers, string contents and punctuation; `;` and other operators are
/// [`Tok::Other`].
fn lex(sql: &str) -> Vec<Tok> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '-' if chars.get(i + 1) == Some(&'-') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                let mut depth = 0;
                while i < chars.len() {
                    if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                        depth += 1;
                        i += 2;
                    } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            '"' => {
                let mut text = String::new();
                i += 1;
                while i < chars.len() {
                    if chars[i] == '"' {
                        if chars.get(i + 1) == Some(&'"') {
                            text.push('"');
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    text.push(chars[i]);
                    i += 1;
                }
                out.push(Tok::Word {
                    text: truncate(text),
                    quoted: true,
                });
            }
            '\'' => {
                let (text, next) = quoted_string(&chars, i + 1, false);
                out.push(Tok::Str(text));
                i = next;
            }
            'e' | 'E' if chars.get(i + 1) == Some(&'\'') => {
                let (text, next) = quoted_string(&chars, i + 2, true);
                out.push(Tok::Str(text));
                i = next;
            }
            '$' => match dollar_tag(&chars, i) {
                Some(tag) => {
                    let start = i + tag.len();
                    let close: Vec<char> = tag.clone();
                    let mut j = start;
                    while j < chars.len() && !chars[j..].starts_with(&close) {
                        j += 1;
                    }
                    out.push(Tok::Str(chars[start..j.min(chars.len())].iter().collect()));
                    i = (j + close.len()).min(chars.len());
                }
                None => {
                    out.push(Tok::Other);
                    i += 1;
                }
            },
            '.' => {
                out.push(Tok::Dot);
                i += 1;
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            '(' => {
                out.push(Tok::Open);
                i += 1;
            }
            ')' => {
                out.push(Tok::Close);
                i += 1;
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                out.push(Tok::Word {
                    text: fold_word(&word),
                    quoted: false,
                });
            }
            _ => {
                out.push(Tok::Other);
                i += 1;
            }
        }
    }
    out
}

/// The contents of a `'...'` literal starting at `start` (after the quote), and where it ends.
fn quoted_string(chars: &[char], start: usize, escapes: bool) -> (String, usize) {
    let mut text = String::new();
    let mut i = start;
    while i < chars.len() {
        match chars[i] {
            '\\' if escapes && i + 1 < chars.len() => {
                text.push(chars[i + 1]);
                i += 2;
            }
            '\'' if chars.get(i + 1) == Some(&'\'') => {
                text.push('\'');
                i += 2;
            }
            '\'' => return (text, i + 1),
            c => {
                text.push(c);
                i += 1;
            }
        }
    }
    (text, i)
}

/// The `$tag$` opening at `i`, if one does.
fn dollar_tag(chars: &[char], i: usize) -> Option<Vec<char>> {
    let mut j = i + 1;
    while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
        j += 1;
    }
    if chars.get(j) == Some(&'$') && !chars.get(i + 1).is_some_and(char::is_ascii_digit) {
        Some(chars[i..=j].to_vec())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(r: &Reach) -> Vec<String> {
        r.objects.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn finds_what_create_alter_and_drop_name() {
        let r = reach("CREATE OR REPLACE TEMP VIEW \"V\" AS SELECT (a).* FROM a");
        assert_eq!(names(&r), ["V"]);
        let r = reach("create table if not exists app.t (like x including all)");
        assert_eq!(names(&r), ["app.t"]);
        assert_eq!(r.derived.len(), 1);
        let r = reach("ALTER TABLE IF EXISTS ONLY t RENAME TO u");
        assert_eq!(names(&r), ["t", "u"]);
        let r = reach("ALTER TABLE s.t SET SCHEMA other");
        assert_eq!(names(&r), ["s.t", "other.t"]);
        let r = reach("DROP INDEX CONCURRENTLY IF EXISTS a, s.b CASCADE");
        assert_eq!(names(&r), ["a", "s.b"]);
        let r = reach("CREATE UNIQUE INDEX CONCURRENTLY ON t USING gist (a tsvector_ops(siglen=1))");
        assert_eq!(names(&r), ["t"]);
        assert_eq!(r.derived.len(), 1);
        let r = reach("COMMENT ON COLUMN s.t.c IS 'x'");
        assert_eq!(names(&r), ["s.t"]);
    }

    #[test]
    fn reads_select_into_and_do_bodies() {
        assert_eq!(names(&reach("SELECT 1 AS x INTO TEMP tmp")), ["tmp"]);
        assert!(reach("INSERT INTO t SELECT 1").is_empty());
        let r = reach("DO $x$ BEGIN IF true THEN ALTER TABLE t ADD COLUMN c int; END IF; END $x$");
        assert_eq!(names(&r), ["t"]);
        assert!(reach("DO $$ BEGIN EXECUTE 'ALTER TABLE ' || t || ' ADD c int'; END $$").anything);
        assert_eq!(names(&reach("DO $$ BEGIN EXECUTE 'DROP VIEW v'; END $$")), ["v"]);
    }

    #[test]
    fn unknown_commands_reach_anything_and_data_commands_nothing() {
        assert!(reach("CREATE FROBNICATOR x").anything);
        assert!(reach("GRANT SELECT ON t TO r").is_empty());
        assert!(reach("CREATE TRIGGER tr AFTER INSERT ON t EXECUTE FUNCTION f()").is_empty());
        assert_eq!(reach("CREATE SCHEMA s CREATE TABLE t ()").schemas, ["s"]);
    }
}
