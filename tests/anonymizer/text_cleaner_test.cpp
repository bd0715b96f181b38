#include <doctest/doctest.h>

#include <algorithm>

#include "anonymizer/phi_terms.h"
#include "anonymizer/text_cleaner.h"
#include "core/dicom_file.h"
#include "tests/support/test_support.h"

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

TEST_CASE("names inside sequences (an SR's observer) are the object's own names too") {
  auto f = rwd::DicomFile::Parse(rwd::testing::ReadBytes(std::string(RWD_PYDICOM_TEST_FILES) + "/reportsi.dcm"));
  REQUIRE(f.ok());
  rwd::DicomItem ds = f->dataset();
  auto item = ds.AppendSequenceItem({0x0040, 0xA730});  // ContentSequence
  REQUIRE(item.ok());
  auto nested = item->AppendSequenceItem({0x0040, 0xA730});
  REQUIRE(nested.ok());
  REQUIRE(nested->SetString({0x0040, 0xA123}, "Quorble^Zyxwanda").ok());  // PersonName, two levels down
  const rwd::anon::PhiTerms terms = rwd::anon::CollectPhiTerms(ds);
  auto has = [&](const std::string& n) { return std::find(terms.names.begin(), terms.names.end(), n) != terms.names.end(); };
  CHECK(has("Quorble^Zyxwanda"));
  CHECK(has("Enter text"));  // the template's Recording Observer's Name
  TextCleaner c;
  for (const std::string& n : terms.names) c.AddName(n);
  CHECK(c.Clean("reviewed by Zyxwanda Quorble").find("uorble") == std::string::npos);
}
