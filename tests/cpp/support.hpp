// Small builders for tests: frameworks and datasets written in a few lines.
#pragma once

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kaohe/score.hpp"

namespace kaohe::test {

inline constexpr double NA = std::numeric_limits<double>::quiet_NaN();

// A framework whose root (worth `total`) has the given nodes as children. Build nodes with leaf()/group().
struct TreeBuilder {
    Framework fw;
    explicit TreeBuilder(double total = 100.0, std::string root_id = "root") {
        fw.total = total;
        Node root;
        root.id = std::move(root_id);
        fw.nodes.push_back(root);
    }
    // Adds a leaf under `parent` (index) and returns its index.
    std::size_t leaf(std::size_t parent, std::string id, Weight w, Rule rule,
                     MissingPolicy missing = MissingPolicy::error) {
        Node n;
        n.id = std::move(id);
        n.weight = w;
        n.rule = std::move(rule);
        n.missing = missing;
        return add(parent, std::move(n));
    }
    std::size_t group(std::size_t parent, std::string id, Weight w, Aggregation agg = Aggregation::arithmetic) {
        Node n;
        n.id = std::move(id);
        n.weight = w;
        n.aggregation = agg;
        return add(parent, std::move(n));
    }
    std::size_t add(std::size_t parent, Node n) {
        n.parent = static_cast<std::ptrdiff_t>(parent);
        fw.nodes.push_back(std::move(n));
        const std::size_t index = fw.nodes.size() - 1;
        fw.nodes[parent].children.push_back(index);
        return index;
    }
    Node& node(std::size_t i) { return fw.nodes[i]; }
};

inline Weight points(double p) {
    return Weight{WeightKind::points, p};
}
inline Weight share(double s) {
    return Weight{WeightKind::share, s};
}
inline Weight relative(double w) {
    return Weight{WeightKind::relative, w};
}

// A framework with one leaf worth `max` points (the root's total) scored by `rule`.
inline Framework one_leaf(double max, Rule rule, MissingPolicy missing = MissingPolicy::error, std::string id = "x") {
    TreeBuilder b(max);
    b.leaf(0, std::move(id), points(max), std::move(rule), missing);
    return b.fw;
}

// Units u1..un (or the given ids) with one row of values per unit, one column per item.
inline Dataset dataset(const std::vector<std::string>& items, const std::vector<std::vector<double>>& rows,
                       std::vector<std::string> ids = {}, std::vector<std::string> categories = {}) {
    Dataset d;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        Unit u;
        u.id = i < ids.size() ? ids[i] : "u" + std::to_string(i + 1);
        u.name = u.id;
        if (i < categories.size()) u.category = categories[i];
        d.units.push_back(u);
    }
    d.items = items;
    d.values.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(items.size()));
    for (std::size_t i = 0; i < rows.size(); ++i)
        for (std::size_t j = 0; j < items.size(); ++j)
            d.values(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
    return d;
}

// One column of values, one unit per value.
inline Dataset column(const std::string& item, std::initializer_list<double> values) {
    std::vector<std::vector<double>> rows;
    for (double v : values) rows.push_back({v});
    return dataset({item}, rows);
}

inline Event event(EventType type, std::string unit, std::string target) {
    Event e;
    e.type = type;
    e.unit = std::move(unit);
    e.target = std::move(target);
    return e;
}

inline Input input(std::string item) {
    Input in;
    in.item = std::move(item);
    return in;
}

// The message of the exception of type E that `f` throws; a test failure if it throws anything else or nothing.
template <class E, class F>
std::string error_message(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "expected another exception type, got: " << e.what();
        return {};
    }
    ADD_FAILURE() << "expected an exception, nothing was thrown";
    return {};
}

// Every fragment must appear in the message.
inline void expect_mentions(const std::string& message, const std::vector<std::string>& fragments) {
    for (const auto& f : fragments)
        EXPECT_NE(message.find(f), std::string::npos) << "missing '" << f << "' in:\n" << message;
}

// Element access with std::size_t indices (Eigen wants Eigen::Index).
inline double at(const Eigen::VectorXd& v, std::size_t u) {
    return v(static_cast<Eigen::Index>(u));
}
inline double at(const Eigen::MatrixXd& m, std::size_t u, std::size_t n) {
    return m(static_cast<Eigen::Index>(u), static_cast<Eigen::Index>(n));
}
inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}
// Completion against a target of 100 (points = M x value / 100, capped).
inline CompletionRule completion(const std::string& item) {
    return CompletionRule{input(item), Reference::fixed(100.0), true};
}

// A private temporary directory, removed with everything in it when the object goes away.
class TempDir {
public:
    explicit TempDir(const std::string& prefix = "kaohe_test") {
        std::random_device rd;
        const auto tick = std::chrono::steady_clock::now().time_since_epoch().count();
        dir_ =
            std::filesystem::temp_directory_path() / (prefix + "_" + std::to_string(tick) + "_" + std::to_string(rd()));
        std::filesystem::create_directories(dir_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    // Writes `content` (bytes, as given) to a file in the directory and returns its path.
    std::string write(const std::string& name, const std::string& content) const {
        const auto path = dir_ / name;
        std::ofstream(path, std::ios::binary) << content;
        return path.string();
    }
    std::string path(const std::string& name) const { return (dir_ / name).string(); }

private:
    std::filesystem::path dir_;
};

// Points of unit `u` (0-based) on the card's total.
inline double total_of(const ScoreCard& card, std::size_t u) {
    return card.total(static_cast<Eigen::Index>(u));
}

}  // namespace kaohe::test
