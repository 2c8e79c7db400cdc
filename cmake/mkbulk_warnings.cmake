# Strict warnings for project code only (third-party headers are included as SYSTEM).
function(mkbulk_strict_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
    -Wold-style-cast -Wcast-align -Wnull-dereference -Wdouble-promotion -Wimplicit-fallthrough
    -Werror)
endfunction()
