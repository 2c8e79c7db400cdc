// The exit codes of the mkbulk command line, documented in the README. They follow BSD
// sysexits.h where one fits, so a pipeline can tell "fix the input" from "try again later".
#pragma once

namespace mkbulk::cli {

inline constexpr int EXIT_CLEAN = 0;          // every row went (or would go) through
inline constexpr int EXIT_ROWS_REJECTED = 1;  // some rows rejected or failed; the rest went
inline constexpr int EXIT_USAGE = 2;          // bad arguments
inline constexpr int EXIT_DATA = 65;          // input unusable (bad header, too many rejects)
inline constexpr int EXIT_SOFTWARE = 70;      // internal error
inline constexpr int EXIT_IO = 74;            // reading or writing failed
inline constexpr int EXIT_TEMPFAIL = 75;      // stopped but resumable (quota, interrupted)
inline constexpr int EXIT_AUTH = 77;          // authentication failed
inline constexpr int EXIT_CONFIG = 78;        // configuration missing or wrong

}  // namespace mkbulk::cli
