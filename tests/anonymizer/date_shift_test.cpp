#include <doctest/doctest.h>

#include "anonymizer/date_shift.h"

using namespace rwd::anon;

TEST_CASE("DA and DT values shift by whole days; intervals are kept") {
  CHECK(ShiftDateValue("20240301", "DA", -1) == "20240229");  // leap year
  CHECK(ShiftDateValue("20230301", "DA", -1) == "20230228");
  CHECK(ShiftDateValue("20231231", "DA", 1) == "20240101");
  CHECK(ShiftDateValue("20240110\\20240120", "DA", -100) == "20231002\\20231012");
  CHECK(ShiftDateValue("20240110120000.5+0100", "DT", -10) == "20231231120000.5+0100");
  const long a = *DaysFromDa(ShiftDateValue("20200115", "DA", -77)), b = *DaysFromDa(ShiftDateValue("20210310", "DA", -77));
  CHECK(b - a == *DaysFromDa("20210310") - *DaysFromDa("20200115"));
}

TEST_CASE("invalid dates are dropped, never kept; results stay in the DICOM range") {
  CHECK(ShiftDateValue("20230231", "DA", -5).empty());
  CHECK(ShiftDateValue("yesterday", "DA", -5).empty());
  CHECK(ShiftDateValue("00010105", "DA", -30) == "00010101");
  CHECK(ShiftDateValue("99991230", "DA", 30) == "99991231");
}
