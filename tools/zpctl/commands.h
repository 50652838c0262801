#pragma once

#include <string>
#include <vector>

namespace zp::zpctl {

// Each command takes the arguments after its name (argv[0] is the command name).
int TokenCommand(int argc, const char* const* argv);
int JwksCommand(int argc, const char* const* argv);
int SgecCommand(int argc, const char* const* argv);
int PartnerCommand(int argc, const char* const* argv);

}  // namespace zp::zpctl
