// mkbulk sniff: placeholder until the engine pipeline lands (issue 2).
#include "commands.h"

namespace mkbulk::cli {
int cmd_sniff(std::span<const std::string_view>) { throw usage_error("'sniff' is not built yet"); }
}  // namespace mkbulk::cli
