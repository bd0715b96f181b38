#pragma once
// Does a line of text read from the pixels carry protected health
// information: the object's own identifiers (names in any order and case,
// IDs, accession numbers, institution, birth date in common formats), or
// anything shaped like a date or a long number?
//
// OCR mistakes are expected: both sides are compared in a canonical form
// that folds look-alike characters (0/O/D/Q, 1/I/L, 5/S, 8/B, 2/Z, 6/G, U/V)
// and with a small edit distance for longer values; long numeric identifiers
// also match in part (half of their digits in a row). Erring towards a match
// only redacts more.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "anonymizer/phi_terms.h"

namespace rwd::anon::pixel {

class PhiTextMatcher {
 public:
  explicit PhiTextMatcher(const PhiTerms& terms);

  // What kind of PHI `text` contains ("name", "identifier", "birth date",
  // "date", "long number"), or nullopt. The kind names no value.
  std::optional<std::string> Match(std::string_view text) const;

 private:
  struct Term {
    std::string compact;             // canonical, letters and digits only
    std::vector<std::string> words;  // canonical words of multi-word values
    int max_errors = 0;
    const char* kind;
    bool partial;       // a run of half of it is enough (long numeric identifiers)
    std::string plain;  // short name parts: uppercase, not folded
  };
  std::vector<Term> terms_;
};

// Canonical form used for matching (exposed for tests): uppercase letters
// and digits only, look-alikes folded.
std::string CanonicalCompact(std::string_view text);

}  // namespace rwd::anon::pixel
