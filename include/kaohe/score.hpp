// The scoring engine: framework + dataset -> ScoreCard.
//
// Data flow (docs/architecture.md):
//   resolve weights -> check units, items and events -> score every leaf (leaf_scoring.hpp)
//   -> missing-data policies -> aggregate ratios up the tree (aggregation.hpp) -> adjustments
//   -> vetoes -> ranks (ranking.hpp) -> grades (grading.hpp)
// Every data problem found on the way is collected, and scoring fails once with all of them listed.
#pragma once

#include <cmath>
#include <memory>
#include <numeric>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "kaohe/aggregation.hpp"
#include "kaohe/dataset.hpp"
#include "kaohe/framework.hpp"
#include "kaohe/grading.hpp"
#include "kaohe/leaf_scoring.hpp"
#include "kaohe/ranking.hpp"
#include "kaohe/rounding.hpp"
#include "kaohe/scorecard.hpp"

namespace kaohe {

struct ScoreOptions {
    // A results column that no rule or veto reads is an error: a misspelt column would otherwise be ignored.
    bool unused_items_are_errors = true;
};

namespace detail {

// Collects every data problem so that one error can list them all.
struct Problems {
    std::vector<std::string> list;
    std::string files;  // the data files involved, named at the head of the error
    void add(std::string p) { list.push_back(std::move(p)); }
    void throw_if_any(const char* summary) const {
        if (!list.empty()) throw input_errors(list, summary, Location(files));
    }
};

// Whether a rule needs the sorted cohort: for ranks, medians, or means and standard deviations summed in an
// order that does not depend on the order of the units (so that reordering units changes no bit of a score).
inline bool needs_sorted_cohort(const Rule& rule) {
    auto cohort = [](const Reference& r) { return r.cohort.has_value(); };
    if (const auto* r = std::get_if<RankRule>(&rule)) return r->scoring != RankScoring::proportional;
    if (const auto* n = std::get_if<NormaliseRule>(&rule))
        return n->method == NormaliseMethod::percentile_rank || n->method == NormaliseMethod::zscore ||
               cohort(n->target);
    if (const auto* t = std::get_if<ThresholdRule>(&rule)) return cohort(t->value);
    if (const auto* c = std::get_if<CompletionRule>(&rule)) return cohort(c->target);
    if (const auto* l = std::get_if<LinearRule>(&rule)) return cohort(l->zero_at) || cohort(l->full_at);
    if (const auto* f = std::get_if<ShortfallRule>(&rule)) return cohort(f->reference);
    if (const auto* e = std::get_if<EfficacyRule>(&rule)) return cohort(e->unacceptable) || cohort(e->satisfactory);
    return false;
}

// Whether a rule uses any cohort statistic (min and max included); when none does, the cohort is not built.
inline bool needs_cohort(const Rule& rule) {
    return needs_sorted_cohort(rule) || std::holds_alternative<RankRule>(rule) ||
           std::holds_alternative<NormaliseRule>(rule);
}

inline std::string unit_leaf(const Unit& unit, const std::string& path) {
    return "unit '" + unit.id + "', " + path;
}

// Scores the units of one category on a numeric rule in a tight loop, with the same kernels as UnitScorer.
// Units it cannot score (no input, a value the rule rejects) are listed in `careful`, where UnitScorer says
// why. Returns false for rules without a column kernel (those read events, text or ranks).
struct ColumnKernel {
    const LeafColumn& col;
    std::size_t category;
    double max;
    const std::vector<std::size_t>& members;
    double* out;  // the leaf's ratio column, indexed by unit
    std::vector<std::size_t>& careful;

    [[nodiscard]] double ref(const Reference& r) const {
        return r.cohort ? cohort_for(col, r.scope, category).stat(*r.cohort) : r.value;
    }
    template <class Points>
    bool loop(Points&& points) {
        auto one = [&](std::size_t u) {
            const double x = col.x[u];
            const double p = std::isfinite(x) ? points(x) : nan;
            if (std::isnan(p))
                careful.push_back(u);
            else
                out[u] = p / max;
        };
        // Units 0..n-1 in order (one category, or a sorted table): a plain counted loop, no index array.
        if (!members.empty() && members.front() == 0 && members.back() == members.size() - 1) {
            for (std::size_t u = 0, n = members.size(); u < n; ++u) one(u);
        } else {
            for (std::size_t u : members) one(u);
        }
        return true;
    }
    bool operator()(const ThresholdRule& r) {
        const double v = ref(r.value);
        if (std::isnan(v)) return false;
        return loop([&](double x) { return compare(x, r.op, v) ? max : 0.0; });
    }
    bool operator()(const CompletionRule& r) {
        const double target = ref(r.target);
        if (!(target > 0)) return false;
        return loop([&](double x) { return kernel::completion(r, x, target, max); });
    }
    bool operator()(const LinearRule& r) {
        const double z = ref(r.zero_at), f = ref(r.full_at);
        if (std::isnan(z) || std::isnan(f) || z == f) return false;
        return loop([&](double x) { return kernel::linear(x, z, f, max); });
    }
    bool operator()(const ShortfallRule& r) {
        const double reference = ref(r.reference);
        if (std::isnan(reference)) return false;
        return loop([&](double x) { return kernel::shortfall(r, kernel::shortfall_steps(r, x, reference), max); });
    }
    bool operator()(const BandsRule& r) {
        if (r.mode == BandMode::interpolate) return loop([&](double x) { return kernel::interpolate(r, x); });
        return loop([&](double x) {
            const Band* b = kernel::step_band(r, x);
            return b ? b->points : nan;
        });
    }
    bool operator()(const EfficacyRule& r) {
        const double bad = ref(r.unacceptable), good = ref(r.satisfactory);
        if (std::isnan(bad) || std::isnan(good) || bad == good) return false;
        return loop([&](double x) { return kernel::efficacy(r, kernel::efficacy_score(r, x, bad, good), max); });
    }
    bool operator()(const NormaliseRule& r) {
        const Cohort& c = cohort_for(col, r.scope, category);
        const double target = r.method == NormaliseMethod::distance_to_target ? ref(r.target) : nan;
        return loop([&](double x) { return kernel::normalised(r, x, c, target) / 100.0 * max; });
    }
    template <class Other>
    bool operator()(const Other&) {
        return false;
    }
};

class Engine {
public:
    // The engine works on its own copies of the framework and the data: the score card keeps them (its leaf
    // columns point into them), so explanations stay valid after the caller's objects are gone.
    Engine(const Framework& fw, std::shared_ptr<const Dataset> data, const ScoreOptions& options)
        : framework_(std::make_shared<const Framework>(fw)),
          fw_(*framework_),
          options_(options),
          data_(std::move(data)),
          weights_(resolve(fw_)) {}

    // Re-weighting a score card: its data on `framework` (the base card's framework with other weights) and
    // that framework's maxima per node and category.
    Engine(const ScoreCard& base, std::shared_ptr<const Framework> framework, ResolvedWeights weights)
        : framework_(std::move(framework)),
          fw_(*framework_),
          data_(base.trace ? base.trace->data : nullptr),
          weights_(std::move(weights)) {
        if (!data_) throw internal_error("a score card without its scoring trace cannot be re-weighted");
    }

    ScoreCard run() {
        ScoreCard card;
        card.framework = framework_;
        card.weights = weights_;
        card.units = data_->units;
        card.leaves = fw_.leaves();
        for (const std::string* f : {&data_->units_source, &data_->results_source, &data_->events_source})
            if (!f->empty()) problems_.files += (problems_.files.empty() ? "" : ", ") + *f;
        check_units(card);
        check_items(card);
        auto trace = std::make_shared<ScoringTrace>();
        trace->data = data_;
        index_events(card, *trace);
        problems_.throw_if_any("the data do not match the framework:");
        card.explanations.assign(card.units.size(), {});
        score_leaves(card, *trace);
        problems_.throw_if_any("scoring failed:");
        trace->scored_max = weights_.max_points;
        for (const auto& lines : card.explanations) trace->leaf_lines.push_back(lines.size());
        grading_trace_ = trace.get();
        card.trace = std::move(trace);
        finish(card);
        return card;
    }

    // The base card's leaf ratios with this engine's weights: the rules are not re-scored (each leaf keeps its
    // ratio of its maximum); aggregation, adjustments, vetoes, ranks and grades run again.
    ScoreCard reweigh(const ScoreCard& base) {
        ScoreCard card;
        card.framework = framework_;
        card.weights = weights_;
        card.units = base.units;
        card.leaves = base.leaves;
        check_units(card);
        ScoringTrace scratch;
        score_leaf_events_ = false;
        index_events(card, scratch);
        problems_.throw_if_any("the data do not match the framework:");
        card.explanations.resize(card.units.size());
        for (std::size_t u = 0; u < card.units.size(); ++u) {
            const auto& lines = base.explanations[u];
            card.explanations[u].assign(lines.begin(),
                                        lines.begin() + static_cast<std::ptrdiff_t>(base.trace->leaf_lines[u]));
        }
        card.leaf_ratio = base.leaf_ratio;
        card.trace = base.trace;
        finish(card);
        return card;
    }

private:
    // Steps 3-5: aggregation, adjustments, vetoes, ranks and grades.
    void finish(ScoreCard& card) {
        std::vector<std::string> ids;
        for (const auto& u : card.units) ids.push_back(u.id);
        card.node_points = aggregate_ratios(fw_, weights_.max_points, card.unit_category, card.leaves, card.leaf_ratio,
                                            ids, problems_.list);
        problems_.throw_if_any("aggregation failed:");
        ratios_to_points(fw_, card.node_points, weights_.max_points, card.unit_category);
        card.weighted_total = card.node_points.col(0);
        apply_adjustments(card);
        problems_.throw_if_any("adjustments failed:");
        check_totals_are_finite(card);
        rank_and_grade(card);
    }

    void check_units(ScoreCard& card) {
        std::set<std::string> seen;
        for (const auto& u : card.units) {
            if (u.id.empty()) problems_.add("a unit has an empty id");
            if (!seen.insert(u.id).second) problems_.add("unit '" + u.id + "' is listed twice");
            auto c = fw_.category_index(u.category);
            if (!c) {
                if (fw_.categories.empty())
                    problems_.add("unit '" + u.id + "' has category '" + u.category +
                                  "' but the framework declares no categories");
                else
                    problems_.add("unit '" + u.id + "' has unknown category '" + u.category +
                                  "' (framework categories: " + join_categories() + ")");
                card.unit_category.push_back(0);
            } else {
                card.unit_category.push_back(*c);
            }
        }
        if (card.units.empty()) problems_.add("there are no units to score");
        const auto rows = static_cast<std::size_t>(data_->values.rows());
        if (rows != card.units.size() || static_cast<std::size_t>(data_->values.cols()) != data_->items.size())
            problems_.add("the results matrix is " + std::to_string(rows) + " x " +
                          std::to_string(data_->values.cols()) + " but there are " + std::to_string(card.units.size()) +
                          " units and " + std::to_string(data_->items.size()) + " items");
    }

    std::string join_categories() const {
        std::string out;
        for (const auto& c : fw_.categories) out += (out.empty() ? "'" : ", '") + c.id + "'";
        return out;
    }

    void check_items(const ScoreCard& card) {
        std::set<std::string> used;
        for (std::size_t leaf : card.leaves) {
            std::vector<const Rule*> rules{&*fw_.nodes[leaf].rule};
            for (const auto& kv : fw_.nodes[leaf].rule_by_category) rules.push_back(&kv.second);
            for (const Rule* r : rules)
                if (const Input* in = rule_input(*r)) {
                    for (const std::string* item : {&in->item, &in->denominator}) {
                        if (item->empty()) continue;
                        used.insert(*item);
                        if (!data_->item_index(*item))
                            problems_.add(fw_.path(leaf) + " reads data item '" + *item +
                                          "', which is not in the results" + source_suffix(data_->results_source));
                    }
                }
        }
        for (const auto& v : fw_.vetoes)
            if (v.when && v.when->item != "total") {
                used.insert(v.when->item);
                if (!data_->item_index(v.when->item))
                    problems_.add("veto '" + v.id + "' reads data item '" + v.when->item +
                                  "', which is not in the results");
            }
        std::set<std::string> seen;
        for (const auto& item : data_->items) {
            if (!seen.insert(item).second) problems_.add("data item '" + item + "' appears twice in the results");
            if (options_.unused_items_are_errors && !used.count(item))
                problems_.add("data item '" + item + "' in the results is not read by any indicator" +
                              source_suffix(data_->results_source) +
                              "; remove the column or fix the indicator's input");
        }
    }

    static std::string source_suffix(const std::string& source) { return source.empty() ? "" : " (" + source + ")"; }

    static bool needs_note(EventType t) {
        return t == EventType::manual || t == EventType::judgement || t == EventType::override_ ||
               t == EventType::veto || t == EventType::grade;
    }

    // Checks every event against the framework and files it under its leaf, adjustment, veto or grade.
    void index_events(ScoreCard& card, ScoringTrace& trace) {
        std::unordered_map<std::string, std::size_t> leaf_column;
        for (std::size_t j = 0; j < card.leaves.size(); ++j) leaf_column[fw_.nodes[card.leaves[j]].id] = j;
        trace.columns.resize(card.leaves.size());
        adjustment_events_.assign(fw_.adjustments.size(), std::vector<std::vector<const Event*>>(card.units.size()));
        veto_events_.assign(card.units.size(), {});
        grade_events_.assign(card.units.size(), nullptr);
        std::set<std::tuple<std::size_t, std::size_t, int>> single;  // (unit, leaf, type) for one-per-unit events
        for (const Event& e : data_->events) {
            const std::string where = e.source.to_string().empty() ? "" : e.source.to_string() + ": ";
            auto bad = [&](const std::string& why) {
                problems_.add(where + std::string(event_type_name(e.type)) + " event for unit '" + e.unit + "'" +
                              (e.target.empty() ? "" : " on '" + e.target + "'") + ": " + why);
            };
            auto unit = data_->unit_index(e.unit);
            if (!unit) {
                bad("unknown unit");
                continue;
            }
            if (needs_note(e.type) && e.note.empty()) {
                bad("a note giving the reason is required");
                continue;
            }
            if (e.type == EventType::grade) {
                bool known = false;
                for (const auto& b : fw_.grading.bands) known = known || b.id == e.level;
                if (!known) {
                    bad("grade '" + e.level + "' is not a defined grade");
                    continue;
                }
                if (grade_events_[*unit]) {
                    bad("the unit already has a grade override");
                    continue;
                }
                grade_events_[*unit] = &e;
                continue;
            }
            if (e.type == EventType::veto) {
                bool known = false;
                for (const auto& v : fw_.vetoes) known = known || v.id == e.target;
                if (!known) {
                    bad("no veto with this id");
                    continue;
                }
                veto_events_[*unit].push_back(&e);
                continue;
            }
            if (auto a = adjustment_index(e.target)) {
                const Adjustment& adj = fw_.adjustments[*a];
                const EventType expected = adj.kind == AdjustmentKind::bonus ? EventType::bonus : EventType::deduction;
                if (e.type != expected) {
                    bad(std::string("adjustment '") + adj.id + "' takes " + event_type_name(expected) + " events");
                    continue;
                }
                if (!check_amounts(e, bad)) continue;
                adjustment_events_[*a][*unit].push_back(&e);
                continue;
            }
            auto col = leaf_column.find(e.target);
            if (col == leaf_column.end()) {
                bad(fw_.find(e.target) ? "the target is a group, not a leaf indicator"
                                       : "no indicator, adjustment or veto with this id");
                continue;
            }
            if (!score_leaf_events_) continue;  // re-weighting: the leaf events were checked and used when scoring
            const std::size_t leaf = card.leaves[col->second];
            const std::size_t cat = card.unit_category[*unit];
            if (weights_.max_points[cat][leaf] == 0.0) {
                bad("the indicator does not apply to the unit's category");
                continue;
            }
            const Rule& rule = fw_.nodes[leaf].rule_for(weights_.categories[cat]);
            if (!event_fits(e.type, rule)) {
                bad(std::string("a '") + rule_name(rule) + "' indicator does not take " + event_type_name(e.type) +
                    " events");
                continue;
            }
            if (!check_amounts(e, bad)) continue;
            if (e.type == EventType::manual || e.type == EventType::judgement || e.type == EventType::override_) {
                const double max = weights_.max_points[cat][leaf];
                if (!std::isfinite(e.value) || e.value < 0 || e.value > max * (1 + 1e-12)) {
                    bad("points " + num(e.value) + " are outside the indicator's [0, " + num(max) + "]");
                    continue;
                }
                if (!single.insert({*unit, col->second, static_cast<int>(e.type)}).second) {
                    bad("the unit already has one; give one " + std::string(event_type_name(e.type)) +
                        " per unit and indicator");
                    continue;
                }
            }
            trace.columns[col->second].events[*unit].push_back(&e);
        }
    }

    template <class Bad>
    static bool check_amounts(const Event& e, Bad& bad) {
        if (e.type == EventType::deduction && (!std::isfinite(e.count) || e.count <= 0)) {
            bad("count must be a finite number > 0, got " + num(e.count));
            return false;
        }
        if (e.type == EventType::bonus && (!std::isfinite(e.share) || e.share <= 0 || e.share > 1)) {
            bad("share must be in (0, 1], got " + num(e.share));
            return false;
        }
        if (e.type == EventType::rating && std::isinf(e.value)) {
            bad("rating is infinite");
            return false;
        }
        return true;
    }

    static bool event_fits(EventType t, const Rule& rule) {
        switch (t) {
            case EventType::deduction:
                return std::holds_alternative<DeductionRule>(rule);
            case EventType::bonus:
                return std::holds_alternative<BonusRule>(rule);
            case EventType::rating:
                return std::holds_alternative<TrimmedMeanRule>(rule);
            case EventType::manual:
                return std::holds_alternative<ManualRule>(rule);
            case EventType::judgement:
                return std::holds_alternative<ThresholdRule>(rule);
            case EventType::override_:
                return true;
            default:
                return false;
        }
    }

    std::optional<std::size_t> adjustment_index(const std::string& id) const {
        for (std::size_t i = 0; i < fw_.adjustments.size(); ++i)
            if (fw_.adjustments[i].id == id) return i;
        return std::nullopt;
    }

    // Gathers a leaf's inputs and cohort statistics. A plain input is read in place from the dataset's
    // column; only ratio inputs are computed, and cohorts are collected only when a rule needs them.
    void build_column(const ScoreCard& card, std::size_t j, LeafColumn& col) {
        const std::size_t leaf = card.leaves[j];
        const Node& node = fw_.nodes[leaf];
        const std::size_t units = card.units.size();
        col.node = leaf;
        col.data = data_.get();
        col.input = rule_input(*node.rule);
        col.by_category.assign(weights_.categories.size(), Cohort{});
        bool sorted = false, cohort = false;
        for (std::size_t c = 0; c < weights_.categories.size(); ++c)
            if (weights_.max_points[c][leaf] > 0) {
                const Rule& rule = node.rule_for(weights_.categories[c]);
                sorted = sorted || needs_sorted_cohort(rule);
                cohort = cohort || needs_cohort(rule);
            }
        if (!col.input) {
            col.computed.assign(units, nan);
            col.x = col.computed.data();
            return;
        }
        col.item = static_cast<long>(*data_->item_index(col.input->item));
        if (col.input->is_ratio()) {
            col.denominator_item = static_cast<long>(*data_->item_index(col.input->denominator));
            col.computed.resize(units);
            for (std::size_t u = 0; u < units; ++u) {
                const double v = col.raw(col.item, u), d = col.raw(col.denominator_item, u);
                col.computed[u] = (std::isnan(v) || std::isnan(d) || d == 0) ? nan : v / d * col.input->scale;
            }
            col.x = col.computed.data();
        } else {
            col.x = data_->values.col(col.item).data();
        }
        if (!cohort) return;
        for (std::size_t u = 0; u < units; ++u) {
            const std::size_t c = card.unit_category[u];
            const double v = col.x[u];
            if (weights_.max_points[c][leaf] > 0 && std::isfinite(v)) {
                col.by_category[c].sorted.push_back(v);
                if (col.by_category.size() > 1) col.all.sorted.push_back(v);
            }
        }
        for (auto& c : col.by_category) c.finish(sorted);
        col.all.finish(sorted);
    }

    void score_leaves(ScoreCard& card, ScoringTrace& trace) {
        const std::size_t units = card.units.size();
        card.leaf_ratio = Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(units),
                                                    static_cast<Eigen::Index>(card.leaves.size()), nan);
        std::vector<std::vector<std::size_t>> members(weights_.categories.size());  // units per category
        for (std::size_t u = 0; u < units; ++u) members[card.unit_category[u]].push_back(u);
        std::vector<std::size_t> careful;
        for (std::size_t j = 0; j < card.leaves.size(); ++j) {
            LeafColumn& col = trace.columns[j];
            build_column(card, j, col);
            const std::size_t leaf = card.leaves[j];
            const Node& node = fw_.nodes[leaf];
            double* out = card.leaf_ratio.col(static_cast<Eigen::Index>(j)).data();
            careful.clear();
            for (std::size_t c = 0; c < weights_.categories.size(); ++c) {
                const double max = weights_.max_points[c][leaf];
                if (max == 0.0 || members[c].empty()) continue;
                const Rule& rule = node.rule_for(weights_.categories[c]);
                // Events (judgements, overrides) need the careful path for every unit of the leaf.
                const bool fast =
                    col.events.empty() && std::visit(ColumnKernel{col, c, max, members[c], out, careful}, rule);
                if (!fast) careful.insert(careful.end(), members[c].begin(), members[c].end());
            }
            if (careful.empty()) continue;
            std::sort(careful.begin(), careful.end());  // explanations and problems in unit order
            std::vector<std::size_t> need_mean;
            for (std::size_t u : careful) score_unit(card, col, j, u, need_mean);
            impute_means(card, j, need_mean, fw_.path(leaf));
        }
    }

    // One unit on one leaf, with every check: problems, overrides and the missing-data policy.
    void score_unit(ScoreCard& card, const LeafColumn& col, std::size_t j, std::size_t u,
                    std::vector<std::size_t>& need_mean) {
        const std::size_t leaf = card.leaves[j];
        const Node& node = fw_.nodes[leaf];
        const std::size_t c = card.unit_category[u];
        const double max = weights_.max_points[c][leaf];
        UnitScorer scorer(col, UnitView{u, c, max}, nullptr);
        Outcome o = std::visit(scorer, node.rule_for(weights_.categories[c]));
        if (!o.problem.empty()) {
            problems_.add(unit_leaf(card.units[u], fw_.path(leaf)) + ": " + o.problem);
            return;
        }
        double& ratio = card.leaf_ratio(static_cast<Eigen::Index>(u), static_cast<Eigen::Index>(j));
        if (const Event* ov = override_event(col, u)) {
            card.explanations[u].push_back(
                {fw_.path(leaf), "override", ov->value - (std::isnan(o.points) ? 0.0 : o.points),
                 "points set to " + num(ov->value) + " (computed: " + num(o.points) + "): " + ov->note});
            o.points = ov->value;
        }
        if (!std::isnan(o.points)) {
            ratio = o.points / max;
            return;
        }
        switch (node.missing) {
            case MissingPolicy::error:
                problems_.add(unit_leaf(card.units[u], fw_.path(leaf)) + ": missing (" + o.missing + ")");
                break;
            case MissingPolicy::zero:
                ratio = 0.0;
                card.explanations[u].push_back(
                    {fw_.path(leaf), "missing", 0.0, o.missing + ": scored 0 (missing: zero)"});
                break;
            case MissingPolicy::mean:
                need_mean.push_back(u);
                break;
            case MissingPolicy::exclude:
                card.explanations[u].push_back(
                    {fw_.path(leaf), "missing", 0.0,
                     o.missing + ": excluded, its siblings are reweighted (missing: exclude)"});
                break;
        }
    }

    static const Event* override_event(const LeafColumn& col, std::size_t unit) {
        for (const Event* e : col.events_of(unit))
            if (e->type == EventType::override_) return e;
        return nullptr;
    }

    // Missing policy "mean": the mean ratio of the units of the same category that were scored.
    void impute_means(ScoreCard& card, std::size_t j, const std::vector<std::size_t>& need, const std::string& path) {
        if (need.empty()) return;
        const auto col = static_cast<Eigen::Index>(j);
        // Ratios per category, summed in sorted order so that the mean does not depend on the order of the units.
        std::vector<std::vector<double>> scored(weights_.categories.size());
        for (std::size_t u = 0; u < card.units.size(); ++u) {
            const double r = card.leaf_ratio(static_cast<Eigen::Index>(u), col);
            if (!std::isnan(r)) scored[card.unit_category[u]].push_back(r);
        }
        std::vector<double> sum(scored.size(), 0.0);
        std::vector<std::size_t> count(scored.size(), 0);
        for (std::size_t c = 0; c < scored.size(); ++c) {
            std::sort(scored[c].begin(), scored[c].end());
            sum[c] = std::accumulate(scored[c].begin(), scored[c].end(), 0.0);
            count[c] = scored[c].size();
        }
        for (std::size_t u : need) {
            const std::size_t c = card.unit_category[u];
            if (count[c] == 0) {
                problems_.add(unit_leaf(card.units[u], path) +
                              ": missing, and no unit of its category has a value to average");
                continue;
            }
            const double mean = sum[c] / static_cast<double>(count[c]);
            card.leaf_ratio(static_cast<Eigen::Index>(u), col) = mean;
            card.explanations[u].push_back({path, "missing", 0.0,
                                            "no value: scored the mean of " + std::to_string(count[c]) +
                                                " units in its category, " + num(100 * mean) +
                                                "% of the maximum (missing: mean)"});
        }
    }

    void apply_adjustments(ScoreCard& card) {
        const auto units = static_cast<Eigen::Index>(card.units.size());
        card.adjustment_points = Eigen::MatrixXd::Zero(units, static_cast<Eigen::Index>(fw_.adjustments.size()));
        for (std::size_t a = 0; a < fw_.adjustments.size(); ++a) {
            const Adjustment& adj = fw_.adjustments[a];
            for (Eigen::Index u = 0; u < units; ++u) {
                const auto& events = adjustment_events_[a][static_cast<std::size_t>(u)];
                if (events.empty()) continue;
                std::string lines;
                const double pts = adjustment_total(adj, events, card.units[static_cast<std::size_t>(u)], lines);
                card.adjustment_points(u, static_cast<Eigen::Index>(a)) = pts;
                card.explanations[static_cast<std::size_t>(u)].push_back(
                    {adj.id, "adjustment", pts,
                     (adj.name.empty() ? adj.id : adj.name) + ": " + (pts >= 0 ? "+" : "") + num(pts) + lines});
            }
        }
        card.total = card.weighted_total + card.adjustment_points.rowwise().sum();
    }

    // A non-finite total would be published as nan or inf and would break every ranking comparison (a NaN is
    // neither above nor below anything), so it is an error naming the first unit and where it came from: the
    // deepest node whose points are not finite (the leaf whose rule overflowed, or the group whose sum did), or
    // the adjustment.
    void check_totals_are_finite(const ScoreCard& card) const {
        for (Eigen::Index u = 0; u < card.total.size(); ++u) {
            const double total = card.total(u);
            if (std::isfinite(total)) continue;
            const std::string unit = "unit '" + card.units[static_cast<std::size_t>(u)].id + "', ";
            auto shown = [](double v) { return std::isnan(v) ? std::string("nan") : num(v); };
            auto depth = [&](std::size_t n) {
                int d = 0;
                for (auto p = fw_.nodes[n].parent; p >= 0; p = fw_.nodes[static_cast<std::size_t>(p)].parent) ++d;
                return d;
            };
            // (NaN node points are excluded nodes, `missing: exclude`; an overflow is an infinity)
            std::size_t deepest = fw_.nodes.size();
            for (std::size_t n = 0; n < fw_.nodes.size(); ++n)
                if (std::isinf(card.node_points(u, static_cast<Eigen::Index>(n))) &&
                    (deepest == fw_.nodes.size() || depth(n) > depth(deepest)))
                    deepest = n;
            std::string where, value, check;
            if (deepest < fw_.nodes.size()) {
                where = fw_.path(deepest);
                value = shown(card.node_points(u, static_cast<Eigen::Index>(deepest)));
                check = "check the rule's parameters (a target or range near 0, cap false) and the unit's values";
            } else {
                for (std::size_t a = 0; a < fw_.adjustments.size() && where.empty(); ++a) {
                    const double pts = card.adjustment_points(u, static_cast<Eigen::Index>(a));
                    if (!std::isfinite(pts)) {
                        where = "adjustment '" + fw_.adjustments[a].id + "'";
                        value = shown(pts);
                    }
                }
                if (where.empty()) {  // finite parts whose sum overflows
                    where = "the total";
                    value = shown(total);
                }
                check = "check the adjustments' points and the unit's events";
            }
            throw data_error(Location(problems_.files, unit + where),
                             "the points are " + value + ", not a finite number, so the total (" + shown(total) +
                                 ") cannot be published; " + check);
        }
    }

    double adjustment_total(const Adjustment& adj, const std::vector<const Event*>& events, const Unit& unit,
                            std::string& lines) {
        auto price = [&](const std::string& key) -> const double* {
            for (const auto& kv : adj.points)
                if (kv.first == key) return &kv.second;
            return nullptr;
        };
        double sum = 0;
        if (adj.kind == AdjustmentKind::penalty) {
            for (const Event* e : events) {
                const double* p = price(e->kind);
                if (!p) {
                    problems_.add("unit '" + unit.id + "', adjustment '" + adj.id + "': penalty kind '" + e->kind +
                                  "' has no points");
                    continue;
                }
                sum += e->count * *p;
                lines += "; " + num(e->count) + " x " + e->kind + " @ " + num(*p) +
                         (e->note.empty() ? "" : " (" + e->note + ")");
            }
        } else {
            std::map<std::string, std::pair<double, const Event*>> best;
            int anonymous = 0;
            for (const Event* e : events) {
                const double* p = price(e->level);
                if (!p) {
                    problems_.add("unit '" + unit.id + "', adjustment '" + adj.id + "': bonus level '" + e->level +
                                  "' has no points");
                    continue;
                }
                if (adj.require_evidence && e->evidence.empty()) {
                    lines += "; not counted, no evidence: " + e->item + " (" + e->level + ")";
                    continue;
                }
                const std::string key =
                    adj.highest_per_item && !e->item.empty() ? e->item : "#" + std::to_string(anonymous++);
                const double v = *p * e->share;
                auto it = best.find(key);
                if (it == best.end() || v > it->second.first) best[key] = {v, e};
            }
            for (const auto& kv : best) {
                sum += kv.second.first;
                const Event* e = kv.second.second;
                lines += "; +" + num(kv.second.first) + " " + e->item + " (" + e->level +
                         (e->evidence.empty() ? "" : ", " + e->evidence) + (e->note.empty() ? "" : ", " + e->note) +
                         ")";
            }
        }
        if (adj.cap && sum > *adj.cap) {
            lines += "; capped at " + num(*adj.cap) + " (was " + num(sum) + ")";
            sum = *adj.cap;
        }
        return adj.kind == AdjustmentKind::penalty ? -sum : sum;
    }

    // `graded[u]` is the total that grading uses (rounded when the ranking says so); a veto on "total" reads it.
    std::vector<std::vector<FiredVeto>> fire_vetoes(const ScoreCard& card, const std::vector<double>& graded) {
        std::vector<std::vector<FiredVeto>> fired(card.units.size());
        for (const auto& v : fw_.vetoes) {
            for (std::size_t u = 0; u < card.units.size(); ++u) {
                for (const Event* e : veto_events_[u])
                    if (e->target == v.id) fired[u].push_back({&v, e->note});
                if (!v.when) continue;
                const Condition& c = *v.when;
                double value = nan;
                if (c.item == "total")
                    value = graded[u];
                else
                    value = data_->values(static_cast<Eigen::Index>(u),
                                          static_cast<Eigen::Index>(*data_->item_index(c.item)));
                if (std::isnan(value)) {
                    card_warnings_.push_back("veto '" + v.id + "' cannot be checked for unit '" + card.units[u].id +
                                             "': no value for '" + c.item + "'");
                    continue;
                }
                if (compare(value, c.op, c.value))
                    fired[u].push_back({&v, c.item + " = " + num(value) + " " + op_text(c.op) + " " + num(c.value),
                                        c.item == "total"});
            }
        }
        return fired;
    }

    void rank_and_grade(ScoreCard& card) {
        const std::size_t units = card.units.size();
        std::vector<double> value(units);
        for (std::size_t u = 0; u < units; ++u) {
            const double t = card.total(static_cast<Eigen::Index>(u));
            value[u] = fw_.ranking.on_rounded_total && fw_.rounding.total ? round_half_up(t, *fw_.rounding.total) : t;
        }
        auto fired = fire_vetoes(card, value);
        if (grading_trace_) {
            auto& trace = *grading_trace_;
            trace.fixed_vetoes.assign(units, {});
            for (std::size_t u = 0; u < units; ++u)
                for (const auto& f : fired[u])
                    if (!f.on_total) trace.fixed_vetoes[u].push_back(f);
            trace.total_vetoes.clear();
            for (const auto& v : fw_.vetoes)
                if (v.when && v.when->item == "total") trace.total_vetoes.push_back(&v);
            trace.grade_overrides = grade_events_;
        }
        card.disqualified.assign(units, false);
        for (std::size_t u = 0; u < units; ++u)
            for (const auto& f : fired[u])
                if (f.veto->effect == VetoEffect::disqualify) card.disqualified[u] = true;
        std::vector<std::vector<double>> keys;
        for (const auto& id : fw_.ranking.tie_break) {
            const auto n = static_cast<Eigen::Index>(*fw_.find(id));
            std::vector<double> k(units);
            for (std::size_t u = 0; u < units; ++u) {
                const double p = card.node_points(static_cast<Eigen::Index>(u), n);
                k[u] = std::isnan(p) ? -unbounded : p;
            }
            keys.push_back(std::move(k));
        }
        std::vector<std::size_t> ranked;
        for (std::size_t u = 0; u < units; ++u)
            if (!card.disqualified[u] && card.units[u].in_pool) ranked.push_back(u);
        const auto overall = rank_members(value, ranked, fw_.ranking.ties, keys);
        std::vector<double> in_category(units, nan);
        for (std::size_t c = 0; c < weights_.categories.size(); ++c) {
            std::vector<std::size_t> members;
            for (std::size_t u : ranked)
                if (card.unit_category[u] == c) members.push_back(u);
            const auto r = rank_members(value, members, fw_.ranking.ties, keys);
            for (std::size_t u : members) in_category[u] = r[u];
        }
        card.rank = Eigen::Map<const Eigen::VectorXd>(overall.data(), static_cast<Eigen::Index>(units));
        card.rank_in_category = Eigen::Map<const Eigen::VectorXd>(in_category.data(), static_cast<Eigen::Index>(units));
        // The ordinal order of ranked units decides quota places among ties.
        const auto ordinal = rank_members(value, ranked, TieMethod::ordinal, keys);
        std::vector<std::size_t> order(ranked);
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ordinal[a] < ordinal[b]; });

        GradingInput in;
        for (const auto& u : card.units) in.unit_ids.push_back(u.id);
        in.score = value;
        in.rank_order = order;
        in.rank = fw_.grading.pool == CohortScope::all ? overall : in_category;  // the rank within the quota pool
        in.pool.resize(units);
        in.in_pool.resize(units);
        for (std::size_t u = 0; u < units; ++u) {
            in.pool[u] = fw_.grading.pool == CohortScope::all ? 0 : card.unit_category[u];
            in.in_pool[u] = card.units[u].in_pool;
        }
        in.disqualified = card.disqualified;
        in.vetoes = fired;
        in.override_grade = grade_events_;
        for (std::size_t u = 0; u < units; ++u)
            for (const auto& f : fired[u])
                if (f.veto->effect == VetoEffect::disqualify)
                    card.explanations[u].push_back({f.veto->id, "veto", 0.0,
                                                    (f.veto->name.empty() ? f.veto->id : f.veto->name) + ": " +
                                                        f.reason + " -> disqualified: not ranked or graded"});
        card.grade = assign_grades(fw_, in, card.explanations, card.warnings);
        for (auto& w : card_warnings_) card.warnings.push_back(std::move(w));
    }

    std::shared_ptr<const Framework> framework_;
    const Framework& fw_;
    ScoreOptions options_;
    std::shared_ptr<const Dataset> data_;
    ResolvedWeights weights_;
    Problems problems_;
    std::vector<std::vector<std::vector<const Event*>>> adjustment_events_;  // [adjustment][unit]
    std::vector<std::vector<const Event*>> veto_events_;                     // [unit]
    std::vector<const Event*> grade_events_;                                 // [unit]
    std::vector<std::string> card_warnings_;
    bool score_leaf_events_ = true;
    ScoringTrace* grading_trace_ = nullptr;  // where rank_and_grade records the grading context (first scoring)
};

}  // namespace detail

// Scores every unit of `data` on framework `fw`. Throws framework_error for an invalid framework and
// data_error (input_errors, listing every problem) for data that do not fit it. Inputs are not modified.
[[nodiscard]] inline ScoreCard score(const Framework& fw, const Dataset& data, const ScoreOptions& options = {}) {
    return detail::Engine(fw, std::make_shared<const Dataset>(data), options).run();
}

// The same without copying the data: the score card shares the (immutable) dataset, which must not change.
[[nodiscard]] inline ScoreCard score(const Framework& fw, std::shared_ptr<const Dataset> data,
                                     const ScoreOptions& options = {}) {
    if (!data) throw data_error({}, "no dataset given");
    return detail::Engine(fw, std::move(data), options).run();
}

}  // namespace kaohe
