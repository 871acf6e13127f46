// Everything an image uses.
#pragma once

#include "slotbox/abi.h"
#include "slotbox/arguments.h"
#include "slotbox/check.h"
#include "slotbox/cmos.h"
#include "slotbox/console.h"
#include "slotbox/fault_probe.h"
#include "slotbox/host.h"
#include "slotbox/image.h"
#include "slotbox/io.h"
#include "slotbox/kernel_call.h"
#include "slotbox/metric.h"
#include "slotbox/page_tables.h"
#include "slotbox/protection.h"
#include "slotbox/random.h"
#include "slotbox/smp.h"
