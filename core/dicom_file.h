#pragma once
// The DICOM facade: callers never see DCMTK types. A DicomFile owns a parsed
// Part 10 object; DicomItem and ElementRef are non-owning handles into it and
// are valid only while the DicomFile lives and the element is not removed.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/dicom_tag.h"
#include "core/status.h"

namespace rwd {

class DicomItem;

// One element met during DicomItem::Walk.
class ElementRef {
 public:
  Tag tag() const;
  std::string vr() const;  // two letters, e.g. "PN"; "UN" when unknown
  // For a private data element (gggg,xxyy), xx >= 0x10: the value of its
  // creator slot (gggg,00xx) in the same item; "" when absent or not private.
  const std::string& private_creator() const { return creator_; }
  bool is_sequence() const;
  uint32_t length() const;  // value length in bytes as stored

  // The whole value, all values joined by '\' (text VRs: the stored bytes in
  // the object's character set; binary VRs: DCMTK's decimal rendering).
  Result<std::string> GetString() const;
  // The stored bytes of an OB, OW or UN value (host byte order for OW): a
  // view into the object, valid while the element lives and is unchanged.
  // kInvalidArgument for other VRs (read them with GetString).
  Result<std::span<const uint8_t>> RawBytes() const;
  Status SetString(std::string_view value);
  Status SetEmpty();  // zero length; for a sequence, no items

  size_t NumItems() const;  // 0 unless a sequence
  DicomItem Item(size_t index) const;

 private:
  friend class DicomItem;
  ElementRef(void* elem, std::string creator) : elem_(elem), creator_(std::move(creator)) {}
  void* elem_;  // DcmElement*
  std::string creator_;
};

// A dataset or a sequence item.
class DicomItem {
 public:
  enum class Visit { kKeep, kRemove };

  bool Has(Tag tag) const;
  // The value of a top-level element of this item (see ElementRef::GetString).
  std::optional<std::string> GetString(Tag tag) const;
  // Sets (inserting when absent, VR from the dictionary) a string value.
  Status SetString(Tag tag, std::string_view value);
  Status Remove(Tag tag);
  // Inserts an empty sequence when absent and appends one empty item to it.
  Result<DicomItem> AppendSequenceItem(Tag sequence);

  // Visits every element of this item (not of nested items) in tag order.
  // `fn` may change the element's value; kRemove deletes it afterwards.
  void Walk(const std::function<Visit(ElementRef&)>& fn);

 private:
  friend class ElementRef;
  friend class DicomFile;
  explicit DicomItem(void* item) : item_(item) {}
  void* item_;  // DcmItem*
};

struct ParseOptions {
  // Parse the header only and keep Pixel Data as raw bytes of the caller's
  // buffer, to be written back unchanged (the fast path when pixels are not
  // touched). Taken only when Pixel Data is the last element and the
  // encoding allows it; otherwise the file is parsed whole. REQUIRES: the
  // buffer outlives the DicomFile.
  bool defer_pixel_data = false;
};

// A serialised file: `head` then the deferred raw Pixel Data (may be empty).
struct SerializedFile {
  std::vector<uint8_t> head;
  std::span<const uint8_t> tail;
  size_t size() const { return head.size() + tail.size(); }
};

class DicomFile {
 public:
  // Parses a file held in memory (with or without preamble). Fails with
  // kNotDicom, kTruncated or kUnsupportedTransferSyntax and a message that
  // names no attribute value.
  static Result<DicomFile> Parse(std::span<const uint8_t> bytes, const ParseOptions& options = {});

  DicomFile(DicomFile&&) noexcept;
  DicomFile& operator=(DicomFile&&) noexcept;
  ~DicomFile();

  DicomItem dataset();
  DicomItem meta();
  const DicomItem dataset() const { return const_cast<DicomFile*>(this)->dataset(); }
  std::string transfer_syntax_uid() const;
  bool has_meta_header() const;

  // Converts every text value to UTF-8 and sets Specific Character Set to
  // ISO_IR 192 (for objects whose encoding cannot be written back).
  Status ConvertToUtf8();

  // Writes a Part 10 file in the transfer syntax it was read in; the meta
  // header's SOP Class/Instance UIDs are updated from the dataset.
  Result<std::vector<uint8_t>> Serialize();
  // The same without copying deferred Pixel Data: head + tail.
  Result<SerializedFile> SerializeParts();
  // True when Pixel Data was deferred (ParseOptions::defer_pixel_data).
  bool pixel_data_deferred() const;

 private:
  friend class PixelData;  // core/pixel_data.h: decodes and rewrites the pixels
  struct Impl;
  explicit DicomFile(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace rwd
