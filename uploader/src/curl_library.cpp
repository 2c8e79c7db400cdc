// dlopen of libcurl for http_client (curl_library.h).
#include "curl_library.h"

#include <dlfcn.h>

#include <mutex>

namespace mkbulk::upload::detail {

namespace {

struct loaded {
  curl_library lib{};
  std::string error;
  bool ok = false;
};

// A symbol of handle into fn (a function pointer); false with error set when it is missing.
template <class Fn>
bool bind(void* handle, const char* name, Fn& fn, std::string& error) {
  void* p = ::dlsym(handle, name);
  if (p == nullptr) {
    error = std::string("libcurl.so.4 has no ") + name;
    return false;
  }
  fn = reinterpret_cast<Fn>(p);  // POSIX: object and function pointers convert
  return true;
}

loaded load() {
  loaded l;
  // The ABI's soname (libcurl4-openssl-dev and the other flavours all ship libcurl.so.4).
  void* h = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr) {
    const char* why = ::dlerror();
    l.error = std::string("cannot load libcurl: ") + (why != nullptr ? why : "dlopen failed");
    return l;
  }
  curl_library& c = l.lib;
  std::string& e = l.error;
  const bool all =
      bind(h, "curl_easy_init", c.easy_init, e) &&
      bind(h, "curl_easy_cleanup", c.easy_cleanup, e) &&
      bind(h, "curl_easy_setopt", c.easy_setopt, e) &&
      bind(h, "curl_easy_getinfo", c.easy_getinfo, e) &&
      bind(h, "curl_easy_perform", c.easy_perform, e) &&
      bind(h, "curl_easy_strerror", c.easy_strerror, e) &&
      bind(h, "curl_easy_escape", c.easy_escape, e) && bind(h, "curl_free", c.free, e) &&
      bind(h, "curl_slist_append", c.slist_append, e) &&
      bind(h, "curl_slist_free_all", c.slist_free_all, e) &&
      bind(h, "curl_mime_init", c.mime_init, e) && bind(h, "curl_mime_free", c.mime_free, e) &&
      bind(h, "curl_mime_addpart", c.mime_addpart, e) &&
      bind(h, "curl_mime_name", c.mime_name, e) && bind(h, "curl_mime_data", c.mime_data, e) &&
      bind(h, "curl_mime_filedata", c.mime_filedata, e) &&
      bind(h, "curl_mime_filename", c.mime_filename, e) &&
      bind(h, "curl_mime_type", c.mime_type, e);
  if (!all) return l;  // the handle stays open: harmless, and the error says what is missing
  decltype(&::curl_global_init) global_init = nullptr;
  if (!bind(h, "curl_global_init", global_init, e)) return l;
  if (const CURLcode rc = global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
    e = "curl_global_init failed (" + std::to_string(static_cast<int>(rc)) + ")";
    return l;
  }
  l.ok = true;
  return l;
}

}  // namespace

const curl_library* load_curl(std::string& error) {
  static std::once_flag once;
  static loaded l;
  std::call_once(once, [] { l = load(); });
  if (!l.ok) {
    error = l.error;
    return nullptr;
  }
  return &l.lib;
}

}  // namespace mkbulk::upload::detail
