// kaohe._core.ahp_*: AHP priorities, group AHP and whole hierarchies (include/kaohe/mcda/ahp*.hpp). Matrices
// arrive as 2-D float arrays (NaN = missing judgement) with criterion names; results leave as dicts of plain
// values and numpy arrays, which python/kaohe/ahp.py turns into pandas objects.
#include <cmath>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "bindings.hpp"
#include "kaohe/mcda/ahp.hpp"
#include "kaohe/mcda/ahp_group.hpp"
#include "kaohe/mcda/ahp_hierarchy.hpp"

namespace kaohe::python {
namespace {

using Matrix = py::array_t<double, py::array::c_style | py::array::forcecast>;

Eigen::MatrixXd to_matrix(const Matrix& a, const std::string& what) {
    if (a.ndim() != 2)
        throw data_error({}, what + " must be a 2-D table of judgements, not " + std::to_string(a.ndim()) + "-D");
    using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    return Eigen::Map<const RowMajor>(a.data(), a.shape(0), a.shape(1));
}

template <class E>
E parse(const std::string& value, const char* what, std::initializer_list<std::pair<const char*, E>> known) {
    std::string names;
    for (const auto& [name, e] : known) {
        if (value == name) return e;
        names += (names.empty() ? "" : ", ") + std::string(name);
    }
    throw data_error({}, "unknown " + std::string(what) + " '" + value + "' (known: " + names + ")");
}

ahp::RandomIndex random_index(const py::object& ri) {
    if (py::isinstance<py::str>(ri)) return ahp::RandomIndex::named(ri.cast<std::string>());
    if (py::isinstance<py::dict>(ri)) {
        std::map<std::size_t, double> table;
        for (const auto& [n, v] : ri.cast<py::dict>()) {
            const long k = n.cast<long>();
            if (k < 1) throw data_error({}, "random index table: n must be >= 1, not " + std::to_string(k));
            table[static_cast<std::size_t>(k)] = v.cast<double>();
        }
        return ahp::RandomIndex::table(std::move(table));
    }
    if (py::isinstance<py::bool_>(ri) || !(py::isinstance<py::float_>(ri) || py::isinstance<py::int_>(ri)))
        throw data_error({}, "random_index must be a table name, a number or a dict n -> RI");
    return ahp::RandomIndex::value(ri.cast<double>());
}

ahp::Options options(const std::string& method, const py::object& ri, const std::string& lambda_max,
                     const std::string& completion, bool scale_check, double reciprocal_tolerance) {
    ahp::Options o;
    o.method = parse<ahp::PriorityMethod>(method, "priority method",
                                          {{"eigenvector", ahp::PriorityMethod::eigenvector},
                                           {"geometric", ahp::PriorityMethod::geometric},
                                           {"columns", ahp::PriorityMethod::columns}});
    o.random_index = random_index(ri);
    o.lambda_max =
        parse<ahp::LambdaMax>(lambda_max, "lambda_max",
                              {{"eigenvalue", ahp::LambdaMax::eigenvalue}, {"priorities", ahp::LambdaMax::priorities}});
    o.completion = parse<ahp::Completion>(completion, "completion",
                                          {{"auto", ahp::Completion::automatic},
                                           {"lambda_max", ahp::Completion::lambda_max},
                                           {"llsm", ahp::Completion::llsm}});
    o.checks.scale = scale_check;
    o.checks.reciprocal_tolerance = reciprocal_tolerance;
    return o;
}

py::array_t<double> vector_out(const Eigen::VectorXd& v) {
    py::array_t<double> out(v.size());
    std::copy(v.data(), v.data() + v.size(), out.mutable_data());
    return out;
}

py::array_t<double> matrix_out(const Eigen::MatrixXd& m) {
    py::array_t<double> out({m.rows(), m.cols()});
    auto view = out.mutable_unchecked<2>();
    for (Eigen::Index i = 0; i < m.rows(); ++i)
        for (Eigen::Index j = 0; j < m.cols(); ++j) view(i, j) = m(i, j);
    return out;
}

py::dict result_out(const ahp::AhpResult& r) {
    py::dict d;
    d["weights"] = vector_out(r.weights);
    d["matrix"] = r.from_priorities ? py::object(py::none()) : py::object(matrix_out(r.matrix));
    d["completed"] = r.completed;
    d["method"] = ahp::to_string(r.method);
    d["lambda_method"] = ahp::to_string(r.lambda_method);
    d["completion"] = r.completed.empty() ? py::object(py::none()) : py::object(py::str(ahp::to_string(r.completion)));
    d["lambda_max"] = r.lambda_max;
    d["ci"] = r.ci;
    d["cr"] = r.cr;
    d["random_index"] = r.random_index;
    d["ri_table"] = r.ri_table;
    d["from_priorities"] = r.from_priorities;
    std::vector<std::tuple<std::size_t, std::size_t, double, double, double>> inconsistencies;
    if (!r.from_priorities)
        for (const auto& x : r.inconsistencies(static_cast<std::size_t>(-1)))
            inconsistencies.emplace_back(x.row, x.column, x.judgement, x.implied, x.deviation);
    d["inconsistencies"] = inconsistencies;
    return d;
}

py::dict run_priorities(const Matrix& matrix, std::vector<std::string> names, const std::string& method,
                        const py::object& ri, const std::string& lambda_max, const std::string& completion,
                        bool scale_check, double reciprocal_tolerance) {
    const ahp::Options o = options(method, ri, lambda_max, completion, scale_check, reciprocal_tolerance);
    Eigen::MatrixXd a = to_matrix(matrix, "the comparison matrix");
    ahp::AhpResult r;
    {
        py::gil_scoped_release release;
        r = ahp::priorities(ahp::PairwiseMatrix(std::move(a), std::move(names), o.checks), o);
    }
    return result_out(r);
}

py::dict run_group(const std::vector<Matrix>& matrices, const std::vector<std::string>& names,
                   const std::vector<double>& member_weights, const std::string& how, const std::string& method,
                   const py::object& ri, const std::string& lambda_max, const std::string& completion, bool scale_check,
                   double reciprocal_tolerance) {
    const ahp::Options o = options(method, ri, lambda_max, completion, scale_check, reciprocal_tolerance);
    const auto group_method =
        parse<ahp::GroupMethod>(how, "group aggregation",
                                {{"judgements", ahp::GroupMethod::judgements},
                                 {"priorities_geometric", ahp::GroupMethod::priorities_geometric},
                                 {"priorities_arithmetic", ahp::GroupMethod::priorities_arithmetic}});
    std::vector<ahp::PairwiseMatrix> ms;
    for (std::size_t k = 0; k < matrices.size(); ++k)
        ms.emplace_back(to_matrix(matrices[k], "member " + std::to_string(k + 1) + "'s comparison matrix"), names,
                        o.checks, Location({}, "member " + std::to_string(k + 1)));
    const Eigen::VectorXd w =
        Eigen::Map<const Eigen::VectorXd>(member_weights.data(), static_cast<Eigen::Index>(member_weights.size()));
    ahp::GroupResult g;
    {
        py::gil_scoped_release release;
        g = ahp::group(ms, w, group_method, o);
    }
    py::dict d;
    d["combined"] = result_out(g.combined);
    py::list members;
    for (const auto& m : g.members) members.append(result_out(m));
    d["members"] = members;
    d["member_weights"] = vector_out(g.member_weights);
    d["how"] = ahp::to_string(g.how);
    return d;
}

py::dict run_hierarchy(const std::string& goal,
                       const std::vector<std::tuple<std::string, std::vector<std::string>, Matrix>>& comparisons,
                       const std::string& method, const py::object& ri, const std::string& lambda_max,
                       const std::string& completion, bool scale_check, double reciprocal_tolerance) {
    const ahp::Options o = options(method, ri, lambda_max, completion, scale_check, reciprocal_tolerance);
    ahp::Hierarchy h(goal);
    for (const auto& [parent, children, matrix] : comparisons)
        h.compare(parent, children, to_matrix(matrix, "the comparison matrix of '" + parent + "'"));
    ahp::HierarchyResult r;
    {
        py::gil_scoped_release release;
        r = ahp::synthesise(h, o);
    }
    py::dict d;
    d["goal"] = r.goal;
    d["leaves"] = r.leaves;
    d["global"] = vector_out(r.global);
    d["nodes"] = r.nodes;
    d["node_global"] = vector_out(r.node_global);
    py::dict local;
    for (const auto& [id, res] : r.local) local[py::str(id)] = result_out(res);
    d["local"] = local;
    d["parents"] = r.parents;
    return d;
}

}  // namespace

void register_ahp(py::module_& m) {
    m.def("ahp_priorities", &run_priorities, py::arg("matrix"), py::arg("names"), py::arg("method"),
          py::arg("random_index"), py::arg("lambda_max"), py::arg("completion"), py::arg("scale_check"),
          py::arg("reciprocal_tolerance"), "AHP priorities and consistency of one comparison matrix (NaN = missing).");
    m.def("ahp_group", &run_group, py::arg("matrices"), py::arg("names"), py::arg("member_weights"), py::arg("how"),
          py::arg("method"), py::arg("random_index"), py::arg("lambda_max"), py::arg("completion"),
          py::arg("scale_check"), py::arg("reciprocal_tolerance"),
          "Group AHP: aggregation of individual judgements or of individual priorities.");
    m.def("ahp_hierarchy", &run_hierarchy, py::arg("goal"), py::arg("comparisons"), py::arg("method"),
          py::arg("random_index"), py::arg("lambda_max"), py::arg("completion"), py::arg("scale_check"),
          py::arg("reciprocal_tolerance"), "Whole-hierarchy AHP: local and global priorities of every node.");
    m.def(
        "ahp_random_index_table",
        [](const std::string& name) { return ahp::random_index_table(ahp::RandomIndex::named(name).kind()); },
        py::arg("name"), "A built-in random index table, n -> RI.");
}

}  // namespace kaohe::python
