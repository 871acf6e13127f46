// Metrics and guest comments from a console into every report format, without KVM: the
// console lines a guest prints, through Console, into the JSON, JUnit and TAP writers.
#include "host/cli/console.h"
#include "host/cli/metric.h"
#include "host/cli/report.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace slotbox::cli;

namespace {

// What the guest sent, through a Console as run_image() uses it.
Console console_of(const std::string& text) {
  Console console(nullptr);
  for (char byte : text) console.put(byte);
  console.flush();
  return console;
}

constexpr const char* kTouchConsole =
    "ok 1 - KVM's MMU: kvm_amd, NPT\n"
    "# metric low_ram.pages 16384 pages\n"
    "# metric low_ram.first_touch_per_page 15656 cycles/page\n"
    "ok 2 - low RAM: first touch slower than re-touch\n"
    "# a note from the guest: <&>\n"
    "1..2\n"
    "# touch: 2 passed, 0 failed, 0 skipped\n";

ImageReport image_of(const std::string& name, const std::string& console_text, bool passed) {
  Console console = console_of(console_text);
  ImageReport image;
  image.name = name;
  image.passed = passed;
  image.verdict = passed ? "passed (guest exit: status 0)" : "FAILED (guest exit: status 1)";
  image.checks = console.checks();
  image.metrics = console.metrics();
  image.comments = console.comments();
  return image;
}

RunReport report_of(std::vector<ImageReport> images) {
  RunReport report{"kvm_amd, NPT", 4ull << 30, std::move(images), {}};
  for (const ImageReport& image : report.images) report.total += count(image.checks);
  return report;
}

} // namespace

TEST_CASE("metric lines parse into name, value and unit; anything else is no metric") {
  CHECK(parse_metric_line("# metric low_ram.pages 16384 pages") == Metric{"low_ram.pages", 16384, "pages"});
  CHECK(parse_metric_line("# metric big 18446744073709551615 -") == Metric{"big", ~0ull, "-"});
  for (const char* line : {"# metric pages 16384", "# metric pages x16 pages", "# metric pages -1 pages",
                           "# metric pages 1 pages extra", "# metric  1 pages", "#metric pages 1 pages",
                           "# metric pages 18446744073709551616 pages", "ok 1 - metric pages 1 pages", ""})
    CHECK_MESSAGE(!parse_metric_line(line), line);
}

TEST_CASE("the console keeps metrics and the other # lines apart from the checks") {
  Console console = console_of(kTouchConsole);
  CHECK(console.checks().size() == 2);
  REQUIRE(console.metrics().size() == 2);
  CHECK(console.metrics()[1] == Metric{"low_ram.first_touch_per_page", 15656, "cycles/page"});
  CHECK(console.comments() ==
        std::vector<std::string>{"# a note from the guest: <&>", "# touch: 2 passed, 0 failed, 0 skipped"});
}

TEST_CASE("the text echo shows a metric as the guest printed it, a # line") {
  char* buffer = nullptr;
  size_t size = 0;
  std::FILE* echo = open_memstream(&buffer, &size);
  {
    Console console(echo);
    for (char byte : std::string("# metric round1.fetch 1234 cycles\n")) console.put(byte);
    console.flush();
  }
  std::fclose(echo);
  std::string text(buffer, size);
  std::free(buffer);
  CHECK(text == "# metric round1.fetch 1234 cycles\n");
}

TEST_CASE("JSON: a metrics array and the guest's comments per image") {
  auto document = nlohmann::json::parse(write_json(report_of({image_of("touch", kTouchConsole, true)})));
  const auto& image = document["images"][0];
  REQUIRE(image["metrics"].size() == 2);
  CHECK(image["metrics"][0] == nlohmann::json{{"name", "low_ram.pages"}, {"value", 16384}, {"unit", "pages"}});
  CHECK(image["metrics"][1]["value"] == 15656);
  CHECK(image["comments"][0] == "# a note from the guest: <&>");
  CHECK(image["checks"].size() == 2);
}

TEST_CASE("JUnit: metrics are the testsuite's properties, comments its system-out, in schema order") {
  std::string xml = write_junit(report_of({image_of("touch", kTouchConsole, true)}));
  size_t properties = xml.find("    <properties>\n"
                               "      <property name=\"low_ram.pages\" value=\"16384 pages\"/>\n"
                               "      <property name=\"low_ram.first_touch_per_page\" value=\"15656 cycles/page\"/>\n"
                               "    </properties>\n");
  size_t first_case = xml.find("<testcase");
  size_t system_out = xml.find("<system-out># a note from the guest: &lt;&amp;&gt;\n"
                               "# touch: 2 passed, 0 failed, 0 skipped\n</system-out>");
  size_t last_case = xml.rfind("<testcase");
  REQUIRE(properties != std::string::npos);
  REQUIRE(system_out != std::string::npos);
  CHECK(properties < first_case);
  CHECK(system_out > last_case);
  CHECK(system_out < xml.find("</testsuite>"));
}

TEST_CASE("JUnit: an image without metrics or comments has neither element") {
  std::string xml = write_junit(report_of({image_of("quiet", "ok 1 - fine\n1..1\n", true)}));
  CHECK(xml.find("<properties>") == std::string::npos);
  CHECK(xml.find("<system-out>") == std::string::npos);
}

TEST_CASE("TAP: metrics as comments naming the image; the failed images named at the end") {
  RunReport report = report_of({image_of("touch", kTouchConsole, true),
                                image_of("dirty", "not ok 1 - round 1 # dirty.cpp:1 x\n", false),
                                image_of("faults/spin", "", false)});
  std::string tap = write_tap(report);
  CHECK(tap.find("# touch: metric low_ram.pages 16384 pages\n") != std::string::npos);
  CHECK(tap.ends_with("# slotbox: failed: dirty, faults/spin\n"));
  CHECK(failed_image_names(report) == "dirty, faults/spin");
  CHECK(failed_image_names(report_of({image_of("touch", kTouchConsole, true)})).empty());
}
