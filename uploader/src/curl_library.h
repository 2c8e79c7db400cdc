// libcurl, loaded when the first http_client is made (dlopen of libcurl.so.4) instead of when
// mkbulk starts: split, validate and sniff never speak HTTP, and libcurl with the thirty-odd
// libraries it pulls in (TLS, Kerberos, LDAP, SSH, IDN, ...) cost about 16 ms of every start
// (`perf stat -r 20 mkbulk sniff` on a two-line file: 21 ms when linked, against 5 ms for
// mkbulk-gen, which links none of them). The headers are still libcurl's (CURLcode, options).
#pragma once

#include <curl/curl.h>

#include <string>

namespace mkbulk::upload::detail {

// The libcurl functions http_client uses. (Not named after them: curl.h makes
// curl_easy_setopt and curl_easy_getinfo type-checking macros.)
struct curl_library {
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_easy_escape) easy_escape;
  decltype(&::curl_free) free;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
  decltype(&::curl_mime_init) mime_init;
  decltype(&::curl_mime_free) mime_free;
  decltype(&::curl_mime_addpart) mime_addpart;
  decltype(&::curl_mime_name) mime_name;
  decltype(&::curl_mime_data) mime_data;
  decltype(&::curl_mime_filedata) mime_filedata;
  decltype(&::curl_mime_filename) mime_filename;
  decltype(&::curl_mime_type) mime_type;
};

// The library, loaded and curl_global_init'ed once per process (thread-safe); null when it
// cannot be loaded, with why in error.
[[nodiscard]] const curl_library* load_curl(std::string& error);

}  // namespace mkbulk::upload::detail
