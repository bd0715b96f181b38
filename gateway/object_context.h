#pragma once
// Everything the stages know about one input object while it moves through
// the pipeline. Owned by one worker at a time.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "anonymizer/burned_in_risk.h"
#include "anonymizer/header_deidentifier.h"
#include "anonymizer/phi_terms.h"
#include "core/dicom_file.h"
#include "db/provenance_store.h"
#include "gateway/gate/original_identifiers.h"
#include "gateway/object_facts.h"

namespace rwd::gateway {

// Allocates without zero-filling: read buffers are overwritten at once, and a
// worker reuses one buffer for all its objects (no page faults per file).
template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  using std::allocator<T>::allocator;
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
using ByteBuffer = std::vector<uint8_t, DefaultInitAllocator<uint8_t>>;

struct ObjectContext {
  std::string path;      // as found on disk
  std::string rel_path;  // relative to the input root (stored in the database)
  int64_t mtime_ns = 0;  // the input's modification time (recorded for --incremental)
  ByteBuffer bytes;  // the original file (the worker's reused buffer)
  std::string sha256_in;
  std::optional<DicomFile> dicom;
  std::string modality, sop_class_uid;
  anon::BurnedInRisk burned_in;  // assessed on the original header
  anon::PhiTerms phi;            // the original identifiers (memory only), for pixel text
  // The original header's short top-level values (tag -> value), taken by
  // identify before de-identification when later stages need them (known
  // device regions match on descriptions the de-identified header lacks),
  // so nothing parses the original twice. Memory only.
  std::unordered_map<uint32_t, std::string> original_values;
  // What the residual-PHI gate looks for (collected by identify with the
  // gate's own code; memory only, dropped once the gate has run).
  std::optional<gate::OriginalIdentifiers> original_ids;
  bool gate_hit = false;  // the gate held it back
  anon::HeaderResult header;
  SerializedFile out;  // the de-identified file (head + unchanged pixel data), once serialised
  std::string sha256_out;
  std::string staging_path;        // where it waits for its series
  std::string output_path;         // where its release will put it
  ObjectFacts facts;               // for the series stages (geometry)
  std::vector<db::Finding> findings;
  int pixel_regions_redacted = 0;  // burned-in text boxes filled
  bool pixels_changed = false;     // the pixel stage wrote changed pixels back
  std::string qc_group;            // QcGroupOf the original header (an HMAC)
};

}  // namespace rwd::gateway
