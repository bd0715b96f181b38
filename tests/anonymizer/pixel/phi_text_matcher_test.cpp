// PhiTextMatcher: the object's identifiers in OCR output, whatever the order,
// case and look-alike mistakes; dates and long numbers by their shape; and
// ordinary annotation left alone.
#include "anonymizer/pixel/phi_text_matcher.h"

#include <doctest/doctest.h>

using namespace rwd;
using namespace rwd::anon;
using namespace rwd::anon::pixel;

namespace {

PhiTerms Terms() {
  PhiTerms t;
  t.names = {"VAN DER BERG^Anna Maria^^DR", "LI^WEI"};
  t.values = {"A7K3921X", "48213957", "ACC2023118273", "St Elsewhere General Hospital"};
  t.dates = {"19640317"};
  return t;
}

}  // namespace

TEST_CASE("names match in any order and case, and through OCR look-alikes") {
  const PhiTextMatcher m(Terms());
  for (const char* text :
       {"Anna Maria van der Berg", "BERG, ANNA", "Name: MARIA", "B3RG ANNA", "AnnaBerg", "Patient: LI WEI", "WEI"}) {
    CAPTURE(text);
    CHECK(m.Match(text) == std::optional<std::string>("name"));
  }
  // Short name parts only as whole words: "LI" is in too many words.
  CHECK_FALSE(m.Match("CLINICAL"));
  CHECK_FALSE(m.Match("SLICE 3.0 mm"));
}

TEST_CASE("identifiers match whole, with an OCR error, or in long parts") {
  const PhiTextMatcher m(Terms());
  for (const char* text : {"ID: A7K3921X", "PID A7K392IX", "MRN 48213957", "MRN 4821 3957", "ID 482139S7",
                           "MRN 2 13957", "ACC 2023118273", "ST ELSEWHERE GENERAL", "Elsewhere General"}) {
    CAPTURE(text);
    CHECK(m.Match(text) == std::optional<std::string>("identifier"));
  }
}

TEST_CASE("the birth date matches in every common format, other dates and long numbers by shape") {
  const PhiTextMatcher m(Terms());
  for (const char* text : {"DOB 17.03.1964", "1964-03-17", "03/17/1964", "17 MAR 1964", "17-Mar-1964", "Mar 17 1964",
                           "170364", "DOB 17.O3.1964"}) {
    CAPTURE(std::string(text));
    CHECK(m.Match(text) == std::optional<std::string>("birth date"));
  }
  for (const char* text : {"30 JAN 94", "2024-01-15", "15.01.2024", "01/15/24", "JAN 15, 2024", "20240115"}) {
    CAPTURE(text);
    CHECK(m.Match(text) == std::optional<std::string>("date"));
  }
  CHECK(m.Match("151832") == std::optional<std::string>("long number"));
  CHECK(m.Match("Tel 0612345678") == std::optional<std::string>("long number"));
}

TEST_CASE("annotation that is not PHI is not matched") {
  const PhiTextMatcher m(Terms());
  for (const char* text : {"kV 120 mA 200", "W 400 L 40", "SLICE 3.0 mm", "GAIN 82 DR 60", "ABDOMEN", "R", "L",
                           "2.7MHz", "16CM 14HZ", "Tilt: -0.0", "11:24:58", "DFOV 16.0cm", ""}) {
    CAPTURE(std::string(text));
    CHECK_FALSE(m.Match(text));
  }
  // Titles in a person name are not identifying.
  CHECK_FALSE(m.Match("DR"));
  const PhiTextMatcher none{PhiTerms{}};
  CHECK_FALSE(none.Match("SMITH JOHN"));
  CHECK(CanonicalCompact("Ol5 8z") == "OISBZ");
}
