// Repeated trials of one measurement, summarized as median, min and max: the median is
// what a report compares, min and max show how much the trials spread.
#pragma once

#include <cstddef>
#include <vector>

namespace slotbox::bench {

struct Summary {
  double median = 0;
  double min = 0;
  double max = 0;
  size_t trials = 0;
};

Summary summarize(std::vector<double> samples);

} // namespace slotbox::bench
