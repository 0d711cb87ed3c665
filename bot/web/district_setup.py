"""A real city's setup: its districts, their neighbours, their admins and city staff, from a CSV
(`flask districts import FILE`), and the checks the districts page shares with it.

The file has a header and one row per district, admin or staff member (see README, "Setting up a
city"). Every row is checked before anything is written; a bad row is named by its line and
nothing is loaded. What is loaded is one transaction. For each district in the file, the file is
the whole truth about its neighbours, admins and staff; districts not in the file keep theirs.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import click
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from bot import residents
from bot.i18n import locales, supported, t
from db.models import District, DistrictAdmin, Resident, district_neighbours

COLUMNS = ("type", "district", "city", "reading", "neighbours", "requires_approval", "name", "line_user_id", "language")
# A row's type, as written in English or in Japanese.
TYPES = {
    "district": "district",
    "地区": "district",
    "admin": "admin",
    "管理者": "admin",
    "地区役員": "admin",
    "staff": "staff",
    "職員": "staff",
    "地区担当職員": "staff",
}
YES = {"yes", "y", "true", "1", "はい", "要", "○"}
NO = {"", "no", "n", "false", "0", "いいえ", "不要", "×"}
LINE_USER_ID = re.compile(r"^U[0-9a-f]{32}$")
NAME_MAX, CITY_MAX, READING_MAX, PERSON_MAX = 100, 100, 200, 100
SPLIT = re.compile(r"[;；、,，・/／]")


@dataclass(frozen=True)
class Problem:
    """What is wrong with one line of the file: a catalog key (staff.setup.error.*) and its fields."""

    line: int
    key: str
    fields: dict = field(default_factory=dict)

    def text(self, locale: str) -> str:
        return t(
            "staff.setup.line",
            locale,
            line=self.line,
            problem=t(f"staff.setup.error.{self.key}", locale, **self.fields),
        )


class SetupError(Exception):
    """The file has problems; nothing was loaded."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass
class DistrictRow:
    line: int
    name: str
    city: str
    reading: str
    neighbours: list[str]
    requires_approval: bool


@dataclass
class PersonRow:
    line: int
    role: str  # "admin" or "staff"
    district: str
    name: str
    user_id: str
    language: str


@dataclass
class Loaded:
    """What the import did, counted."""

    districts_added: int = 0
    districts_changed: int = 0
    people_added: int = 0
    roles_added: int = 0
    roles_removed: int = 0


# -- checks shared with the districts page ------------------------------------------------------


def district_problems(name: str, city: str, reading: str) -> list[tuple[str, dict]]:
    """What is wrong with a district's own fields (catalog keys under staff.setup.error)."""
    found: list[tuple[str, dict]] = []
    if not name:
        found.append(("no_name", {}))
    elif len(name) > NAME_MAX:
        found.append(("name_long", {"limit": NAME_MAX}))
    if len(city) > CITY_MAX:
        found.append(("city_long", {"limit": CITY_MAX}))
    if len(reading) > READING_MAX:
        found.append(("reading_long", {"limit": READING_MAX}))
    return found


def name_taken(db: Session, name: str, district_id: int | None) -> bool:
    """Whether another district already has this name."""
    other = db.scalar(select(District.id).where(District.name == name))
    return other is not None and other != district_id


def set_neighbours(db: Session, district: District, chosen: set[int], within: set[int]) -> None:
    """Make `district` neighbours (both ways) with exactly the `chosen` ones among `within`;
    its links to districts outside `within` are kept."""
    within = within - {district.id}
    db.execute(
        delete(district_neighbours).where(
            or_(
                (district_neighbours.c.district_id == district.id) & district_neighbours.c.neighbour_id.in_(within),
                (district_neighbours.c.neighbour_id == district.id) & district_neighbours.c.district_id.in_(within),
            )
        )
    )
    for other in sorted(chosen & within):
        db.execute(
            district_neighbours.insert().values(
                [
                    {"district_id": district.id, "neighbour_id": other},
                    {"district_id": other, "neighbour_id": district.id},
                ]
            )
        )
    db.expire(district, ["neighbours"])


# -- reading the file ---------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without Excel's BOM) or Shift_JIS, as Japanese Excel saves."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SetupError([Problem(1, "encoding")])


def read(text: str) -> tuple[list[DistrictRow], list[PersonRow]]:
    """The file's rows, checked one by one; SetupError naming every bad line."""
    reader = csv.DictReader(io.StringIO(text))
    header = [(name or "").strip() for name in reader.fieldnames or []]
    unknown = [name for name in header if name not in COLUMNS]
    if "type" not in header or "district" not in header or unknown:
        raise SetupError([Problem(1, "header", {"unknown": "、".join(unknown) or "-", "columns": ",".join(COLUMNS)})])
    reader.fieldnames = header
    districts: list[DistrictRow] = []
    people: list[PersonRow] = []
    problems: list[Problem] = []
    for row in reader:
        line = reader.line_num
        if None in row:
            problems.append(Problem(line, "too_many_cells"))
            continue
        cell = {name: (row.get(name) or "").strip() for name in COLUMNS}
        if not any(cell.values()):
            continue  # a blank line
        kind = TYPES.get(cell["type"].lower())
        if kind is None:
            problems.append(Problem(line, "type", {"type": cell["type"]}))
        elif kind == "district":
            found = district_problems(cell["district"], cell["city"], cell["reading"])
            approval = cell["requires_approval"].lower()
            if approval not in YES | NO:
                found.append(("approval", {"value": cell["requires_approval"]}))
            problems.extend(Problem(line, key, fields) for key, fields in found)
            districts.append(
                DistrictRow(
                    line,
                    cell["district"],
                    cell["city"],
                    cell["reading"],
                    [n.strip() for n in SPLIT.split(cell["neighbours"]) if n.strip()],
                    approval in YES,
                )
            )
        else:
            found = []
            if not cell["district"]:
                found.append(("no_name", {}))
            if not cell["name"]:
                found.append(("no_person", {}))
            elif len(cell["name"]) > PERSON_MAX:
                found.append(("person_long", {"limit": PERSON_MAX}))
            if not LINE_USER_ID.match(cell["line_user_id"]):
                found.append(("user_id", {"value": cell["line_user_id"]}))
            if cell["language"] and cell["language"] not in locales():
                found.append(("language", {"value": cell["language"], "known": ", ".join(locales())}))
            problems.extend(Problem(line, key, fields) for key, fields in found)
            people.append(
                PersonRow(
                    line,
                    kind,
                    cell["district"],
                    cell["name"],
                    cell["line_user_id"],
                    supported(cell["language"] or None),
                )
            )
    if problems:
        raise SetupError(problems)
    return districts, people


def cross_check(db: Session, districts: list[DistrictRow], people: list[PersonRow]) -> None:
    """Problems between rows: a district twice, a neighbour or an admin's district that is
    neither in the file nor in the database, one LINE user under two names."""
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for row in districts:
        if row.name in first:
            problems.append(Problem(row.line, "twice", {"name": row.name, "first": first[row.name]}))
        first.setdefault(row.name, row.line)
    known = set(first) | set(db.scalars(select(District.name)))
    for row in districts:
        for name in row.neighbours:
            if name == row.name:
                problems.append(Problem(row.line, "own_neighbour", {"name": name}))
            elif name not in known:
                problems.append(Problem(row.line, "unknown_neighbour", {"name": name}))
    names: dict[str, tuple[str, int]] = {}
    for person in people:
        if person.district and person.district not in known:
            problems.append(Problem(person.line, "unknown_district", {"name": person.district}))
        earlier = names.setdefault(person.user_id, (person.name, person.line))
        if earlier[0] != person.name:
            problems.append(Problem(person.line, "two_names", {"first": earlier[1], "name": earlier[0]}))
    if problems:
        raise SetupError(sorted(problems, key=lambda p: p.line))


# -- loading ------------------------------------------------------------------------------------


def load(db: Session, data: bytes) -> Loaded:
    """Check the whole file, then load it into the session's transaction (the caller commits)."""
    districts, people = read(decode(data))
    cross_check(db, districts, people)
    done = Loaded()
    by_name = {d.name: d for d in db.scalars(select(District))}
    for row in districts:
        district = by_name.get(row.name)
        if district is None:
            district = by_name[row.name] = District(name=row.name)
            db.add(district)
            done.districts_added += 1
        elif (district.city, district.reading, district.requires_approval) != (
            row.city,
            row.reading,
            row.requires_approval,
        ):
            done.districts_changed += 1
        district.city, district.reading, district.requires_approval = row.city, row.reading, row.requires_approval
    db.flush()
    in_file = {by_name[row.name].id for row in districts}
    everyone = {d.id for d in by_name.values()}
    chosen: dict[int, set[int]] = {d: set() for d in in_file}
    for row in districts:  # a neighbour named on either side makes both neighbours
        for name in row.neighbours:
            chosen[by_name[row.name].id].add(by_name[name].id)
            chosen.setdefault(by_name[name].id, set()).add(by_name[row.name].id)
    for district_id in in_file:
        set_neighbours(db, db.get_one(District, district_id), chosen[district_id], everyone)
    load_people(db, people, by_name, in_file, done)
    return done


def load_people(
    db: Session, people: list[PersonRow], by_name: dict[str, District], in_file: set[int], done: Loaded
) -> None:
    """The admins and staff of the file; for each district in the file, no others."""
    wanted: dict[tuple[int, int], str] = {}
    for row in people:
        person = residents.find(db, "line", row.user_id)
        if person is None:
            person = residents.upsert(db, "line", row.user_id, display_name=row.name, language=row.language)
            person.district_id = by_name[row.district].id
            db.flush()
            done.people_added += 1
        wanted[(person.id, by_name[row.district].id)] = row.role
    for role_row in list(db.scalars(select(DistrictAdmin).where(DistrictAdmin.district_id.in_(in_file)))):
        if (role_row.resident_id, role_row.district_id) not in wanted:
            db.delete(role_row)
            done.roles_removed += 1
    for (resident_id, district_id), role in wanted.items():
        held = db.get(DistrictAdmin, (resident_id, district_id))
        if held is None:
            db.add(DistrictAdmin(resident_id=resident_id, district_id=district_id, role=role))
            done.roles_added += 1
        else:
            held.role = role
    db.flush()


# -- the command --------------------------------------------------------------------------------


@click.group("districts")
def districts_command() -> None:
    """A city's districts, their neighbours, admins and city staff."""


@districts_command.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", default="ja", show_default=True, help="language of the messages (ja, en, ...)")
def import_command(file: Path, lang: str) -> None:
    """Load districts, neighbours, admins and staff from a CSV (all of it, or nothing)."""
    from db.session import Session as SessionFactory

    try:
        with SessionFactory.begin() as db:
            done = load(db, file.read_bytes())
    except SetupError as error:
        for problem in error.problems:
            click.echo(problem.text(lang), err=True)
        raise click.ClickException(t("staff.setup.nothing_loaded", lang, count=len(error.problems))) from None
    click.echo(
        t(
            "staff.setup.loaded",
            lang,
            added=done.districts_added,
            changed=done.districts_changed,
            people=done.people_added,
            roles_added=done.roles_added,
            roles_removed=done.roles_removed,
        )
    )


def register(cli) -> None:
    """`flask districts import FILE`."""
    cli.add_command(districts_command)


def known_people(db: Session, district_id: int) -> list[tuple[Resident, str]]:
    """A district's admins and staff with their role, by name."""
    return list(
        db.execute(
            select(Resident, DistrictAdmin.role)
            .join(DistrictAdmin, DistrictAdmin.resident_id == Resident.id)
            .where(DistrictAdmin.district_id == district_id)
            .order_by(DistrictAdmin.role, Resident.display_name)
        ).all()
    )
