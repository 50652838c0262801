#include "tests/support/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <utility>

namespace zp::testing {

Subprocess::Subprocess(std::vector<std::string> argv, std::map<std::string, std::string> env,
                       std::string log_file)
    : log_file_(std::move(log_file)) {
  pid_ = fork();
  if (pid_ == 0) {
    // Dies with the test process, even when the test is killed (ctest timeout).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    // The child must not inherit the test's blocked signal mask.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (const auto& [k, v] : env) {
      setenv(k.c_str(), v.c_str(), 1);
    }
    int fd = open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    std::vector<char*> args;
    for (std::string& a : argv) {
      args.push_back(a.data());
    }
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
}

Subprocess::~Subprocess() {
  if (pid_ > 0 && !exited_) {
    Stop(SIGKILL);
  }
}

bool Subprocess::running() {
  if (exited_ || pid_ <= 0) {
    return false;
  }
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    exited_ = true;
    return false;
  }
  return true;
}

bool Subprocess::ExitedWithLog(const std::string& name) {
  if (running()) {
    return false;
  }
  std::ifstream log(log_file_);
  std::cerr << name << " exited; its log:\n" << log.rdbuf() << "\n";
  return true;
}

void Subprocess::Signal(int sig) {
  if (pid_ > 0 && !exited_) {
    kill(pid_, sig);
  }
}

int Subprocess::Stop(int sig) {
  if (pid_ <= 0 || exited_) {
    return 0;
  }
  kill(pid_, sig);
  int status = 0;
  waitpid(pid_, &status, 0);
  exited_ = true;
  return status;
}

int RunCommand(const std::string& command, const std::map<std::string, std::string>& env) {
  std::string prefix;
  for (const auto& [k, v] : env) {
    // Exported first, so that the command's own $VARIABLES see the new values.
    prefix += "export " + k + "='" + v + "'; ";
  }
  int status = std::system((prefix + command).c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string CommandOutput(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  return out;
}

}  // namespace zp::testing
