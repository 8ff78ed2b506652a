// kaohe._core: the private extension module. The public API is the Python package in python/kaohe.
#include "bindings.hpp"
#include "kaohe/cpu.hpp"
#include "kaohe/version.hpp"

PYBIND11_MODULE(_core, m) {
    m.doc() = "kaohe's C++ engine (private; use the kaohe package)";
    m.attr("__version__") = KAOHE_VERSION_STRING;
    // A plain dict: kaohe.cpu_info() documents the keys.
    m.def("cpu_info", [] {
        const kaohe::CpuInfo c = kaohe::cpu_info();
        py::dict d;
        d["level"] = c.level;
        d["best"] = c.best;
        d["compiled"] = c.compiled;
        d["supported"] = c.supported;
        d["cap"] = c.cap;
        d["note"] = c.note;
        d["build"] = c.build;
        d["cpu"] = c.cpu;
        return d;
    });
    kaohe::python::register_errors(m);
    kaohe::python::register_framework(m);
    kaohe::python::register_scoring(m);
    kaohe::python::register_sensitivity(m);
    kaohe::python::register_mcda(m);
    kaohe::python::register_ahp(m);
}
