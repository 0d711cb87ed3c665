"""`flask districts import FILE`: a real city's districts, neighbours, admins and city staff from a
CSV; a bad row is named by its line and nothing is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import District, DistrictAdmin, Resident, district_neighbours
from tests import factories

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "arao-districts.csv"
HEADER = "type,district,city,reading,neighbours,requires_approval,name,line_user_id,language\n"


def run(app, path: Path, *args: str):
    return app.test_cli_runner().invoke(args=["districts", "import", str(path), *args])


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "city.csv"
    path.write_bytes(text.encode(encoding))
    return path


def snapshot(session) -> tuple:
    session.expire_all()
    return (
        sorted(session.scalars(select(District.name))),
        sorted(session.execute(select(district_neighbours)).all()),
        sorted(session.execute(select(DistrictAdmin.resident_id, DistrictAdmin.district_id, DistrictAdmin.role)).all()),
        session.scalar(select(func.count()).select_from(Resident)),
    )


def test_the_example_city_loads_with_neighbours_admins_and_staff(app, session):
    result = run(app, EXAMPLE)
    assert result.exit_code == 0, result.output
    assert "新しい地区 3" in result.output and "新しい人 6" in result.output
    districts = {d.name: d for d in session.scalars(select(District))}
    assert set(districts) == {"緑ケ丘", "八幡", "井手川"}
    assert (districts["井手川"].reading, districts["井手川"].requires_approval) == ("いでがわ", True)
    near = {(a, b) for a, b in session.execute(select(district_neighbours))}
    ids = {name: d.id for name, d in districts.items()}
    # 八幡 and 井手川 name only 緑ケ丘; 緑ケ丘 names both: each pair is neighbours both ways, no more
    assert near == {
        (ids["緑ケ丘"], ids["八幡"]),
        (ids["八幡"], ids["緑ケ丘"]),
        (ids["緑ケ丘"], ids["井手川"]),
        (ids["井手川"], ids["緑ケ丘"]),
    }
    murakami = session.scalar(select(Resident).where(Resident.platform_user_id == "U" + "a" * 31 + "1"))
    roles = session.execute(
        select(DistrictAdmin.district_id, DistrictAdmin.role).where(DistrictAdmin.resident_id == murakami.id)
    ).all()
    assert sorted(roles) == sorted((ids[n], "staff") for n in ("緑ケ丘", "八幡", "井手川"))
    assert (murakami.platform, murakami.display_name) == ("line", "村上 直子")
    lan = session.scalar(select(Resident).where(Resident.display_name == "Nguyen Thi Lan"))
    assert lan.language == "vi"
    again = run(app, EXAMPLE)  # loading the same file twice changes nothing
    assert again.exit_code == 0 and "新しい地区 0" in again.output and "加えた役割 0" in again.output


def test_a_bad_row_is_named_by_its_line_and_nothing_is_loaded(app, session, tmp_path):
    before = snapshot(session)
    text = EXAMPLE.read_text(encoding="utf-8").rstrip("\n").split("\n")
    text[5] = text[5].replace("U1111111111111111111111111111111a", "U-not-an-id")  # line 6
    text.append("district,荒尾駅前,荒尾市,,南荒尾,maybe,,,")  # line 13: unknown neighbour and approval
    result = run(app, write(tmp_path, "\n".join(text) + "\n"))
    assert result.exit_code != 0
    assert "6行目: LINEのユーザーID「U-not-an-id」の形が違います" in result.output
    assert "13行目: 承認「maybe」はわかりません" in result.output
    assert "何も読み込んでいません" in result.output
    assert snapshot(session) == before


def test_a_problem_between_rows_found_late_loads_nothing_either(app, session, tmp_path):
    """Every row is fine alone; the last names a district nobody defined."""
    midori = factories.district(session, "緑ケ丘")
    factories.admin(session, midori, display_name="前からの会長")
    session.commit()
    before = snapshot(session)
    body = (
        HEADER + "district,緑ケ丘,荒尾市,みどりがおか,,no,,,\n"
        "district,八幡,荒尾市,やはた,緑ケ丘,no,,,\n"
        "admin,八幡,,,,,森 和子,U1111111111111111111111111111111a,ja\n"
        "admin,万田,,,,,石井 進,U2222222222222222222222222222222b,ja\n"
    )
    result = run(app, write(tmp_path, body))
    assert result.exit_code != 0
    assert "5行目: 地区「万田」は、ファイルにもデータベースにもありません。" in result.output
    assert snapshot(session) == before


@pytest.mark.parametrize(
    "body, message",
    [
        ("kind,district\ndistrict,緑ケ丘\n", "1行目: 見出しの行が違います（知らない列: kind）"),
        (HEADER + "distrct,緑ケ丘,,,,,,,\n", "2行目: 種類「distrct」はわかりません"),
        (HEADER + "district,,荒尾市,,,,,,\n", "2行目: 地区の名前がありません"),
        (HEADER + "district,緑ケ丘,,,,,,,\ndistrict,緑ケ丘,,,,,,,\n", "3行目: 地区「緑ケ丘」は2行目にもあります"),
        (HEADER + "district,緑ケ丘,,,緑ケ丘,,,,\n", "2行目: 地区「緑ケ丘」が自分の隣になっています"),
        (HEADER + "district,緑ケ丘,,,,,,,,extra\n", "2行目: 列の数が見出しより多いです"),
        (
            HEADER + "admin,緑ケ丘,,,,,,U1111111111111111111111111111111a,\ndistrict,緑ケ丘,,,,,,,\n",
            "2行目: 人の名前がありません",
        ),
        (
            HEADER + "district,緑ケ丘,,,,,,,\nadmin,緑ケ丘,,,,,森,U1111111111111111111111111111111a,fr\n",
            "3行目: 言語「fr」はわかりません",
        ),
        (
            HEADER + "district,緑ケ丘,,,,,,,\nadmin,緑ケ丘,,,,,森,U1111111111111111111111111111111a,\n"
            "staff,緑ケ丘,,,,,林,U1111111111111111111111111111111a,\n",
            "4行目: 同じLINEのユーザーIDが3行目では「森」という名前です",
        ),
    ],
)
def test_each_kind_of_bad_row_gets_a_clear_message(app, session, tmp_path, body, message):
    result = run(app, write(tmp_path, body))
    assert result.exit_code != 0 and message in result.output, result.output
    assert session.scalar(select(func.count()).select_from(District)) == 0


def test_a_file_saved_by_japanese_excel_in_shift_jis_loads(app, session, tmp_path):
    body = (
        HEADER + "地区,緑ケ丘,荒尾市,みどりがおか,,いいえ,,,\n地区担当職員,緑ケ丘,,,,,村上 直子,U" + "a" * 31 + "1,\n"
    )
    result = run(app, write(tmp_path, body, "cp932"))
    assert result.exit_code == 0, result.output
    assert session.scalar(select(District.reading)) == "みどりがおか"
    assert session.scalar(select(DistrictAdmin.role)) == "staff"


def test_the_file_decides_its_districts_admins_and_leaves_other_districts_alone(app, session, tmp_path):
    midori, kokura = factories.district(session, "緑ケ丘"), factories.district(session, "小倉", city="北九州市")
    old_chair = factories.admin(session, midori, display_name="前の会長")
    kokura_chair = factories.admin(session, kokura, display_name="小倉の会長")
    session.commit()
    body = HEADER + "district,緑ケ丘,荒尾市,,,no,,,\nadmin,緑ケ丘,,,,,新しい会長,U" + "1" * 32 + ",\n"
    result = run(app, write(tmp_path, body, "utf-8-sig"), "--lang", "en")
    assert result.exit_code == 0 and "roles removed 1" in result.output, result.output
    session.expire_all()
    left = {r for (r,) in session.execute(select(DistrictAdmin.resident_id))}
    assert old_chair.id not in left and kokura_chair.id in left and len(left) == 2
