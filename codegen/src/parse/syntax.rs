//! Proofs that PostgreSQL's grammar rejects a statement, for statements no parser here reads.
//!
//! That sqlparser (or our own reader) cannot read a statement proves nothing: PostgreSQL's
//! grammar is larger than either. A few facts hold for every statement of that grammar
//! (`src/backend/parser/gram.y`), whatever its command, and are checked on the statement's
//! tokens:
//!
//! - parentheses and brackets come in balanced pairs (every rule that opens one closes it);
//! - no list has an empty element: never `,,`, `(,` or `,)` (trailing commas are not SQL);
//! - `IN ()` is empty, and the grammar's `in_expr` wants a list or a subquery;
//! - a command that names an object needs the name: `CREATE TABLE` alone is incomplete.
//!
//! A statement that breaks one of them is an error; any other statement no parser reads is a
//! warning.

use sqlparser::tokenizer::{Token, TokenWithSpan};

/// Why PostgreSQL's grammar rejects the statement, and where (the token it stops at), if one
/// of the facts above shows it.
pub(crate) fn rejected(
    tokens: &[TokenWithSpan],
    command_words: usize,
) -> Option<(String, sqlparser::tokenizer::Location)> {
    let significant: Vec<&TokenWithSpan> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF | Token::SemiColon))
        .collect();
    let mut depth: Vec<&Token> = Vec::new();
    for (i, t) in significant.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| &significant[p].token);
        match &t.token {
            Token::LParen | Token::LBracket => depth.push(&t.token),
            Token::RParen | Token::RBracket => {
                let opener = if t.token == Token::RParen {
                    Token::LParen
                } else {
                    Token::LBracket
                };
                if depth.pop() != Some(&opener) {
                    return Some((
                        format!("syntax error at or near \"{}\": it closes nothing", t.token),
                        t.span.start,
                    ));
                }
                if t.token == Token::RParen && previous == Some(&Token::Comma) {
                    return Some((
                        "syntax error at or near \")\": a list may not end with a comma".into(),
                        t.span.start,
                    ));
                }
                if t.token == Token::RParen
                    && previous == Some(&Token::LParen)
                    && i >= 2
                    && matches!(&significant[i - 2].token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("IN"))
                {
                    return Some((
                        "syntax error at or near \")\": IN needs a list or a subquery".into(),
                        t.span.start,
                    ));
                }
            }
            Token::Comma if matches!(previous, Some(Token::Comma | Token::LParen)) => {
                return Some((
                    "syntax error at or near \",\": a list may not have an empty element".into(),
                    t.span.start,
                ));
            }
            _ => {}
        }
    }
    if let Some(open) = depth.last() {
        let end = significant
            .last()
            .map_or(sqlparser::tokenizer::Location { line: 1, column: 1 }, |t| {
                t.span.end
            });
        return Some((
            format!("syntax error at end of input: the \"{open}\" is never closed"),
            end,
        ));
    }
    if significant.len() <= command_words
        && let Some(last) = significant.last()
    {
        return Some((
            "syntax error at end of input: the statement ends before naming what it is about".into(),
            last.span.end,
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::tokenizer::Tokenizer;

    use super::*;

    fn check(sql: &str, words: usize) -> Option<String> {
        let tokens = Tokenizer::new(&PostgreSqlDialect {}, sql)
            .tokenize_with_location()
            .unwrap();
        rejected(&tokens, words).map(|(why, _)| why)
    }

    #[test]
    fn proves_only_what_every_statement_obeys() {
        assert!(check("CREATE TABLE t (a int,, b int)", 2).is_some());
        assert!(check("CREATE TABLE t (a int,)", 2).is_some());
        assert!(check("CREATE TABLE t (", 2).is_some());
        assert!(check("CREATE INDEX ON t ((a)))", 2).is_some());
        assert!(check("CREATE TABLE", 2).is_some());
        assert!(check("CREATE TABLE t (a int CHECK (a IN ()))", 2).is_some());
        // Forms sqlparser lacks are no proof of anything.
        assert_eq!(check("CREATE TABLE t (LIKE s INCLUDING ALL) USING heap", 2), None);
        assert_eq!(check("CREATE TABLE t ()", 2), None);
        assert_eq!(check("SELECT f(), ARRAY[1, 2][1]", 1), None);
        assert_eq!(check("CREATE VIEW v AS SELECT (a).* FROM a", 2), None);
    }
}
