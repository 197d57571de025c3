"""The organisation directory's CSV, read and checked as HR exports it: every error by its line,
manager cycles, spreadsheet quirks, the fingerprint and the roles derived. Imports into a store
and from the command line: tests/integration/test_org_directory.py.
"""

from __future__ import annotations

from dataclasses import replace

from domain.org import (
    Person,
    Role,
    RoleGrant,
    changes,
    fingerprint,
    parse_csv,
    parse_csv_bytes,
    roles,
    summarize,
)
from tests.support.example_org import EXAMPLE
from tests.support.org_csv import HEADER, csv_text, gid, person, row


def errors_of(text: str) -> list[str]:
    people, errors = parse_csv(text)
    assert not (people and errors)
    return [str(e) for e in errors]


def test_the_example_is_a_valid_municipality() -> None:
    people, errors = parse_csv_bytes(EXAMPLE.read_bytes())
    assert errors == []
    assert str(summarize(people)) == "17 people, 7 leaders, 3 service areas"
    kari = next(p for p in people if p.name == "Kari Nordmann")
    lars = next(p for p in people if p.id == kari.manager_id)
    assert (lars.name, lars.unit, lars.service_area) == (
        "Lars Haugen",
        "Fjellvik skole",
        "Oppvekst",
    )
    # two levels of leaders: Kari's leader has a leader, who has none
    top = next(p for p in people if p.id == lars.manager_id)
    assert top.manager_id is None


def test_a_missing_required_column_is_reported_on_the_header_line() -> None:
    text = csv_text(row(1, "Ingrid"), header="aad_object_id,name,email,service_area")
    assert errors_of(text) == [
        "line 1: missing required columns manager_aad_object_id, unit (the header must hold "
        "aad_object_id,name,email,manager_aad_object_id,service_area,unit)"
    ]
    assert errors_of("") == ["line 1: the file is empty: no header line"]
    assert errors_of(HEADER + "\n") == ["line 2: no people below the header"]
    assert errors_of(csv_text(header=HEADER + ",name")) == [
        "line 1: column name appears more than once in the header"
    ]


def test_every_row_error_is_reported_by_its_line() -> None:
    text = csv_text(
        row(1, "Ingrid"),  # line 2
        f",Tom,tom@fjellvik.example,{gid(1)},Oppvekst,Skole",  # 3: empty id
        row(1, "Ingrid igjen"),  # 4: duplicate of line 2
        row(3, "Lars", manager=99),  # 5: unknown manager
        row(4, "Selv", manager=4),  # 6: own manager
        row(5, "Kari", manager=1),  # 7: fine
        f"{gid(6)},Ole,ole@fjellvik.example,{gid(1)},Oppvekst",  # 8: a field short
        "12345,Per,per@fjellvik.example,,Oppvekst,Skole",  # 9: an employee number, not an id
    )
    assert errors_of(text) == [
        "line 3: empty aad_object_id",
        f"line 4: duplicate aad_object_id {gid(1)} (first on line 2)",
        f"line 5: unknown manager {gid(99)}: nobody here has that id",
        "line 6: is their own manager",
        "line 8: has 5 fields, the header has 6 (a stray or missing separator?)",
        "line 9: aad_object_id '12345' is not an Entra object id (a GUID)",
    ]


def test_everyone_on_a_manager_cycle_is_reported_with_the_cycle() -> None:
    text = csv_text(
        row(1, "Ingrid"),  # line 2: top, fine
        row(2, "Anne", manager=3),  # 3 ┐
        row(3, "Bjørn", manager=4),  # 4 │ a cycle of three
        row(4, "Cecilie", manager=2),  # 5 ┘
        row(5, "Dag", manager=2),  # 6: reports into the cycle, but is not on it
        row(6, "Eva", manager=7),  # 7 ┐ a cycle of two
        row(7, "Frode", manager=6),  # 8 ┘
    )
    assert errors_of(text) == [
        "line 3: manager cycle: Anne (line 3) → Bjørn (line 4) → Cecilie (line 5) → Anne (line 3)",
        "line 4: manager cycle: Bjørn (line 4) → Cecilie (line 5) → Anne (line 3) → Bjørn (line 4)",
        "line 5: manager cycle: Cecilie (line 5) → Anne (line 3) → Bjørn (line 4) → Cecilie (line 5)",
        "line 7: manager cycle: Eva (line 7) → Frode (line 8) → Eva (line 7)",
        "line 8: manager cycle: Frode (line 8) → Eva (line 7) → Frode (line 8)",
    ]


def test_spreadsheet_exports_are_read_as_meant() -> None:
    # Norwegian Excel: UTF-8 with a BOM, `;`-separated, ids in capitals and braces, a column
    # of its own, and a quoted field over two lines (the line numbers after it stay right).
    text = (
        "\ufeffAAD_Object_ID;Name;Email;Manager_AAD_Object_ID;Service_Area;Unit;Stilling\n"
        f"{{{gid(1).upper()}}};Ingrid Sørli;i@fjellvik.example;;Oppvekst;Stab;Kommunalsjef\n"
        f'{gid(2)};"Lars\nHaugen";l@fjellvik.example;{gid(1).upper()};Oppvekst;Skole;Rektor\n'
        f"{gid(3)};Kari;k@fjellvik.example;{gid(2)};Oppvekst\n"
    )
    assert errors_of(text) == [
        "line 5: has 5 fields, the header has 7 (a stray or missing separator?)"
    ]
    people, errors = parse_csv_bytes(text.rsplit("\n", 2)[0].encode("utf-8") + b"\n")
    assert errors == []
    assert people[0] == Person(
        gid(1), "Ingrid Sørli", "i@fjellvik.example", None, "Oppvekst", "Stab"
    )
    assert people[1].manager_id == gid(1)


def test_a_stray_quote_is_reported_where_it_starts() -> None:
    # An unclosed quote on line 3 swallows the rest of the file into one field.
    text = csv_text(
        row(1, "Ingrid"), f'{gid(2)},"Lars,l@x,,A,B', *[row(n, "X") for n in range(3, 5000)]
    )
    assert errors_of(text) == [
        "line 3: unreadable CSV (field larger than field limit (131072)): a stray quote?"
    ]
    short = csv_text(row(1, "Ingrid"), f'{gid(2)},"Lars,l@x,,A,B', row(3, "Kari"))
    assert errors_of(short) == [
        "line 3: has 2 fields, the header has 6 (a stray or missing separator?)"
    ]


def test_a_file_that_is_not_utf8_names_the_line() -> None:
    data = csv_text(row(1, "Ingrid"), row(2, "Bjørn", manager=1)).encode("cp1252")
    assert [str(e) for e in parse_csv_bytes(data)[1]] == [
        "line 3: not UTF-8 text (in a spreadsheet, save as 'CSV UTF-8')"
    ]


def test_fingerprint_names_the_content_not_the_order() -> None:
    a, b = person(1, "Ingrid"), person(2, "Lars", manager=1)
    assert fingerprint([a, b]) == fingerprint([b, a])
    assert fingerprint([a, b]) != fingerprint([a, replace(b, unit="Barnehage")])
    assert str(changes([a, b], [a, person(2, "Lars H.", manager=1), person(3, "Kari")])) == (
        "1 added, 0 removed, 1 changed"
    )


def test_leader_is_derived_and_assigned_roles_add_to_it() -> None:
    assert roles(0) == {Role.EMPLOYEE}
    assert roles(3) == {Role.EMPLOYEE, Role.LEADER}
    rep = RoleGrant(Role.UNION_REP, frozenset({"Oppvekst"}))
    assert roles(0, [rep]) == {Role.EMPLOYEE, Role.UNION_REP}
