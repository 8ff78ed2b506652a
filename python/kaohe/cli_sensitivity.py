"""The ``kaohe whatif``, ``kaohe stability`` and ``kaohe uncertainty`` commands (kaohe.cli lists them and imports
this module only when one of them is used)."""
from __future__ import annotations

import argparse
import math
import warnings
from typing import Any, TextIO

import pandas as pd

from . import cli
from ._cells import LINE_END, safe_frame


def _fmt(x: Any, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def _rank(x: float) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else str(int(x))


def _differs(a: pd.Series, b: pd.Series) -> pd.Series:
    """``a != b`` per unit, where two missing values (no rank, no grade: NaN or None) are the same."""
    return ~(a.isna() & b.isna()) & (a.isna() | b.isna() | (a != b))


def changed_units(table: pd.DataFrame) -> pd.Series:
    """Per unit of a :func:`kaohe.sensitivity.compare` table: True when its rank or its grade changed (a unit
    without a grade, or without a rank, before and after has not changed)."""
    return _differs(table["rank_before"], table["rank_after"]) | _differs(table["grade_before"], table["grade_after"])


def _total_text(card: Any) -> Any:
    """A function giving a total as ``kaohe score`` prints it: published (rounded half-up as the framework's
    rounding says) at its number of decimals."""
    decimals = (card.framework.to_dict().get("rounding") or {}).get("total")

    def text(value: Any) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "-"
        return cli._cell(float(card._core.published(float(value), "total")), decimals)

    return text


def cmd_whatif(args: argparse.Namespace, out: TextIO) -> int:
    card = cli._score(args)
    after = card.what_if(args.set, policy=args.policy)
    table = card.compare(after, drivers=args.drivers)
    names = card.units["name"]
    grade_name = {**dict(card.framework._core.grades), **dict(after.framework._core.grades)}
    total_before, total_after = _total_text(card), _total_text(after)
    changed = changed_units(table)
    moved = table[changed]
    rows = table if args.all else moved
    rows = rows.sort_values("rank_after", na_position="last")
    out.write(f"what-if: {', '.join(args.set)} (policy {args.policy})\n")
    out.write(f"{len(moved)} of {len(table)} units change rank or grade\n\n")
    if len(rows):
        body = []
        for uid, r in rows.iterrows():
            crossed = "band" if r["crossed_band"] else ("quota" if r["crossed_quota"] else "")
            grades = [grade_name.get(g, g) if g else "-" for g in (r["grade_before"], r["grade_after"])]
            body.append([str(uid), str(names.get(uid, "") or ""),
                         f"{total_before(r['total_before'])} -> {total_after(r['total_after'])}",
                         f"{_rank(r['rank_before'])} -> {_rank(r['rank_after'])}",
                         f"{grades[0]} -> {grades[1]}", crossed, r["drivers"]])
        header = ["unit", "name", "total", "rank", "grade", "crossed", "drivers"]
        right = [False, False, True, True, False, False, False]
        if all(row[1] in ("", row[0]) for row in body):  # no units table: the names are the ids
            header, right, body = header[:1] + header[2:], right[:1] + right[2:], [r[:1] + r[2:] for r in body]
        out.write(cli.format_table(header, body, right) + "\n")
    for w in after.warnings:
        cli._warn(w)
    if args.out:  # ScoreCard.compare's table, with the grades by name as kaohe score writes them
        named = table.copy()
        for column in ("grade_before", "grade_after", "band_before", "band_after"):
            named[column] = [grade_name.get(g, g) if g else g for g in named[column]]
        named = safe_frame(named, raw=args.raw)
        cli._write_output(args.out, lambda temp: named.to_csv(
            temp, encoding="utf-8-sig", lineterminator=LINE_END))
    return cli.EXIT_OK


def cmd_stability(args: argparse.Namespace, out: TextIO) -> int:
    card = cli._score(args)
    with warnings.catch_warnings():  # the skipped nodes are listed below, not as a Python warning
        warnings.simplefilter("ignore")
        table = card.stability(args.node or None, category=args.category, top_k=args.top_k)
    for node, r in table.iterrows():
        points = "" if math.isnan(r["points"]) else f" = {r['points']:.4g} points"
        out.write(f"{node}: share {r['share']:.4g}{points}\n")
        for what, label in (("ranking", "ranking"), ("top_k", f"top {args.top_k}"), ("grades", "grades")):
            out.write(f"  {label:<9} unchanged for shares in ({r[what + '_lower']:.6g}, {r[what + '_upper']:.6g})\n")
            for end in ("lower", "upper"):
                swap = r[f"{what}_{end}_swap"]
                if isinstance(swap, str) and swap:
                    out.write(f"    at {r[what + '_' + end]:.6g}: {swap}\n")
    skipped = table.attrs.get("skipped", {})
    if skipped:
        out.write(f"\nskipped {len(skipped)} {'node' if len(skipped) == 1 else 'nodes'} that cannot be solved "
                  "exactly:\n")
        for node, why in skipped.items():
            out.write(f"  {node}: {why}\n")
    if args.out:
        frame = pd.concat([table.assign(skipped=""),
                           pd.DataFrame({"skipped": list(skipped.values())},
                                        index=pd.Index(list(skipped), name=table.index.name))])
        frame = safe_frame(frame, raw=args.raw)
        cli._write_output(args.out, lambda temp: frame.to_csv(
            temp, encoding="utf-8-sig", lineterminator=LINE_END))
    return cli.EXIT_OK


def cmd_uncertainty(args: argparse.Namespace, out: TextIO) -> int:
    from .sensitivity import Dirichlet, Uniform

    card = cli._score(args)
    nodes = args.node or [""]
    weights = [Uniform(n, args.uniform) if args.uniform is not None else Dirichlet(n, args.concentration)
               for n in nodes]
    mc = card.monte_carlo(weights, samples=args.samples, seed=args.seed, threads=args.threads,
                          progress=not args.quiet)
    summary = mc.summary(top_k=args.top_k)
    names = card.units["name"]
    grades = mc.grade_probabilities
    # Ranks are per pool (category) when the framework ranks within categories: say which, so that two rank-1
    # units read as the best of two pools.
    pools = [p for p in summary["pool"].unique() if isinstance(p, str)]
    by_pool = len(pools) > 1
    categories = card.framework.categories
    head = ["unit", "name"] + (["category"] if by_pool else []) + [
        "base", "median", "5-95%", "mean |shift|", f"P(top {args.top_k})"]
    best = grades.columns[0] if len(grades.columns) else None
    if best is not None:
        grade_names = dict(card.framework._core.grades)  # the framework's names, as `kaohe score` shows them
        head.append(f"P({grade_names.get(best) or best})")
    body = []
    for uid, r in summary.iterrows():
        pool = [str(categories.get(r["pool"]) or r["pool"]) if isinstance(r["pool"], str) else "-"] if by_pool else []
        row = [str(uid), str(names.get(uid, "") or ""), *pool, _rank(r["base_rank"]), _rank(r["median_rank"]),
               f"{_rank(r['rank_p05'])}-{_rank(r['rank_p95'])}", _fmt(r["mean_abs_shift"]),
               _fmt(r[f"p_top_{args.top_k}"], 3)]
        if best is not None:
            row.append(_fmt(float(grades.loc[uid, best]), 3))
        body.append(row)
    if args.top:  # the first N of each pool
        keep = set(summary.groupby("pool", sort=False).head(args.top).index)  # (units outside every pool: none)
        body = [row for row, uid in zip(body, summary.index) if uid in keep]
    out.write(f"Monte Carlo: {mc.samples} samples, seed {mc.seed}, {', '.join(repr(w) for w in weights)}\n")
    if by_pool:
        out.write(f"ranks are within each category ({', '.join(str(categories.get(p) or p) for p in pools)})\n")
    out.write(f"mean absolute rank shift: {mc.mean_abs_shift:.4g}\n\n")
    fixed = 3 if by_pool else 2
    out.write(cli.format_table(head, body, [False] * fixed + [True] * (len(head) - fixed)) + "\n")
    if args.out:
        frame = safe_frame(pd.concat([summary, grades.add_prefix("p_grade_")], axis=1), raw=args.raw)
        cli._write_output(args.out, lambda temp: frame.to_csv(
            temp, encoding="utf-8-sig", lineterminator=LINE_END))
    return cli.EXIT_OK


def define(name: str, p: argparse.ArgumentParser, framework_help: str, results_help: str) -> None:
    """Describe the command ``name`` (whatif, stability or uncertainty) and add its arguments to its parser
    ``p``, which kaohe.cli created with the one-line help; called when the command is used."""
    {"whatif": _whatif, "stability": _stability, "uncertainty": _uncertainty}[name](p, framework_help, results_help)


def _whatif(p: argparse.ArgumentParser, framework_help: str, results_help: str) -> None:
    p.description = ("Score RESULTS on FRAMEWORK, apply the changes, and list the units whose rank or grade "
                     "changes: totals, ranks and grades before -> after, band or quota crossings, and the nodes "
                     "that drove the change. Weight changes keep every leaf's ratio; rule changes re-score the data.")
    p.add_argument("framework", metavar="FRAMEWORK", help=framework_help)
    p.add_argument("results", metavar="RESULTS", help=results_help)
    p.add_argument("--set", "-s", metavar="PATH=VALUE", action="append", required=True,
                   help="a change: rule_of_law=15 (in the node's own terms), rule_of_law=15%% (share of its "
                        "parent), rule_of_law@town=15 (one category), court_rate.rule.target=0.9 (a rule "
                        "parameter); repeat for several")
    from .sensitivity import POLICIES

    p.add_argument("--policy", choices=POLICIES, default="proportional",
                   help="what the siblings of a re-weighted node do: proportional (the unnamed ones absorb the "
                        "change; the default), explicit (every sibling named, adding up to the parent), rescale "
                        "(every sibling named, scaled together to fill the parent) or none (the parent's and the "
                        "total's maximum change)")
    p.add_argument("--all", action="store_true", help="list every unit, not only those that move")
    p.add_argument("--drivers", metavar="N", type=cli._positive_int, default=3,
                   help="nodes listed as drivers per unit (default 3)")
    p.add_argument("--out", "-o", metavar="FILE.csv", help="also write the full comparison as CSV")
    cli._force_option(p)
    cli.raw_option(p)
    cli._data_options(p)
    p.set_defaults(func=cmd_whatif)


def _stability(p: argparse.ArgumentParser, framework_help: str, results_help: str) -> None:
    p.description = ("For each node (default: every node with a sibling), the exact interval of its share of its "
                     "parent over which the ranking, the top-k set and the grades stay unchanged, with the units "
                     "that meet at each end.")
    p.add_argument("framework", metavar="FRAMEWORK", help=framework_help)
    p.add_argument("results", metavar="RESULTS", help=results_help)
    p.add_argument("--node", metavar="NODE", action="append", help="node id or path; repeat for several")
    p.add_argument("--category", metavar="CAT", help="analyse the weight of one category only")
    p.add_argument("--top-k", metavar="K", type=cli._positive_int, default=10, help="size of the top set (10)")
    p.add_argument("--out", "-o", metavar="FILE.csv", help="also write the intervals as CSV")
    cli._force_option(p)
    cli.raw_option(p)
    cli._data_options(p)
    p.set_defaults(func=cmd_stability)


def _uncertainty(p: argparse.ArgumentParser, framework_help: str, results_help: str) -> None:
    p.description = ("Sample the weights of the given nodes' children (Dirichlet around the framework's weights, "
                     "or uniform +-x%%) and report each unit's median rank, 5-95%% rank interval, mean absolute "
                     "rank shift and P(top k). Shows a progress bar on stderr; Ctrl-C stops cleanly.")
    p.add_argument("framework", metavar="FRAMEWORK", help=framework_help)
    p.add_argument("results", metavar="RESULTS", help=results_help)
    p.add_argument("--node", metavar="NODE", action="append",
                   help="node whose children's weights are sampled (default: the root); repeat for several")
    p.add_argument("--concentration", metavar="C", type=float, default=50.0,
                   help="Dirichlet concentration (default 50; larger = closer to the framework's weights)")
    p.add_argument("--uniform", metavar="X", type=float,
                   help="sample each weight x U(1-X, 1+X) instead, then renormalise")
    p.add_argument("--samples", metavar="N", type=cli._positive_int, default=10000, help="samples (10000)")
    p.add_argument("--seed", metavar="S", type=cli._nonnegative_int, default=1, help="random seed, 0 or more (1)")
    p.add_argument("--threads", metavar="T", type=cli._nonnegative_int, default=0,
                   help="threads (0 = all; at most 4 per hardware thread are started; results do not change)")
    p.add_argument("--top-k", metavar="K", type=cli._positive_int, default=3, help="report P(rank <= K) (3)")
    p.add_argument("--top", metavar="N", type=cli._positive_int, help="print only the first N units (of each category when ranks are within categories)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.add_argument("--out", "-o", metavar="FILE.csv", help="also write the per-unit summary as CSV")
    cli._force_option(p)
    cli.raw_option(p)
    cli._data_options(p)
    p.set_defaults(func=cmd_uncertainty)
