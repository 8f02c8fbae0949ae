import re

import pytest

from conftest import SHARED
from kit.errors import FormatError
from kit.schema import get_format, version_for_year


def _doc_ids(version: str) -> set[str]:
    """Every cell id that shared/docs/cell-ids.md defines for one format version."""
    path = SHARED / "docs" / "cell-ids.md"
    if not path.exists():
        pytest.fail(f"{path} is missing")
    doc = path.read_text(encoding="utf-8")
    t2_21 = doc.split("### gov2021")[1].split("### gov2019")[0]
    t2_19 = doc.split("### gov2019")[1].split("## 表三")[0]
    ids: set[str] = set()
    if version == "gov2021":
        ids |= set(re.findall(r"`(t2\.[a-z_]+\.[a-z_]+)`", t2_21))
    else:
        for line in t2_19.splitlines():
            m = re.match(r"\| `(t2\.[a-z_]+)\.([a-z_]+)`((?: / `\.[a-z_]+`)*)", line)
            if m:
                ids.add(f"{m.group(1)}.{m.group(2)}")
                ids |= {m.group(1) + s for s in re.findall(r"`(\.[a-z_]+)`", m.group(3))}
    t3 = doc.split("## 表三")[1].split("## 表四")[0]
    cols = re.findall(r"`([a-z_]+)` [\u4e00-\u9fff]", t3.split("Rows")[0])
    rows = re.findall(r"^\| `([a-z_.]+)` \|", t3, re.M)
    rows = [r for r in rows if not (version == "gov2021" and r == "other")
            and not (version == "gov2019" and r.startswith("other."))]
    ids |= {f"t3.{r}.{c}" for r in rows for c in cols}
    t4 = doc.split("## 表四")[1]
    groups = re.findall(r"`([a-z_]+)` [\u4e00-\u9fff]", t4.split("Columns")[0])
    cols4 = re.findall(r"`([a-z_]+)` [\u4e00-\u9fff]", t4.split("Columns")[1].split("Cell id")[0])
    ids |= {f"t4.{g}.{c}" for g in groups for c in cols4}
    return ids


@pytest.mark.corpus
@pytest.mark.parametrize("version,count", [("gov2021", 10 + 25 * 7 + 15), ("gov2019", 22 + 23 * 7 + 15)])
def test_cell_ids_match_shared_doc(version, count):
    ours = get_format(version).cell_ids()
    assert len(ours) == len(set(ours)) == count
    assert set(ours) == _doc_ids(version)


def test_table_order_and_labels():
    t3 = get_format("gov2021").table("t3")
    assert [r.id for r in t3.rows][:3] == ["new", "carried_in", "granted"]
    assert [c.id for c in t3.rows[0].columns] == ["natural", "commercial", "research", "social", "legal",
                                                  "other_org", "total"]
    assert get_format("gov2019").table("t3").rows[-3].id == "other"
    assert get_format("gov2021").cell("t2.fees.amount")[2].kind == "amount"
    assert get_format("gov2019").cell("t2.penalty.change")[2].kind == "delta"


def test_versions():
    assert version_for_year(2020) == "gov2019"
    assert version_for_year(2021) == "gov2021"
    with pytest.raises(FormatError):
        get_format("gov2030")
