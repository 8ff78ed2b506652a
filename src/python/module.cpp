// kaohe._core: the private extension module. The public API is the Python package in python/kaohe.
#include "bindings.hpp"
#include "kaohe/version.hpp"

PYBIND11_MODULE(_core, m) {
    m.doc() = "kaohe's C++ engine (private; use the kaohe package)";
    m.attr("__version__") = KAOHE_VERSION_STRING;
    kaohe::python::register_errors(m);
    kaohe::python::register_framework(m);
    kaohe::python::register_scoring(m);
    kaohe::python::register_sensitivity(m);
    kaohe::python::register_mcda(m);
    kaohe::python::register_ahp(m);
}
