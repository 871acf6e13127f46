#include "host/bench/samples.h"

#include <algorithm>

namespace slotbox::bench {

Summary summarize(std::vector<double> samples) {
  if (samples.empty()) return {};
  std::sort(samples.begin(), samples.end());
  size_t n = samples.size();
  double median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
  return Summary{median, samples.front(), samples.back(), n};
}

} // namespace slotbox::bench
