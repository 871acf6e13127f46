// The sanitizer runtimes' default options, compiled into every host executable of a
// -DSLOTBOX_SANITIZE=ON build only (host/CMakeLists.txt). The first report ends the
// process with exit 99, a status slotbox never uses, so no test that expects 1, 2 or 3
// can pass on one; leaks are reported at exit. Built in rather than left to the
// environment because the nested harness runs commands with an empty one.
// ASAN_OPTIONS and UBSAN_OPTIONS still take precedence (scripts/sanitize sets the same).

// The runtimes look these up by name; nothing in slotbox calls them.
extern "C" const char* __asan_default_options();
extern "C" const char* __ubsan_default_options();

extern "C" __attribute__((used, visibility("default"))) const char* __asan_default_options() {
  return "halt_on_error=1:exitcode=99:detect_leaks=1:detect_stack_use_after_return=1:"
         "check_initialization_order=1:strict_init_order=1";
}

extern "C" __attribute__((used, visibility("default"))) const char* __ubsan_default_options() {
  return "halt_on_error=1:print_stacktrace=1:exitcode=99";
}
