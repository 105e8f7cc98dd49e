//! entralint: a linter for Microsoft Entra ID tenant settings kept as code.
//!
//! The pipeline, one module per stage:
//! [`discover`] paths → [`load`] spanned documents → [`model`] tenant model (effective values)
//! → [`rules`] → findings → [`suppress`] (overrides, exceptions, inline comments, baseline)
//! → [`report`]. [`check`] runs it; [`fix`] edits files for `check --fix`; [`drift`] compares a
//! declared tenant with an export of the live one; [`cli`] is the command line and [`server`] the
//! language server.
//!
//! Imports flow down those floors only (`tests/layering.rs` checks it). At the bottom is the
//! vocabulary every floor shares: the spanned [`tree`], [`diagnostic`]s, a run's [`outcome`], the
//! section [`catalogue`], [`suggest`] for "did you mean", and [`write`].

pub mod catalogue;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod dispose;
pub mod drift;
pub mod embedded;
pub mod escape;
pub mod fix;
pub mod import;
pub mod init;
pub mod load;
pub mod model;
pub mod outcome;
pub mod paths;
pub mod permissions;
pub mod read;
pub mod report;
pub mod rules;
pub mod server;
pub mod suggest;
pub mod suppress;
pub mod tree;
pub mod typed;
pub mod write;
