// zpctl sgec import FILE.ndjson | zpctl sgec report IMPORT_ID: the historical-records import.
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "tools/zpctl/commands.h"
#include "zp/core/config.h"
#include "zp/core/uuid.h"
#include "zp/sgec/v1/sgec.grpc.pb.h"

namespace zp::zpctl {
namespace {

namespace v1 = zp::sgec::v1;

std::vector<core::Setting> CommonSettings() {
  return {
      {"address", "127.0.0.1:50101", "the SGEC service (gRPC, internal port)"},
      {"token", "", "bearer token of a civil_officer or dgct (zpctl token ...); env ZP_TOKEN"},
  };
}

std::unique_ptr<v1::CivilRegistry::Stub> Stub(const core::Config& config) {
  return v1::CivilRegistry::NewStub(
      grpc::CreateChannel(config.String("address"), grpc::InsecureChannelCredentials()));
}

void Authorize(grpc::ClientContext& ctx, const core::Config& config) {
  ctx.AddMetadata("authorization", absl::StrCat("Bearer ", config.String("token")));
}

std::string Thousands(int64_t n) {
  std::string digits = absl::StrCat(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

int Fail(const std::string& what, const grpc::Status& s) {
  std::cerr << "zpctl sgec " << what << ": " << s.error_message() << " (code " << s.error_code()
            << ")\n";
  return 1;
}

int Import(const core::Config& config, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "zpctl sgec import: cannot read " << path << "\n";
    return 1;
  }
  in.seekg(0, std::ios::end);
  const double size = std::max<double>(1, static_cast<double>(in.tellg()));
  in.seekg(0);
  std::string import_id = config.String("import_id");
  if (import_id.empty()) import_id = core::NewUuidV7();
  std::cerr << "import " << import_id << " of " << path << "\n";

  auto stub = Stub(config);
  grpc::ClientContext ctx;
  Authorize(ctx, config);
  v1::ImportSummary summary;
  std::unique_ptr<grpc::ClientWriter<v1::ImportHistoricalActsRequest>> writer(
      stub->ImportHistoricalActs(&ctx, &summary));

  std::atomic<int64_t> sent{0};
  std::atomic<double> done{0};
  absl::Notification finished;
  const absl::Time start = absl::Now();
  const bool tty = isatty(STDERR_FILENO) == 1;
  // Progress: what was sent, and what the service committed (its report, polled).
  std::thread progress([&] {
    auto report_stub = Stub(config);
    absl::Time last_line = absl::Now();
    while (!finished.WaitForNotificationWithTimeout(absl::Milliseconds(tty ? 500 : 1000))) {
      grpc::ClientContext rctx;
      Authorize(rctx, config);
      rctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
      v1::GetImportReportRequest req;
      req.set_import_id(import_id);
      req.set_page_size(1);
      v1::ImportReport report;
      const bool ok = report_stub->GetImportReport(&rctx, req, &report).ok();
      const double seconds = std::max(1e-3, absl::ToDoubleSeconds(absl::Now() - start));
      const double fraction = done.load() / size;
      const int width = 30;
      const int filled = static_cast<int>(fraction * width);
      std::string line = absl::StrFormat(
          "[%s%s] %3.0f%%  %s records  %s/s  accepted %s  rejected %s  conflicting %s",
          std::string(filled, '#'), std::string(width - filled, '.'), fraction * 100,
          Thousands(sent.load()), Thousands(static_cast<int64_t>(sent.load() / seconds)),
          ok ? Thousands(report.summary().accepted()) : "-",
          ok ? Thousands(report.summary().rejected()) : "-",
          ok ? Thousands(report.summary().conflicting()) : "-");
      if (tty) {
        std::cerr << "\r" << line << std::flush;
      } else if (absl::Now() - last_line >= absl::Seconds(10)) {
        std::cerr << line << "\n";
        last_line = absl::Now();
      }
    }
    if (tty) std::cerr << "\n";
  });

  std::string text;
  int64_t line = 0;
  bool first = true;
  google::protobuf::util::JsonParseOptions parse;
  while (std::getline(in, text)) {
    ++line;
    done.store(static_cast<double>(in.tellg() < 0 ? size : static_cast<double>(in.tellg())));
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    v1::ImportHistoricalActsRequest request;
    if (first) request.set_import_id(import_id);
    first = false;
    auto parsed =
        google::protobuf::util::JsonStringToMessage(text, request.mutable_record(), parse);
    if (!parsed.ok()) {
      request.mutable_record()->Clear();
      request.mutable_record()->set_parse_error(
          absl::StrCat("line ", line, ": ", parsed.message().as_string()));
    }
    request.mutable_record()->set_line(line);
    if (!writer->Write(request)) break;  // the service ended the call: its status says why
    sent.fetch_add(1);
  }
  if (first) {  // an empty file still opens (and closes) an import
    v1::ImportHistoricalActsRequest request;
    request.set_import_id(import_id);
    writer->Write(request);
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  finished.Notify();
  progress.join();
  if (!status.ok()) return Fail("import", status);
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (config.Bool("json").value_or(false)) {
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(summary, &json);
    std::cout << json << "\n";
  } else {
    std::cout << "import " << summary.import_id() << " finished in "
              << absl::StrFormat(
                     "%.1f s (%s records/s)", seconds,
                     Thousands(static_cast<int64_t>(summary.received() / std::max(seconds, 1e-3))))
              << "\n  received         " << Thousands(summary.received()) << "\n  accepted         "
              << Thousands(summary.accepted()) << "\n  already present  "
              << Thousands(summary.already_present()) << "\n  conflicting      "
              << Thousands(summary.conflicting()) << "\n  rejected         "
              << Thousands(summary.rejected())
              << "\n  possible duplicate persons (accepted, to review)  "
              << Thousands(summary.possible_duplicates()) << "\n";
    if (summary.received() > 0 && summary.accepted() == 0 && summary.conflicting() == 0 &&
        summary.rejected() == 0) {
      std::cout << "nothing changed: every record was already present\n";
    }
    if (summary.rejected() + summary.conflicting() + summary.possible_duplicates() > 0) {
      std::cout << "details: zpctl sgec report " << summary.import_id() << "\n";
    }
  }
  return 0;
}

// The rejected and conflicting records of an import, and the accepted ones that look like a person
// registered before, one JSON object per line.
int Report(const core::Config& config, const std::string& import_id) {
  auto stub = Stub(config);
  std::string token;
  google::protobuf::util::JsonPrintOptions print;
  do {
    grpc::ClientContext ctx;
    Authorize(ctx, config);
    v1::GetImportReportRequest req;
    req.set_import_id(import_id);
    req.set_page_size(1000);
    req.set_page_token(token);
    v1::ImportReport report;
    grpc::Status s = stub->GetImportReport(&ctx, req, &report);
    if (!s.ok()) return Fail("report", s);
    if (token.empty()) {
      std::string json;
      (void)google::protobuf::util::MessageToJsonString(report.summary(), &json, print);
      std::cerr << json << "\n";
    }
    for (const auto& issue : report.issues()) {
      std::string json;
      (void)google::protobuf::util::MessageToJsonString(issue, &json, print);
      std::cout << json << "\n";
    }
    token = report.next_page_token();
  } while (!token.empty());
  return 0;
}

}  // namespace

int SgecCommand(int argc, const char* const* argv) {
  std::vector<core::Setting> settings = CommonSettings();
  settings.push_back({"import_id", "", "import: the UUID of this run (default: a new one)"});
  settings.push_back({"json", "false", "import: print the summary as JSON"});
  if (argc < 3) {
    std::cerr << "usage: zpctl sgec import FILE.ndjson [flags]\n"
                 "       zpctl sgec report IMPORT_ID [flags]\n";
    return 2;
  }
  const std::string verb = argv[1];
  const std::string operand = argv[2];
  absl::StatusOr<core::Config> config = core::Config::Parse(settings, argc - 2, argv + 2);
  if (!config.ok()) {
    std::cerr << "zpctl sgec: " << config.status().message() << "\n";
    return 2;
  }
  if (config->help_requested()) {
    std::cout << "usage: zpctl sgec import FILE.ndjson | report IMPORT_ID [flags]\n"
              << config->Usage();
    return 0;
  }
  if (config->String("token").empty()) {
    std::cerr << "zpctl sgec: --token (or ZP_TOKEN) is required\n";
    return 2;
  }
  if (verb == "import") return Import(*config, operand);
  if (verb == "report") return Report(*config, operand);
  std::cerr << "zpctl sgec: unknown verb " << verb << "\n";
  return 2;
}

}  // namespace zp::zpctl
