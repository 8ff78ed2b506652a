"""The tutorial notebook runs from top to bottom in CI, so it cannot rot."""
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_tutorial_executes_and_shows_the_rule_of_law_weight() -> None:
    nb = nbformat.read(DOCS / "tutorial.ipynb", as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(DOCS)}})
    client.execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "0.11" in text  # the rule-of-law leaves' effective weights add up to 11% in both categories
    assert "区司法局 (justice)" in text  # the explanation of one unit was printed
    assert "ranking" in text and "explanations" in text  # the exported workbook's sheets


def test_tutorial_is_generated_by_its_script() -> None:
    """docs/tutorial.ipynb is written by docs/make_tutorial.py; the two must not drift apart."""
    import runpy

    cells = runpy.run_path(str(DOCS / "make_tutorial.py"))["CELLS"]
    nb = nbformat.read(DOCS / "tutorial.ipynb", as_version=4)
    assert [c.source for c in nb.cells] == [c.source for c in cells]
