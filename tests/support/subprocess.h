#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace zp::testing {

// A child process started with fork/exec; killed (SIGKILL) if still running at destruction.
class Subprocess {
 public:
  Subprocess(std::vector<std::string> argv, std::map<std::string, std::string> env = {},
             std::string log_file = "/dev/null");
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // True when the process has exited; then writes "<name> exited; its log:" and the log to
  // stderr, so that a test waiting for it says why it never became ready.
  bool ExitedWithLog(const std::string& name);
  void Signal(int sig);
  // Sends `sig` and waits for the process to exit; returns its wait status.
  int Stop(int sig);

 private:
  pid_t pid_ = -1;
  bool exited_ = false;
  std::string log_file_;
};

// Runs a shell command with extra environment variables; returns its exit code.
int RunCommand(const std::string& command, const std::map<std::string, std::string>& env = {});

// Runs a shell command and returns its standard output.
std::string CommandOutput(const std::string& command);

}  // namespace zp::testing
