// mkbulk split: placeholder until the engine pipeline lands (issue 2).
#include "commands.h"

namespace mkbulk::cli {
int cmd_split(std::span<const std::string_view>) { throw usage_error("'split' is not built yet"); }
}  // namespace mkbulk::cli
