# Finds the Debian 12 packages mkbulk builds on (see README, "Dependencies"). Nothing is
# vendored and nothing is downloaded at build time: a missing package is a configure error.
find_package(Threads REQUIRED)
find_package(simdjson REQUIRED)
find_package(xsimd REQUIRED)
find_package(CURL REQUIRED)
find_package(SQLite3 REQUIRED)

# fast_float ships no CMake config in Debian 12: it is a header-only library.
find_path(FAST_FLOAT_INCLUDE fast_float/fast_float.h REQUIRED)
add_library(mkbulk_fast_float INTERFACE)
target_include_directories(mkbulk_fast_float SYSTEM INTERFACE "${FAST_FLOAT_INCLUDE}")

# ISA-L (libisal-dev) for the chunks' CRC-32C: Debian ships no CMake config for it.
find_path(ISAL_INCLUDE isa-l/crc.h REQUIRED)
find_library(ISAL_LIBRARY isal REQUIRED)
add_library(mkbulk_isal INTERFACE)
target_include_directories(mkbulk_isal SYSTEM INTERFACE "${ISAL_INCLUDE}")
target_link_libraries(mkbulk_isal INTERFACE "${ISAL_LIBRARY}")

# cpp-httplib: Debian ships the header plus a compiled libcpp-httplib.so; use both so that the
# sandbox does not recompile the whole server in every translation unit.
find_path(HTTPLIB_INCLUDE httplib.h REQUIRED)
find_library(HTTPLIB_LIBRARY cpp-httplib REQUIRED)
find_package(OpenSSL REQUIRED)
add_library(mkbulk_httplib INTERFACE)
target_include_directories(mkbulk_httplib SYSTEM INTERFACE "${HTTPLIB_INCLUDE}")
target_link_libraries(mkbulk_httplib INTERFACE "${HTTPLIB_LIBRARY}" OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
# The same feature macros as Debian's build of the library (its cpp-httplib.pc), so that the
# classes the header declares have the layout the compiled library expects.
target_compile_definitions(mkbulk_httplib INTERFACE
  CPPHTTPLIB_OPENSSL_SUPPORT CPPHTTPLIB_ZLIB_SUPPORT CPPHTTPLIB_BROTLI_SUPPORT)

if(MKBULK_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(MKBULK_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
