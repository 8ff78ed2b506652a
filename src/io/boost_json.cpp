// Boost.JSON's implementation, compiled once into kaohe so that neither kaohe nor its users need to link
// the separately built boost_json library (Debian ships it as a different package from the headers).
#include <boost/json/src.hpp>
