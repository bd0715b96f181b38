#include "gateway/cohort/cohort.h"

#include <fstream>
#include <vector>

#include "core/strings.h"

namespace rwd::gateway {
namespace {

// One CSV line (RFC 4180 quoting, no line breaks inside fields).
std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',' || c == ';') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  for (auto& f : out) f = std::string(TrimValue(f));
  return out;
}

}  // namespace

Result<Cohort> Cohort::Load(const std::string& path, const anon::KeyedIds& ids) {
  std::ifstream in(path);
  if (!in) return Status::Error(ErrorCode::kIoError, "cannot read --cohort " + path);
  std::string line;
  int patient_col = -1, accession_col = -1;
  if (std::getline(in, line)) {
    if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a spreadsheet's UTF-8 mark
    auto header = SplitCsv(line);
    for (size_t i = 0; i < header.size(); ++i) {
      const std::string h = AsciiUpper(header[i]);
      if (h == "PATIENTID" || h == "PATIENT ID" || h == "PATIENT_ID") patient_col = static_cast<int>(i);
      if (h == "ACCESSIONNUMBER" || h == "ACCESSION NUMBER" || h == "ACCESSION_NUMBER" || h == "ACCESSION")
        accession_col = static_cast<int>(i);
    }
  }
  if (patient_col < 0 && accession_col < 0)
    return Status::Error(ErrorCode::kInvalidArgument,
                         "--cohort: the first row must name a PatientID and/or an AccessionNumber column");
  Cohort c(ids);
  while (std::getline(in, line)) {
    auto f = SplitCsv(line);
    if (patient_col >= 0 && patient_col < static_cast<int>(f.size()) && !f[patient_col].empty())
      c.patients_.insert(ids.DbHmac(f[patient_col]));
    if (accession_col >= 0 && accession_col < static_cast<int>(f.size()) && !f[accession_col].empty())
      c.accessions_.insert(ids.DbHmac(f[accession_col]));
  }
  if (c.patients_.empty() && c.accessions_.empty())
    return Status::Error(ErrorCode::kInvalidArgument, "--cohort: no patient ID or accession number listed");
  return c;
}

bool Cohort::Matches(const std::string& patient_id, const std::string& accession_number) const {
  if (!patient_id.empty() && patients_.count(ids_->DbHmac(patient_id))) return true;
  return !accession_number.empty() && accessions_.count(ids_->DbHmac(accession_number));
}

}  // namespace rwd::gateway
