"""Organisation CSV as HR exports it, built row by row: ids, rows, a whole file, the people."""

from __future__ import annotations

from domain.org import Person

HEADER = "aad_object_id,name,email,manager_aad_object_id,service_area,unit"


def gid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def row(n: int, name: str, manager: int | None = None, area: str = "Oppvekst") -> str:
    boss = gid(manager) if manager is not None else ""
    return f"{gid(n)},{name},{name.lower()}@fjellvik.example,{boss},{area},Fjellvik skole"


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def person(n: int, name: str, manager: int | None = None, area: str = "Oppvekst") -> Person:
    return Person(
        gid(n),
        name,
        f"{name.lower()}@fjellvik.example",
        gid(manager) if manager is not None else None,
        area,
        "Fjellvik skole",
    )
