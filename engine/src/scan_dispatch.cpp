// Run-time choice of the scan kernel: asks the CPU (cpuid, and the OS's saved register state
// via __builtin_cpu_supports) which of the per-ISA kernels in engine/src/kernels/ it can run.
// Built without any ISA flags, so it runs everywhere; the scalar kernel is the fallback.
#include "mkbulk/engine/scan_dispatch.h"

#include <array>
#include <cstddef>

#if defined(MKBULK_X86_KERNELS)
#include <cpuid.h>

#include "kernels/scan_kernels_x86.h"
#endif

namespace mkbulk::engine {
namespace {

inline constexpr std::size_t MAX_KERNELS = 4;

struct kernel_table {
  std::array<scan_kernel_info, MAX_KERNELS> entries{};
  std::size_t count = 0;

  void add(std::string_view name, scan_kernel_fn fn, utf8_check_fn utf8) noexcept {
    entries[count++] = {name, fn, utf8};
  }
};

#if defined(MKBULK_X86_KERNELS)
// PCLMULQDQ: CPUID leaf 1, ECX bit 1 (not every compiler's __builtin_cpu_supports knows it).
bool cpu_has_pclmul() noexcept {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return false;
  return (ecx & (1u << 1)) != 0;
}
#endif

kernel_table detect_kernels() noexcept {
  kernel_table t;
#if defined(MKBULK_X86_KERNELS)
  __builtin_cpu_init();
  // __builtin_cpu_supports also checks that the OS saves the YMM/ZMM state (XGETBV).
  const bool pclmul = cpu_has_pclmul();
  // xsimd 8.1's avx512bw builds on avx512dq and avx512cd: the kernel file is compiled for all.
  if (pclmul && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl")) {
    t.add("avx512", &kernels::scan_blocks_avx512, &kernels::utf8_valid_avx512);
  }
  if (pclmul && __builtin_cpu_supports("avx2")) {
    t.add("avx2", &kernels::scan_blocks_avx2, &kernels::utf8_valid_avx2);
  }
  if (pclmul && __builtin_cpu_supports("sse4.2")) {
    t.add("sse42", &kernels::scan_blocks_sse42, &kernels::utf8_valid_sse42);
  }
#endif
  t.add("scalar", &scan_blocks_scalar, &utf8_valid_scalar);
  return t;
}

const kernel_table& kernels_here() noexcept {
  static const kernel_table table = detect_kernels();
  return table;
}

}  // namespace

std::span<const scan_kernel_info> supported_scan_kernels() noexcept {
  const kernel_table& t = kernels_here();
  return {t.entries.data(), t.count};
}

const scan_kernel_info* find_scan_kernel(std::string_view name) noexcept {
  for (const scan_kernel_info& k : supported_scan_kernels()) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

const scan_kernel_info& best_scan_kernel() noexcept { return supported_scan_kernels().front(); }

utf8_check_fn utf8_check_for(scan_kernel_fn kernel) noexcept {
  for (const scan_kernel_info& k : supported_scan_kernels()) {
    if (k.fn == kernel) return k.utf8;
  }
  return &utf8_valid_scalar;
}

}  // namespace mkbulk::engine
