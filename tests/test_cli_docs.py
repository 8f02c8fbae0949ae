from conftest import ROOT
from kit.cli import REFERENCE_END, REFERENCE_START, cli, reference_markdown


def test_readme_reference_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(REFERENCE_START):readme.index(REFERENCE_END) + len(REFERENCE_END)]
    assert section == reference_markdown(), "README's command reference is stale: run `make docs`"


def test_reference_covers_every_command_and_option():
    import click

    ref = reference_markdown()
    todo = [(f"xxgk {name}", cmd) for name, cmd in cli.commands.items()]
    assert "xxgk registry" in [n for n, _ in todo]
    while todo:
        name, cmd = todo.pop()
        assert f"### `{name}`" in ref, name
        section = ref[ref.index(f"### `{name}`"):]
        section = section[:section.index("```", section.index("```") + 3)]
        for p in cmd.params:
            for opt in getattr(p, "opts", []):
                if opt.startswith("--"):
                    assert opt in section, (name, opt)
        if isinstance(cmd, click.Group):
            todo += [(f"{name} {sub}", c) for sub, c in cmd.commands.items()]
