// Small pieces every live source shares: percent-encoding (RFC 3986 §2.1), what counts as a
// loopback host (where plain connections are allowed), and jittered exponential back-off.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace rapport::sync {

// Keeps ASCII letters, digits, "-_.~" and the characters in `also_keep`; %XX for every other byte.
std::string PercentEncode(std::string_view s, std::string_view also_keep = {});

// localhost, ::1 or 127.x.y.z.
bool IsLoopbackHost(std::string_view host);
// The host of an http(s)://HOST[:PORT]/... URL is a loopback host.
bool IsLoopbackUrl(std::string_view url);

// How long to wait before try `attempt` (0, 1, ...): 0.5 s doubling up to 32 s, plus up to as
// much again at random, so that many clients do not retry in step.
std::chrono::milliseconds JitteredBackoff(int attempt);
// Sleeps `wait`, or less when `stop` is set meanwhile.
void SleepUnlessStopped(std::chrono::milliseconds wait, const std::atomic<bool>* stop);

}  // namespace rapport::sync
