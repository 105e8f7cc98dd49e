//! What every user of an external tenant may do with no role and no setting to grant it: the rows
//! of Microsoft's "Default user permissions in external tenants" table (2025-03-10). No tenant
//! setting takes them away, so each answer is `yes` from Entra itself.

use super::{Access, Audience, Capability, Cell, Ctx, EXTERNAL};

fn always(audience: Audience, detail: &str) -> Cell {
    Cell::new(audience, Access::Yes, detail, Vec::new())
}

pub const CAPABILITIES: &[Capability] = &[
    Capability {
        id: "manage-own-profile",
        capability: "read and update their own profile",
        kinds: EXTERNAL,
        cell: |_, audience| {
            always(
                audience,
                "their own profile, through the app's profile page or Microsoft Graph",
            )
        },
    },
    Capability {
        id: "change-own-password",
        capability: "change their own password",
        kinds: EXTERNAL,
        cell: |_, audience| always(audience, "every user may change their own password"),
    },
    Capability {
        id: "sign-in",
        capability: "sign in",
        kinds: EXTERNAL,
        cell: |_: &Ctx, audience| {
            let detail = match audience {
                Audience::Customers => "with a local or social account",
                Audience::Invited => "with the account of their own organisation",
                _ => "with their account in this tenant",
            };
            always(audience, detail)
        },
    },
    Capability {
        id: "access-applications",
        capability: "access applications",
        kinds: EXTERNAL,
        cell: |_, audience| always(audience, "the tenant's applications that let them in"),
    },
    Capability {
        id: "revoke-consent",
        capability: "revoke consent to applications",
        kinds: EXTERNAL,
        cell: |_, audience| always(audience, "consent they gave, to any application"),
    },
];
