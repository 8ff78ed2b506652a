# Install rules: headers, targets, a relocatable package config and version file, and a build-tree export.
include(CMakePackageConfigHelpers)

install(DIRECTORY include/kaohe DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT kaohe_Development)
install(TARGETS kaohe_core kaohe EXPORT kaoheTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT kaohe_Development
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
set(KAOHE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/kaohe)
install(EXPORT kaoheTargets NAMESPACE kaohe:: DESTINATION ${KAOHE_CMAKE_DIR} COMPONENT kaohe_Development)
configure_package_config_file(cmake/kaoheConfig.cmake.in ${PROJECT_BINARY_DIR}/kaoheConfig.cmake
                              INSTALL_DESTINATION ${KAOHE_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/kaoheConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/kaoheConfig.cmake ${PROJECT_BINARY_DIR}/kaoheConfigVersion.cmake
        DESTINATION ${KAOHE_CMAKE_DIR} COMPONENT kaohe_Development)
export(EXPORT kaoheTargets NAMESPACE kaohe:: FILE ${PROJECT_BINARY_DIR}/kaoheTargets.cmake)
