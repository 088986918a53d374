// Files that appear whole or not at all and never replace another: how backups and key files are
// written. The content goes to a partial file beside the name, which link(2) then gives the name
// -- link, unlike rename, fails when the name exists, so a file another process finished first
// (or another store's key file) is never replaced, and no reader ever sees half a file.
#pragma once

#include <string>

#include "rapport/status.h"

namespace rapport::store {

bool FileExists(const std::string& path);

// A name beside `path` that no other process or thread writing `path` at once uses.
std::string PartialPath(const std::string& path);

// Names the complete file `partial` `path`, then removes `partial` either way. When `path`
// exists: FailedPrecondition(`exists`), the caller's sentence for it.
Status PublishNew(const std::string& partial, const std::string& path, const std::string& exists);

}  // namespace rapport::store
