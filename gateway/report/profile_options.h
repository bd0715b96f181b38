#pragma once
// The options and overrides of a profile as (name, value) lines for the
// report header and the de-identification summary. Override values (e.g.
// a replacement constant) are not shown: only selector and action.
#include <string>
#include <utility>
#include <vector>

#include "rules/profile.h"

namespace rwd::gateway::report {

using Lines = std::vector<std::pair<std::string, std::string>>;

Lines ProfileOptionsInForce(const rules::Profile& profile);
Lines ProfileOverrides(const rules::Profile& profile);

}  // namespace rwd::gateway::report
