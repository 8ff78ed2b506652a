// Prelude for kaohe's pybind11 extension `kaohe._core`: include first in every binding file.
// The extension stays thin: conversions in, one C++ call with the GIL released, zero-copy arrays out.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <vector>

#include "kaohe/framework.hpp"
#include "kaohe/scorecard.hpp"

namespace py = pybind11;

namespace kaohe::python {

// A framework shared between Python objects and score cards; immutable once built.
struct FrameworkHandle {
    std::shared_ptr<const Framework> framework;
    ResolvedWeights weights;
};

// A score card shared between Python objects; immutable once built.
struct CardHandle {
    std::shared_ptr<const ScoreCard> card;
};

// A read-only numpy view of data owned by `base` (no copy), with the given shape and strides in bytes.
inline py::array view(const double* data, std::vector<py::ssize_t> shape, std::vector<py::ssize_t> strides,
                      py::handle base) {
    py::array out(py::dtype::of<double>(), std::move(shape), std::move(strides), data, base);
    py::detail::array_proxy(out.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
    return out;
}
inline py::array matrix_view(const Eigen::MatrixXd& m, py::handle base) {
    const auto s = static_cast<py::ssize_t>(sizeof(double));
    return view(m.data(), {m.rows(), m.cols()}, {s, s * m.rows()}, base);
}
inline py::array vector_view(const Eigen::VectorXd& v, py::handle base) {
    return view(v.data(), {v.size()}, {static_cast<py::ssize_t>(sizeof(double))}, base);
}

void register_errors(py::module_& m);
void register_framework(py::module_& m);
void register_scoring(py::module_& m);
void register_sensitivity(py::module_& m);
void register_mcda(py::module_& m);
void register_ahp(py::module_& m);

}  // namespace kaohe::python
