//! entralint: a linter for Microsoft Entra ID tenant settings kept as code.
//!
//! The pipeline, one module per stage:
//! [`discover`] paths → [`load`] spanned documents → [`model`] tenant model (effective values)
//! → [`rules`] → findings → [`suppress`] (overrides, exceptions, inline comments, baseline)
//! → [`report`]. [`check`] runs it; [`fix`] edits files for `check --fix`; [`cli`] is the command
//! line and [`server`] the language server.

pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod embedded;
pub mod fix;
pub mod import;
pub mod init;
pub mod load;
pub mod model;
pub mod permissions;
pub mod report;
pub mod rules;
pub mod server;
pub mod suppress;
pub mod typed;
pub mod write;
