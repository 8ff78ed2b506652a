// kaohe._core.score and kaohe._core.ScoreCard. Inputs arrive as plain arrays and lists (the Python layer
// does the pandas work); score() runs with the GIL released; results leave as read-only numpy views on the
// score card's own Eigen storage (no copies), kept alive by the score card object.
#include <unordered_map>

#include "bindings.hpp"
#include "kaohe/io/scorecard_io.hpp"
#include "kaohe/score.hpp"

namespace kaohe::python {
namespace {

using EventRow = std::tuple<std::string, std::string, std::string, std::string, std::string, std::string, std::string,
                            double, double, double, std::string, std::string, std::string, long>;

EventType event_type(const std::string& name) {
    static const std::unordered_map<std::string, EventType> types{
        {"deduction", EventType::deduction}, {"bonus", EventType::bonus},         {"rating", EventType::rating},
        {"manual", EventType::manual},       {"judgement", EventType::judgement}, {"override", EventType::override_},
        {"veto", EventType::veto},           {"grade", EventType::grade}};
    auto it = types.find(name);
    if (it == types.end())
        throw data_error({}, "unknown event type '" + name +
                                 "' (known: deduction, bonus, rating, manual, judgement, override, veto, grade)");
    return it->second;
}

CardHandle run_score(const FrameworkHandle& fw, std::vector<std::string> ids, std::vector<std::string> names,
                     std::vector<std::string> categories, std::vector<bool> in_pool, std::vector<std::string> items,
                     const py::array_t<double, py::array::f_style | py::array::forcecast>& values,
                     const std::vector<std::tuple<long, long, std::string>>& text, const std::vector<EventRow>& events,
                     bool unused_items_are_errors, std::string results_source, std::string events_source,
                     std::string units_source) {
    auto owned = std::make_shared<Dataset>();
    Dataset& data = *owned;
    const std::size_t n = ids.size();
    if (names.size() != n || categories.size() != n || in_pool.size() != n)
        throw data_error({}, "unit ids, names, categories and in_pool must have the same length");
    if (values.ndim() != 2 || static_cast<std::size_t>(values.shape(0)) != n ||
        static_cast<std::size_t>(values.shape(1)) != items.size())
        throw data_error({results_source}, "the results array must be units x items");
    for (std::size_t i = 0; i < n; ++i) data.units.push_back({ids[i], names[i], categories[i], in_pool[i]});
    data.items = std::move(items);
    data.values = Eigen::Map<const Eigen::MatrixXd>(values.data(), values.shape(0), values.shape(1));
    for (const auto& [u, i, t] : text) {
        if (u < 0 || i < 0 || static_cast<std::size_t>(u) >= n || static_cast<std::size_t>(i) >= data.items.size())
            throw data_error({results_source}, "text answer outside the results table");
        data.text[{static_cast<std::size_t>(u), static_cast<std::size_t>(i)}] = t;
    }
    for (const auto& row : events) {
        Event e;
        e.type = event_type(std::get<0>(row));
        e.unit = std::get<1>(row);
        e.target = std::get<2>(row);
        e.kind = std::get<3>(row);
        e.item = std::get<4>(row);
        e.level = std::get<5>(row);
        e.rater = std::get<6>(row);
        e.count = std::get<7>(row);
        e.value = std::get<8>(row);
        e.share = std::get<9>(row);
        e.note = std::get<10>(row);
        e.evidence = std::get<11>(row);
        e.source = Location(std::get<12>(row), {}, std::get<13>(row));
        data.events.push_back(std::move(e));
    }
    data.results_source = std::move(results_source);
    data.events_source = std::move(events_source);
    data.units_source = std::move(units_source);
    ScoreOptions options;
    options.unused_items_are_errors = unused_items_are_errors;
    py::gil_scoped_release release;  // conversions are done; the engine touches no Python object
    return CardHandle{std::make_shared<const ScoreCard>(
        score(*fw.framework, std::shared_ptr<const Dataset>(std::move(owned)), options))};
}

const ScoreCard& card_of(py::handle self) {
    return *self.cast<const CardHandle&>().card;
}

}  // namespace

void register_scoring(py::module_& m) {
    m.def("score", &run_score, py::arg("framework"), py::arg("ids"), py::arg("names"), py::arg("categories"),
          py::arg("in_pool"), py::arg("items"), py::arg("values"), py::arg("text"), py::arg("events"),
          py::arg("unused_items_are_errors") = true, py::arg("results_source") = "", py::arg("events_source") = "",
          py::arg("units_source") = "", "Score units on a framework. Runs without the GIL.");

    py::class_<CardHandle>(m, "ScoreCard")
        .def_property_readonly("unit_ids",
                               [](py::handle self) {
                                   std::vector<std::string> out;
                                   for (const auto& u : card_of(self).units) out.push_back(u.id);
                                   return out;
                               })
        .def_property_readonly("unit_category", [](py::handle self) { return card_of(self).unit_category; })
        .def_property_readonly("leaves", [](py::handle self) { return card_of(self).leaves; })
        .def_property_readonly("leaf_ratio",
                               [](py::handle self) { return matrix_view(card_of(self).leaf_ratio, self); })
        .def_property_readonly("node_points",
                               [](py::handle self) { return matrix_view(card_of(self).node_points, self); })
        .def_property_readonly("adjustment_points",
                               [](py::handle self) { return matrix_view(card_of(self).adjustment_points, self); })
        .def_property_readonly("weighted_total",
                               [](py::handle self) { return vector_view(card_of(self).weighted_total, self); })
        .def_property_readonly("total", [](py::handle self) { return vector_view(card_of(self).total, self); })
        .def_property_readonly("rank", [](py::handle self) { return vector_view(card_of(self).rank, self); })
        .def_property_readonly("rank_in_category",
                               [](py::handle self) { return vector_view(card_of(self).rank_in_category, self); })
        .def_property_readonly("grade", [](py::handle self) { return card_of(self).grade; })
        .def_property_readonly("disqualified", [](py::handle self) { return card_of(self).disqualified; })
        .def_property_readonly("warnings", [](py::handle self) { return card_of(self).warnings; })
        .def("leaf_points",
             [](py::handle self) {
                 const Eigen::MatrixXd p = card_of(self).leaf_points();
                 py::array_t<double, py::array::f_style> out({p.rows(), p.cols()});
                 std::copy(p.data(), p.data() + p.size(), out.mutable_data());
                 return out;
             })
        .def("node_scores",
             [](py::handle self) {
                 const Eigen::MatrixXd p = card_of(self).node_scores();
                 py::array_t<double, py::array::f_style> out({p.rows(), p.cols()});
                 std::copy(p.data(), p.data() + p.size(), out.mutable_data());
                 return out;
             })
        .def("order", [](py::handle self) { return card_of(self).order(); })
        .def("explain", [](py::handle self, const std::string& unit) { return card_of(self).explain(unit); })
        .def("explain_lines",
             [](py::handle self, std::size_t unit) {
                 std::vector<std::tuple<std::string, std::string, double, std::string>> out;
                 for (const auto& l : card_of(self).explain_lines(unit))
                     out.emplace_back(l.path, l.kind, l.points, l.note);
                 return out;
             })
        .def("published", [](py::handle self, double value,
                             const std::string& what) { return card_of(self).published(value, what.c_str()); })
        .def("to_json", [](py::handle self) { return io::scorecard_to_json(card_of(self)); })
        .def("to_csv", [](py::handle self) { return io::scorecard_to_csv(card_of(self)); })
        .def("ranked_table", [](py::handle self) { return io::ranked_table(card_of(self)); });
}

}  // namespace kaohe::python
