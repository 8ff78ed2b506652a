// The exception classes of include/kaohe/error.hpp: where a problem is, and the bounded list of several.
#include <gtest/gtest.h>

#include <kaohe/error.hpp>

#include <string>
#include <vector>

namespace {

std::size_t count(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
    return n;
}

std::vector<std::string> numbered(std::size_t n) {
    std::vector<std::string> out;
    for (std::size_t i = 1; i <= n; ++i) out.push_back("row " + std::to_string(i) + ": not a number");
    return out;
}

}  // namespace

TEST(Errors, LocationPrintsOnlyTheFieldsThatAreSet) {
    EXPECT_EQ(kaohe::Location("r.csv", "", 3, "gdp").to_string(), "r.csv: row 3: column 'gdp'");
    EXPECT_EQ(kaohe::Location("", "district/law").to_string(), "district/law");
    EXPECT_EQ(kaohe::Location().to_string(), "");
    const kaohe::data_error e(kaohe::Location("r.csv", "", 3), "not a number");
    EXPECT_STREQ(e.what(), "r.csv: row 3: not a number");
    EXPECT_EQ(e.reason(), "not a number");
}

TEST(Errors, ManyProblemsListTheFirstHundredAndCountTheRest) {
    const kaohe::input_errors few(numbered(3), "3 problems:");
    EXPECT_EQ(count(few.what(), "\n  - "), 3u);
    EXPECT_EQ(std::string(few.what()).find("more"), std::string::npos);

    const kaohe::input_errors many(numbered(250), "250 problems:");
    const std::string text = many.what();
    EXPECT_EQ(count(text, "\n  - "), 100u);
    EXPECT_NE(text.find("row 100: not a number"), std::string::npos);
    EXPECT_EQ(text.find("row 101: not a number"), std::string::npos);
    EXPECT_NE(text.find("\n  ... and 150 more (fix these and run again)"), std::string::npos);
    EXPECT_EQ(many.problems().size(), 250u);  // every problem stays available to the caller
    EXPECT_EQ(many.problems().back(), "row 250: not a number");

    const kaohe::framework_errors framework(numbered(101), kaohe::Location("fw.json"));
    const std::string listed = framework.what();
    EXPECT_EQ(listed.rfind("fw.json: 101 problems:", 0), 0u);
    EXPECT_EQ(count(listed, "\n  - "), 100u);
    EXPECT_NE(listed.find("... and 1 more"), std::string::npos);
    EXPECT_EQ(framework.problems().size(), 101u);
}
