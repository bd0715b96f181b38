#include "core/study_uid_reader.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/nesting_scan.h"

namespace rwd {
namespace {

// A header up to the Study Instance UID fits in this in all but odd files
// (long private blocks before group 0020); those are read whole.
constexpr size_t kPrefixBytes = 64 * 1024;

Result<std::vector<uint8_t>> ReadPrefix(const std::string& path, size_t limit, bool* whole) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Error(ErrorCode::kIoError, std::string("cannot open: ") + std::strerror(errno));
  std::vector<uint8_t> bytes;
  uint8_t buf[1 << 16];
  *whole = false;
  while (bytes.size() < limit) {
    const ssize_t n = ::read(fd, buf, std::min(sizeof buf, limit - bytes.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Status::Error(ErrorCode::kIoError, std::string("cannot read: ") + std::strerror(err));
    }
    if (n == 0) {
      *whole = true;
      break;
    }
    bytes.insert(bytes.end(), buf, buf + n);
  }
  ::close(fd);
  return bytes;
}

// As DicomFile::Parse decides (core/dicom_file.cpp LooksLikeDicom): "DICM"
// at 128, or no preamble and a first group 0002 or 0008, either byte order.
bool HasMagic(const std::vector<uint8_t>& b) {
  if (b.size() >= 132 && std::memcmp(b.data() + 128, "DICM", 4) == 0) return true;
  if (b.size() < 8) return false;
  const uint16_t le = static_cast<uint16_t>(b[0] | (b[1] << 8));
  const uint16_t be = static_cast<uint16_t>((b[0] << 8) | b[1]);
  return le == 0x0002 || le == 0x0008 || be == 0x0008;
}

// Parses `bytes` up to (0020,000E); `eos`: the buffer is the whole file.
Result<std::string> StudyUidOf(const std::vector<uint8_t>& bytes, bool eos) {
  // DCMTK recurses per nested sequence: refuse absurd nesting first.
  if (Status depth = CheckNestingDepth(bytes); !depth.ok()) return depth;
  DcmFileFormat ff;
  DcmInputBufferStream in;
  in.setBuffer(bytes.data(), static_cast<offile_off_t>(bytes.size()));
  if (eos) in.setEos();
  ff.transferInit();
  const OFCondition c = ff.readUntilTag(in, EXS_Unknown, EGL_noChange, DCM_MaxReadLength, DCM_SeriesInstanceUID);
  ff.transferEnd();
  OFString uid;
  if (ff.getDataset()->findAndGetOFString(DCM_StudyInstanceUID, uid).good() && !uid.empty()) return std::string(uid.c_str());
  if (c.bad() && c != EC_StreamNotifyClient)
    return Status::Error(ErrorCode::kTruncated, "the header cannot be parsed up to the Study Instance UID");
  return Status::Error(ErrorCode::kInvalidArgument, "no Study Instance UID (0020,000D)");
}

}  // namespace

Result<std::string> ReadStudyInstanceUid(const std::string& path) {
  bool whole = false;
  auto prefix = ReadPrefix(path, kPrefixBytes, &whole);
  if (!prefix.ok()) return prefix.status();
  if (prefix->empty()) return Status::Error(ErrorCode::kEmptyFile, "file is empty");
  if (!HasMagic(*prefix)) return Status::Error(ErrorCode::kNotDicom, "no DICM marker and no DICOM group at the start");
  auto uid = StudyUidOf(*prefix, whole);
  if (uid.ok() || whole) return uid;
  // Not found in the prefix: the header is long, read the file whole.
  auto all = ReadPrefix(path, SIZE_MAX, &whole);
  if (!all.ok()) return all.status();
  return StudyUidOf(*all, true);
}

}  // namespace rwd
