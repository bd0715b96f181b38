#pragma once
// DicomFile's private state, shared by the core files that are its friends
// (dicom_file.cpp, pixel_data.cpp). Not for use outside core/.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <cstdint>
#include <span>

#include "core/dicom_file.h"

namespace rwd {

struct DicomFile::Impl {
  DcmFileFormat ff;
  bool had_meta = false;
  // Header-only parse: the Pixel Data element (and nothing after it) was not
  // parsed; these are its raw bytes in the caller's buffer, written back
  // as they are after the serialised header.
  std::span<const uint8_t> deferred_tail;
  E_TransferSyntax deferred_xfer = EXS_Unknown;  // the encoding of deferred_tail
};

}  // namespace rwd
