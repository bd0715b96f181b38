#pragma once
// Test helper: a private data element with an explicit VR put into a Part 10
// file (the facade sets only elements whose VR the dictionary knows).
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcvrobow.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace rwd::testing {

// Sets (group,0010) = creator and (group,10xx) = value with VR `vr` (LO,
// UT, UI, OB, UN ...); returns the file written as Explicit VR Little Endian.
inline std::vector<uint8_t> WithPrivateElement(const std::vector<uint8_t>& bytes, uint16_t group,
                                               const std::string& creator, uint8_t element, DcmEVR vr,
                                               const std::string& value) {
  DcmFileFormat ff;
  DcmInputBufferStream in;
  in.setBuffer(bytes.data(), static_cast<offile_off_t>(bytes.size()));
  in.setEos();
  ff.transferInit();
  if (ff.read(in).bad()) throw std::runtime_error("cannot parse");
  ff.transferEnd();
  DcmDataset* ds = ff.getDataset();
  ds->putAndInsertString(DcmTag(group, 0x0010, EVR_LO), creator.c_str());
  const DcmTag tag(group, static_cast<Uint16>(0x1000 | element), vr);
  if (vr == EVR_OB || vr == EVR_UN) {
    auto* e = new DcmOtherByteOtherWord(tag);
    e->putUint8Array(reinterpret_cast<const Uint8*>(value.data()), static_cast<unsigned long>(value.size()));
    ds->insert(e, true);
  } else if (ds->putAndInsertString(tag, value.c_str()).bad()) {
    throw std::runtime_error("cannot put the private element");
  }
  TempDir dir;
  const std::string path = dir.File("f.dcm");
  if (ff.saveFile(path.c_str(), EXS_LittleEndianExplicit).bad()) throw std::runtime_error("cannot save");
  return ReadBytes(path);
}

}  // namespace rwd::testing
