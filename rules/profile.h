#pragma once
// A de-identification profile: PS3.15 base + options + ordered overrides.
// Loaded from YAML by LoadProfile (profile_loader.h); plain data otherwise.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/dicom_tag.h"
#include "rules/action.h"
#include "rules/predicate.h"
#include "rules/qc_config.h"
#include "rules/standard_tables.h"

namespace rwd::rules {

enum class Longitudinal { kOff, kFull, kModified };

// PS3.15 E.3 options. Every field's default is off (the Basic Profile).
struct ProfileOptions {
  bool retain_safe_private = false;
  bool retain_uids = false;
  bool retain_device_identity = false;
  bool retain_institution_identity = false;
  bool retain_patient_characteristics = false;
  Longitudinal retain_longitudinal_temporal = Longitudinal::kOff;
  bool clean_descriptors = false;
  bool clean_structured_content = false;
  bool clean_graphics = false;
  bool clean_pixel_data = false;                    // burned-in text
  bool clean_recognizable_visual_features = false;  // defacing

  // Whether a Table E.1-1 option column is in force.
  bool Active(E11Option option) const;
};

// Which attributes one override addresses.
struct Selector {
  enum class Kind { kTag, kMask, kPrivate };
  Kind kind = Kind::kTag;
  Tag tag;                 // kTag: the tag; kMask: value bits
  uint16_t group_mask = 0xFFFF, element_mask = 0xFFFF;  // kMask
  std::string creator;     // kPrivate: private creator (trailing spaces trimmed)
  uint8_t element_offset = 0;            // kPrivate: low byte of the element
  std::optional<uint16_t> private_group; // kPrivate: group, when given

  bool Matches(Tag t, std::string_view private_creator) const;
  std::string ToString() const;  // as a DPO would write it
};

struct Override {
  Selector selector;
  Action action;
  std::string origin;  // "rules[3] (line 21)"
};

// An object is rejected when all the conditions of any one entry hold
// (rules/predicate.h: the same engine as the known burned-in regions).
// The loader makes {Keyword: [values]} an kEquals condition (any of the
// values, ignoring outer spaces and case).
struct FilterEntry {
  std::vector<Condition> all_of;
  std::string origin;
};

enum class UnlistedPolicy {
  kKeepKnown,  // standard attributes from the data dictionary kept, unknown removed
  kRemove,     // only what the table or an override keeps survives
};

enum class BurnedInMode {
  kQuarantineAtRisk,  // images at risk of burned-in text go to quarantine
  kRedactAllText,     // every text region found in the pixels is filled
  kRedactPhi,         // only text matching the object's identifiers / PHI patterns
};

// A known burned-in region for a device (CTP / pydicom-deid style), in pixels.
struct PixelRegion {
  int x = 0, y = 0, width = 0, height = 0;
};
struct DeviceRegions {
  std::string manufacturer;  // case-insensitive substring match; "" = any
  std::string model;         // case-insensitive substring match; "" = any
  int rows = 0, columns = 0; // 0 = any size
  std::string modality;      // "" = any
  std::vector<PixelRegion> boxes;
  std::string origin;        // where it was defined (file:line or library name)
};

// What to do with a region that cannot be decided: not readable and not
// surely text, over the anatomy of a CT/MR image whose header does not say
// BurnedInAnnotation YES (a black box in anatomy is damage, not caution).
enum class UnsureRegions {
  kLeave,   // pixels.unsure: leave (default): a finding is recorded, pixels kept
  kRedact,  // pixels.unsure: redact: filled like unreadable text
};

struct PixelsConfig {
  BurnedInMode burned_in = BurnedInMode::kQuarantineAtRisk;
  // pixels.screen: on (default) | off. With quarantine-at-risk (pixels not
  // cleaned), every frame of every image is still searched by the fast text
  // detector and an image with text is quarantined. Off: header triage only.
  bool screen = true;
  UnsureRegions unsure = UnsureRegions::kLeave;  // pixels.unsure: leave | redact
  int margin = 3;                 // pixels added around each redacted box
  int ocr_min_confidence = 50;    // below: text is treated as unreadable
  std::vector<DeviceRegions> regions;  // the profile's own, tried before the shipped library
};

// The residual-PHI gate (gateway/gate): terms every released object is
// checked for besides its own identifiers. The gate cannot be turned off;
// a profile can only make it stricter.
struct GateConfig {
  std::string extra_terms_file;          // as given, resolved against the profile's folder
  std::vector<std::string> extra_terms;  // one per line of the file; may be names: memory only
};

struct Profile {
  std::string name;
  std::string base = std::string("ps3.15-") + kE11Edition;
  ProfileOptions options;
  std::string key_file;                      // "" = the --key / work-dir default
  std::string patient_id_format = "RWD{hmac:10}";
  // Site-assigned study codes: original Patient ID -> pseudonym, read from
  // pseudonym.lookup (CSV "patient_id,pseudonym"). Holds PHI: memory only.
  std::unordered_map<std::string, std::string> lookup;
  std::string lookup_file;
  bool lookup_missing_quarantines = true;  // lookup_missing: quarantine | keyed
  int date_shift_min_days = -365, date_shift_max_days = -30;
  std::vector<Override> rules;
  std::vector<FilterEntry> reject;
  UnlistedPolicy unlisted = UnlistedPolicy::kKeepKnown;
  PixelsConfig pixels;
  QcConfig qc;  // image quality control (qc: section)
  GateConfig gate;

  std::string source_path;
  std::string sha256;  // of the YAML text as read
};

// The first filter entry whose conditions all hold for `header`, or null
// (the object is not rejected).
const FilterEntry* RejectingEntry(const Profile& profile, const HeaderValue& header);

}  // namespace rwd::rules
