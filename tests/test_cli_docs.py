from conftest import ROOT
from kit.cli import REFERENCE_END, REFERENCE_START, cli, reference_markdown


def test_readme_reference_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(REFERENCE_START):readme.index(REFERENCE_END) + len(REFERENCE_END)]
    assert section == reference_markdown(), "README's command reference is stale: run `make docs`"


def test_reference_covers_every_command_and_option():
    ref = reference_markdown()
    for name, cmd in cli.commands.items():
        assert f"### `xxgk {name}`" in ref
        for p in cmd.params:
            for opt in getattr(p, "opts", []):
                if opt.startswith("--"):
                    assert opt in ref, (name, opt)
