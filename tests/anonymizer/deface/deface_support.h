#pragma once
// Runs the defacer the way the gateway will (parse, build the volume,
// Deface, write back, mark, serialise) on phantom series, and reads the
// released files back independently.
#include <vector>

#include "anonymizer/deface/defacer.h"
#include "core/dicom_file.h"
#include "tests/support/head_phantom.h"

namespace rwd::testing {

struct Parsed {
  std::vector<DicomFile> files;
  std::vector<DicomFile*> pointers;
};
Parsed ParseAll(const std::vector<std::vector<uint8_t>>& bytes);

struct DefaceRun {
  deface::DefaceResult result;
  std::vector<std::vector<uint8_t>> released;  // every object, serialised after the stage
  SeriesVolume volume;                         // as defaced (or left)
};
// `cut`: apply this cut (DefaceWithCut) instead of computing one.
DefaceRun RunDeface(const std::vector<std::vector<uint8_t>>& files, const deface::DefaceOptions& options = {},
                    const deface::Cut* cut = nullptr);

// Checks the user relies on for a defaced series: every brain voxel (ch2bet)
// stored identically, no object missing, the face zone of an independent
// anterior rendering changed (residual <= 5 %). Returns the residual.
double CheckDefacedAgainstOriginal(const Phantom& original, const DefaceRun& run, float level);

}  // namespace rwd::testing
