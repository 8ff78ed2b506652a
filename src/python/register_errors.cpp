// C++ exceptions -> the Python exceptions of kaohe.errors, keeping where (file, path, row, column) and why.
#include "bindings.hpp"
#include "kaohe/error.hpp"

namespace kaohe::python {
namespace {

void raise(const char* name, const std::exception& e, const Location* where, const std::string* reason,
           const std::vector<std::string>* problems) {
    py::object cls = py::module_::import("kaohe.errors").attr(name);
    py::object exc = cls(e.what());
    if (where) {
        exc.attr("file") = where->file.empty() ? py::object(py::none()) : py::object(py::str(where->file));
        exc.attr("path") = where->path.empty() ? py::object(py::none()) : py::object(py::str(where->path));
        exc.attr("row") = where->row < 0 ? py::object(py::none()) : py::object(py::int_(where->row));
        exc.attr("column") = where->column.empty() ? py::object(py::none()) : py::object(py::str(where->column));
    }
    if (reason) exc.attr("reason") = *reason;
    exc.attr("problems") = problems ? py::object(py::cast(*problems)) : py::object(py::list());
    PyErr_SetObject(cls.ptr(), exc.ptr());
}

}  // namespace

void register_errors(py::module_&) {
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const input_errors& e) {
            raise("DataError", e, &e.where(), &e.reason(), &e.problems());
        } catch (const framework_errors& e) {
            raise("FrameworkError", e, &e.where(), &e.reason(), &e.problems());
        } catch (const framework_error& e) {
            raise("FrameworkError", e, &e.where(), &e.reason(), nullptr);
        } catch (const data_error& e) {
            raise("DataError", e, &e.where(), &e.reason(), nullptr);
        } catch (const input_error& e) {
            raise("InputError", e, &e.where(), &e.reason(), nullptr);
        } catch (const internal_error& e) {
            raise("InternalError", e, nullptr, nullptr, nullptr);
        } catch (const cancelled& e) {
            raise("Cancelled", e, nullptr, nullptr, nullptr);
        }
    });
}

}  // namespace kaohe::python
