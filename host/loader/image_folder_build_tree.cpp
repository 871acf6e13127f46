// The unit tests read the images the build made, wherever the test binary lies.
#include "host/loader/named_images.h"

namespace slotbox::loader {

Result<std::string> image_folder() { return std::string(SLOTBOX_BUILD_IMAGE_DIR); }

} // namespace slotbox::loader
