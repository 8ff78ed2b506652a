"""The ``kaohe weights`` command: AHP priorities from a comparison matrix, and objective weights (entropy,
CRITIC, standard deviation, MEREC, equal) from a results table. kaohe.cli lists the command and imports this
module only when it is used."""
from __future__ import annotations

import argparse
from typing import Any, List, Optional, TextIO

import pandas as pd

from . import cli
from ._cells import LINE_END, safe_frame, safe_series

OBJECTIVE = ("entropy", "critic", "std", "merec", "equal")


def _matrix_table(args: argparse.Namespace) -> pd.DataFrame:
    from .data import read_table

    table = read_table(args.matrix, encoding=args.encoding)
    if table.shape[1] < 2:
        raise cli._input_error("expected a square comparison matrix with the criteria as the first "
                               "column and as the header", args.matrix)
    table = table.set_index(table.columns[0])
    table.index = [str(i).strip() for i in table.index]
    table.columns = [str(c).strip() for c in table.columns]
    if list(table.index) != list(table.columns):
        raise cli._input_error(f"the row labels {list(table.index)} and the column labels "
                               f"{list(table.columns)} must name the same criteria in the same order", args.matrix)
    return table


def _random_index(text: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return text


def cmd_ahp(args: argparse.Namespace, out: TextIO) -> int:
    from . import ahp

    r = ahp.priorities(_matrix_table(args), method=args.method, random_index=_random_index(args.random_index))
    rows = [[str(c), f"{w:.6f}"] for c, w in r.weights.items()]
    out.write(cli.format_table(["criterion", "weight"], rows, [False, True]) + "\n\n")
    out.write(f"method {r.method}; lambda_max {r.lambda_max:.6f}; CI {r.ci:.6f}; CR {r.cr:.6f} "
              f"(RI {r.random_index:g}, {r.ri_table}, n = {r.n})\n")
    if r.completed:
        out.write(f"completed {len(r.completed)} missing judgement(s) ({r.completion})\n")
    out.write("consistent (CR <= 0.1)\n" if r.consistent else "NOT consistent (CR > 0.1): revisit these judgements\n")
    if not r.consistent or args.inconsistencies:
        worst = r.inconsistencies(args.inconsistencies or 5)
        body = [[str(w.row), str(w.column), f"{w.judgement:.4g}", f"{w.implied:.4g}", f"{w.deviation:.3f}"]
                for w in worst.itertuples()]
        out.write(cli.format_table(["row", "column", "judgement", "implied", "deviation"], body,
                                   [False, False, True, True, True]) + "\n")
    if args.out:
        weights = safe_series(r.weights, raw=args.raw)
        cli._write_output(args.out, lambda temp: weights.to_csv(
            temp, encoding="utf-8-sig", header=["weight"], lineterminator=LINE_END))
    return cli.EXIT_OK


def _criteria_table(args: argparse.Namespace) -> pd.DataFrame:
    from .data import read_table

    table = read_table(args.results, encoding=args.encoding)
    key = args.unit_column
    if key not in table.columns:
        raise cli._input_error(f"no '{key}' column (use --unit-column to name the column of "
                               "alternatives)", args.results)
    table = table.set_index(key)
    if args.columns:
        missing = [c for c in args.columns if c not in table.columns]
        if missing:
            raise cli._input_error(f"no column {', '.join(repr(m) for m in missing)}", args.results)
        table = table[args.columns]
    values = table.apply(pd.to_numeric, errors="coerce")
    bad = values.isna() & table.notna() & (table.astype(str).apply(lambda s: s.str.strip()) != "")
    if bad.any().any():
        col = bad.any()[bad.any()].index[0]
        row = bad[col][bad[col]].index[0]
        raise cli._input_error(f"unit '{row}', column '{col}': '{table.loc[row, col]}' is not a "
                               "number", args.results)
    return values


def cmd_objective(args: argparse.Namespace, out: TextIO) -> int:
    from . import mcda

    values = _criteria_table(args)
    types: Optional[List[str]] = args.types.split(",") if args.types else None
    method = args.method
    if method == "entropy":
        w = mcda.entropy_weights(values, types)
    elif method == "critic":
        w = mcda.critic_weights(values, types, correlation=args.correlation)
    elif method == "std":
        w = mcda.std_weights(values, types)
    elif method == "merec":
        if types is None:
            raise cli._input_error("merec needs --types (benefit or cost for every criterion)")
        w = mcda.merec_weights(values, types)
    else:
        w = mcda.equal_weights(values)
    diagnostics = w.attrs.get("diagnostics", {})
    header = ["criterion", "weight"] + list(diagnostics)
    body = [[str(c), f"{w[c]:.6f}"] + [f"{float(diagnostics[k][c]):.6g}" for k in diagnostics] for c in w.index]
    out.write(cli.format_table(header, body, [False] + [True] * (len(header) - 1)) + "\n\n")
    out.write(f"{w.attrs.get('method', method)}: {w.attrs.get('variant', '')}; {len(values)} units\n")
    if args.out:
        frame = pd.DataFrame({"weight": w, **{k: v for k, v in diagnostics.items()}})
        frame = safe_frame(frame, raw=args.raw)
        cli._write_output(args.out, lambda temp: frame.to_csv(
            temp, encoding="utf-8-sig", lineterminator=LINE_END))
    return cli.EXIT_OK


def define(name: str, p: argparse.ArgumentParser) -> None:
    """Describe the ``weights`` command and add its methods to its parser ``p``, which kaohe.cli created with
    the one-line help; called when the command is used."""
    assert name == "weights", name
    fmt = p.formatter_class
    p.description = "Compute weights and print them with their diagnostics."
    methods = p.add_subparsers(dest="method", metavar="METHOD", required=True, parser_class=cli._Parser)

    a = methods.add_parser("ahp", help="AHP priorities, lambda_max, CI, CR from a pairwise comparison matrix",
                           formatter_class=fmt, epilog=cli.EPILOG,
                           description="MATRIX: a square table (CSV/XLSX) with the criteria as the first column and "
                                       "as the header; cells are judgements a_ij (3, 0.2, 1/5), blank for a "
                                       "missing one. Prints the priorities, lambda_max, CI, CR and, when CR > 0.1, "
                                       "the judgements that disagree most with the priorities.")
    a.add_argument("matrix", metavar="MATRIX", help="comparison matrix (.csv/.xlsx)")
    a.add_argument("--method", choices=("eigenvector", "geometric", "columns"), default="eigenvector",
                   help="priority method (default: eigenvector)")
    a.add_argument("--random-index", metavar="TABLE|RI", default="saaty_1980",
                   help="random-index table (saaty_1980, saaty_2005_alonso_lamata, donegan_dodd_1991) or a number")
    a.add_argument("--inconsistencies", metavar="N", type=cli._positive_int,
                   help="list the N most inconsistent judgements even when CR <= 0.1")
    a.add_argument("--encoding", metavar="ENC", help="CSV encoding (default: detect UTF-8 / GB18030)")
    a.add_argument("--out", "-o", metavar="FILE.csv", help="also write the weights as CSV")
    cli._force_option(a)
    cli.raw_option(a)
    a.set_defaults(func=cmd_ahp)

    for method in OBJECTIVE:
        helps = {"entropy": "entropy weights (熵权法)", "critic": "CRITIC weights", "std": "standard-deviation weights",
                 "merec": "MEREC weights", "equal": "equal weights"}
        o = methods.add_parser(method, help=helps[method] + " from a results table", formatter_class=fmt,
                               epilog=cli.EPILOG,
                               description=f"{helps[method]} of the criteria in RESULTS: a wide table with one row "
                                           "per unit (alternative) and one column per criterion. See docs/mcda.md "
                                           "for the conventions.")
        o.add_argument("results", metavar="RESULTS", help="results table (.csv/.xlsx)")
        o.add_argument("--unit-column", metavar="NAME", default="unit", help="column naming the units (unit)")
        o.add_argument("--columns", metavar="A,B,...", type=lambda s: [c.strip() for c in s.split(",")],
                       help="criteria to use (default: every other column)")
        o.add_argument("--types", metavar="benefit,cost,...",
                       help="criterion types in column order (needed by merec; used by critic and std)")
        if method == "critic":
            o.add_argument("--correlation", choices=("pearson", "spearman"), default="pearson")
        o.add_argument("--encoding", metavar="ENC", help="CSV encoding (default: detect UTF-8 / GB18030)")
        o.add_argument("--out", "-o", metavar="FILE.csv", help="also write the weights as CSV")
        cli._force_option(o)
        cli.raw_option(o)
        o.set_defaults(func=cmd_objective)
