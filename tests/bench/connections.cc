// Opens N keep-alive HTTP connections to a server, sends one request on each, keeps them idle and
// prints "ready N"; then waits until stdin closes. For the gateway's memory at 10,000 connections.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: zp_connections PORT COUNT\n";
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int count = std::atoi(argv[2]);
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";
  std::vector<int> fds;
  for (int i = 0; i < count; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      std::cerr << "connection " << i << ": " << std::strerror(errno) << "\n";
      return 1;
    }
    if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
      return 1;
    }
    char buf[1024];
    if (read(fd, buf, sizeof(buf)) <= 0) {
      std::cerr << "connection " << i << " got no answer\n";
      return 1;
    }
    fds.push_back(fd);
  }
  std::cout << "ready " << fds.size() << std::endl;
  std::string line;
  std::getline(std::cin, line);
  for (int fd : fds) {
    close(fd);
  }
  return 0;
}
