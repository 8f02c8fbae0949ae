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
