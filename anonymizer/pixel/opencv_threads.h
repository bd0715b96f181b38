#pragma once

namespace rwd::anon::pixel {

// Our workers parallelise across objects, so OpenCV's own pool would only
// compete (and wake for every morphology call). Sets its thread count to one,
// once per process: cv::setNumThreads tears down and rebuilds the TBB arena,
// and two workers doing that at the same moment crashed.
void UseOneOpenCvThread();

}  // namespace rwd::anon::pixel
