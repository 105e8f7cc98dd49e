#!/usr/bin/env python3
"""Writes an enterprise-sized tenant file for timing entralint at scale.

    python3 bench/large_tenant.py USERS OUT.yaml [--seed N]

The tenant has USERS users (guests, disabled and synced accounts among them), groups (some
role-assignable, with owners and members), service principals and applications, and 2 x USERS role
assignments: active and eligible, privileged and not, with duplicates, unknown principals and
expired ones, so that the role, guest and PIM rules have real work to do. The same USERS and seed
always give the same bytes.
"""

import argparse
import random

PRIVILEGED = [
    "Global Administrator",
    "Privileged Role Administrator",
    "Privileged Authentication Administrator",
    "Security Administrator",
    "User Administrator",
    "Application Administrator",
    "Cloud Application Administrator",
    "Exchange Administrator",
    "SharePoint Administrator",
    "Conditional Access Administrator",
    "Authentication Administrator",
    "Helpdesk Administrator",
]
ORDINARY = [
    "Global Reader",
    "Directory Readers",
    "Security Reader",
    "Guest Inviter",
    "Billing Administrator",
    "Teams Administrator",
    "Intune Administrator",
    "Groups Administrator",
]
# By template id too, as Graph exports write them (Global Reader, Security Reader).
TEMPLATE_IDS = [
    "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
    "5d6b6bb7-de71-4623-b4af-96380a352509",
]
DOMAIN = "contoso.com"


def user_id(i):
    return f"user{i:06d}@{DOMAIN}"


def write_users(out, rng, users):
    out.write("users:\n")
    for i in range(users):
        parts = [f"id: {user_id(i)}", f"displayName: User {i}"]
        roll = rng.random()
        if roll < 0.08:
            parts.append("userType: Guest")
            parts.append("creationType: Invitation")
        else:
            parts.append("userType: Member")
        parts.append(f"accountEnabled: {'false' if rng.random() < 0.05 else 'true'}")
        parts.append(f"onPremisesSyncEnabled: {'true' if rng.random() < 0.4 else 'false'}")
        out.write("  - {" + ", ".join(parts) + "}\n")


def write_groups(out, rng, users, groups):
    out.write("groups:\n")
    for g in range(groups):
        members = ", ".join(user_id(rng.randrange(users)) for _ in range(rng.randint(1, 8)))
        owners = ", ".join(user_id(rng.randrange(users)) for _ in range(rng.randint(0, 2)))
        assignable = "true" if g % 10 == 0 else "false"
        out.write(
            f"  - {{id: group{g:05d}, displayName: Group {g}, isAssignableToRole: {assignable}, "
            f"owners: [{owners}], members: [{members}]}}\n"
        )


def write_apps(out, rng, users, apps):
    credentials = ["[password]", "[certificate]", "[federated]", "[password, certificate]", "[]"]
    permissions = ["[User.Read.All]", "[Directory.ReadWrite.All]", "[]", "[Mail.Read]",
                   "[RoleManagement.ReadWrite.Directory]"]
    out.write("servicePrincipals:\n")
    for a in range(apps):
        owners = ", ".join(user_id(rng.randrange(users)) for _ in range(rng.randint(0, 2)))
        kind = "ManagedIdentity" if a % 7 == 0 else "Application"
        out.write(
            f"  - {{id: sp{a:05d}, displayName: App {a}, appId: app{a:05d}, "
            f"servicePrincipalType: {kind}, owners: [{owners}], "
            f"appRoles: {rng.choice(permissions)}, credentials: {rng.choice(credentials)}}}\n"
        )
    out.write("applications:\n")
    for a in range(apps):
        owners = ", ".join(user_id(rng.randrange(users)) for _ in range(rng.randint(0, 2)))
        out.write(
            f"  - {{id: app{a:05d}, displayName: App {a}, appId: app{a:05d}, owners: [{owners}], "
            f"credentials: {rng.choice(credentials)}}}\n"
        )


def assignment(rng, users, groups, apps):
    roll = rng.random()
    if roll < 0.02:
        principal = f"nobody{rng.randrange(10 * users):07d}@{DOMAIN}"  # unknown principal
    elif roll < 0.06 and groups:
        principal = f"group{rng.randrange(groups):05d}"
    elif roll < 0.08 and apps:
        principal = f"sp{rng.randrange(apps):05d}"
    else:
        principal = user_id(rng.randrange(users))
    roll = rng.random()
    if roll < 0.0005:
        role = "Global Administrator"
    elif roll < 0.25:
        role = rng.choice(PRIVILEGED)
    elif roll < 0.3:
        role = rng.choice(TEMPLATE_IDS)
    else:
        role = rng.choice(ORDINARY)
    parts = [f"principal: {principal}", f"role: {role}"]
    parts.append(f"type: {'eligible' if rng.random() < 0.6 else 'active'}")
    roll = rng.random()
    if roll < 0.05:
        parts.append(f"endDateTime: 2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}")  # expired
    elif roll < 0.5:
        parts.append(f"endDateTime: 2027-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}")
    if rng.random() < 0.05:
        parts.append(f"scope: /administrativeUnits/au{rng.randrange(20):02d}")
    return "  - {" + ", ".join(parts) + "}\n"


def write_assignments(out, rng, users, groups, apps, count):
    out.write("roleAssignments:\n")
    written = []
    for _ in range(count):
        # About one in a hundred repeats an earlier assignment, with the principal in other case.
        if written and rng.random() < 0.01:
            line = rng.choice(written).replace(f"@{DOMAIN}", f"@{DOMAIN.upper()}")
        else:
            line = assignment(rng, users, groups, apps)
            if len(written) < 5000:
                written.append(line)
        out.write(line)


HEADER = """tenant:
  name: large-{users}
  id: 00000000-0000-4000-8000-{users:012d}
  kind: workforce
  breakGlass: [{bg0}, {bg1}]
authorizationPolicy:
  allowInvitesFrom: adminsAndGuestInviters
  allowedToUseSSPR: false
  guestUserRoleId: 10dae51f-b6af-4016-8d66-8c2a99b929b3
  defaultUserRolePermissions:
    allowedToCreateApps: false
    permissionGrantPoliciesAssigned: []
securityDefaults:
  isEnabled: false
roleSettings:
  - role: Global Administrator
    activationApprovalRequired: true
    assignmentAlertRecipients: [secops@{domain}]
  - role: Privileged Role Administrator
    activationApprovalRequired: false
  - role: User Administrator
    activationAlertRecipients: [secops@{domain}]
conditionalAccessPolicies:
  - displayName: CA001 Require MFA
    state: enabled
    conditions:
      users: {{includeUsers: [All], excludeUsers: [{bg0}, {bg1}]}}
      applications: {{includeApplications: [All]}}
    grantControls: {{operator: OR, builtInControls: [mfa]}}
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("users", type=int)
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    users = max(args.users, 2)
    groups = max(users // 50, 1)
    apps = max(users // 100, 1)
    with open(args.out, "w", encoding="utf-8") as out:
        out.write(HEADER.format(users=users, bg0=user_id(0), bg1=user_id(1), domain=DOMAIN))
        write_users(out, rng, users)
        write_groups(out, rng, users, groups)
        write_apps(out, rng, users, apps)
        write_assignments(out, rng, users, groups, apps, 2 * users)


if __name__ == "__main__":
    main()
