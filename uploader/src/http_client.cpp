// libcurl behind http_client: option setting, the write callback, the MIME body. No retries
// and no interpretation here: the caller gets curl code, status and body as they came.
#include "mkbulk/upload/http_client.h"

#include <curl/curl.h>

#include <mutex>

namespace mkbulk::upload {

namespace {

std::size_t write_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  body->append(data, size * n);
  return size * n;
}

CURL* as_curl(void* p) { return static_cast<CURL*>(p); }

long to_ms(double seconds) { return static_cast<long>(seconds * 1000.0); }

}  // namespace

void global_curl_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

http_client::http_client(http_options options) : options_(std::move(options)) {
  global_curl_init();
  curl_ = curl_easy_init();
}

http_client::~http_client() { curl_easy_cleanup(as_curl(curl_)); }

http_response http_client::perform(const std::string& url, const std::string& bearer) {
  http_response r;
  CURL* c = as_curl(curl_);
  if (c == nullptr) {
    r.curl_code = CURLE_FAILED_INIT;
    r.transport_message = "libcurl could not be initialised";
    return r;
  }
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_VERBOSE, 0L);  // verbose output would show the Authorization header
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, to_ms(options_.connect_timeout));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, to_ms(options_.request_timeout));
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(c, CURLOPT_USERAGENT, "mkbulk/0.1");
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, options_.insecure ? 0L : 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, options_.insecure ? 0L : 2L);
  if (!options_.cacert.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.cacert.c_str());

  curl_slist* headers = nullptr;
  std::string auth;
  if (!bearer.empty()) {
    auth = "Authorization: Bearer " + bearer;
    headers = curl_slist_append(headers, auth.c_str());
  }
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);

  const CURLcode rc = curl_easy_perform(c);
  r.curl_code = static_cast<int>(rc);
  if (rc != CURLE_OK) {
    r.transport_message = errbuf[0] != 0 ? std::string(errbuf) : curl_easy_strerror(rc);
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(headers);
  // The token must not linger in a buffer we no longer own.
  auth.assign(auth.size(), '\0');
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
  return r;
}

http_response http_client::get(const std::string& url, const std::string& bearer) {
  CURL* c = as_curl(curl_);
  if (c != nullptr) {
    curl_easy_setopt(c, CURLOPT_MIMEPOST, nullptr);
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  }
  return perform(url, bearer);
}

http_response http_client::post_form(
    const std::string& url, const std::vector<std::pair<std::string, std::string>>& fields,
    const std::string& bearer) {
  CURL* c = as_curl(curl_);
  std::string body;
  for (const auto& [k, v] : fields) {
    if (!body.empty()) body += '&';
    char* ek = curl_easy_escape(c, k.data(), static_cast<int>(k.size()));
    char* ev = curl_easy_escape(c, v.data(), static_cast<int>(v.size()));
    if (ek != nullptr) body += ek;
    body += '=';
    if (ev != nullptr) body += ev;
    curl_free(ek);
    curl_free(ev);
  }
  if (c != nullptr) {
    curl_easy_setopt(c, CURLOPT_MIMEPOST, nullptr);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  }
  http_response r = perform(url, bearer);
  if (c != nullptr) curl_easy_setopt(c, CURLOPT_POSTFIELDS, nullptr);
  body.assign(body.size(), '\0');  // it may hold the client secret
  return r;
}

http_response http_client::post_multipart(const std::string& url,
                                          const std::vector<form_part>& parts,
                                          const std::string& bearer) {
  CURL* c = as_curl(curl_);
  if (c == nullptr) return perform(url, bearer);
  curl_mime* mime = curl_mime_init(c);
  http_response bad;
  for (const auto& p : parts) {
    curl_mimepart* part = curl_mime_addpart(mime);
    curl_mime_name(part, p.name.c_str());
    if (p.file.empty()) {
      curl_mime_data(part, p.value.data(), p.value.size());
    } else {
      // Streams the file from disk while sending: the chunk is never held in memory.
      const CURLcode rc = curl_mime_filedata(part, p.file.c_str());
      if (rc != CURLE_OK) {
        bad.curl_code = static_cast<int>(rc);
        bad.transport_message = "cannot read " + p.file.string();
      }
      curl_mime_filename(part, p.value.c_str());
      curl_mime_type(part, "text/plain");
    }
  }
  if (bad.curl_code != 0) {
    curl_mime_free(mime);
    return bad;
  }
  curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
  http_response r = perform(url, bearer);
  curl_easy_setopt(c, CURLOPT_MIMEPOST, nullptr);
  curl_mime_free(mime);
  return r;
}

}  // namespace mkbulk::upload
