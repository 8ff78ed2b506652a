// Random index RI(n) for AHP's consistency ratio CR = CI / RI(n): the mean CI of random reciprocal matrices.
//
// Three tables are in circulation and they change published CRs in the second or third decimal, so the table is
// always chosen by name and recorded with the result (../shared/reference/ahp_reference.md has the provenance):
//   saaty_1980                Saaty, The Analytic Hierarchy Process (1980); n = 1..15. The most copied table
//                             (pyDecision, pyrepo-mcda); 1.48 at n = 12 is not monotone but is the published value.
//   saaty_2005_alonso_lamata  Saaty, Theory and Applications of the ANP (2005), p. 31 = Alonso & Lamata (2006);
//                             n = 1..15 (AHPy's 'saaty').
//   donegan_dodd_1991         Donegan & Dodd, Math. Comput. Modelling 15(10):135-137 (1991); n = 3..15 (AHPy's
//                             default 'dd' for these n).
// Beyond a table there is no RI: asking for the CR of a larger matrix is an error that says so, and the caller
// supplies RI(n) (a value or a table of their own, e.g. AHPy's Donegan-Dodd values up to n = 100). kaohe does not
// extrapolate, because an invented RI would give a CR that looks published and is not.
// For n <= 2 every matrix is consistent, so RI is 0 and CR = 0 by definition, whatever the table.
#pragma once

#include <cmath>
#include <cstddef>
#include <map>
#include <string>

#include "kaohe/detail/format.hpp"
#include "kaohe/error.hpp"

namespace kaohe::ahp {

enum class RiTable { saaty_1980, saaty_2005_alonso_lamata, donegan_dodd_1991, user };

inline const char* to_string(RiTable t) {
    switch (t) {
        case RiTable::saaty_1980:
            return "saaty_1980";
        case RiTable::saaty_2005_alonso_lamata:
            return "saaty_2005_alonso_lamata";
        case RiTable::donegan_dodd_1991:
            return "donegan_dodd_1991";
        case RiTable::user:
            return "user";
    }
    return "?";
}

// The published values, keyed by n.
inline const std::map<std::size_t, double>& random_index_table(RiTable t) {
    static const std::map<std::size_t, double> saaty_1980{{1, 0.00},  {2, 0.00},  {3, 0.58},  {4, 0.90},  {5, 1.12},
                                                          {6, 1.24},  {7, 1.32},  {8, 1.41},  {9, 1.45},  {10, 1.49},
                                                          {11, 1.51}, {12, 1.48}, {13, 1.56}, {14, 1.57}, {15, 1.59}};
    static const std::map<std::size_t, double> saaty_2005{{1, 0.00},  {2, 0.00},  {3, 0.52},  {4, 0.89},  {5, 1.11},
                                                          {6, 1.25},  {7, 1.35},  {8, 1.40},  {9, 1.45},  {10, 1.49},
                                                          {11, 1.52}, {12, 1.54}, {13, 1.56}, {14, 1.58}, {15, 1.59}};
    static const std::map<std::size_t, double> donegan_dodd{
        {3, 0.4914},  {4, 0.8286},  {5, 1.0591},  {6, 1.1797},  {7, 1.2519},  {8, 1.3171}, {9, 1.3733},
        {10, 1.4055}, {11, 1.4213}, {12, 1.4497}, {13, 1.4643}, {14, 1.4822}, {15, 1.4969}};
    static const std::map<std::size_t, double> none;
    switch (t) {
        case RiTable::saaty_1980:
            return saaty_1980;
        case RiTable::saaty_2005_alonso_lamata:
            return saaty_2005;
        case RiTable::donegan_dodd_1991:
            return donegan_dodd;
        case RiTable::user:
            return none;
    }
    return none;
}

// Which RI to divide by: a named table, a table of the caller's own, or one value for the matrix at hand.
class RandomIndex {
public:
    RandomIndex() = default;                      // saaty_1980
    RandomIndex(RiTable table) : table_(table) {  // NOLINT(google-explicit-constructor): RandomIndex ri = RiTable::...
        if (table == RiTable::user)
            throw data_error({}, "a user random index needs its values: use RandomIndex::value or RandomIndex::table");
    }
    // Looks a table up by its name (the names printed by to_string).
    static RandomIndex named(const std::string& name) {
        for (RiTable t : {RiTable::saaty_1980, RiTable::saaty_2005_alonso_lamata, RiTable::donegan_dodd_1991})
            if (name == to_string(t)) return RandomIndex(t);
        throw data_error({}, "unknown random index table '" + name +
                                 "' (known: saaty_1980, saaty_2005_alonso_lamata, donegan_dodd_1991; or give a number "
                                 "or a table n -> RI)");
    }
    // One RI used for whatever n the matrix has (n <= 2 still gives CR = 0).
    static RandomIndex value(double ri) {
        check_value(ri, "the random index");
        RandomIndex out;
        out.table_ = RiTable::user;
        out.fixed_ = ri;
        return out;
    }
    // The caller's table n -> RI; no interpolation between the listed n.
    static RandomIndex table(std::map<std::size_t, double> values) {
        for (const auto& [n, ri] : values) check_value(ri, "the random index for n = " + std::to_string(n));
        RandomIndex out;
        out.table_ = RiTable::user;
        out.values_ = std::move(values);
        return out;
    }

    [[nodiscard]] RiTable kind() const noexcept { return table_; }
    [[nodiscard]] std::string name() const { return to_string(table_); }

    // RI(n). 0 for n <= 2 (CR is 0 by definition there); an error when the table has no value for n.
    [[nodiscard]] double operator()(std::size_t n) const {
        if (n <= 2) return 0.0;
        double ri = fixed_;
        if (std::isnan(fixed_)) {
            const auto& values = table_ == RiTable::user ? values_ : random_index_table(table_);
            auto it = values.find(n);
            if (it == values.end()) {
                std::string range = values.empty() ? "no values"
                                                   : "n = " + std::to_string(values.begin()->first) + ".." +
                                                         std::to_string(values.rbegin()->first);
                throw data_error({}, "no random index for n = " + std::to_string(n) + " in the " + name() + " table (" +
                                         range + "): give RI(" + std::to_string(n) +
                                         ") yourself (a number or a table n -> RI) to get a consistency ratio");
            }
            ri = it->second;
        }
        if (!(ri > 0.0))
            throw data_error(
                {}, "the random index for n = " + std::to_string(n) + " must be positive, not " + detail::fmt(ri));
        return ri;
    }

private:
    static void check_value(double ri, const std::string& what) {
        if (!std::isfinite(ri) || ri < 0.0)
            throw data_error({}, what + " must be a finite number >= 0, not " + detail::fmt(ri));
    }
    RiTable table_ = RiTable::saaty_1980;
    double fixed_ = std::nan("");
    std::map<std::size_t, double> values_;
};

}  // namespace kaohe::ahp
