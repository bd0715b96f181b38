#pragma once
// A DCMTK input stream over bytes in memory that, unlike DcmInputBufferStream,
// can make stream factories. With a factory DCMTK reads a value longer than
// the read limit by skipping it first (DcmElement::read) and loads it only
// afterwards: a length field claiming more than the file holds then fails as
// truncated instead of making DCMTK allocate the claimed size (up to 4 GiB)
// before reading (fuzzing found layouts the pre-scan cannot foresee, e.g. a
// meta header DCMTK gives up on mid-sequence). Not for use outside core/.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcistrmb.h>

#include <cstdint>
#include <span>

namespace rwd {

// Values longer than this are skipped first and loaded once the read is done.
inline constexpr Uint32 kDeferredLoadLength = 4096;

class MemoryInputStream : public DcmInputBufferStream {
 public:
  // REQUIRES: `bytes` outlives the stream, every factory it made and every
  // value not yet loaded (DicomFile::Parse loads all before returning).
  explicit MemoryInputStream(std::span<const uint8_t> bytes, size_t offset = 0);
  // NULL once a compression filter is installed (offsets would not be the
  // buffer's), as DcmInputFileStream does.
  DcmInputStreamFactory* newFactory() const override;

 private:
  std::span<const uint8_t> bytes_;
  size_t offset_;
  const DcmProducer* plain_;  // the buffer producer, before any filter
};

}  // namespace rwd
