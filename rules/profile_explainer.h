#pragma once
// What a profile does, attribute by attribute, for the data protection
// officer: every Table E.1-1 row and every override, with the base code, the
// option and the override that changed it, and the final action; plus the
// policy for everything the table does not list.
#include <string>
#include <vector>

#include "rules/profile.h"

namespace rwd::rules {

struct ExplainRow {
  std::string tag;       // "(0010,0020)", "(60XX,3000)", "(0029,xx10) \"CREATOR\""
  std::string keyword;   // "PatientID"; "" for patterns and private tags
  std::string name;      // the standard's name, or the override's description
  std::string base;      // Table E.1-1 basic profile code ("" when not listed)
  std::string option;    // option that changed the base code
  std::string override_origin;
  std::string action;    // final action, e.g. "remove", "pseudonym RWD{hmac:10}"
  std::string why;
};

std::vector<ExplainRow> ExplainProfile(const Profile& profile);
// One row for a single tag or keyword; nullopt-like empty tag when unknown.
std::vector<ExplainRow> ExplainOne(const Profile& profile, const std::string& tag_or_keyword);
// Plain sentences: the policy for attributes no row names.
std::vector<std::string> ExplainPolicy(const Profile& profile);
// The qc: section in sentences: on_fail, cohort grading, and every check's
// thresholds and action in force (ExplainPolicy ends with these lines).
std::vector<std::string> ExplainQc(const Profile& profile);

}  // namespace rwd::rules
