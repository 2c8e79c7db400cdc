// --schema remote: the instance's lead schema, fetched with the run's credentials (a token
// from the identity service, then GET /rest/v1/leads/describe.json). Uses the uploader's
// http_client; the token lives only in memory here and is never printed.
#pragma once

#include <string>

#include "mkbulk/upload/marketo_client.h"

namespace mkbulk::cli {

// Fills text with describe.json's body; on failure returns false with a message for people
// (what failed, the HTTP status or Marketo's code; never a secret).
[[nodiscard]] bool fetch_remote_schema(const upload::client_options& client, std::string& text,
                                       std::string& error);

}  // namespace mkbulk::cli
