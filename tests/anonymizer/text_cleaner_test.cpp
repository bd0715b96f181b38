#include <doctest/doctest.h>

#include "anonymizer/text_cleaner.h"

using rwd::anon::TextCleaner;

TEST_CASE("the object's own names, IDs and dates are cut out of free text, the rest stays") {
  TextCleaner c;
  c.AddName("Quorble^Zyxwanda^M");
  c.AddValue("PID778899");
  c.AddValue("ACC-4411");
  c.AddDate("19750314");
  const std::string out = c.Clean("MRI brain for zyxwanda QUORBLE, id PID778899 (ACC-4411), born 14.03.1975; follow-up");
  CHECK(out.find("uorble") == std::string::npos);
  CHECK(out.find("yxwanda") == std::string::npos);
  CHECK(out.find("PID778899") == std::string::npos);
  CHECK(out.find("ACC-4411") == std::string::npos);
  CHECK(out.find("1975") == std::string::npos);
  CHECK(out.find("MRI brain for") == 0);
  CHECK(out.find("follow-up") != std::string::npos);
}

TEST_CASE("phone numbers, dates and long numbers of anyone go too") {
  TextCleaner c;
  const std::string out = c.Clean("call +44 20 7946 0958 or 2023-04-05 ref 12345678 about lesion 3 cm");
  CHECK(out.find("7946") == std::string::npos);
  CHECK(out.find("2023") == std::string::npos);
  CHECK(out.find("12345678") == std::string::npos);
  CHECK(out.find("lesion 3 cm") != std::string::npos);
}
