// libFuzzer target: kaohe's CSV reader (parse_csv).
//
// Any input must either give a table or throw kaohe::input_error (a data_error naming the row and reason).
// Anything else - a crash, a sanitizer report, another exception type, a hang - is a finding. A table that
// parses must be rectangular, as parse_csv promises (ragged rows are errors).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kaohe/error.hpp"
#include "kaohe/io/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const kaohe::io::CsvTable t = kaohe::io::parse_csv(text, "fuzz.csv");
        for (const auto& row : t.rows)
            if (row.size() != t.header.size()) std::abort();  // a ragged row got through
        for (const auto& name : t.header) static_cast<void>(t.column(name));
    } catch (const kaohe::input_error&) {
        // a clean, documented rejection
    }
    return 0;
}
