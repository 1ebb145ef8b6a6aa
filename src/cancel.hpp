// Ctrl-C, as psql and vacuumdb handle it: the first SIGINT cancels every
// statement pgdba has running on a server and makes the command end with
// exit code 130; a second SIGINT exits at once.
#pragma once

namespace pqxx {
class connection_base;
}

namespace pgdba::cancel {

// Installs the SIGINT handler and its watcher thread; call once at start-up.
void install();
// Whether Ctrl-C was pressed.
bool requested();
// Throws an Error if Ctrl-C was pressed: called before sending anything, so
// nothing new starts after an interrupt.
void check();

// Connections whose running statement Ctrl-C cancels. A registered
// connection must be removed before it is destroyed.
void add(pqxx::connection_base* conn);
void remove(pqxx::connection_base* conn);

constexpr int kExitCode = 130;

}  // namespace pgdba::cancel
