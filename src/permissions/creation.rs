//! Creating things and inviting people: applications, groups, tenants, guests; and the one thing a
//! workforce user reads about devices they own, their BitLocker keys.

use super::{Access, Audience, BOTH, Capability, Cell, Ctx, WORKFORCE, yes_no};
use crate::model::sections::AllowInvitesFrom;

fn m365_groups(cx: &Ctx, audience: Audience) -> Cell {
    if cx.external() {
        // The Group.Unified settings have no effect there: Microsoft 365 groups do not exist.
        return Cell::new(
            audience,
            Access::No,
            "external tenants have no Microsoft 365 groups",
            Vec::new(),
        );
    }
    if audience.holds_guest_role() && !cx.guests_as_members() {
        return cx.guest_denied(audience);
    }
    let (creation, allowed_group) = cx.settings.group_creation();
    let mut sources = vec![creation.source];
    let (access, detail) = match (creation.value, allowed_group) {
        (true, _) => (Access::Yes, "can create Microsoft 365 groups".to_string()),
        (false, Some(group)) => {
            sources.push(group.source);
            (
                Access::Limited,
                format!("only members of `{}`", group.value),
            )
        }
        (false, None) => (Access::No, "only admins".to_string()),
    };
    if audience.holds_guest_role() {
        sources.push(cx.guest_role.source.clone());
    }
    Cell {
        audience,
        access,
        detail,
        sources,
    }
}

fn invite(cx: &Ctx, audience: Audience) -> Cell {
    let invites = cx.settings.invites();
    let mut sources = vec![invites.source];
    let (access, detail) = match invites.value {
        AllowInvitesFrom::Everyone => (Access::Yes, "anyone in the tenant may invite"),
        AllowInvitesFrom::AdminsGuestInvitersAndAllMembers if audience.holds_guest_role() => {
            sources.push(cx.guest_role.source.clone());
            if cx.guests_as_members() {
                (Access::Yes, "guests with member access may invite")
            } else {
                (Access::No, "only members, admins and Guest Inviters")
            }
        }
        AllowInvitesFrom::AdminsGuestInvitersAndAllMembers => (Access::Yes, "members may invite"),
        AllowInvitesFrom::AdminsAndGuestInviters => {
            (Access::No, "only admins and holders of Guest Inviter")
        }
        AllowInvitesFrom::None => (Access::No, "nobody, admins included"),
    };
    Cell::new(audience, access, detail, sources)
}

pub const CAPABILITIES: &[Capability] = &[
    Capability {
        id: "register-applications",
        capability: "register applications",
        kinds: BOTH,
        cell: |cx, audience| {
            let switch = cx
                .settings
                .durp_bool("allowedToCreateApps", |d| d.allowed_to_create_apps.as_ref());
            cx.by_switch(
                audience,
                switch,
                "can register applications and own them",
                "only holders of Application Developer or an admin role",
            )
        },
    },
    Capability {
        id: "create-security-groups",
        capability: "create security groups",
        kinds: BOTH,
        cell: |cx, audience| {
            let switch = cx.settings.durp_bool("allowedToCreateSecurityGroups", |d| {
                d.allowed_to_create_security_groups.as_ref()
            });
            cx.by_switch(
                audience,
                switch,
                "can create security groups",
                "only admins",
            )
        },
    },
    Capability {
        id: "create-m365-groups",
        capability: "create Microsoft 365 groups",
        kinds: BOTH,
        cell: m365_groups,
    },
    Capability {
        id: "create-tenants",
        capability: "create tenants",
        kinds: BOTH,
        cell: |cx, audience| {
            let switch = cx.settings.durp_bool("allowedToCreateTenants", |d| {
                d.allowed_to_create_tenants.as_ref()
            });
            cx.by_switch(
                audience,
                switch,
                "can create a tenant and become its Global Administrator",
                "only holders of Tenant Creator or an admin role",
            )
        },
    },
    Capability {
        id: "invite-guests",
        capability: "invite guests",
        kinds: BOTH,
        cell: invite,
    },
    Capability {
        // The setting governs every device owner; guests rarely own devices. External tenants
        // have no device BitLocker recovery for their users.
        id: "read-own-bitlocker-keys",
        capability: "read their own BitLocker keys",
        kinds: WORKFORCE,
        cell: |cx, audience| {
            let switch = cx
                .settings
                .durp_bool("allowedToReadBitlockerKeysForOwnedDevice", |d| {
                    d.allowed_to_read_bitlocker_keys_for_owned_device.as_ref()
                });
            let detail = if switch.value {
                "can read the recovery keys of devices they own"
            } else {
                "recovery keys go through an admin"
            };
            Cell::new(audience, yes_no(switch.value), detail, vec![switch.source])
        },
    },
];
