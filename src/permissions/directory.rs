//! Reading the directory: other users, groups and (in external tenants) devices.
//!
//! Holders of the default user role follow `allowedToReadOtherUsers`. In a workforce tenant,
//! members read groups whatever it says; in an external tenant the same switch is what keeps users
//! out of other users, groups and devices. Guests and invited users follow the guest role.

use super::{Access, Audience, BOTH, Capability, Cell, Ctx, EXTERNAL, yes_no};
use crate::model::sections::GuestRole;

/// What the directory holds, for the guest role's answer.
#[derive(Clone, Copy, PartialEq)]
enum Object {
    Users,
    Groups,
    Devices,
}

fn read_users_switch(cx: &Ctx) -> super::Effective<bool> {
    cx.settings.durp_bool("allowedToReadOtherUsers", |d| {
        d.allowed_to_read_other_users.as_ref()
    })
}

/// The guest role's answer: member access follows the members' answer; limited access looks
/// users up and sees memberships of non-hidden groups; restricted access sees only its own objects.
fn guest_reads(cx: &Ctx, audience: Audience, object: Object, members: Access) -> Cell {
    let (access, detail) = match (cx.guest_role.value, object) {
        (GuestRole::SameAsMembers, _) => (members, "guests have the same access as members"),
        (GuestRole::Limited, Object::Users) => (
            Access::Limited,
            "limited guest access: cannot list users, only look up ones they know",
        ),
        (GuestRole::Limited, Object::Groups) => (
            Access::Limited,
            "limited guest access: memberships of non-hidden groups, no listing of groups",
        ),
        (GuestRole::Limited, Object::Devices) => (Access::No, "limited guest access: no devices"),
        (GuestRole::Restricted, _) => (
            Access::No,
            "restricted guest access: only their own profile and memberships",
        ),
    };
    let mut sources = vec![cx.guest_role.source.clone()];
    if cx.guests_as_members() && (object != Object::Groups || cx.external()) {
        sources.push(read_users_switch(cx).source);
    }
    Cell::new(audience, access, detail, sources)
}

/// The default user role's answer in words, by the switch.
fn by_read_switch(cx: &Ctx, audience: Audience, object: Object, yes: &str, no: &str) -> Cell {
    let switch = read_users_switch(cx);
    let access = yes_no(switch.value);
    if audience.holds_guest_role() {
        return guest_reads(cx, audience, object, access);
    }
    let detail = if switch.value { yes } else { no };
    Cell::new(audience, access, detail, vec![switch.source])
}

fn read_groups(cx: &Ctx, audience: Audience) -> Cell {
    if cx.external() {
        return by_read_switch(
            cx,
            audience,
            Object::Groups,
            "can list groups and their members",
            "only their own memberships",
        );
    }
    if audience.holds_guest_role() {
        return guest_reads(cx, audience, Object::Groups, Access::Yes);
    }
    Cell::new(
        audience,
        Access::Yes,
        "members read every non-hidden group and its members",
        Vec::new(),
    )
}

pub const CAPABILITIES: &[Capability] = &[
    Capability {
        id: "read-other-users",
        capability: "read other users",
        kinds: BOTH,
        cell: |cx, audience| {
            by_read_switch(
                cx,
                audience,
                Object::Users,
                "can list and read other users",
                "only their own profile",
            )
        },
    },
    Capability {
        id: "read-groups",
        capability: "read groups and memberships",
        kinds: BOTH,
        cell: read_groups,
    },
    Capability {
        id: "read-devices",
        capability: "read devices",
        kinds: EXTERNAL,
        cell: |cx, audience| {
            by_read_switch(
                cx,
                audience,
                Object::Devices,
                "can list devices",
                "no devices",
            )
        },
    },
];
