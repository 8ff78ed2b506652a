// libFuzzer target: kaohe's JSON framework reader (parse_framework_json, which also validates the framework).
//
// Any input must either give a framework or throw kaohe::input_error (framework_error and its kin), the
// documented error for a bad framework. Anything else - a crash, a sanitizer report, another exception type,
// a hang - is a finding. A framework that parses is written back and re-read: the writer must produce what the
// reader accepts (framework_to_json's documented promise).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kaohe/error.hpp"
#include "kaohe/io/framework_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const kaohe::Framework fw = kaohe::io::parse_framework_json(text, "fuzz.json");
        // The round trip must succeed: an input_error here escapes to libFuzzer as a finding.
        static_cast<void>(kaohe::io::parse_framework_json(kaohe::io::framework_to_json(fw), "roundtrip.json"));
        return 0;
    } catch (const kaohe::input_error&) {
        return 0;  // a clean, documented rejection
    }
}
