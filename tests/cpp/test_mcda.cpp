// MCDA methods against the published values in shared/reference/mcda_reference_vectors.json (every non-AHP
// case, loaded from the file itself), each to the tolerance its source asserted, with the convention that
// reproduces it named in the test. Properties and degenerate data are in test_mcda_properties.cpp.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "kaohe/mcda/combined_weights.hpp"
#include "kaohe/mcda/normalisation.hpp"
#include "kaohe/mcda/objective_weights.hpp"
#include "kaohe/mcda/rank_correlation.hpp"
#include "kaohe/mcda/topsis.hpp"
#include "kaohe/mcda/vikor.hpp"
#include "kaohe/mcda/weighted_sum.hpp"

namespace json = boost::json;
using namespace kaohe::mcda;

namespace {

const std::string reference_file = std::string(KAOHE_REFERENCE_DIR) + "/mcda_reference_vectors.json";

const json::array& all_cases() {
    static const json::array cases = [] {
        std::ifstream in(reference_file, std::ios::binary);
        if (!in) return json::array{};
        std::stringstream buf;
        buf << in.rdbuf();
        return json::parse(buf.str()).as_array();
    }();
    return cases;
}

std::vector<const json::object*> cases_of(const std::string& method) {
    std::vector<const json::object*> out;
    for (const auto& c : all_cases())
        if (c.as_object().at("method").as_string() == method) out.push_back(&c.as_object());
    return out;
}

const json::object& case_by_id(const std::string& id) {
    for (const auto& c : all_cases())
        if (c.as_object().at("id").as_string() == id) return c.as_object();
    throw std::runtime_error("no reference case " + id);
}

std::string id_of(const json::object& c) {
    return std::string(c.at("id").as_string());
}

double num(const json::value& v) {
    return v.to_number<double>();
}

std::vector<double> numbers(const json::value& v) {
    std::vector<double> out;
    for (const auto& e : v.as_array()) out.push_back(num(e));
    return out;
}

RowMatrix matrix_of(const json::object& c) {
    const auto& rows = c.at("matrix").as_array();
    const auto m = static_cast<Eigen::Index>(rows.size());
    const auto n = static_cast<Eigen::Index>(rows[0].as_array().size());
    RowMatrix x(m, n);
    for (Eigen::Index i = 0; i < m; ++i)
        for (Eigen::Index j = 0; j < n; ++j)
            x(i, j) = num(rows[static_cast<std::size_t>(i)].as_array()[static_cast<std::size_t>(j)]);
    return x;
}

CriterionTypes types_of(const json::object& c) {
    if (c.at("types").is_null()) return {};
    std::vector<int> signs;
    for (const auto& t : c.at("types").as_array()) signs.push_back(static_cast<int>(num(t)));
    return criterion_types(signs);
}

Vector vec(const std::vector<double>& v) {
    return Eigen::Map<const Vector>(v.data(), static_cast<Eigen::Index>(v.size()));
}

Vector weights_of(const json::object& c) {
    return vec(numbers(c.at("weights")));
}

// |actual - expected| allowed by the case's tolerance (round k: 0.5e-k; allclose: atol + rtol |expected|;
// assertAlmostEqual places p: 0.5e-p).
double allowed(const json::object& tol, double expected, const std::string& key = {}) {
    const std::string kind(tol.at("kind").as_string());
    if (kind == "round") return num(tol.at("abs")) * (1 + 1e-9);
    if (kind == "allclose") return num(tol.at("atol")) + num(tol.at("rtol")) * std::abs(expected);
    if (kind == "assertAlmostEqual") {
        const std::string places_key = key.empty() ? "places" : key + "_places";
        return 0.5 * std::pow(10.0, -num(tol.at(places_key)));
    }
    ADD_FAILURE() << "unknown tolerance kind " << kind;
    return 0;
}

void expect_close(const Vector& actual, const json::value& expected, const json::object& tol, const std::string& what) {
    const std::vector<double> e = numbers(expected);
    ASSERT_EQ(static_cast<std::size_t>(actual.size()), e.size()) << what;
    for (std::size_t i = 0; i < e.size(); ++i)
        EXPECT_NEAR(actual(static_cast<Eigen::Index>(i)), e[i], allowed(tol, e[i])) << what << " [" << i << "]";
}

void expect_ranks(const std::vector<double>& actual, const json::value& expected, const std::string& what) {
    EXPECT_EQ(actual, numbers(expected)) << what;
}

bool have_reference() {
    return std::filesystem::exists(reference_file);
}

#define REQUIRE_REFERENCE() \
    if (!have_reference()) GTEST_SKIP() << "shared reference data not found at " << reference_file

}  // namespace

// ---- objective weights ----------------------------------------------------------------------------------------

// Every published entropy case: p = x / sum x with criterion types ignored (the sources list types but do not
// pass them), ln, entropy divided by ln m.
TEST(McdaReference, EntropyWeightsWithTypesIgnored) {
    REQUIRE_REFERENCE();
    const auto cases = cases_of("entropy_weights");
    ASSERT_EQ(cases.size(), 6u);
    for (const auto* c : cases) {
        const WeightResult r = entropy_weights(matrix_of(*c));  // cost = ignore
        EXPECT_EQ(r.variant, "cost=ignore");
        expect_close(r.weights, c->at("expected").at("weights"), c->at("tolerance").as_object(), id_of(*c));
        EXPECT_NEAR(r.weights.sum(), 1.0, 1e-12);
    }
}

// CRITIC conventions, named per case:
//   Tus & Adali 2019 (pymcdm): min-max with every column as a benefit (types ignored; C1 is a cost);
//   Diakoulaki 1995 scaled (scikit-criteria scale=True): min-max oriented by type; raw: no normalisation;
//   Pearson or Spearman correlation as the case says. Population sd (ddof cancels).
TEST(McdaReference, CriticWeightsNamedConventions) {
    REQUIRE_REFERENCE();
    const std::map<std::string, std::pair<CriticNormalisation, Correlation>> convention{
        {"critic-tus2019", {CriticNormalisation::minmax_all_benefit, Correlation::pearson}},
        {"critic-diakoulaki1995-scaled-pearson", {CriticNormalisation::minmax, Correlation::pearson}},
        {"critic-diakoulaki1995-raw-pearson", {CriticNormalisation::none, Correlation::pearson}},
        {"critic-diakoulaki1995-scaled-spearman", {CriticNormalisation::minmax, Correlation::spearman}},
        {"critic-diakoulaki1995-raw-spearman", {CriticNormalisation::none, Correlation::spearman}},
    };
    const auto cases = cases_of("critic_weights");
    ASSERT_EQ(cases.size(), convention.size());
    for (const auto* c : cases) {
        const auto it = convention.find(id_of(*c));
        ASSERT_NE(it, convention.end()) << "no convention named for " << id_of(*c);
        CriticOptions o;
        o.normalisation = it->second.first;
        o.correlation = it->second.second;
        const WeightResult r = critic_weights(matrix_of(*c), types_of(*c), o);
        expect_close(r.weights, c->at("expected").at("weights"), c->at("tolerance").as_object(), id_of(*c));
        EXPECT_NE(r.variant.find(to_string(o.correlation)), std::string::npos);
    }
    // The same Tus & Adali matrix with C1 oriented as a cost (types honoured) gives the values the reference
    // computed for that convention (derived, not published), which is why the convention must be a parameter.
    const auto& tus = case_by_id("critic-tus2019");
    CriticOptions oriented;
    oriented.normalisation = CriticNormalisation::minmax;
    const WeightResult r = critic_weights(matrix_of(tus), types_of(tus), oriented);
    const auto derived = numbers(tus.at("derived").at("weights_if_C1_oriented_as_cost"));
    for (std::size_t j = 0; j < derived.size(); ++j)
        EXPECT_NEAR(r.weights(static_cast<Eigen::Index>(j)), derived[j], 1e-6);
}

// Standard-deviation weights on the raw values (no normalisation); ddof cancels.
TEST(McdaReference, StdWeightsOnRawValues) {
    REQUIRE_REFERENCE();
    const auto cases = cases_of("std_weights");
    ASSERT_EQ(cases.size(), 3u);
    for (const auto* c : cases) {
        const WeightResult r = std_weights(matrix_of(*c));
        EXPECT_EQ(r.variant, "normalisation=none");
        expect_close(r.weights, c->at("expected").at("weights"), c->at("tolerance").as_object(), id_of(*c));
    }
}

// MEREC with its own linear normalisation (benefit min/x, cost x/max).
TEST(McdaReference, MerecWeights) {
    REQUIRE_REFERENCE();
    const auto cases = cases_of("merec_weights");
    ASSERT_EQ(cases.size(), 1u);
    for (const auto* c : cases) {
        const WeightResult r = merec_weights(matrix_of(*c), types_of(*c));
        expect_close(r.weights, c->at("expected").at("weights"), c->at("tolerance").as_object(), id_of(*c));
    }
}

// ---- normalisations -------------------------------------------------------------------------------------------

// pymcdm's cost rules: minmax (max-x)/(max-min), max 1-x/max, sum (1/x)/sum(1/x), vector 1-x/||x||, linear min/x.
TEST(McdaReference, NormalisationCostConventions) {
    REQUIRE_REFERENCE();
    int seen = 0;
    for (const auto& v : all_cases()) {
        const auto& c = v.as_object();
        const std::string method(c.at("method").as_string());
        if (method.rfind("normalization:", 0) != 0) continue;
        ++seen;
        const Normalisation how = parse_normalisation(method.substr(std::string("normalization:").size()));
        const RowMatrix r = normalise(matrix_of(c), types_of(c), how);
        const Vector flat = Eigen::Map<const Vector>(r.data(), r.size());  // row-major, as the case is laid out
        expect_close(flat, c.at("expected").at("normalized_flat"), c.at("tolerance").as_object(), id_of(c));
    }
    EXPECT_EQ(seen, 5);
}

// ---- rankings -------------------------------------------------------------------------------------------------

// TOPSIS: the published numbers need a particular normalisation, named per case.
TEST(McdaReference, TopsisNamedNormalisation) {
    REQUIRE_REFERENCE();
    const std::map<std::string, TopsisNormalisation> convention{
        {"topsis-opricovic2004-minmax", TopsisNormalisation::minmax},
        {"topsis-pymcdm-readme", TopsisNormalisation::minmax},
        {"topsis-tzeng2011", TopsisNormalisation::vector},
        {"topsis-skc-unnormalised", TopsisNormalisation::none},
        {"topsis-ersoy2021", TopsisNormalisation::vector},
    };
    const auto cases = cases_of("topsis");
    ASSERT_EQ(cases.size(), convention.size());
    for (const auto* c : cases) {
        const auto it = convention.find(id_of(*c));
        ASSERT_NE(it, convention.end()) << "no convention named for " << id_of(*c);
        TopsisOptions o;
        o.normalisation = it->second;
        const TopsisResult r = topsis(matrix_of(*c), weights_of(*c), types_of(*c), o);
        const auto& e = c->at("expected").as_object();
        const auto& tol = c->at("tolerance").as_object();
        expect_close(r.scores, e.contains("preference") ? e.at("preference") : e.at("similarity"), tol, id_of(*c));
        if (e.contains("rank")) expect_ranks(r.ranking, e.at("rank"), id_of(*c));
        if (e.contains("ranking")) expect_ranks(r.ranking, e.at("ranking"), id_of(*c));
        if (e.contains("ideal")) expect_close(r.ideal, e.at("ideal"), tol, id_of(*c) + " ideal");
        if (e.contains("anti_ideal")) expect_close(r.anti_ideal, e.at("anti_ideal"), tol, id_of(*c) + " anti-ideal");
        // The other normalisation gives the (derived, computed) values the reference lists, so the variant matters.
        const auto& der = c->at("derived").as_object();
        for (const auto& [key, other] : {std::pair{"vector_normalisation_would_give", TopsisNormalisation::vector},
                                         std::pair{"minmax_normalisation_would_give", TopsisNormalisation::minmax}}) {
            if (!der.contains(key)) continue;
            TopsisOptions alt;
            alt.normalisation = other;
            const TopsisResult a = topsis(matrix_of(*c), weights_of(*c), types_of(*c), alt);
            const auto values = numbers(der.at(key));
            for (std::size_t i = 0; i < values.size(); ++i)
                EXPECT_NEAR(a.scores(static_cast<Eigen::Index>(i)), values[i], 1e-9) << id_of(*c) << " " << key;
        }
    }
}

// VIKOR: weights divided by their sum (Opricovic & Tzeng 2007's raw weight sets need it; it changes nothing for
// weights that already sum to 1); v as the case says; ranks with dense ties, by Q when the source turned the
// compromise set off (use_compromise_set=false), else compromise set first (scikit-criteria's default).
TEST(McdaReference, VikorSRQConditionsAndCompromiseSet) {
    REQUIRE_REFERENCE();
    const auto cases = cases_of("vikor");
    ASSERT_EQ(cases.size(), 10u);
    for (const auto* c : cases) {
        const auto& p = c->at("params").as_object();
        const auto& e = c->at("expected").as_object();
        const auto& tol = c->at("tolerance").as_object();
        const std::string id = id_of(*c);
        VikorOptions o;
        o.v = num(p.at("v"));
        o.weights = WeightScaling::normalise;
        o.ties = TieMethod::dense;
        const bool compromise_off = p.contains("use_compromise_set") && !p.at("use_compromise_set").as_bool();
        o.ranking = compromise_off ? VikorRanking::by_q : VikorRanking::compromise_first;
        const VikorResult r = vikor(matrix_of(*c), weights_of(*c), types_of(*c), o);
        expect_close(r.Q, e.at("Q"), tol, id + " Q");
        if (e.contains("S")) expect_close(r.S, e.at("S"), tol, id + " S");
        if (e.contains("R")) expect_close(r.R, e.at("R"), tol, id + " R");
        if (e.contains("rank")) expect_ranks(r.ranking, e.at("rank"), id);
        if (e.contains("acceptable_advantage")) {
            EXPECT_EQ(r.acceptable_advantage, e.at("acceptable_advantage").as_bool()) << id;
        }
        if (e.contains("acceptable_stability")) {
            EXPECT_EQ(r.acceptable_stability, e.at("acceptable_stability").as_bool()) << id;
        }
        if (e.contains("compromise_set_index")) {
            std::vector<double> set(r.compromise.begin(), r.compromise.end());
            EXPECT_EQ(set, numbers(e.at("compromise_set_index"))) << id;
        }
        if (e.contains("rank_with_compromise_set")) {
            VikorOptions with = o, without = o;
            with.ranking = VikorRanking::compromise_first;
            without.ranking = VikorRanking::by_q;
            expect_ranks(vikor(matrix_of(*c), weights_of(*c), types_of(*c), with).ranking,
                         e.at("rank_with_compromise_set"), id + " with compromise set");
            expect_ranks(vikor(matrix_of(*c), weights_of(*c), types_of(*c), without).ranking,
                         e.at("rank_without_compromise_set"), id + " without compromise set");
        }
        // Full-precision (derived) S, R, Q from the reference's independent implementation.
        const auto& der = c->at("derived").as_object();
        for (const auto& [key, got] :
             {std::pair{"Q_full", &r.Q}, std::pair{"S_full", &r.S}, std::pair{"R_full", &r.R}}) {
            const auto values = numbers(der.at(key));
            for (std::size_t i = 0; i < values.size(); ++i)
                EXPECT_NEAR((*got)(static_cast<Eigen::Index>(i)), values[i], 1e-12) << id << " " << key;
        }
    }
}

// Weighted sum with sum normalisation (cost (1/x)/sum(1/x)); Kracka 2010 (scikit-criteria) divides the weights by
// their sum, pymcdm uses them as given (they sum to 2 in its test).
TEST(McdaReference, WeightedSumNamedWeightScaling) {
    REQUIRE_REFERENCE();
    const std::map<std::string, WeightScaling> convention{{"wsm-kracka2010", WeightScaling::normalise},
                                                          {"wsm-pymcdm-self", WeightScaling::as_given}};
    const auto cases = cases_of("weighted_sum");
    ASSERT_EQ(cases.size(), convention.size());
    for (const auto* c : cases) {
        WeightedSumOptions o;
        o.normalisation = Normalisation::sum;
        o.weights = convention.at(id_of(*c));
        const ScoreResult r = weighted_sum(matrix_of(*c), weights_of(*c), types_of(*c), o);
        const auto& e = c->at("expected").as_object();
        expect_close(r.scores, e.contains("score") ? e.at("score") : e.at("preference"), c->at("tolerance").as_object(),
                     id_of(*c));
        if (e.contains("rank")) expect_ranks(r.ranking, e.at("rank"), id_of(*c));
    }
}

// ---- rank comparison ------------------------------------------------------------------------------------------

TEST(McdaReference, RankCorrelations) {
    REQUIRE_REFERENCE();
    const auto cases = cases_of("rank_correlation");
    ASSERT_EQ(cases.size(), 3u);
    for (const auto* c : cases) {
        const auto x = numbers(c->at("params").at("x")), y = numbers(c->at("params").at("y"));
        const auto& e = c->at("expected").as_object();
        const auto& tol = c->at("tolerance").as_object();
        const std::string id = id_of(*c);
        const std::string kind(tol.at("kind").as_string());
        if (kind == "mixed") {
            // Sałabun & Urbaniak 2020: r_s asserted with exact equality (the closed form gives exactly 0.9),
            // r_w and WS rounded to 4 decimals.
            EXPECT_EQ(spearman(x, y), num(e.at("r_s"))) << id;
            EXPECT_NEAR(weighted_spearman(x, y), num(e.at("r_w")), 0.5e-4) << id;
            EXPECT_NEAR(ws_similarity(x, y), num(e.at("WS")), 0.5e-4) << id;
        } else {
            if (e.contains("r_s")) {
                EXPECT_NEAR(spearman(x, y), num(e.at("r_s")), allowed(tol, num(e.at("r_s")))) << id;
            }
            if (e.contains("r_w")) {
                EXPECT_NEAR(weighted_spearman(x, y), num(e.at("r_w")), allowed(tol, num(e.at("r_w")))) << id;
            }
            if (e.contains("WS")) {
                EXPECT_NEAR(ws_similarity(x, y), num(e.at("WS")), allowed(tol, num(e.at("WS")))) << id;
            }
        }
        // Kendall tau has no published value here; the reference's derived (computed) value.
        EXPECT_NEAR(kendall_tau_b(x, y), num(c->at("derived").at("kendall_tau")), 1e-6) << id;
        EXPECT_NEAR(weighted_spearman(x, y), num(c->at("derived").at("r_w")), 1e-6) << id;
        EXPECT_NEAR(ws_similarity(x, y), num(c->at("derived").at("WS")), 1e-6) << id;
    }
}

TEST(McdaReference, DrawsDistance) {
    REQUIRE_REFERENCE();
    const auto cases = cases_of("draWS_distance");
    ASSERT_EQ(cases.size(), 1u);
    const auto& c = *cases[0];
    const auto ref = numbers(c.at("params").at("reference"));
    const auto& tol = c.at("tolerance").as_object();
    int n = 0;
    for (const auto& item : c.at("params").at("cases").as_array()) {
        const auto y = numbers(item.as_array()[0]);
        const double expected = num(item.as_array()[1]);
        EXPECT_NEAR(draws_distance(ref, y), expected, allowed(tol, expected)) << n;
        ++n;
    }
    EXPECT_EQ(n, 8);
}

TEST(McdaReference, KemenyAndFrobeniusDistances) {
    REQUIRE_REFERENCE();
    const auto cases = cases_of("ranking_distance");
    ASSERT_EQ(cases.size(), 1u);
    const auto& c = *cases[0];
    const auto ref = numbers(c.at("params").at("reference"));
    const auto& tol = c.at("tolerance").as_object();
    int n = 0;
    for (const auto& item : c.at("params").at("cases").as_array()) {
        const auto y = numbers(item.as_array()[0]);
        const double kemeny = num(item.as_array()[1]), frob = num(item.as_array()[2]);
        EXPECT_NEAR(kemeny_distance(ref, y), kemeny, allowed(tol, kemeny, "kemeny")) << n;
        EXPECT_NEAR(frobenius_distance(ref, y), frob, allowed(tol, frob, "frobenius")) << n;
        ++n;
    }
    EXPECT_EQ(n, 13);
}

// Every non-AHP case in the file is covered by one of the tests above (a new method in the file fails here).
TEST(McdaReference, EveryNonAhpCaseIsCovered) {
    REQUIRE_REFERENCE();
    const std::set<std::string> covered{"entropy_weights", "critic_weights",  "std_weights",  "merec_weights",
                                        "topsis",          "vikor",           "weighted_sum", "rank_correlation",
                                        "draWS_distance",  "ranking_distance"};
    for (const auto& v : all_cases()) {
        const std::string method(v.as_object().at("method").as_string());
        if (method.rfind("ahp_", 0) == 0 || method.rfind("normalization:", 0) == 0) continue;
        EXPECT_TRUE(covered.count(method)) << "reference method not covered: " << method;
    }
}
