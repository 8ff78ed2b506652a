#!/usr/bin/env python3
"""Generate the synthetic district-2019 example: a district's annual performance assessment (机关绩效考核).

What: writes four files next to this script, in the formats of docs/formats.md:

* ``framework.json`` -- the indicator tree (100 points; 依法行政 rule of law = 11 points, the 11% of the
  seed report), its rules, a bonus and a penalty block, three vetoes, grading with a 30% excellence quota,
  ranking and rounding;
* ``units.csv`` -- 36 district departments (区直部门, ``dept``) and 16 sub-districts/towns (镇街, ``town``),
  two of them vertically managed and outside the grading pool (``in_pool`` false, 单列);
* ``results.csv`` -- one row per unit, one column per data item (numbers and a few text answers);
* ``events.csv`` -- deductions, bonuses, leaders' ratings, manual scores, judgements and vetoes, with notes.

Why: kaohe needs a realistic end-to-end example that exercises every rule type, category-specific weights and
rules, missing-data policies, adjustments, vetoes and quotas. ALL unit data are synthetic: they come from
``random.Random(2019)`` and a latent "quality" per unit, so that a unit tends to do well or badly across
indicators as real units do. Re-running produces byte-identical files.

Usage (from the repository root)::

    python3 examples/district-2019/generate.py             # write the four files, then --validate them
    python3 examples/district-2019/generate.py --check     # exit 1 if a committed file differs
    python3 examples/district-2019/generate.py --validate  # self-check the files on disk (pure Python)
    python3 examples/district-2019/generate.py --tree      # print the indicator tree as a Markdown table

Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import copy
import csv
import io
import json
import math
import random
import sys
from pathlib import Path

SCRIPT_DIR = Path(__file__).resolve().parent
SEED = 2019
OUTPUT_FILES = ("framework.json", "units.csv", "results.csv", "events.csv")

# ---------------------------------------------------------------------------------------------------------
# Units. (id, name, litigation exposure 0-3: how many lawsuits / reconsideration cases the unit tends to face.)
# Names resemble those of a real district so that the example reads naturally; every figure attached to them
# is invented by this script.

DEPARTMENTS = [
    ("gov_office", "区政府办公室", 1),
    ("drc", "区发展和改革局", 1),
    ("education", "区教育局", 1),
    ("industry", "区科技工业商务和信息化局", 1),
    ("civil_affairs", "区民政局", 2),
    ("justice", "区司法局", 1),
    ("finance", "区财政局", 1),
    ("hrss", "区人力资源和社会保障局", 3),
    ("housing", "区住房和城乡建设局", 3),
    ("transport", "区交通运输局", 2),
    ("water", "区水务局", 2),
    ("agriculture", "区农业农村局", 2),
    ("culture", "区文化广电旅游体育局", 1),
    ("health", "区卫生健康局", 2),
    ("veterans", "区退役军人事务局", 0),
    ("emergency", "区应急管理局", 2),
    ("audit", "区审计局", 0),
    ("market", "区市场监督管理局", 3),
    ("statistics", "区统计局", 0),
    ("medical_security", "区医疗保障局", 1),
    ("urban_management", "区城市管理和综合执法局", 3),
    ("forestry", "区林业和园林局", 1),
    ("gov_services", "区政务服务数据管理局", 1),
    ("petitions", "区信访局", 0),
    ("investment_promotion", "区投资促进局", 0),
    ("office_affairs", "区机关事务管理局", 0),
    ("financial_affairs", "区地方金融工作局", 0),
    ("ethnic_religious", "区民族宗教事务局", 0),
    ("civil_defence", "区人民防空办公室", 1),
    ("archives", "区档案馆", 0),
    ("supply_coop", "区供销合作联社", 0),
    ("urban_renewal", "区城市更新局", 2),
    ("public_resources", "区公共资源交易中心", 1),
    ("land_development", "区土地开发中心", 1),
    ("planning", "区规划和自然资源分局（垂管）", 3),
    ("ecology", "区生态环境分局（垂管）", 3),
]
TOWNS = [
    ("shiqiao", "市桥街道"),
    ("shatou", "沙头街道"),
    ("donghuan", "东环街道"),
    ("qiaonan", "桥南街道"),
    ("dashi", "大石街道"),
    ("luopu", "洛浦街道"),
    ("zhongcun", "钟村街道"),
    ("dalong", "大龙街道"),
    ("lianhu", "莲湖街道"),
    ("longwan", "龙湾街道"),
    ("nancun", "南村镇"),
    ("shilou", "石楼镇"),
    ("hualong", "化龙镇"),
    ("xinzao", "新造镇"),
    ("shawan", "沙湾镇"),
    ("shiji", "石碁镇"),
]
# Vertically managed units (垂管): scored with the same framework but graded outside the quota pool.
OUT_OF_POOL = {"planning", "ecology"}
TOWN_EXPOSURE = 2  # towns face many land and demolition cases

RATERS = [f"L{i:02d}" for i in range(1, 10)]  # nine district leaders (区领导)

# ---------------------------------------------------------------------------------------------------------
# The framework


def leaf(id_: str, name: str, points: float, rule: dict, *, weight_by_category: dict | None = None,
         applies_to: list[str] | None = None, rule_by_category: dict | None = None, missing: str | None = None,
         note: str | None = None) -> dict:
    """A leaf node with its keys in a fixed, readable order (optional keys only when given)."""
    node = {"id": id_, "name": name, "points": points}
    optional = [("weight_by_category", weight_by_category), ("applies_to", applies_to), ("rule", rule),
                ("rule_by_category", rule_by_category), ("missing", missing), ("note", note)]
    node.update((key, value) for key, value in optional if value is not None)
    return node


def build_framework() -> dict:
    """The indicator tree and policies. Points add up at every level for both categories."""
    rule_of_law = {
        "id": "rule_of_law", "name": "依法行政", "points": 11,
        "note": "依法行政工作占绩效考核总分的11%（种子报告：纳入机关单位2019年度绩效考核指标，占总分的11%）。",
        "children": [
            leaf("court_rate", "行政机关负责人出庭应诉率", 3,
                 {"type": "completion", "input": {"ratio": ["court_attended", "court_required"], "scale": 100},
                  "target": 100},
                 missing="exclude",
                 note="实际出庭数/应出庭数×100，对照100%目标按完成比例得分，超过100%按满分计；"
                      "全年无应出庭案件的单位不计此项（权重由同组其他指标分摊）。"),
            leaf("recon_correction", "行政复议纠错率", 2,
                 {"type": "linear", "input": {"ratio": ["recon_corrected", "recon_closed"], "scale": 100},
                  "zero_at": 60, "full_at": 10},
                 missing="exclude",
                 note="被纠错案件/办结案件×100，越低越好：≤10%得满分，≥60%不得分，之间线性计分；无办结案件的单位不计此项。"),
            leaf("normative_docs", "规范性文件按时报备率", 2,
                 {"type": "threshold", "input": {"ratio": ["docs_on_time", "docs_filed"], "scale": 100},
                  "op": ">=", "value": 100, "allow_judgement": True},
                 missing="exclude",
                 note="全部按时报备得满分，否则不得分；考核组可酌情给分（judgement事件，须写明理由）；未制发规范性文件的单位不计此项。"),
            leaf("supervised_tasks", "督办事项落实", 3,
                 {"type": "deduction", "price": {"unfinished": 0.5, "overdue": 0.2}, "floor": 0},
                 rule_by_category={"dept": {"multiplier": 2}},
                 note="每项未完成扣0.5分、逾期办结扣0.2分，扣完为止。区直部门承办的均为市、区两级政府列督事项，扣分加倍（multiplier 2）。"),
            leaf("law_awards", "法治建设创新与表彰", 1,
                 {"type": "bonus", "levels": {"city": 0.3, "province": 0.6, "national": 1},
                  "highest_per_item": True, "cap": 1, "require_evidence": True},
                 note="依法行政工作获市级、省级、国家级肯定或推广的，每项分别得0.3、0.6、1分，同一项目按最高级别计一次，本项最高1分；须有文件佐证。"),
        ],
    }
    key_tasks = {
        "id": "key_tasks", "name": "重点工作", "points": 35, "weight_by_category": {"town": {"points": 38}},
        "note": "区直部门35分，镇街38分（含招商引资10分）；差额由营商环境组调整（区直部门14分，镇街11分）。",
        "children": [
            leaf("key_projects", "重点项目年度计划完成率", 15,
                 {"type": "completion", "target": 100},
                 note="完成率（%）对照100%目标按比例得分，超额完成按满分计。"),
            leaf("livelihood", "民生实事完成率", 8,
                 {"type": "shortfall", "reference": 100, "step": 1, "deduct": 0.4, "granularity": "completed",
                  "floor": 0},
                 note="完成率每低于100%一个百分点扣0.4分，不足一个百分点的不扣（按整百分点计）。"),
            leaf("budget_execution", "预算支出执行率", 5,
                 {"type": "bands", "bands": [
                     {"lower": None, "upper": 60, "points": 0, "label": "低于60%"},
                     {"lower": 60, "upper": 80, "points": 2, "label": "60%至80%"},
                     {"lower": 80, "upper": 90, "points": 3.5, "label": "80%至90%"},
                     {"lower": 90, "upper": 95, "points": 4.5, "label": "90%至95%"},
                     {"lower": 95, "upper": None, "points": 5, "label": "95%及以上"}]},
                 note="按执行率所在档次得分，档次为左闭右开区间。"),
            leaf("policy_delivery", "惠企政策兑现按时办结率", 7,
                 {"type": "linear", "zero_at": 70, "full_at": 100},
                 applies_to=["dept"],
                 note="仅考核区直部门：办结率70%及以下不得分，100%得满分，之间线性计分。"),
            leaf("investment", "招商引资任务完成率", 10,
                 {"type": "efficacy", "input": {"ratio": ["investment_actual", "investment_target"], "scale": 100},
                  "unacceptable": 60, "satisfactory": 100, "base": 60, "span": 40, "clamp": [0, 100]},
                 applies_to=["town"],
                 note="仅考核镇街：功效系数法，完成率60%为不允许值、100%为满意值，得分=60+40×(完成率−60)/(100−60)，限定在0至100之间后折算。"),
        ],
    }
    party_building = {
        "id": "party_building", "name": "党的建设", "points": 15,
        "children": [
            leaf("theory_study", "理论学习中心组学习", 3,
                 {"type": "threshold", "input": {"item": "theory_sessions"}, "op": ">=", "value": 12},
                 note="全年集体学习不少于12次得满分，否则不得分；考核组可酌情给分（须写明理由）。"),
            leaf("org_building", "基层党组织标准化规范化建设达标率", 5,
                 {"type": "bands", "mode": "interpolate", "breakpoints": [[60, 0], [80, 3], [100, 5]],
                  "below": 0, "above": 5},
                 note="达标率60%得0分、80%得3分、100%得5分，之间线性插值。"),
            leaf("integrity", "党风廉政建设责任制落实", 4,
                 {"type": "manual"},
                 note="由区纪委监委年度检查评定分值（manual事件，须写明理由）。"),
            leaf("cadre_staffing", "党务工作力量配备", 3,
                 {"type": "lookup", "table": {"专职": 3, "兼职": 1.5, "无": 0}},
                 note="配备专职党务干部得3分，兼职得1.5分，未配备不得分。"),
        ],
    }
    business_env = {
        "id": "business_env", "name": "优化营商环境", "points": 14, "weight_by_category": {"town": {"points": 11}},
        "children": [
            leaf("business_rank", "营商环境评价排名", 4,
                 {"type": "rank", "input": {"item": "biz_env_score"}, "direction": "higher", "scoring": "ladder",
                  "ladder": [4, 3.8, 3.6, 3.4, 3.2], "beyond": 3, "ties": "competition", "scope": "category"},
                 note="按营商环境评价得分在同类单位中排名：第1至5名依次得4、3.8、3.6、3.4、3.2分，其余得3分。"),
            leaf("online_service", "政务服务事项网上可办率", 5,
                 {"type": "rank", "direction": "higher", "scoring": "proportional", "ties": "competition",
                  "scope": "category"},
                 weight_by_category={"town": {"points": 3}},
                 note="同类单位中最高者得满分，其余按与最高者的比例得分。区直部门5分，镇街3分。"),
            leaf("enterprise_satisfaction", "企业满意度", 5,
                 {"type": "normalise", "method": "minmax", "range": [60, 100], "direction": "higher",
                  "scope": "category"},
                 weight_by_category={"town": {"points": 4}},
                 note="同类单位内极值标准化到60至100分后折算。区直部门5分，镇街4分。"),
        ],
    }
    social_evaluation = {
        "id": "social_evaluation", "name": "社会评价", "points": 25,
        "children": [
            leaf("leader_rating", "区领导评价", 8,
                 {"type": "trimmed_mean", "trim_above": 5, "drop_high": 1, "drop_low": 1, "scale": 100},
                 note="区领导按百分制评分（rating事件），选“不了解”的不计入；有效评分多于5个时去掉一个最高分和一个最低分后取平均。"),
            leaf("public_satisfaction", "群众满意度", 9,
                 {"type": "efficacy", "unacceptable": 70, "satisfactory": 95, "base": 60, "span": 40,
                  "clamp": [0, 100]},
                 missing="mean",
                 note="第三方测评满意率，功效系数法（70%为不允许值、95%为满意值），限定在0至100之间后折算；"
                      "样本不足未出结果的单位按同类单位平均得分率计。"),
            leaf("peer_review", "互评", 5,
                 {"type": "rank", "input": {"item": "peer_score"}, "direction": "higher", "scoring": "from_bottom",
                  "bottom": 3, "step": 0.05, "floor": 0, "ties": "competition", "scope": "category"},
                 rule_by_category={"town": {"step": 0.1}},
                 note="同类单位互评得分排名：倒数第1名得3分，每进1名加0.05分（镇街单位较少，每进1名加0.1分）。"),
            leaf("proposals", "人大建议和政协提案办理满意率", 3,
                 {"type": "linear", "input": {"ratio": ["proposals_satisfied", "proposals_handled"], "scale": 100},
                  "zero_at": 80, "full_at": 100},
                 missing="exclude",
                 note="代表委员表示满意件数/办理件数×100：80%及以下不得分，100%得满分；当年无承办件的单位不计此项。"),
        ],
    }
    return {
        "kaohe": 1,
        "id": "district-2019",
        "name": "某区2019年度机关绩效考核（合成示例）",
        "total": 100,
        "categories": [{"id": "dept", "name": "区直部门"}, {"id": "town", "name": "镇街"}],
        "root": {
            "id": "district", "name": "绩效考核总分",
            "note": "合成示例：指标体系参照种子报告（依法行政占11%）设计，全部单位数据由generate.py随机生成。",
            "children": [rule_of_law, key_tasks, party_building, business_env, social_evaluation],
        },
        "adjustments": [
            {"id": "commendation", "name": "通报表扬加分", "type": "bonus",
             "levels": {"province": 3, "city": 2}, "highest_per_item": True, "cap": 5, "require_evidence": True},
            {"id": "criticism", "name": "通报批评扣分", "type": "penalty",
             "price": {"province": 5, "city": 3}, "cap": 10},
        ],
        "vetoes": [
            {"id": "safety_accident", "name": "发生较大及以上生产安全责任事故（一票否决）", "effect": "fail"},
            {"id": "discipline_case", "name": "领导班子成员受党纪政务处分（一票否优）", "effect": "cap",
             "cap_grade": "good"},
            {"id": "petition_failure", "name": "信访工作考核不达标（降低一个等次）", "effect": "demote", "demote_by": 1},
        ],
        "grading": {
            "bands": [{"id": "excellent", "name": "优秀", "min": 90}, {"id": "good", "name": "良好", "min": 80},
                      {"id": "pass", "name": "合格", "min": 60}, {"id": "fail", "name": "不合格", "min": None}],
            "quotas": [{"grade": "excellent", "max_share": 0.3, "rounding": "half_up"}],
            "pool": "category",
        },
        "ranking": {"ties": "competition"},
        "rounding": {"total": 2, "nodes": 2, "leaves": 2},
    }


# ---------------------------------------------------------------------------------------------------------
# Units and synthetic data

RESULT_COLUMNS = [
    "court_attended", "court_required", "recon_corrected", "recon_closed", "docs_on_time", "docs_filed",
    "key_projects", "livelihood", "budget_execution", "policy_delivery", "investment_actual", "investment_target",
    "theory_sessions", "org_building", "cadre_staffing", "biz_env_score", "online_service",
    "enterprise_satisfaction", "public_satisfaction", "peer_score", "proposals_satisfied", "proposals_handled",
]


def build_units() -> list[dict]:
    units = [{"id": i, "name": n, "category": "dept", "in_pool": i not in OUT_OF_POOL, "exposure": e}
             for i, n, e in DEPARTMENTS]
    units += [{"id": i, "name": n, "category": "town", "in_pool": True, "exposure": TOWN_EXPOSURE} for i, n in TOWNS]
    return units


def clip(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def fmt(value: float, decimals: int = 1) -> str:
    """Fixed decimals, no float noise in the CSV ('92.5', not '92.50000000001')."""
    return f"{value:.{decimals}f}"


def binomial(rng: random.Random, n: int, p: float) -> int:
    return sum(1 for _ in range(n) if rng.random() < p)


def unit_results(rng: random.Random, unit: dict, q: float) -> dict[str, str]:
    """One unit's raw data. `q` is its latent quality (about N(0, 1)); every item leans on it plus noise."""
    is_town = unit["category"] == "town"
    exposure = unit["exposure"]
    row: dict[str, str] = {}

    # Head-of-agency court appearances: cases that required an appearance, and how many were attended.
    required = 0 if exposure == 0 and rng.random() < 0.8 else rng.randint(max(0, exposure - 1), 2 * exposure + 1)
    attended = binomial(rng, required, clip(0.7 + 0.15 * q, 0.2, 1.0))
    if required and attended == required and rng.random() < 0.15:
        attended += 1  # some units attend more hearings than required (as in the seed report)
    row["court_attended"], row["court_required"] = str(attended), str(required)

    # Administrative reconsideration: closed cases and those corrected (lower is better).
    closed = 0 if exposure == 0 else rng.randint(0, 4 * exposure)
    corrected = binomial(rng, closed, clip(0.3 - 0.12 * q, 0.02, 0.8))
    row["recon_corrected"], row["recon_closed"] = str(corrected), str(closed)

    # Normative documents filed with the district People's Congress / city justice bureau, and on time.
    filed = rng.randint(0, 2) if is_town else rng.randint(0, 5)
    late = 1 if filed and rng.random() < clip(0.15 - 0.1 * q, 0.02, 0.5) else 0
    row["docs_on_time"], row["docs_filed"] = str(filed - late), str(filed)

    row["key_projects"] = fmt(clip(93 + 6 * q + rng.gauss(0, 4), 62, 112))
    row["livelihood"] = fmt(clip(98.2 + 1.5 * q + rng.gauss(0, 1.2), 86, 100))
    row["budget_execution"] = fmt(clip(89 + 5 * q + rng.gauss(0, 5), 55, 100))
    row["policy_delivery"] = "" if is_town else fmt(clip(93 + 4 * q + rng.gauss(0, 3), 72, 100))
    if is_town:
        target = rng.uniform(8, 40)
        achieved = clip(0.97 + 0.1 * q + rng.gauss(0, 0.07), 0.5, 1.35)
        row["investment_actual"], row["investment_target"] = fmt(target * achieved, 2), fmt(target, 2)
    else:
        row["investment_actual"], row["investment_target"] = "", ""

    row["theory_sessions"] = str(int(clip(round(13.2 + 1.2 * q + rng.gauss(0, 1)), 9, 18)))
    row["org_building"] = fmt(clip(91 + 5 * q + rng.gauss(0, 4), 66, 100))
    staffing_draw = q + rng.gauss(0, 0.8)
    row["cadre_staffing"] = "专职" if staffing_draw > -0.6 else ("兼职" if staffing_draw > -2.0 else "无")

    row["biz_env_score"] = fmt(clip(85 + 4 * q + rng.gauss(0, 3), 65, 99))
    row["online_service"] = fmt(clip(90 + 4 * q + rng.gauss(0, 4), 60, 100))
    row["enterprise_satisfaction"] = fmt(clip(90 + 2.5 * q + rng.gauss(0, 2), 78, 99))
    row["public_satisfaction"] = fmt(clip(88 + 3.5 * q + rng.gauss(0, 2.5), 72, 98))
    row["peer_score"] = fmt(clip(89 + 3 * q + rng.gauss(0, 2), 75, 99))

    handled = rng.randint(0, 5) if is_town else rng.randint(0, 12)
    unsatisfied = binomial(rng, handled, clip(0.06 - 0.04 * q, 0.0, 0.4))
    row["proposals_satisfied"], row["proposals_handled"] = str(handled - unsatisfied), str(handled)
    return row


def generate_data(rng: random.Random, units: list[dict]) -> tuple[dict[str, float], dict[str, dict[str, str]]]:
    """Latent quality and results for every unit, in unit order (the order matters for determinism)."""
    quality = {u["id"]: rng.gauss(0.3, 0.9) for u in units}
    results = {u["id"]: unit_results(rng, u, quality[u["id"]]) for u in units}
    # One unit's satisfaction survey returned too few questionnaires: missing, scored by the category mean.
    results["archives"]["public_satisfaction"] = ""
    return quality, results


# ---------------------------------------------------------------------------------------------------------
# Events

EVENT_COLUMNS = ["unit", "type", "target", "kind", "count", "item", "level", "share", "evidence", "rater", "value",
                 "note"]

SUPERVISED_TASKS = [
    "区政府常务会议议定事项", "区政府工作报告重点工作", "区领导批示督办件", "“放管服”改革任务", "十件民生实事分解任务",
    "营商环境改革任务", "河长制专项督办事项", "扫黑除恶专项斗争督办事项",
]
LAW_AWARD_ITEMS = [
    "行政复议“议前调解”工作机制", "行政执法“三项制度”落实", "负责人出庭应诉工作经验", "重大行政决策目录化管理",
    "法治宣传教育创新案例", "“互联网+复议应诉”数字化庭审",
]
LAW_AWARD_EVIDENCE = {"city": "穗司〔2019〕{n}号", "province": "粤司〔2019〕{n}号", "national": "司发通〔2019〕{n}号"}
COMMENDATIONS = [
    ("city", "2018年度全市政务公开工作优秀单位", "穗府办〔2019〕12号"),
    ("city", "全市河长制湖长制工作表现突出集体", "穗府办〔2019〕37号"),
    ("province", "全省扫黑除恶专项斗争先进集体", "粤府办〔2019〕21号"),
    ("city", "全市“互联网+政务服务”工作先进单位", "穗府办〔2019〕45号"),
    ("province", "全省优化营商环境改革创新案例", "粤府办〔2019〕33号"),
]
INTEGRITY_NOTES = {
    4.0: "区纪委监委年度检查：主体责任落实到位，未发现问题",
    3.5: "区纪委监委年度检查：廉政风险防控台账不完善，扣0.5分",
    3.0: "区纪委监委年度检查：发现2项问题（“三重一大”记录不全、公务卡结算不规范），扣1分",
    2.5: "区纪委监委年度检查：发现3项问题且整改不及时，扣1.5分",
}


def event(unit: str, type_: str, target: str, **fields) -> dict[str, str]:
    row = {column: "" for column in EVENT_COLUMNS}
    row.update(unit=unit, type=type_, target=target)
    for key, value in fields.items():
        row[key] = value if isinstance(value, str) else fmt(value, 1) if isinstance(value, float) else str(value)
    return row


def by_quality(units: list[dict], quality: dict[str, float], category: str | None = None) -> list[str]:
    """Unit ids from best to worst latent quality (in-pool units only), optionally in one category."""
    chosen = [u for u in units if u["in_pool"] and (category is None or u["category"] == category)]
    return [u["id"] for u in sorted(chosen, key=lambda u: -quality[u["id"]])]


def generate_events(rng: random.Random, units: list[dict], quality: dict[str, float],
                    results: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    events: list[dict[str, str]] = []

    # Supervised tasks not finished or finished late (督办事项), more often for weaker units.
    for unit in units:
        if rng.random() < clip(0.4 - 0.2 * quality[unit["id"]], 0.05, 0.9):
            for _ in range(rng.randint(1, 2)):
                kind = "unfinished" if rng.random() < 0.35 else "overdue"
                count = rng.randint(1, 2)
                task = rng.choice(SUPERVISED_TASKS)
                note = f"{task}{'年底前未完成' if kind == 'unfinished' else '逾期办结'}（区政府督查室2019年第{rng.randint(1, 4)}季度通报）"
                events.append(event(unit["id"], "deduction", "supervised_tasks", kind=kind, count=count, note=note))

    # Rule-of-law innovation recognised at city / province / national level (with document references).
    award_units = by_quality(units, quality)[:8]
    for unit_id in award_units[1:7]:
        level = rng.choice(["city", "city", "province"])
        item = rng.choice(LAW_AWARD_ITEMS)
        evidence = LAW_AWARD_EVIDENCE[level].format(n=rng.randint(10, 120))
        events.append(event(unit_id, "bonus", "law_awards", item=item, level=level, share="1", evidence=evidence,
                            note=f"{item}获{'市' if level == 'city' else '省'}级肯定推广"))
    # The best unit: one item recognised by the city and then the province (counts once, at the higher level),
    # and a national-level item shared with another unit (half the credit each).
    best, partner = award_units[0], award_units[7]
    events.append(event(best, "bonus", "law_awards", item="负责人出庭应诉工作经验", level="city", share="1",
                        evidence="穗司〔2019〕58号", note="负责人出庭应诉工作经验获市司法局推广"))
    events.append(event(best, "bonus", "law_awards", item="负责人出庭应诉工作经验", level="province", share="1",
                        evidence="粤司〔2019〕102号", note="同一经验获省司法厅推广，按最高级别计一次"))
    for unit_id in (best, partner):
        events.append(event(unit_id, "bonus", "law_awards", item="行政复议规范化建设联合项目", level="national",
                            share="0.5", evidence="司发通〔2019〕76号",
                            note="与另一单位联合申报获司法部通报推广，按0.5分享"))

    # Leaders' ratings (区领导评价): 7-9 raters per unit; one "don't know" (blank score).
    dont_know_unit = "archives"
    for unit in units:
        raters = sorted(rng.sample(RATERS, rng.randint(7, 9)))
        for rater in raters:
            score = int(round(clip(86 + 4.5 * quality[unit["id"]] + rng.gauss(0, 3.5), 60, 100)))
            if unit["id"] == dont_know_unit and rater == raters[-1]:
                events.append(event(unit["id"], "rating", "leader_rating", rater=rater, value="",
                                    note="不了解（不计入有效评分）"))
            else:
                events.append(event(unit["id"], "rating", "leader_rating", rater=rater, value=str(score)))

    # Integrity (党风廉政建设): a manual score with its reason for every unit.
    for unit in units:
        draw = quality[unit["id"]] + rng.gauss(0, 0.8)
        points = 4.0 if draw > -0.3 else 3.5 if draw > -1.1 else 3.0 if draw > -1.8 else 2.5
        events.append(event(unit["id"], "manual", "integrity", value=points, note=INTEGRITY_NOTES[points]))

    # Judgements (酌情给分) on two threshold leaves that a unit did not meet.
    below = [u["id"] for u in units if int(results[u["id"]]["theory_sessions"]) < 12]
    if below:
        unit_id = below[0]
        sessions = results[unit_id]["theory_sessions"]
        events.append(event(unit_id, "judgement", "theory_study", value=2.0,
                            note=f"全年中心组集体学习{sessions}次，未达12次要求；专题学习质量较高，考核组酌情给予2分"))
    late = [u["id"] for u in units
            if results[u["id"]]["docs_on_time"] != results[u["id"]]["docs_filed"] and u["id"] not in below[:1]]
    if late:
        unit_id = late[0]
        events.append(event(unit_id, "judgement", "normative_docs", value=1.0,
                            note=f"报备规范性文件{results[unit_id]['docs_filed']}件，其中1件逾期3个工作日报备；考核组酌情给予1分"))

    # Commendations and criticisms outside the 100 points (奖扣分项目).
    commended = by_quality(units, quality)[2:2 + len(COMMENDATIONS)]
    for unit_id, (level, item, evidence) in zip(commended, COMMENDATIONS):
        events.append(event(unit_id, "bonus", "commendation", item=item, level=level, share="1", evidence=evidence,
                            note=f"获评{item}"))
    weakest = by_quality(units, quality)[::-1]
    events.append(event(weakest[0], "deduction", "criticism", kind="city", count=1,
                        note="市政府督查室通报批评：违法建设治理任务进度滞后（穗府督〔2019〕8号）"))
    events.append(event(weakest[3], "deduction", "criticism", kind="province", count=1,
                        note="省生态环境厅通报批评：河涌整治项目未按期完成（粤环函〔2019〕56号）"))

    # Vetoes, each with its reason.
    events.append(event(by_quality(units, quality, "town")[9], "veto", "safety_accident",
                        note="2019年8月辖区内一在建工地发生较大生产安全责任事故（死亡3人），经区安委会认定实行一票否决"))
    events.append(event(by_quality(units, quality, "dept")[0], "veto", "discipline_case",
                        note="领导班子成员1人受党内严重警告处分（区纪委监委通报），当年不得评为优秀"))
    events.append(event(by_quality(units, quality, "dept")[12], "veto", "petition_failure",
                        note="2019年度信访工作考核不达标（区信访工作联席会议认定），考核等次降低一等"))
    return events


# ---------------------------------------------------------------------------------------------------------
# Rendering


def to_json_text(document: dict, width: int = 120) -> str:
    """Indented JSON in which any object or array that fits on one line (a rule, a band) is kept inline."""

    def render(value, indent: int) -> str:
        inline = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
        if not isinstance(value, (dict, list)) or indent + len(inline) <= width:
            return inline
        pad, inner = " " * indent, " " * (indent + 2)
        if isinstance(value, dict):
            items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {render(v, indent + 2)}" for k, v in value.items()]
            return "{\n" + ",\n".join(items) + "\n" + pad + "}"
        items = [inner + render(v, indent + 2) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"

    return render(document, 0) + "\n"


def to_csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def render_all() -> dict[str, str]:
    """Every output file as {file name: text}. Deterministic: one seeded generator, fixed call order."""
    rng = random.Random(SEED)
    units = build_units()
    quality, results = generate_data(rng, units)
    events = generate_events(rng, units, quality, results)
    unit_rows = [["id", "name", "category", "in_pool"]]
    unit_rows += [[u["id"], u["name"], u["category"], "true" if u["in_pool"] else "false"] for u in units]
    result_rows = [["unit", *RESULT_COLUMNS]]
    result_rows += [[u["id"], *(results[u["id"]][c] for c in RESULT_COLUMNS)] for u in units]
    event_rows = [EVENT_COLUMNS] + [[e[c] for c in EVENT_COLUMNS] for e in events]
    return {
        "framework.json": to_json_text(build_framework()),
        "units.csv": to_csv_text(unit_rows),
        "results.csv": to_csv_text(result_rows),
        "events.csv": to_csv_text(event_rows),
    }


# ---------------------------------------------------------------------------------------------------------
# Self-check (--validate): what the C++ reader will check, in pure Python, on the files on disk

RULE_PARAMETERS = {  # docs/formats.md, "Rules"
    "threshold": {"input", "op", "value", "allow_judgement"},
    "lookup": {"input", "table", "otherwise"},
    "completion": {"input", "target", "cap"},
    "linear": {"input", "zero_at", "full_at"},
    "shortfall": {"input", "reference", "side", "step", "deduct", "granularity", "floor"},
    "bands": {"input", "bands", "mode", "breakpoints", "below", "above"},
    "efficacy": {"input", "unacceptable", "satisfactory", "base", "span", "clamp"},
    "rank": {"input", "direction", "scoring", "ladder", "beyond", "bottom", "step", "floor", "ties", "scope"},
    "deduction": {"price", "default_price", "escalation", "multiplier", "floor"},
    "bonus": {"levels", "highest_per_item", "cap", "require_evidence"},
    "trimmed_mean": {"trim_above", "drop_high", "drop_low", "scale"},
    "manual": set(),
    "normalise": {"input", "method", "direction", "scope", "range", "lower", "upper", "log", "truncate", "mean", "sd",
                  "target", "cap"},
}
EVENT_DRIVEN = {"deduction", "bonus", "trimmed_mean", "manual"}
FRAMEWORK_KEYS = {"kaohe", "id", "name", "total", "categories", "root", "adjustments", "vetoes", "grading", "ranking",
                  "rounding"}
NODE_KEYS = {"id", "name", "points", "share", "weight", "weight_by_category", "applies_to", "renormalise",
             "aggregation", "children", "rule", "rule_by_category", "missing", "note"}
WEIGHT_KINDS = ("points", "share", "weight")
EVENT_TYPES = {"deduction", "bonus", "rating", "manual", "judgement", "override", "veto", "grade"}
NOTE_REQUIRED = {"manual", "judgement", "override", "veto", "grade"}


class Problems(list):
    def add(self, where: str, message: str) -> None:
        self.append(f"{where}: {message}")


def read_csv_dicts(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def walk(node: dict, path: str = ""):
    """Yield (path, node) for every node, depth first."""
    path = f"{path}/{node.get('id')}" if path else str(node.get("id"))
    yield path, node
    for child in node.get("children", []):
        yield from walk(child, path)


def effective_rule(node: dict, category: str) -> dict:
    rule = copy.deepcopy(node["rule"])
    rule.update(node.get("rule_by_category", {}).get(category, {}))
    return rule


def applies(node: dict, category: str) -> bool:
    return "applies_to" not in node or category in node["applies_to"]


def weight_of(node: dict, category: str) -> tuple[str, float]:
    stated = node.get("weight_by_category", {}).get(category, node)
    kinds = [k for k in WEIGHT_KINDS if k in stated]
    if len(kinds) > 1:
        raise ValueError(f"states its weight more than one way ({', '.join(kinds)})")
    kind = kinds[0] if kinds else "weight"
    value = stated.get(kind, 1)
    if isinstance(value, str) and kind == "share" and value.endswith("%"):
        value = float(value[:-1]) / 100
    return kind, float(value)


def resolve_points(node: dict, path: str, category: str, maximum: float, out: dict, problems: Problems) -> None:
    """Maximum points of every node in one category; report sums that do not add up."""
    out[node["id"]] = maximum
    kids = [c for c in node.get("children", []) if applies(c, category)]
    if "children" in node and not kids:
        problems.add(path, f"no child applies to category '{category}'")
    if not kids:
        return
    try:
        weights = [weight_of(c, category) for c in kids]
    except ValueError as exc:
        problems.add(path, str(exc))
        return
    kinds = {k for k, _ in weights}
    if len(kinds) > 1:
        problems.add(path, f"children state weights in different ways {sorted(kinds)} (category '{category}')")
        return
    kind, total = kinds.pop(), sum(v for _, v in weights)
    if kind == "points" and not math.isclose(total, maximum, rel_tol=1e-9) and not node.get("renormalise"):
        problems.add(path, f"children's points add up to {total:g}, not {maximum:g} (category '{category}')")
    if kind == "share" and not math.isclose(total, 1.0, rel_tol=1e-9) and not node.get("renormalise"):
        problems.add(path, f"children's shares add up to {total:g}, not 1 (category '{category}')")
    scale = maximum / total if (kind == "weight" or node.get("renormalise")) else (maximum if kind == "share" else 1)
    for child, (_, value) in zip(kids, weights):
        resolve_points(child, f"{path}/{child['id']}", category, value * scale, out, problems)


def input_items(rule: dict, leaf_id: str) -> list[str]:
    """The results columns a rule reads (none for event-driven rules)."""
    if rule.get("type") not in RULE_PARAMETERS or rule["type"] in EVENT_DRIVEN:
        return []  # unknown types are reported elsewhere
    spec = rule.get("input", leaf_id)
    if isinstance(spec, str):
        return [spec]
    if "ratio" in spec:
        return list(spec["ratio"])
    return [spec["item"]]


def check_rule_points(rule: dict, maximum: float, where: str, problems: Problems) -> None:
    """Points written inside a rule must lie within the leaf's [0, M] (per category)."""
    values = []
    kind = rule["type"]
    if kind == "lookup":
        values += list(rule["table"].values())
    if kind == "bands":
        values += [b["points"] for b in rule.get("bands", [])] + [p for _, p in rule.get("breakpoints", [])]
        values += [rule[k] for k in ("below", "above") if k in rule]
    if kind == "rank" and rule.get("scoring") == "ladder":
        values += rule["ladder"] + [rule.get("beyond", 0)]
    if kind == "bonus" and "cap" in rule:
        values.append(rule["cap"])
    for value in values:
        if not 0 <= value <= maximum + 1e-12:
            problems.add(where, f"points {value:g} outside the leaf's [0, {maximum:g}]")


def check_bands(rule: dict, where: str, problems: Problems) -> None:
    if rule.get("mode", "step") != "step":
        xs = [x for x, _ in rule["breakpoints"]]
        if xs != sorted(set(xs)):
            problems.add(where, "breakpoints must be strictly increasing")
        return
    bands = sorted(rule["bands"], key=lambda b: -math.inf if b["lower"] is None else b["lower"])
    for previous, current in zip(bands, bands[1:]):
        if previous["upper"] != current["lower"]:
            problems.add(where, f"bands [{previous['lower']}, {previous['upper']}) and [{current['lower']}, ...) "
                                "leave a gap or overlap")
    if bands[0]["lower"] is not None or bands[-1]["upper"] is not None:
        problems.add(where, "bands do not cover every value (first lower / last upper should be null)")


def validate(directory: Path) -> Problems:
    """Check framework.json, units.csv, results.csv and events.csv in `directory`; return the problems found."""
    problems = Problems()
    fw_path = directory / "framework.json"
    try:
        framework = json.loads(fw_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        problems.add(str(fw_path), f"not valid JSON ({exc})")
        return problems

    for key in set(framework) - FRAMEWORK_KEYS:
        problems.add("framework.json", f"unknown key '{key}'")
    categories = [c["id"] for c in framework.get("categories", [])] or [""]

    # Nodes: unique ids, known keys, rule types and parameters, category references.
    ids: dict[str, str] = {}
    leaves: dict[str, dict] = {}
    for path, node in walk(framework["root"]):
        where = f"framework.json {path}"
        for key in set(node) - NODE_KEYS:
            problems.add(where, f"unknown node key '{key}'")
        if node["id"] in ids:
            problems.add(where, f"node id '{node['id']}' also used at {ids[node['id']]}")
        ids[node["id"]] = path
        if "/" in node["id"]:
            problems.add(where, "node id contains '/'")
        for key in ("applies_to",):
            for c in node.get(key, []):
                if c not in categories:
                    problems.add(where, f"{key} names unknown category '{c}'")
        for key in ("weight_by_category", "rule_by_category"):
            for c in node.get(key, {}):
                if c not in categories:
                    problems.add(where, f"{key} names unknown category '{c}'")
        if "children" in node:
            if "rule" in node:
                problems.add(where, "a group cannot have a rule")
            continue
        if "rule" not in node:
            problems.add(where, "leaf has no rule")
            continue
        leaves[node["id"]] = node
        rule = node["rule"]
        if rule.get("type") not in RULE_PARAMETERS:
            problems.add(where, f"rule type '{rule.get('type')}' is not one of docs/formats.md's types")
            continue
        unknown = set()
        for c in categories:
            unknown |= set(effective_rule(node, c)) - RULE_PARAMETERS[rule["type"]] - {"type"}
        for key in sorted(unknown):
            problems.add(where, f"rule parameter '{key}' is not a '{rule['type']}' parameter")
        if rule["type"] == "efficacy" and "clamp" not in rule:
            problems.add(where, "efficacy rules must state 'clamp'")
        if rule["type"] == "bands":
            check_bands(rule, where, problems)
        if node.get("missing", "error") not in ("error", "zero", "mean", "exclude"):
            problems.add(where, f"unknown missing policy '{node['missing']}'")

    adjustments = {a["id"]: a for a in framework.get("adjustments", [])}
    vetoes = {v["id"]: v for v in framework.get("vetoes", [])}
    for other in list(adjustments) + list(vetoes):
        if other in ids:
            problems.add("framework.json", f"id '{other}' is used by a node and by an adjustment or veto")
    grades = [b["id"] for b in framework.get("grading", {}).get("bands", [])]
    for veto in vetoes.values():
        if veto.get("effect") == "cap" and veto.get("cap_grade") not in grades:
            problems.add("framework.json", f"veto '{veto['id']}' caps at unknown grade '{veto.get('cap_grade')}'")
    for quota in framework.get("grading", {}).get("quotas", []):
        if quota["grade"] not in grades:
            problems.add("framework.json", f"quota names unknown grade '{quota['grade']}'")

    # Points add up per category at every level; rule points fit each leaf's maximum.
    maxima: dict[str, dict[str, float]] = {}
    for c in categories:
        maxima[c] = {}
        resolve_points(framework["root"], "framework.json " + framework["root"]["id"], c, framework.get("total", 100),
                       maxima[c], problems)
        for leaf_id, node in leaves.items():
            if leaf_id in maxima[c]:
                check_rule_points(effective_rule(node, c), maxima[c][leaf_id], f"framework.json {leaf_id} ({c})",
                                  problems)

    # Units.
    _, unit_rows = read_csv_dicts(directory / "units.csv")
    units = {}
    for number, row in enumerate(unit_rows, start=2):
        where = f"units.csv row {number}"
        if row["id"] in units:
            problems.add(where, f"duplicate unit '{row['id']}'")
        if row["category"] not in categories:
            problems.add(where, f"unknown category '{row['category']}'")
        if row.get("in_pool", "true") not in ("true", "false", "1", "0", ""):
            problems.add(where, f"in_pool must be true/false, got '{row['in_pool']}'")
        units[row["id"]] = row

    # Results: every column is read by a rule, every rule input is a column, values are well formed.
    columns, result_rows = read_csv_dicts(directory / "results.csv")
    readers: dict[str, list[dict]] = {}
    for leaf_id, node in leaves.items():
        for item in input_items(node["rule"], leaf_id):
            readers.setdefault(item, []).append(node)
    if columns[:1] != ["unit"]:
        problems.add("results.csv", "the first column must be 'unit'")
    for column in columns[1:]:
        if column not in readers:
            problems.add("results.csv", f"column '{column}' is not the input of any rule")
    for item in readers:
        if item not in columns:
            problems.add("results.csv", f"rule input '{item}' has no column")
    seen = set()
    for number, row in enumerate(result_rows, start=2):
        unit = row["unit"]
        if unit not in units:
            problems.add(f"results.csv row {number}", f"unknown unit '{unit}'")
            continue
        if unit in seen:
            problems.add(f"results.csv row {number}", f"unit '{unit}' listed twice")
        seen.add(unit)
        category = units[unit]["category"]
        for column in columns[1:]:
            text = row[column].strip()
            for node in readers.get(column, []):
                where = f"results.csv row {number} column {column}"
                if not applies(node, category):
                    continue
                rule = effective_rule(node, category)
                if text == "":
                    if node.get("missing", "error") == "error":
                        problems.add(where, f"missing value for leaf '{node['id']}' whose missing policy is 'error'")
                elif rule["type"] == "lookup":
                    if text not in rule["table"] and "otherwise" not in rule:
                        problems.add(where, f"answer '{text}' is not in the lookup table of '{node['id']}'")
                elif not is_number(text):
                    problems.add(where, f"'{text}' is not a finite number")
    for unit in units:
        if unit not in seen:
            problems.add("results.csv", f"unit '{unit}' has no row")

    # Events: units and targets exist, types fit their targets, notes are present where required.
    event_columns, event_rows = read_csv_dicts(directory / "events.csv")
    for column in ("unit", "type", "target"):
        if column not in event_columns:
            problems.add("events.csv", f"missing column '{column}'")
    has_event: dict[tuple[str, str], int] = {}
    for number, row in enumerate(event_rows, start=2):
        where = f"events.csv row {number}"
        unit, kind, target = row["unit"], row["type"], row["target"]
        if unit not in units:
            problems.add(where, f"unknown unit '{unit}'")
            continue
        if kind not in EVENT_TYPES:
            problems.add(where, f"unknown event type '{kind}'")
            continue
        if kind in NOTE_REQUIRED and not row.get("note", "").strip():
            problems.add(where, f"a '{kind}' event needs a note (its reason)")
        category = units[unit]["category"]
        if kind == "grade":
            if row.get("level") not in grades:
                problems.add(where, f"unknown grade '{row.get('level')}'")
            continue
        if kind == "veto":
            if target not in vetoes:
                problems.add(where, f"veto event names unknown veto '{target}'")
            continue
        if target in adjustments:
            block = adjustments[target]
            wanted = "bonus" if block["type"] == "bonus" else "deduction"
            if kind != wanted:
                problems.add(where, f"'{kind}' event cannot target {block['type']} block '{target}'")
            prices = block.get("levels" if block["type"] == "bonus" else "price", {})
            key = row.get("level") if kind == "bonus" else row.get("kind")
            if key not in prices:
                problems.add(where, f"'{key}' is not a level/kind of '{target}'")
            if kind == "bonus" and block.get("require_evidence") and not row.get("evidence", "").strip():
                problems.add(where, f"'{target}' requires evidence")
            continue
        if target not in leaves:
            problems.add(where, f"target '{target}' is not a leaf, adjustment or veto")
            continue
        node = leaves[target]
        if not applies(node, category):
            problems.add(where, f"leaf '{target}' does not apply to category '{category}'")
            continue
        rule, maximum = effective_rule(node, category), maxima[category].get(target, 0.0)
        if rule.get("type") not in RULE_PARAMETERS:
            continue  # already reported with the framework
        has_event[(unit, target)] = has_event.get((unit, target), 0) + 1
        expected = {"deduction": "deduction", "bonus": "bonus", "rating": "trimmed_mean", "manual": "manual",
                    "judgement": "threshold"}.get(kind)
        if expected and rule["type"] != expected:
            problems.add(where, f"a '{kind}' event cannot target a '{rule['type']}' leaf ('{target}')")
            continue
        if kind == "deduction":
            if row.get("kind") not in rule["price"] and "default_price" not in rule:
                problems.add(where, f"kind '{row.get('kind')}' has no price in '{target}'")
            if row.get("count") and not is_number(row["count"]):
                problems.add(where, f"count '{row['count']}' is not a number")
        if kind == "bonus":
            if row.get("level") not in rule["levels"]:
                problems.add(where, f"level '{row.get('level')}' is not a level of '{target}'")
            if rule.get("require_evidence") and not row.get("evidence", "").strip():
                problems.add(where, f"'{target}' requires evidence")
        if kind == "rating":
            value = row.get("value", "").strip()
            if value and not (is_number(value) and 0 <= float(value) <= rule.get("scale", 100)):
                problems.add(where, f"rating '{value}' outside [0, {rule.get('scale', 100)}]")
        if kind in ("manual", "judgement", "override"):
            value = row.get("value", "")
            if not is_number(value) or not 0 <= float(value) <= maximum:
                problems.add(where, f"points '{value}' outside the leaf's [0, {maximum:g}]")
        if kind == "judgement" and rule.get("allow_judgement", True) is False:
            problems.add(where, f"leaf '{target}' does not allow judgements")

    # Event-driven leaves whose missing policy is 'error' need their events for every unit.
    for leaf_id, node in leaves.items():
        if node["rule"]["type"] in ("manual", "trimmed_mean") and node.get("missing", "error") == "error":
            for unit, row in units.items():
                if applies(node, row["category"]) and (unit, leaf_id) not in has_event:
                    problems.add("events.csv", f"unit '{unit}' has no event for '{leaf_id}' (missing policy 'error')")
    return problems


# ---------------------------------------------------------------------------------------------------------
# The tree as a Markdown table (for README.md)


def tree_table(framework: dict) -> str:
    categories = [c["id"] for c in framework["categories"]]
    maxima = {}
    for c in categories:
        maxima[c] = {}
        resolve_points(framework["root"], "", c, framework["total"], maxima[c], Problems())
    header = "| id | 指标 | " + " | ".join(f"{c} points" for c in categories) + " | rule | input | missing |"
    lines = [header, "|" + "---|" * (len(categories) + 5)]
    for path, node in walk(framework["root"]):
        depth = path.count("/")
        points = [f"{maxima[c][node['id']]:g}" if node["id"] in maxima[c] else "—" for c in categories]
        if "rule" in node:
            rule = node["rule"]
            label = rule["type"] + (f" ({rule['scoring']})" if "scoring" in rule else "")
            label += (f" ({rule['mode']})" if "mode" in rule else "")
            if "rule_by_category" in node:
                label += ", by category: " + "; ".join(
                    f"{c} {json.dumps(v, ensure_ascii=False)}" for c, v in node["rule_by_category"].items())
            spec = rule.get("input", node["id"])
            if rule["type"] in EVENT_DRIVEN:
                source = "events"
            elif isinstance(spec, str):
                source = f"`{spec}`"
            elif "ratio" in spec:
                source = f"`{spec['ratio'][0]}` / `{spec['ratio'][1]}` × {spec.get('scale', 1):g}"
            else:
                source = f"`{spec['item']}`"
            missing = node.get("missing", "error")
            if rule["type"] in ("deduction", "bonus"):
                missing = "— (no events: " + ("full marks)" if rule["type"] == "deduction" else "0)")
        else:
            label, source, missing = ("group" if depth else "root") + (f" ({node['aggregation']})"
                                                                        if "aggregation" in node else ""), "", ""
        indent = "&nbsp;&nbsp;" * depth
        lines.append(f"| {indent}`{node['id']}` | {node['name']} | " + " | ".join(points) +
                     f" | {label} | {source} | {missing} |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="do not write; exit 1 if a file on disk differs")
    mode.add_argument("--validate", action="store_true", help="only self-check the files on disk")
    mode.add_argument("--tree", action="store_true", help="print the indicator tree as a Markdown table")
    parser.add_argument("--out-dir", type=Path, default=SCRIPT_DIR, help="where the files are (default: here)")
    args = parser.parse_args(argv)

    if args.tree:
        sys.stdout.write(tree_table(build_framework()))
        return 0
    if args.check:
        outputs = render_all()
        stale = [n for n, t in outputs.items()
                 if not (args.out_dir / n).exists() or (args.out_dir / n).read_bytes() != t.encode("utf-8")]
        if stale:
            print(f"generate.py --check: out of date or edited by hand: {', '.join(stale)}", file=sys.stderr)
            print("regenerate with: python3 examples/district-2019/generate.py", file=sys.stderr)
            return 1
        print(f"generate.py --check: {len(outputs)} files match")
        return 0
    if not args.validate:
        args.out_dir.mkdir(parents=True, exist_ok=True)
        for name, text in render_all().items():
            (args.out_dir / name).write_bytes(text.encode("utf-8"))
        print(f"generate.py: wrote {', '.join(OUTPUT_FILES)} to {args.out_dir}")
    problems = validate(args.out_dir)
    for problem in problems:
        print(f"generate.py --validate: {problem}", file=sys.stderr)
    if problems:
        return 1
    print("generate.py --validate: framework, units, results and events are consistent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
