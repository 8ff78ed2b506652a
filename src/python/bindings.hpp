// Prelude for kaohe's pybind11 extension `kaohe._core`: include first in every binding file.
// The extension stays thin: conversions in, one C++ call with the GIL released, zero-copy arrays out.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>

#include "kaohe/framework.hpp"
#include "kaohe/scorecard.hpp"

namespace py = pybind11;

namespace kaohe::python {

// A framework shared between Python objects and score cards; immutable once built.
struct FrameworkHandle {
    std::shared_ptr<const Framework> framework;
    ResolvedWeights weights;
};

void register_errors(py::module_& m);
void register_framework(py::module_& m);
void register_scoring(py::module_& m);

}  // namespace kaohe::python
