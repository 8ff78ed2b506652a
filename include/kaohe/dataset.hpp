// The data a framework scores: the assessed units, their raw results per data item, and events
// (deductions, bonuses, rater scores, manual judgements, vetoes, overrides) with their notes.
//
// Results are a dense units x items matrix (NaN = missing) plus optional text answers for categorical
// items, so that leaf scoring can run column by column over all units.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "kaohe/error.hpp"

namespace kaohe {

struct Unit {
    std::string id;
    std::string name;
    std::string category;  // must be a framework category when the framework declares any
    bool in_pool = true;   // false: scored, but outside every ranking/quota pool (单列)
};

enum class EventType {
    deduction,  // R8: one or more occurrences of `kind` against a deduction leaf or penalty block
    bonus,      // R9: a recognition of `item` at `level` for a bonus leaf or bonus block
    rating,     // R12: one rater's score (NaN = "don't know") for a trimmed-mean leaf
    manual,     // a manual score (points) with a mandatory reason, for a manual leaf
    judgement,  // R1: judged partial points for a threshold leaf that was not met, with a reason
    override_,  // replaces a leaf's computed points (appeal/review), with a reason
    veto,       // triggers a veto by id, with its reason
    grade       // sets a unit's final grade (e.g. 专项晋优 special promotion), with a reason
};

struct Event {
    EventType type = EventType::deduction;
    std::string unit;
    std::string target;  // leaf, adjustment or veto id ("" for grade events)
    std::string kind;    // deduction kind / price key
    std::string item;    // bonus: the recognised item, for highest-level de-duplication
    std::string level;   // bonus: recognition level; grade: the grade id
    std::string rater;   // rating: who rated
    double count = 1.0;  // deduction: occurrences
    double value = std::numeric_limits<double>::quiet_NaN();  // rating score / manual, judgement, override points
    double share = 1.0;                                       // bonus: credit share (co-authored piece: 0.5)
    std::string note;      // reason or description; mandatory for manual, judgement, override, veto, grade
    std::string evidence;  // document reference for bonuses
    Location source;       // where the event was read from
};

[[nodiscard]] inline const char* event_type_name(EventType t) {
    switch (t) {
        case EventType::deduction:
            return "deduction";
        case EventType::bonus:
            return "bonus";
        case EventType::rating:
            return "rating";
        case EventType::manual:
            return "manual";
        case EventType::judgement:
            return "judgement";
        case EventType::override_:
            return "override";
        case EventType::veto:
            return "veto";
        case EventType::grade:
            return "grade";
    }
    return "?";
}

struct Dataset {
    std::vector<Unit> units;
    std::vector<std::string> items;                                   // data item (column) ids
    Eigen::MatrixXd values;                                           // units x items; NaN = missing
    std::map<std::pair<std::size_t, std::size_t>, std::string> text;  // (unit, item) -> categorical answer
    std::vector<Event> events;
    std::string units_source, results_source, events_source;  // file names, for error messages

    [[nodiscard]] std::optional<std::size_t> unit_index(const std::string& id) const {
        for (std::size_t i = 0; i < units.size(); ++i)
            if (units[i].id == id) return i;
        return std::nullopt;
    }
    [[nodiscard]] std::optional<std::size_t> item_index(const std::string& id) const {
        for (std::size_t i = 0; i < items.size(); ++i)
            if (items[i] == id) return i;
        return std::nullopt;
    }
    [[nodiscard]] const std::string* text_at(std::size_t unit, std::size_t item) const {
        auto it = text.find({unit, item});
        return it == text.end() ? nullptr : &it->second;
    }
};

}  // namespace kaohe
