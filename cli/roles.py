"""`roles grant|revoke|list`: union reps, safety reps (with their service areas) and admins."""

from __future__ import annotations

import argparse
import sys
from typing import assert_never

from bootstrap import bootstrap
from bot.settings import Settings
from cli import Commands
from domain.grants import GRANTABLE, RoleRefusal
from domain.org import Role
from services.roles import Granted, Revoked, RoleService


def add_cli(commands: Commands) -> None:
    roles = commands.add_parser(
        "roles", help="who sees the pulse: union reps, safety reps and admins"
    )
    actions = roles.add_subparsers(dest="roles_action", required=True)
    grantable = [role.value for role in GRANTABLE]
    grant = actions.add_parser("grant", help="grant a role (reps need --scope)")
    grant.add_argument("person", help="the person's Entra object id")
    grant.add_argument("role", choices=grantable)
    grant.add_argument(
        "--scope", action="append", metavar="SERVICE_AREA", help="a service area (repeatable)"
    )
    revoke = actions.add_parser("revoke", help="take a role back")
    revoke.add_argument("person", help="the person's Entra object id")
    revoke.add_argument("role", choices=grantable)
    actions.add_parser("list", help="every granted role")


async def run_cli(settings: Settings, args: argparse.Namespace) -> int:
    async with bootstrap(settings) as parts:
        if args.roles_action == "list":
            return await _list(settings, parts.roles)
        person: str = args.person
        role = Role(args.role)
        if args.roles_action == "revoke":
            return _revoked(await parts.roles.revoke(person, role), person, role)
        return _granted(await parts.roles.grant(person, role, args.scope or ()), person, role)


async def _list(settings: Settings, roles: RoleService) -> int:
    grants = await roles.everyone()
    for person_id, grant in grants:
        scope = ", ".join(sorted(grant.scope)) or "everything"
        print(f"{person_id}  {grant.role.value}  {scope}")
    for admin in settings.admins:
        print(f"{admin}  admin  everything (ADMINS setting)")
    if not grants and not settings.admins:
        print("no roles granted")
    return 0


def _granted(outcome: Granted | RoleRefusal, person: str, role: Role) -> int:
    match outcome:
        case RoleRefusal():
            return _refused(outcome, person, role)
        case Granted(person_id, grant, unknown_areas):
            if unknown_areas:
                print(
                    f"note: not a service area in the directory: {', '.join(unknown_areas)}",
                    file=sys.stderr,
                )
            scope = sorted(grant.scope)
            print(
                f"granted {grant.role.value} to {person_id}"
                + (f" for {', '.join(scope)}" if scope else "")
            )
            return 0
        case _:
            assert_never(outcome)


def _revoked(outcome: Revoked | RoleRefusal, person: str, role: Role) -> int:
    match outcome:
        case RoleRefusal():
            return _refused(outcome, person, role)
        case Revoked(person_id, role, removed):
            print(f"revoked {role.value} from {person_id}" if removed else "no such grant")
            return 0 if removed else 1
        case _:
            assert_never(outcome)


def _refused(refusal: RoleRefusal, person: str, role: Role) -> int:
    """Exit status 2 with what to type instead."""
    match refusal:
        case RoleRefusal.NOT_AN_OBJECT_ID:
            print(f"not an Entra object id: {person!r}", file=sys.stderr)
        case RoleRefusal.SCOPE_NEEDED:
            print(f"{role.value} needs --scope SERVICE_AREA (one or more)", file=sys.stderr)
        case RoleRefusal.SCOPE_NOT_ALLOWED:
            print("admin sees everything; leave out --scope", file=sys.stderr)
        case RoleRefusal.NOT_GRANTABLE:
            print(f"{role.value} follows from the directory; it is not granted", file=sys.stderr)
        case _:
            assert_never(refusal)
    return 2
