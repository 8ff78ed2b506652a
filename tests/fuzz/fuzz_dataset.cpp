// libFuzzer target: kaohe's dataset loader (load_dataset: units, results and events tables into a Dataset),
// then scoring that dataset against the district-2019 example framework, so the scoring path sees hostile
// data too.
//
// The loader reads files, so the input is split into up to three files at lines "====": units, results and
// (optional) events. A part whose first non-blank byte is '{' or '[' is written as .json, any other as .csv.
// Any input must either score or throw kaohe::input_error (data_error for bad tables, framework_error or
// input_errors for data the framework cannot score). Anything else - a crash, a sanitizer report, another
// exception type, a hang - is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include "kaohe/error.hpp"
#include "kaohe/io/dataset_io.hpp"
#include "kaohe/io/framework_json.hpp"
#include "kaohe/score.hpp"

namespace {

namespace fs = std::filesystem;

const kaohe::Framework& framework() {
    static const kaohe::Framework fw = kaohe::io::read_framework_json(KAOHE_FUZZ_FRAMEWORK);
    return fw;
}

// One directory per process (libFuzzer's -jobs/-fork run several), removed at exit.
const fs::path& work_dir() {
    static const fs::path dir = [] {
        fs::path d = fs::temp_directory_path() / ("kaohe-fuzz-dataset-" + std::to_string(::getpid()));
        fs::create_directories(d);
        return d;
    }();
    static const struct Cleanup {
        ~Cleanup() {
            std::error_code ec;
            fs::remove_all(dir, ec);
        }
    } cleanup;
    return dir;
}

std::vector<std::string_view> parts_of(std::string_view text) {
    constexpr std::string_view separator = "\n====\n";
    std::vector<std::string_view> parts;
    while (parts.size() < 2) {
        const std::size_t at = text.find(separator);
        if (at == std::string_view::npos) break;
        parts.push_back(text.substr(0, at));
        text.remove_prefix(at + separator.size());
    }
    parts.push_back(text);
    return parts;
}

std::string write_part(std::string_view content, const std::string& stem) {
    const std::size_t first = content.find_first_not_of(" \t\r\n");
    const bool json = first != std::string_view::npos && (content[first] == '{' || content[first] == '[');
    const fs::path path = work_dir() / (stem + (json ? ".json" : ".csv"));
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) std::abort();  // the harness's own failure, not kaohe's
    return path.string();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::vector<std::string_view> parts = parts_of({reinterpret_cast<const char*>(data), size});
    const std::string units = write_part(parts[0], "units");
    const std::string results = write_part(parts.size() > 1 ? parts[1] : std::string_view{}, "results");
    const std::string events = parts.size() > 2 ? write_part(parts[2], "events") : std::string{};
    try {
        const kaohe::Dataset ds = kaohe::io::load_dataset(units, results, events);
        const kaohe::ScoreCard card = kaohe::score(framework(), ds);
        if (!ds.units.empty()) static_cast<void>(card.explain(ds.units.front().id));  // the explanation path too
    } catch (const kaohe::input_error&) {
        // a clean, documented rejection
    }
    // Remove this input's files so the next input cannot read a stale events file.
    std::error_code ec;
    for (const std::string* p : {&units, &results, &events})
        if (!p->empty()) fs::remove(*p, ec);
    return 0;
}
