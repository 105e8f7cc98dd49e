//! What users can do in a tenant, computed from its effective settings: each answer names the
//! setting it follows and whether the file declares it or Entra's default applies.
//!
//! Workforce tenants have members and guests; the guest column follows the member /
//! limited-guest / restricted-guest comparison of the three guest role templates
//! (`authorizationPolicy.guestUserRoleId`). External tenants have the three kinds of user
//! Microsoft's "Default user permissions in external tenants" page names — customers, internal
//! users and invited users — who all start from the same default permissions.
//!
//! Each capability is a [`Capability`]: an id, its words, the tenant kinds it applies to and the
//! function that answers for one audience. The rows are the lists of [`capabilities`], so a new
//! row is a new entry there.

mod consent;
mod creation;
mod directory;
mod own;
pub mod render;
mod settings;
mod sign_in;

use serde::Serialize;

use crate::load::layout::Layout;
use crate::model::sections::GuestRole;
use crate::model::{Model, TenantKind};
use settings::{Effective, Settings};

/// Who the answers are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// Workforce: members of the organisation.
    Members,
    /// Workforce: B2B guests.
    Guests,
    /// External: consumers and business customers, usually signed up through a user flow.
    Customers,
    /// External: users an admin creates in the tenant.
    Internal,
    /// External: users invited from another organisation.
    Invited,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Members => "members",
            Audience::Guests => "guests",
            Audience::Customers => "customers",
            Audience::Internal => "internal",
            Audience::Invited => "invited",
        }
    }

    /// The column heading of the table.
    pub fn label(self) -> &'static str {
        match self {
            Audience::Internal => "internal users",
            Audience::Invited => "invited users",
            other => other.as_str(),
        }
    }

    /// The audiences of a tenant kind, in column order.
    pub fn of(kind: TenantKind) -> &'static [Audience] {
        match kind {
            TenantKind::Workforce => &[Audience::Members, Audience::Guests],
            TenantKind::External => &[Audience::Customers, Audience::Internal, Audience::Invited],
        }
    }

    /// Whether the guest role template (`guestUserRoleId`) decides for them: guests, and users
    /// invited into an external tenant. Everyone else holds the default user role.
    pub fn holds_guest_role(self) -> bool {
        matches!(self, Audience::Guests | Audience::Invited)
    }
}

/// One answer: can they, and how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Yes,
    Limited,
    No,
}

/// Where an answer comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Source {
    /// The file declares the setting, at this line and column; or, for a setting the tenant
    /// inherits (`tenant.extends`), the file it extends that declares it.
    Declared {
        setting: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        file: Option<String>,
        line: usize,
        column: usize,
    },
    /// The file leaves the setting out; Entra's default for the tenant kind applies.
    Default { setting: String },
}

impl Source {
    pub fn setting(&self) -> &str {
        match self {
            Source::Declared { setting, .. } | Source::Default { setting } => setting,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub audience: Audience,
    pub access: Access,
    /// What the answer means in words (`only members of group-creators`).
    pub detail: String,
    /// The settings the answer follows, most decisive first; empty when no setting changes it.
    pub sources: Vec<Source>,
}

impl Cell {
    fn new(audience: Audience, access: Access, detail: &str, sources: Vec<Source>) -> Cell {
        Cell {
            audience,
            access,
            detail: detail.to_string(),
            sources,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// A stable id for machines (`read-other-users`).
    pub id: &'static str,
    pub capability: &'static str,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Permissions {
    pub file: String,
    pub kind: &'static str,
    pub audiences: Vec<Audience>,
    pub rows: Vec<Row>,
}

/// One row of the table.
pub struct Capability {
    /// A stable id for machines (`read-other-users`).
    pub id: &'static str,
    pub capability: &'static str,
    /// The tenant kinds the row is shown for.
    pub kinds: &'static [TenantKind],
    /// The answer for one audience.
    pub cell: fn(&Ctx, Audience) -> Cell,
}

pub(crate) const BOTH: &[TenantKind] = &[TenantKind::Workforce, TenantKind::External];
pub(crate) const WORKFORCE: &[TenantKind] = &[TenantKind::Workforce];
pub(crate) const EXTERNAL: &[TenantKind] = &[TenantKind::External];

/// Every row, in table order: what every user may do on their own, what they may read, what they
/// may create, and consent.
pub fn capabilities() -> impl Iterator<Item = &'static Capability> {
    [
        own::CAPABILITIES,
        directory::CAPABILITIES,
        creation::CAPABILITIES,
        consent::CAPABILITIES,
    ]
    .into_iter()
    .flatten()
}

/// What a row's answer can read: the tenant's effective settings and the guest role, once.
pub struct Ctx<'a> {
    settings: Settings<'a>,
    kind: TenantKind,
    guest_role: Effective<GuestRole>,
}

impl Ctx<'_> {
    fn external(&self) -> bool {
        self.kind == TenantKind::External
    }

    fn guests_as_members(&self) -> bool {
        self.guest_role.value == GuestRole::SameAsMembers
    }

    /// The answer for an audience the guest role keeps out of what the default user role allows.
    fn guest_denied(&self, audience: Audience) -> Cell {
        Cell::new(
            audience,
            Access::No,
            "the guest role does not include it",
            vec![self.guest_role.source.clone()],
        )
    }

    /// A capability granted by a default-user-role switch: the default user role follows it; the
    /// guest role follows it only with member access, and otherwise denies it.
    fn by_switch(&self, audience: Audience, switch: Effective<bool>, yes: &str, no: &str) -> Cell {
        if audience.holds_guest_role() && !self.guests_as_members() {
            return self.guest_denied(audience);
        }
        let mut sources = vec![switch.source];
        if audience.holds_guest_role() {
            sources.push(self.guest_role.source.clone());
        }
        let (access, detail) = if switch.value {
            (Access::Yes, yes)
        } else {
            (Access::No, no)
        };
        Cell::new(audience, access, detail, sources)
    }
}

fn yes_no(value: bool) -> Access {
    if value { Access::Yes } else { Access::No }
}

/// Computes the table for a loaded tenant.
/// Where a declared setting is: its line and column, and the file when it is not the tenant's own.
fn declared(layout: &Layout, setting: String, offset: u32) -> Source {
    let (file, local, own) = layout.place(offset);
    let at = file.line_col(local);
    Source::Declared {
        setting,
        file: (!own).then(|| crate::escape::text(&file.name).into_owned()),
        line: at.line,
        column: at.column,
    }
}

pub fn compute(model: &Model, layout: &Layout) -> Permissions {
    let settings = Settings { model, layout };
    let source = layout
        .files()
        .next()
        .expect("a layout holds the tenant's file");
    let guest_role = settings.guest_role();
    let cx = Ctx {
        settings,
        kind: model.kind,
        guest_role,
    };
    let audiences = Audience::of(model.kind);
    let mut rows: Vec<Row> = capabilities()
        .filter(|c| c.kinds.contains(&model.kind))
        .map(|c| Row {
            id: c.id,
            capability: c.capability,
            cells: audiences.iter().map(|&a| (c.cell)(&cx, a)).collect(),
        })
        .collect();
    rows.extend(sign_in::rows(model, layout, audiences));
    Permissions {
        // Printed in the table's title and sources: escaped like every report's file names.
        file: crate::escape::text(&source.name).into_owned(),
        kind: model.kind.as_str(),
        audiences: audiences.to_vec(),
        rows,
    }
}
