// kaohe._core.Framework: a validated framework (parsed by the C++ JSON reader) and its resolved weights.
#include "bindings.hpp"
#include "kaohe/io/framework_json.hpp"

namespace kaohe::python {
namespace {

FrameworkHandle from_json(const std::string& text, const std::string& source) {
    auto fw = std::make_shared<Framework>(io::parse_framework_json(text, source));
    ResolvedWeights weights = resolve(*fw);
    return FrameworkHandle{std::move(fw), std::move(weights)};
}

py::list node_table(const FrameworkHandle& h) {
    py::list out;
    const Framework& fw = *h.framework;
    for (std::size_t i = 0; i < fw.nodes.size(); ++i) {
        const Node& n = fw.nodes[i];
        py::dict row;
        row["index"] = i;
        row["id"] = n.id;
        row["name"] = n.name;
        const std::string path = fw.path(i);
        row["path"] = path;
        row["parent"] = n.parent;
        row["depth"] = std::count(path.begin(), path.end(), '/');
        row["is_leaf"] = n.is_leaf();
        row["rule"] = n.rule ? py::str(rule_name(*n.rule)) : py::str("");
        row["aggregation"] = n.aggregation == Aggregation::geometric ? "geometric" : "arithmetic";
        out.append(row);
    }
    return out;
}

}  // namespace

void register_framework(py::module_& m) {
    py::class_<FrameworkHandle>(m, "Framework")
        .def_static("from_json", &from_json, py::arg("text"), py::arg("source") = "<string>",
                    "Parse and validate a framework from JSON text (errors name `source` and the JSON path).")
        .def("to_json", [](const FrameworkHandle& h) { return io::framework_to_json(*h.framework); })
        .def_property_readonly("id", [](const FrameworkHandle& h) { return h.framework->id; })
        .def_property_readonly("name", [](const FrameworkHandle& h) { return h.framework->name; })
        .def_property_readonly("total", [](const FrameworkHandle& h) { return h.framework->total; })
        .def_property_readonly("score_scale", [](const FrameworkHandle& h) { return h.framework->score_scale; })
        .def_property_readonly("source", [](const FrameworkHandle& h) { return h.framework->source; })
        .def_property_readonly("categories",
                               [](const FrameworkHandle& h) {
                                   std::vector<std::pair<std::string, std::string>> out;
                                   for (const auto& c : h.framework->categories) out.emplace_back(c.id, c.name);
                                   return out;
                               })
        .def_property_readonly("category_ids", [](const FrameworkHandle& h) { return h.weights.categories; })
        .def_property_readonly("nodes", &node_table)
        .def_property_readonly("leaves", [](const FrameworkHandle& h) { return h.framework->leaves(); })
        .def_property_readonly("node_count", [](const FrameworkHandle& h) { return h.framework->nodes.size(); })
        .def_property_readonly("adjustment_ids",
                               [](const FrameworkHandle& h) {
                                   std::vector<std::string> out;
                                   for (const auto& a : h.framework->adjustments) out.push_back(a.id);
                                   return out;
                               })
        .def_property_readonly("grades",
                               [](const FrameworkHandle& h) {
                                   std::vector<std::pair<std::string, std::string>> out;
                                   for (const auto& b : h.framework->grading.bands) out.emplace_back(b.id, b.name);
                                   return out;
                               })
        .def_property_readonly("rounding",
                               [](const FrameworkHandle& h) {
                                   const auto& r = h.framework->rounding;
                                   py::dict d;
                                   d["total"] = r.total ? py::object(py::int_(*r.total)) : py::object(py::none());
                                   d["nodes"] = r.nodes ? py::object(py::int_(*r.nodes)) : py::object(py::none());
                                   d["leaves"] = r.leaves ? py::object(py::int_(*r.leaves)) : py::object(py::none());
                                   return d;
                               })
        .def_property_readonly(
            "max_points",
            [](const FrameworkHandle& h) {
                const auto& mp = h.weights.max_points;
                py::array_t<double> out({mp.size(), h.framework->nodes.size()});
                auto v = out.mutable_unchecked<2>();
                for (std::size_t c = 0; c < mp.size(); ++c)
                    for (std::size_t n = 0; n < mp[c].size(); ++n)
                        v(static_cast<py::ssize_t>(c), static_cast<py::ssize_t>(n)) = mp[c][n];
                return out;
            },
            "Maximum points of every node (categories x nodes); 0 where a node does not apply.");
}

}  // namespace kaohe::python
