#include "core/memory_input_stream.h"

namespace rwd {
namespace {

class MemoryInputStreamFactory : public DcmInputStreamFactory {
 public:
  MemoryInputStreamFactory(std::span<const uint8_t> bytes, size_t offset) : bytes_(bytes), offset_(offset) {}
  DcmInputStream* create() const override { return new MemoryInputStream(bytes_, offset_); }
  DcmInputStreamFactory* clone() const override { return new MemoryInputStreamFactory(*this); }
  // Not read by DCMTK 3.6.7; the closest of the two kinds it names.
  DcmInputStreamFactoryType ident() const override { return DFT_DcmInputFileStreamFactory; }

 private:
  std::span<const uint8_t> bytes_;
  size_t offset_;
};

}  // namespace

MemoryInputStream::MemoryInputStream(std::span<const uint8_t> bytes, size_t offset)
    : bytes_(bytes), offset_(offset <= bytes.size() ? offset : bytes.size()) {
  setBuffer(bytes_.data() + offset_, static_cast<offile_off_t>(bytes_.size() - offset_));
  setEos();
  plain_ = currentProducer();
}

DcmInputStreamFactory* MemoryInputStream::newFactory() const {
  if (currentProducer() != plain_) return nullptr;
  return new MemoryInputStreamFactory(bytes_, offset_ + static_cast<size_t>(tell()));
}

}  // namespace rwd
