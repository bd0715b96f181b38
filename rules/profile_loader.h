#pragma once
// YAML -> Profile with strict validation: unknown keys, bad tags, unknown
// keywords and wrong types are errors reported as "FILE:LINE:COLUMN: ...".
#include <string>
#include <string_view>

#include "core/status.h"
#include "rules/profile.h"

namespace rwd::rules {

// Reads and validates a profile file. All errors found are reported, one per
// line, in the Status message (code kProfileError).
Result<Profile> LoadProfile(const std::string& path);
// Same, from text; `name_for_errors` prefixes error locations.
Result<Profile> ParseProfile(std::string_view yaml_text, const std::string& name_for_errors);

}  // namespace rwd::rules
