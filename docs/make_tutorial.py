"""Writes docs/tutorial.ipynb (unexecuted). The notebook is executed by tests/python/test_notebook.py in CI,
so it cannot rot; edit the cells here and re-run `python3 docs/make_tutorial.py`."""
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = [
    new_markdown_cell(
        "# kaohe tutorial: scoring a district's annual assessment\n\n"
        "This notebook loads the shipped `examples/district-2019` assessment (synthetic data modelled on a "
        "district's 2019 report, where rule of law is 11% of every unit's score), scores it, explains one "
        "unit, plots the results and exports them to Excel."),
    new_code_cell(
        "from pathlib import Path\n"
        "import kaohe\n\n"
        "root = Path.cwd()\n"
        "while not (root / 'examples' / 'district-2019').exists() and root != root.parent:\n"
        "    root = root.parent\n"
        "example = root / 'examples' / 'district-2019'\n"
        "kaohe.__version__"),
    new_markdown_cell("## Load the framework\n\nThe indicator tree, rules, grades and quotas live in one JSON "
                      "(or YAML, or flat table) file. Every leaf's effective weight is its share of the total."),
    new_code_cell(
        "fw = kaohe.Framework.load(example / 'framework.json')\n"
        "print(fw)\n"
        "fw.effective_weights.loc[['court_rate', 'recon_correction', 'normative_docs', 'supervised_tasks', 'law_awards']]"),
    new_code_cell("fw.effective_weights.loc[['court_rate', 'recon_correction', 'normative_docs', "
                  "'supervised_tasks', 'law_awards']].sum()  # rule of law: 11% in both categories"),
    new_markdown_cell("## Score\n\nUnits, raw results and events (deductions, bonuses, rater scores, vetoes) "
                      "come from CSV files here; pandas DataFrames work the same way."),
    new_code_cell(
        "card = fw.score(example / 'results.csv', units=example / 'units.csv', events=example / 'events.csv')\n"
        "card.table().head(10)"),
    new_markdown_cell("## Explain one unit\n\nEvery point is explained: the rule arithmetic, each deduction and "
                      "bonus with its note, vetoes, the grade steps, and why rounded parts may not add up."),
    new_code_cell("print(card.explain('justice'))"),
    new_code_cell("card.explain_frame('justice').query(\"kind in ['veto', 'grade', 'adjustment', 'missing']\")"),
    new_markdown_cell("## Plot"),
    new_code_cell(
        "import matplotlib\n"
        "matplotlib.use('Agg')\n"
        "from kaohe import plots\n"
        "ax = plots.contributions(card, top=15)\n"
        "ax.figure"),
    new_code_cell("ax = plots.rank_vs_score(card)\nax.figure"),
    new_markdown_cell("## What if rule of law were worth 15 instead of 11?\n\nA weight change keeps every "
                      "indicator's ratio and re-aggregates; `compare` says who moves, who crosses a grade band or a "
                      "quota line, and which nodes drove it (docs/whatif-district.md)."),
    new_code_cell(
        "after = card.what_if({'rule_of_law': 15})\n"
        "changes = card.compare(after)\n"
        "changes[changes.grade_before != changes.grade_after][['total_before', 'total_after', 'grade_before', "
        "'grade_after', 'drivers']]"),
    new_markdown_cell("How far could the 11% move before any rank or grade changes? Exactly:"),
    new_code_cell("card.stability(['rule_of_law'], top_k=5)[['share', 'ranking_lower', 'ranking_upper', "
                  "'grades_lower', 'grades_upper', 'grades_upper_swap']]"),
    new_markdown_cell("## How much of the ranking is an artefact of the weights?\n\nSample the top-level weights "
                      "around the framework's (Dirichlet, concentration 50) and look at each unit's rank interval "
                      "and its chance of an excellent grade, quotas applied."),
    new_code_cell(
        "mc = card.monte_carlo(kaohe.Dirichlet('', 50), samples=20_000, seed=1, progress=False)\n"
        "mc.summary(top_k=3).join(mc.grade_probabilities[['excellent']]).head(10)"),
    new_code_cell("ax = plots.rank_intervals(mc, top=20)\nax.figure"),
    new_markdown_cell("## Export\n\nThe ranked table, the points per indicator and every explanation go to one "
                      "workbook."),
    new_code_cell(
        "import tempfile\n"
        "out = Path(tempfile.mkdtemp()) / 'district-2019.xlsx'\n"
        "card.to_excel(out)\n"
        "import pandas as pd\n"
        "pd.read_excel(out, sheet_name=None).keys()"),
]


def main() -> None:
    nb = new_notebook(cells=CELLS, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    path = Path(__file__).with_name("tutorial.ipynb")
    nbformat.write(nb, path)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
