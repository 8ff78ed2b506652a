// A downstream program: reads a framework from JSON, scores two units, prints their totals.
// Built by tests/consumers against an installed kaohe (find_package) and a vendored one (add_subdirectory).
#include <iostream>

#include <kaohe/io/framework_json.hpp>
#include <kaohe/score.hpp>

int main() {
    const char* json = R"({"kaohe": 1, "id": "consumer", "total": 15,
        "root": {"id": "root", "children": [
          {"id": "fishing", "name": "查处非法捕捞案件", "points": 15,
           "rule": {"type": "completion", "input": "cases", "target": 10}}]}})";
    const kaohe::Framework fw = kaohe::io::parse_framework_json(json, "consumer.json");
    kaohe::Dataset data;
    data.units = {{"a", "A", "", true}, {"b", "B", "", true}};
    data.items = {"cases"};
    data.values.resize(2, 1);
    data.values << 7, 12;
    const kaohe::ScoreCard card = kaohe::score(fw, data);
    std::cout << "a=" << card.total(0) << " b=" << card.total(1) << "\n";
    // 7 of 10 cases on a 15-point item: 10.5; 12 cases: capped at 15.
    return card.total(0) == 10.5 && card.total(1) == 15.0 ? 0 : 1;
}
