# Finds kaohe's dependencies from the system, in CONFIG mode, with one actionable error each.
include(GNUInstallDirs)

if(NOT TARGET Eigen3::Eigen)
  # Unversioned lookup: Eigen 3.4's version file rejects requests from Eigen 5 users and vice versa.
  find_package(Eigen3 CONFIG QUIET)
  if(NOT Eigen3_FOUND)
    message(FATAL_ERROR
      "kaohe needs Eigen >= 3.4 (CMake config package 'Eigen3').\n"
      "  Debian/Ubuntu: apt-get install libeigen3-dev\n"
      "  or pass -DEigen3_DIR=<prefix>/share/eigen3/cmake")
  endif()
  if(DEFINED Eigen3_VERSION AND Eigen3_VERSION VERSION_LESS 3.4)
    message(FATAL_ERROR "kaohe needs Eigen >= 3.4; found ${Eigen3_VERSION} at ${Eigen3_DIR}")
  endif()
endif()

if(NOT TARGET Boost::headers)
  # Boost.JSON (header-only use) needs Boost >= 1.75.
  find_package(Boost 1.75 CONFIG QUIET)
  if(NOT Boost_FOUND)
    message(FATAL_ERROR
      "kaohe needs Boost >= 1.75 headers (for Boost.JSON), found through Boost's CMake config.\n"
      "  Debian 12: apt-get install libboost1.81-dev\n"
      "  or pass -DBoost_DIR=<prefix>/lib/cmake/Boost-<version>")
  endif()
endif()
