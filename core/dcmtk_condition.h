#pragma once
// DCMTK's condition texts for messages that leave the process. Not for use
// outside core/ (takes DCMTK types).
#include <dcmtk/config/osconfig.h>
#include <dcmtk/ofstd/ofcond.h>

#include <string>

namespace rwd {

// The condition's text up to the first quote, bracket or byte that is not
// printable ASCII (DCMTK quotes attribute values in some texts, e.g. an
// unsupported Specific Character Set), followed by its module and code:
// "Cannot select source character set: SpecificCharacterSet (0008,0005)
// value (DCMTK 6.35)". Never an attribute value; always valid UTF-8.
std::string ConditionText(const OFCondition& c);

}  // namespace rwd
