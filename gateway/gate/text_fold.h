#pragma once
// Case folding for the residual-PHI gate's matching, written for the gate
// (independent of the de-identifier's cleaner): ASCII, Latin-1 Supplement,
// Latin Extended-A, Greek and Cyrillic capitals map to their small letters
// (final sigma to sigma), so "MÜLLER", "Müller" and "müller" compare equal.
// Scripts without case (CJK, Arabic, Hebrew) pass unchanged. Bytes that are
// not valid UTF-8 (text in another character set read raw) are copied as
// they are, ASCII letters among them still folded.
#include <string>
#include <string_view>

namespace rwd::gateway::gate {

std::string FoldCase(std::string_view text);

}  // namespace rwd::gateway::gate
