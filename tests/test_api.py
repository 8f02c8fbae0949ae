from pathlib import Path

import kit
from kit import errors


def test_all_names_resolve():
    for name in kit.__all__:
        assert getattr(kit, name) is not None, name


def test_exception_tree():
    assert issubclass(errors.InputError, errors.KitError)
    assert issubclass(errors.UnsupportedInput, errors.InputError)
    assert issubclass(errors.NotFound, errors.StoreError)
    for name in ("ParameterError", "RenderError", "FormatError", "StoreError"):
        assert issubclass(getattr(errors, name), errors.KitError)
    e = errors.InputError("a.txt", "bad", table="t3", cell="t3.new.total")
    assert str(e) == "a.txt, table t3, cell t3.new.total: bad"


def test_unknown_attribute():
    import pytest

    with pytest.raises(AttributeError):
        kit.no_such_thing  # noqa: B018


def test_mypy_clean():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    res = subprocess.run([sys.executable, "-m", "mypy"], cwd=root, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-3000:]


def test_batch_path_skips_the_slow_grammar_import():
    # jupyterlab's rfc3987-syntax builds a grammar on import (~0.7 s a process, toolchain.md);
    # the batch path must not pay it: this notices the regression without timing anything.
    import subprocess
    import sys

    code = ("import sys, kit.batch, papermill, nbformat; "
            "print(sys.modules.get('rfc3987_syntax', 'absent'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out in ("None", "absent")


def test_imports_run_one_way():
    """docs/architecture.md: readers and checks never import the store, render, batch or cli; only cli exits."""
    import ast
    from pathlib import Path

    kit_dir = Path(__file__).resolve().parents[1] / "kit"
    forbidden = {"store", "render", "batch", "cli", "review", "data"}
    for sub in ("readers", "checks"):
        for path in (kit_dir / sub).glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module:
                    top = node.module.split(".")[0]
                    assert not (node.level >= 2 and top in forbidden), f"{path.name} imports {node.module}"
    for path in kit_dir.rglob("*.py"):
        if path.name != "cli.py":
            src = path.read_text(encoding="utf-8")
            assert "sys.exit(" not in src, path


KIT = Path(__file__).resolve().parents[1] / "kit"
# Raised outside the tree because a protocol asks for it (errors.py says which and why).
PROTOCOL = {"AttributeError": {"__init__.py"}, "ValueError": {"report/render.py"},
            "SystemExit": {"cli.py"}, "BadParameter": {"cli.py"}, "UsageError": {"cli.py"},
            "ClickException": {"cli.py"}}


def _modules() -> list[str]:
    return sorted(("kit." + ".".join(p.relative_to(KIT).with_suffix("").parts)).removesuffix(".__init__")
                  for p in KIT.rglob("*.py"))


def test_every_exception_class_is_in_the_documented_tree():
    import importlib
    import inspect

    defined = {}
    for name in _modules():
        mod = importlib.import_module(name)
        for cls_name, cls in inspect.getmembers(mod, inspect.isclass):
            if issubclass(cls, BaseException) and cls.__module__ == mod.__name__:
                defined[cls_name] = mod.__name__
    assert defined and set(defined.values()) == {"kit.errors"}, defined
    # the drawing in errors.py: each name, indented under its parent
    import re

    drawn: dict[str, str | None] = {}
    stack: list[tuple[int, str]] = []
    for m in re.finditer(r"(?m)^(    [│├└─ ]*)([A-Z][A-Za-z]+)\b", errors.__doc__ or ""):
        col, name = len(m.group(1)), m.group(2)
        while stack and stack[-1][0] >= col:
            stack.pop()
        drawn[name] = stack[-1][1] if stack else None
        stack.append((col, name))
    assert set(drawn) == set(defined), set(drawn) ^ set(defined)
    for name, parent in drawn.items():
        cls = getattr(errors, name)
        assert parent == (None if cls is errors.KitError else cls.__bases__[0].__name__), (name, parent)
    assert drawn["NoTextLayer"] == "InputError" and drawn["BatchLocked"] == "KitError"


def test_every_raise_is_a_kit_error_or_a_protocol_one():
    import ast

    ours = {n for n, c in vars(errors).items() if isinstance(c, type) and issubclass(c, errors.KitError)}
    for path in KIT.rglob("*.py"):
        rel = str(path.relative_to(KIT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                f = node.exc.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else "?"
                assert name in ours or rel in PROTOCOL.get(name, ()), f"{rel}:{node.lineno} raises {name}"


def test_readers_and_checks_evaluate_the_same_identity_objects(monkeypatch):
    """The glued-run splitter, the OCR flags and the rules all go through kit.schema's identities."""
    import random

    from kit.checks import Context, run_checks
    from kit.demo import numbers, report_text
    from kit.readers.ocr import flag_uncertain
    from kit.readers.text import read_text
    from kit.schema import Identity, get_format

    seen: dict[str, set[Identity]] = {}
    who = ["reader"]
    real = Identity.values

    def spy(self, get):
        seen.setdefault(who[0], set()).add(self)
        return real(self, get)

    monkeypatch.setattr(Identity, "values", spy)
    report = read_text(report_text("甲局", 2024, numbers(random.Random(3), 40, {}), "glued"), "x.txt")
    who[0] = "ocr"
    flag_uncertain(report)
    who[0] = "checks"
    run_checks(Context(report))
    every = set(get_format("gov2021").identities())
    assert seen["reader"] == every  # all of S1, S2, O1 (表三) and S4 (表四) steer the split
    assert seen["checks"] == every
    assert seen["ocr"] == {i for i in every if i.each == "row"}
    # and they are the schema's objects: break one there, and the reader and the rules both see it
    s1 = get_format("gov2021").identity("S1", "granted")
    assert s1.left[0] == "t3.granted.natural" and s1.right == ("t3.granted.total",)


def test_without_shared_the_corpus_tests_skip_and_ci_refuses_to_run(tmp_path):
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "XXGK_SHARED": str(tmp_path / "no-shared")}
    env.pop("CI", None)
    cmd = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "tests/test_schema.py"]
    local = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    assert local.returncode == 0 and "2 skipped" in local.stdout and "needs ../shared" in local.stdout, local.stdout
    ci = subprocess.run(cmd, cwd=root, env={**env, "CI": "true"}, capture_output=True, text=True)
    assert ci.returncode != 0 and "the shared corpus is missing" in ci.stderr + ci.stdout
