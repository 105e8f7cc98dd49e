//! What a run found, as renderers and callers see it: the reports of the files checked, what the
//! walk could not read, and what the baseline accepted.

use std::collections::BTreeMap;

use crate::diagnostic::FileReport;

/// Everything one run found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// One report per tenant document read, in path order.
    pub files: Vec<FileReport>,
    /// Files and folders that could not be walked.
    pub skipped: Vec<Skipped>,
    /// Files named on the command line that are not tenant documents.
    pub not_tenant: Vec<String>,
    /// What the baseline accepted, when one was used.
    pub baseline: Option<Stats>,
    /// Resources of recognised Microsoft365DSC files that entralint does not read, by kind.
    pub unchecked: BTreeMap<String, usize>,
    /// Files judged only through the tenants that extend them (`tenant.extends`): baselines,
    /// not tenants of their own.
    pub baselines: Vec<String>,
    /// Tenants made of several files (a folder of Graph responses, an export tree): the folder,
    /// and the report names of its files.
    pub folders: Vec<(String, Vec<String>)>,
}

/// What applying a baseline did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Findings the baseline accepted.
    pub baselined: usize,
    /// Entries that matched no finding: fixed since, or no longer reported.
    pub stale: usize,
}

/// What a walk could not read: reported on stderr, never silently dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}
