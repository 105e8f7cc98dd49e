//! Tokens of the PowerShell subset that Microsoft365DSC configurations and data files use.
//!
//! Comments are dropped, strings are unescaped here (backticks in double quotes, doubled quotes
//! in both), and line breaks are kept as tokens because they end an assignment like `;` does.

use crate::diagnostic::Span;
use crate::tree::Comment;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A bare word: a keyword, a resource or property name, a GUID, a command.
    Word(String),
    /// A quoted string, unescaped. `expands` when a double-quoted string holds `$name` or `$(…)`,
    /// whose value only PowerShell knows.
    Str {
        value: String,
        expands: bool,
    },
    /// `$name`, with any `.member` chain (`$ConfigurationData.NonNodeData.TenantId`).
    Var(String),
    LBrace,
    RBrace,
    LParen,
    RParen,
    /// `@(`
    AtParen,
    /// `@{`
    AtBrace,
    LBracket,
    RBracket,
    Eq,
    Semi,
    Comma,
    Newline,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

/// Where and why the text could not be split into tokens.
#[derive(Debug, Clone, PartialEq)]
pub struct LexError {
    pub span: Span,
    pub message: String,
}

fn is_word_char(c: char) -> bool {
    !c.is_whitespace()
        && !matches!(
            c,
            '{' | '}'
                | '('
                | ')'
                | '['
                | ']'
                | '='
                | ';'
                | ','
                | '\''
                | '"'
                | '$'
                | '#'
                | '@'
                | '`'
        )
}

/// The tokens of a text, and its `#` comments (where inline suppressions live).
#[derive(Debug, Default)]
pub struct Lexed {
    pub tokens: Vec<Token>,
    pub comments: Vec<Comment>,
}

pub fn lex(text: &str) -> Result<Lexed, LexError> {
    let mut lexer = Lexer {
        text,
        pos: 0,
        out: Lexed::default(),
    };
    lexer.run()?;
    Ok(lexer.out)
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    out: Lexed,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn peek2(&self) -> Option<char> {
        let mut chars = self.text[self.pos..].chars();
        chars.next();
        chars.next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn push(&mut self, tok: Tok, start: usize) {
        self.out.tokens.push(Token {
            tok,
            span: Span::new(start, self.pos),
        });
    }

    fn error(&self, start: usize, message: &str) -> LexError {
        LexError {
            span: Span::new(start, self.pos),
            message: message.to_string(),
        }
    }

    fn run(&mut self) -> Result<(), LexError> {
        while let Some(c) = self.peek() {
            let start = self.pos;
            match c {
                '\n' => {
                    self.bump();
                    self.push(Tok::Newline, start);
                }
                c if c.is_whitespace() => {
                    self.bump();
                }
                '#' => self.skip_line(),
                '<' if self.peek2() == Some('#') => self.block_comment()?,
                '`' => {
                    // A backtick at the end of a line continues the statement on the next.
                    self.bump();
                    if self.peek() == Some('\r') {
                        self.bump();
                    }
                    if self.peek() == Some('\n') {
                        self.bump();
                    }
                }
                '{' => self.single(Tok::LBrace),
                '}' => self.single(Tok::RBrace),
                '(' => self.single(Tok::LParen),
                ')' => self.single(Tok::RParen),
                '[' => self.single(Tok::LBracket),
                ']' => self.single(Tok::RBracket),
                '=' => self.single(Tok::Eq),
                ';' => self.single(Tok::Semi),
                ',' => self.single(Tok::Comma),
                '@' => self.at()?,
                '\'' => self.single_quoted(start)?,
                '"' => self.double_quoted(start)?,
                '$' => self.variable(),
                _ => self.word(),
            }
        }
        Ok(())
    }

    fn single(&mut self, tok: Tok) {
        let start = self.pos;
        self.bump();
        self.push(tok, start);
    }

    fn skip_line(&mut self) {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c == '\n' {
                break;
            }
            self.bump();
        }
        let text = self.text[start + 1..self.pos].trim_end_matches('\r');
        self.out.comments.push(Comment {
            span: Span::new(start, start + 1 + text.len()),
            text: text.to_string(),
        });
    }

    fn block_comment(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        match self.text[self.pos + 2..].find("#>") {
            Some(end) => {
                self.pos += 2 + end + 2;
                Ok(())
            }
            None => {
                self.pos = self.text.len();
                Err(LexError {
                    span: Span::new(start, start + 2),
                    message: "this block comment is never closed with `#>`".to_string(),
                })
            }
        }
    }

    fn at(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        self.bump();
        match self.peek() {
            Some('(') => {
                self.bump();
                self.push(Tok::AtParen, start);
            }
            Some('{') => {
                self.bump();
                self.push(Tok::AtBrace, start);
            }
            Some(q @ ('"' | '\'')) => self.here_string(start, q)?,
            _ => self.word_from(start),
        }
        Ok(())
    }

    /// `@"…"@` and `@'…'@`: the text between the line after the opening and the line that starts
    /// with the closing pair, kept verbatim.
    fn here_string(&mut self, start: usize, quote: char) -> Result<(), LexError> {
        self.bump();
        let close = format!("\n{quote}@");
        let body_start = match self.text[self.pos..].find('\n') {
            Some(n) => self.pos + n + 1,
            None => return Err(self.error(start, "this here-string is never closed")),
        };
        let Some(end) = self.text[body_start - 1..].find(&close) else {
            self.pos = self.text.len();
            return Err(LexError {
                span: Span::new(start, start + 2),
                message: format!("this here-string is never closed with `{quote}@`"),
            });
        };
        let body_end = body_start - 1 + end;
        let value = self.text[body_start..body_end.max(body_start)]
            .trim_end_matches('\r')
            .to_string();
        self.pos = body_end + close.len();
        let expands = quote == '"' && has_expansion(&value);
        self.push(Tok::Str { value, expands }, start);
        Ok(())
    }

    fn single_quoted(&mut self, start: usize) -> Result<(), LexError> {
        self.bump();
        let mut value = String::new();
        loop {
            match self.bump() {
                None => {
                    return Err(LexError {
                        span: Span::new(start, start + 1),
                        message: "this string is never closed with `'`".to_string(),
                    });
                }
                Some('\'') if self.peek() == Some('\'') => {
                    self.bump();
                    value.push('\'');
                }
                Some('\'') => break,
                Some(c) => value.push(c),
            }
        }
        self.push(
            Tok::Str {
                value,
                expands: false,
            },
            start,
        );
        Ok(())
    }

    fn double_quoted(&mut self, start: usize) -> Result<(), LexError> {
        self.bump();
        let mut value = String::new();
        let mut expands = false;
        loop {
            match self.bump() {
                None => {
                    return Err(LexError {
                        span: Span::new(start, start + 1),
                        message: "this string is never closed with `\"`".to_string(),
                    });
                }
                Some('"') if self.peek() == Some('"') => {
                    self.bump();
                    value.push('"');
                }
                Some('"') => break,
                Some('`') => match self.bump() {
                    Some('n') => value.push('\n'),
                    Some('r') => value.push('\r'),
                    Some('t') => value.push('\t'),
                    Some('0') => value.push('\0'),
                    Some('a') => value.push('\u{7}'),
                    Some('b') => value.push('\u{8}'),
                    Some('e') => value.push('\u{1b}'),
                    Some('f') => value.push('\u{c}'),
                    Some('v') => value.push('\u{b}'),
                    Some(c) => value.push(c),
                    None => {}
                },
                Some('$') => {
                    if self
                        .peek()
                        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '(' | '{' | ':'))
                    {
                        expands = true;
                    }
                    value.push('$');
                }
                Some(c) => value.push(c),
            }
        }
        self.push(Tok::Str { value, expands }, start);
        Ok(())
    }

    fn variable(&mut self) {
        let start = self.pos;
        self.bump();
        if self.peek() == Some('{') {
            while let Some(c) = self.bump() {
                if c == '}' {
                    break;
                }
            }
        } else {
            while let Some(c) = self.peek() {
                if c.is_alphanumeric() || matches!(c, '_' | ':' | '.' | '?') {
                    self.bump();
                } else {
                    break;
                }
            }
        }
        let name = self.text[start..self.pos].to_string();
        self.push(Tok::Var(name), start);
    }

    fn word(&mut self) {
        let start = self.pos;
        self.word_from(start);
    }

    fn word_from(&mut self, start: usize) {
        while let Some(c) = self.peek() {
            if is_word_char(c) {
                self.bump();
            } else {
                break;
            }
        }
        if self.pos == start {
            // A lone character the subset has no use for: keep it as a word of its own.
            self.bump();
        }
        let word = self.text[start..self.pos].to_string();
        self.push(Tok::Word(word), start);
    }
}

/// Whether a double-quoted text holds a variable or subexpression PowerShell would expand.
fn has_expansion(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(2).enumerate().any(|(i, pair)| {
        pair[0] == b'$'
            && (pair[1].is_ascii_alphanumeric() || matches!(pair[1], b'_' | b'(' | b'{'))
            && (i == 0 || bytes[i - 1] != b'`')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<Tok> {
        lex(text)
            .unwrap()
            .tokens
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn strings_unescape_and_flag_expansion() {
        assert_eq!(
            toks(r#"'it''s' "a`"b" "x@$TenantId" "cost `$5""#),
            vec![
                Tok::Str {
                    value: "it's".into(),
                    expands: false
                },
                Tok::Str {
                    value: "a\"b".into(),
                    expands: false
                },
                Tok::Str {
                    value: "x@$TenantId".into(),
                    expands: true
                },
                Tok::Str {
                    value: "cost $5".into(),
                    expands: false
                },
            ]
        );
    }

    #[test]
    fn comments_are_dropped_and_lines_kept() {
        assert_eq!(
            toks("<# a\n b #>\nA = $True # note\r\n"),
            vec![
                Tok::Newline,
                Tok::Word("A".into()),
                Tok::Eq,
                Tok::Var("$True".into()),
                Tok::Newline,
            ]
        );
    }

    #[test]
    fn unterminated_string_points_at_its_quote() {
        let err = lex("A = 'open\n").unwrap_err();
        assert_eq!(err.span, Span::new(4, 5));
    }

    #[test]
    fn variables_keep_member_chains() {
        assert_eq!(
            toks("$ConfigurationData.NonNodeData.TenantId;"),
            vec![
                Tok::Var("$ConfigurationData.NonNodeData.TenantId".into()),
                Tok::Semi
            ]
        );
    }
}
