import json

import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name}: a code cell has outputs"
            assert cell.get("execution_count") is None, f"{path.name}: a code cell has an execution count"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_master_notebook_has_parameters_cell_first():
    nb = json.loads((ROOT / "notebooks" / "report.ipynb").read_text(encoding="utf-8"))
    first = nb["cells"][0]
    assert "parameters" in first["metadata"].get("tags", [])
    src = "".join(first["source"])
    for name in ("agency", "year", "store", "strict"):
        assert f"{name} =" in src
    # notebooks reach the kit only through `kit`
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "from kit." not in code and "import kit." not in code
