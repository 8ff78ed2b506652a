// kaohe_score_example: scores a framework on units, results and events files and prints the ranked table.
//
//   kaohe_score_example FRAMEWORK.json UNITS RESULTS [EVENTS] [--explain UNIT] [--json OUT.json] [--csv OUT.csv]
//
// Exit codes: 0 success, 2 bad input (the message names the file, row or framework path and the reason),
// 3 internal error, 64 bad command line.
#include <exception>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <kaohe/io/dataset_io.hpp>
#include <kaohe/io/framework_json.hpp>
#include <kaohe/io/scorecard_io.hpp>
#include <kaohe/score.hpp>

namespace {

int usage() {
    std::cerr << "usage: kaohe_score_example FRAMEWORK.json UNITS RESULTS [EVENTS] [--explain UNIT] "
                 "[--json OUT.json] [--csv OUT.csv]\n";
    return 64;
}

void write(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    if (!out) throw kaohe::data_error({path}, "cannot open the file for writing");
    out << text;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> positional;
    std::string explain_unit, json_out, csv_out;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&](std::string& into) {
            if (i + 1 >= argc) return false;
            into = argv[++i];
            return true;
        };
        if (arg == "--explain") {
            if (!value(explain_unit)) return usage();
        } else if (arg == "--json") {
            if (!value(json_out)) return usage();
        } else if (arg == "--csv") {
            if (!value(csv_out)) return usage();
        } else if (arg == "-h" || arg == "--help") {
            usage();
            return 0;
        } else
            positional.push_back(arg);
    }
    if (positional.size() < 3 || positional.size() > 4) return usage();
    try {
        const kaohe::Framework fw = kaohe::io::read_framework_json(positional[0]);
        const kaohe::Dataset data =
            kaohe::io::load_dataset(positional[1], positional[2], positional.size() == 4 ? positional[3] : "");
        const kaohe::ScoreCard card = kaohe::score(fw, data);
        std::cout << kaohe::io::ranked_table(card);
        for (const auto& w : card.warnings) std::cerr << "warning: " << w << "\n";
        if (!explain_unit.empty()) std::cout << "\n" << card.explain(explain_unit);
        if (!json_out.empty()) write(json_out, kaohe::io::scorecard_to_json(card));
        if (!csv_out.empty()) write(csv_out, kaohe::io::scorecard_to_csv(card));
        return 0;
    } catch (const kaohe::input_error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "internal error: " << e.what() << "\n";
        return 3;
    }
}
