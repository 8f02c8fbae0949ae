import pytest

from kit.errors import ParameterError
from kit.report.names import output_dir, safe_name
from kit.report.params import load, validate, validate_many


@pytest.mark.parametrize("name", ["../../etc", "a/b", "a\\b", "x\x00y", "CON", "nul.txt", ".", "..", "", "甲" * 300])
def test_output_dir_stays_inside(tmp_path, name):
    p = output_dir(tmp_path, name, 2024)
    assert tmp_path.resolve() in p.parents
    assert len(p.name) <= 100


def test_distinct_names_do_not_collide():
    assert safe_name("a/b") != safe_name("a_b") != safe_name("a:b")
    assert safe_name("青禾县财政局") == "青禾县财政局"


def test_parameters_validated():
    assert validate({"agency": "甲局", "year": 2024})["strict"] is False
    with pytest.raises(ParameterError) as e:
        validate({"agency": "甲局", "year": "2024", "colour": 1})
    msg = str(e.value)
    assert "year" in msg and "colour" in msg and "allowed" in msg
    with pytest.raises(ParameterError, match="year"):
        validate({"agency": "甲局", "year": 1900})


def test_params_file_keeps_codes_as_text(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text('agency: "0012"\nyear: 2024\n', encoding="utf-8")
    assert load(p)["agency"] == "0012"
    p.write_text("agency: 0012\nyear: 2024\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="agency"):
        load(p)


def test_notebook_parameters_named_with_allowed_values():
    with pytest.raises(ParameterError) as e:
        validate({"agency": "甲局", "year": 2024, "sections": ["narrative", "charts"], "history_years": 0})
    msg = str(e.value)
    assert "sections" in msg and "'charts' is not one of" in msg and "'peers'" in msg
    assert "history_years" in msg
    with pytest.raises(ParameterError, match="peers"):
        validate({"agency": "甲局", "year": 2024, "peers": "yes"})
    ok = validate({"agency": "甲局", "year": 2024, "sections": ["findings"]})
    assert ok["history_years"] == 5 and ok["peers"] is True


def test_render_validates_before_any_kernel(tmp_path):
    from kit.report.render import render

    with pytest.raises(ParameterError, match="sections"):
        render({"agency": "甲局", "year": 2024, "sections": ["nope"]}, tmp_path)
    assert not list(tmp_path.iterdir())


def test_paths_in_reports_are_relative_to_the_project(tmp_path, monkeypatch):
    from kit.demo import make_report, numbers
    from kit.report.layout import provenance_html
    from kit.report.names import shown_path

    import random

    project = tmp_path / "proj"
    (project / "data").mkdir(parents=True)
    monkeypatch.chdir(project)
    store = project / "data" / "xxgk.sqlite"
    assert shown_path(store) == "data/xxgk.sqlite"
    assert shown_path(tmp_path / "elsewhere" / "x.sqlite") == "…/x.sqlite"
    report = make_report("甲局", 2024, numbers(random.Random(1), 5, {}))
    html = provenance_html(report, {"agency": "甲局", "year": 2024, "store": str(store), "registry": None}, "0.1.0")
    assert "store=data/xxgk.sqlite" in html and str(tmp_path) not in html and "registry=</dd>" in html


def test_a_batch_s_parameters_validated_as_one_by_one():
    many = [{"agency": f"机关{i % 7}", "year": 2016 + i % 10, "store": "s.sqlite", "strict": i % 3 == 0}
            for i in range(60)]
    assert validate_many(many) == [validate(p) for p in many]
    for bad, named in (({"agency": 'a"b'}, "agency: 'a\"b' contains a quote"), ({"year": True}, "year: True"),
                       ({"peers": "yes"}, "peers: 'yes'"), ({"colour": 1}, "'colour' was unexpected")):
        wrong = [dict(p) for p in many]
        wrong[41].update(bad)
        with pytest.raises(ParameterError, match=named.replace("(", "\\(")):
            validate_many(wrong)
        with pytest.raises(ParameterError) as one:
            validate(wrong[41])
        with pytest.raises(ParameterError) as all_:
            validate_many(wrong)
        assert str(all_.value) == str(one.value)
