// libcurl behind http_client: option setting, the write callback, the MIME body. No retries
// and no interpretation here: the caller gets curl code, status and body as they came. libcurl
// itself is loaded on first use (curl_library.h).
#include "mkbulk/upload/http_client.h"

#include <curl/curl.h>

#include "curl_library.h"

namespace mkbulk::upload {

namespace {

std::size_t write_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  body->append(data, size * n);
  return size * n;
}

CURL* as_curl(void* p) { return static_cast<CURL*>(p); }

long to_ms(double seconds) { return static_cast<long>(seconds * 1000.0); }

// The loaded library; null only if no http_client could be made (its curl_ is null then).
const detail::curl_library& curl() {
  std::string ignored;
  return *detail::load_curl(ignored);
}

}  // namespace

http_client::http_client(http_options options) : options_(std::move(options)), curl_(nullptr) {
  std::string error;
  if (const detail::curl_library* lib = detail::load_curl(error)) curl_ = lib->easy_init();
}

http_client::~http_client() {
  if (curl_ != nullptr) curl().easy_cleanup(as_curl(curl_));
}

http_response http_client::perform(const std::string& url, const std::string& bearer) {
  http_response r;
  CURL* c = as_curl(curl_);
  if (c == nullptr) {
    r.curl_code = CURLE_FAILED_INIT;
    std::string error;
    r.transport_message = detail::load_curl(error) == nullptr
                              ? error
                              : std::string("libcurl could not be initialised");
    return r;
  }
  const detail::curl_library& lib = curl();
  char errbuf[CURL_ERROR_SIZE] = {0};
  lib.easy_setopt(c, CURLOPT_URL, url.c_str());
  lib.easy_setopt(c, CURLOPT_VERBOSE, 0L);  // verbose output would show the Authorization header
  lib.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  lib.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  lib.easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
  lib.easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  lib.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, to_ms(options_.connect_timeout));
  lib.easy_setopt(c, CURLOPT_TIMEOUT_MS, to_ms(options_.request_timeout));
  lib.easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  lib.easy_setopt(c, CURLOPT_USERAGENT, "mkbulk/0.1");
  lib.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, options_.insecure ? 0L : 1L);
  lib.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, options_.insecure ? 0L : 2L);
  if (!options_.cacert.empty()) lib.easy_setopt(c, CURLOPT_CAINFO, options_.cacert.c_str());

  curl_slist* headers = nullptr;
  std::string auth;
  if (!bearer.empty()) {
    auth = "Authorization: Bearer " + bearer;
    headers = lib.slist_append(headers, auth.c_str());
  }
  headers = lib.slist_append(headers, "Expect:");  // no 100-continue round trip
  lib.easy_setopt(c, CURLOPT_HTTPHEADER, headers);

  const CURLcode rc = lib.easy_perform(c);
  r.curl_code = static_cast<int>(rc);
  if (rc != CURLE_OK) {
    r.transport_message = errbuf[0] != 0 ? std::string(errbuf) : lib.easy_strerror(rc);
  }
  lib.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  lib.easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  lib.slist_free_all(headers);
  // The token must not linger in a buffer we no longer own.
  auth.assign(auth.size(), '\0');
  lib.easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
  return r;
}

http_response http_client::get(const std::string& url, const std::string& bearer) {
  CURL* c = as_curl(curl_);
  if (c == nullptr) return perform(url, bearer);  // which says why
  const detail::curl_library& lib = curl();
  lib.easy_setopt(c, CURLOPT_MIMEPOST, nullptr);
  lib.easy_setopt(c, CURLOPT_HTTPGET, 1L);
  return perform(url, bearer);
}

http_response http_client::post_form(
    const std::string& url, const std::vector<std::pair<std::string, std::string>>& fields,
    const std::string& bearer) {
  CURL* c = as_curl(curl_);
  if (c == nullptr) return perform(url, bearer);  // which says why
  const detail::curl_library& lib = curl();
  std::string body;
  for (const auto& [k, v] : fields) {
    if (!body.empty()) body += '&';
    char* ek = lib.easy_escape(c, k.data(), static_cast<int>(k.size()));
    char* ev = lib.easy_escape(c, v.data(), static_cast<int>(v.size()));
    if (ek != nullptr) body += ek;
    body += '=';
    if (ev != nullptr) body += ev;
    lib.free(ek);
    lib.free(ev);
  }
  lib.easy_setopt(c, CURLOPT_MIMEPOST, nullptr);
  lib.easy_setopt(c, CURLOPT_POST, 1L);
  lib.easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  lib.easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  http_response r = perform(url, bearer);
  lib.easy_setopt(c, CURLOPT_POSTFIELDS, nullptr);
  body.assign(body.size(), '\0');  // it may hold the client secret
  return r;
}

http_response http_client::post_multipart(const std::string& url,
                                          const std::vector<form_part>& parts,
                                          const std::string& bearer) {
  CURL* c = as_curl(curl_);
  if (c == nullptr) return perform(url, bearer);  // which says why
  const detail::curl_library& lib = curl();
  curl_mime* mime = lib.mime_init(c);
  http_response bad;
  for (const auto& p : parts) {
    curl_mimepart* part = lib.mime_addpart(mime);
    lib.mime_name(part, p.name.c_str());
    if (p.file.empty()) {
      lib.mime_data(part, p.value.data(), p.value.size());
    } else {
      // Streams the file from disk while sending: the chunk is never held in memory.
      const CURLcode rc = lib.mime_filedata(part, p.file.c_str());
      if (rc != CURLE_OK) {
        bad.curl_code = static_cast<int>(rc);
        bad.transport_message = "cannot read " + p.file.string();
      }
      lib.mime_filename(part, p.value.c_str());
      lib.mime_type(part, "text/plain");
    }
  }
  if (bad.curl_code != 0) {
    lib.mime_free(mime);
    return bad;
  }
  lib.easy_setopt(c, CURLOPT_MIMEPOST, mime);
  http_response r = perform(url, bearer);
  lib.easy_setopt(c, CURLOPT_MIMEPOST, nullptr);
  lib.mime_free(mime);
  return r;
}

}  // namespace mkbulk::upload
