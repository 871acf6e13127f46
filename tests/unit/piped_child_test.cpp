// run_piped_child (host/process): output as it comes, the deadline, a program that is not
// there. The children are /bin/sh one-liners.
#include "host/process/piped_child.h"

#include <doctest/doctest.h>

#include <cerrno>
#include <csignal>
#include <sys/wait.h>

using slotbox::process::PipedChildOptions;
using slotbox::process::run_piped_child;

namespace {

auto in_seconds(int seconds) { return std::chrono::steady_clock::now() + std::chrono::seconds(seconds); }

} // namespace

TEST_CASE("run_piped_child hands over the child's output and its exit status") {
  std::string output;
  auto keep = [&output](std::string_view chunk) { output.append(chunk); };
  SUBCASE("stdout only, stderr to /dev/null") {
    auto ended = run_piped_child({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, in_seconds(30), keep);
    REQUIRE(ended);
    CHECK_FALSE(ended->timed_out);
    CHECK(WIFEXITED(ended->status));
    CHECK(WEXITSTATUS(ended->status) == 3);
    CHECK(output == "out\n");
  }
  SUBCASE("stderr merged, the program found in PATH") {
    auto ended = run_piped_child({"sh", "-c", "echo out; echo err >&2"}, in_seconds(30), keep,
                                 PipedChildOptions{.search_path = true, .merge_stderr = true});
    REQUIRE(ended);
    CHECK(output == "out\nerr\n");
  }
  SUBCASE("more than a pipe holds, all of it") {
    auto ended = run_piped_child({"/bin/sh", "-c", "head -c 1000000 /dev/zero"}, in_seconds(30), keep);
    REQUIRE(ended);
    CHECK(output.size() == 1000000);
  }
}

TEST_CASE("run_piped_child kills a child that outlives its deadline") {
  auto ended = run_piped_child({"/bin/sh", "-c", "echo started; exec sleep 600"},
                               std::chrono::steady_clock::now() + std::chrono::milliseconds(200),
                               [](std::string_view) {});
  REQUIRE(ended);
  CHECK(ended->timed_out);
  CHECK(WIFSIGNALED(ended->status));
  CHECK(WTERMSIG(ended->status) == SIGKILL);
}

TEST_CASE("run_piped_child says when the program does not exist") {
  SUBCASE("in PATH") {
    auto ended = run_piped_child({"slotbox-no-such-program"}, in_seconds(30), [](std::string_view) {},
                                 PipedChildOptions{.search_path = true});
    REQUIRE_FALSE(ended);
    CHECK(ended.error().code == ENOENT);
    CHECK(ended.error().message() == "posix_spawnp(slotbox-no-such-program): No such file or directory");
  }
  SUBCASE("as a path") {
    auto ended = run_piped_child({"/nonexistent/slotbox"}, in_seconds(30), [](std::string_view) {});
    REQUIRE_FALSE(ended);
    CHECK(ended.error().code == ENOENT);
  }
}
