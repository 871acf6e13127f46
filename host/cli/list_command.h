// `slotbox list`: the embedded images, one line each.
#pragma once

namespace slotbox::cli {

int list_command();

} // namespace slotbox::cli
