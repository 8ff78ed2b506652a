"""The Python API reference is generated from the docstrings and kept in the repository; it must match."""
import runpy
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_api_reference_is_up_to_date() -> None:
    render = runpy.run_path(str(DOCS / "make_api.py"))["render"]
    committed = (DOCS / "python-api.md").read_text(encoding="utf-8")
    assert render() == committed, "docs/python-api.md is stale: run python3 docs/make_api.py"


def test_every_public_name_is_documented() -> None:
    import kaohe

    for name in kaohe.__all__:
        obj = getattr(kaohe, name)
        if callable(obj):
            assert (obj.__doc__ or "").strip(), f"kaohe.{name} has no docstring"


def test_worked_what_if_page_is_up_to_date() -> None:
    """docs/whatif-district.md is generated from the district example; its figures must match the code."""
    render = runpy.run_path(str(DOCS / "make_whatif_district.py"))["render"]
    committed = (DOCS / "whatif-district.md").read_text(encoding="utf-8")
    assert render() == committed, "docs/whatif-district.md is stale: run python3 docs/make_whatif_district.py"
