//! PostgreSQL's special expression syntax, spelled as the function calls PostgreSQL's own
//! grammar turns it into (`func_expr_common_subexpr` in `gram.y`), for the forms sqlparser does
//! not read:
//!
//! - `COLLATION FOR (x)` is `pg_collation_for(x)`;
//! - `substring(x SIMILAR pattern ESCAPE escape)` is `substring(x, pattern, escape)`;
//! - `normalize(x, NFKC)`: the form is a keyword (`NFC`, `NFD`, `NFKC`, `NFKD`) that PostgreSQL
//!   passes as the string `'NFKC'`, not a column;
//! - `ON DELETE SET NULL (a, b)`: the columns a referential action sets are left out (the
//!   action is what the catalog keeps);
//! - `(x).*`, every field of a composite value, is the field access `(x)."*"`, which
//!   lowering reads back as every field.
//!
//! The rewrites work on tokens, so positions in the file stay exact.

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Word};

/// The statement's tokens with the special forms above respelled.
pub(crate) fn respell(mut tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    let word = |tokens: &[TokenWithSpan], i: usize, w: &str| matches!(&tokens[i].token, Token::Word(x) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w));
    let mut remove = Vec::new();
    for (k, &i) in significant.iter().enumerate() {
        let next = |n: usize| significant.get(k + n).copied();
        // `(x).*`
        if tokens[i].token == Token::RParen
            && let (Some(dot), Some(star)) = (next(1), next(2))
            && tokens[dot].token == Token::Period
            && tokens[star].token == Token::Mul
        {
            tokens[star].token = quoted("*");
        }
        // `COLLATION FOR (`
        if word(&tokens, i, "COLLATION")
            && let (Some(f), Some(open)) = (next(1), next(2))
            && word(&tokens, f, "FOR")
            && tokens[open].token == Token::LParen
        {
            tokens[i].token = plain("pg_collation_for");
            remove.push(f);
        }
        // `ON DELETE SET NULL (a)`: which columns a referential action sets (PostgreSQL 15)
        // does not change the shape; the action stays.
        if word(&tokens, i, "ON")
            && let (Some(event), Some(set), Some(what), Some(open)) = (next(1), next(2), next(3), next(4))
            && (word(&tokens, event, "DELETE") || word(&tokens, event, "UPDATE"))
            && word(&tokens, set, "SET")
            && (word(&tokens, what, "NULL") || word(&tokens, what, "DEFAULT"))
            && tokens[open].token == Token::LParen
        {
            let mut depth = 0;
            for &j in &significant[k + 4..] {
                match tokens[j].token {
                    Token::LParen => depth += 1,
                    Token::RParen => depth -= 1,
                    _ => {}
                }
                remove.push(j);
                if depth == 0 {
                    break;
                }
            }
        }
        // `substring(... SIMILAR ... ESCAPE ...)`, `normalize(x, NFKC)`
        let is_call =
            |name: &str| word(&tokens, i, name) && next(1).is_some_and(|o| tokens[o].token == Token::LParen);
        if is_call("SUBSTRING") || is_call("NORMALIZE") {
            let normalize = word(&tokens, i, "NORMALIZE");
            let mut depth = 0;
            let mut argument = 0;
            for &j in &significant[k + 1..] {
                match &tokens[j].token {
                    Token::LParen => depth += 1,
                    Token::RParen => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    Token::Comma if depth == 1 => argument += 1,
                    Token::Word(w)
                        if depth == 1
                            && !normalize
                            && w.quote_style.is_none()
                            && (w.value.eq_ignore_ascii_case("SIMILAR")
                                || w.value.eq_ignore_ascii_case("ESCAPE")) =>
                    {
                        tokens[j].token = Token::Comma;
                    }
                    Token::Word(w)
                        if depth == 1
                            && normalize
                            && argument == 1
                            && w.quote_style.is_none()
                            && ["NFC", "NFD", "NFKC", "NFKD"]
                                .iter()
                                .any(|f| w.value.eq_ignore_ascii_case(f)) =>
                    {
                        tokens[j].token = Token::SingleQuotedString(w.value.to_ascii_uppercase());
                    }
                    _ => {}
                }
            }
        }
    }
    remove.sort_unstable();
    for i in remove.into_iter().rev() {
        tokens.remove(i);
    }
    parenthesize_insert_query(tokens)
}

/// `INSERT INTO t [(cols)] SELECT ... ON CONFLICT ...`: sqlparser reads a select without FROM
/// up to `ON` as its own clause, so the query is put in parentheses (the same statement).
fn parenthesize_insert_query(mut tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let word = |t: &TokenWithSpan, w: &str| matches!(&t.token, Token::Word(x) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w));
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    if !significant.first().is_some_and(|&i| word(&tokens[i], "INSERT")) {
        return tokens;
    }
    let (mut depth, mut query, mut conflict) = (0i32, None, None);
    for (k, &i) in significant.iter().enumerate() {
        match tokens[i].token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            _ if depth != 0 => {}
            _ if query.is_none() && (word(&tokens[i], "SELECT") || word(&tokens[i], "WITH")) => {
                query = Some(i)
            }
            _ if query.is_some()
                && word(&tokens[i], "ON")
                && significant
                    .get(k + 1)
                    .is_some_and(|&n| word(&tokens[n], "CONFLICT")) =>
            {
                conflict = Some(i);
                break;
            }
            _ => {}
        }
    }
    if let (Some(start), Some(end)) = (query, conflict) {
        let paren = |token: Token, at: &TokenWithSpan| TokenWithSpan { token, span: at.span };
        let close = paren(Token::RParen, &tokens[end]);
        tokens.insert(end, close);
        let open = paren(Token::LParen, &tokens[start]);
        tokens.insert(start, open);
    }
    tokens
}

fn quoted(value: &str) -> Token {
    Token::Word(Word {
        value: value.into(),
        quote_style: Some('"'),
        keyword: Keyword::NoKeyword,
    })
}

fn plain(value: &str) -> Token {
    Token::Word(Word {
        value: value.into(),
        quote_style: None,
        keyword: Keyword::NoKeyword,
    })
}

#[cfg(test)]
mod tests {
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::tokenizer::Tokenizer;

    use super::*;

    fn respelled(sql: &str) -> String {
        let tokens = Tokenizer::new(&PostgreSqlDialect {}, sql)
            .tokenize_with_location()
            .unwrap();
        respell(tokens).iter().map(|t| t.token.to_string()).collect()
    }

    #[test]
    fn spells_special_syntax_as_postgresql_calls_it() {
        assert_eq!(
            respelled("SELECT collation for ('x'::text)"),
            "SELECT pg_collation_for  ('x'::text)"
        );
        assert_eq!(
            respelled("SELECT substring('foo' similar 'f' escape '#')"),
            "SELECT substring('foo' , 'f' , '#')"
        );
        assert_eq!(
            respelled("SELECT normalize(n, nfkc)"),
            "SELECT normalize(n, 'NFKC')"
        );
        assert_eq!(respelled("SELECT normalize(nfkc)"), "SELECT normalize(nfkc)");
        assert_eq!(respelled("SELECT (a).* FROM a"), "SELECT (a).\"*\" FROM a");
        assert_eq!(respelled("SELECT a.* FROM a"), "SELECT a.* FROM a");
        assert_eq!(
            respelled("CREATE TABLE t (a int REFERENCES p ON DELETE SET NULL (a))"),
            "CREATE TABLE t (a int REFERENCES p ON DELETE SET NULL )"
        );
    }
}
