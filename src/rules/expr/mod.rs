//! The fast path for rule conditions and message placeholders. CEL is parsed by the `cel` crate;
//! what its parse tree uses from the subset rules need is compiled here and evaluated over
//! [`Val`] with variables in slots, one frame per tenant, and no scope or map built per
//! evaluation. An expression outside the subset keeps running on the CEL interpreter, so custom
//! rules may use all of CEL.

pub mod compile;
pub mod hoist;
pub mod index;
pub mod lookup;
pub mod parse;
pub mod reads;
pub mod run;
pub mod value;

pub use crate::model::value::{Key, Val};
pub use compile::Compiled;

/// An expression: the fast form when the subset covers it, and the CEL interpreter's program,
/// parsed on first use when the fast parser read the text.
#[derive(Debug)]
pub struct Program {
    text: String,
    cel: std::sync::OnceLock<Option<cel::Program>>,
    pub fast: Option<Compiled>,
}

impl Program {
    /// A built-in rule's expression: the `cel` crate parses it only if something asks for it.
    pub fn parse(text: &str) -> Program {
        let fast = parse::parse(text);
        let cel = std::sync::OnceLock::new();
        if fast.is_none() {
            let _ = cel.set(super::ENV.compile(text).ok());
        }
        let mut program = Program {
            text: text.to_string(),
            cel,
            fast,
        };
        if program.fast.is_none() {
            program.fast = program.cel().and_then(|p| compile::compile(p.expression()));
        }
        program
    }

    /// An expression only the CEL interpreter runs, parsed when it first does.
    pub fn interpreted(text: &str) -> Program {
        Program {
            text: text.to_string(),
            cel: std::sync::OnceLock::new(),
            fast: None,
        }
    }

    /// An expression the `cel` crate has already parsed (a custom rule's).
    pub fn with_cel(text: &str, cel: cel::Program) -> Program {
        let fast = parse::parse(text).or_else(|| compile::compile(cel.expression()));
        Program {
            text: text.to_string(),
            cel: std::sync::OnceLock::from(Some(cel)),
            fast,
        }
    }

    /// The CEL interpreter's program; None only if the text does not parse as CEL.
    pub fn cel(&self) -> Option<&cel::Program> {
        self.cel
            .get_or_init(|| super::ENV.compile(&self.text).ok())
            .as_ref()
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}
