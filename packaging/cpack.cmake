# `cpack -G DEB` in a build directory makes a Debian 12 package of pgdba.
set(CPACK_PACKAGE_NAME pgdba)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "PostgreSQL administration tool for the command line")
set(CPACK_PACKAGE_CONTACT "pgdba developers <dev@pgdba.invalid>")
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
# The runtime libraries and their versions as built, read from the binary by
# dpkg-shlibdeps (libpqxx, libpq, spdlog, fmt, toml++, OpenSSL, libstdc++).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql-15, postgresql-client-15")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Stripped, as Debian ships binaries; the build directory keeps the symbols.
set(CPACK_STRIP_FILES ON)
include(CPack)
