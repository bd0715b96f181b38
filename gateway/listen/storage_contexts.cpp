#include "gateway/listen/storage_contexts.h"

#include <algorithm>

#include <dcmtk/dcmdata/dcuid.h>

#include "rules/standard_tables.h"

namespace rwd::gateway {

const std::vector<std::string>& AcceptedStorageSopClasses() {
  static const std::vector<std::string> kAll = [] {
    std::vector<std::string> v(dcmAllStorageSOPClassUIDs, dcmAllStorageSOPClassUIDs + numberOfDcmAllStorageSOPClassUIDs);
    for (const rules::StorageSopClass& c : rules::StandardStorageSopClasses()) v.emplace_back(c.uid);
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }();
  return kAll;
}

const std::vector<std::string>& StorableTransferSyntaxes() {
  static const std::vector<std::string> kAll = {
      // PS3.5 A.1-A.2: uncompressed and deflated.
      UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax,
      UID_BigEndianExplicitTransferSyntax, UID_DeflatedExplicitVRLittleEndianTransferSyntax,
      // PS3.5 A.4: encapsulated (JPEG incl. the retired processes, JPEG-LS, JPEG 2000, RLE, MPEG, HEVC).
      UID_JPEGProcess1TransferSyntax, UID_JPEGProcess2_4TransferSyntax, UID_JPEGProcess14SV1TransferSyntax,
      UID_JPEGProcess14TransferSyntax, UID_JPEGProcess3_5TransferSyntax, UID_JPEGProcess6_8TransferSyntax,
      UID_JPEGProcess7_9TransferSyntax, UID_JPEGProcess10_12TransferSyntax, UID_JPEGProcess11_13TransferSyntax,
      UID_JPEGProcess15TransferSyntax, UID_JPEGProcess16_18TransferSyntax, UID_JPEGProcess17_19TransferSyntax,
      UID_JPEGProcess20_22TransferSyntax, UID_JPEGProcess21_23TransferSyntax, UID_JPEGProcess24_26TransferSyntax,
      UID_JPEGProcess25_27TransferSyntax, UID_JPEGProcess28TransferSyntax, UID_JPEGProcess29TransferSyntax,
      UID_JPEGLSLosslessTransferSyntax, UID_JPEGLSLossyTransferSyntax, UID_JPEG2000LosslessOnlyTransferSyntax,
      UID_JPEG2000TransferSyntax, UID_JPEG2000Part2MulticomponentImageCompressionLosslessOnlyTransferSyntax,
      UID_JPEG2000Part2MulticomponentImageCompressionTransferSyntax, UID_RLELosslessTransferSyntax,
      UID_MPEG2MainProfileAtMainLevelTransferSyntax, UID_MPEG2MainProfileAtHighLevelTransferSyntax,
      UID_MPEG4HighProfileLevel4_1TransferSyntax, UID_MPEG4BDcompatibleHighProfileLevel4_1TransferSyntax,
      UID_MPEG4HighProfileLevel4_2_For2DVideoTransferSyntax, UID_MPEG4HighProfileLevel4_2_For3DVideoTransferSyntax,
      UID_MPEG4StereoHighProfileLevel4_2TransferSyntax, UID_HEVCMainProfileLevel5_1TransferSyntax,
      UID_HEVCMain10ProfileLevel5_1TransferSyntax,
      // DCMTK reads GE's private implicit VR with big endian pixel data.
      UID_PrivateGE_LEI_WithBigEndianPixelDataTransferSyntax};
  return kAll;
}

namespace {
std::vector<const char*> Pointers(const std::vector<std::string>& v) {
  std::vector<const char*> p;
  for (const std::string& s : v) p.push_back(s.c_str());
  return p;
}
}  // namespace

Status NegotiateStorageContexts(T_ASC_Parameters* params) {
  static const std::vector<const char*> kSop = Pointers(AcceptedStorageSopClasses());
  static const std::vector<const char*> kTs = Pointers(StorableTransferSyntaxes());
  const char* verification[] = {UID_VerificationSOPClass};
  const char* plain[] = {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax,
                         UID_BigEndianExplicitTransferSyntax};
  OFCondition c = ASC_acceptContextsWithPreferredTransferSyntaxes(params, verification, 1, plain, 3);
  if (c.good())
    c = ASC_acceptContextsWithPreferredTransferSyntaxes(params, const_cast<const char**>(kSop.data()),
                                                        static_cast<int>(kSop.size()),
                                                        const_cast<const char**>(kTs.data()),
                                                        static_cast<int>(kTs.size()));
  if (c.bad()) return Status::Error(ErrorCode::kInvalidArgument, std::string("presentation contexts: ") + c.text());
  return Status::Ok();
}

}  // namespace rwd::gateway
