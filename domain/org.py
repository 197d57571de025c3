"""Who leads whom, in which service area and unit (docs/roles.md#organisation-directory).

Pure rules, shared by both sources (an HR CSV export and Microsoft Graph): the CSV format and
its validation, the checks that make the people a forest of reporting lines, the summary the
import prints, and a content fingerprint that names one version of the directory.

Roles: `leader` is derived (someone has direct reports here); every person is an employee.
The assigned roles (admin, union rep, safety rep, each with a scope of service areas) are
granted by an admin (issue 7) and kept apart from the imported people, so that a re-import
never drops them: see `Role` and `RoleGrant` below, and `storage/directory.py`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from enum import Enum, StrEnum

ID = "aad_object_id"
NAME = "name"
EMAIL = "email"
MANAGER = "manager_aad_object_id"
SERVICE_AREA = "service_area"
UNIT = "unit"
#: The header must hold these (in any order); other columns are ignored.
REQUIRED_COLUMNS = (ID, NAME, EMAIL, MANAGER, SERVICE_AREA, UNIT)
#: Optional: the user principal name, when it is not the e-mail address.
UPN = "user_principal_name"

# Entra object ids are GUIDs; Teams sends them lower-case (`from.aadObjectId`), HR exports
# sometimes upper-case or in braces, so ids are normalised before they are compared.
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class Person:
    id: str  # Entra object id, lower-case
    name: str
    email: str
    manager_id: str | None  # Entra object id of the leader; None at the top
    service_area: str  # tjenesteområde
    unit: str  # enhet
    upn: str = ""  # user principal name (sign-in name); "" when the source has none

    @property
    def teams_login(self) -> str:
        """Whom Teams' chat and meeting deep links name: the UPN, not the e-mail address. A
        directory without UPNs (a CSV without the column) has only the address, which is the
        UPN in most tenants."""
        return self.upn or self.email


class Role(StrEnum):
    EMPLOYEE = "employee"
    LEADER = "leader"  # derived: has direct reports in the directory
    ADMIN = "admin"  # assigned (issue 7), or configured
    UNION_REP = "union_rep"  # assigned, with a scope (issue 7)
    SAFETY_REP = "safety_rep"  # assigned, with a scope (issue 7)


@dataclass(frozen=True)
class RoleGrant:
    """An assigned role; `scope` holds service areas (empty: the whole organisation).

    Issue 7 stores grants (`roles grant`) outside the imported generations of the directory.
    """

    role: Role
    scope: frozenset[str] = frozenset()


def roles(direct_reports: int, grants: Iterable[RoleGrant] = ()) -> frozenset[Role]:
    derived = {Role.EMPLOYEE} | ({Role.LEADER} if direct_reports > 0 else set())
    return frozenset(derived | {grant.role for grant in grants})


def normalise_id(value: str) -> str:
    """The directory's form of an object id: `{ 0A1B… }` as pasted from a registry is `0a1b…`."""
    return value.strip().strip("{}").strip().lower()


def is_object_id(value: str) -> bool:
    return bool(_GUID.match(value))


# --- checks on the people as a whole --------------------------------------------------------


class IssueKind(Enum):
    DUPLICATE = "duplicate"
    SELF_MANAGER = "self-manager"
    UNKNOWN_MANAGER = "unknown manager"
    CYCLE = "cycle"


@dataclass(frozen=True)
class Issue:
    index: int  # position in the sequence checked
    kind: IssueKind
    reason: str


def check_people(people: Sequence[Person], where: Sequence[str] | None = None) -> list[Issue]:
    """What keeps `people` from being a forest of reporting lines, one issue per person at fault.

    `where[i]` names person i in messages (e.g. "line 7"); by default their name. A duplicate
    is reported at its later occurrences and left out of the other checks (the first one
    counts), so one mistake gives one message. Everyone on a manager cycle is reported, each
    with the whole cycle, starting from themselves.
    """
    label = list(where) if where is not None else [p.name or p.id for p in people]
    first: dict[str, int] = {}
    issues: list[Issue] = []
    for i, person in enumerate(people):
        if person.id in first:
            issues.append(
                Issue(
                    i,
                    IssueKind.DUPLICATE,
                    f"duplicate {ID} {person.id} (first on {label[first[person.id]]})",
                )
            )
        else:
            first[person.id] = i
    manager_of: dict[str, str] = {}
    for person_id, i in first.items():
        manager = people[i].manager_id
        if manager is None:
            continue
        if manager == person_id:
            issues.append(Issue(i, IssueKind.SELF_MANAGER, "is their own manager"))
        elif manager not in first:
            issues.append(
                Issue(
                    i,
                    IssueKind.UNKNOWN_MANAGER,
                    f"unknown manager {manager}: nobody here has that id",
                )
            )
        else:
            manager_of[person_id] = manager
    for cycle in _cycles(manager_of):
        for n, person_id in enumerate(cycle):
            # The cycle as seen from this person: them, their manager, ..., them again.
            path = [*cycle[n:], *cycle[:n], person_id]
            shown = " → ".join(f"{people[first[p]].name} ({label[first[p]]})" for p in path)
            issues.append(Issue(first[person_id], IssueKind.CYCLE, f"manager cycle: {shown}"))
    return sorted(issues, key=lambda issue: issue.index)


def _cycles(manager_of: Mapping[str, str]) -> list[list[str]]:
    """The cycles of the manager relation; everyone has one manager at most, so a walk up
    from any person either reaches the top or runs into a cycle."""
    done: set[str] = set()
    found: list[list[str]] = []
    for start in manager_of:
        path: list[str] = []
        on_path: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done and node not in on_path:
            on_path[node] = len(path)
            path.append(node)
            node = manager_of.get(node)
        if node is not None and node in on_path:
            found.append(path[on_path[node] :])
        done.update(path)
    return found


def without_unknown_managers(people: Sequence[Person]) -> tuple[list[Person], list[Person]]:
    """`people` with managers outside the set removed, and the people that was done to.

    For Graph: a manager may be a disabled account or a guest, which the sync leaves out.
    """
    ids = {p.id for p in people}
    kept: list[Person] = []
    detached: list[Person] = []
    for person in people:
        if person.manager_id is not None and person.manager_id not in ids:
            detached.append(person)
            person = replace(person, manager_id=None)
        kept.append(person)
    return kept, detached


# --- summary and fingerprint ----------------------------------------------------------------


def direct_reports(people: Iterable[Person]) -> Counter[str]:
    return Counter(p.manager_id for p in people if p.manager_id is not None)


@dataclass(frozen=True)
class Summary:
    people: int
    leaders: int
    service_areas: int

    def __str__(self) -> str:
        return ", ".join(
            [
                f"{self.people} {'person' if self.people == 1 else 'people'}",
                _count(self.leaders, "leader"),
                _count(self.service_areas, "service area"),
            ]
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def summarize(people: Sequence[Person]) -> Summary:
    return Summary(
        people=len(people),
        leaders=len(direct_reports(people)),
        service_areas=len({p.service_area for p in people if p.service_area}),
    )


def fingerprint(people: Iterable[Person]) -> str:
    """A name for exactly this content, whatever the order it came in.

    Imports are stored under it, so the same file imported twice is recognised, and an import
    stopped half-way resumes into the same place.
    """
    canonical = json.dumps(
        sorted((asdict(p) for p in people), key=lambda d: str(d["id"])),
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class Changes:
    added: int
    removed: int
    changed: int

    def __str__(self) -> str:
        return f"{self.added} added, {self.removed} removed, {self.changed} changed"


def changes(before: Iterable[Person], after: Iterable[Person]) -> Changes:
    old = {p.id: p for p in before}
    new = {p.id: p for p in after}
    return Changes(
        added=len(new.keys() - old.keys()),
        removed=len(old.keys() - new.keys()),
        changed=sum(1 for i in new.keys() & old.keys() if new[i] != old[i]),
    )


# --- the CSV format -------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One record of the file: its first line, its values by column, and how many fields."""

    line: int
    values: Mapping[str, str]
    width: int


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class CsvFile:
    columns: tuple[str, ...]
    rows: list[Row]
    error: RowError | None = None  # where reading stopped, when the text is no CSV at all


def read_csv(text: str) -> CsvFile:
    """Split the text into rows. A header with `;` and no `,` is read as `;`-separated: that
    is what a spreadsheet in Norwegian locale saves as "CSV"."""
    text = text.removeprefix("\ufeff")  # a BOM that survived decoding
    header = text.split("\n", 1)[0]
    delimiter = ";" if ";" in header and "," not in header else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns: tuple[str, ...] = ()
    rows: list[Row] = []
    line = 1  # where the next record starts; a quoted field may span lines
    try:
        for fields in reader:
            start, line = line, reader.line_num + 1
            if not columns:
                columns = tuple(f.strip().lower() for f in fields)
                continue
            if not any(f.strip() for f in fields):
                continue  # blank lines, often at the end
            values = {c: f.strip() for c, f in zip(columns, fields, strict=False)}
            rows.append(Row(start, values, len(fields)))
    except csv.Error as error:
        # An opening quote that never closes swallows the rest of the file into one field.
        return CsvFile(columns, rows, RowError(line, f"unreadable CSV ({error}): a stray quote?"))
    return CsvFile(columns, rows)


def validate_rows(columns: Sequence[str], rows: Sequence[Row]) -> list[RowError]:
    """Every problem of the file, by line; an empty list means it can be imported."""
    if not columns:
        return [RowError(1, "the file is empty: no header line")]
    twice = sorted({c for c in REQUIRED_COLUMNS if columns.count(c) > 1})
    if twice:
        return [RowError(1, f"column {', '.join(twice)} appears more than once in the header")]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        return [
            RowError(
                1,
                f"missing required column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} (the header must hold {','.join(REQUIRED_COLUMNS)})",
            )
        ]
    if not rows:
        # An empty export would empty the directory: far more likely a mistake than meant.
        return [RowError(2, "no people below the header")]
    errors: list[RowError] = []
    candidates: list[tuple[Row, Person]] = []
    for row in rows:
        problem = _row_problem(row, len(columns))
        if problem:
            errors.append(RowError(row.line, problem))
        else:
            candidates.append((row, _person(row)))
    people = [person for _, person in candidates]
    where = [f"line {row.line}" for row, _ in candidates]
    errors += [RowError(candidates[i.index][0].line, i.reason) for i in check_people(people, where)]
    return sorted(errors, key=lambda e: e.line)


def _row_problem(row: Row, width: int) -> str | None:
    if row.width != width:
        return f"has {row.width} fields, the header has {width} (a stray or missing separator?)"
    raw_id = row.values[ID]
    if not raw_id:
        return f"empty {ID}"
    if not is_object_id(normalise_id(raw_id)):
        return f"{ID} {raw_id!r} is not an Entra object id (a GUID)"
    return None


def _person(row: Row) -> Person:
    manager = normalise_id(row.values[MANAGER])
    return Person(
        id=normalise_id(row.values[ID]),
        name=row.values[NAME],
        email=row.values[EMAIL],
        manager_id=manager or None,
        service_area=row.values[SERVICE_AREA],
        unit=row.values[UNIT],
        upn=row.values.get(UPN, ""),
    )


def parse_csv(text: str) -> tuple[list[Person], list[RowError]]:
    """The people of an HR export, or the errors that keep it from being imported."""
    file = read_csv(text)
    if file.error:
        return [], [file.error]
    errors = validate_rows(file.columns, file.rows)
    if errors:
        return [], errors
    return [_person(row) for row in file.rows], []


def parse_csv_bytes(data: bytes) -> tuple[list[Person], list[RowError]]:
    """As `parse_csv`, from the file's bytes: UTF-8, with or without a byte-order mark."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return [], [
            RowError(line, "not UTF-8 text (in a spreadsheet, save as 'CSV UTF-8')"),
        ]
    return parse_csv(text)
