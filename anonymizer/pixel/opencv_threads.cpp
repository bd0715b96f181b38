#include "anonymizer/pixel/opencv_threads.h"

#include <mutex>
#include <opencv2/core/utility.hpp>

namespace rwd::anon::pixel {

void UseOneOpenCvThread() {
  static std::once_flag once;
  std::call_once(once, [] { cv::setNumThreads(1); });
}

}  // namespace rwd::anon::pixel
