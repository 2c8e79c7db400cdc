// Picks a stage-1 scan kernel at run time: the ones this CPU can run, best first, by name.
// The kernels themselves live in engine/src/kernels/ (one file per instruction set) and
// engine/src/scan_kernel_scalar.cpp. The library never reads the environment: a program that
// wants to force a kernel (MKBULK_FORCE_KERNEL) looks it up with find_scan_kernel.
#pragma once

#include <span>
#include <string_view>

#include "mkbulk/engine/scan_kernel.h"

namespace mkbulk::engine {

struct scan_kernel_info {
  std::string_view name;  // "avx512", "avx2", "sse42" or "scalar"
  scan_kernel_fn fn;
  utf8_check_fn utf8;  // the UTF-8 check for the same instruction set
};

// The kernels this CPU can run, best first; "scalar" is always there, always last. The span
// refers to static storage, computed once (thread-safe).
[[nodiscard]] std::span<const scan_kernel_info> supported_scan_kernels() noexcept;

// The kernel of that name if this CPU runs it; nullptr for an unknown or unsupported name.
[[nodiscard]] const scan_kernel_info* find_scan_kernel(std::string_view name) noexcept;

// The best kernel this CPU runs (the first of supported_scan_kernels()), picked once.
[[nodiscard]] const scan_kernel_info& best_scan_kernel() noexcept;

// The UTF-8 check that goes with kernel (its instruction set); the reference check for a
// kernel not in the table.
[[nodiscard]] utf8_check_fn utf8_check_for(scan_kernel_fn kernel) noexcept;

}  // namespace mkbulk::engine
