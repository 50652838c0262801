#pragma once

namespace zp::rpc {

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts afterwards; call it
// first in main, before any thread exists.
void BlockTerminationSignals();

// Waits until SIGTERM or SIGINT arrives; returns the signal number.
int WaitForTerminationSignal();

}  // namespace zp::rpc
