#include "host/loader/kut_config.h"

#include <doctest/doctest.h>

#include <map>

using namespace slotbox::loader;

namespace {

const char* const kConfig = R"(# unittest configuration
[x2apic]
file = apic.flat
smp = 2
qemu_params = -cpu qemu64,+x2apic,+tsc-deadline
timeout = 30
groups = apic

[vmexit_ipi]
file = vmexit.flat
smp = 2
test_args = 'ipi'
extra_params = -m 2048

[cmpxchg8b]
file = cmpxchg8b.flat
arch = i386
)";

std::vector<KutSection> parsed(const char* text) {
  auto sections = parse_kut_config(text, "unittests.cfg");
  REQUIRE(sections);
  return *sections;
}

KutSection named(const std::string& name) {
  KutSection section;
  section.name = name;
  section.file = name + ".flat";
  return section;
}

auto files(std::map<std::string, std::string> contents) {
  return [contents](const std::string& path) -> std::optional<std::string> {
    auto found = contents.find(path);
    if (found == contents.end()) return std::nullopt;
    return found->second;
  };
}

} // namespace

TEST_CASE("unittests.cfg sections keep their keys") {
  auto sections = parsed(kConfig);
  REQUIRE(sections.size() == 3);
  CHECK(sections[0].name == "x2apic");
  CHECK(sections[0].file == "apic.flat");
  CHECK(sections[0].smp == 2);
  CHECK(sections[0].timeout == std::chrono::seconds(30));
  CHECK(sections[0].groups == std::vector<std::string>{"apic"});
  CHECK(sections[0].qemu_params == std::vector<std::string>{"-cpu", "qemu64,+x2apic,+tsc-deadline"});
  CHECK(sections[1].test_args == std::vector<std::string>{"ipi"});
  CHECK(sections[1].qemu_params == std::vector<std::string>{"-m", "2048"});
  CHECK(sections[1].timeout == std::chrono::seconds(90));
  CHECK(sections[2].arch == "i386");
}

TEST_CASE("bad unittests.cfg lines are refused, naming the line") {
  SUBCASE("a key outside a section") {
    auto result = parse_kut_config("file = a.flat\n", "u.cfg");
    REQUIRE_FALSE(result);
    CHECK(result.error().message() == "u.cfg: line 1: a key before the first [section]");
  }
  SUBCASE("smp out of range") {
    auto result = parse_kut_config("[a]\nfile = a.flat\nsmp = 0\n", "u.cfg");
    REQUIRE_FALSE(result);
    CHECK(result.error().message() == "u.cfg: line 3: smp: smp must be a number from 1 to 64");
  }
  SUBCASE("an unclosed quote") {
    CHECK_FALSE(parse_kut_config("[a]\nfile = a.flat\ntest_args = 'ipi\n", "u.cfg"));
  }
  SUBCASE("a section with no file") {
    auto result = parse_kut_config("[a]\nsmp = 2\n", "u.cfg");
    REQUIRE_FALSE(result);
    CHECK(result.error().message() == "u.cfg: [a] has no file");
  }
  SUBCASE("an unknown key") { CHECK_FALSE(parse_kut_config("[a]\nfile = a.flat\ncolour = red\n", "u.cfg")); }
  SUBCASE("timeouts take s, m and h") {
    auto sections = parsed("[a]\nfile = a.flat\ntimeout = 2m\n");
    CHECK(sections[0].timeout == std::chrono::seconds(120));
  }
}

TEST_CASE("a section's plan: how slotbox runs it, or why it skips") {
  auto sections = parsed(kConfig);
  auto none = files({});
  SUBCASE("-cpu becomes a model and flags; smp and timeout carry over") {
    auto plan = plan_kut_section(sections[0], none);
    CHECK_FALSE(plan.skip);
    CHECK(plan.smp == 2);
    CHECK(plan.cpu_model == "qemu64");
    CHECK(plan.cpu_flags == std::vector<std::string>{"+x2apic", "+tsc-deadline"});
  }
  SUBCASE("-m is QEMU's: a bare number is MiB; test_args are the command line") {
    auto plan = plan_kut_section(sections[1], none);
    REQUIRE(plan.ram);
    CHECK(*plan.ram == 2048ull << 20);
    CHECK(plan.append == std::vector<std::string>{"ipi"});
  }
  SUBCASE("another arch, which kvm-unit-tests' runner skips too") {
    CHECK(plan_kut_section(sections[2], none).skip == "i386 only");
    CHECK(plan_kut_section(sections[2], none).skip_upstream);
  }
  SUBCASE("a check that does not hold, or a file that cannot be read") {
    KutSection section = named("pmu");
    section.checks = {"/sys/module/kvm/parameters/enable_pmu=Y"};
    CHECK(plan_kut_section(section, none).skip == "/sys/module/kvm/parameters/enable_pmu not equal to Y");
    CHECK(plan_kut_section(section, files({{"/sys/module/kvm/parameters/enable_pmu", "N\n"}})).skip);
    CHECK_FALSE(plan_kut_section(section, files({{"/sys/module/kvm/parameters/enable_pmu", "Y\n"}})).skip);
  }
  SUBCASE("a QEMU option slotbox has no equivalent for") {
    KutSection section = named("hpet");
    section.qemu_params = {"-device", "pci-testdev"};
    CHECK(plan_kut_section(section, none).skip == "QEMU option -device pci-testdev has no slotbox equivalent");
    CHECK_FALSE(plan_kut_section(section, none).skip_upstream);
  }
  SUBCASE("-device hyperv-testdev asks for the SynIC test device") {
    KutSection section = named("hyperv_synic");
    section.qemu_params = {"-cpu", "host,hv_passthrough", "-device", "hyperv-testdev"};
    auto plan = plan_kut_section(section, none);
    CHECK_FALSE(plan.skip);
    CHECK(plan.hyperv_testdev);
    CHECK(plan.cpu_flags == std::vector<std::string>{"hv_passthrough"});
  }
  SUBCASE("-machine pit=off leaves the PIT out; other machine properties skip") {
    KutSection section = named("vmexit_ipi");
    section.qemu_params = {"-machine", "pit=off"};
    auto plan = plan_kut_section(section, none);
    CHECK_FALSE(plan.skip);
    CHECK_FALSE(plan.pit);
    section.qemu_params = {"-M", "q35,kernel-irqchip=split"};
    CHECK(plan_kut_section(section, none).skip == "-machine q35 has no slotbox equivalent");
  }
  SUBCASE("-enable-kvm is what slotbox does anyway") {
    KutSection section = named("cet");
    section.qemu_params = {"-enable-kvm", "-m", "2g"};
    auto plan = plan_kut_section(section, none);
    CHECK_FALSE(plan.skip);
    CHECK(plan.ram == 2ull << 30);
  }
  SUBCASE("accel tcg") {
    KutSection section = named("t");
    section.accel = "tcg";
    CHECK(plan_kut_section(section, none).skip == "needs accel tcg");
  }
}

TEST_CASE("words split as a shell would") {
  CHECK(*split_words("-cpu max  -append 'a b' \"c\"") ==
        std::vector<std::string>{"-cpu", "max", "-append", "a b", "c"});
  CHECK(split_words("")->empty());
}
