#pragma once
// The staging area: where de-identified objects wait for their series to be
// released (DESIGN.md "The pipeline"). It lies on the file system of the
// output, so that releasing an object is one rename(2): atomic, no copy.
// It is WORKDIR/staging when the work dir shares the output's file system,
// else OUTPUT/.rwdgate-staging (mode 0700, never part of the cohort).
//
// A staged file is named after its output path
// (<staging>/<patient>/<study>/<series>/<instance>.dcm), so the staging area
// mirrors what the release will look like. Thread-safe.
#include <mutex>
#include <span>
#include <string>
#include <unordered_set>

#include "core/status.h"

namespace rwd::gateway {

class StagingArea {
 public:
  // Chooses the staging root for `output_dir` and `work_dir` and creates it
  // (and the output folder) when absent.
  // `name`: the staging folder's name when it has to live in the output
  // (sharded runs share one output: each shard has its own).
  static Result<StagingArea> Open(const std::string& output_dir, const std::string& work_dir,
                                  const std::string& name = ".rwdgate-staging");
  // For a remote release target (release_sink.h): staging is WORKDIR/staging
  // and output paths are named under `target` (a URL, never a folder
  // written to); Promote must not be called.
  static Result<StagingArea> OpenForRemote(const std::string& target, const std::string& work_dir);
  StagingArea(StagingArea&& other) noexcept
      : root_(std::move(other.root_)), output_(std::move(other.output_)), no_overwrite_(other.no_overwrite_) {}

  // Sharded runs share the output: Promote then never replaces a file. A
  // file already there with the same bytes counts as released (a rerun);
  // other bytes are an output collision (kUnsafe), and both files stay.
  void set_no_overwrite(bool on) { no_overwrite_ = on; }
  bool no_overwrite() const { return no_overwrite_; }

  // Writes the object's bytes (head then tail) to a new staging file for
  // `rel_path` (relative output path) and returns its full path. A partial
  // file left by a crash is never seen by anyone: it has no 'staged' row,
  // and Clear() removes it at the next start. When this run already staged
  // a file under that name (two inputs, one SOP Instance), nothing is
  // written: kDuplicate, and `existing` (if given) gets its path. This is
  // how a run finds duplicates without keeping every name in memory.
  Result<std::string> Write(const std::string& rel_path, std::span<const uint8_t> head,
                            std::span<const uint8_t> tail = {}, std::string* existing = nullptr);

  // Moves a staged file to its place in the output (rename over an existing
  // file of a rerun: readers see the old or the new file, never a mix).
  // Already moved (a crash after the rename) counts as done.
  Status Promote(const std::string& staging_path, const std::string& output_path);

  // Creates the folder `output_path` will go into, below the output root,
  // without following links (kUnsafe when a link or a file is in the way).
  Status PrepareOutputFolder(const std::string& output_path) { return EnsureParent(output_path); }

  // Removes everything in the staging area (at start, after recovery, and at
  // the end of a completed run). Returns how many files were removed.
  Result<int> Clear();
  // The same, but files whose folder is in `keep` (staged copies a remote
  // target has not confirmed yet) stay.
  Result<int> ClearExcept(const std::unordered_set<std::string>& keep);

  const std::string& root() const { return root_; }
  const std::string& output_root() const { return output_; }
  std::string OutputPath(const std::string& rel_path) const { return output_ + "/" + rel_path; }

 private:
  StagingArea(std::string root, std::string output) : root_(std::move(root)), output_(std::move(output)) {}
  Status EnsureParent(const std::string& path);
  Status PromoteNoReplace(const std::string& staging_path, const std::string& output_path);
  std::string root_, output_;
  bool no_overwrite_ = false;
  std::mutex mu_;
  std::unordered_set<std::string> dirs_;  // folders known to exist
};

// True when the file at `path` exists and its bytes differ from those of
// size `size` and SHA-256 (hex) `sha256`: an output collision.
bool OtherBytesAt(const std::string& path, int64_t size, const std::string& sha256);

// Writes head + tail to `fd` (writev, short writes retried). False on error (errno set).
bool WriteAll(int fd, std::span<const uint8_t> head, std::span<const uint8_t> tail);

}  // namespace rwd::gateway
