#include "src/cancel.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <pqxx/connection_base>
#include <set>
#include <thread>

#include "src/errors.hpp"

namespace pgdba::cancel {

namespace {

std::atomic<bool> g_requested{false};
int g_pipe[2] = {-1, -1};
std::mutex g_mutex;
std::set<pqxx::connection_base*> g_conns;

void write_err(const char* s, std::size_t n) {
  if (::write(STDERR_FILENO, s, n) < 0) { /* nothing else to do in a handler */
  }
}

// Only async-signal-safe calls here; the cancel requests themselves are sent
// by the watcher thread, which libpqxx's cancel_query may allocate in.
void on_sigint(int) {
  if (g_requested.exchange(true)) {
    static const char quit[] = "\npgdba: interrupted again; exiting now\n";
    write_err(quit, sizeof quit - 1);
    _exit(kExitCode);
  }
  static const char msg[] = "\npgdba: interrupted; cancelling the running statements (Ctrl-C again to quit now)\n";
  write_err(msg, sizeof msg - 1);
  const char byte = 1;
  if (::write(g_pipe[1], &byte, 1) < 0) { /* the watcher is gone: nothing to cancel */
  }
}

void watch() {
  char byte = 0;
  while (::read(g_pipe[0], &byte, 1) != 1) {
  }
  std::lock_guard<std::mutex> lock(g_mutex);
  for (auto* c : g_conns) {
    try {
      c->cancel_query();  // PQcancel: the server ends the statement with 57014
    } catch (...) {
      // a connection already gone has nothing to cancel
    }
  }
}

}  // namespace

void install() {
  if (::pipe(g_pipe) != 0) return;  // without the pipe Ctrl-C keeps its default meaning
  std::thread(watch).detach();
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
}

bool requested() {
  return g_requested.load();
}

void check() {
  if (!requested()) return;
  Error e(ErrorKind::Failed, "interrupted");
  e.sqlstate = "57014";
  throw e;
}

void add(pqxx::connection_base* conn) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_conns.insert(conn);
}

void remove(pqxx::connection_base* conn) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_conns.erase(conn);
}

}  // namespace pgdba::cancel
