#pragma once
// Finding the gate's identifiers in a folded text (gate/text_fold.h).
#include <functional>
#include <string_view>
#include <vector>

#include "gateway/gate/original_identifiers.h"

namespace rwd::gateway::gate {

// Whether `term` occurs in `folded` as the identifier asks: as a substring,
// as a whole word (short terms: the characters around it are not letters
// or digits; bytes of non-ASCII letters count as letters), as a number not
// inside a longer one (all-digit terms), or for a UID not inside a longer
// UID (no digit or '.' before it, no digit or ".digit" after it).
bool Occurs(std::string_view folded, const Identifier& term);

// Calls `hit` for every identifier of `terms` that occurs in `folded`.
void ForEachOccurring(std::string_view folded, const std::vector<Identifier>& terms,
                      const std::function<void(const Identifier&)>& hit);

}  // namespace rwd::gateway::gate
